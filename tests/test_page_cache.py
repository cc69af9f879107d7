"""The page cache: a page is given back only to the session that rendered it, only while nothing it shows has
changed, and for PAGE_CACHE_SECONDS at most (marketplace/page_cache.py)."""
import os
import re
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from marketplace import page_cache
from marketplace.extensions import db as _db
from marketplace.models import Notification, PageGeneration, User
from tests.conftest import Auth, csrf_token
from tests.test_concurrency import pg_app  # noqa: F401 (a fixture: PostgreSQL, committing for real)


@pytest.fixture
def statements(app):
    """The SQL statements run since the list was last cleared."""
    seen = []
    with app.app_context():
        engine = _db.engine

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def app_statements(statements):
    """Leaves out the read of the counters, and the savepoint the tests' shared connection wraps it in."""
    return [s for s in statements if "page_generation" not in s and not s.startswith(("SAVEPOINT", "RELEASE",
                                                                                      "ROLLBACK TO"))]


class Visitor:
    """One browser (its own session), logged in as someone."""

    def __init__(self, app, statements, login):
        self.client = app.test_client()
        self.statements = statements
        assert Auth(self.client).login(login).status_code == 302

    def get(self, url, **kw):
        """(answer, whether the app ran: more than the one read of the counters)."""
        self.statements.clear()
        answer = self.client.get(url, **kw)
        return answer, bool(app_statements(self.statements))

    def kept(self, url, **kw):
        """Visit until the page is given back from the cache (the first visits may set the session's form token);
        the kept answer."""
        for _ in range(3):
            answer, ran = self.get(url, **kw)
            assert answer.status_code == 200
            if not ran:
                return answer
        raise AssertionError(f"{url} was never given back from the cache")


def notice(user, number="HT-1"):
    return Notification(user_id=user.id, kind="contract_to_sign",
                        params={"number": number, "kg": 100, "product": {"zh_Hans": "红花籽"}}, link="/contracts/")


def counter(db, scope):
    return db.session.scalar(sa.select(PageGeneration.generation).where(PageGeneration.scope == scope)) or 0


def test_a_page_is_given_back_to_its_session_without_running_the_app(app, db, statements, create_farmer):
    farmer = create_farmer()
    me = Visitor(app, statements, farmer.phone)
    first = me.kept("/dashboard")
    again, ran = me.get("/dashboard")
    assert not ran and again.data == first.data
    assert not app_statements(statements) and any("page_generation" in s for s in statements)
    # the same person in another browser (another session) gets the page rendered for them
    other_browser = Visitor(app, statements, farmer.phone)
    _answer, ran = other_browser.get("/dashboard")
    assert ran


def test_a_change_the_page_shows_is_seen_at_once(app, db, statements, create_farmer):
    farmer = create_farmer()
    me = Visitor(app, statements, farmer.phone)
    assert 'class="badge"' not in me.kept("/dashboard").get_data(as_text=True)
    db.session.add(notice(farmer))
    db.session.commit()
    answer, ran = me.get("/dashboard")
    assert ran and re.search(r'class="badge">[^<]*(<bdi[^>]*>)?1<', answer.get_data(as_text=True))


def test_another_users_change_leaves_the_page_kept(app, db, statements, create_farmer):
    farmer, neighbour = create_farmer(), create_farmer(name="买买提")
    me = Visitor(app, statements, farmer.phone)
    me.kept("/notifications/")
    db.session.add(notice(neighbour))
    db.session.commit()
    _answer, ran = me.get("/notifications/")
    assert not ran


def test_a_delivery_drops_the_pages_of_its_farmer_coop_and_processor(app, db, statements, request):
    from tests.test_deliveries import record

    with app.app_context():  # the services sign inside one; the requests below push their own
        in_force = request.getfixturevalue("in_force")
        _db.session.commit()

    sides = {role: Visitor(app, statements, login) for role, login in (
        ("farmer", in_force["farmer"].phone), ("manager", in_force["manager"].email),
        ("buyer", in_force["buyer"].email))}
    pages = {"farmer": "/contracts/", "manager": "/deliveries/", "buyer": "/deliveries/"}
    number = in_force["contract"].number
    for role, visitor in sides.items():
        visitor.kept(pages[role])
    assert number in sides["farmer"].kept("/contracts/").get_data(as_text=True)
    with app.app_context():
        delivery = record(in_force)
        _db.session.commit()
        link, code = f"/deliveries/{delivery.id}", delivery.lot_code
    for role, visitor in sides.items():
        answer, ran = visitor.get(pages[role])
        assert ran, role
    assert link in sides["manager"].get("/deliveries/")[0].get_data(as_text=True)
    # a check of its lot code counts on the delivery's pages only, not everyone's
    from marketplace.services.trace import trace

    everyone, farmer = counter(db, page_cache.ALL), counter(db, f"user:{in_force['farmer'].id}")
    with app.app_context():
        assert trace(code).scans == 1
        _db.session.commit()
    assert counter(db, page_cache.ALL) == everyone and counter(db, f"user:{in_force['farmer'].id}") == farmer + 1


