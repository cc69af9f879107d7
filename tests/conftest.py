"""Fixtures: one app and one migrated schema per session, a rolled-back transaction per test.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL names
another, e.g. PostgreSQL; a PostgreSQL test database is created when missing.
"""
import asyncio
import os
import re
import socket
import tempfile
import threading
import time
from datetime import date
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


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """Each test that uses the app starts with no login attempts counted against it."""
    if "app" in request.fixturenames:
        from marketplace.extensions import limiter

        with request.getfixturevalue("app").app_context():
            limiter.reset()
    yield


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


@pytest.fixture
def products(db):
    """The safflower products from the migrations: {"filament": Product, "seed": Product}."""
    from marketplace.models import Product

    rows = db.session.scalars(sa.select(Product)).all()
    return {p.code.removeprefix("safflower_"): p for p in rows}


@pytest.fixture
def create_harvest(db, products):
    from datetime import date, timedelta

    from marketplace.models import Harvest

    def make(farmer, product="seed", kg=2000, area="20.0", grade_rank=1, status="open", start=None, days=20,
             created_by=None):
        prod = products[product]
        grade = next(g for g in prod.grades if g.rank == grade_rank)
        start = start or date.today() + timedelta(days=60)
        profile = farmer.farmer
        harvest = Harvest(farmer_id=farmer.id, product_id=prod.id, variety="", area_mu=Decimal(area),
                          expected_kg=kg, grade_id=grade.id, harvest_start=start,
                          harvest_end=start + timedelta(days=days), county_id=profile.county_id,
                          township_id=profile.township_id, village=profile.village, status=status,
                          created_by_id=(created_by or farmer).id)
        db.session.add(harvest)
        db.session.commit()
        return harvest
    return make


@pytest.fixture
def create_order(db, products):
    from datetime import date, timedelta

    from marketplace.models import ContractOrder

    def make(processor_user, product="seed", kg=50_000, min_grade_rank=None, term_type="fixed", status="open",
             prices=None, margin_bp=0, share_bp=0, base_fen_per_mu=0, start=None, days=40, county=None,
             coop_fee_bp=200, risk_levy_bp=100):
        prod = products[product]
        min_grade = prod.grades[-1] if min_grade_rank is None else next(g for g in prod.grades if g.rank == min_grade_rank)
        default_prices = {str(g.rank): 700 - 50 * g.rank for g in prod.grades if g.rank <= min_grade.rank}
        if product == "filament":
            default_prices = {str(g.rank): 16_000 - 3_000 * g.rank for g in prod.grades if g.rank <= min_grade.rank}
        start = start or date.today() + timedelta(days=70)
        county = county or processor_user.processor.county
        order = ContractOrder(
            processor_id=processor_user.processor_id, product_id=prod.id, kg_wanted=kg, min_grade_id=min_grade.id,
            delivery_start=start, delivery_end=start + timedelta(days=days), collection_county_id=county.id,
            collection_point="收购点", collection_lat=county.lat, collection_lon=county.lon, max_suppliers=None,
            min_alloc_kg=0, term_type=term_type,
            terms={"prices": prices if prices is not None else (default_prices if term_type != "share_coop" else {}),
                   "caps": {}, "margin_bp": margin_bp, "share_bp": share_bp, "base_fen_per_mu": base_fen_per_mu},
            coop_fee_bp=coop_fee_bp, risk_levy_bp=risk_levy_bp, status=status, created_by_id=processor_user.id)
        db.session.add(order)
        db.session.commit()
        return order
    return make


@pytest.fixture
def create_price(db, products):
    from datetime import date

    from marketplace.models import PriceIndexEntry

    def make(recorder, product="seed", grade_rank=1, fen_per_kg=600, on_date=None, note="伊宁市场"):
        prod = products[product]
        grade = next(g for g in prod.grades if g.rank == grade_rank)
        entry = PriceIndexEntry(product_id=prod.id, grade_id=grade.id, on_date=on_date or date.today(),
                                fen_per_kg=fen_per_kg, source_note=note, recorded_by_id=recorder.id)
        db.session.add(entry)
        db.session.commit()
        return entry
    return make


