"""Load benchmark: the demo season at 10,000 farmers on PostgreSQL, served by gunicorn (gthread), driven by wrk.

    .venv/bin/python -m bench.load [--farmers 10000] [--rebuild] [--duration 20] [--connections 32]

The database (`marketplace_load` on the local PostgreSQL) is built once and reused: migrated and the demo loaded
as `make demo` loads it (`load_demo`), except that the demo's last past season, run whole by the simulation
(marketplace/services/demo_season.py), has `--farmers` members instead of 60: every one of them has a harvest, a
signed contract, a delivery, notifications and a settled year behind the pages, with the demo's real-looking names;
the season being planned is the demo's own. How it was built is kept as the database's comment and printed;
`--rebuild` builds it again (about 20 minutes at 10,000 farmers on 2 cores).

Then gunicorn serves bench/load_wsgi.py (the real app, plus a bare hello-world at `/__hello` outside the app) on
127.0.0.1, and wrk drives one group of pages at a time with the same connections and duration: the hello-world, then
an empty Flask app's one route (for reference: the framework's floor), farmers, processors and co-op
managers, each request as one of many users (session cookies made by logging in each
one through the app; every URL is fetched once first and must answer 200). For each group it prints requests per
second, p50/p95/p99 latency and errors (non-2xx/3xx answers and socket errors), and the ratio of its throughput to
the hello-world's in the same run. Goals: no errors; farmer pages at least 50 % of the hello-world's throughput; p95
under 100 ms at 32 connections.

The pages are measured twice by default (`--page-cache both`): served as in production, with the page cache on
(marketplace/page_cache.py: a page read again by the same session, with nothing it shows changed, is given back
without running the app), and with it off, every page rendered; the goals are judged on the first. `--notices N`
and `--everyone-changes M` make changes beside each page group's run (N notices per second to the group's users,
each dropping one user's kept pages; M changes per second that drop every kept page), to see what the season's
writes cost the cache.
"""
import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from unittest import mock
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_load"
#: The test suite's databases: never dropped or built here.
PROTECTED = {"marketplace_test", "marketplace_test_concurrency"}
COMMENT_PREFIX = "marketplace load benchmark:"
GROUPS = ("hello", "flask", "farmer", "processor", "coop")


# --- the database ----------------------------------------------------------------------------------------------

def _admin_engine(url: str):
    admin_url, name = url.rsplit("/", 1)
    if name in PROTECTED:
        raise SystemExit(f"refusing to use {name}: the test suite's database")
    return sa.create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT"), name


