"""Payouts by Stripe Connect transfer, against a stand-in that keeps Stripe's rules (tests/stripe_connect.py):
a crash before the call or before the answer is recorded, Stripe's 500s and timeouts, a balance too low, a
reused key. After each, the ledger check passes, each transfer matches one entry, the reconciler leaves nothing
pending and nothing is paid twice."""
import pytest
import sqlalchemy as sa

from marketplace.domain.ledger import AccountRef
from marketplace.models import JournalEntry, Membership, PayoutItem
from marketplace.services import ledger, payouts, stripe_gateway
from marketplace.services.settlement import Scope, post_settlement
from tests.stripe_connect import FakeConnect
from tests.test_settlement import second_manager, weigh

ACCOUNT = "acct_1MemberSafflower"


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield


class Crash(BaseException):
    """The process dying at that point."""


@pytest.fixture
def stripe_connect(app, monkeypatch):
    fake = FakeConnect(balance_fen=10_000_000, accounts={ACCOUNT})
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_connect")
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")
    monkeypatch.setitem(app.extensions, "stripe_http_client", fake)
    with app.app_context():
        yield fake


@pytest.fixture
def approved(db, stripe_connect, in_force):
    """A settled delivery, the member with a connected account, a batch prepared and approved (committed)."""
    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    post_settlement(m, Scope(proposal_id=c.proposal_id))
    membership = db.session.scalar(sa.select(Membership).where(Membership.farmer_id == c.farmer_id))
    membership.stripe_account = ACCOUNT
    batch = payouts.prepare_batch(m)
    (item,) = batch.items
    assert (item.method, item.account) == ("stripe", ACCOUNT)
    payouts.approve_batch(second_manager(db, m), batch.id)
    db.session.commit()
    return {**in_force, "batch": batch, "item_id": item.id, "owed": item.amount_fen}


def item_of(db, ctx) -> PayoutItem:
    return db.session.get(PayoutItem, ctx["item_id"])


def assert_settled_once(db, ctx, fake):
    """Paid once, recorded once, the books whole, nothing pending."""
    item = item_of(db, ctx)
    assert item.status == "paid" and item.transfer_id in fake.transfers
    assert len(fake.transfers) == 1 and fake.paid_to(ACCOUNT) == ctx["owed"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == "stripe_transfer")) == 1
    assert ledger.balance(AccountRef("payouts_in_transit", ctx["manager"].cooperative_id)) == 0
    assert ledger.balance(AccountRef("farmer_payable", ctx["contract"].farmer_id)) == 0
    assert payouts.reconcile() == 0
    assert not db.session.scalar(sa.select(PayoutItem.id).where(PayoutItem.status == "pending"))
    report = ledger.check_ledger()
    assert report.ok, report.problems


def test_approval_moves_the_money_in_transit_and_the_transfer_settles_it(db, approved, stripe_connect):
    item = item_of(db, approved)
    assert item.status == "pending" and item.entry_id is not None
    cooperative = approved["manager"].cooperative_id
    assert ledger.balance(AccountRef("payouts_in_transit", cooperative)) == approved["owed"]
    assert ledger.balance(AccountRef("farmer_payable", approved["contract"].farmer_id)) == 0
    assert payouts.send_transfers(approved["batch"].id) == (1, 0)
    assert_settled_once(db, approved, stripe_connect)
    assert stripe_connect.requests == 1


def dies_once(monkeypatch, module, name: str) -> None:
    """The process dies the first time `module.name` is called; after a restart it works."""
    real = getattr(module, name)

    def dies(*args, **kwargs):
        monkeypatch.setattr(module, name, real)
        raise Crash()

    monkeypatch.setattr(module, name, dies)


def test_a_crash_between_committing_and_calling_stripe(db, approved, stripe_connect, monkeypatch):
    dies_once(monkeypatch, stripe_gateway, "send_transfer")
    with pytest.raises(Crash):
        payouts.send_transfers()
    db.session.rollback()
    assert stripe_connect.transfers == {} and item_of(db, approved).status == "pending"
    assert payouts.reconcile() == 1
    assert_settled_once(db, approved, stripe_connect)


def test_a_crash_between_calling_stripe_and_recording_the_answer(db, approved, stripe_connect, monkeypatch):
    dies_once(monkeypatch, payouts, "_record_transfer")
    with pytest.raises(Crash):
        payouts.send_transfers()
    db.session.rollback()
    assert len(stripe_connect.transfers) == 1 and item_of(db, approved).transfer_id is None
    assert payouts.reconcile() == 1  # the same key again: Stripe answers with the same transfer
    assert stripe_connect.requests == 2
    assert_settled_once(db, approved, stripe_connect)


