#!/usr/bin/env bash
# Two builds of `mizalla` side by side in one run, on the same machine and data: `mizalla dedup`
# of a labelled set, `mizalla import` of its last member into a registry holding the others, and
# the list pages (audit log, review queue, assistance, agreements) under load with wrk.
#
#   bash bench/compare.sh OLD_BIN NEW_BIN [SET_DIR]   # needs hyperfine and wrk (Debian packages)
#
# Build the old one from another commit, e.g.
#   git worktree add /tmp/base COMMIT && (cd /tmp/base && CARGO_TARGET_DIR=/tmp/base-target cargo build --release -p mizalla-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1
NEW=$2
SET=${3:-../shared/data/dev}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
files=("$SET"/ngo0*.csv)
last=${files[-1]}

echo "## dedup of $(basename "$SET") (${#files[@]} files)"
hyperfine -w 1 -r 5 -N --export-markdown "$WORK/dedup.md" \
  -n old "$OLD dedup ${files[*]} --out $WORK/old-clusters.csv" \
  -n new "$NEW dedup ${files[*]} --out $WORK/new-clusters.csv" >/dev/null
cat "$WORK/dedup.md"

echo
echo "## import of $(basename "$last") into a registry of the other members"
for v in old new; do
  bin=$OLD; [ $v = new ] && bin=$NEW
  url="sqlite://$WORK/$v-base.db"
  for f in "${files[@]}"; do
    code=$(basename "$f" .csv)
    $bin org add "$code" --name "$code" --database-url "$url" >/dev/null 2>&1
    [ "$f" = "$last" ] || $bin import --org "$code" "$f" --database-url "$url" >/dev/null 2>&1
  done
done
code=$(basename "$last" .csv)
# A fresh copy of each registry before every run: the database, its write-ahead log and its key.
cat >"$WORK/fresh.sh" <<PREP
for v in old new; do
  for ext in "" -wal -shm .ledger-key; do
    rm -f "$WORK/\$v-run.db\$ext"
    [ -e "$WORK/\$v-base.db\$ext" ] && cp "$WORK/\$v-base.db\$ext" "$WORK/\$v-run.db\$ext"
  done
done
true
PREP
hyperfine -w 1 -r 5 --export-markdown "$WORK/import.md" --prepare "bash $WORK/fresh.sh" \
  -n old "$OLD import --org $code $last --database-url sqlite://$WORK/old-run.db" \
  -n new "$NEW import --org $code $last --database-url sqlite://$WORK/new-run.db" >/dev/null
cat "$WORK/import.md"

echo
echo "## list pages, demo alliance on SQLite, wrk 2 threads, 8 connections, 10 s each"
echo "| page | old req/s | new req/s | new/old | old p99 ms | new p99 ms |"
echo "|---|---|---|---|---|---|"
port=18300
declare -A rps p99
for v in old new; do
  bin=$OLD; [ $v = new ] && bin=$NEW
  port=$((port + 1))
  url="sqlite://$WORK/$v-pages.db"
  $bin demo --database-url "$url" >/dev/null 2>&1
  MIZALLA_LOG_FORMAT=json RUST_LOG=warn $bin serve --database-url "$url" --listen "127.0.0.1:$port" >"$WORK/$v.log" 2>&1 &
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  jar="$WORK/$v.cookies"
  curl -sf -c "$jar" -o /dev/null -d 'email=admin@secretariat.demo&password=mizalla-demo' "http://127.0.0.1:$port/login"
  session=$(awk '$6 == "mizalla_session" {print $7}' "$jar")
  for page in /audit /registry/review /assistance/overlaps /agreements; do
    out=$(wrk -t2 -c8 -d10s --latency -H "Cookie: mizalla_session=$session" "http://127.0.0.1:$port$page")
    rps[$v$page]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99[$v$page]=$(awk '$1 == "99%" {print $2}' <<<"$out")
  done
  kill %% 2>/dev/null || true
  wait 2>/dev/null || true
done
for page in /audit /registry/review /assistance/overlaps /agreements; do
  ratio=$(awk -v a="${rps[old$page]}" -v b="${rps[new$page]}" 'BEGIN {printf "%.2f", b / a}')
  echo "| $page | ${rps[old$page]} | ${rps[new$page]} | $ratio | ${p99[old$page]} | ${p99[new$page]} |"
done
