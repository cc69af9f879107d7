"""Fixtures: one app and one migrated schema per session, a rolled-back transaction per test.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL names
another, e.g. PostgreSQL; a PostgreSQL test database is created when missing.
"""
import os
import re
import tempfile
from decimal import Decimal
from itertools import count

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.security import generate_password_hash

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db as _db
from marketplace.models import Cooperative, County, FarmerProfile, Membership, Processor, Township, User

PASSWORD = "correct-horse-9"
_FAST_HASH = None


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    handle, path = tempfile.mkstemp(prefix="marketplace-test-", suffix=".sqlite")
    os.close(handle)
    return f"sqlite:///{path}"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL test database if it does not exist yet."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def reset_postgres_schema(app) -> None:
    with app.app_context():
        with _db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


class Config(TestConfig):
    pass


@pytest.fixture(scope="session")
def app():
    url = _database_url()
    Config.SQLALCHEMY_DATABASE_URI = url
    ensure_postgres_database(url)
    application = create_app(Config())
    if url.startswith("postgresql"):
        reset_postgres_schema(application)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()
    if url.startswith("sqlite:///"):
        os.unlink(url.removeprefix("sqlite:///"))


class TestScopedSession(scoped_session):
    """The test and its requests share one session; a request's end drops only its unsaved work."""

    def remove(self):
        if self.registry.has():
            self.registry().rollback()


@pytest.fixture
def db(app):
    """The session for one test, inside a transaction rolled back at the end."""
    # No app context stays pushed during the test: each request gets its own, as in production
    # (Flask-Babel and Flask-Login cache per-request state on `g`).
    with app.app_context():
        connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    _db.session = TestScopedSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield _db
    finally:
        _db.session.registry().close()
        _db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


def csrf_token(client, url="/account/login") -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, identifier, password=PASSWORD):
        token = csrf_token(self.client, "/account/login")
        return self.client.post("/account/login", data={"csrf_token": token, "identifier": identifier,
                                                        "password": password})

    def logout(self):
        token = csrf_token(self.client, "/dashboard")
        return self.client.post("/account/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return Auth(client)


def form_post(client, url, data, token_from=None):
    """POST a form the way a browser does: with the page's CSRF token."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def place(db):
    """A township in 察布查尔 and its county."""
    township = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
    return township.county, township


def _hash():
    global _FAST_HASH
    if _FAST_HASH is None:
        _FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return _FAST_HASH


_phones = count(1)


def next_phone() -> str:
    return f"+86139{next(_phones):08d}"


@pytest.fixture
def create_farmer(db, place):
    def make(name="阿依古丽", phone="auto", locale="ug", area="20.0", township=None, password=True):
        county, town = (township.county, township) if township else place
        user = User(role="farmer", status="active", name=name,
                    phone=next_phone() if phone == "auto" else phone,
                    password_hash=_hash() if password else None, locale=locale)
        db.session.add(user)
        db.session.add(FarmerProfile(user=user, county_id=county.id, township_id=town.id, village="海努克村",
                                     farm_area_mu=Decimal(area)))
        db.session.commit()  # releases the test's savepoint; the outer transaction still rolls back
        return user
    return make


@pytest.fixture
def create_coop(db, place):
    serial = count(1)

    def make(name="测试红花专业合作社", status="active"):
        county, _town = place
        n = next(serial)
        coop = Cooperative(name=f"{name}{n}", county_id=county.id, registration_no=f"TEST-COOP-{n:04d}-{id(db)}")
        manager = User(role="coop_manager", status=status, name=f"经理{n}", email=f"manager{n}-{id(db)}@example.com",
                       password_hash=_hash(), locale="zh_Hans", cooperative=coop)
        db.session.add_all([coop, manager])
        db.session.commit()  # releases the test's savepoint; the outer transaction still rolls back
        return manager
    return make


@pytest.fixture
def create_processor(db, place):
    serial = count(1)

    def make(status="active"):
        from marketplace.domain.identifiers import uscc_check_char

        county, _town = place
        n = next(serial)
        stem = f"91654002MA7{n:06d}"
        proc = Processor(company_name=f"测试加工企业{n}", uscc=stem + uscc_check_char(stem), county_id=county.id,
                         contact_name="联系人")
        user = User(role="processor", status=status, name=f"采购{n}", email=f"buyer{n}-{id(db)}@example.com",
                    password_hash=_hash(), locale="zh_Hans", processor=proc)
        db.session.add_all([proc, user])
        db.session.commit()  # releases the test's savepoint; the outer transaction still rolls back
        return user
    return make


@pytest.fixture
def create_admin(db):
    def make():
        user = User(role="admin", status="active", name="管理员", email=f"admin-{id(db)}@example.com",
                    password_hash=_hash(), locale="zh_Hans")
        db.session.add(user)
        db.session.commit()  # releases the test's savepoint; the outer transaction still rolls back
        return user
    return make


@pytest.fixture
def add_member(db):
    def make(manager, farmer):
        m = Membership(cooperative_id=manager.cooperative_id, farmer_id=farmer.id,
                       joined_on=__import__("datetime").date(2025, 3, 1), capital_fen=100_000)
        db.session.add(m)
        db.session.commit()  # releases the test's savepoint; the outer transaction still rolls back
        return m
    return make


@pytest.fixture
def messenger(app):
    outbox = app.extensions["messenger"].outbox
    outbox.clear()
    return outbox


@pytest.fixture
def county_named(db):
    def get(code):
        return db.session.scalar(sa.select(County).where(County.code == code))
    return get
