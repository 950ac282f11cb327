#!/usr/bin/env python3
"""Lists with habits the data set lacks, made from its own records, and recall per habit.

    python3 bench/habits.py make ../shared/data/dev /tmp/habits [--per-habit 400] [--seed 7]
    target/release/mizalla dedup /tmp/habits/*.csv --out /tmp/habits-clusters.csv
    python3 bench/habits.py recall /tmp/habits-clusters.csv /tmp/habits

`make` copies the set's member files and truth into OUT and adds, for every member, a second list
(`h-<member>.csv`, member `h-<member>`) of copies of its records, each carrying one habit:

- `gender_flip`: the gender written as the other one, in the member's own notation;
- `scan`: typed from a scanned form: letters confused by their shapes and dots (ب/ت/ث/ن/ي, ح/ج/خ,
  ر/ز, د/ذ, ع/غ, ص/ض, ط/ظ, ف/ق, ه/ة) in the name, digits confused (0/8, 1/7, 3/8, 5/6) in the
  ID, the phone and the birth date;
- `dob_from_damaged_id`: one digit of the ID's birth part damaged, and the birth date read from it;
- `family_first`: the last name part written first (in split fields too);
- `id_digit`: one digit of the ID mistyped;
- `dob_missing`: no birth date and no age;
- `franco`: the Arabic name written in Franco-Arabic (Latin letters, 2 ء, 3 ع, 5 خ, 7 ح, 8 غ,
  9 ق), vowels guessed as people write them, spelling varied;
- `two_parts`: only the first name and one other part;
- `id_missing`: no national ID.

Which records, which letters and which spellings are drawn at random from the seed: nothing is
read from the data but the records themselves. The copies are new registrations of people
already in the set, so every true pair involving a copy is a pair "where one record carries the
habit". `recall` reads a clustering (`record_id,cluster_id`) and prints, per habit, the share of
those pairs found, and the copies wrongly joined to someone else.
"""
import argparse
import collections
import csv
import glob
import os
import random
import re
import shutil
import sys

ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
# Letters a clerk reading a poor copy takes for one another: same body, other dots.
SHAPES = ["بتثني", "حجخ", "رز", "دذ", "عغ", "صض", "طظ", "فق", "هة"]
SHAPE_OF = {c: g for g in SHAPES for c in g}
DIGIT_SHAPES = {"0": "8", "8": "03", "1": "7", "7": "1", "3": "8", "5": "6", "6": "5"}
INDIC = "٠١٢٣٤٥٦٧٨٩"
GENDER_FLIP = {
    "ذكر": "أنثى", "أنثى": "ذكر", "انثى": "ذكر", "أنثي": "ذكر", "انثي": "ذكر",
    "M": "F", "F": "M", "m": "f", "f": "m", "Male": "Female", "Female": "Male",
    "MALE": "FEMALE", "FEMALE": "MALE", "male": "female", "female": "male", "1": "2", "2": "1",
}
HABITS = [
    "gender_flip", "scan", "dob_from_damaged_id", "family_first", "id_digit",
    "dob_missing", "franco", "two_parts", "id_missing",
]
NAME_FIELDS = ["first_name", "father_name", "grandfather_name", "family_name"]


def is_arabic(text):
    return len(ARABIC_LETTERS.findall(text)) > len(re.findall(r"[A-Za-z]", text))


def digit_value(c):
    return INDIC.index(c) if c in INDIC else int(c)


def digits_of(text):
    return "".join(str(digit_value(c)) for c in text if c.isdigit() or c in INDIC)


def scan_letters(rng, text, rate):
    out = []
    for c in text:
        group = SHAPE_OF.get(c)
        if group and rng.random() < rate:
            out.append(rng.choice([g for g in group if g != c]))
        else:
            out.append(c)
    return "".join(out)


def scan_digits(rng, text, rate):
    out = []
    for c in text:
        if c.isdigit() or c in INDIC:
            d = str(digit_value(c))
            if d in DIGIT_SHAPES and rng.random() < rate:
                new = rng.choice(DIGIT_SHAPES[d])
                c = INDIC[int(new)] if c in INDIC else new
        out.append(c)
    return "".join(out)


# Franco-Arabic: a letter's spellings, the first most common.
FRANCO = {
    "ا": ["a"], "أ": ["a", "2a", "e"], "إ": ["e", "i", "2e"], "آ": ["a"], "ء": ["2", "'"],
    "ؤ": ["2", "o"], "ئ": ["2", "e"], "ب": ["b"], "ت": ["t"], "ث": ["s", "th"], "ج": ["g", "j"],
    "ح": ["7"], "خ": ["5", "kh"], "د": ["d"], "ذ": ["z", "th"], "ر": ["r"], "ز": ["z"],
    "س": ["s"], "ش": ["sh", "ch"], "ص": ["s"], "ض": ["d"], "ط": ["t", "6"], "ظ": ["z"],
    "ع": ["3"], "غ": ["8", "gh"], "ف": ["f"], "ق": ["2", "9", "q"], "ك": ["k"], "ل": ["l"],
    "م": ["m"], "ن": ["n"], "ه": ["h"], "ة": ["a", "ah"], "و": ["w"], "ي": ["y"], "ى": ["a", "y"],
}
CONSONANT = set("بتثجحخدذرزسشصضطظعغفقكلمنهءأإؤئ")


