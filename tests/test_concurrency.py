"""Two people at once, on PostgreSQL, each thread on its own connection and committing for real (in a database of
its own): the farmer's side and the processor's side answering two offers for one harvest, two managers settling
the same contract, two approvers of the same payout batch. Afterwards no harvest or order is over-allocated,
nothing is posted twice and the ledger check passes."""
import os
import threading
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from config import TestConfig
from marketplace import create_app
from marketplace.domain.errors import DomainError
from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Cooperative, FarmerProfile, Harvest, MatchRun, Membership, PayoutBatch, PayoutItem,
    Processor, Product, Proposal, SettlementLine, SettlementRun, Township, User,
)
from marketplace.services import ledger, payouts
from marketplace.services import deliveries as weighing
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.proposals import decide
from marketplace.services.settlement import Scope, post_settlement
from tests.conftest import ensure_postgres_database, reset_postgres_schema

PASSWORD = "correct-horse-9"
URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"), reason="two connections at once need PostgreSQL")


@pytest.fixture(scope="module")
def pg_app():
    url = str(sa.engine.make_url(URL).set(database=sa.engine.make_url(URL).database + "_concurrency")
              .render_as_string(hide_password=False))
    ensure_postgres_database(url)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config())
    reset_postgres_schema(app)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def at_once(app, *acts) -> list:
    """Run each act in its own thread and app context, all released together; each commits or rolls back.
    Returns what each returned, or the DomainError code it raised."""
    barrier, results = threading.Barrier(len(acts)), [None] * len(acts)

    def run(n, act):
        with app.app_context():
            barrier.wait()
            try:
                results[n] = act()
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                results[n] = err.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, act)) for n, act in enumerate(acts)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def people(tag: str) -> dict:
    """A co-op with two managers and a member, two processors, each buyer with an open order of 1,000 kg."""
    town = db.session.scalar(sa.select(Township))
    seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
    quick = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    coop = Cooperative(name=f"并发合作社{tag}", county_id=town.county_id, registration_no=f"CC-{tag}")
    first = User(role="coop_manager", status="active", name="甲", email=f"first-{tag}@example.com", locale="zh_Hans",
                 password_hash=quick, cooperative=coop)
    second = User(role="coop_manager", status="active", name="乙", email=f"second-{tag}@example.com",
                  locale="zh_Hans", password_hash=quick, cooperative=coop)
    farmer = User(role="farmer", status="active", name="农户", phone=f"+86139910{zlib.crc32(tag.encode()) % 10**5:05d}",
                  locale="zh_Hans", password_hash=quick)
    db.session.add_all([coop, first, second, farmer, FarmerProfile(
        user=farmer, county_id=town.county_id, township_id=town.id, village="村", farm_area_mu=Decimal("10"))])
    db.session.flush()
    db.session.add(Membership(cooperative_id=coop.id, farmer_id=farmer.id, joined_on=date(2024, 3, 1), capital_fen=0))
    start = date.today() - timedelta(days=5)
    harvest = Harvest(farmer_id=farmer.id, product_id=seed.id, area_mu=Decimal("10"), expected_kg=1_000,
                      grade_id=seed.grades[0].id, harvest_start=start, harvest_end=start + timedelta(days=20),
                      county_id=town.county_id, township_id=town.id, village="村", status="open",
                      created_by_id=farmer.id)
    db.session.add(harvest)
    buyers, orders = [], []
    for n in range(2):
        stem = f"91654002MA7{n}{zlib.crc32(tag.encode()) % 10**5:05d}"
        proc = Processor(company_name=f"并发企业{tag}{n}", uscc=stem + uscc_check_char(stem), county_id=town.county_id,
                         contact_name="联系人")
        buyer = User(role="processor", status="active", name=f"采购{n}", email=f"buyer{n}-{tag}@example.com",
                     locale="zh_Hans", password_hash=quick, processor=proc)
        db.session.add_all([proc, buyer])
        db.session.flush()
        order = ContractOrder(processor_id=proc.id, product_id=seed.id, kg_wanted=1_000,
                              min_grade_id=seed.grades[-1].id, delivery_start=start,
                              delivery_end=start + timedelta(days=40), collection_county_id=town.county_id,
                              collection_point="点", collection_lat=town.lat, collection_lon=town.lon,
                              term_type="fixed", terms={"prices": {"1": 650, "2": 600}}, status="open",
                              created_by_id=buyer.id)
        db.session.add(order)
        buyers.append(buyer)
        orders.append(order)
    run = MatchRun(product_id=seed.id, season=start.year, status="done", started_by_id=buyers[0].id,
                   deadline=date.today() + timedelta(days=7))
    db.session.add(run)
    db.session.flush()
    proposals = [Proposal(run_id=run.id, harvest_id=harvest.id, order_id=o.id, kg=1_000, price_fen_per_kg=650,
                          distance_km=5, transport_fen_per_kg=0, deadline=run.deadline) for o in orders]
    db.session.add_all(proposals)
    db.session.commit()
    return {"farmer": farmer.id, "first": first.id, "second": second.id, "buyers": [b.id for b in buyers],
            "proposals": [p.id for p in proposals], "harvest": harvest.id, "grade": seed.grades[0].id}


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_two_offers_for_one_harvest_agreed_at_once_contract_it_once(pg_app):
    with pg_app.app_context():
        ids = people("AGREE")
    today = date.today()
    # The farmer accepts both offers (the harvest covers only one); both buyers accept theirs at the same moment.
    for pid in ids["proposals"]:
        at_once(pg_app, lambda pid=pid: decide(user(ids["farmer"]), pid, True, today).id)
    outcomes = at_once(pg_app, *[lambda b=b, p=p: decide(user(b), p, True, today).status
                                 for b, p in zip(ids["buyers"], ids["proposals"])])
    assert sorted(outcomes) == ["accepted", "over_allocated"]
    with pg_app.app_context():
        contracted = db.session.scalar(sa.select(sa.func.sum(Contract.kg)).where(
            Contract.harvest_id == ids["harvest"]))
        assert contracted == 1_000  # never more than the harvest
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id)).where(
            Proposal.harvest_id == ids["harvest"], Proposal.status == "accepted")) == 1
    # The same answer twice at once is applied once.
    with pg_app.app_context():
        ids2 = people("TWICE")
    twice = at_once(pg_app, *[lambda: decide(user(ids2["farmer"]), ids2["proposals"][0], True, today).id] * 2)
    assert sorted(map(str, twice)) == sorted([str(ids2["proposals"][0]), "proposal_already_answered"])


