#!/usr/bin/env bash
# Load test of the coverage page and the public observatory (page and JSON) on a registry of
# 200,000 registrations with 100,000 ledger entries (bench/fourw_set.py), SQLite and PostgreSQL
# side by side in one run, with wrk on loopback. Beside each: the first request, which computes
# the figures (what every request would cost without the one-minute cache).
#
#   bash bench/coordination_http.sh     # env: RECORDS, ENTRIES, DURATION (20s), CONNECTIONS (50),
#                                        # BACKENDS ("sqlite postgres")
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
RECORDS=${RECORDS:-200000}; ENTRIES=${ENTRIES:-100000}
DURATION=${DURATION:-20s}; CONNECTIONS=${CONNECTIONS:-50}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p mizalla-cli
BIN=$PWD/target/release/mizalla
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_cov" -c "CREATE DATABASE mizalla_bench_cov" >/dev/null
PG_URL="${PG_ADMIN%/*}/mizalla_bench_cov"
ms() { case "$1" in *us) awk "BEGIN {printf \"%.2f\", ${1%us}/1000}";; *ms) awk "BEGIN {printf \"%.2f\", ${1%ms}}";; *s) awk "BEGIN {printf \"%.2f\", ${1%s}*1000}";; esac; }
echo "| backend | endpoint | first request ms | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|---|"
port=18180
for backend in ${BACKENDS:-sqlite postgres}; do
  if [ $backend = sqlite ]; then url="sqlite://$WORK/bench.db"; else url="$PG_URL"; fi
  export MIZALLA_LEDGER_KEY_FILE="$WORK/$backend.ledger-key"
  $BIN migrate --database-url "$url" >/dev/null
  python3 bench/fourw_set.py "$url" "$RECORDS" "$ENTRIES" >/dev/null
  # A freshly loaded PostgreSQL database vacuums and analyses itself for a while (autovacuum on
  # 300,000 new rows): done first, so that the load test measures the platform, not that.
  if [ $backend = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null; fi
  echo "bench-password-1" | $BIN user add staff@bench.test --org secretariat --role secretariat_staff --database-url "$url" >/dev/null
  port=$((port + 1))
  RUST_LOG=warn,mizalla::registry::online=info $BIN serve --database-url "$url" --listen "127.0.0.1:$port" >"$WORK/$backend.log" 2>&1 &
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  # The server warms the registry's index for "already registered?" after it starts (200,000
  # registrations: some seconds of work beside the requests); measured once it is ready.
  for _ in $(seq 1 300); do grep -q "registry ready" "$WORK/$backend.log" && break; sleep 0.2; done
  jar="$WORK/$backend.cookies"
  curl -sf -c "$jar" -o /dev/null -d 'email=staff@bench.test&password=bench-password-1' "http://127.0.0.1:$port/login"
  session=$(awk '$6 == "mizalla_session" {print $7}' "$jar")
  for endpoint in "/coverage?category=food_box" /observatory /api/v1/observatory; do
    first=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: mizalla_session=$session" "http://127.0.0.1:$port$endpoint")
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: mizalla_session=$session" "http://127.0.0.1:$port$endpoint")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    echo "| $backend | GET $endpoint | $(awk "BEGIN {printf \"%.0f\", $first * 1000}") | $rps | $(ms "$p50") | $(ms "$p99") | ${errors:-0} |"
  done
  kill %% 2>/dev/null || true
  wait 2>/dev/null || true
done
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_cov" >/dev/null || true
