"""Payouts to members: a manager prepares a batch of what each member is owed; another manager of the co-op
(or an admin) approves it, and only then does money move — one ledger entry per item, under the item's
idempotency key written when the batch was prepared. A bank payment file and cash receipts follow.

Approving again, or after a crash half-way, posts each item at most once (the key), and `reconcile`
finishes anything left pending in an approved batch.
"""
import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.extensions import db
from marketplace.models import LedgerAccount, Membership, PayoutBatch, PayoutItem, User
from marketplace.models.base import utcnow
from marketplace.services import ledger
from marketplace.services.audit import record_action


def owed_members(cooperative_id: int) -> list[tuple[Membership, int]]:
    """Members the co-op owes money to (their farmer-payable balance), in one query."""
    rows = db.session.execute(
        sa.select(Membership, LedgerAccount.balance_fen)
        .join(LedgerAccount, sa.and_(LedgerAccount.kind == "farmer_payable",
                                     LedgerAccount.owner_id == Membership.farmer_id))
        .where(Membership.cooperative_id == cooperative_id, LedgerAccount.balance_fen < 0)
        .order_by(Membership.farmer_id)).all()
    return [(m, -raw) for m, raw in rows]


def batch_for(actor: User, batch_id: int) -> PayoutBatch | None:
    batch = db.session.get(PayoutBatch, batch_id)
    if batch is None:
        return None
    if actor.role == "admin" or (actor.role == "coop_manager" and actor.cooperative_id == batch.cooperative_id):
        return batch
    return None


def prepare_batch(manager: User) -> PayoutBatch:
    """Everything owed to each member, by bank where the member has an account, otherwise in cash."""
    if manager.role != "coop_manager" or manager.cooperative_id is None:
        raise DomainError("not_yours")
    open_batch = db.session.scalar(sa.select(PayoutBatch.id).where(
        PayoutBatch.cooperative_id == manager.cooperative_id, PayoutBatch.status == "prepared"))
    if open_batch:
        raise DomainError("payout_batch_open")
    owed = owed_members(manager.cooperative_id)
    if not owed:
        raise DomainError("payout_nothing_owed")
    batch = PayoutBatch(cooperative_id=manager.cooperative_id, prepared_by_id=manager.id, status="prepared",
                        total_fen=sum(amount for _, amount in owed))
    db.session.add(batch)
    db.session.flush()
    for n, (membership, amount) in enumerate(owed, start=1):
        account = (membership.payout_account or "").strip() or None
        db.session.add(PayoutItem(
            batch_id=batch.id, farmer_id=membership.farmer_id, amount_fen=amount,
            method="bank" if account else "cash", account=account, reference=f"P{batch.id:06d}-{n:04d}",
            idempotency_key=f"payout:{batch.id}:{membership.farmer_id}", status="pending"))
    db.session.flush()
    record_action(manager, "prepare_payouts", detail=f"payout_batch:{batch.id}")
    return batch


def _pay(item: PayoutItem, cooperative_id: int, actor: User) -> None:
    clearing = AccountRef("bank_clearing" if item.method == "bank" else "cash", cooperative_id)
    entry = ledger.post(item.idempotency_key, "payout",
                        [Leg(AccountRef("farmer_payable", item.farmer_id), item.amount_fen),
                         Leg(clearing, -item.amount_fen)], memo=item.reference, actor=actor)
    item.entry_id, item.status = entry.id, "paid"


def approve_batch(approver: User, batch_id: int) -> PayoutBatch:
    """Four eyes: not the manager who prepared it. Refused whole if any member is no longer owed that much."""
    batch = db.session.scalar(sa.select(PayoutBatch).where(PayoutBatch.id == batch_id).with_for_update())
    if batch is None or batch_for(approver, batch_id) is None:
        raise DomainError("not_yours")
    if batch.prepared_by_id == approver.id:
        raise DomainError("payout_own_batch")
    if batch.status != "prepared":
        raise DomainError("payout_batch_not_open")
    batch.status, batch.approved_by_id, batch.approved_at = "approved", approver.id, utcnow()
    db.session.flush()
    try:
        for item in batch.items:
            _pay(item, batch.cooperative_id, approver)
    except DomainError as err:
        if err.code == "ledger_would_go_negative":
            raise DomainError("payout_above_owed") from None
        raise
    db.session.flush()
    record_action(approver, "approve_payouts", detail=f"payout_batch:{batch.id}")
    return batch


def cancel_batch(manager: User, batch_id: int) -> PayoutBatch:
    batch = batch_for(manager, batch_id)
    if batch is None or manager.role != "coop_manager":
        raise DomainError("not_yours")
    if batch.status != "prepared":
        raise DomainError("payout_batch_not_open")
    batch.status = "cancelled"
    db.session.flush()
    return batch


def reconcile() -> int:
    """Finish items left pending in approved batches (after a crash half-way); returns how many were paid."""
    done = 0
    for item, batch in db.session.execute(
            sa.select(PayoutItem, PayoutBatch).join(PayoutBatch, PayoutBatch.id == PayoutItem.batch_id)
            .where(PayoutBatch.status == "approved", PayoutItem.status == "pending")).all():
        _pay(item, batch.cooperative_id, db.session.get(User, batch.approved_by_id))
        done += 1
    db.session.flush()
    return done
