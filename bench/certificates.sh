#!/usr/bin/env bash
# Event certificates (issue 16): the time to draw 100, 500 and 1,000 PDF certificates with Typst
# as the platform does (crates/app/examples/certificates_bench.rs), one after another and on
# every core; beside it, what an organiser could otherwise use — an HTML certificate printed to
# PDF by headless Chromium, one process per certificate — on CHROMIUM_RUNS (default 10) of them.
#
#   bash bench/certificates.sh     # env: SIZES ("100 500 1000"), CHROMIUM_RUNS (10)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p mizalla-app --example certificates_bench
./target/release/examples/certificates_bench ${SIZES:-100 500 1000}
RUNS=${CHROMIUM_RUNS:-10}
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp assets/fonts/Amiri-Regular.ttf assets/fonts/Amiri-Bold.ttf "$WORK/"
cat > "$WORK/certificate.html" <<'HTML'
<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><style>
@font-face { font-family: Amiri; src: url(Amiri-Regular.ttf); }
@font-face { font-family: Amiri; font-weight: bold; src: url(Amiri-Bold.ttf); }
@page { size: A4 landscape; margin: 1cm; }
body { font-family: Amiri; font-size: 15pt; border: 3px solid #1d5e4a; padding: 1cm; height: 16cm; }
.cols { display: flex; gap: 1.4cm; } .cols > div { flex: 1; } .en { direction: ltr; }
h1 { color: #1d5e4a; } .name { font-size: 24pt; font-weight: bold; }
</style></head><body><div class="cols">
<div class="en" lang="en"><p>Technical Secretariat</p><h1>Certificate of participation</h1><p>This certifies the participation of</p>
<p class="name">هدى عبد الرحمن محمود</p><p>in the training <b>Training: documenting and following up cases</b>, organised by Technical Secretariat, from 31 October 2026 to 2 November 2026.</p><p>Accredited hours: <b>12</b></p></div>
<div><p>الأمانة الفنية</p><h1>شهادة مشاركة</h1><p>نشهد بمشاركة</p><p class="name">هدى عبد الرحمن محمود</p>
<p>في تدريب <b>تدريب: توثيق الحالات ومتابعتها</b> من تنظيم الأمانة الفنية، من 31 أكتوبر 2026 إلى 2 نوفمبر 2026.</p><p>الساعات المعتمدة: <b>12</b></p></div>
</div><p class="en">Serial: MZ-2026-BENCH · Verify: https://mizalla.example.org/verify/MZ-2026-BENCH</p></body></html>
HTML
times=()
for i in $(seq 1 "$RUNS"); do
  s=$(date +%s%N)
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$WORK/profile-$i" --print-to-pdf="$WORK/c$i.pdf" "file://$WORK/certificate.html" >/dev/null 2>&1
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
size=$(( $(stat -c %s "$WORK/c1.pdf") / 1024 ))
echo
echo "Headless Chromium, print to PDF, one process per certificate ($RUNS runs): median $median ms per PDF, $size KB;"
echo "1,000 such PDFs one after another: about $(( median * 1000 / 1000 )) s."
