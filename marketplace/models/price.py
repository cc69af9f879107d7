"""The market price index: a price per product, grade and date, with its source."""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.product import Grade, Product
from marketplace.models.user import User


class PriceIndexEntry(Base):
    __tablename__ = "price_index_entry"
    __table_args__ = (
        UniqueConstraint("grade_id", "on_date", name="uq_price_index_grade_date"),
        CheckConstraint("fen_per_kg > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"))
    on_date: Mapped[date] = mapped_column(index=True)
    fen_per_kg: Mapped[int] = mapped_column(BigInteger)
    source_note: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()
    grade: Mapped[Grade] = relationship()
    recorded_by: Mapped[User] = relationship()
