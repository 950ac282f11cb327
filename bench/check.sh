#!/usr/bin/env bash
# "Already registered?" from the web API against a large registry: p50 and p99 under load.
#
#   bash bench/check.sh [RECORDS]       # default 2000000 registrations (about 1M persons)
#
# Builds a scale set from dev (bench/scale_set.py), imports members 1–7 of it into a fresh
# SQLite registry with `mizalla import` (one file: one member "scale"), starts the server, and
# has wrk post member 8's records one by one as probes (most of them are registered people
# under another member's spelling; the rest are new). Needs python3, wrk, curl.
# Env: DURATION (default 30s), CONNECTIONS (default "1 10 50").
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-1 10 50}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -q
BIN=$PWD/target/release/mizalla
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; keep=1; else WORK=$(mktemp -d); keep=0; fi
trap 'kill $(jobs -p) 2>/dev/null || true; [ $keep = 1 ] || rm -rf "$WORK"' EXIT
if [ ! -f "$WORK/registry.db" ]; then  # a kept WORK with its registry is measured again as is
[ -d "$WORK/set" ] || python3 bench/scale_set.py ../shared/data/dev "$N" "$WORK/set" >/dev/null
registrations=$(python3 - "$WORK" <<'PY'
import csv, json, sys, glob
work = sys.argv[1]
files = sorted(glob.glob(f"{work}/set/ngo0*.csv"))
# Files of at most 1,000,000 rows (the import's limit per file).
rows, header = [], None
for f in files[:-1]:
    with open(f, encoding="utf-8-sig", newline="") as inp:
        r = csv.reader(inp)
        header = next(r)
        rows.extend(r)
for part in range(0, len(rows), 1_000_000):
    with open(f"{work}/registry-{part // 1_000_000 + 1}.csv", "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(header)
        w.writerows(rows[part:part + 1_000_000])
print(len(rows))
fields = ["full_name", "first_name", "father_name", "grandfather_name", "family_name",
          "national_id", "date_of_birth", "gender", "phone", "governorate", "district", "village"]
with open(files[-1], encoding="utf-8-sig", newline="") as inp, open(f"{work}/probes.jsonl", "w") as out:
    for i, row in enumerate(csv.DictReader(inp)):
        if i >= 5000:
            break
        out.write(json.dumps({k: row.get(k, "") for k in fields}, ensure_ascii=False) + "\n")
PY
)
url="sqlite://$WORK/registry.db"
$BIN org add scale --name "Scale member" --database-url "$url" >/dev/null
echo "registrations: $registrations"
for f in "$WORK"/registry-*.csv; do
  /usr/bin/time -f "import: %e s, peak %M KiB" $BIN import --org scale "$f" --database-url "$url" 2>&1 | tail -2
done
fi
url="sqlite://$WORK/registry.db"
echo "bench-password-long" | $BIN user add check@scale.bench --org scale --role member_staff --database-url "$url" >/dev/null 2>&1 || true
persons=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('SELECT COUNT(DISTINCT person_id) FROM registry_records').fetchone()[0])" "$WORK/registry.db")
echo "registry persons: $persons"
port=18090
# A load test makes thousands of checks a minute from one user: no per-user limit here.
MIZALLA_CHECKS_PER_MINUTE=0 MIZALLA_LOG_FORMAT=json RUST_LOG=warn,mizalla::registry::online=info $BIN serve --database-url "$url" --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
jar="$WORK/cookies"
curl -sf -c "$jar" -o /dev/null -d 'email=check@scale.bench&password=bench-password-long' "http://127.0.0.1:$port/login"
export SESSION=$(awk '$6 == "mizalla_session" {print $7}' "$jar")
export CSRF=$(curl -sf -b "$jar" "http://127.0.0.1:$port/registry/check" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
export PROBES="$WORK/probes.jsonl"
# A starting server builds the index from the database before answering checks from it.
for _ in $(seq 1 3000); do grep -q 'registry ready' "$WORK/serve.log" && break; sleep 0.2; done
echo "index built at start: $(grep -o '"seconds":[0-9.]*' "$WORK/serve.log" | cut -d: -f2) s; server RSS $(ps -o rss= -p $server) KiB"
echo "| endpoint | connections | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
ms() { case "$1" in *us) awk "BEGIN {printf \"%.2f\", ${1%us}/1000}";; *ms) awk "BEGIN {printf \"%.2f\", ${1%ms}}";; *s) awk "BEGIN {printf \"%.2f\", ${1%s}*1000}";; esac; }
run() {  # endpoint label, connections, wrk script
  out=$(wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$DURATION" --latency -s "$3" "http://127.0.0.1:$port")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "| $1 | $2 | $rps | $(ms "$p50") | $(ms "$p99") | ${errors:-0} |"
}
for c in $CONNECTIONS; do
  run "POST /api/v1/registry/check" "$c" bench/check.lua
done
# What a user would otherwise do: search the registry by the person's name.
run "GET /api/v1/registry/search?q=NAME" 10 bench/search.lua
