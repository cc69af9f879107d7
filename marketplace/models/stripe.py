"""Stripe's side of money in: the PaymentIntents made for invoices, and every webhook event received once."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class StripeIntent(Base):
    __tablename__ = "stripe_intent"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[str] = mapped_column(String(80), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Stripe's status as last seen (requires_payment_method, succeeded, canceled, ...).
    status: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StripeEvent(Base):
    """A webhook event, recorded under its unique id in the same transaction as its effect."""

    __tablename__ = "stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    #: The object it is about (a PaymentIntent id), to read the history of one payment.
    object_id: Mapped[str | None] = mapped_column(String(80), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
