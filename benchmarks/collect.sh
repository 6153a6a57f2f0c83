#!/usr/bin/env bash
# Measures the data behind BENCHMARKS.md (release builds, loopback only),
# then redraws the charts. Takes about ten minutes on two cores.
#
#   bash benchmarks/collect.sh
#
# BEFORE_EMULATOR=/path/to/room-emulator adds a CPU-per-call comparison
# with another build of the emulator (for example one built from an older
# commit), measured in the same run as the current one.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p trtc-room-emulator --bin room-emulator \
  --example loadtest --example bulk_job --example startup
target=${CARGO_TARGET_DIR:-target}/release
data=benchmarks/data
mkdir -p "$data"
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "rustc: $(rustc --version)"
  echo "python: $(python3 --version 2>&1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$data/machine.txt"

port=$(free_port)
RUST_LOG=room_emulator=warn "$target/room-emulator" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
emulator=$!
before=""
trap 'kill $emulator ${before:-} 2>/dev/null || true' EXIT
sleep 1
base="http://127.0.0.1:$port"

# Three rounds of every concurrency, interleaved, so a burst of other load
# on the machine does not land on one concurrency only.
: > "$data/loadtest.jsonl"
for round in 1 2 3; do
  for c in 1 16 64 256; do
    calls=$(( c == 1 ? 5000 : 20000 ))
    "$target/examples/loadtest" --calls "$calls" --concurrency "$c" --base-url "$base" \
      --server-pid "$emulator" | tail -1 >> "$data/loadtest.jsonl"
    python3 benchmarks/python_client.py --base-url "$base" --calls 3000 --concurrency "$c" \
      | sed 's/^{/{"python":true,/' >> "$data/loadtest.jsonl"
  done
done

# Emulator server CPU per call at concurrency 64: this build and, if given,
# another one, alternating.
: > "$data/emulator_cpu.jsonl"
if [ -n "${BEFORE_EMULATOR:-}" ]; then
  bport=$(free_port)
  RUST_LOG=room_emulator=warn "$BEFORE_EMULATOR" --listen "127.0.0.1:$bport" >/dev/null 2>&1 &
  before=$!
  sleep 1
fi
for round in 1 2 3; do
  "$target/examples/loadtest" --calls 20000 --concurrency 64 --base-url "$base" \
    --server-pid "$emulator" | tail -1 | sed 's/^{/{"emulator":"current",/' >> "$data/emulator_cpu.jsonl"
  if [ -n "$before" ]; then
    "$target/examples/loadtest" --calls 20000 --concurrency 64 --base-url "http://127.0.0.1:$bport" \
      --server-pid "$before" | tail -1 | sed 's/^{/{"emulator":"before",/' >> "$data/emulator_cpu.jsonl"
  fi
done

"$target/examples/startup" 200 > "$data/startup.json"

"$target/examples/bulk_job" --timeline "$data/bulk_limiter.csv" > "$data/bulk.jsonl"
"$target/examples/bulk_job" --no-limiter --timeline "$data/bulk_no_limiter.csv" >> "$data/bulk.jsonl"

cargo bench -p trtc-room --bench hot_paths 2>/dev/null \
  | grep -E '^[a-z].*|time:|thrpt:' > "$data/criterion.txt" || true

python3 - "$data" <<'PY'
import json, statistics, sys
d = sys.argv[1]
rows = {}
for line in open(f"{d}/loadtest.jsonl"):
    j = json.loads(line)
    r = rows.setdefault(
        j["concurrency"],
        {"raw": [], "raw_checked": [], "sdk": [], "ratio": [], "ratio_checked": [], "python": []},
    )
    if j.get("python"):
        r["python"].append(j["calls_per_s"])
    else:
        r["raw"].append(j["raw_calls_per_s"])
        r["raw_checked"].append(j["raw_checked_calls_per_s"])
        r["sdk"].append(j["sdk_calls_per_s"])
        r["ratio"].append(j["sdk_vs_raw"])
        r["ratio_checked"].append(j["sdk_vs_raw_checked"])
with open(f"{d}/throughput.csv", "w") as f:
    f.write("concurrency,raw,raw_checked,sdk,python,sdk_vs_raw,sdk_vs_raw_checked\n")
    for c in sorted(rows):
        m = {k: statistics.median(v) for k, v in rows[c].items() if v}
        f.write(
            f"{c},{m['raw']:.0f},{m['raw_checked']:.0f},{m['sdk']:.0f},{m['python']:.0f},"
            f"{m['ratio']:.3f},{m['ratio_checked']:.3f}\n"
        )
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$data/machine.txt"
cat "$data/machine.txt" "$data/throughput.csv" "$data/emulator_cpu.jsonl" "$data/startup.json" \
  "$data/bulk.jsonl" "$data/criterion.txt"
python3 benchmarks/charts.py
