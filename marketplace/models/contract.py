"""Contracts: created from an agreed proposal with their terms frozen; amendments are later versions."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.listing import ContractOrder, Harvest
from marketplace.models.matching import Proposal


class Contract(Base):
    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("proposal_id", "version", name="uq_contract_proposal_version"),
        CheckConstraint("kg > 0", name="kg_positive"),
        CheckConstraint(
            "status IN ('draft', 'awaiting_signatures', 'active', 'in_delivery', 'fulfilled', 'short_delivered', "
            "'breached', 'cancelled', 'superseded')", name="status"),
        CheckConstraint("cancel_requested_by IS NULL OR cancel_requested_by IN ('farmer', 'processor')",
                        name="cancel_requested_by"),
        # a processor's list of contracts, newest first, a page at a time
        Index("ix_contract_processor_created", "processor_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    harvest_id: Mapped[int] = mapped_column(ForeignKey("harvest.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("contract_order.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    kg: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    #: The frozen terms (canonical JSON as stored) and their SHA-256: nothing that changes the order later changes this.
    terms: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    #: Why it was cancelled (withdrawn before both signed, or by agreement of both).
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    #: An active contract is cancelled by agreement of both: one party asks (with the reason), the other agrees.
    cancel_requested_by: Mapped[str | None] = mapped_column(String(10))
    cancel_requested_at: Mapped[datetime | None]
    #: The version this one amends (None for the first); it is superseded once both sign this one.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    harvest: Mapped[Harvest] = relationship()
    order: Mapped[ContractOrder] = relationship()
    amends: Mapped["Contract | None"] = relationship(remote_side=[id])

    @property
    def number(self) -> str:
        """The contract's number, the same for every version: what people quote on the phone and at the scale."""
        return f"C-{self.proposal_id:06d}"
