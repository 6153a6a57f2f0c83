#!/usr/bin/env python3
"""Checks that the declared minimum Rust version (MSRV) is true.

Every workspace member must declare the workspace's `rust-version`, and no
locked dependency that an app building a published crate compiles (normal and
build dependencies of the publishable members) may need a newer toolchain
(the `rust-version` each crate publishes). Dev-dependencies only build our own
tests, so they are reported, not held to the MSRV. Our own code is checked against it by clippy's
`incompatible_msrv` lint, which reads the same `rust-version`.
"""
import json
import subprocess
import sys


def version(v):
    return tuple(int(x) for x in v.split("."))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
members = set(meta["workspace_members"])
packages = {p["id"]: p for p in meta["packages"]}
declared = {packages[m]["name"]: packages[m].get("rust_version") for m in members}
msrvs = set(declared.values())
if None in msrvs or len(msrvs) != 1:
    sys.exit(f"every workspace member must inherit one rust-version, got {declared}")
msrv = msrvs.pop()
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}


def reachable(roots, kinds):
    seen, todo = set(), list(roots)
    while todo:
        i = todo.pop()
        for d in nodes[i]["deps"]:
            if any(k["kind"] in kinds for k in d["dep_kinds"]) and d["pkg"] not in seen:
                seen.add(d["pkg"])
                todo.append(d["pkg"])
    return seen - members


def highest(ids):
    return max((packages[i].get("rust_version") or "1.0" for i in ids), key=version)


published = [m for m in members if packages[m].get("publish") is None]
shipped = reachable(published, (None, "build"))
too_new = sorted(
    (packages[i]["name"], packages[i]["version"], packages[i]["rust_version"])
    for i in shipped
    if packages[i].get("rust_version")
    and version(packages[i]["rust_version"]) > version(msrv)
)
if too_new:
    for name, ver, rv in too_new:
        print(f"{name} {ver} needs Rust {rv}", file=sys.stderr)
    sys.exit(f"locked dependencies need a newer Rust than rust-version = {msrv}")
everything = reachable(members, (None, "build", "dev"))
print(
    f"MSRV {msrv}: the {len(shipped)} locked dependencies of "
    f"{', '.join(sorted(packages[m]['name'] for m in published))} build with it "
    f"(highest need {highest(shipped)}); the workspace's own tests and tools need {highest(everything)}"
)
