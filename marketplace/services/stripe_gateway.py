"""Money in through Stripe: a PaymentIntent per invoice (amounts in fen, currency CNY), and webhooks verified on
the raw body, recorded by event id in the same transaction as their effect.

A `payment_intent.succeeded` applies the amount received to its invoice (one
payment per intent id, so the same event twice, or a second event about the
same intent, changes nothing); events may arrive in any order, because each
is judged by the intent's own data, not by what came before. Without
`STRIPE_SECRET_KEY` Stripe is off and bank transfer remains.
"""
from datetime import date

import sqlalchemy as sa
import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef
from marketplace.extensions import db
from marketplace.models import Invoice, Payment, StripeEvent, StripeIntent, User
from marketplace.services.payments import apply_payment, invoice_for

#: Events older than this (seconds) are refused: a replayed capture of an old request.
TOLERANCE_SECONDS = 300


def enabled() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def client() -> stripe.StripeClient:
    base = current_app.config.get("STRIPE_API_BASE")
    kwargs = {"base_addresses": {"api": base}} if base else {}
    http_client = current_app.extensions.get("stripe_http_client")  # a stand-in for Stripe, in tests
    if http_client is not None:
        kwargs["http_client"] = http_client
    return stripe.StripeClient(current_app.config["STRIPE_SECRET_KEY"], max_network_retries=2, **kwargs)


class TransferNotMade(Exception):
    """Stripe did not (or may not have) made the transfer. `refused`: Stripe answered that it will not make it
    (a fresh try needs a fresh key); otherwise the answer never came, or Stripe failed, and the same key must be
    used again, because the transfer may exist."""

    def __init__(self, code: str, refused: bool):
        super().__init__(code)
        self.code, self.refused = code, refused


def send_transfer(amount_fen: int, destination: str, key: str, reference: str) -> str:
    """A Connect transfer from the marketplace's Stripe balance to a member's connected account; its id.

    The idempotency key makes a repeat of the same request return the same transfer, so a request whose answer
    was lost can be sent again safely.
    """
    try:
        transfer = client().v1.transfers.create(
            params={"amount": amount_fen, "currency": "cny", "destination": destination,
                    "transfer_group": reference, "metadata": {"reference": reference}},
            options={"idempotency_key": key})
    except stripe.IdempotencyError:
        raise TransferNotMade("idempotency_error", refused=False) from None
    except (stripe.InvalidRequestError, stripe.PermissionError, stripe.AuthenticationError) as err:
        raise TransferNotMade((err.code or "refused")[:40], refused=True) from None
    except stripe.StripeError as err:  # a timeout, a lost connection, Stripe's own 500: the outcome is unknown
        current_app.logger.warning("stripe: transfer %s failed: %s", reference, err)
        raise TransferNotMade("stripe_unavailable", refused=False) from None
    return transfer.id


def find_transfer(reference: str) -> str | None:
    """The transfer made for a payout reference, if Stripe has one (asked after a try whose answer was lost)."""
    try:
        found = client().v1.transfers.list(params={"transfer_group": reference, "limit": 1})
    except stripe.StripeError:
        raise TransferNotMade("stripe_unavailable", refused=False) from None
    return found.data[0].id if found.data else None


def create_intent(processor_user: User, invoice_id: int) -> StripeIntent:
    """A PaymentIntent for what is open on the invoice; the same open amount again reuses the same intent."""
    if not enabled():
        raise DomainError("stripe_off")
    invoice = invoice_for(processor_user, invoice_id)
    if invoice is None or processor_user.role != "processor":
        raise DomainError("not_yours")
    if invoice.status == "paid":
        raise DomainError("invoice_paid")
    open_fen = invoice.amount_fen - invoice.paid_fen
    existing = db.session.scalar(sa.select(StripeIntent).where(
        StripeIntent.invoice_id == invoice.id, StripeIntent.amount_fen == open_fen,
        StripeIntent.status.notin_(("succeeded", "canceled"))))
    if existing is not None:
        return existing
    try:
        intent = client().v1.payment_intents.create(
            params={"amount": open_fen, "currency": "cny",
                    "metadata": {"invoice": str(invoice.id), "number": invoice.number}},
            options={"idempotency_key": f"invoice-{invoice.id}-{invoice.paid_fen}-{open_fen}"})
    except stripe.StripeError as err:
        current_app.logger.warning("stripe: payment intent for %s failed: %s", invoice.number, err)
        raise DomainError("stripe_unavailable") from None
    record = StripeIntent(intent_id=intent.id, invoice_id=invoice.id, amount_fen=open_fen, status=intent.status,
                          created_by_id=processor_user.id)
    db.session.add(record)
    db.session.flush()
    return record


def verify_event(payload: bytes, signature: str | None) -> stripe.Event:
    """The event, if the signature over the raw body is good and recent; DomainError otherwise."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature:
        raise DomainError("stripe_bad_signature")
    try:
        return stripe.Webhook.construct_event(payload, signature, secret, tolerance=TOLERANCE_SECONDS)
    except (ValueError, stripe.SignatureVerificationError):
        raise DomainError("stripe_bad_signature") from None


def _apply_succeeded(intent: dict) -> None:
    invoice_id = int((intent.get("metadata") or {}).get("invoice") or 0)
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        return  # not ours: recorded, no effect
    record = db.session.scalar(sa.select(StripeIntent).where(StripeIntent.intent_id == intent["id"]))
    if record is not None:
        record.status = "succeeded"
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    already = db.session.scalar(sa.select(Payment).where(Payment.method == "stripe",
                                                         Payment.reference == intent["id"]))
    if already is not None or amount <= 0:
        return
    amount = min(amount, invoice.amount_fen - invoice.paid_fen)  # never more than is open
    if amount > 0:
        apply_payment(invoice, "stripe", amount, intent["id"], date.today(), AccountRef("stripe_clearing"), None)


def handle_event(event: stripe.Event) -> bool:
    """Record the event once and apply it; False when it was already received.

    Two events about the same payment at the same instant: the second waits on the invoice's row lock, or
    collides on the payment's unique reference and is tried once more, when it finds the payment made.
    """
    data = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    for _attempt in range(2):
        try:
            return _record_and_apply(data)
        except IntegrityError:
            if db.session.scalar(sa.select(StripeEvent.id).where(StripeEvent.event_id == data["id"])):
                return False
    return False


def _record_and_apply(data: dict) -> bool:
    obj = (data.get("data") or {}).get("object") or {}
    with db.session.begin_nested():
        db.session.add(StripeEvent(event_id=data["id"], type=data.get("type", ""), object_id=obj.get("id")))
        db.session.flush()
        if data.get("type") == "payment_intent.succeeded" or (
                data.get("type", "").startswith("payment_intent.") and obj.get("status") == "succeeded"):
            _apply_succeeded(obj)
        elif data.get("type", "").startswith("payment_intent.") and obj.get("id"):
            record = db.session.scalar(sa.select(StripeIntent).where(StripeIntent.intent_id == obj["id"]))
            if record is not None and record.status != "succeeded":
                record.status = obj.get("status") or record.status
    return True
