#!/usr/bin/env python3
""""Already registered?" through the web API: is the registered person among the candidates?

    cargo build --release
    python3 bench/already.py [DATA] [--registered 5] [--probes 1500] [--seed 11]

(MIZALLA_BIN names another binary, to compare two builds side by side.)

DATA is a labelled set (default ../shared/data/dev; bench/habits.py makes others). The first
`--registered` member files (by name) are imported into a fresh SQLite registry with `mizalla
import`, member by member; the server is started and a secretariat user (who sees person numbers)
checks `--probes` records drawn from the other members through `POST /api/v1/registry/check`, in
three ways: the whole record, the name and the governorate, the name and the birth date (what a
clerk at the door often has). For each way it prints how often the registered person is among the
candidates (of the probes whose person is in the registry) and the false alarms: probes answered
"registered" whose best candidate is someone else (of all probes). Needs only python3.
"""
import argparse
import csv
import datetime
import glob
import http.cookiejar
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("MIZALLA_BIN", os.path.join(ROOT, "target/release/mizalla"))
NAME_FIELDS = ["full_name", "first_name", "father_name", "grandfather_name", "family_name"]
WAYS = {
    "whole record": NAME_FIELDS + ["national_id", "date_of_birth", "gender", "phone", "governorate",
                                   "district", "village"],
    "name + governorate": NAME_FIELDS + ["governorate"],
    "name + birth date": NAME_FIELDS + ["date_of_birth"],
}


INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def month_first(rows):
    """Whether a member's file writes dates month first (some date has a second number over 12)."""
    seen = [[int(x) for x in re.findall(r"\d+", (r.get("date_of_birth") or "").translate(INDIC))] for r in rows]
    return any(len(n) == 3 and n[0] <= 12 < n[1] for n in seen)


def as_typed(value, us):
    """A birth date as a clerk types it in the check's form: year-month-day (the API reads that
    and day/month/year; a member's file may hold month/day/year or an Excel day number)."""
    v = (value or "").translate(INDIC).strip()
    n = [int(x) for x in re.findall(r"\d+", v)]
    if len(n) == 1 and 20000 < n[0] < 60000:
        d = datetime.date(1899, 12, 30) + datetime.timedelta(days=n[0])
        return d.isoformat()
    if len(n) == 3 and n[0] <= 31:
        m, d = (n[0], n[1]) if us else (n[1], n[0])
        return f"{n[2]:04d}-{m:02d}-{d:02d}"
    return v


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data", nargs="?", default=os.path.join(ROOT, "../shared/data/dev"))
    p.add_argument("--registered", type=int, default=5)
    p.add_argument("--probes", type=int, default=1500)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--port", type=int, default=18093)
    p.add_argument("--show", type=int, default=0, help="print this many misses of each way")
    args = p.parse_args()
    files = sorted(f for f in glob.glob(os.path.join(args.data, "*.csv"))
                   if not os.path.basename(f).startswith(("truth_", "hard_", "orgs")))
    registered, others = files[:args.registered], files[args.registered:]
    person = {t["record_id"]: t["person_id"] for t in read(os.path.join(args.data, "truth_records.csv"))}
    work = tempfile.mkdtemp()
    url = f"sqlite://{work}/registry.db"
    run = lambda *a, **kw: subprocess.run([BIN, *a, "--database-url", url], check=True,
                                          capture_output=True, text=True, **kw)
    started = time.time()
    for f in registered:
        code = re.sub(r"[^a-z0-9_-]", "", os.path.splitext(os.path.basename(f))[0].lower())
        run("org", "add", code, "--name", code)
        run("import", "--org", code, f)
    print(f"registry: {len(registered)} members imported in {time.time() - started:.0f} s", file=sys.stderr)
    run("user", "add", "check@bench.example", "--org", "secretariat", "--role", "secretariat_staff",
        input="bench-password-long\n")
    db = sqlite3.connect(f"{work}/registry.db")
    truth_of_person = {}
    registered_people = set()
    names_of = {}
    for key, name, dob, gov in db.execute(
            "SELECT member_key, full_name || ' ' || first_name || ' ' || father_name || ' ' || grandfather_name "
            "|| ' ' || family_name, date_of_birth, governorate FROM registry_records"):
        names_of.setdefault(person.get(key), []).append((name.strip(), dob, gov))
    for key, pid in db.execute("SELECT member_key, person_id FROM registry_records"):
        truth_of_person.setdefault(pid, set()).add(person.get(key))
        registered_people.add(person.get(key))
    rng = random.Random(args.seed)
    pool = []
    for f in others:
        rows = read(f)
        us = month_first(rows)
        for r in rows:
            r["date_of_birth"] = as_typed(r.get("date_of_birth"), us)
        pool.extend(rows)
    probes = rng.sample(pool, min(args.probes, len(pool)))

    env = dict(os.environ, MIZALLA_CHECKS_PER_MINUTE="0", RUST_LOG="warn")
    server = subprocess.Popen([BIN, "serve", "--database-url", url, "--listen", f"127.0.0.1:{args.port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health")
                break
            except OSError:
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(base + "/login", b"email=check%40bench.example&password=bench-password-long")
        page = opener.open(base + "/registry/check").read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]*)"', page).group(1)

        def check(probe):
            req = urllib.request.Request(base + "/api/v1/registry/check", json.dumps(probe).encode(),
                                         {"Content-Type": "application/json", "X-CSRF-Token": csrf})
            return json.loads(opener.open(req).read())

        print(f"| how the person is checked | probes | registered among them | found among the candidates | false alarms |")
        print("|---|---|---|---|---|")
        for way, fields in WAYS.items():
            found = present = alarms = shown = 0
            for row in probes:
                answer = check({k: row.get(k, "") for k in fields})
                truth = person[row["record_id"]]
                candidates = [truth_of_person.get(c.get("person_id"), set()) for c in answer["candidates"]]
                if truth in registered_people:
                    present += 1
                    hit = any(truth in c for c in candidates)
                    found += hit
                    if not hit and shown < args.show:
                        shown += 1
                        print(f"  missed: {json.dumps({k: row.get(k, '') for k in fields if row.get(k)}, ensure_ascii=False)}"
                              f" -> {len(answer['candidates'])} candidates; registered as {names_of[truth]}", file=sys.stderr)
                if answer["registered"] and candidates and truth not in candidates[0]:
                    alarms += 1
            print(f"| {way} | {len(probes)} | {present} | {found / max(present, 1):.3f} | "
                  f"{alarms / len(probes):.4f} ({alarms}) |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
