"""Products and their grades, as data an admin edits (no code change for a new product)."""
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Numeric, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("typical_yield_kg_per_mu > 0", name="yield_positive"),
        CheckConstraint("std_moisture_pct >= 0 AND std_moisture_pct < 100", name="std_moisture_range"),
        CheckConstraint("std_impurity_pct >= 0 AND std_impurity_pct < 100", name="std_impurity_range"),
        CheckConstraint("reject_moisture_pct > std_moisture_pct AND reject_moisture_pct <= 100", name="reject_moisture_range"),
        CheckConstraint("reject_impurity_pct > std_impurity_pct AND reject_impurity_pct <= 100", name="reject_impurity_range"),
        CheckConstraint("harvest_start_month BETWEEN 1 AND 12 AND harvest_end_month BETWEEN 1 AND 12", name="months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: The product's name per catalog locale.
    names: Mapped[dict] = mapped_column(JSON)
    #: Typical yield, for the expected-kg suggestion and the "absurd quantity" warning.
    typical_yield_kg_per_mu: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    std_moisture_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    std_impurity_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: Above these a delivery is rejected (deliveries issue).
    reject_moisture_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reject_impurity_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    harvest_start_month: Mapped[int] = mapped_column(SmallInteger)
    harvest_end_month: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    grades: Mapped[list["Grade"]] = relationship(back_populates="product", order_by="Grade.rank")


class Grade(Base):
    __tablename__ = "grade"
    __table_args__ = (
        UniqueConstraint("product_id", "rank", name="uq_grade_product_rank"),
        CheckConstraint("rank >= 1 AND rank <= 20", name="rank_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    #: 1 is the best grade; an order's minimum grade admits every rank up to its own.
    rank: Mapped[int] = mapped_column(SmallInteger)
    names: Mapped[dict] = mapped_column(JSON)

    product: Mapped[Product] = relationship(back_populates="grades")