def database_comment(url: str) -> str | None:
    """How the load database was built (its comment), or None when it is missing or was not finished."""
    engine, name = _admin_engine(url)
    try:
        with engine.connect() as conn:
            comment = conn.scalar(sa.text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"), {"n": name})
    finally:
        engine.dispose()
    return comment if comment and comment.startswith(COMMENT_PREFIX) else None


def build_database(url: str, farmers: int) -> str:
    """A fresh database: migrated, the demo loaded with its last past season at `farmers` members; analysed."""
    from flask_migrate import upgrade

    from bench.load_wsgi import LoadConfig
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.services.demo import load_demo
    from marketplace.services import demo_season

    engine, name = _admin_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    class BuildConfig(LoadConfig):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False

    began = time.perf_counter()
    today = date.today()
    app = create_app(BuildConfig())
    with app.app_context():
        upgrade()
        # the demo as `make demo` loads it, but its last season (one year back) has `farmers` members
        (back, _members, seed), earlier = demo_season.PAST[-1], demo_season.PAST[:-1]
        with mock.patch.object(demo_season, "PAST", (*earlier, (back, farmers, seed))):
            load_demo(today)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    seconds = time.perf_counter() - began
    comment = (f"{COMMENT_PREFIX} the demo (load_demo as of {today.isoformat()}) with its last past season at "
               f"{farmers} farmers (Season, seed {seed}); built in {seconds:.0f} s")
    with engine.connect() as conn:
        conn.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS {_quote(comment)}"))
    engine.dispose()
    return comment


def migrate(url: str) -> None:
    """The reused database brought up to the code's latest migration."""
    from flask_migrate import upgrade

    from bench.load_wsgi import LoadConfig
    from marketplace import create_app
    from marketplace.extensions import db

    class MigrateConfig(LoadConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(MigrateConfig())
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ensure_database(url: str, farmers: int, rebuild: bool) -> str:
    comment = None if rebuild else database_comment(url)
    if comment and f" at {farmers} farmers " in comment:
        migrate(url)
        return f"reused (migrated to the latest revision): {comment}"
    print(f"building {url.rsplit('/', 1)[1]} ({farmers:,} farmers; about 20 minutes at 10,000) ...", flush=True)
    return f"built now: {build_database(url, farmers)}"


# --- who visits what ---------------------------------------------------------------------------------------------

SIM_PASSWORD = "season-simulation"
DEMO_PASSWORD = "safflower2026"
USER_AGENT = "Mozilla/5.0 (load benchmark)"
#: The pages of each group; "{contract}" is one of the user's own contracts, "{board}" the market board that
#: `/market/` leads to (the first product's, for the season being planned).
PAGES = {
    "farmer": ["/dashboard", "/harvests/", "/contracts/", "/contracts/{contract}", "/notifications/", "{board}"],
    "processor": ["/dashboard", "/orders/", "/contracts/", "/contracts/{contract}", "/orders/supply"],
    "coop": ["/dashboard", "/cooperative/members", "/deliveries/", "/contracts/", "/settlement/",
             "/settlement/payouts"],
}
ROLES = {"farmer": "farmer", "processor": "processor", "coop": "coop_manager"}


def pick_users(app, per_group: int, seed: int = 7) -> dict[str, list[tuple[str, int | None]]]:
    """Per group, up to `per_group` users who can log in and have a contract: (login, one of their contracts),
    chosen at random."""
    from marketplace.extensions import db
    from marketplace.models import Contract, Membership, User

    rng = random.Random(seed)
    picked = {}
    with app.app_context():
        for group, role in ROLES.items():
            if group == "farmer":
                q = (sa.select(User.phone, sa.func.min(Contract.id)).join(Contract, Contract.farmer_id == User.id)
                     .where(User.phone.is_not(None), User.password_hash.is_not(None)))
            elif group == "processor":
                q = (sa.select(User.email, sa.func.min(Contract.id))
                     .join(Contract, Contract.processor_id == User.processor_id))
            else:
                q = (sa.select(User.email, sa.func.min(Contract.id))
                     .join(Membership, Membership.cooperative_id == User.cooperative_id)
                     .join(Contract, Contract.farmer_id == Membership.farmer_id))
            rows = db.session.execute(q.where(User.role == role, User.status == "active")
                                      .group_by(User.id).order_by(User.id)).all()
            picked[group] = rng.sample([tuple(r) for r in rows], min(per_group, len(rows)))
    return picked


def session_cookies(app, logins: list[str]) -> dict[str, str]:
    """A session cookie for each login, made by logging in through the app (the simulation's people have the
    simulation's password, the demo's cast the demo's)."""
    cookies = {}
    for login in logins:
        simulated = login.startswith("+8615") or login.endswith("@sim.example")
        for password in (SIM_PASSWORD if simulated else DEMO_PASSWORD,):
            with app.test_client() as client:
                client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT})
                page = client.get("/account/login").get_data(as_text=True)
                token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
                answer = client.post("/account/login", data={"csrf_token": token, "identifier": login,
                                                               "password": password})
                # then a page with a form, as a browser would: the session gets its form token, and keeps it
                client.get("/notifications/")
                cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
                if answer.status_code == 302 and cookie:
                    cookies[login] = f"{cookie.key}={cookie.value}"
                    break
        else:
            raise RuntimeError(f"could not log in as {login}")
    return cookies


def user_ids(app, users: dict[str, list[tuple[str, int | None]]]) -> dict[str, list[int]]:
    """The ids of each group's users (for the changes made beside the load)."""
    from marketplace.extensions import db
    from marketplace.models import User

    with app.app_context():
        return {group: list(db.session.scalars(sa.select(User.id).where(sa.or_(
                    User.phone.in_([login for login, _ in rows]), User.email.in_([login for login, _ in rows])))))
                for group, rows in users.items()}


