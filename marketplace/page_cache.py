"""Rendered pages kept a while, per session, and dropped as soon as anything they show may change.

Why: a farmer's, a processor's or a co-op's page costs 5 to 30 ms of Python (queries and templates), and most
visits read a page again with nothing changed (a phone reloading its dashboard on a weak signal, an officer going
back to a list). A kept page is answered before the app runs.

What is kept: a view opts in with `@cached_page`; its answer is kept for a logged-in farmer, co-op manager or
processor (never the market office) when the request is a GET that answered 200 with HTML, set no cookie (no new
session, no flashed message shown, no language switch) and saved nothing.

Whose it is: the key is every part of the request the answer can depend on: today's date, host, scheme, path,
query string, Accept-Language and the whole Cookie header (the session: the user, their form token, their chosen
language). A kept page is only ever given back to the very session that rendered it.

When it is dropped: each page depends on scopes: "all", "user:<id>", and the user's co-ops ("coop:<id>") or
processor ("processor:<id>"). Every transaction that changes data raises the counters (PageGeneration) of the
scopes its changes touch, in the same transaction, just before it commits. A page carries the counters read
before it was rendered and is given back only while they are unchanged, and for PAGE_CACHE_SECONDS at most.
Logging out changes the user's session token, which raises "user:<id>": the old cookie's pages go with the
session.

What a change touches (`scopes_of`): a notification or a used form token, its user; a user's sign-in fields
(wrong passwords, lock, session token, password), that user; a delivery, its farmer, co-op and processor;
anything else, and any bulk or textual statement that does not name its scopes (`execution_options(
page_scopes=...)`), "all". A missing rule costs speed, never a stale page.

Where things live: the pages in each process's memory (PAGE_CACHE_BYTES each, least recently used dropped
first), and with REDIS_URL also in Redis, so that a page one process rendered is given back by the others
(`Shared`); the counters in the database. On PostgreSQL each raise also sends the new values as a notification at
commit, and each process keeps a copy of the counters from them (`Listener`), so giving a page back costs no
query; another process hears of a change within about a millisecond of its commit. Until the copy is ready, and
on other databases, the counters are read from the table for each page given back.
"""
import hashlib
import json
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request, session
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from marketplace.models import Delivery, Membership, Notification, PageGeneration, UsedFormToken, User
from marketplace.models.audit import ActionRecord

ALL = "all"
#: This process's listeners (one per app served), told of its own commits at once.
_LISTENERS = weakref.WeakSet()
#: The PostgreSQL notification channel that carries raised counters ("scope=generation,...").
CHANNEL = "page_cache"
#: Where a cacheable view leaves its scopes and counters for the middleware (in the WSGI environ).
MARK = "marketplace.page_cache"
#: A user's fields that only the user's own pages (and the market office's, which are never kept) show.
OWN_SIGN_IN_FIELDS = frozenset({"failed_logins", "locked_until", "session_token", "password_hash"})
_TABLE = PageGeneration.__table__


# --- what a change touches ------------------------------------------------------------------------------------

def user_scope(user_id: int) -> str:
    """The scope of one user's own pages (for a statement that names its scopes)."""
    return f"user:{user_id}"


def _values(obj, *names) -> set:
    """Every value the attributes had or have in this flush (a delivery moved between co-ops touches both)."""
    state = inspect(obj)
    found = set()
    for name in names:
        history = state.attrs[name].history
        found.update(v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None)
    return found


def _changed_fields(obj) -> set[str]:
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def scopes_of(obj, whole: bool) -> set[str]:
    """The scopes whose pages a change to `obj` may alter; `whole` for an object added or deleted."""
    if isinstance(obj, (Notification, UsedFormToken)):
        return {user_scope(v) for v in _values(obj, "user_id")} or {ALL}
    if isinstance(obj, ActionRecord):
        return set()  # read only on the market office's pages, which are never kept
    if isinstance(obj, User) and not whole and _changed_fields(obj) <= OWN_SIGN_IN_FIELDS:
        return {user_scope(obj.id)}
    if isinstance(obj, Delivery):
        return ({user_scope(v) for v in _values(obj, "farmer_id")} | {f"coop:{v}" for v in _values(obj, "cooperative_id")}
                | {f"processor:{v}" for v in _values(obj, "processor_id")}) or {ALL}
    return {ALL}


def _pending(session) -> set:
    return session.info.setdefault("page_scopes", set())


def _collect_changed(session) -> None:
    scopes = _pending(session)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            scopes |= scopes_of(obj, whole=False)


