"""Deliveries weighed and graded at the collection point; never edited in place (a correction is a new row)."""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.contract import Contract
from marketplace.models.organisation import Cooperative
from marketplace.models.product import Grade
from marketplace.models.user import User


class Delivery(Base):
    __tablename__ = "delivery"
    __table_args__ = (
        CheckConstraint("gross_grams > 0", name="gross_positive"),
        CheckConstraint("tare_grams >= 0 AND tare_grams < gross_grams", name="tare_below_gross"),
        CheckConstraint("moisture_bp BETWEEN 0 AND 10000", name="moisture_range"),
        CheckConstraint("impurity_bp BETWEEN 0 AND 10000", name="impurity_range"),
        CheckConstraint("settlement_grams >= 0 AND settlement_grams <= gross_grams - tare_grams",
                        name="settlement_within_net"),
        CheckConstraint("outcome IN ('accepted', 'rejected')", name="outcome"),
        CheckConstraint("(outcome = 'rejected') = (rejected_reason IS NOT NULL)", name="rejected_has_reason"),
        CheckConstraint("state IN ('awaiting_farmer', 'confirmed', 'disputed', 'dispute_rejected', 'superseded')",
                        name="state"),
        # the lists of a co-op's and of a processor's deliveries, newest first, a page at a time
        Index("ix_delivery_cooperative_delivered", "cooperative_id", "delivered_on", "id"),
        Index("ix_delivery_processor_delivered", "processor_id", "delivered_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The contract version in force when it was weighed.
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    #: The contract's number stays the same across versions: fulfilment counts every version's deliveries.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    graded_by: Mapped[str] = mapped_column(String(80))
    delivered_on: Mapped[date]
    gross_grams: Mapped[int] = mapped_column(BigInteger)
    tare_grams: Mapped[int] = mapped_column(BigInteger)
    moisture_bp: Mapped[int] = mapped_column(Integer)
    impurity_bp: Mapped[int] = mapped_column(Integer)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"))
    #: The product's delivery spec as applied at the scale (an admin may change the product's later).
    std_moisture_bp: Mapped[int] = mapped_column(Integer)
    std_impurity_bp: Mapped[int] = mapped_column(Integer)
    reject_moisture_bp: Mapped[int] = mapped_column(Integer)
    reject_impurity_bp: Mapped[int] = mapped_column(Integer)
    net_grams: Mapped[int] = mapped_column(BigInteger)
    settlement_grams: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(10))
    rejected_reason: Mapped[str | None] = mapped_column(String(30))
    remarks: Mapped[str | None] = mapped_column(String(300))
    #: The farmer's review, then the co-op's or processor's answer to a dispute.
    state: Mapped[str] = mapped_column(String(20), default="awaiting_farmer", index=True)
    dispute_reason: Mapped[str | None] = mapped_column(String(300))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]
    resolution_reason: Mapped[str | None] = mapped_column(String(300))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None]
    #: A corrected record points at the one it corrects, which is marked superseded.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"), unique=True)
    #: The lot code (serial = id, with its keyed signature) of an accepted delivery.
    lot_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    scan_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The tolerance warning (beyond the window, or above what is left) the recorder confirmed, if any.
    confirmed_warning: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship()
    grade: Mapped[Grade] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    farmer: Mapped[User] = relationship(foreign_keys=[farmer_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    corrects: Mapped["Delivery | None"] = relationship(remote_side=[id])