@pytest.fixture
def market_locale():
    """The language of the market fixture's farmer (a module may override it)."""
    return "ug"


@pytest.fixture
def market(db, market_locale, create_farmer, create_coop, add_member, create_processor, create_harvest,
           create_order, create_admin):
    """A small season: a co-op with a farmer and a phoneless member, each with a seed harvest; one order."""
    manager = create_coop()
    farmer = create_farmer(phone="+8613991007001", locale=market_locale)
    phoneless = create_farmer(name="无手机社员", phone=None, password=False)
    add_member(manager, farmer), add_member(manager, phoneless)
    buyer = create_processor()
    h1 = create_harvest(farmer, kg=3000, grade_rank=1)
    h2 = create_harvest(phoneless, kg=2000, grade_rank=2)
    order = create_order(buyer, kg=4000)
    return {"manager": manager, "farmer": farmer, "phoneless": phoneless, "buyer": buyer, "h1": h1, "h2": h2,
            "order": order, "admin": create_admin()}


@pytest.fixture
def contract_of(app, db, create_farmer, create_coop, add_member, create_processor, create_harvest, create_order,
                create_admin, products):
    """A contract draft between a farmer (a member of a co-op) and a processor, through a real proposal."""
    from marketplace.models import Contract, Proposal
    from marketplace.services.matching_runs import start_run
    from marketplace.services.proposals import decide

    with app.app_context():  # not held during the test: each request pushes its own
        manager = create_coop()
        farmer = create_farmer(phone="+8613991008001")
        add_member(manager, farmer)
        buyer = create_processor()
        harvest = create_harvest(farmer, kg=1000)
        create_order(buyer, kg=1000)
        run = start_run(create_admin(), products["seed"].id, harvest.harvest_start.year, date.today())
        proposal = db.session.scalar(sa.select(Proposal.id).where(Proposal.run_id == run.id))
        decide(farmer, proposal, True, date.today())
        decide(buyer, proposal, True, date.today())
        contract = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == proposal))
        db.session.commit()
    yield {"contract": contract, "farmer": farmer, "buyer": buyer, "manager": manager}


def signing(**over):
    """What a party types and ticks to sign, with where from."""
    from marketplace.services.contracts import SigningInput

    data = {"password": PASSWORD, "consent": True, "ip_address": "10.1.2.3", "user_agent": "Test phone"}
    data.update(over)
    return SigningInput(**data)


@pytest.fixture
def in_force(db, contract_of):
    """The seed contract signed by both (fixed price: grade 1 at 6.50 yuan/kg, co-op fee 2 %, levy 1 %), with
    the first day of its delivery window and its product's grades. Service tests push an app context for it."""
    from datetime import timedelta

    from marketplace.models import Grade
    from marketplace.services.contracts import sign_contract
    from marketplace.services.deliveries import window_of

    c = contract_of["contract"]
    sign_contract(contract_of["farmer"], c.id, signing())
    sign_contract(contract_of["buyer"], c.id, signing())
    start, _end = window_of(c)
    grades = {g.rank: g for g in db.session.scalars(sa.select(Grade).where(Grade.product_id == c.order.product_id))}
    return {**contract_of, "day": start + timedelta(days=1), "grades": grades}


def nonce_of(html: str) -> str:
    """The one-time token of the form on a page."""
    return re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)


# --- Stripe, against localstripe served on loopback (one server for the whole run) -----------------------------

STRIPE_WEBHOOK_SECRET = "whsec_test_marketplace"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """localstripe served from a thread on loopback, with a clean store."""
    import warnings

    from aiohttp import web

    with warnings.catch_warnings():  # localstripe registers plain functions, which aiohttp deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        from localstripe.resources import store
        from localstripe.server import app as stripe_app

    store.clear()
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(stripe_app)

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture
def stripe_on(app, localstripe, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_12345")
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", localstripe)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET)
    with app.app_context():
        yield
