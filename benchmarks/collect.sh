#!/usr/bin/env bash
# Measures the data behind BENCHMARKS.md (release builds, loopback only),
# then redraws the charts. Takes a few minutes.
#
#   bash benchmarks/collect.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p trtc-room-emulator --bin room-emulator --example loadtest --example bulk_job
target=${CARGO_TARGET_DIR:-target}/release
data=benchmarks/data
mkdir -p "$data"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=room_emulator=warn "$target/room-emulator" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
emulator=$!
trap 'kill $emulator' EXIT
sleep 1
base="http://127.0.0.1:$port"

: > "$data/loadtest.jsonl"
for c in 1 16 64 256; do
  calls=$(( c == 1 ? 5000 : 20000 ))
  "$target/examples/loadtest" --calls "$calls" --concurrency "$c" --base-url "$base" \
    --server-pid "$emulator" | tail -1 >> "$data/loadtest.jsonl"
  python3 benchmarks/python_client.py --base-url "$base" --calls 3000 --concurrency "$c" \
    | sed 's/^/{"python":true,/; s/^{"python":true,{/{"python":true,/' >> "$data/loadtest.jsonl"
done
python3 - "$data" <<'PY'
import json, sys
d = sys.argv[1]
rows = {}
for line in open(f"{d}/loadtest.jsonl"):
    j = json.loads(line)
    r = rows.setdefault(j["concurrency"], {})
    if j.get("python"):
        r["python"] = j["calls_per_s"]
    else:
        r["raw"], r["sdk"] = j["raw_calls_per_s"], j["sdk_calls_per_s"]
with open(f"{d}/throughput.csv", "w") as f:
    f.write("concurrency,raw,sdk,python\n")
    for c in sorted(rows):
        r = rows[c]
        f.write(f"{c},{r.get('raw','')},{r.get('sdk','')},{r.get('python','')}\n")
PY

"$target/examples/bulk_job" --timeline "$data/bulk_limiter.csv" > "$data/bulk.jsonl"
"$target/examples/bulk_job" --no-limiter --timeline "$data/bulk_no_limiter.csv" >> "$data/bulk.jsonl"
cat "$data/loadtest.jsonl" "$data/bulk.jsonl"
python3 benchmarks/charts.py
