"""The market price index: record a price, read the latest, list the history."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Grade, PriceIndexEntry, User

RECORDERS = frozenset({"admin", "coop_manager"})


@dataclass(frozen=True)
class PriceInput:
    grade_id: int
    on_date: date
    fen_per_kg: int
    source_note: str


def record_price(actor: User, data: PriceInput, today: date) -> PriceIndexEntry:
    if actor.role not in RECORDERS:
        raise DomainError("not_yours")
    grade = db.session.get(Grade, data.grade_id)
    if grade is None:
        raise DomainError("grade_unknown", field="grade_id")
    if data.on_date > today:
        raise DomainError("price_in_future", field="on_date")
    if not 0 < data.fen_per_kg <= 100_000_000:
        raise DomainError("price_out_of_range", field="price_yuan")
    if not data.source_note.strip():
        raise DomainError("source_required", field="source_note")
    exists = db.session.scalar(sa.select(PriceIndexEntry.id).where(
        PriceIndexEntry.grade_id == grade.id, PriceIndexEntry.on_date == data.on_date))
    if exists:
        raise DomainError("price_already_recorded", field="on_date")
    entry = PriceIndexEntry(product_id=grade.product_id, grade_id=grade.id, on_date=data.on_date,
                            fen_per_kg=data.fen_per_kg, source_note=data.source_note.strip(), recorded_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    return entry


def latest_prices(product_id: int, on_date: date) -> dict[int, PriceIndexEntry]:
    """The latest index entry on or before a date, per grade rank of the product (one query)."""
    latest = (
        sa.select(PriceIndexEntry.grade_id, sa.func.max(PriceIndexEntry.on_date).label("d"))
        .where(PriceIndexEntry.product_id == product_id, PriceIndexEntry.on_date <= on_date)
        .group_by(PriceIndexEntry.grade_id).subquery()
    )
    rows = db.session.scalars(
        sa.select(PriceIndexEntry)
        .join(latest, sa.and_(PriceIndexEntry.grade_id == latest.c.grade_id, PriceIndexEntry.on_date == latest.c.d))
        .options(joinedload(PriceIndexEntry.grade))
    ).all()
    return {row.grade.rank: row for row in rows}


def history_query(product_id: int | None = None):
    query = sa.select(PriceIndexEntry).options(
        joinedload(PriceIndexEntry.grade), joinedload(PriceIndexEntry.product), joinedload(PriceIndexEntry.recorded_by)
    )
    if product_id:
        query = query.where(PriceIndexEntry.product_id == product_id)
    return query.order_by(PriceIndexEntry.on_date.desc(), PriceIndexEntry.grade_id)


def latest_prices_by_product(on_date: date) -> dict[int, dict[int, PriceIndexEntry]]:
    """`latest_prices` for every product at once: {product id: {grade rank: entry}}, in one query."""
    latest = (
        sa.select(PriceIndexEntry.grade_id, sa.func.max(PriceIndexEntry.on_date).label("d"))
        .where(PriceIndexEntry.on_date <= on_date)
        .group_by(PriceIndexEntry.grade_id).subquery()
    )
    rows = db.session.scalars(
        sa.select(PriceIndexEntry)
        .join(latest, sa.and_(PriceIndexEntry.grade_id == latest.c.grade_id, PriceIndexEntry.on_date == latest.c.d))
        .options(joinedload(PriceIndexEntry.grade))
    ).all()
    found: dict[int, dict[int, PriceIndexEntry]] = {}
    for row in rows:
        found.setdefault(row.product_id, {})[row.grade.rank] = row
    return found
