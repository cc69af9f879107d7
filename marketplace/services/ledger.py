"""The ledger's one write path: `post` (idempotent by key), `reverse`, and `check_ledger` over the database.

Every movement of money is one balanced entry posted here. Accounts are locked
in id order (FOR UPDATE on PostgreSQL) before their cached balances move, so
two entries on the same accounts never interleave; a second request with the
same key waits on the unique key and then returns the first entry.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import KINDS, AccountRef, Leg, check_legs, digest, merged, natural, reversed_legs
from marketplace.extensions import db
from marketplace.models import JournalEntry, LedgerAccount, Payment, PayoutItem, Posting, User
from marketplace.models.base import utcnow


def _owner(ref: AccountRef) -> int:
    return ref.owner_id or 0


def account_for(ref: AccountRef, lock: bool = False) -> LedgerAccount:
    """The account row, made on first use (a concurrent maker wins on the unique (kind, owner))."""
    query = sa.select(LedgerAccount).where(LedgerAccount.kind == ref.kind, LedgerAccount.owner_id == _owner(ref))
    account = db.session.scalar(query.with_for_update() if lock else query)
    if account is not None:
        return account
    try:
        with db.session.begin_nested():
            account = LedgerAccount(kind=ref.kind, owner_id=_owner(ref), balance_fen=0)
            db.session.add(account)
    except IntegrityError:
        account = db.session.scalar(query.with_for_update() if lock else query)
    return account


def balance(ref: AccountRef) -> int:
    """The account's natural balance (on its normal side), in fen; 0 for an account never used."""
    raw = db.session.scalar(sa.select(LedgerAccount.balance_fen).where(
        LedgerAccount.kind == ref.kind, LedgerAccount.owner_id == _owner(ref)))
    return natural(ref.kind, raw or 0)


def _existing(key: str, payload_digest: str) -> JournalEntry | None:
    entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.key == key))
    if entry is not None and entry.digest != payload_digest:
        raise DomainError("ledger_key_reused")
    return entry


