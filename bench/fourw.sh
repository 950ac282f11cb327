#!/usr/bin/env bash
# `mizalla export 4w` at village level, by month, on registries of growing size (registrations /
# ledger entries), SQLite and PostgreSQL side by side in one run, next to what a user would
# otherwise write: one GROUP BY in the database's own shell (no place names reconciled, no
# reversals paired, no members' rows beside the alliance's).
#
#   bash bench/fourw.sh                 # default sizes: 50000/25000 100000/50000 200000/100000
#   SIZES="200000/100000" bash bench/fourw.sh
#
# Needs hyperfine, sqlite3 and psql (Debian), and a PostgreSQL server (MIZALLA_BENCH_PG_URL,
# default postgres://postgres:postgres@127.0.0.1:5432/postgres). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
SIZES=${SIZES:-50000/25000 100000/50000 200000/100000}
cargo build --release -q -p mizalla-cli
BIN=$PWD/target/release/mizalla
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/q.sql" <<'SQL'
SELECT r.org_id, r.governorate, r.district, r.village, a.category, substr(a.given_on, 1, 7),
       COUNT(DISTINCT r.person_id), COUNT(DISTINCT r.household_id), SUM(a.quantity), SUM(a.value_piastres)
FROM assistance a JOIN registry_records r ON r.id = a.record_id
GROUP BY 1, 2, 3, 4, 5, 6;
SQL
echo "| registrations / entries | rows | SQLite: export 4w | PostgreSQL: export 4w | sqlite3 GROUP BY | psql GROUP BY |"
echo "|---|---|---|---|---|---|"
for size in $SIZES; do
  n=${size%/*}; e=${size#*/}
  rm -f "$WORK"/b.db*
  "$BIN" migrate --database-url "sqlite://$WORK/b.db" >/dev/null
  python3 bench/fourw_set.py "sqlite://$WORK/b.db" "$n" "$e" >/dev/null
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_4w" -c "CREATE DATABASE mizalla_bench_4w" >/dev/null
  PG=${PG_ADMIN%/*}/mizalla_bench_4w
  "$BIN" migrate --database-url "$PG" --ledger-key-file "$WORK/pg.key" >/dev/null
  python3 bench/fourw_set.py "$PG" "$n" "$e" >/dev/null
  hyperfine -N --warmup 1 --runs 7 --export-json "$WORK/h.json" \
    -n sqlite "$BIN export 4w --out $WORK/s.csv --level village --period month --database-url sqlite://$WORK/b.db" \
    -n postgres "$BIN export 4w --out $WORK/p.csv --level village --period month --database-url $PG --ledger-key-file $WORK/pg.key" \
    -n sqlite3 "sqlite3 $WORK/b.db -cmd '.output /dev/null' '.read $WORK/q.sql'" \
    -n psql "psql -q -o /dev/null $PG -f $WORK/q.sql" >/dev/null
  rows=$(($(wc -l < "$WORK/s.csv") - 2))
  python3 - "$WORK/h.json" "$n" "$e" "$rows" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cell = lambda k: f'{r[k]["median"]:.2f} s (±{r[k]["stddev"]:.2f})'
print(f'| {int(sys.argv[2]):,} / {int(sys.argv[3]):,} | {int(sys.argv[4]):,} | {cell("sqlite")} | {cell("postgres")} | {cell("sqlite3")} | {cell("psql")} |')
PY
done
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_4w" >/dev/null