def test_a_logged_out_session_gets_no_kept_page(app, db, statements, create_farmer):
    farmer = create_farmer()
    me = Visitor(app, statements, farmer.phone)
    me.kept("/dashboard")
    old_cookie = me.client.get_cookie("session").value
    token = csrf_token(me.client, "/notifications/")
    assert me.client.post("/account/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", old_cookie)
    answer = thief.get("/dashboard")
    assert answer.status_code == 302 and "/account/login" in answer.headers["Location"]


def test_a_flashed_message_is_shown_once(app, db, statements, create_farmer):
    farmer = create_farmer()
    db.session.add(notice(farmer))
    db.session.commit()
    me = Visitor(app, statements, farmer.phone)
    me.kept("/notifications/")
    token = csrf_token(me.client, "/notifications/")
    assert me.client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    shown = [re.findall(r'class="flash[^"]*"', me.get("/notifications/")[0].get_data(as_text=True))
             for _ in range(2)]
    assert shown[0] and not shown[1]


def test_a_language_switch_is_never_answered_from_the_cache(app, db, statements, create_farmer):
    farmer = create_farmer(locale="ug")
    me = Visitor(app, statements, farmer.phone)
    assert 'dir="rtl"' in me.kept("/dashboard").get_data(as_text=True)
    answer, ran = me.get("/dashboard?lang=kk_Cyrl")
    assert ran and 'lang="kk-Cyrl"' in answer.get_data(as_text=True)
    answer, ran = me.get("/dashboard")
    assert ran and 'lang="kk-Cyrl"' in answer.get_data(as_text=True)


def test_a_kept_page_lasts_page_cache_seconds(app, db, statements, create_farmer, monkeypatch):
    farmer = create_farmer()
    me = Visitor(app, statements, farmer.phone)
    me.kept("/harvests/")
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + app.config["PAGE_CACHE_SECONDS"] + 1)
    assert me.get("/harvests/")[1]


def test_the_market_offices_pages_and_pages_that_did_not_opt_in_are_never_kept(app, db, statements, create_admin,
                                                                               create_farmer):
    office = Visitor(app, statements, create_admin().email)
    for _ in range(3):
        assert office.get("/dashboard")[1]
    farmer = Visitor(app, statements, create_farmer().phone)
    for _ in range(3):
        assert farmer.get("/languages")[1]


def test_what_a_change_touches(app, db, create_farmer):
    farmer, neighbour = create_farmer(), create_farmer(name="买买提")
    mine, theirs, everyone = f"user:{farmer.id}", f"user:{neighbour.id}", page_cache.ALL
    before = {scope: counter(db, scope) for scope in (mine, theirs, everyone)}

    def raised():
        now = {scope: counter(db, scope) for scope in before}
        moved = {scope for scope in now if now[scope] != before[scope]}
        before.update(now)
        return moved

    with app.app_context():
        farmer = _db.session.get(User, farmer.id)
        farmer.failed_logins += 1  # a sign-in field: the user's own pages
        _db.session.commit()
        assert raised() == {mine}
        farmer.name = "阿依古丽·新"  # shown on the co-op's and the processor's pages too
        _db.session.commit()
        assert raised() == {everyone}
        _db.session.add(notice(neighbour))
        _db.session.commit()
        assert raised() == {theirs}
        _db.session.execute(sa.update(Notification).where(Notification.user_id == neighbour.id)
                            .values(link="/dashboard"))  # a bulk statement that does not say whose it is
        _db.session.commit()
        assert raised() == {everyone}
        _db.session.execute(sa.update(Notification).where(Notification.user_id == neighbour.id)
                            .values(link="/").execution_options(page_scopes={theirs}))
        _db.session.commit()
        assert raised() == {theirs}
        _db.session.add(notice(farmer))
        _db.session.rollback()
        _db.session.commit()
        assert raised() == set()  # nothing was saved, nothing dropped
        _db.session.get(User, farmer.id)  # reading is not changing
        _db.session.commit()
        assert raised() == set()


def test_the_store_keeps_at_most_its_capacity_dropping_the_least_recently_used():
    store = page_cache.Store(capacity=800)

    def page(size, until=100.0):
        return page_cache.Kept("200 OK", [], b"x" * size, ("all",), (0,), until)

    for key in (b"a", b"b", b"c", b"d"):
        store.put(key, page(100))
    assert store.get(b"a", 0) is not None  # a is now the most recently used
    for key in (b"e", b"f", b"g", b"h", b"i"):
        store.put(key, page(100))
    assert store.size == 800 and len(store.pages) == 8
    assert store.get(b"b", 0) is None and store.get(b"a", 0) is not None
    store.put(b"huge", page(101))  # more than an eighth of the store: never kept
    assert store.get(b"huge", 0) is None
    assert store.get(b"a", 100.0) is None and store.size == 700  # its time is up


