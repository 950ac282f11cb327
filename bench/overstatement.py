#!/usr/bin/env python3
"""A realistic ledger for members' lists: each member helps some of the households it
registered, as members do — with its own habits (how many of its families it reaches, which
kinds it gives, how often) — and knows nothing of the other members' aid. Families several
members registered are therefore helped by several, as happens in the field. Writes one
`ledger import` file per member (record_id,category,scope,quantity,value,given_on).

    python3 bench/overstatement.py OUT_DIR ../shared/data/dev/ngo0*.csv
"""
import csv, os, random, sys

out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
KINDS = ["food_box", "cash", "medical", "education_kit", "clothing", "blankets", "rent"]
for path in files:
    rows = list(csv.DictReader(open(path, encoding="utf-8-sig")))
    member = rows[0]["member_org"]
    rng = random.Random(member)
    # This member's habits: the share of its households it reaches in a year, its kinds.
    reach = rng.uniform(0.35, 0.75)
    kinds = rng.sample(KINDS, rng.randint(2, 5))
    heads = {}
    for r in rows:
        heads.setdefault(r["household_ref"] or r["record_id"], r["record_id"])
    with open(os.path.join(out, f"{member}.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["record_id", "category", "scope", "quantity", "value", "given_on"])
        for household, record in heads.items():
            if rng.random() > reach:
                continue
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                kind = rng.choice(kinds)
                w.writerow([record, kind, "household", 1, rng.randint(150, 1500),
                            f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"])