def test_stripe_failing_with_500s_leaves_the_payout_pending_until_the_reconciler(db, approved, stripe_connect):
    stripe_connect.fail("500", "500", "500")  # the first try and stripe-python's two retries
    assert payouts.send_transfers() == (0, 1)
    item = item_of(db, approved)
    assert (item.status, item.last_error, item.attempt) == ("pending", "stripe_unavailable", 0)
    assert stripe_connect.transfers == {}
    assert payouts.reconcile() == 1
    assert_settled_once(db, approved, stripe_connect)


def test_a_500_stripe_keeps_for_the_key_is_not_retried_forever(db, approved, stripe_connect):
    stripe_connect.fail("500_kept")  # replayed for the key on every retry, as Stripe does
    assert payouts.send_transfers() == (0, 1)
    assert payouts.reconcile() == 1  # none in the group: a new key is safe
    assert item_of(db, approved).attempt == 1
    assert_settled_once(db, approved, stripe_connect)


def test_a_timeout_after_stripe_made_the_transfer_is_found_not_repeated(db, approved, stripe_connect):
    stripe_connect.fail("timeout_after", "timeout_before", "timeout_before")
    assert payouts.send_transfers() == (0, 1)
    assert len(stripe_connect.transfers) == 1  # made, but the answer was lost
    assert payouts.reconcile() == 1
    assert item_of(db, approved).attempt == 0
    assert_settled_once(db, approved, stripe_connect)


def test_a_single_timeout_is_retried_by_the_client_under_the_same_key(db, approved, stripe_connect):
    stripe_connect.fail("timeout_after")
    assert payouts.send_transfers() == (1, 0)
    assert stripe_connect.requests == 2
    assert_settled_once(db, approved, stripe_connect)


def test_a_transfer_above_the_stripe_balance_waits_and_goes_with_a_new_key(db, approved, stripe_connect):
    stripe_connect.balance_fen = approved["owed"] - 1
    assert payouts.send_transfers() == (0, 1)
    item = item_of(db, approved)
    assert (item.last_error, item.attempt) == ("balance_insufficient", 1)
    first_key = f"{item.idempotency_key}:try0"
    assert stripe_connect.kept[first_key][1][1] == 400  # Stripe keeps that answer for the first key
    stripe_connect.balance_fen = 10_000_000
    assert payouts.reconcile() == 1
    assert_settled_once(db, approved, stripe_connect)


def test_stripe_rules_on_keys_are_kept(db, stripe_connect):
    first = stripe_gateway.send_transfer(500, ACCOUNT, "k-1", "P1")
    assert stripe_gateway.send_transfer(500, ACCOUNT, "k-1", "P1") == first  # replayed
    with pytest.raises(stripe_gateway.TransferNotMade) as err:
        stripe_gateway.send_transfer(600, ACCOUNT, "k-1", "P1")
    assert (err.value.code, err.value.refused) == ("idempotency_error", False)
    with pytest.raises(stripe_gateway.TransferNotMade) as err:
        stripe_gateway.send_transfer(500, "acct_1Unknown", "k-2", "P2")
    assert (err.value.code, err.value.refused) == ("resource_missing", True)
    assert "k-2" not in stripe_connect.kept  # refused in validation: nothing kept
    assert len(stripe_connect.transfers) == 1 and stripe_gateway.find_transfer("P1") == first
    assert stripe_gateway.find_transfer("P2") is None


def test_transfers_wait_while_stripe_is_off(db, approved, stripe_connect, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    assert payouts.send_transfers() == (0, 1)
    assert stripe_connect.requests == 0
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_connect")
    assert payouts.reconcile() == 1
    assert_settled_once(db, approved, stripe_connect)


def test_the_ledger_check_finds_a_stripe_payout_without_its_transfer(db, approved, stripe_connect):
    item = item_of(db, approved)
    item.status = "paid"
    db.session.flush()
    report = ledger.check_ledger()
    assert any("without a recorded transfer" in p for p in report.problems)


def test_without_stripe_the_member_is_paid_by_bank(db, in_force):
    c, m = in_force["contract"], in_force["manager"]
    weigh(in_force, 100)
    post_settlement(m, Scope(proposal_id=c.proposal_id))
    membership = db.session.scalar(sa.select(Membership).where(Membership.farmer_id == c.farmer_id))
    membership.stripe_account, membership.payout_account = ACCOUNT, "6222021234567890"
    (item,) = payouts.prepare_batch(m).items
    assert (item.method, item.account) == ("bank", "6222021234567890")
