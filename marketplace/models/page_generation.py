"""How many times each part of the data that pages show has changed: the page cache's invalidation counters."""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base


class PageGeneration(Base):
    """One counter per scope ("all", "user:7", "coop:2", "processor:3"), raised in the same transaction as every
    change to what that scope's pages show (marketplace/page_cache.py). A missing row counts as 0."""

    __tablename__ = "page_generation"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