@event.listens_for(Session, "before_flush")
def _collect_before(session, _context, _instances):
    """Changes as made: a value computed by the database (`n = Model.n + 1`) is gone from the history after the
    flush."""
    _collect_changed(session)


@event.listens_for(Session, "after_flush")
def _collect_after(session, _context):
    """Changes as written: keys set through a relationship are only filled in by the flush."""
    scopes = _pending(session)
    for obj in session.new:
        scopes |= scopes_of(obj, whole=True)
    for obj in session.deleted:
        scopes |= scopes_of(obj, whole=True)
    _collect_changed(session)


@event.listens_for(Session, "do_orm_execute")
def _statement(state):
    if state.is_select:
        return
    named = state.execution_options.get("page_scopes")
    _pending(state.session).update(named if named is not None else {ALL})


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session):
    if session.new or session.deleted or session.dirty:
        session.flush()
    scopes = session.info.pop("page_scopes", None)
    if scopes:
        session.info["page_raised"] = bump(session.connection(), scopes)


@event.listens_for(Session, "after_commit")
def _heard_here_at_once(session):
    """The committing process learns its own raises at once, before any notification comes back: the writer's
    next page in this process never misses them."""
    raised = session.info.pop("page_raised", None)
    if raised:
        for listener in list(_LISTENERS):
            listener.learn(raised)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None and not transaction.nested:
        session.info.pop("page_scopes", None)
        session.info.pop("page_raised", None)


def bump(connection, scopes) -> list[tuple[str, int]]:
    """Raise the counters of `scopes` (rows locked in one order, so two transactions never wait on each other);
    on PostgreSQL also tell every listening process their new values, which it hears when this commits."""
    postgres = connection.dialect.name == "postgresql"
    statement = (postgresql.insert if postgres else sqlite.insert)(_TABLE).values(
        [{"scope": s, "generation": 1} for s in sorted(scopes)])
    statement = statement.on_conflict_do_update(index_elements=[_TABLE.c.scope],
                                                set_={"generation": _TABLE.c.generation + 1})
    if postgres:
        raised = connection.execute(statement.returning(_TABLE.c.scope, _TABLE.c.generation)).all()
        for payload in _payloads(f"{scope}={generation}" for scope, generation in raised):
            connection.execute(sa.select(sa.func.pg_notify(CHANNEL, payload)))
    else:
        connection.execute(statement)
        raised = []
    if has_request_context():
        g.page_cache_wrote = True
    return [tuple(row) for row in raised]


def _payloads(parts, limit: int = 7000):
    """The parts joined by commas, in as many payloads as PostgreSQL's 8,000-byte limit needs."""
    payload = ""
    for part in parts:
        if payload and len(payload) + len(part) + 1 > limit:
            yield payload
            payload = ""
        payload = f"{payload},{part}" if payload else part
    if payload:
        yield payload


# --- the counters a page depends on -------------------------------------------------------------------------

def read_counters(connection, scopes: tuple[str, ...]) -> tuple[int, ...]:
    rows = dict(connection.execute(sa.select(_TABLE.c.scope, _TABLE.c.generation)
                                   .where(_TABLE.c.scope.in_(scopes))).all())
    return tuple(rows.get(scope, 0) for scope in scopes)


def org_scopes(user) -> tuple[str, ...] | None:
    """The co-op or processor scopes of a user whose pages may be kept; None for one whose may not."""
    from marketplace.extensions import db

    if user.role == "farmer":
        coops = db.session.scalars(sa.select(Membership.cooperative_id).where(Membership.farmer_id == user.id))
        return tuple(sorted(f"coop:{c}" for c in set(coops)))
    if user.role == "coop_manager" and user.cooperative_id:
        return (f"coop:{user.cooperative_id}",)
    if user.role == "processor" and user.processor_id:
        return (f"processor:{user.processor_id}",)
    return None


def _session_user_id() -> int | None:
    raw = session.get("_user_id") or ""
    user_id = raw.partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def read_own_counters():
    """Before the user is loaded (a before_request hook, first of all): the counters of "all" and the session's
    user, so a logout or a change to the user between here and the page's rendering is never missed."""
    if not current_app.config.get("PAGE_CACHE_SECONDS") or request.method != "GET":
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    user_id = _session_user_id()
    if not getattr(view, "page_cache", False) or user_id is None:
        return
    from marketplace.extensions import db

    scopes = (ALL, user_scope(user_id))
    g.page_cache_own = (user_id, scopes, read_counters(db.session.connection(), scopes))


