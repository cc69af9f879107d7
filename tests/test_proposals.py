"""Matching runs make proposals; each side answers; agreement never over-allocates a harvest or an order."""
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.extensions import db as _db
from marketplace.models import ActionRecord, Harvest, MatchRun, Notification, Proposal
from marketplace.services.matching_runs import start_run
from marketplace.services.proposals import decide

TODAY = date.today()


@pytest.fixture(autouse=True)
def ctx(app):
    """Service calls need an app context (the messenger, the translations).

    It must not pull in the rolled-back `db` session: the concurrency test needs real,
    separate connections.
    """
    with app.app_context():
        yield


def test_a_run_makes_proposals_and_notifies_in_each_language(db, market, messenger, products):
    run = start_run(market["manager"], products["seed"].id, market["h1"].harvest_start.year, TODAY)
    db.session.commit()
    assert run.matched_kg == 4000 and run.status == "done"
    proposals = db.session.scalars(sa.select(Proposal).where(Proposal.run_id == run.id)).all()
    assert sum(p.kg for p in proposals) == 4000
    assert {p.harvest_id for p in proposals} == {market["h1"].id, market["h2"].id}
    # The farmer with a phone is told in Uyghur; the phoneless member's co-op manager instead of the member.
    to_farmer = [m for m in messenger if m.to == market["farmer"].phone]
    assert to_farmer and any("\u0600" <= c <= "\u06ff" for c in to_farmer[0].body)
    notices = db.session.scalars(sa.select(Notification.user_id)).all()
    assert market["manager"].id in notices and market["phoneless"].id not in notices
    # Volume already proposed is not offered again.
    again = start_run(market["admin"], products["seed"].id, market["h1"].harvest_start.year, TODAY)
    assert again.matched_kg == 0


def test_farmers_and_processors_may_not_start_runs(db, market, products):
    for who in ("farmer", "buyer"):
        with pytest.raises(DomainError):
            start_run(market[who], products["seed"].id, 2027, TODAY)


def test_both_sides_accept_and_statuses_follow(db, market, products):
    run = start_run(market["admin"], products["seed"].id, market["h1"].harvest_start.year, TODAY)
    p = db.session.scalar(sa.select(Proposal).where(Proposal.run_id == run.id, Proposal.harvest_id == market["h1"].id))
    decide(market["farmer"], p.id, True, TODAY)
    assert p.status == "pending"
    decide(market["buyer"], p.id, True, TODAY)
    assert p.status == "accepted"
    assert market["h1"].status in ("contracted", "partly_matched")
    with pytest.raises(DomainError) as err:
        decide(market["buyer"], p.id, True, TODAY)
    assert err.value.code == "proposal_closed"


def test_the_coop_answers_for_a_phoneless_member_on_record(db, market, products):
    run = start_run(market["admin"], products["seed"].id, market["h2"].harvest_start.year, TODAY)
    p = db.session.scalar(sa.select(Proposal).where(Proposal.run_id == run.id, Proposal.harvest_id == market["h2"].id))
    decide(market["manager"], p.id, False, TODAY)
    assert p.status == "declined"
    act = db.session.scalar(sa.select(ActionRecord).where(ActionRecord.action == "decline_proposal"))
    assert act.actor_id == market["manager"].id and act.on_behalf_of_id == market["phoneless"].id


def test_someone_elses_expired_or_answered_proposal_is_refused(db, market, products, create_farmer,
                                                                create_processor):
    run = start_run(market["admin"], products["seed"].id, market["h1"].harvest_start.year, TODAY)
    p = db.session.scalar(sa.select(Proposal).where(Proposal.run_id == run.id, Proposal.harvest_id == market["h1"].id))
    for stranger in (create_farmer(), create_processor()):
        with pytest.raises(DomainError) as err:
            decide(stranger, p.id, True, TODAY)
        assert err.value.code == "not_yours"
    decide(market["farmer"], p.id, True, TODAY)
    with pytest.raises(DomainError) as err:
        decide(market["farmer"], p.id, False, TODAY)
    assert err.value.code == "proposal_already_answered"
    with pytest.raises(DomainError) as err:
        decide(market["buyer"], p.id, True, p.deadline + timedelta(days=1))
    assert err.value.code == "proposal_expired"


