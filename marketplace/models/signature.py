"""Signatures on a contract: who, when, from where, on which fingerprint, and for a member how they consented."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.user import User


class Signature(Base):
    __tablename__ = "signature"
    __table_args__ = (
        UniqueConstraint("contract_id", "party", name="uq_signature_contract_party"),
        CheckConstraint("party IN ('farmer', 'processor')", name="party"),
        CheckConstraint("consent_method IN ('self', 'in_person_thumbprint', 'phone_witness')", name="consent_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))
    #: The person who confirmed with their password: the party, or a co-op manager for a member.
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    consent_method: Mapped[str] = mapped_column(String(24), default="self")
    witness: Mapped[str | None] = mapped_column(String(80))
    #: The fingerprint of the terms as signed.
    fingerprint: Mapped[str] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    signed_by: Mapped[User] = relationship(foreign_keys=[signed_by_id])
