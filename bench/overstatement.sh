#!/usr/bin/env bash
# How far the alliance's reach would be overstated by adding up members' own counts: the dev
# lists imported member by member into the registry (linkage recognises the same family across
# members), a realistic ledger (bench/overstatement.py) recorded, then `mizalla export 4w` by
# kind for the whole period — the members' rows summed, next to the alliance's row (each person
# once). Prints a Markdown table.
#
#   bash bench/overstatement.sh [DATA_DIR]      # default ../shared/data/dev
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/dev}
cargo build --release -q -p mizalla-cli
BIN=$PWD/target/release/mizalla
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="sqlite://$WORK/o.db"
for f in "$DATA"/ngo0*.csv; do
  org=$(basename "$f" .csv)
  "$BIN" org add "$org" --name "$org" --database-url "$DB" >/dev/null
  "$BIN" import --org "$org" "$f" --database-url "$DB" >/dev/null 2>&1
done
python3 bench/overstatement.py "$WORK/aid" "$DATA"/ngo0*.csv
for f in "$WORK"/aid/*.csv; do
  "$BIN" ledger import --org "$(basename "$f" .csv)" "$f" --database-url "$DB" >/dev/null 2>&1
done
"$BIN" export 4w --out "$WORK/4w.csv" --level governorate --period all --database-url "$DB" 2>/dev/null
python3 - "$WORK/4w.csv" <<'PY'
import csv, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))[1:]
members, alliance = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
for r in rows:
    if r["source"] != "counted":
        continue
    target = alliance if r["org_code"] == "*" else members
    target[r["category"]][0] += int(r["persons_reached"])
    target[r["category"]][1] += int(r["households_reached"])
print("| kind | households: members' rows added up | households: counted once | overstated by |")
print("|---|---|---|---|")
tm = ta = 0
for k in sorted(alliance):
    m, a = members[k][1], alliance[k][1]
    tm, ta = tm + m, ta + a
    print(f"| {k} | {m:,} | {a:,} | {100 * (m - a) / a:.1f} % |")
print(f"| all kinds | {tm:,} | {ta:,} | {100 * (tm - ta) / ta:.1f} % |")
PY
