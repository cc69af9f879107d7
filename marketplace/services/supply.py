"""Expected supply for processors: open harvests summed by product, grade and county (no personal data)."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import County, Grade, Harvest

#: Harvests still available to orders.
SUPPLY_STATUSES = ("open", "partly_matched")


@dataclass(frozen=True)
class SupplyRow:
    product_id: int
    grade_id: int
    grade_rank: int
    county_id: int
    lots: int
    expected_kg: int
    area_mu: Decimal


def expected_supply(product_id: int | None = None) -> list[SupplyRow]:
    """One grouped query: per product, grade and county, the lots, their expected kg and their area."""
    query = (
        sa.select(
            Harvest.product_id, Harvest.grade_id, Grade.rank, Harvest.county_id,
            sa.func.count(Harvest.id), sa.func.sum(Harvest.expected_kg), sa.func.sum(Harvest.area_mu),
        )
        .join(Grade, Grade.id == Harvest.grade_id)
        .join(County, County.id == Harvest.county_id)
        .where(Harvest.status.in_(SUPPLY_STATUSES))
        .group_by(Harvest.product_id, Harvest.grade_id, Grade.rank, Harvest.county_id, County.code)
        .order_by(Harvest.product_id, Grade.rank, County.code)
    )
    if product_id:
        query = query.where(Harvest.product_id == product_id)
    return [
        SupplyRow(product_id=p, grade_id=g, grade_rank=rank, county_id=c, lots=int(lots), expected_kg=int(kg),
                  area_mu=Decimal(str(area)).quantize(Decimal("0.1")))
        for p, g, rank, c, lots, kg, area in db.session.execute(query)
    ]
