#!/usr/bin/env python3
"""Builds a large scale set from a labelled set by replicating it with new people.

    python3 bench/scale_set.py ../shared/data/dev 1000000 /tmp/scale-1m

Replica k (k >= 1) of every file gets new record ids and household numbers, national IDs whose
serial digits are moved by k × 1009 (consistently, so a person's registrations still agree and a typo
stays a typo), mobile numbers whose last three digits are moved by k × 101, and every Arabic name part mapped through a per-replica
permutation of the name vocabulary (after folding hamza, taa marbuta, alef maqsura and
diacritics), Latin ones through a permutation of the Latin vocabulary. Replicas are thus other
families with the same habits and errors, not copies. The output is for speed and memory runs:
its cross-script name links are broken by the permutation, so it carries no truth files.
"""
import csv, os, random, re, sys

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
DIACRITICS = re.compile("[\u064b-\u0652\u0640]")


def fold_token(t):
    t = DIACRITICS.sub("", t)
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه")):
        t = t.replace(a, b)
    return t


def add_to_tail(s, count, amount):
    """Adds `amount` to the number formed by the last `count` digits among the first 13 digits
    of a typed number (modulo 10^count), keeping each digit's style (Western or Arabic-Indic)."""
    digits = [(i, c) for i, c in enumerate(s) if c.isdigit()]
    if len(digits) < count:
        return s
    tail = digits[-count:]
    value = int("".join(str(ARABIC_DIGITS.index(c)) if c in ARABIC_DIGITS else c for _, c in tail))
    new = str((value + amount) % 10**count).zfill(count)
    out = list(s)
    for (i, c), d in zip(tail, new):
        out[i] = ARABIC_DIGITS[int(d)] if c in ARABIC_DIGITS else d
    return "".join(out)


def shift_digits(s, k):
    """A typed national ID with its 4 serial digits moved by k × 1009 (distinct for every replica
    below 10,000; the check digit is left as typed)."""
    digits = [c for c in s if c.isdigit()]
    if len(digits) < 13:
        return s
    head, tail = s, ""
    if len(digits) >= 14:
        # Leave the last (check) digit alone.
        cut = max(i for i, c in enumerate(s) if c.isdigit())
        head, tail = s[:cut], s[cut:]
    return add_to_tail(head, 4, k * 1009) + tail


def shift_phone(s, k):
    """A typed mobile number with its last three digits moved by k × 101 (distinct below 1,000)."""
    return add_to_tail(s, 3, k * 101)


def main():
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    files = sorted(f for f in os.listdir(src) if re.fullmatch(r"ngo\d+\.csv", f))
    rows = {}
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8-sig", newline="") as h:
            r = csv.reader(h)
            rows[f] = (next(r), list(r))
    total = sum(len(v[1]) for v in rows.values())
    replicas = -(-n // total)
    name_cols = ("full_name", "first_name", "father_name", "grandfather_name", "family_name")
    vocab_ar, vocab_lat = set(), set()
    for header, data in rows.values():
        idx = [header.index(c) for c in name_cols]
        for row in data:
            for i in idx:
                for t in row[i].split():
                    (vocab_lat if t.isascii() else vocab_ar).add(fold_token(t) if not t.isascii() else t.lower())
    vocab_ar, vocab_lat = sorted(vocab_ar), sorted(vocab_lat)
    os.makedirs(out, exist_ok=True)
    writers = {}
    for f, (header, _) in rows.items():
        h = open(os.path.join(out, f), "w", encoding="utf-8", newline="")
        w = csv.writer(h)
        w.writerow(header)
        writers[f] = (h, w)
    written = 0
    for k in range(replicas):
        rnd = random.Random(k)
        perm_ar = dict(zip(vocab_ar, rnd.sample(vocab_ar, len(vocab_ar)))) if k else None
        perm_lat = dict(zip(vocab_lat, rnd.sample(vocab_lat, len(vocab_lat)))) if k else None

        def name(v):
            if not k:
                return v
            return " ".join(perm_lat.get(t.lower(), t) if t.isascii() else perm_ar.get(fold_token(t), t) for t in v.split())

        for f, (header, data) in rows.items():
            c = {name: header.index(name) for name in header}
            w = writers[f][1]
            for row in data:
                if written >= n:
                    break
                row = list(row)
                if k:
                    row[c["record_id"]] = f"r{k}-{row[c['record_id']]}"
                    row[c["household_ref"]] = f"r{k}-{row[c['household_ref']]}"
                    row[c["national_id"]] = shift_digits(row[c["national_id"]], k)
                    row[c["phone"]] = shift_phone(row[c["phone"]], k)
                    for col in name_cols:
                        row[c[col]] = name(row[c[col]])
                w.writerow(row)
                written += 1
    for h, _ in writers.values():
        h.close()
    print(f"{written} records in {len(files)} files, {replicas} replicas -> {out}")


if __name__ == "__main__":
    main()