def _insert(model):
    """An INSERT that can skip a conflicting row (PostgreSQL and SQLite both say ON CONFLICT DO NOTHING)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _lock_accounts(refs: list[AccountRef]) -> dict[AccountRef, list[int]]:
    """[id, raw balance] of each account, locked in id order in one statement; missing ones are made first."""
    wanted = sorted({(ref.kind, _owner(ref)) for ref in refs})
    query = (sa.select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.owner_id, LedgerAccount.balance_fen)
             .where(sa.tuple_(LedgerAccount.kind, LedgerAccount.owner_id).in_(wanted))
             .order_by(LedgerAccount.id).with_for_update())
    rows = db.session.execute(query).all()
    if len(rows) < len(wanted):
        # First use of an account: made here; one made meanwhile by another transaction wins quietly.
        db.session.execute(_insert(LedgerAccount).values(
            [{"kind": kind, "owner_id": owner, "balance_fen": 0} for kind, owner in wanted])
            .on_conflict_do_nothing(index_elements=["kind", "owner_id"]))
        rows = db.session.execute(query).all()
    found = {(kind, owner): [account_id, raw] for account_id, kind, owner, raw in rows}
    return {ref: found[(ref.kind, _owner(ref))] for ref in refs}


@dataclass(frozen=True)
class Request:
    """One entry to post: its idempotency key, kind, legs and memo."""

    key: str
    kind: str
    legs: list[Leg]
    memo: str = ""
    reverses: JournalEntry | None = None


def post(key: str, kind: str, legs: list[Leg], memo: str = "", actor: User | None = None,
         reverses: JournalEntry | None = None) -> JournalEntry:
    """Post one balanced entry under `key`; the same key and payload again returns the first entry."""
    return post_many([Request(key, kind, legs, memo, reverses)], actor=actor)[0]


def post_many(requests: list[Request], actor: User | None = None) -> list[JournalEntry]:
    """Post entries together, all or none, each idempotent by its key: the entries, in the order asked.

    A handful of statements whatever the number: the keys looked up, the accounts locked in id order (and
    read), the new entries inserted unless a key was posted meanwhile, their postings, and the balances moved.
    Floored accounts are checked entry by entry, in order.
    """
    prepared = []
    for r in requests:
        if not r.key or len(r.key) > 120:
            raise DomainError("ledger_bad_key")
        check_legs(r.legs)
        legs = merged(r.legs)
        check_legs(legs)
        prepared.append((r, legs, r.memo[:200], digest(r.kind, r.memo[:200], legs)))
    if len({r.key for r, *_ in prepared}) != len(prepared):
        raise DomainError("ledger_key_reused")
    found = {}
    keys = [r.key for r, *_ in prepared]
    for start in range(0, len(keys), 1000):
        found.update({e.key: e for e in db.session.scalars(
            sa.select(JournalEntry).where(JournalEntry.key.in_(keys[start:start + 1000])))})
    for r, _legs, _memo, payload_digest in prepared:
        if r.key in found and found[r.key].digest != payload_digest:
            raise DomainError("ledger_key_reused")
    new = [p for p in prepared if p[0].key not in found]
    if new:
        found.update(_insert_entries(new, actor))
    return [found[key] for key in keys]


def _insert_entries(new: list, actor: User | None) -> dict[str, JournalEntry]:
    accounts = _lock_accounts([leg.account for _r, legs, *_ in new for leg in legs])
    for _r, legs, *_ in new:  # refuse what would take a floored account below zero, in order
        for leg in legs:
            balance = accounts[leg.account]
            balance[1] += leg.amount_fen
            if KINDS[leg.account.kind].floored and natural(leg.account.kind, balance[1]) < 0:
                raise DomainError("ledger_would_go_negative", account=leg.account.kind)
    now = utcnow()
    inserted = {e.key: e for e in db.session.scalars(
        _insert(JournalEntry).on_conflict_do_nothing(index_elements=["key"]).returning(JournalEntry),
        [{"key": r.key, "kind": r.kind, "memo": memo, "digest": payload_digest,
          "reverses_id": r.reverses.id if r.reverses else None, "created_by_id": actor.id if actor else None,
          "created_at": now} for r, _legs, memo, payload_digest in new])}
    result = dict(inserted)
    postings, moves = [], {}
    for r, legs, _memo, payload_digest in new:
        if r.key not in inserted:
            # The same key was posted meanwhile (and committed): that entry, if it is the same payload.
            entry = _existing(r.key, payload_digest)
            if entry is None:
                raise DomainError("ledger_key_reused")
            result[r.key] = entry
            continue
        for leg in legs:
            account_id = accounts[leg.account][0]
            postings.append({"entry_id": inserted[r.key].id, "account_id": account_id, "amount_fen": leg.amount_fen})
            moves[account_id] = moves.get(account_id, 0) + leg.amount_fen
    if postings:
        db.session.execute(sa.insert(Posting), postings)
        db.session.execute(
            sa.update(LedgerAccount).where(LedgerAccount.id.in_(list(moves)))
            .values(balance_fen=LedgerAccount.balance_fen + sa.case(moves, value=LedgerAccount.id))
            .execution_options(synchronize_session=False))
    for account_id in moves:  # an account already loaded in the session is read afresh when next used
        loaded = db.session.identity_map.get(db.session.identity_key(LedgerAccount, account_id))
        if loaded is not None:
            db.session.expire(loaded, ["balance_fen"])
    return result


def legs_of(entry: JournalEntry) -> list[Leg]:
    return [Leg(AccountRef(p.account.kind, p.account.owner_id or None), p.amount_fen) for p in entry.postings]


def reverse(entry: JournalEntry, key: str, memo: str = "", actor: User | None = None) -> JournalEntry:
    """A correction: the same legs with the signs turned, pointing at the entry it reverses (once)."""
    already = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.reverses_id == entry.id))
    if already is not None and already.key != key:
        raise DomainError("ledger_already_reversed")
    return post(key, "reversal", reversed_legs(legs_of(entry)), memo or f"reverses {entry.key}"[:200],
                actor=actor, reverses=entry)


@dataclass(frozen=True)
class LedgerReport:
    entries: int
    postings: int
    accounts: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_ledger(limit: int = 50) -> LedgerReport:
    """Every entry balances; cached balances equal the postings; no floored account below zero."""
    problems = []
    unbalanced = db.session.execute(
        sa.select(Posting.entry_id, sa.func.sum(Posting.amount_fen)).group_by(Posting.entry_id)
        .having(sa.func.sum(Posting.amount_fen) != 0).limit(limit)).all()
    problems += [f"entry {entry_id} does not balance: {total} fen" for entry_id, total in unbalanced]
    lonely = db.session.scalars(
        sa.select(JournalEntry.id).outerjoin(Posting, Posting.entry_id == JournalEntry.id)
        .group_by(JournalEntry.id).having(sa.func.count(Posting.id) < 2).limit(limit)).all()
    problems += [f"entry {entry_id} has fewer than two postings" for entry_id in lonely]
    sums = (sa.select(Posting.account_id, sa.func.sum(Posting.amount_fen).label("total"))
            .group_by(Posting.account_id).subquery())
    drift = db.session.execute(
        sa.select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.balance_fen, sa.func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.account_id == LedgerAccount.id)
        .where(LedgerAccount.balance_fen != sa.func.coalesce(sums.c.total, 0)).limit(limit)).all()
    problems += [f"account {aid} ({kind}) caches {cached} fen but its postings sum to {total}"
                 for aid, kind, cached, total in drift]
    floored = [kind for kind, spec in KINDS.items() if spec.floored]
    for account_id, kind, raw in db.session.execute(
            sa.select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.balance_fen)
            .where(LedgerAccount.kind.in_(floored))):
        if natural(kind, raw) < 0:
            problems.append(f"account {account_id} ({kind}) is below zero: {natural(kind, raw)} fen")
    problems += _stripe_problems(limit)
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    return LedgerReport(count(JournalEntry), count(Posting), count(LedgerAccount), problems)


def _stripe_problems(limit: int) -> list[str]:
    """Each Stripe object is posted exactly once: a payment per PaymentIntent, one entry per transfer, and no
    transfer entry that no payout stands behind."""
    problems = [f"PaymentIntent {ref} is posted {n} times" for ref, n in db.session.execute(
        sa.select(Payment.reference, sa.func.count()).where(Payment.method == "stripe")
        .group_by(Payment.reference).having(sa.func.count() > 1).limit(limit))]
    problems += [f"payout {ref} is marked paid by Stripe without a recorded transfer" for (ref,) in db.session.execute(
        sa.select(PayoutItem.reference).where(PayoutItem.method == "stripe", PayoutItem.status == "paid", sa.or_(
            PayoutItem.transfer_id.is_(None), PayoutItem.sent_entry_id.is_(None))).limit(limit))]
    problems += [f"transfer entry {entry_id} ({memo}) does not match its payout" for entry_id, memo in db.session.execute(
        sa.select(JournalEntry.id, JournalEntry.memo)
        .outerjoin(PayoutItem, PayoutItem.sent_entry_id == JournalEntry.id)
        .where(JournalEntry.kind == "stripe_transfer", sa.or_(
            PayoutItem.id.is_(None), PayoutItem.transfer_id != JournalEntry.memo)).limit(limit))]
    return problems