def wait_for(check, seconds=5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="notifications are PostgreSQL's")
def test_each_process_hears_of_every_raise_when_it_commits_and_reads_afresh_after_losing_its_connection(pg_app):
    with pg_app.app_context():
        engine = _db.engine
    listener = page_cache.Listener(engine.url.set(drivername="postgresql").render_as_string(hide_password=False))
    scopes = ("all", "user:1", "coop:2")
    try:
        assert listener.current(scopes) is None  # nothing until it has listened and read the table
        assert wait_for(lambda: listener.current(scopes) is not None)
        every, user, coop = listener.current(scopes)
        with engine.begin() as connection:
            page_cache.bump(connection, {"user:1"})
            time.sleep(0.2)
            assert listener.current(scopes) == (every, user, coop)  # not before the commit
        assert wait_for(lambda: listener.current(scopes) == (every, user + 1, coop))

        many = tuple(sorted(f"user:{n}" for n in range(1000, 3000)))  # more than one notification can carry
        with engine.begin() as connection:
            page_cache.bump(connection, set(many))
            raised = page_cache.read_counters(connection, many)
        assert set(raised) == {1}
        assert wait_for(lambda: listener.current(many) == raised)

        with engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": listener.backend_pid})
        assert wait_for(lambda: listener.current(scopes) is None, 3)  # lost: the table is read instead
        with engine.begin() as connection:  # a change while it is away...
            connection.execute(sa.text("UPDATE page_generation SET generation = generation + 5 WHERE scope = :s"),
                               {"s": "user:1"})
        assert wait_for(lambda: listener.current(scopes) == (every, user + 6, coop), 10)  # ...is read afresh
    finally:
        listener.stop()


def test_a_notification_never_carries_more_than_postgresql_takes():
    parts = [f"user:{n}=1" for n in range(3000)]
    payloads = list(page_cache._payloads(parts))
    assert len(payloads) > 1 and all(len(p) <= 7000 for p in payloads)
    assert ",".join(payloads).split(",") == parts


def redis_or_skip(url="redis://127.0.0.1:6379/15") -> page_cache.Shared:
    import redis

    shared = page_cache.Shared(url)
    try:
        shared.redis.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running (make test starts it)")
    return shared


def test_a_page_one_process_rendered_is_given_back_by_the_others_through_redis(app, db, statements, create_farmer):
    from werkzeug.test import Client

    shared = redis_or_skip()
    farmer = create_farmer()
    me = Visitor(app, statements, farmer.phone)
    me.kept("/dashboard")  # the session has its form token: its cookie no longer changes
    cookie = me.client.get_cookie("session").value
    inner = app.page_cache.wsgi_app
    one, other = page_cache.PageCache(app, inner), page_cache.PageCache(app, inner)  # two server processes
    one.shared = other.shared = shared
    browsers = []
    for process in (one, other):
        browser = Client(process)
        browser.set_cookie("session", cookie)
        browsers.append(browser)
    same = {"environ_base": me.client.environ_base}  # the browser's address and user agent (the session's mark)
    statements.clear()
    rendered = browsers[0].get("/dashboard", **same)
    assert rendered.status_code == 200 and app_statements(statements)
    statements.clear()
    given_back = browsers[1].get("/dashboard", **same)
    assert given_back.data == rendered.data and not app_statements(statements)
    db.session.add(notice(farmer))  # and a change drops it there too
    db.session.commit()
    statements.clear()
    assert browsers[1].get("/dashboard", **same).data != rendered.data and app_statements(statements)


def test_a_damaged_page_in_redis_is_a_miss_not_an_error():
    shared = redis_or_skip()
    for raw in (b"not json\n<p>", b'{"status": "200 OK"}\n<p>', b"[1, 2]\n<p>"):
        shared.redis.set(shared.PREFIX + b"damaged", raw, px=5000)
        assert shared.get(b"damaged", 0.0) is None


def test_redis_out_of_reach_is_a_miss_not_an_error():
    shared = page_cache.Shared("redis://127.0.0.1:1/0")
    kept = page_cache.Kept("200 OK", [("Content-Type", "text/html")], b"<p>", ("all",), (0,), 1.0)
    shared.put(b"key", kept, 30)
    assert shared.get(b"key", 0.0) is None and shared.errors == 2


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="notifications are PostgreSQL's")
def test_the_committing_process_knows_its_own_raises_at_once(pg_app):
    listener = page_cache.Listener("postgresql://never-started")  # it hears nothing: only what this process learns
    with pg_app.app_context():
        _db.session.execute(sa.text("SELECT 1").execution_options(page_scopes={"user:77"}))
        _db.session.commit()
        raised = page_cache.read_counters(_db.session.connection(), ("user:77",))[0]
        _db.session.rollback()
    assert raised >= 1 and listener.known.get("user:77") == raised
