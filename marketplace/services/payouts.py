"""Payouts to members: a manager prepares a batch of what each member is owed; another manager of the co-op
(or an admin) approves it, and only then does money move — one ledger entry per item, under the item's
idempotency key written when the batch was prepared. A bank payment file and cash receipts follow.

Approving again, or after a crash half-way, posts each item at most once (the key), and `reconcile`
finishes anything left pending in an approved batch.

A member with a Stripe connected account (when Stripe is on) is paid by Connect transfer. Approving moves the
amount from what the member is owed to the co-op's payouts in transit; only after the approval is committed is
Stripe called, under a key built from the item's key and its try number, and the transfer is recorded (in transit
to the Stripe balance) once Stripe has answered with its id. A crash before the call, or after it and before the
recording, leaves the item pending with the same key: the reconciler sends it again and Stripe answers with the
same transfer, so nothing is paid twice. The try number moves on only when Stripe refused the request outright.
"""
import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.extensions import db
from marketplace.models import LedgerAccount, Membership, PayoutBatch, PayoutItem, User
from marketplace.models.base import utcnow
from marketplace.services import ledger, stripe_gateway
from marketplace.services.audit import record_action


def owed_members(cooperative_id: int) -> list[tuple[Membership, int]]:
    """Members the co-op owes money to (their farmer-payable balance), with their names, in one query."""
    rows = db.session.execute(
        sa.select(Membership, LedgerAccount.balance_fen)
        .join(LedgerAccount, sa.and_(LedgerAccount.kind == "farmer_payable",
                                     LedgerAccount.owner_id == Membership.farmer_id))
        .where(Membership.cooperative_id == cooperative_id, LedgerAccount.balance_fen < 0)
        .options(sa.orm.joinedload(Membership.farmer))
        .order_by(Membership.farmer_id)).all()
    return [(m, -raw) for m, raw in rows]


def batch_for(actor: User, batch_id: int) -> PayoutBatch | None:
    batch = db.session.get(PayoutBatch, batch_id)
    if batch is None:
        return None
    if actor.role == "admin" or (actor.role == "coop_manager" and actor.cooperative_id == batch.cooperative_id):
        return batch
    return None


def _method(membership: Membership, stripe_on: bool) -> tuple[str, str | None]:
    if stripe_on and membership.stripe_account:
        return "stripe", membership.stripe_account
    account = (membership.payout_account or "").strip() or None
    return ("bank" if account else "cash"), account


def prepare_batch(manager: User) -> PayoutBatch:
    """Everything owed to each member: by Stripe transfer where the member has a connected account and Stripe is
    on, by bank where the member has an account, otherwise in cash."""
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
    stripe_on = stripe_gateway.enabled()
    for n, (membership, amount) in enumerate(owed, start=1):
        method, account = _method(membership, stripe_on)
        db.session.add(PayoutItem(
            batch_id=batch.id, farmer_id=membership.farmer_id, amount_fen=amount,
            method=method, account=account, reference=f"P{batch.id:06d}-{n:04d}",
            idempotency_key=f"payout:{batch.id}:{membership.farmer_id}", status="pending"))
    db.session.flush()
    record_action(manager, "prepare_payouts", detail=f"payout_batch:{batch.id}")
    return batch


CLEARING = {"bank": "bank_clearing", "cash": "cash", "stripe": "payouts_in_transit"}


def _pay(items: list[PayoutItem], cooperative_id: int, actor: User | None) -> None:
    """Post the payouts from what each member is owed, together; a Stripe item stays pending until the transfer
    is made."""
    entries = ledger.post_many([ledger.Request(
        item.idempotency_key, "payout", [Leg(AccountRef("farmer_payable", item.farmer_id), item.amount_fen),
                                         Leg(AccountRef(CLEARING[item.method], cooperative_id), -item.amount_fen)],
        memo=item.reference) for item in items], actor=actor)
    for item, entry in zip(items, entries):
        item.entry_id = entry.id
        if item.method != "stripe":
            item.status = "paid"


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
        _pay(batch.items, batch.cooperative_id, approver)
    except DomainError as err:
        if err.code == "ledger_would_go_negative":
            raise DomainError("payout_above_owed") from None
        raise
    db.session.flush()
    record_action(approver, "approve_payouts", detail=f"payout_batch:{batch.id}", before={"status": "prepared"},
                  after={"status": batch.status, "items": len(batch.items), "total_fen": batch.total_fen})
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


