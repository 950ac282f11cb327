#!/usr/bin/env python3
"""Side by side, in one run: `mizalla dedup` and Splink 5 (DuckDB) on the same member files.

    python3 -m venv /tmp/splenv && /tmp/splenv/bin/pip install 'splink==5.*'
    cargo build --release
    /tmp/splenv/bin/python bench/linkage.py ../shared/data/dev

Splink is set up the way its documentation recommends, with the generic cleaning a competent
user would do first (Unicode folding, Arabic-Indic digits, ID / phone / date parsing with the
date order inferred per file), and no Arabic-specific name handling; trained as its tutorials
do (the share of matches from deterministic rules, u by random sampling, m by EM on two
blocking rules). Both results are scored with the data set's own score.py. Prints a Markdown
table.
"""
import csv
import logging
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/dev"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCORE = os.path.join(os.path.dirname(os.path.abspath(DATA)), "score.py")
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def fold(s):
    s = unicodedata.normalize("NFKC", s or "").translate(ARABIC_DIGITS).lower()
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", s).strip()


def digits(s):
    return re.sub(r"\D", "", (s or "").translate(ARABIC_DIGITS).replace(".0", "") if "e+" not in (s or "").lower() else "")


def parse_dob(s, month_first):
    s = (s or "").translate(ARABIC_DIGITS).strip()
    n = [int(x) for x in re.findall(r"\d+", s)]
    try:
        if len(n) == 3:
            if n[0] > 31:
                y, m, d = n
            else:
                d, m, y = (n[1], n[0], n[2]) if month_first else (n[0], n[1], n[2])
            if 1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100:
                return f"{y:04d}-{m:02d}-{d:02d}"
        if len(n) == 1 and 1900 <= n[0] <= 2100:
            return f"{n[0]:04d}-01-01"
    except ValueError:
        pass
    return None


def phone(s):
    d = digits(s)
    if d.startswith("0020"):
        d = "0" + d[4:]
    elif len(d) == 12 and d.startswith("20"):
        d = "0" + d[2:]
    elif len(d) == 10 and d.startswith("1"):
        d = "0" + d
    return d if len(d) == 11 and d.startswith("01") else None


def clean(files, out):
    fields = ["unique_id", "first", "father", "rest", "dob", "nid", "phone", "gender", "gov"]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for path in files:
            rows = list(csv.DictReader(open(path, encoding="utf-8-sig", newline="")))
            firsts = [re.findall(r"\d+", (r["date_of_birth"] or "").translate(ARABIC_DIGITS)) for r in rows]
            month_first = sum(1 for n in firsts if len(n) == 3 and int(n[1]) > 12) > sum(1 for n in firsts if len(n) == 3 and int(n[0]) > 12 and int(n[0]) <= 31)
            for r in rows:
                name = r["full_name"] or " ".join(r[k] for k in ("first_name", "father_name", "grandfather_name", "family_name"))
                toks = fold(name).split()
                nid = digits(r["national_id"])
                g = fold(r["gender"])
                w.writerow({
                    "unique_id": r["record_id"],
                    "first": toks[0] if toks else None,
                    "father": toks[1] if len(toks) > 1 else None,
                    "rest": " ".join(toks[2:]) or None,
                    "dob": parse_dob(r["date_of_birth"], month_first),
                    "nid": nid if len(nid) == 14 and set(nid) != {"0"} else None,
                    "phone": phone(r["phone"]),
                    "gender": {"ذكر": "m", "m": "m", "male": "m", "1": "m", "انثى": "f", "أنثى": "f", "انثي": "f", "أنثي": "f", "f": "f", "female": "f", "2": "f"}.get(g),
                    "gov": fold(r["governorate"]).replace("محافظة ", "") or None,
                })


def run_splink(cleaned, out):
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.execute(f"CREATE TABLE people AS SELECT * FROM read_csv('{cleaned}', all_varchar = true)")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("nid"),
            cl.NameComparison("first").configure(term_frequency_adjustments=True),
            cl.NameComparison("father").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("rest", [0.9, 0.7]),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("phone"),
            cl.ExactMatch("gender"),
            cl.ExactMatch("gov"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nid"),
            block_on("phone"),
            block_on("first", "dob"),
            block_on("first", "father"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("people"), settings, log_level=logging.WARNING)
    # The documentation's first training step: the share of matching pairs, from rules that
    # should rarely hold for two different people.
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nid", "dob"), block_on("first", "father", "rest", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nid"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first", "dob"))
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.9)
    con.execute(f"COPY (SELECT unique_id AS record_id, cluster_id FROM {clusters.physical_name}) TO '{out}' (HEADER, DELIMITER ',')")


def score(pred, level="person"):
    out = subprocess.run([sys.executable, SCORE, pred, "--truth", DATA, "--level", level], capture_output=True, text=True, check=True).stdout
    pw = re.search(r"(?m)^pairwise\s+P ([\d.]+)\s+R ([\d.]+)\s+F1 ([\d.]+)", out)
    hn = re.search(r"hard negatives merged\s+(\d+)/(\d+)", out)
    return pw.groups(), hn.groups() if hn else ("-", "-")


def main():
    files = sorted(glob.glob(os.path.join(DATA, "ngo*.csv")))
    tmp = tempfile.mkdtemp()
    rows = []
    t = time.perf_counter()
    subprocess.run([os.path.join(ROOT, "target/release/mizalla"), "dedup", *files, "--out", f"{tmp}/m.csv"], check=True, capture_output=True)
    rows.append(("mizalla dedup", time.perf_counter() - t, *score(f"{tmp}/m.csv")))
    t = time.perf_counter()
    clean(files, f"{tmp}/clean.csv")
    run_splink(f"{tmp}/clean.csv", f"{tmp}/s.csv")
    rows.append(("Splink 5 (DuckDB), generic cleaning", time.perf_counter() - t, *score(f"{tmp}/s.csv")))
    print(f"Data: {DATA} ({sum(1 for f in files for _ in open(f, encoding='utf-8-sig')) - len(files)} records)\n")
    print("| tool | time s | precision | recall | F1 | hard negatives merged |")
    print("|---|---|---|---|---|---|")
    for name, secs, (p, r, f1), (hn, hn_all) in rows:
        print(f"| {name} | {secs:.1f} | {p} | {r} | {f1} | {hn}/{hn_all} |")
    print(f"\nSpeed ratio: {rows[1][1] / rows[0][1]:.1f}x")


if __name__ == "__main__":
    main()
