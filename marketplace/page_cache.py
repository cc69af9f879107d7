"""Rendered pages kept for a short while, per session, and dropped as soon as anything they show may change.

Why: a farmer's, a processor's or a co-op's page costs 5 to 25 ms of Python (queries and templates), and most
visits read a page again with nothing changed (a phone reloading its dashboard on a weak signal, an officer going
back to a list). A kept page is answered before the app runs: one small query and a copy of the bytes.

What is kept: a view opts in with `@cached_page`; its answer is kept for a logged-in farmer, co-op manager or
processor (never the market office) when the request is a GET that answered 200 with HTML, set no cookie (no new
session, no flashed message shown, no language switch) and saved nothing.

Whose it is: the key is every part of the request the answer can depend on: host, scheme, path, query string,
Accept-Language and the whole Cookie header (the session: the user, their form token, their chosen language). A
kept page is only ever given back to the very session that rendered it.

When it is dropped: each page depends on scopes: "all", "user:<id>", and the user's co-ops ("coop:<id>") or
processor ("processor:<id>"). Every transaction that changes data raises the counters (PageGeneration) of the
scopes its changes touch, in the same transaction, just before it commits. A page carries the counters read
before it was rendered and is given back only while they are unchanged, and for PAGE_CACHE_SECONDS at most (pages
also depend on the clock: today's date, a deadline's days left). Logging out changes the user's session token,
which raises "user:<id>": the old cookie's pages are gone with the session.

What a change touches (`scopes_of`): a notification or a used form token, its user; a user's sign-in fields
(wrong passwords, lock, session token, password), that user; a delivery, its farmer, co-op and processor;
anything else, and any bulk or textual statement that does not name its scopes (`execution_options(
page_scopes=...)`), "all". A missing rule costs speed, never a stale page.

The pages live in each process's memory (PAGE_CACHE_BYTES each, least recently used dropped first); the counters
live in the database, so every process sees every other's changes at once.
"""
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request, session
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from marketplace.models import Delivery, Membership, Notification, PageGeneration, UsedFormToken, User
from marketplace.models.audit import ActionRecord

ALL = "all"
#: Where a cacheable view leaves its scopes and counters for the middleware (in the WSGI environ).
MARK = "marketplace.page_cache"
#: A user's fields that only the user's own pages (and the market office's, which are never kept) show.
OWN_SIGN_IN_FIELDS = frozenset({"failed_logins", "locked_until", "session_token", "password_hash"})
_TABLE = PageGeneration.__table__


# --- what a change touches ------------------------------------------------------------------------------------

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
        return {f"user:{v}" for v in _values(obj, "user_id")} or {ALL}
    if isinstance(obj, ActionRecord):
        return set()  # read only on the market office's pages, which are never kept
    if isinstance(obj, User) and not whole and _changed_fields(obj) <= OWN_SIGN_IN_FIELDS:
        return {f"user:{obj.id}"}
    if isinstance(obj, Delivery):
        return ({f"user:{v}" for v in _values(obj, "farmer_id")} | {f"coop:{v}" for v in _values(obj, "cooperative_id")}
                | {f"processor:{v}" for v in _values(obj, "processor_id")}) or {ALL}
    return {ALL}


def _pending(session) -> set:
    return session.info.setdefault("page_scopes", set())


@event.listens_for(Session, "after_flush")
def _collect(session, _context):
    scopes = _pending(session)
    for obj in session.new:
        scopes |= scopes_of(obj, whole=True)
    for obj in session.deleted:
        scopes |= scopes_of(obj, whole=True)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            scopes |= scopes_of(obj, whole=False)


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
        bump(session.connection(), scopes)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None and not transaction.nested:
        session.info.pop("page_scopes", None)


def bump(connection, scopes) -> None:
    """Raise the counters of `scopes` (rows locked in one order, so two transactions never wait on each other)."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values([{"scope": s, "generation": 1} for s in sorted(scopes)])
    connection.execute(statement.on_conflict_do_update(index_elements=[_TABLE.c.scope],
                                                       set_={"generation": _TABLE.c.generation + 1}))
    if has_request_context():
        g.page_cache_wrote = True


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

    scopes = (ALL, f"user:{user_id}")
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


def _counter_engine(app):
    """Where the middleware reads counters: on PostgreSQL, its own small pool in autocommit (one round trip per
    read, no ping, no transaction); elsewhere the app's engine."""
    from marketplace.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    return sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=16,
                            pool_recycle=3600)


class PageCache:
    """WSGI middleware: gives back a kept page while its counters are unchanged, and keeps what a cacheable view
    marked."""

    def __init__(self, app, wsgi_app):
        self.wsgi_app = wsgi_app
        self.seconds = app.config["PAGE_CACHE_SECONDS"]
        self.cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
        self.store = Store(app.config["PAGE_CACHE_BYTES"])
        self.app = app
        # Under test, requests share the test's one connection inside a transaction that never commits: the
        # counters are read where the app reads everything else.
        self.engine = None if app.testing else _counter_engine(app)

    def key(self, environ) -> bytes:
        parts = (environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                 environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                 environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_COOKIE", ""))
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=20).digest()

    def counters(self, scopes: tuple) -> tuple | None:
        try:
            if self.engine is None:
                return self._counters_in_app(scopes)
            with self.engine.connect() as connection:
                return read_counters(connection, scopes)
        except sa.exc.DBAPIError:
            return None  # the app answers, and says what is wrong with the database

    def _counters_in_app(self, scopes: tuple) -> tuple:
        from marketplace.extensions import db

        with self.app.app_context():
            return read_counters(db.session.connection(), scopes)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or self.cookie_name not in environ.get("HTTP_COOKIE", ""):
            return self.wsgi_app(environ, start_response)
        key = self.key(environ)
        kept = self.store.get(key, time.monotonic())
        if kept is not None:
            if self.counters(kept.scopes) == kept.counters:
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
        self.store.put(key, Kept(answered["status"], list(answered["headers"]), content, mark[0], mark[1],
                                 time.monotonic() + self.seconds))
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
