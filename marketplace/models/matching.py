"""Matching runs, the proposals they make, and what each side decided."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.listing import ContractOrder, Harvest
from marketplace.models.product import Product
from marketplace.models.user import User

PROPOSAL_STATUSES = ("pending", "accepted", "declined", "expired")
DECISIONS = ("accepted", "declined")


class MatchRun(Base):
    __tablename__ = "match_run"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    season: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10), default="full")
    status: Mapped[str] = mapped_column(String(10), default="running")
    #: Where a running run is: queued, loading, solving, proposing, then done (shown as progress).
    phase: Mapped[str] = mapped_column(String(20), default="queued", server_default="done")
    error: Mapped[str | None] = mapped_column(String(300))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    lots: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    matched_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Σ kg × v in fen (v = price × fairness − transport), as the solver valued it.
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    bound_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    deadline: Mapped[date]

    product: Mapped[Product] = relationship()
    started_by: Mapped[User] = relationship()


class Proposal(Base):
    """One (harvest, order) allocation offered to both sides."""

    __tablename__ = "proposal"
    __table_args__ = (
        UniqueConstraint("run_id", "harvest_id", "order_id", name="uq_proposal_run_harvest_order"),
        CheckConstraint("kg > 0", name="kg_positive"),
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'expired')", name="status"),
        CheckConstraint("farmer_decision IS NULL OR farmer_decision IN ('accepted', 'declined')", name="farmer_decision"),
        CheckConstraint("processor_decision IS NULL OR processor_decision IN ('accepted', 'declined')",
                        name="processor_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id"), index=True)
    harvest_id: Mapped[int] = mapped_column(ForeignKey("harvest.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("contract_order.id"), index=True)
    kg: Mapped[int] = mapped_column(Integer)
    #: The order's price for the harvest's grade, fen per kg (the base, floor or contract price).
    price_fen_per_kg: Mapped[int] = mapped_column(BigInteger)
    distance_km: Mapped[int] = mapped_column(Integer)
    #: Estimated transport cost to the collection point, fen per kg.
    transport_fen_per_kg: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    deadline: Mapped[date]
    farmer_decision: Mapped[str | None] = mapped_column(String(10))
    farmer_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    farmer_decided_at: Mapped[datetime | None]
    processor_decision: Mapped[str | None] = mapped_column(String(10))
    processor_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    processor_decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[MatchRun] = relationship()
    harvest: Mapped[Harvest] = relationship()
    order: Mapped[ContractOrder] = relationship()


class Notification(Base):
    """An in-app notice; its text is written at display time in the reader's language."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: A stable kind, e.g. "proposal_new"; the web layer has one sentence per kind.
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(200), default="")
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
