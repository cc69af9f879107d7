"""People: user accounts and the farmer profile."""
import secrets
from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.reference import County, Township

def new_session_token() -> str:
    return secrets.token_hex(16)


ROLES = ("farmer", "coop_manager", "processor", "admin")
STATUSES = ("active", "pending", "rejected", "disabled")


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('farmer', 'coop_manager', 'processor', 'admin')", name="role"),
        CheckConstraint("status IN ('active', 'pending', 'rejected', 'disabled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    name: Mapped[str] = mapped_column(String(80))
    #: Mainland mobile number in E.164 (+86...); None for a member without a phone.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: None when the account cannot log in (a member the co-op acts for).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Wrong passwords in a row since the last good login; at LOCKOUT_ATTEMPTS the account locks.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    #: Part of the login session's id: changed at logout and with the password, it ends every session.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token, server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"), index=True)
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"), index=True)

    farmer: Mapped["FarmerProfile | None"] = relationship(
        back_populates="user", uselist=False, foreign_keys="FarmerProfile.user_id"
    )
    processor: Mapped["Processor | None"] = relationship(foreign_keys=[processor_id])  # noqa: F821
    cooperative: Mapped["Cooperative | None"] = relationship(  # noqa: F821
        foreign_keys=[cooperative_id], back_populates="managers"
    )

    def get_id(self) -> str:  # Flask-Login keeps this in the session and the remember cookie
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login: pending or rejected accounts cannot log in
        return self.status == "active" and self.password_hash is not None


class FarmerProfile(Base):
    __tablename__ = "farmer_profile"
    __table_args__ = (CheckConstraint("farm_area_mu > 0", name="farm_area_positive"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    village: Mapped[str] = mapped_column(String(60))
    farm_area_mu: Mapped[Decimal] = mapped_column(Numeric(9, 1))
    #: Set when the farmer has no phone and this co-op acts for them, on record.
    managed_by_coop_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"))

    user: Mapped[User] = relationship(back_populates="farmer", foreign_keys=[user_id])
    county: Mapped[County] = relationship()
    township: Mapped[Township] = relationship()
