"""The ledger: balanced entries through one write path, idempotent by key, reversals, and the database check.

A hypothesis state machine posts, replays and reverses entries against a
reference model that applies each key once; after every step the cached
balances equal the model's and `check_ledger` finds nothing wrong.
"""
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import KINDS, AccountRef, Leg, digest, merged, natural
from marketplace.models import JournalEntry, Posting
from marketplace.services import ledger


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield


FARMER_1 = AccountRef("farmer_payable", 1)
FARMER_2 = AccountRef("farmer_payable", 2)
PROCESSOR = AccountRef("processor_payable", 1)
BANK = AccountRef("bank_clearing", 1)
FEE = AccountRef("coop_fee_income", 1)
ADVANCES = AccountRef("advances_receivable", 7)
STRIPE = AccountRef("stripe_clearing")
ACCOUNTS = (FARMER_1, FARMER_2, PROCESSOR, BANK, FEE, ADVANCES, STRIPE)


def settle(gross=10_000, fee=200, key="settle-1"):
    return ledger.post(key, "settlement", [Leg(PROCESSOR, gross), Leg(FARMER_1, -(gross - fee)), Leg(FEE, -fee)])


def test_a_balanced_entry_moves_balances_on_their_normal_side(db):
    entry = settle()
    assert len(entry.postings) == 3
    assert ledger.balance(PROCESSOR) == 10_000 and ledger.balance(FARMER_1) == 9_800 and ledger.balance(FEE) == 200
    assert ledger.check_ledger().ok


def test_a_replay_returns_the_same_entry_and_a_reused_key_is_an_error(db):
    first = settle()
    assert settle().id == first.id
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == 1
    with pytest.raises(DomainError) as err:
        settle(gross=10_001)
    assert err.value.code == "ledger_key_reused"
    assert ledger.balance(FARMER_1) == 9_800


@pytest.mark.parametrize("legs, code", [
    ([Leg(BANK, 100)], "ledger_unbalanced"),
    ([Leg(BANK, 100), Leg(FEE, -99)], "ledger_unbalanced"),
    ([Leg(BANK, 0), Leg(FEE, 0)], "ledger_bad_amount"),
    ([Leg(BANK, 1.5), Leg(FEE, -1.5)], "ledger_bad_amount"),
    ([Leg(BANK, 100), Leg(BANK, -100)], "ledger_unbalanced"),  # cancels out to nothing
])
def test_unbalanced_or_odd_entries_are_refused(db, legs, code):
    with pytest.raises(DomainError) as err:
        ledger.post("bad", "test", legs)
    assert err.value.code == code
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 0


def test_unknown_accounts_and_missing_owners_are_refused():
    with pytest.raises(DomainError):
        AccountRef("petty_cash", 1)
    with pytest.raises(DomainError):
        AccountRef("farmer_payable")
    with pytest.raises(DomainError):
        AccountRef("stripe_clearing", 3)


def test_paying_a_farmer_more_than_is_owed_is_refused(db):
    settle()
    with pytest.raises(DomainError) as err:
        ledger.post("payout-1", "payout", [Leg(FARMER_1, 9_801), Leg(BANK, -9_801)])
    assert err.value.code == "ledger_would_go_negative"
    ledger.post("payout-1", "payout", [Leg(FARMER_1, 9_800), Leg(BANK, -9_800)])
    assert ledger.balance(FARMER_1) == 0 and ledger.check_ledger().ok


def test_entries_posted_together_are_all_or_nothing_and_checked_in_order(db):
    settle()  # farmer 1 is owed 9,800
    pay = lambda key, amount: ledger.Request(key, "payout", [Leg(FARMER_1, amount), Leg(BANK, -amount)])  # noqa: E731
    with pytest.raises(DomainError) as err:
        ledger.post_many([pay("p-1", 9_000), pay("p-2", 900)])  # 9,900 > 9,800: the second would overdraw
    assert err.value.code == "ledger_would_go_negative"
    assert ledger.balance(FARMER_1) == 9_800 and db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == 1
    first, second = ledger.post_many([pay("p-1", 9_000), pay("p-2", 800)])
    assert ledger.balance(FARMER_1) == 0 and first.key == "p-1" and second.key == "p-2"
    # Again, with one new key: the two replayed, the new one posted; keys twice in one call are refused.
    again = ledger.post_many([pay("p-2", 800), ledger.Request("fee-out", "x", [Leg(FEE, 100), Leg(BANK, -100)]),
                              pay("p-1", 9_000)])
    assert [e.id for e in again][::2] == [second.id, first.id]
    with pytest.raises(DomainError) as err:
        ledger.post_many([pay("p-3", 1), pay("p-3", 1)])
    assert err.value.code == "ledger_key_reused"
    assert ledger.check_ledger().ok


