"""One-time form tokens that were used: a form sent twice is saved once."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class UsedFormToken(Base):
    __tablename__ = "used_form_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random token the form carried; unique, so a replay (even at the same instant) fails.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
