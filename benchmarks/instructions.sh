#!/usr/bin/env bash
# Counts the instructions one call takes, with callgrind (valgrind's
# instruction counter), so the comparison does not depend on the machine's
# load: the client side of each loadtest loop, and the emulator's side of a
# call. Needs valgrind (Debian: apt-get install valgrind).
#
#   bash benchmarks/instructions.sh
#
# BEFORE_EMULATOR=/path/to/room-emulator also counts another build of the
# emulator (for example one built from an older commit). CONCURRENCY (the
# client loops, default "1 16 64 256") and EMULATOR_CONCURRENCY (default
# 64) set how many calls are in flight.
#
# Each figure is the difference between two runs of N1 and N2 calls divided
# by N2 - N1, so start-up, warm-up and the final report cancel out. Counts
# are user-space instructions: the kernel's share of a call (the loopback
# TCP send and receive) is not in them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 2; }
cargo build --release -p trtc-room-emulator --bin room-emulator --example loadtest
target=${CARGO_TARGET_DIR:-target}/release
n1=${N1:-2000}
n2=${N2:-10000}
concurrencies=${CONCURRENCY:-1 16 64 256}
ec=${EMULATOR_CONCURRENCY:-64}
out=benchmarks/data/instructions.jsonl
: > "$out"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 200); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "instructions.sh: nothing listens on port $1" >&2
  return 1
}
# Instructions of a finished callgrind run, from its log.
collected() { awk '/Collected :/ {print $4}' "$1"; }

# The client side: each loop alone, against an emulator outside valgrind.
port=$(free_port)
RUST_LOG=room_emulator=warn "$target/room-emulator" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
wait_port "$port"
for c in $concurrencies; do
  for loop in raw checked decoded sdk; do
    for n in "$n1" "$n2"; do
      valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="/tmp/ir-$loop-$n.log" \
        "$target/examples/loadtest" --only "$loop" --calls "$n" --concurrency "$c" \
        --base-url "http://127.0.0.1:$port" >/dev/null 2>&1
    done
    a=$(collected "/tmp/ir-$loop-$n1.log"); b=$(collected "/tmp/ir-$loop-$n2.log")
    rm -f "/tmp/ir-$loop-$n1.log" "/tmp/ir-$loop-$n2.log"
    echo "{\"side\":\"client\",\"loop\":\"$loop\",\"concurrency\":$c,\"instructions_per_call\":$(( (b - a) / (n2 - n1) ))}" | tee -a "$out"
  done
done
kill $emulator 2>/dev/null || true

# The emulator's side of a get_room_info call, driven by the bare loop; the
# emulator runs under callgrind and stops on Ctrl-C (SIGINT).
count_emulator() { # label binary
  for n in "$n1" "$n2"; do
    local p log pid
    p=$(free_port)
    log="/tmp/ir-emulator-$1-$n.log"
    RUST_LOG=room_emulator=warn valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      --log-file="$log" "$2" --listen "127.0.0.1:$p" >/dev/null 2>&1 &
    pid=$!
    wait_port "$p"
    "$target/examples/loadtest" --only raw --calls "$n" --concurrency "$ec" \
      --base-url "http://127.0.0.1:$p" >/dev/null 2>&1
    kill -INT "$pid"
    wait "$pid" || true
  done
  local a b
  a=$(collected "/tmp/ir-emulator-$1-$n1.log"); b=$(collected "/tmp/ir-emulator-$1-$n2.log")
  rm -f "/tmp/ir-emulator-$1-$n1.log" "/tmp/ir-emulator-$1-$n2.log"
  echo "{\"side\":\"emulator\",\"emulator\":\"$1\",\"concurrency\":$ec,\"instructions_per_call\":$(( (b - a) / (n2 - n1) ))}" | tee -a "$out"
}
count_emulator current "$target/room-emulator"
if [ -n "${BEFORE_EMULATOR:-}" ]; then
  count_emulator before "$BEFORE_EMULATOR"
fi
