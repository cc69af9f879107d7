"""Advances and settlement: worked examples through the ledger; a dispute blocks; a re-run posts nothing new."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.models import Grade, Invoice, JournalEntry, SettlementLine
from marketplace.services import deliveries as weighing
from marketplace.services import ledger
from marketplace.services.contracts import sign_contract
from marketplace.services.settlement import (
    Scope, outstanding_advances, plan, post_settlement, record_advance,
)
from tests.conftest import signing


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield


def weigh(ctx, kg, rank=1, **over):
    data = {"gross_grams": kg * 1000 + 10_000, "tare_grams": 10_000, "moisture_bp": 800, "impurity_bp": 300,
            "grade_id": ctx["grades"][rank].id, "graded_by": "质检员", "delivered_on": ctx["day"]}
    data.update(over)
    return weighing.record_delivery(ctx["manager"], ctx["contract"].id, weighing.DeliveryInput(**data), ctx["day"])


def test_fixed_price_worked_example_with_an_advance(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    assert c.terms["price_terms"]["prices"]["1"] == 650
    record_advance(m, c.id, "seed", 30_000, in_force["day"] - timedelta(days=90), in_force["day"])
    weigh(in_force, 300)
    preview = plan(m, Scope(proposal_id=c.proposal_id))
    (line,) = preview.lines
    p = line.payout
    # 300 kg × 6.50 = 1,950.00; fee 2 % = 39.00; levy 1 % = 19.50; advance 300.00 recovered; net 1,591.50
    assert (p.gross_fen, p.coop_fee_fen, p.risk_levy_fen, p.advances_recovered_fen, p.net_fen) == (
        195_000, 3_900, 1_950, 30_000, 159_150)
    assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id))) == 0  # a preview writes nothing
    run = post_settlement(m, Scope(proposal_id=c.proposal_id))
    assert len(run.lines) == 1
    assert ledger.balance(AccountRef("farmer_payable", c.farmer_id)) == 159_150
    assert ledger.balance(AccountRef("processor_payable", c.processor_id)) == 195_000 - 30_000
    assert outstanding_advances(c.proposal_id) == 0
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.run_id == run.id))
    assert invoice.amount_fen == 165_000 and invoice.status == "open"
    assert ledger.check_ledger().ok


def test_a_rerun_posts_nothing_new(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    assert post_settlement(m, Scope(proposal_id=c.proposal_id)) is not None
    entries = db.session.scalar(sa.select(sa.func.count(JournalEntry.id)))
    assert post_settlement(m, Scope(proposal_id=c.proposal_id)) is None
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == entries
    weigh(in_force, 50)  # a later delivery is settled on its own
    run = post_settlement(m, Scope(start=in_force["day"], end=in_force["day"]))
    assert len(run.lines) == 1 and run.lines[0].gross_fen == 50 * 650


def test_an_advance_larger_than_a_delivery_is_carried_over(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    record_advance(m, c.id, "fertiliser", 100_000, in_force["day"], in_force["day"])
    weigh(in_force, 100)  # gross 650.00, fee 13.00, levy 6.50: 630.50 can be recovered
    run = post_settlement(m, Scope(proposal_id=c.proposal_id))
    assert run.lines[0].advances_recovered_fen == 63_050 and run.lines[0].net_fen == 0
    assert outstanding_advances(c.proposal_id) == 100_000 - 63_050


def test_an_undecided_dispute_blocks_settlement(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    d = weigh(in_force, 100)
    weighing.dispute_delivery(in_force["farmer"], d.id, "秤不准")
    with pytest.raises(DomainError) as err:
        plan(m, Scope(proposal_id=c.proposal_id))
    assert err.value.code == "settlement_dispute_open"
    weighing.reject_dispute(m, d.id, "复检无误")
    assert len(plan(m, Scope(proposal_id=c.proposal_id)).lines) == 1


def test_rejected_lots_settle_nothing_and_strangers_cannot_settle(db, in_force, create_coop):
    c = in_force["contract"]
    weigh(in_force, 100, moisture_bp=2000)
    assert plan(in_force["manager"], Scope(proposal_id=c.proposal_id)).lines == []
    with pytest.raises(DomainError) as err:
        plan(create_coop(), Scope(proposal_id=c.proposal_id))
    assert err.value.code == "not_yours"
    with pytest.raises(DomainError) as err:
        plan(in_force["farmer"], Scope(proposal_id=c.proposal_id))
    assert err.value.code == "not_yours"


@pytest.mark.parametrize("kind, amount, code", [
    ("seed", 0, "advance_out_of_range"), ("seed", -5, "advance_out_of_range"),
    ("tractor", 100, "advance_kind_unknown"), ("cash", 10 ** 12, "advance_out_of_range"),
])
def test_bad_advances_are_refused(db, in_force, kind, amount, code):
    with pytest.raises(DomainError) as err:
        record_advance(in_force["manager"], in_force["contract"].id, kind, amount, in_force["day"], in_force["day"])
    assert err.value.code == code
    assert outstanding_advances(in_force["contract"].proposal_id) == 0


def test_an_advance_is_recorded_once_per_key(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    first = record_advance(m, c.id, "cash", 5_000, in_force["day"], in_force["day"], key="form-abc")
    again = record_advance(m, c.id, "cash", 5_000, in_force["day"], in_force["day"], key="form-abc")
    assert first.id == again.id and outstanding_advances(c.proposal_id) == 5_000


def test_bank_transfers_pay_an_invoice_once_and_never_above_it(db, in_force, create_processor):
    from marketplace.services.payments import invoice_for, record_bank_transfer

    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    run = post_settlement(m, Scope(proposal_id=c.proposal_id))
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.run_id == run.id))
    assert invoice.amount_fen == 65_000
    day = in_force["day"]
    for amount, ref, code in ((65_001, "B1", "payment_above_open"), (100, " ", "payment_reference_required"),
                              (0, "B1", "price_out_of_range")):
        with pytest.raises(DomainError) as err:
            record_bank_transfer(m, invoice.id, amount, ref, day, day)
        assert err.value.code == code
    first = record_bank_transfer(m, invoice.id, 40_000, "ICBC 2027-0001", day, day)
    assert record_bank_transfer(m, invoice.id, 40_000, "ICBC  2027-0001", day, day).id == first.id  # replay
    with pytest.raises(DomainError) as err:
        record_bank_transfer(m, invoice.id, 25_000, "ICBC 2027-0001", day, day)
    assert err.value.code == "payment_reference_used"
    record_bank_transfer(m, invoice.id, 25_000, "ICBC 2027-0002", day, day)
    assert invoice.status == "paid" and invoice.paid_fen == 65_000
    assert ledger.balance(AccountRef("processor_payable", c.processor_id)) == 0
    assert ledger.balance(AccountRef("bank_clearing", m.cooperative_id)) == 65_000
    with pytest.raises(DomainError) as err:
        record_bank_transfer(m, invoice.id, 1, "late", day, day)
    assert err.value.code == "invoice_paid"
    assert invoice_for(create_processor(), invoice.id) is None
    assert ledger.check_ledger().ok


def test_a_rebate_is_shared_by_settled_kg_exact_to_the_fen(db, app, create_farmer, create_coop, add_member,
                                                          create_processor, create_harvest, create_order,
                                                          create_admin, products):
    """Three farmers of one co-op deliver 100, 200 and 300 kg under rebate terms; a pool of 1,000.00 yuan."""
    from datetime import date

    from marketplace.models import Contract, Proposal, RebateShare
    from marketplace.services.matching_runs import start_run
    from marketplace.services.proposals import decide
    from marketplace.services.rebates import declare_rebate

    manager, buyer = create_coop(), create_processor()
    farmers = [create_farmer() for _ in range(3)]
    for f in farmers:
        add_member(manager, f)
        create_harvest(f, kg=1000)
    create_order(buyer, kg=3000, term_type="rebate", share_bp=3000)
    run = start_run(create_admin(), products["seed"].id, date.today().year + (1 if date.today().month > 10 else 0),
                    date.today())
    proposals = db.session.scalars(sa.select(Proposal).where(Proposal.run_id == run.id)).all()
    assert len(proposals) == 3
    season = None
    for p, kg in zip(sorted(proposals, key=lambda p: p.harvest.farmer_id), (100, 200, 300)):
        farmer = p.harvest.farmer
        decide(farmer, p.id, True, date.today())
        decide(buyer, p.id, True, date.today())
        c = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == p.id))
        sign_contract(farmer, c.id, signing())
        sign_contract(buyer, c.id, signing())
        start, _ = weighing.window_of(c)
        season = start.year
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == c.order.product_id, Grade.rank == 1))
        weighing.record_delivery(manager, c.id, weighing.DeliveryInput(kg * 1000 + 1000, 1000, 800, 300, grade.id,
                                                                       "质检员", start), start)
    post_settlement(manager, Scope())
    with pytest.raises(DomainError) as err:
        declare_rebate(buyer, season, 0)
    assert err.value.code == "rebate_pool_out_of_range"
    with pytest.raises(DomainError) as err:
        declare_rebate(buyer, season - 1, 100_000)
    assert err.value.code == "rebate_no_deliveries"
    rebate = declare_rebate(buyer, season, 100_000)
    shares = sorted(s.share_fen for s in db.session.scalars(sa.select(RebateShare)))
    assert shares == [16_667, 33_333, 50_000] and sum(shares) == 100_000  # 1/6, 2/6, 3/6 by largest remainder
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.rebate_id == rebate.id))
    assert invoice.amount_fen == 100_000 and invoice.cooperative_id == manager.cooperative_id
    with pytest.raises(DomainError) as err:
        declare_rebate(buyer, season, 100_000)
    assert err.value.code == "rebate_already_declared"
    assert ledger.check_ledger().ok


def second_manager(db, manager):
    from werkzeug.security import generate_password_hash

    from marketplace.models import User

    other = User(role="coop_manager", status="active", name="副主任", email=f"second-{manager.id}@example.com",
                 password_hash=generate_password_hash("x" * 12, method="pbkdf2:sha256:1000"), locale="zh_Hans",
                 cooperative_id=manager.cooperative_id)
    db.session.add(other)
    db.session.flush()
    return other


def test_payouts_need_four_eyes_and_pay_what_is_owed_once(db, in_force):
    from marketplace.models import Membership
    from marketplace.services import payouts

    c, m = in_force["contract"], in_force["manager"]
    with pytest.raises(DomainError) as err:
        payouts.prepare_batch(m)
    assert err.value.code == "payout_nothing_owed"
    weigh(in_force, 100)
    post_settlement(m, Scope(proposal_id=c.proposal_id))
    owed = ledger.balance(AccountRef("farmer_payable", c.farmer_id))
    membership = db.session.scalar(sa.select(Membership).where(Membership.farmer_id == c.farmer_id))
    membership.payout_account = "6222 0212 3456 7890"
    batch = payouts.prepare_batch(m)
    (item,) = batch.items
    assert (item.amount_fen, item.method, item.status) == (owed, "bank", "pending")
    assert ledger.balance(AccountRef("farmer_payable", c.farmer_id)) == owed  # nothing moves before approval
    with pytest.raises(DomainError) as err:
        payouts.prepare_batch(m)
    assert err.value.code == "payout_batch_open"
    with pytest.raises(DomainError) as err:
        payouts.approve_batch(m, batch.id)
    assert err.value.code == "payout_own_batch"
    other = second_manager(db, m)
    payouts.approve_batch(other, batch.id)
    assert item.status == "paid" and ledger.balance(AccountRef("farmer_payable", c.farmer_id)) == 0
    with pytest.raises(DomainError) as err:
        payouts.approve_batch(other, batch.id)
    assert err.value.code == "payout_batch_not_open"
    assert payouts.reconcile() == 0 and ledger.check_ledger().ok


def test_a_crash_half_way_is_finished_by_the_reconciler_and_nothing_is_paid_twice(db, in_force):
    from marketplace.models import PayoutItem
    from marketplace.services import payouts

    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    post_settlement(m, Scope(proposal_id=c.proposal_id))
    batch = payouts.prepare_batch(m)
    # The approval was recorded, then the process died before the item was paid.
    batch.status, batch.approved_by_id = "approved", second_manager(db, m).id
    db.session.flush()
    assert payouts.reconcile() == 1
    assert payouts.reconcile() == 0
    item = db.session.scalar(sa.select(PayoutItem))
    assert item.status == "paid" and ledger.balance(AccountRef("farmer_payable", c.farmer_id)) == 0
    # Posting the same key again (a second reconciler racing the first) returns the same entry.
    again = ledger.post(item.idempotency_key, "payout",
                        [Leg(AccountRef("farmer_payable", c.farmer_id), item.amount_fen),
                         Leg(AccountRef("cash", m.cooperative_id), -item.amount_fen)], memo=item.reference)
    assert again.id == item.entry_id and ledger.check_ledger().ok


def test_a_payout_above_what_is_owed_is_refused_whole(db, in_force):
    from marketplace.models import PayoutItem
    from marketplace.services import payouts

    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    post_settlement(m, Scope(proposal_id=c.proposal_id))
    batch = payouts.prepare_batch(m)
    # Meanwhile the member was paid part of it some other way.
    ledger.post("manual", "payout", [Leg(AccountRef("farmer_payable", c.farmer_id), 100),
                                     Leg(AccountRef("cash", m.cooperative_id), -100)])
    with pytest.raises(DomainError) as err:
        payouts.approve_batch(second_manager(db, m), batch.id)
    assert err.value.code == "payout_above_owed"
    assert db.session.scalar(sa.select(PayoutItem.status)) == "pending"
