#!/usr/bin/env python3
"""Fills a migrated Mizalla database with a registry and a ledger of a chosen size, for the 4W,
coverage and observatory benchmarks (bench/fourw.sh). Registrations already carry their person
and household (as linkage leaves them): a fifth of the people are registered by a second member,
so that members' own counts overstate the alliance's reach. The ledger's hashes are random
(nothing here verifies the chain; `mizalla ledger verify` would rightly refuse it).

    python3 bench/fourw_set.py sqlite:///tmp/b.db 200000 100000
    python3 bench/fourw_set.py postgres://USER:PW@HOST/DB 200000 100000
"""
import csv, io, os, random, sqlite3, subprocess, sys

url, n_records, n_entries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(14)
GOVS = ["القاهرة", "الإسكندرية", "الدقهلية", "الشرقية", "القليوبية", "الغربية", "المنوفية", "البحيرة",
        "الجيزة", "بني سويف", "الفيوم", "المنيا", "أسيوط", "سوهاج", "قنا", "أسوان", "الأقصر", "دمياط"]
KINDS = ["food_box", "cash", "medical", "education_kit", "clothing", "blankets", "rent"]
MEMBERS = 40
now = "2026-12-01T00:00:00Z"

orgs = [(1, "secretariat", "secretariat", "الأمانة الفنية", "Secretariat", "active", now, now)]
orgs += [(i + 2, f"m{i:02d}", "member", f"جمعية {i}", f"Member {i}", "active", now, now) for i in range(MEMBERS)]
records, person, household = [], 0, 0
while len(records) < n_records:
    household += 1
    gov = rng.randrange(len(GOVS))
    district, village = rng.randrange(12), rng.randrange(25)
    org = rng.randrange(MEMBERS)
    size = rng.randint(1, 6)
    for _ in range(size):
        person += 1
        for o in [org] + ([(org + 1 + rng.randrange(MEMBERS - 1)) % MEMBERS] if rng.random() < 0.2 else []):
            rid = len(records) + 1
            records.append((rid, o + 2, f"R{rid}", f"H{household}", GOVS[gov], f"مركز {gov}-{district}",
                            f"قرية {gov}-{district}-{village}", "dmy", person, household, now, now))
records = records[:n_records]
entries = []
for i in range(n_entries):
    r = records[rng.randrange(len(records))]
    day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    entries.append((i + 1, r[1], r[0], "household", KINDS[rng.randrange(len(KINDS))], 1,
                    rng.randint(100, 2000) * 100, day, "bench", now, os.urandom(16).hex(), os.urandom(16).hex()))

ORG_COLS = "id, code, kind, name_ar, name_en, status, created_at, updated_at"
REC_COLS = ("id, org_id, member_key, household_ref, governorate, district, village, date_order, "
            "person_id, household_id, created_at, updated_at")
AID_COLS = ("id, org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, "
            "created_at, prev_hash, hash")

if url.startswith("sqlite://"):
    db = sqlite3.connect(url[len("sqlite://"):])
    db.execute("DELETE FROM orgs WHERE id > 1")
    db.executemany(f"INSERT OR REPLACE INTO orgs ({ORG_COLS}) VALUES (?,?,?,?,?,?,?,?)", orgs)
    db.executemany(f"INSERT INTO registry_records ({REC_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", records)
    db.executemany(f"INSERT INTO assistance ({AID_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", entries)
    db.commit()
else:
    def copy(table, cols, rows):
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        subprocess.run(["psql", "-q", url, "-c", f"\\copy {table} ({cols}) FROM STDIN WITH (FORMAT csv)"],
                       input=buf.getvalue().encode(), check=True)
    subprocess.run(["psql", "-q", url, "-c", "DELETE FROM orgs WHERE kind = 'member'"], check=True)
    copy("orgs", ORG_COLS, orgs[1:])
    copy("registry_records", REC_COLS, records)
    copy("assistance", AID_COLS, entries)
    subprocess.run(["psql", "-q", url, "-c", "ANALYZE"], check=True)
print(f"{len(records)} registrations, {person} persons, {household} households, {len(entries)} entries")
