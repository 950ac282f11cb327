#!/usr/bin/env python3
"""Allocation instances for `mizalla allocate`, and the same model solved by HiGHS.

    allocate_instance.py make OFFERS NEEDS DIR [--seed N]   # DIR/offers.csv, needs.csv, model.npz
    allocate_instance.py highs DIR                          # prints JSON: score, seconds, pairs

Offers and needs are spread over Egypt's 27 governorates (names from ../shared/geo, written in
several spellings so that the platform's normalisation is exercised), 6-14 markaz each, six kinds;
offers reach their markaz (50 %), governorate (30 %) or the whole country (20 %). Offers are
scarce (about two thirds of the units needed), so who gets what matters. The HiGHS model is the
transportation LP on every allowed pair: maximise sum (priority - transport cost) x, each offer's
and need's quantity a bound; it is built from the canonical ids, not from the CSV spellings.
"""

import json
import pathlib
import sys
import time

import numpy as np

KINDS = ["بطاطين", "سلة غذائية", "ملابس شتوية", "كشف طبي", "ساعات تطوع", "مساعدة نقدية"]
REACHES = ["district", "governorate", "national"]
GEO = pathlib.Path(__file__).resolve().parents[2] / "shared" / "geo" / "egypt-governorates.geojson"


def governorates():
    features = json.loads(GEO.read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["Subdivision_ar"], f["properties"]["Subdivision_en"]) for f in features]


def make(n_offers, n_needs, out, seed):
    rng = np.random.default_rng(seed)
    govs = governorates()
    markaz_count = rng.integers(6, 15, size=len(govs))
    out.mkdir(parents=True, exist_ok=True)

    def place(n):
        g = rng.integers(0, len(govs), size=n)
        d = (rng.random(n) * markaz_count[g]).astype(np.int64)
        return g, d

    def spell(g, d):
        ar, en = govs[g]
        style = rng.integers(0, 3)
        gov = ar if style == 0 else ("محافظة " + ar if style == 1 else en)
        markaz = f"مركز {d + 1}" if rng.random() < 0.5 else f"{d + 1}"
        return gov, markaz

    og, od = place(n_offers)
    ok = rng.integers(0, len(KINDS), size=n_offers)
    oq = rng.integers(1, 81, size=n_offers)
    orr = rng.choice(3, size=n_offers, p=[0.5, 0.3, 0.2])
    ng, nd = place(n_needs)
    nk = rng.integers(0, len(KINDS), size=n_needs)
    nq = rng.integers(1, 11, size=n_needs)
    # The registry's priority scores lean towards the middle.
    npri = np.clip(rng.triangular(1, 55, 100, size=n_needs).round(), 1, 100).astype(np.int64)

    with open(out / "offers.csv", "w", encoding="utf-8") as f:
        f.write("offer_id,org,category,quantity,governorate,district,reach\n")
        for i in range(n_offers):
            gov, markaz = spell(og[i], od[i])
            f.write(f"O{i + 1},member-{i % 40 + 1},{KINDS[ok[i]]},{oq[i]},{gov},{markaz},{REACHES[orr[i]]}\n")
    with open(out / "needs.csv", "w", encoding="utf-8") as f:
        f.write("need_id,category,quantity,governorate,district,priority\n")
        for j in range(n_needs):
            gov, markaz = spell(ng[j], nd[j])
            f.write(f"N{j + 1},{KINDS[nk[j]]},{nq[j]},{gov},{markaz},{npri[j]}\n")
    np.savez(out / "model.npz", og=og, od=od, ok=ok, oq=oq, orr=orr, ng=ng, nd=nd, nk=nk, nq=nq, npri=npri)
    print(json.dumps({"offers": n_offers, "needs": n_needs, "units_offered": int(oq.sum()),
                      "units_needed": int(nq.sum())}))


def allowed_pairs(m):
    """Every (offer, need) pair the rules allow, with its unit score."""
    rows, cols, scores = [], [], []
    by_kind = {k: np.flatnonzero(m["nk"] == k) for k in np.unique(m["nk"])}
    for i in range(len(m["oq"])):
        needs = by_kind.get(m["ok"][i])
        if needs is None:
            continue
        same_gov = m["ng"][needs] == m["og"][i]
        same_district = same_gov & (m["nd"][needs] == m["od"][i])
        reach = m["orr"][i]
        allowed = same_district if reach == 0 else (same_gov if reach == 1 else np.ones(len(needs), bool))
        j = needs[allowed]
        cost = np.where(same_district[allowed], 0, np.where(same_gov[allowed], 1, 3))
        rows.append(np.full(len(j), i))
        cols.append(j)
        scores.append(m["npri"][j] - cost)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(scores)


def highs(out):
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    m = dict(np.load(out / "model.npz"))
    started = time.perf_counter()
    o, n, s = allowed_pairs(m)
    k = len(s)
    ones = np.ones(k)
    a = vstack([
        csr_matrix((ones, (o, np.arange(k))), shape=(len(m["oq"]), k)),
        csr_matrix((ones, (n, np.arange(k))), shape=(len(m["nq"]), k)),
    ]).tocsr()
    b = np.concatenate([m["oq"], m["nq"]]).astype(float)
    built = time.perf_counter()
    result = linprog(-s.astype(float), A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    solved = time.perf_counter()
    assert result.status == 0, result.message
    x = result.x
    whole = bool(np.allclose(x, np.round(x), atol=1e-6))
    print(json.dumps({
        "pairs_allowed": k,
        "score": int(round(float(s @ np.round(x)))),
        "lp_objective": -result.fun,
        "integral": whole,
        "build_s": round(built - started, 3),
        "solve_s": round(solved - built, 3),
    }))


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "make":
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
        make(int(sys.argv[2]), int(sys.argv[3]), pathlib.Path(sys.argv[4]), seed)
    elif len(sys.argv) == 3 and sys.argv[1] == "highs":
        highs(pathlib.Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