def cached_page(view):
    """Let this view's answers be kept (see the module's notes): for pages that only read."""
    from flask_login import current_user

    from marketplace.extensions import db

    @wraps(view)
    def wrapper(*args, **kwargs):
        own = g.pop("page_cache_own", None)
        if own is None or not current_user.is_authenticated or current_user.id != own[0]:
            return view(*args, **kwargs)
        orgs = org_scopes(current_user)
        if orgs is None:
            return view(*args, **kwargs)
        counters = own[2] + read_counters(db.session.connection(), orgs)
        answer = view(*args, **kwargs)
        if not g.get("page_cache_wrote"):
            request.environ[MARK] = (own[1] + orgs, counters)
        return answer

    wrapper.page_cache = True
    return wrapper


# --- the kept pages -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kept:
    status: str
    headers: list
    body: bytes
    scopes: tuple
    counters: tuple
    until: float


class Store:
    """Kept pages by key, at most `capacity` bytes of bodies, least recently used dropped first; thread-safe."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.size = 0
        self.pages: OrderedDict[bytes, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: bytes, now: float) -> Kept | None:
        with self.lock:
            kept = self.pages.get(key)
            if kept is None:
                return None
            if kept.until <= now:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return kept

    def put(self, key: bytes, kept: Kept) -> None:
        if len(kept.body) > self.capacity // 8:
            return
        with self.lock:
            self._drop(key)
            self.pages[key] = kept
            self.size += len(kept.body)
            while self.size > self.capacity:
                self._drop(next(iter(self.pages)))

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0

    def drop(self, key: bytes) -> None:
        with self.lock:
            self._drop(key)

    def _drop(self, key: bytes) -> None:
        kept = self.pages.pop(key, None)
        if kept is not None:
            self.size -= len(kept.body)


class Shared:
    """Kept pages shared by the server's processes in Redis (with REDIS_URL): a page one process rendered is given
    back by the others, which copy it into their own store. Stored as JSON and bytes, never pickled; every page
    expires in Redis when its time is up. Redis out of reach is a miss, never an error."""

    PREFIX = b"marketplace:page:"

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.errors = 0

    def get(self, key: bytes, now: float) -> Kept | None:
        try:
            raw = self.redis.get(self.PREFIX + key)
        except Exception:  # noqa: BLE001 (Redis away: render the page)
            self._failed()
            return None
        if not raw:
            return None
        try:
            meta, _sep, body = raw.partition(b"\n")
            meta = json.loads(meta)
            left = meta["expires"] - time.time()
            kept = Kept(meta["status"], [tuple(h) for h in meta["headers"]], body, tuple(meta["scopes"]),
                        tuple(meta["counters"]), now + left)
        except (ValueError, KeyError, TypeError):
            return None  # not one of ours, or damaged: render the page
        return kept if left > 0 else None

    def put(self, key: bytes, kept: Kept, seconds: float) -> None:
        meta = {"status": kept.status, "headers": kept.headers, "scopes": kept.scopes, "counters": kept.counters,
                "expires": time.time() + seconds}
        try:
            self.redis.set(self.PREFIX + key, json.dumps(meta).encode() + b"\n" + kept.body,
                           px=max(int(seconds * 1000), 1))
        except Exception:  # noqa: BLE001
            self._failed()

    def _failed(self) -> None:
        self.errors += 1
        if self.errors == 1 or self.errors % 1000 == 0:
            logging.getLogger(__name__).warning("page cache: Redis out of reach (%s times)", self.errors,
                                                exc_info=True)


class Listener:
    """A process's copy of the counters on PostgreSQL, kept by the notifications every raise sends at commit: a
    kept page is then given back with no query at all. It listens first and reads the whole table second (so
    nothing is missed between the two), and it answers nothing (`current` is None: the caller reads the table)
    until it has, or while its connection is lost (found by TCP keepalives within about 20 s, and by a query
    every 10 s of silence); it then listens and reads again."""

    def __init__(self, url: str):
        self.url = url
        _LISTENERS.add(self)
        self.known: dict[str, int] = {}
        self.ready = False
        self.backend_pid = None
        self.pid = None
        self.lock = threading.Lock()

    def current(self, scopes: tuple) -> tuple | None:
        if self.pid != os.getpid():
            self._start()
        if not self.ready:
            return None
        known = self.known
        return tuple(known.get(scope, 0) for scope in scopes)

    def stop(self) -> None:
        """Stop listening (within one silence check)."""
        self.pid = None
        self.ready = False

    def _start(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid, self.ready, self.known = os.getpid(), False, {}  # a forked process listens for itself
            threading.Thread(target=self._run, name="page-cache-listener", daemon=True).start()

    def _run(self) -> None:
        import psycopg

        pid = os.getpid()
        while self.pid == pid:
            try:
                with psycopg.connect(self.url, autocommit=True, keepalives=1, keepalives_idle=10,
                                     keepalives_interval=5, keepalives_count=2) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.known = dict(connection.execute("SELECT scope, generation FROM page_generation").fetchall())
                    self.backend_pid = connection.info.backend_pid
                    self.ready = True
                    while self.pid == pid:
                        for note in connection.notifies(timeout=10):
                            self._apply(note.payload)
                        connection.execute("SELECT 1")  # silence: is the connection still there?
            except Exception:  # noqa: BLE001 (any loss: stop answering, listen again)
                logging.getLogger(__name__).warning("page cache: listening for changes failed", exc_info=True)
            finally:
                self.ready = False
            time.sleep(1)

    def _apply(self, payload: str) -> None:
        pairs = (part.rpartition("=") for part in payload.split(","))
        self.learn((scope, int(generation)) for scope, _sep, generation in pairs if generation.isdigit())

    def learn(self, raised) -> None:
        """Counters as raised (never lowered: a late notification of an older value changes nothing)."""
        known = self.known
        for scope, generation in raised:
            if generation > known.get(scope, 0):
                known[scope] = generation


class PageCache:
    """WSGI middleware: gives back a kept page while its counters are unchanged, and keeps what a cacheable view
    marked."""

    def __init__(self, app, wsgi_app):
        self.wsgi_app = wsgi_app
        self.seconds = app.config["PAGE_CACHE_SECONDS"]
        self.cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
        self.store = Store(app.config["PAGE_CACHE_BYTES"])
        self.shared = Shared(app.config["REDIS_URL"]) if app.config.get("REDIS_URL") else None
        self.app = app
        from marketplace.extensions import db

        with app.app_context():
            url = db.engine.url
        # Under test nothing commits (each test is one transaction rolled back), so there is nothing to hear.
        self.listener = None
        if url.get_backend_name() == "postgresql" and not app.testing:
            self.listener = Listener(url.set(drivername="postgresql").render_as_string(hide_password=False))

    def key(self, environ) -> bytes:
        parts = (date.today().isoformat(),  # pages say what is due today and how many days are left
                 environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                 environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                 environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_COOKIE", ""))
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=20).digest()

    def counters(self, scopes: tuple) -> tuple | None:
        """The counters from the table, where the app reads everything else (without a ready listener)."""
        from marketplace.extensions import db

        try:
            with self.app.app_context():
                return read_counters(db.session.connection(), scopes)
        except sa.exc.DBAPIError:
            return None  # the app answers, and says what is wrong with the database

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or self.cookie_name not in environ.get("HTTP_COOKIE", ""):
            return self.wsgi_app(environ, start_response)
        key = self.key(environ)
        now = time.monotonic()
        kept = self.store.get(key, now)
        if kept is None and self.shared is not None:
            kept = self.shared.get(key, now)
            if kept is not None:
                self.store.put(key, kept)
        if kept is not None:
            current = self.listener.current(kept.scopes) if self.listener else None
            if current is None:
                current = self.counters(kept.scopes)
            if current == kept.counters:
                start_response(kept.status, list(kept.headers))
                return [kept.body]
            self.store.drop(key)
        answered = {}

        def remember(status, headers, exc_info=None):
            answered.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember)
        mark = environ.get(MARK)
        if mark is None or not answered.get("status", "").startswith("200 "):
            return body
        names = {name.lower(): value for name, value in answered["headers"]}
        if "set-cookie" in names or not names.get("content-type", "").startswith("text/html"):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        kept = Kept(answered["status"], list(answered["headers"]), content, mark[0], mark[1],
                    time.monotonic() + self.seconds)
        self.store.put(key, kept)
        if self.shared is not None:
            self.shared.put(key, kept, self.seconds)
        return [content]


def init_app(app) -> None:
    """Read the counters first of all requests; wrap the app in the middleware (inside a proxy fix, which is
    applied after this and so sees the request first)."""
    app.config.setdefault("PAGE_CACHE_SECONDS", 0)
    app.config.setdefault("PAGE_CACHE_BYTES", 32 * 1024 * 1024)
    app.before_request_funcs.setdefault(None, []).insert(0, read_own_counters)
    if app.config["PAGE_CACHE_SECONDS"] > 0:
        app.page_cache = PageCache(app, app.wsgi_app)
        app.wsgi_app = app.page_cache
