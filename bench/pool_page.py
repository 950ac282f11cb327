#!/usr/bin/env python3
"""Time to show the allocation proposal for OFFERS offers × NEEDS needs drawn from a registry.

    pool_page.py BASE_URL SECRETARIAT_EMAIL MEMBER_EMAILS PASSWORD [--offers N] [--needs N] [--runs N]

Against a running server whose registry holds a labelled set (bench/pool_page.sh loads `dev`):
members post OFFERS offers through the offer form (kinds, places and reach spread like the
registry's own governorates and markaz), the secretariat draws NEEDS needs from the registry
through its draw form (the households most in need, kind by kind, governorate by governorate),
then runs the allocation for everything RUNS times. Each time: the POST that computes and keeps
the proposal, and the GET of its page. Prints JSON with the medians.
"""

import http.cookiejar
import json
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

KINDS = ["food_box", "blankets", "clothing"]
REACHES = ["district", "governorate", "national"]


class Session:
    def __init__(self, base, email, password):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        self.post("/login", {"email": email, "password": password}, csrf=False)
        page = self.get("/pool")
        self.csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    def get(self, path):
        with self.opener.open(self.base + path) as r:
            return r.read().decode()

    def post(self, path, fields, csrf=True):
        if csrf:
            fields = {**fields, "_csrf": self.csrf}
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data) as r:
                return r.status, r.headers.get("location", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("location", ""), e.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp

    http_error_302 = http_error_303


def main():
    base, secretariat, members, password = sys.argv[1:5]
    opts = dict(zip(sys.argv[5::2], sys.argv[6::2]))
    n_offers = int(opts.get("--offers", 2000))
    n_needs = int(opts.get("--needs", 20000))
    runs = int(opts.get("--runs", 5))
    rng = random.Random(1)
    admin = Session(base, secretariat, password)
    members = [Session(base, m, password) for m in members.split(",")]

    # Needs from the registry, kind by kind, governorate by governorate, until NEEDS.
    drawn, started = 0, time.perf_counter()
    codes = sorted(set(re.findall(r'<option value="(\d\d)"', admin.get("/pool/needs"))))
    for kind in KINDS:
        for code in codes:
            if drawn >= n_needs:
                break
            status, location, _ = admin.post("/pool/needs/draw", {
                "category": kind, "governorate": code,
                "households": str(min(5000, n_needs - drawn)), "quantity": str(rng.randint(1, 3))})
            assert status == 303, (status, kind, code)
            drawn += int(urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["drawn"][0])
    draw_s = time.perf_counter() - started
    # Offers go where the drawn needs are: their governorates and markaz, as the needs' export
    # gives them.
    import csv
    import io
    page = admin.get("/pool/needs")
    code_of = {name.strip(): code for code, name in re.findall(r'<option value="(\d\d)"[^>]*>([^<]+)</option>', page)}
    rows = list(csv.reader(io.StringIO(admin.get("/pool/needs?format=csv").lstrip("\ufeff"))))[1:]
    places = [(code_of[r[5]], r[6]) for r in rows if r[6] and r[5] in code_of]
    started = time.perf_counter()
    for i in range(n_offers):
        who = members[i % len(members)]
        place = rng.choice(places)
        status, _, body = who.post("/pool/offers", {
            "category": rng.choice(KINDS), "quantity": str(rng.randint(5, 60)),
            "governorate": place[0], "district": place[1],
            "reach": rng.choices(REACHES, weights=[2, 5, 3])[0]})
        assert status == 303, (status, body[:300])
    offers_s = time.perf_counter() - started

    posts, gets, ids = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        status, location, _ = admin.post("/pool/runs", {})
        posts.append(time.perf_counter() - t)
        assert status == 303, status
        t = time.perf_counter()
        page = admin.get(location)
        gets.append(time.perf_counter() - t)
        assert 'id="proposal"' in page
        ids.append(location.rsplit("/", 1)[1])
    figures = re.findall(r"<dd><bdi>(\d+)</bdi></dd>", page)
    print(json.dumps({
        "needs_drawn": drawn, "draw_s": round(draw_s, 1), "offers": n_offers,
        "offers_s": round(offers_s, 1), "runs": runs,
        "run_post_median_s": round(statistics.median(posts), 3),
        "proposal_get_median_s": round(statistics.median(gets), 3),
        "show_median_s": round(statistics.median(p + g for p, g in zip(posts, gets)), 3),
        "units_offered_needed_allocated_score": figures[:4], "last_run": ids[-1],
    }))


if __name__ == "__main__":
    main()