def franco_word(rng, word):
    letters = [c for c in word if c in FRANCO]
    out = []
    for i, c in enumerate(letters):
        nxt = letters[i + 1] if i + 1 < len(letters) else None
        if c == "و" and i > 0:
            out.append(rng.choice(["o", "ou", "oo", "w"]) if nxt else rng.choice(["o", "ou"]))
        elif c == "ي" and i > 0:
            out.append(rng.choice(["i", "ee", "y"]) if nxt else rng.choice(["y", "i", "ey"]))
        elif c == "ا" and i > 0:
            out.append("a")
        else:
            spellings = FRANCO[c]
            out.append(spellings[0] if rng.random() < 0.6 else rng.choice(spellings))
        # A short vowel between two consonants, as people say the name (not always written).
        if c in CONSONANT and nxt in CONSONANT and rng.random() < 0.7:
            out.append(rng.choice(["a", "a", "e", "o"]))
    text = "".join(out)
    return text


def franco_name(rng, name):
    words = name.split()
    out = []
    for w in words:
        if w.startswith("ال") and len(w) > 3:
            out.append(rng.choice(["el ", "el-", "al ", "el"]) + franco_word(rng, w[2:]))
        elif w == "عبد":
            out.append(rng.choice(["3abd", "abd", "3bd"]))
        elif w.startswith("عبدال") and len(w) > 5:
            out.append(rng.choice(["3abd el ", "3abdel", "abd el ", "3abd al "]) + franco_word(rng, w[5:]))
        else:
            out.append(franco_word(rng, w))
    text = " ".join(out)
    style = rng.random()
    if style < 0.4:
        return text.title().replace("El-", "El-")
    if style < 0.5:
        return text.upper()
    return text


def split_rows(row):
    return any(row.get(f, "").strip() for f in NAME_FIELDS)


def apply(rng, habit, row):
    """The row with the habit, or None when the row cannot carry it."""
    r = dict(row)
    name = r["full_name"].strip() or " ".join(r[f] for f in NAME_FIELDS if r[f].strip())
    parts = name.split()
    if habit == "gender_flip":
        if r["gender"].strip() not in GENDER_FLIP:
            return None
        r["gender"] = GENDER_FLIP[r["gender"].strip()]
    elif habit == "scan":
        if not is_arabic(name):
            return None
        for _ in range(20):
            new = scan_letters(rng, r["full_name"], 0.15)
            if new != r["full_name"]:
                break
        r["full_name"] = new
        for f in NAME_FIELDS:
            r[f] = scan_letters(rng, r[f], 0.15)
        for f in ["national_id", "phone", "date_of_birth"]:
            r[f] = scan_digits(rng, r[f], 0.08)
    elif habit == "dob_from_damaged_id":
        d = digits_of(r["national_id"])
        if len(d) != 14 or d[0] not in "23":
            return None
        for _ in range(50):
            pos = rng.randrange(1, 7)
            new = d[:pos] + str(rng.choice([x for x in range(10) if str(x) != d[pos]])) + d[pos + 1:]
            yy, mm, dd = int(new[1:3]), int(new[3:5]), int(new[5:7])
            if 1 <= mm <= 12 and 1 <= dd <= 28:
                century = 1900 if new[0] == "2" else 2000
                r["national_id"] = new
                r["date_of_birth"] = f"{century + yy:04d}-{mm:02d}-{dd:02d}"
                r["age"] = ""
                break
        else:
            return None
    elif habit == "family_first":
        if len(parts) < 3:
            return None
        if r["full_name"].strip():
            r["full_name"] = " ".join([parts[-1]] + parts[:-1])
        if split_rows(r):
            filled = [r[f] for f in NAME_FIELDS if r[f].strip()]
            moved = [filled[-1]] + filled[:-1]
            for f, v in zip(NAME_FIELDS, moved + [""] * 4):
                r[f] = v
    elif habit == "id_digit":
        d = r["national_id"]
        places = [i for i, c in enumerate(d) if c.isdigit() or c in INDIC]
        if len(places) < 13:
            return None
        i = rng.choice(places)
        old = digit_value(d[i])
        new = rng.choice([x for x in range(10) if x != old])
        r["national_id"] = d[:i] + (INDIC[new] if d[i] in INDIC else str(new)) + d[i + 1:]
    elif habit == "dob_missing":
        if not (r["date_of_birth"].strip() or r["age"].strip()):
            return None
        r["date_of_birth"] = r["age"] = ""
    elif habit == "franco":
        if not is_arabic(name):
            return None
        r["full_name"] = franco_name(rng, name)
        for f in NAME_FIELDS:
            r[f] = ""
    elif habit == "two_parts":
        if len(parts) < 3:
            return None
        kept = [parts[0], rng.choice([parts[1], parts[-1]])]
        r["full_name"] = " ".join(kept)
        if split_rows(r):
            r["first_name"], r["father_name"] = kept
            r["grandfather_name"] = r["family_name"] = ""
    elif habit == "id_missing":
        if not digits_of(r["national_id"]).strip("0"):
            return None
        r["national_id"] = ""
    return r