def settled_ready(tag: str) -> dict:
    """Agreed, signed by both, and 500 kg weighed: ready to settle."""
    ids = people(tag)
    today = date.today()
    decide(user(ids["farmer"]), ids["proposals"][0], True, today)
    decide(user(ids["buyers"][0]), ids["proposals"][0], True, today)
    contract = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == ids["proposals"][0]))
    for who in (ids["farmer"], ids["buyers"][0]):
        sign_contract(user(who), contract.id, SigningInput(PASSWORD, True, "10.0.0.9", "t"))
    weighing.record_delivery(user(ids["first"]), contract.id, weighing.DeliveryInput(
        502_000, 2_000, 800, 300, ids["grade"], "质检员", today, confirm_warning=True), today)
    db.session.commit()
    return {**ids, "proposal": contract.proposal_id}


def test_two_managers_settling_the_same_contract_at_once_settle_it_once(pg_app):
    with pg_app.app_context():
        ids = settled_ready("SETTLE")
    outcomes = at_once(pg_app, *[lambda m=m: getattr(post_settlement(user(m), Scope(proposal_id=ids["proposal"])),
                                                   "id", None) for m in (ids["first"], ids["second"])])
    assert len([o for o in outcomes if isinstance(o, int)]) == 1, outcomes
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id)).where(
            SettlementLine.proposal_id == ids["proposal"])) == 1
        assert db.session.scalar(sa.select(sa.func.count(SettlementRun.id)).where(
            SettlementRun.proposal_id == ids["proposal"])) == 1
        assert ledger.check_ledger().ok


def test_two_approvers_of_the_same_payout_batch_pay_it_once(pg_app):
    with pg_app.app_context():
        ids = settled_ready("PAYOUT")
        post_settlement(user(ids["first"]), Scope(proposal_id=ids["proposal"]))
        batch_id = payouts.prepare_batch(user(ids["first"])).id
        admin = User(role="admin", status="active", name="市场", email="admin-payout@example.com", locale="zh_Hans")
        db.session.add(admin)
        db.session.commit()
        admin_id = admin.id
    outcomes = at_once(pg_app, *[lambda a=a: payouts.approve_batch(user(a), batch_id).status
                                 for a in (ids["second"], admin_id)])
    assert sorted(outcomes) == ["approved", "payout_batch_not_open"]
    with pg_app.app_context():
        assert db.session.get(PayoutBatch, batch_id).status == "approved"
        items = db.session.scalars(sa.select(PayoutItem).where(PayoutItem.batch_id == batch_id)).all()
        assert items and all(i.status == "paid" for i in items)
        assert ledger.balance(ledger.AccountRef("farmer_payable", ids["farmer"])) == 0
        assert ledger.check_ledger().ok