def _record_transfer(item: PayoutItem, cooperative_id: int, transfer_id: str) -> None:
    entry = ledger.post(f"{item.idempotency_key}:sent", "stripe_transfer",
                        [Leg(AccountRef("payouts_in_transit", cooperative_id), item.amount_fen),
                         Leg(AccountRef("stripe_clearing"), -item.amount_fen)], memo=transfer_id)
    item.transfer_id, item.sent_entry_id, item.status, item.last_error = transfer_id, entry.id, "paid", None


def send_transfers(batch_id: int | None = None) -> tuple[int, int]:
    """Send the pending Stripe transfers of approved batches (of one batch, or all); (sent, still pending).

    Commits around each call to Stripe, because money leaves outside this database: the try's key is committed
    before the call, and the transfer's id right after the answer.
    """
    query = (sa.select(PayoutItem.id).join(PayoutBatch, PayoutBatch.id == PayoutItem.batch_id)
             .where(PayoutBatch.status == "approved", PayoutItem.status == "pending", PayoutItem.method == "stripe",
                    PayoutItem.entry_id.is_not(None)).order_by(PayoutItem.id))
    if batch_id is not None:
        query = query.where(PayoutBatch.id == batch_id)
    if not stripe_gateway.enabled():  # Stripe switched off meanwhile: they wait
        return 0, len(db.session.scalars(query).all())
    sent = waiting = 0
    for item_id in db.session.scalars(query).all():
        db.session.commit()
        item = db.session.get(PayoutItem, item_id)
        batch = db.session.get(PayoutBatch, item.batch_id)
        if item.status != "pending":
            continue
        try:
            transfer_id = None
            if item.last_error == "stripe_unavailable":
                # The last try's answer never came: Stripe may have made the transfer, or kept a failure for that
                # key. Ask; if there is none, a new key is safe.
                transfer_id = stripe_gateway.find_transfer(item.reference)
                if transfer_id is None:
                    item.attempt += 1
                    db.session.commit()
            if transfer_id is None:
                transfer_id = stripe_gateway.send_transfer(item.amount_fen, item.account, item.stripe_key,
                                                           item.reference)
        except stripe_gateway.TransferNotMade as err:
            item.last_error = err.code
            if err.refused:
                item.attempt += 1  # Stripe made nothing under that key: the next try may use a new one
            db.session.commit()
            waiting += 1
            continue
        _record_transfer(item, batch.cooperative_id, transfer_id)
        db.session.commit()
        sent += 1
    return sent, waiting


def reconcile() -> int:
    """Finish what was left pending in approved batches (after a crash half-way): post the items not yet
    posted, then send the Stripe transfers not yet made; returns how many items were finished."""
    done = 0
    for item, batch in db.session.execute(
            sa.select(PayoutItem, PayoutBatch).join(PayoutBatch, PayoutBatch.id == PayoutItem.batch_id)
            .where(PayoutBatch.status == "approved", PayoutItem.status == "pending",
                   PayoutItem.entry_id.is_(None))).all():
        _pay([item], batch.cooperative_id, db.session.get(User, batch.approved_by_id))
        done += item.status == "paid"
    db.session.flush()
    if db.session.scalar(sa.select(PayoutItem.id).where(PayoutItem.method == "stripe",
                                                        PayoutItem.status == "pending").limit(1)):
        done += send_transfers()[0]
    return done