def test_a_reversal_undoes_an_entry_once(db):
    entry = settle()
    back = ledger.reverse(entry, "settle-1:reversal")
    assert back.reverses_id == entry.id and ledger.balance(FARMER_1) == 0 and ledger.balance(PROCESSOR) == 0
    assert ledger.reverse(entry, "settle-1:reversal").id == back.id  # a replay
    with pytest.raises(DomainError) as err:
        ledger.reverse(entry, "another-key")
    assert err.value.code == "ledger_already_reversed"
    assert ledger.check_ledger().ok


def test_the_check_finds_a_tampered_balance(db):
    settle()
    account = ledger.account_for(FARMER_1)
    account.balance_fen -= 1
    db.session.flush()
    report = ledger.check_ledger()
    assert not report.ok and any("caches" in p for p in report.problems)


@pytest.mark.postgres
def test_postgres_refuses_an_unbalanced_entry_and_any_edit(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL trigger")
    entry = settle()
    bank = ledger.account_for(BANK)
    with pytest.raises(sa.exc.DBAPIError, match="does not balance"):
        with db.session.begin_nested():
            db.session.execute(sa.text("SET CONSTRAINTS posting_balances IMMEDIATE"))
            db.session.execute(sa.text("INSERT INTO posting (entry_id, account_id, amount_fen) VALUES (:e, :a, 5)"),
                               {"e": entry.id, "a": bank.id})
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE posting SET amount_fen = amount_fen + 1 WHERE entry_id = :e"),
                               {"e": entry.id})


amounts = st.integers(min_value=1, max_value=50_000)


class LedgerMachine(RuleBasedStateMachine):
    """Posts, replays and reversals against a reference model that applies each key once."""

    def __init__(self):
        super().__init__()
        self.savepoint = ledger.db.session.begin_nested()
        self.entries: dict[str, tuple[str, list[Leg]]] = {}  # key -> (digest, legs)
        self.balances = {ref: 0 for ref in ACCOUNTS}  # raw, debit positive
        self.posted: list[str] = []

    def _apply_model(self, key, kind, legs):
        legs = merged(legs)
        d = digest(kind, "", legs)
        if key in self.entries:
            return "replay" if self.entries[key][0] == d else "reused"
        after = dict(self.balances)
        for leg in legs:
            after[leg.account] += leg.amount_fen
        if any(KINDS[ref.kind].floored and natural(ref.kind, after[ref]) < 0 for ref in after):
            return "negative"
        self.balances = after
        self.entries[key] = (d, legs)
        return "posted"

    @rule(key=st.sampled_from([f"k{i}" for i in range(8)]), debit=st.sampled_from(ACCOUNTS),
          credits=st.lists(st.tuples(st.sampled_from(ACCOUNTS), amounts), min_size=1, max_size=3))
    def post(self, key, debit, credits):
        legs = [Leg(debit, sum(a for _, a in credits))] + [Leg(ref, -a) for ref, a in credits]
        if not merged(legs) or len(merged(legs)) < 2:
            return
        expected = self._apply_model(key, "test", legs)
        try:
            entry = ledger.post(key, "test", legs)
        except DomainError as err:
            assert (expected, err.code) in (("reused", "ledger_key_reused"), ("negative", "ledger_would_go_negative"))
        else:
            assert expected in ("posted", "replay")
            assert entry.key == key
            if expected == "posted":
                self.posted.append(key)

    @rule(data=st.data())
    def reverse(self, data):
        if not self.posted:
            return
        key = data.draw(st.sampled_from(self.posted))
        entry = ledger.db.session.scalar(sa.select(JournalEntry).where(JournalEntry.key == key))
        back = [Leg(leg.account, -leg.amount_fen) for leg in self.entries[key][1]]
        expected = "replay" if f"{key}:rev" in self.entries else self._apply_model(f"{key}:rev", "reversal", back)
        try:
            ledger.reverse(entry, f"{key}:rev", memo="")
        except DomainError as err:
            assert (expected, err.code) == ("negative", "ledger_would_go_negative")
        else:
            assert expected in ("posted", "replay")

    @invariant()
    def balances_match_the_model(self):
        for ref in ACCOUNTS:
            assert ledger.balance(ref) == natural(ref.kind, self.balances[ref]), ref
        assert ledger.check_ledger().ok

    def teardown(self):
        self.savepoint.rollback()


def test_ledger_state_machine(db):
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=40, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))


def test_the_ledger_check_command(app, db):
    settle()
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 0 and "ledger ok" in result.output and "entries: 1" in result.output
    ledger.account_for(FEE).balance_fen += 7
    db.session.commit()
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 1 and "caches" in result.output