def test_two_acceptances_at_once_never_over_allocate(app):
    """Two proposals of 700 kg each on a 1,000 kg harvest, both accepted at the same moment.

    On PostgreSQL the two acceptances run in two threads with their own connections; the row
    locks make one of them wait and then fail. On SQLite they run one after the other.
    """
    from marketplace.domain.identifiers import uscc_check_char
    from marketplace.models import ContractOrder, FarmerProfile, Processor, Product, Township, User
    from tests.conftest import TestScopedSession

    # Real, separate connections per thread: not the one rolled-back connection of the `db` fixture.
    assert not isinstance(_db.session, TestScopedSession)

    with app.app_context():
        concurrent = _db.engine.url.get_backend_name() == "postgresql"
        seed = _db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        town = _db.session.scalar(sa.select(Township))
        farmer = User(role="farmer", status="active", name="并发农户", phone="+8613991009999", locale="zh_Hans",
                      password_hash="x")
        _db.session.add(farmer)
        _db.session.add(FarmerProfile(user=farmer, county_id=town.county_id, township_id=town.id, village="村",
                                      farm_area_mu=10))
        buyers = []
        for n in range(2):
            stem = f"91654002MA7CC{n:04d}"
            proc = Processor(company_name=f"并发企业{n}", uscc=stem + uscc_check_char(stem), county_id=town.county_id,
                             contact_name="联系人")
            buyers.append(User(role="processor", status="active", name=f"采购{n}", email=f"cc{n}@example.com",
                               locale="zh_Hans", password_hash="x", processor=proc))
        _db.session.add_all(buyers)
        _db.session.flush()
        start = TODAY + timedelta(days=30)
        harvest = Harvest(farmer_id=farmer.id, product_id=seed.id, area_mu=10, expected_kg=1000,
                          grade_id=seed.grades[0].id, harvest_start=start, harvest_end=start + timedelta(days=10),
                          county_id=town.county_id, township_id=town.id, village="村", created_by_id=farmer.id)
        run = MatchRun(product_id=seed.id, season=start.year, started_by_id=farmer.id, deadline=start)
        _db.session.add_all([harvest, run])
        _db.session.flush()
        proposal_ids = []
        for buyer in buyers:
            order = ContractOrder(processor_id=buyer.processor_id, product_id=seed.id, kg_wanted=5000,
                                  min_grade_id=seed.grades[-1].id, delivery_start=start,
                                  delivery_end=start + timedelta(days=20), collection_county_id=town.county_id,
                                  collection_point="点", collection_lat=town.lat, collection_lon=town.lon,
                                  term_type="fixed", terms={"prices": {"1": 600, "2": 550}}, status="open",
                                  created_by_id=buyer.id)
            _db.session.add(order)
            _db.session.flush()
            p = Proposal(run_id=run.id, harvest_id=harvest.id, order_id=order.id, kg=700, price_fen_per_kg=600,
                         distance_km=1, transport_fen_per_kg=0, deadline=start, farmer_decision="accepted")
            _db.session.add(p)
            _db.session.flush()
            proposal_ids.append((buyer.id, p.id))
        _db.session.commit()
        ids = {"harvest": harvest.id, "farmer": farmer.id, "run": run.id, "buyers": [b.id for b in buyers]}

    outcomes, barrier = [], threading.Barrier(2)

    def accept(buyer_id, proposal_id):
        with app.app_context():
            buyer = _db.session.get(User, buyer_id)
            if concurrent:
                barrier.wait()
            try:
                decide(buyer, proposal_id, True, TODAY)
                _db.session.commit()
                outcomes.append("accepted")
            except DomainError as err:
                _db.session.rollback()
                outcomes.append(err.code)

    try:
        if concurrent:
            threads = [threading.Thread(target=accept, args=pair) for pair in proposal_ids]
            [t.start() for t in threads]
            [t.join() for t in threads]
        else:
            for pair in proposal_ids:
                accept(*pair)
        assert sorted(outcomes) == ["accepted", "over_allocated"]
        with app.app_context():
            agreed = _db.session.scalar(sa.select(sa.func.sum(Proposal.kg)).where(
                Proposal.harvest_id == ids["harvest"], Proposal.status == "accepted"))
            assert agreed == 700
    finally:
        with app.app_context():
            from marketplace.models import Contract

            _db.session.execute(sa.delete(Notification))
            _db.session.execute(sa.delete(Contract).where(Contract.harvest_id == ids["harvest"]))
            _db.session.execute(sa.delete(Proposal).where(Proposal.run_id == ids["run"]))
            _db.session.execute(sa.delete(MatchRun).where(MatchRun.id == ids["run"]))
            _db.session.execute(sa.delete(Harvest).where(Harvest.id == ids["harvest"]))
            _db.session.execute(sa.delete(ContractOrder).where(ContractOrder.created_by_id.in_(ids["buyers"])))
            procs = _db.session.scalars(sa.select(User.processor_id).where(User.id.in_(ids["buyers"]))).all()
            _db.session.execute(sa.delete(User).where(User.id.in_(ids["buyers"])))
            _db.session.execute(sa.delete(Processor).where(Processor.id.in_(procs)))
            _db.session.execute(sa.delete(FarmerProfile).where(FarmerProfile.user_id == ids["farmer"]))
            _db.session.execute(sa.delete(User).where(User.id == ids["farmer"]))
            _db.session.commit()


def test_expired_proposals_return_their_volume_to_the_next_run(db, market, products):
    season = market["h1"].harvest_start.year
    run = start_run(market["admin"], products["seed"].id, season, TODAY)
    later = run.deadline + timedelta(days=1)
    again = start_run(market["admin"], products["seed"].id, season, later)
    assert again.matched_kg == run.matched_kg
    assert {p.status for p in db.session.scalars(sa.select(Proposal).where(Proposal.run_id == run.id))} == {"expired"}


def test_agreement_creates_a_contract_draft_with_frozen_terms(db, market, products):
    from marketplace.domain.contracts import fingerprint
    from marketplace.models import Contract

    run = start_run(market["admin"], products["seed"].id, market["h1"].harvest_start.year, TODAY)
    p = db.session.scalar(sa.select(Proposal).where(Proposal.run_id == run.id, Proposal.harvest_id == market["h1"].id))
    decide(market["farmer"], p.id, True, TODAY)
    assert db.session.scalar(sa.select(sa.func.count(Contract.id)).where(Contract.proposal_id == p.id)) == 0
    decide(market["buyer"], p.id, True, TODAY)
    contract = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == p.id))
    assert contract.status == "draft" and contract.kg == p.kg and contract.farmer_id == market["farmer"].id
    assert contract.fingerprint == fingerprint(contract.terms)
    before = contract.fingerprint
    market["order"].terms = {**market["order"].terms, "prices": {"1": 1, "2": 1}}
    db.session.flush()
    db.session.refresh(contract)
    assert contract.fingerprint == before and contract.terms["price_terms"]["prices"] != {"1": 1, "2": 1}
