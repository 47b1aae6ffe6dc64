#!/usr/bin/env bash
# Runs the server and the load generator on this machine, one row per line, and prints the
# README's results table. Each row starts a fresh server on a loopback port, runs
# `tickwire loadgen`, and stops the server. Bounded: every run stops by itself.
#
#   benches/loadgen_table.sh                       # random-walk E=1000, 100 % moving, all visible
#   MOVING=10 CLIENTS="200 1000" benches/loadgen_table.sh
#   SCENARIO="transport-floor --payload-bytes 2844" benches/loadgen_table.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/tickwire
clients=${CLIENTS:-"100 200 500 1000 2000"}
moving=${MOVING:-100}
scenario=${SCENARIO:-"random-walk --entities 1000 --moving-pct $moving"}
duration=${DURATION:-20}
port=${PORT:-9300}
echo "| clients | snapshots/s per client (slowest client) | inputs/s per client | server CPU % of a core | server CPU ms per tick | tick p99 ms | RSS MB | bytes/s per client | bits per entity update | loadgen CPU % | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for c in $clients; do
  port=$((port + 1))
  # shellcheck disable=SC2086
  # Every client comes from 127.0.0.1: the per-address connection limit is lifted.
  $bin serve --bind 127.0.0.1:$port --scenario $scenario --tick-rate 30 --snapshot-rate 30 \
    --max-connections-per-ip 0 >/dev/null 2>&1 &
  server=$!
  sleep 1
  json=$($bin loadgen --url ws://127.0.0.1:$port/ws --clients "$c" --duration "$duration" \
    --ramp-per-sec 300 --json 2>/dev/null | tail -n 1) || json=""
  kill -TERM $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  python3 - "$c" "$json" <<'PY'
import json, sys
c, line = sys.argv[1], sys.argv[2]
try:
    d = json.loads(line)
except Exception:
    print(f"| {c} | run failed | | | | | | | | | |")
    sys.exit(0)
f = lambda k, n=1: "n/a" if d.get(k) is None else f"{d[k]:.{n}f}"
print(f"| {d['clients_connected']} | {f('snapshots_per_sec_per_client')} ({f('snapshots_per_sec_slowest_client')}) | {f('inputs_per_sec_per_client')} | {f('server_cpu_pct', 0)} | "
      f"{f('server_cpu_ms_per_tick')} | {f('server_tick_ms_p99', 2)} | {f('server_rss_mb', 0)} | "
      f"{f('bytes_per_sec_per_client', 0)} | {f('bits_per_entity_update')} | {f('loadgen_cpu_pct', 0)} | "
      f"{d['decode_errors'] + d['unexpected_closes']} |")
PY
done
