"""Organisations: co-operatives with their members, and processors."""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.reference import County


class Cooperative(Base):
    __tablename__ = "cooperative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    registration_no: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    county: Mapped[County] = relationship()
    managers: Mapped[list["User"]] = relationship(  # noqa: F821
        back_populates="cooperative", foreign_keys="User.cooperative_id"
    )
    memberships: Mapped[list["Membership"]] = relationship(back_populates="cooperative")


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "farmer_id", name="uq_membership_coop_farmer"),
        CheckConstraint("capital_fen >= 0", name="capital_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    joined_on: Mapped[date]
    #: The member's capital contribution (co-operatives law art. 43), in fen.
    capital_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Where the co-op pays the member: a bank card or account number; None pays in cash against a receipt.
    payout_account: Mapped[str | None] = mapped_column(String(40))
    #: The member's Stripe connected account (acct_...): when Stripe is on, payouts go there by transfer.
    stripe_account: Mapped[str | None] = mapped_column(String(40))

    cooperative: Mapped[Cooperative] = relationship(back_populates="memberships")
    farmer: Mapped["User"] = relationship()  # noqa: F821


class Processor(Base):
    __tablename__ = "processor"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(120))
    #: Unified social credit code (统一社会信用代码), 18 characters, check character verified.
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    contact_name: Mapped[str] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    county: Mapped[County] = relationship()
