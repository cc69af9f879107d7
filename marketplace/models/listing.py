"""Listings: a farmer's expected harvest and a processor's contract order."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.organisation import Processor
from marketplace.models.product import Grade, Product
from marketplace.models.reference import County, Township
from marketplace.models.user import User

HARVEST_STATUSES = ("open", "partly_matched", "contracted", "delivered", "withdrawn")
ORDER_STATUSES = ("draft", "open", "partly_matched", "filled", "closed")


class Harvest(Base):
    """An expected harvest (a lot, for matching)."""

    __tablename__ = "harvest"
    __table_args__ = (
        CheckConstraint("area_mu > 0", name="area_positive"),
        CheckConstraint("expected_kg > 0", name="kg_positive"),
        CheckConstraint("harvest_end >= harvest_start", name="window_forward"),
        CheckConstraint(
            "status IN ('open', 'partly_matched', 'contracted', 'delivered', 'withdrawn')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    variety: Mapped[str] = mapped_column(String(60), default="")
    area_mu: Mapped[Decimal] = mapped_column(Numeric(9, 1))
    expected_kg: Mapped[int] = mapped_column(Integer)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"))
    harvest_start: Mapped[date]
    harvest_end: Mapped[date]
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    village: Mapped[str] = mapped_column(String(60))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    withdraw_reason: Mapped[str | None] = mapped_column(String(300))
    #: Who posted it: the farmer, or a co-op manager on the farmer's behalf.
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    farmer: Mapped[User] = relationship(foreign_keys=[farmer_id])
    product: Mapped[Product] = relationship()
    grade: Mapped[Grade] = relationship()
    county: Mapped[County] = relationship()
    township: Mapped[Township] = relationship()

    @property
    def season(self) -> int:
        return self.harvest_start.year


class ContractOrder(Base):
    """A processor's contract order, with its price terms."""

    __tablename__ = "contract_order"
    __table_args__ = (
        CheckConstraint("kg_wanted > 0", name="kg_positive"),
        CheckConstraint("delivery_end >= delivery_start", name="window_forward"),
        CheckConstraint("max_suppliers IS NULL OR max_suppliers > 0", name="max_suppliers_positive"),
        CheckConstraint("min_alloc_kg >= 0", name="min_alloc_not_negative"),
        CheckConstraint("coop_fee_bp BETWEEN 0 AND 10000 AND risk_levy_bp BETWEEN 0 AND 10000", name="rates"),
        CheckConstraint("coop_fee_bp + risk_levy_bp <= 10000", name="deductions_at_most_all"),
        CheckConstraint("short_delivery_penalty_bp BETWEEN 0 AND 10000", name="short_penalty"),
        CheckConstraint("refusal_penalty_bp BETWEEN 0 AND 10000", name="refusal_penalty"),
        CheckConstraint(
            "advance_seed_fen_per_mu >= 0 AND advance_fertiliser_fen_per_mu >= 0 AND advance_cash_fen_per_mu >= 0",
            name="advances_not_negative",
        ),
        CheckConstraint("status IN ('draft', 'open', 'partly_matched', 'filled', 'closed')", name="status"),
        CheckConstraint(
            "term_type IN ('fixed', 'floor_market', 'floor_share', 'rebate', 'share_coop')", name="term_type"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    kg_wanted: Mapped[int] = mapped_column(Integer)
    min_grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"))
    delivery_start: Mapped[date]
    delivery_end: Mapped[date]
    collection_county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    collection_point: Mapped[str] = mapped_column(String(120))
    collection_lat: Mapped[float] = mapped_column(Float)
    collection_lon: Mapped[float] = mapped_column(Float)
    max_suppliers: Mapped[int | None] = mapped_column(Integer)
    min_alloc_kg: Mapped[int] = mapped_column(Integer, default=0)
    term_type: Mapped[str] = mapped_column(String(20))
    #: The price terms as the terms engine reads them (see services/orders.terms_of):
    #: {"prices": {"1": fen/kg, ...}, "caps": {...}, "margin_bp": int, "share_bp": int, "base_fen_per_mu": int}
    terms: Mapped[dict] = mapped_column(JSON)
    advance_seed_fen_per_mu: Mapped[int] = mapped_column(BigInteger, default=0)
    advance_fertiliser_fen_per_mu: Mapped[int] = mapped_column(BigInteger, default=0)
    advance_cash_fen_per_mu: Mapped[int] = mapped_column(BigInteger, default=0)
    coop_fee_bp: Mapped[int] = mapped_column(Integer, default=0)
    risk_levy_bp: Mapped[int] = mapped_column(Integer, default=0)
    #: Breach clauses: what a short delivery or side-selling costs the farmer, and a refusal or
    #: unjustified downgrade costs the processor, as a share of the undelivered or refused value.
    short_delivery_penalty_bp: Mapped[int] = mapped_column(Integer, default=0)
    refusal_penalty_bp: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    close_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    processor: Mapped[Processor] = relationship()
    product: Mapped[Product] = relationship()
    min_grade: Mapped[Grade] = relationship()
    collection_county: Mapped[County] = relationship()

    @property
    def season(self) -> int:
        return self.delivery_start.year