def visits(app, users: dict[str, list[tuple[str, int | None]]]) -> dict[str, list[tuple[str, str]]]:
    """(path, cookie) per group, each user's pages in turn, users shuffled."""
    cookies = session_cookies(app, [login for rows in users.values() for login, _ in rows])
    with app.test_client() as client:
        board = client.get("/market/").headers["Location"]
    plan = {"hello": [("/__hello", "")], "flask": [("/__hello_flask", "")], "hello-end": [("/__hello", "")]}
    for group, rows in users.items():
        plan[group] = [(page.format(contract=contract, board=board), cookies[login])
                       for login, contract in rows for page in PAGES[group]]
    return plan


def lua_script(requests: list[tuple[str, str]]) -> str:
    """wrk's script: every thread rotates through the requests from its own starting point; at the end, one JSON
    line with the counts and percentiles."""
    rows = ",\n".join(f"  {{{_lua(path)}, {_lua(cookie)}}}" for path, cookie in requests)
    return f"""local plan = {{
{rows}
}}
local requests, i = {{}}, 0
local threads, made = {{}}, 0

function setup(thread)
  made = made + 1
  thread:set("start", made * 7919)
  table.insert(threads, thread)
end

function init(args)
  for k, row in ipairs(plan) do
    local headers = {{["User-Agent"] = {_lua(USER_AGENT)}}}
    if row[2] ~= "" then headers["Cookie"] = row[2] end
    requests[k] = wrk.format("GET", row[1], headers)
  end
  i = start or 0
end

function request()
  i = i + 1
  return requests[(i % #requests) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- the server and the runs -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Changes(threading.Thread):
    """What the season does beside the load, at given rates per second: notices to the group's users (each drops
    only that user's kept pages, marketplace/page_cache.py) and changes that drop every kept page (as a harvest
    posted, an order or a contract signed do). The notices are deleted afterwards."""

    def __init__(self, app, ids: list[int], per_user: float, everyone: float, seed: int = 11):
        super().__init__(daemon=True)
        self.app, self.ids, self.rates = app, ids, (per_user, everyone)
        self.rng = random.Random(seed)
        self.halt = threading.Event()
        self.notices: list[int] = []
        self.everyone = 0

    def run(self) -> None:
        from marketplace.extensions import db
        from marketplace.models import Notification
        from marketplace.page_cache import ALL, bump

        per_user, everyone = self.rates
        start = time.monotonic()
        with self.app.app_context():
            while not self.halt.wait(0.002):
                elapsed = time.monotonic() - start
                if per_user and self.ids and len(self.notices) < elapsed * per_user:
                    notice = Notification(user_id=self.rng.choice(self.ids), kind="contract_to_sign",
                                          params={"number": "LOAD-1", "kg": 100, "product": {}}, link="/contracts/")
                    db.session.add(notice)
                    db.session.commit()
                    self.notices.append(notice.id)
                if everyone and self.everyone < elapsed * everyone:
                    with db.engine.begin() as connection:
                        bump(connection, {ALL})
                    self.everyone += 1
            db.session.remove()

    def finish(self) -> tuple[int, int]:
        """Stop, delete the notices made; (notices, changes for everyone)."""
        from marketplace.extensions import db
        from marketplace.models import Notification

        self.halt.set()
        self.join()
        with self.app.app_context():
            for start in range(0, len(self.notices), 1000):
                db.session.execute(sa.delete(Notification).where(
                    Notification.id.in_(self.notices[start:start + 1000])))
            db.session.commit()
        return len(self.notices), self.everyone


def local_redis() -> str:
    """Redis as production has it (kept pages shared by the server's processes, rate limits): REDIS_URL, else the
    local one on 127.0.0.1:6379 when it answers; "" without."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return "redis://127.0.0.1:6379/14" if s.recv(16).startswith(b"+PONG") else ""
    except OSError:
        return ""


def start_gunicorn(url: str, port: int, workers: int, threads: int, log: Path,
                   page_cache_seconds: int | None = None, redis: str = "") -> subprocess.Popen:
    env = {**os.environ, "LOAD_DATABASE_URL": url, "MARKETPLACE_CONFIG": "production", "REDIS_URL": redis}
    if page_cache_seconds is not None:
        env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
    command = [sys.executable, "-m", "gunicorn", "bench.load_wsgi:application", "--worker-class", "gthread",
               "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--backlog", "2048", "--keep-alive", "30"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__hello", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
        if server.poll() is not None:
            break
    stop(server)
    raise RuntimeError(f"gunicorn did not start; see {log}:\n{log.read_text()[-2000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def preflight(port: int, plan: dict[str, list[tuple[str, str]]]) -> None:
    """Every request of the plan once: each must answer 200 (a redirect would mean the login did not hold)."""
    from concurrent.futures import ThreadPoolExecutor

    opener = urllib.request.build_opener(_NoRedirect)

    def fetch(row):
        path, cookie = row
        headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
        try:
            with opener.open(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers),
                             timeout=60) as answer:
                return path, answer.status
        except urllib.error.HTTPError as err:
            return path, err.code

    rows = {row for requests in plan.values() for row in requests}
    with ThreadPoolExecutor(8) as pool:
        bad = [(path, status) for path, status in pool.map(fetch, sorted(rows)) if status != 200]
    if bad:
        raise RuntimeError(f"{len(bad)} of {len(rows)} pages did not answer 200, e.g. {bad[:5]}")


def run_wrk(port: int, script: Path, connections: int, duration: int, threads: int) -> dict:
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s",
                          "-s", str(script), f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    seconds = result["duration_us"] / 1e6
    errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"rps": result["requests"] / seconds, "requests": result["requests"], "errors": errors,
            "non_2xx_3xx": result["status"], "socket": errors - result["status"],
            **{k: result[k] / 1000 for k in ("p50", "p95", "p99", "max")}}


def machine(url: str) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = conn.scalar(sa.text("SHOW server_version"))
    engine.dispose()
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.0f} GB memory, PostgreSQL {version}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def ensure_wrk() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make load` installs it (apt-get install -y wrk), "
                         "or install it by hand and run again")


def run_groups(port: int, plan: dict, groups: list[str], args, work: Path, changes=None) -> dict:
    """wrk on each group in turn (3 s of warm-up, then the measured run), with `changes(group)` made beside the
    measured run when given; results by group, with the changes made."""
    results = {}
    for group in groups:
        script = work / f"{group}.lua"
        script.write_text(lua_script(plan[group]), encoding="utf-8")
        run_wrk(port, script, args.connections, 3, WRK_THREADS)  # warm every worker and thread
        beside = changes(group) if changes else None
        if beside:
            beside.start()
        try:
            results[group] = run_wrk(port, script, args.connections, args.duration, WRK_THREADS)
        finally:
            made = beside.finish() if beside else (0, 0)
        results[group]["changes"] = made
    return results


def print_table(title: str, results: dict, hello: float | None) -> None:
    print(f"\n{title}")
    print(f"{'group':<10} {'req/s':>8} {'vs hello':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'requests':>9} {'errors':>7}  changes beside")
    for group, r in results.items():
        ratio = f"{r['rps'] / hello:.0%}" if hello else "-"
        notices, everyone = r["changes"]
        print(f"{group:<10} {r['rps']:>8,.0f} {ratio:>9} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
              f"{r['max']:>8.1f} {r['requests']:>9,} {r['errors']:>7}  "
              + (f"{notices} notices, {everyone} for everyone" if notices or everyone else "-")
              + (f" ({r['non_2xx_3xx']} non-2xx/3xx, {r['socket']} socket)" if r["errors"] else ""))


WRK_THREADS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--farmers", type=int, default=10_000)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true", help="build the load database again")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the database and stop")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per group")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (processes)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--users", type=int, default=200, help="users per group (at most)")
    parser.add_argument("--groups", default=",".join(GROUPS))
    parser.add_argument("--page-cache", choices=("on", "off", "both"), default="both",
                        help="serve with the page cache on (as in production), off (every page rendered), or both")
    parser.add_argument("--notices", type=float, default=0.0,
                        help="notices per second to the group's users during each page group's run")
    parser.add_argument("--everyone-changes", type=float, default=0.0,
                        help="changes per second that drop every kept page, during each page group's run")
    args = parser.parse_args()
    how = ensure_database(args.database, args.farmers, args.rebuild)
    print(f"database: {how}", flush=True)
    if args.build_only:
        return
    ensure_wrk()

    from bench.load_wsgi import LoadConfig
    from marketplace import create_app

    class CookieConfig(LoadConfig):
        SQLALCHEMY_DATABASE_URI = args.database
        RATELIMIT_ENABLED = False  # logging in the benchmark's users, in this process only
        PAGE_CACHE_SECONDS = 0

    app = create_app(CookieConfig())
    users = pick_users(app, args.users)
    ids = user_ids(app, users)
    plan = visits(app, users)
    groups = [g for g in args.groups.split(",") if g]
    page_groups = [g for g in groups if g not in ("hello", "flask")]

    def changes(group):
        if group in ids and (args.notices or args.everyone_changes):
            return Changes(app, ids[group], args.notices, args.everyone_changes)
        return None

    redis = local_redis()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="marketplace-load-"))
    runs = {}  # "on" / "off" -> results
    logs = []
    for setting in (("on", "off") if args.page_cache == "both" else (args.page_cache,)):
        port = free_port()
        log = work / f"gunicorn-{setting}.log"
        server = start_gunicorn(args.database, port, args.workers, args.threads, log,
                                page_cache_seconds=0 if setting == "off" else None, redis=redis)
        try:
            measured = groups if setting == "on" or args.page_cache == "off" else page_groups
            if "hello" in measured:
                measured = [*measured, "hello-end"]  # the baseline again, after the pages: this machine varies
            preflight(port, {g: plan[g] for g in measured})
            runs[setting] = run_groups(port, plan, measured, args, work, changes)
        finally:
            stop(server)
        logs.append(log.read_text(errors="replace"))
    load_after = os.getloadavg()

    print(f"\nmachine: {machine(args.database)}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)"
          + ("; a shared machine: other work ran beside this run" if max(load_before[0], 0) > 0.5 else ""))
    print(f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads, 127.0.0.1; "
          f"wrk {WRK_THREADS} threads, {args.connections} connections, {args.duration} s per group "
          f"(after 3 s of warm-up); Redis: {redis or 'none (kept pages not shared by the processes)'}")
    for group in groups:
        users_in = len({cookie for _, cookie in plan[group]})
        print(f"  {group:<10} {len(plan[group]):>5} URLs, {users_in:>4} users")
    if args.notices or args.everyone_changes:
        print(f"beside each page group's run: {args.notices:g} notices per second to its users, "
              f"{args.everyone_changes:g} changes per second that drop every kept page")
    first = runs.get("on") or runs["off"]
    # The baseline: the better of the hello-world's two runs (before and after the pages), so that a slow moment
    # of this virtual machine never flatters the pages' ratio.
    hellos = [first[g]["rps"] for g in ("hello", "hello-end") if g in first]
    hello = max(hellos) if hellos else None
    titles = {"on": f"page cache on (PAGE_CACHE_SECONDS={LoadConfig.PAGE_CACHE_SECONDS}, as in production):",
              "off": "page cache off (every page rendered):"}
    for setting, results in runs.items():
        print_table(titles[setting], results, hello)

    results = first
    errors = sum(r["errors"] for run in runs.values() for r in run.values())
    tracebacks = sum(log.count("Traceback") for log in logs)
    print(f"\ngoals at {args.connections} connections"
          + (" (the page cache on)" if "on" in runs else " (the page cache off)") + ":")
    print(f"  no errors: {'met' if errors == 0 and tracebacks == 0 else 'NOT met'} "
          f"({errors} in wrk, {tracebacks} tracebacks in the server logs)")
    if hello and "farmer" in results:
        ratio = results["farmer"]["rps"] / hello
        print(f"  farmer pages >= 50 % of hello-world throughput: {'met' if ratio >= 0.5 else 'NOT met'} "
              f"({ratio:.0%})")
    pages = {g: r for g, r in results.items() if g not in ("hello", "flask", "hello-end")}
    if pages:
        worst = max(pages, key=lambda g: pages[g]["p95"])
        print(f"  p95 under 100 ms: {'met' if pages[worst]['p95'] < 100 else 'NOT met'} "
              f"(worst: {worst}, {pages[worst]['p95']:.1f} ms)")
    if tracebacks:
        print(f"\nserver logs ({work}):\n" + "\n".join(log[-3000:] for log in logs if "Traceback" in log))
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
