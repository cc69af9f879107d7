"""Page budgets on the demo season: bytes over the wire (gzip), SQL queries and server time per page, for every
kind of user in a different language; with --lighthouse, Lighthouse's mobile scores too.

    .venv/bin/python -m bench.pages [--lighthouse PATH_TO_LIGHTHOUSE_CLI]

Budgets: at most 30 KB gzip per page (fonts excluded: the pages use the phone's fonts) and at most
`MAX_QUERIES` SQL statements; Lighthouse performance and accessibility at least 95. The byte and query budgets
run as tests in `make test` (tests/test_page_budgets.py).
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import tempfile
import threading
import time

import sqlalchemy as sa

MAX_BYTES = 30 * 1024
MAX_QUERIES = 30
DEMO_PASSWORD = "safflower2026"

#: (who logs in, or None for a visitor; language; pages)
VISITS = [
    (None, "ug", ["/", "/account/login", "/account/signup/farmer", "/market/", "/languages"]),
    ("+8613909900001", "ug", ["/dashboard", "/harvests/new", "/harvests/", "/orders/open", "/proposals/", "/contracts/",
                              "/deliveries/", "/notifications/"]),
    ("jiangyuan.coop@example.com", "kk_Arab", ["/dashboard", "/cooperative/members", "/harvests/", "/orders/open",
                                              "/deliveries/", "/settlement/", "/settlement/payouts",
                                              "/settlement/surplus", "/market/"]),
    ("hongxilan.procurement@example.com", "zh_Hans", ["/dashboard", "/orders/", "/orders/new", "/orders/supply",
                                                      "/proposals/", "/contracts/", "/settlement/",
                                                      "/settlement/rebates"]),
    ("+8613909900008", "kk_Cyrl", ["/dashboard", "/contracts/", "/market/"]),
    ("office@example.com", "en", ["/dashboard", "/admin/approvals", "/admin/products/", "/matching/"]),
    ("office@example.com", "ug", ["/admin/accounts", "/admin/audit", "/admin/audit?action=correct_delivery"]),
    ("office@example.com", "kk_Arab", ["/admin/accounts?q=139", "/admin/audit?kind=delivery"]),
    ("office@example.com", "zh_Hans", ["/admin/accounts?locked=y", "/admin/audit?kind=contract"]),
    ("office@example.com", "kk_Cyrl", ["/admin/accounts?q=0001", "/admin/audit?action=sign_contract"]),
]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def log_in(client, who: str) -> None:
    token = _csrf(client.get("/account/login").get_data(as_text=True))
    response = client.post("/account/login", data={"csrf_token": token, "identifier": who, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not log in as {who}")


def measure(app) -> list[dict]:
    """Every page of VISITS through the app: status, gzip bytes, SQL statements and server milliseconds."""
    from marketplace.extensions import db

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    rows = []
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for who, lang, paths in VISITS:
            with app.test_client() as client:
                if who:
                    log_in(client, who)
                for path in paths:
                    url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
                    client.get(url, follow_redirects=True)  # warm: the first request of a kind compiles templates
                    counter["n"] = 0
                    began = time.perf_counter()
                    response = client.get(url, follow_redirects=True)
                    millis = (time.perf_counter() - began) * 1000
                    rows.append({"who": who or "visitor", "lang": lang, "path": path, "status": response.status_code,
                                 "bytes": len(gzip.compress(response.get_data())), "queries": counter["n"],
                                 "ms": round(millis, 1)})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return rows


def demo_app(path: str):
    from flask_migrate import upgrade

    from config import TestConfig
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.services.demo import load_demo

    class PagesConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        WTF_CSRF_ENABLED = True

    app = create_app(PagesConfig())
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    return app


def lighthouse(app, cli: str, visits=VISITS) -> dict:
    """Lighthouse's mobile performance and accessibility scores for each page, with Debian's chromium."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    scores = {}
    try:
        for who, lang, paths in visits:
            cookie = ""
            if who:
                with app.test_client() as client:
                    log_in(client, who)
                    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
            for path in paths:
                url = f"{base}{path}?lang={lang}"
                args = [cli, url, "--quiet", "--output=json", "--form-factor=mobile",
                        "--only-categories=performance,accessibility", "--chrome-path=/usr/bin/chromium",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
                if cookie:
                    args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
                out = subprocess.run(args, capture_output=True, text=True, timeout=180)
                report = json.loads(out.stdout)
                scores[(who or "visitor", lang, path)] = {
                    name: round(cat["score"] * 100) for name, cat in report["categories"].items()}
    finally:
        server.shutdown()
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", help="the lighthouse command (from npm), to add its mobile scores")
    args = parser.parse_args()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    try:
        app = demo_app(path)
        rows = measure(app)
        scores = lighthouse(app, args.lighthouse) if args.lighthouse else {}
    finally:
        os.unlink(path)
    print(f"{'user':<34} {'lang':<8} {'page':<22} {'status':>6} {'gzip B':>7} {'SQL':>4} {'ms':>6}"
          + ("  perf  a11y" if scores else ""))
    failed = 0
    for r in rows:
        over = r["bytes"] > MAX_BYTES or r["queries"] > MAX_QUERIES or r["status"] != 200
        line = (f"{r['who']:<34} {r['lang']:<8} {r['path']:<22} {r['status']:>6} {r['bytes']:>7,} {r['queries']:>4} "
                f"{r['ms']:>6}")
        score = scores.get((r["who"], r["lang"], r["path"]))
        if score:
            line += f"  {score.get('performance', 0):>4}  {score.get('accessibility', 0):>4}"
            over = over or min(score.values()) < 95
        failed += over
        print(line + ("  OVER BUDGET" if over else ""))
    print(f"\n{len(rows)} pages; largest {max(r['bytes'] for r in rows):,} B gzip (budget {MAX_BYTES:,}); "
          f"most queries {max(r['queries'] for r in rows)} (budget {MAX_QUERIES}); "
          f"slowest {max(r['ms'] for r in rows)} ms; over budget: {failed}")


if __name__ == "__main__":
    main()