def make(args):
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for path in glob.glob(os.path.join(args.data, "*.csv")):
        shutil.copy(path, args.out)
    truth = {}
    with open(os.path.join(args.data, "truth_records.csv"), encoding="utf-8-sig", newline="") as f:
        for t in csv.DictReader(f):
            truth[t["record_id"]] = t
    members = sorted(glob.glob(os.path.join(args.data, "ngo*.csv")))
    rows_of = {}
    for path in members:
        raw = open(path, "rb").read()
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows_of[path] = (reader.fieldnames, list(reader), raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw[:4096])
    made = collections.defaultdict(list)
    for habit in HABITS:
        # Spread over the members by their size, as lists arrive.
        wanted = args.per_habit
        pool = [(p, i) for p in members for i in range(len(rows_of[p][1]))]
        rng.shuffle(pool)
        for path, i in pool:
            if wanted == 0:
                break
            row = rows_of[path][1][i]
            new = apply(rng, habit, row)
            if new is None:
                continue
            made[path].append((habit, row["record_id"], new))
            wanted -= 1
    truth_rows = []
    for path, copies in made.items():
        fields, _, bom, crlf = rows_of[path]
        member = "h-" + os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(args.out, member + ".csv")
        with open(out, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\r\n" if crlf else "\n")
            w.writeheader()
            for n, (habit, source, row) in enumerate(copies, 1):
                rid = f"{member}-{n:06d}"
                row.update(record_id=rid, member_org=member, household_ref=f"G{n:06d}")
                w.writerow(row)
                t = truth[source]
                truth_rows.append({
                    "record_id": rid, "member_org": member, "person_id": t["person_id"],
                    "household_id": t["household_id"], "corruptions": f"habit_{habit}",
                })
    with open(os.path.join(args.out, "truth_records.csv"), "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["record_id", "member_org", "person_id", "household_id", "corruptions"])
        for t in truth_rows:
            w.writerow(t)
    counts = collections.Counter(t["corruptions"] for t in truth_rows)
    print(f"{len(truth_rows)} copies in {len(made)} lists: " + ", ".join(f"{k[6:]} {v}" for k, v in sorted(counts.items())))


def recall(args):
    cluster = {}
    with open(args.clusters, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            cluster[row["record_id"]] = row["cluster_id"]
    person, tags = {}, {}
    with open(os.path.join(args.truth, "truth_records.csv"), encoding="utf-8-sig", newline="") as f:
        for t in csv.DictReader(f):
            person[t["record_id"]] = t["person_id"]
            tags[t["record_id"]] = set(filter(None, t["corruptions"].split(";")))
    by_person = collections.defaultdict(list)
    by_cluster = collections.defaultdict(list)
    for rid, p in person.items():
        by_person[p].append(rid)
        by_cluster[cluster.get(rid, "single:" + rid)].append(rid)
    found, total, wrong, copies = (collections.Counter() for _ in range(4))
    wanted = [t for t in (args.tags.split(",") if args.tags else [])]
    for rid, ts in tags.items():
        chosen = [t for t in ts if t.startswith("habit_")] or [t for t in ts if t in wanted]
        if not chosen:
            continue
        c = cluster.get(rid, "single:" + rid)
        for tag in chosen:
            copies[tag] += 1
            if any(person[o] != person[rid] for o in by_cluster[c]):
                wrong[tag] += 1
            for other in by_person[person[rid]]:
                # Pairs with the habit on one side only, each once.
                if other == rid or (tag in tags[other] and other < rid):
                    continue
                total[tag] += 1
                found[tag] += cluster.get(other, "single:" + other) == c
    print("| habit in one of the two records | true pairs | recall | records joined to someone else |")
    print("|---|---|---|---|")
    for tag in sorted(total, key=lambda t: found[t] / total[t]):
        print(f"| {tag.removeprefix('habit_')} | {total[tag]} | {found[tag] / total[tag]:.3f} | {wrong[tag]} of {copies[tag]} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("data")
    m.add_argument("out")
    m.add_argument("--per-habit", type=int, default=400)
    m.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("recall")
    r.add_argument("clusters")
    r.add_argument("truth")
    r.add_argument("--tags", help="also these corruption tags of the set itself, comma-separated")
    args = p.parse_args()
    {"make": make, "recall": recall}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
