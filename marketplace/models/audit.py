"""The record of acts, especially those a co-op manager takes for a member.

Append-only: the database refuses to change or delete a record (migration 0020 adds the triggers).
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow


class ActionRecord(Base):
    __tablename__ = "action_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The farmer the act was taken for ("by manager X on behalf of farmer Y").
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: A stable verb, e.g. "register_member"; shown translated.
    action: Mapped[str] = mapped_column(String(60), index=True)
    detail: Mapped[str] = mapped_column(String(200), default="", index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    #: What the record looked like before and after the act (JSON objects), where the act changed one.
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped["User"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    on_behalf_of: Mapped["User | None"] = relationship(foreign_keys=[on_behalf_of_id])  # noqa: F821
