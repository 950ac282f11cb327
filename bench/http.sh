#!/usr/bin/env bash
# Load test of the agreements list (HTML page and JSON endpoint) with 10,000 agreements,
# SQLite and PostgreSQL side by side in one run, with wrk from Debian on loopback.
#
#   bash bench/http.sh            # needs: wrk, a running PostgreSQL (MIZALLA_BENCH_PG_URL)
#
# Env: MIZALLA_BENCH_PG_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres),
#      DURATION (default 20s), CONNECTIONS (default 50), AGREEMENTS (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-50}
AGREEMENTS=${AGREEMENTS:-10000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -q
BIN=target/release/mizalla
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

pg_db="mizalla_bench_$$"
psql "$PG_ADMIN" -q -c "CREATE DATABASE $pg_db" >/dev/null
PG_URL="${PG_ADMIN%/*}/$pg_db"

echo "| backend | endpoint | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
port=18080
for backend in sqlite postgres; do
  if [ $backend = sqlite ]; then url="sqlite://$WORK/bench.db"; else url="$PG_URL"; fi
  # The ledger's key lives outside the database (on SQLite, beside its file by default).
  export MIZALLA_LEDGER_KEY_FILE="$WORK/$backend.ledger-key"
  $BIN demo --agreements "$AGREEMENTS" --database-url "$url" >/dev/null 2>&1
  port=$((port + 1))
  MIZALLA_LOG_FORMAT=json RUST_LOG=warn $BIN serve --database-url "$url" --listen "127.0.0.1:$port" >"$WORK/$backend.log" 2>&1 &
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  jar="$WORK/$backend.cookies"
  curl -sf -c "$jar" -o /dev/null -d 'email=staff@secretariat.demo&password=mizalla-demo' "http://127.0.0.1:$port/login"
  session=$(awk '$6 == "mizalla_session" {print $7}' "$jar")
  for endpoint in /agreements /api/v1/agreements "/agreements?page=RANDOM"; do
    script=()
    case "$endpoint" in *RANDOM) script=(-s bench/pages.lua);; esac
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" -H "Cookie: mizalla_session=$session" "http://127.0.0.1:$port${endpoint%\?*}")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    ms() { case "$1" in *us) awk "BEGIN {printf \"%.2f\", ${1%us}/1000}";; *ms) awk "BEGIN {printf \"%.2f\", ${1%ms}}";; *s) awk "BEGIN {printf \"%.2f\", ${1%s}*1000}";; esac; }
    echo "| $backend | GET $endpoint | $rps | $(ms "$p50") | $(ms "$p99") | ${errors:-0} |"
  done
  kill %% 2>/dev/null || true
  wait 2>/dev/null || true
done
psql "$PG_ADMIN" -q -c "DROP DATABASE $pg_db" >/dev/null || true
