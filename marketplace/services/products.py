"""Products and grades, edited by an admin."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Grade, Product


@dataclass(frozen=True)
class ProductInput:
    code: str
    names: dict
    typical_yield_kg_per_mu: Decimal
    std_moisture_pct: Decimal
    std_impurity_pct: Decimal
    reject_moisture_pct: Decimal
    reject_impurity_pct: Decimal
    harvest_start_month: int
    harvest_end_month: int
    active: bool = True


def _check(data: ProductInput) -> None:
    if not all(data.names.get(k, "").strip() for k in data.names):
        raise DomainError("names_required", field="name_zh_Hans")
    if data.reject_moisture_pct <= data.std_moisture_pct:
        raise DomainError("reject_not_above_standard", field="reject_moisture_pct")
    if data.reject_impurity_pct <= data.std_impurity_pct:
        raise DomainError("reject_not_above_standard", field="reject_impurity_pct")


def _apply(product: Product, data: ProductInput) -> None:
    for name in ("typical_yield_kg_per_mu", "std_moisture_pct", "std_impurity_pct", "reject_moisture_pct",
                 "reject_impurity_pct", "harvest_start_month", "harvest_end_month", "active"):
        setattr(product, name, getattr(data, name))
    product.names = {k: v.strip() for k, v in data.names.items()}


def create_product(data: ProductInput) -> Product:
    _check(data)
    code = data.code.strip().lower()
    if db.session.scalar(sa.select(Product.id).where(Product.code == code)):
        raise DomainError("product_code_taken", field="code")
    product = Product(code=code)
    _apply(product, data)
    db.session.add(product)
    db.session.flush()
    return product


def update_product(product: Product, data: ProductInput) -> Product:
    _check(data)
    _apply(product, data)
    db.session.flush()
    return product


def add_grade(product: Product, names: dict) -> Grade:
    """A new grade, ranked after the product's existing grades (1 is the best)."""
    if not all(v.strip() for v in names.values()):
        raise DomainError("names_required", field="name_zh_Hans")
    rank = (db.session.scalar(sa.select(sa.func.max(Grade.rank)).where(Grade.product_id == product.id)) or 0) + 1
    if rank > 20:
        raise DomainError("too_many_grades")
    grade = Grade(product_id=product.id, rank=rank, names={k: v.strip() for k, v in names.items()})
    db.session.add(grade)
    db.session.flush()
    return grade


def update_grade(grade: Grade, names: dict) -> Grade:
    """Rename a grade; its rank (and so every order's minimum grade) stays."""
    if not all(v.strip() for v in names.values()):
        raise DomainError("names_required", field="name_zh_Hans")
    grade.names = {k: v.strip() for k, v in names.items()}
    db.session.flush()
    return grade


def active_products() -> list[Product]:
    return list(db.session.scalars(
        sa.select(Product).where(Product.active.is_(True)).options(sa.orm.selectinload(Product.grades))
        .order_by(Product.id)
    ))
