"""Expected harvests: post, edit while open, withdraw; lists for farmers and co-ops."""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import (
    HARVEST_EDITABLE, check_coordinates, check_window, check_yield, harvest_transition,
)
from marketplace.extensions import db
from marketplace.models import ActionRecord, Grade, Harvest, Membership, Product, Township, User
from marketplace.services.audit import record_action
from marketplace.services.members import manages


@dataclass(frozen=True)
class HarvestInput:
    product_id: int
    variety: str
    area_mu: Decimal
    expected_kg: int
    grade_id: int
    harvest_start: date
    harvest_end: date
    township_id: int
    village: str
    lat: float | None = None
    lon: float | None = None
    #: The farmer confirmed a quantity far above the typical yield.
    confirm_large: bool = False


def _validated(data: HarvestInput, today: date) -> tuple[Product, Grade, Township]:
    product = db.session.get(Product, data.product_id)
    if product is None or not product.active:
        raise DomainError("product_unknown", field="product_id")
    grade = db.session.get(Grade, data.grade_id)
    if grade is None or grade.product_id != product.id:
        raise DomainError("grade_not_of_product", field="grade_id")
    township = db.session.get(Township, data.township_id)
    if township is None:
        raise DomainError("township_unknown", field="township_id")
    if data.area_mu <= 0:
        raise DomainError("area_not_positive", field="area_mu")
    if data.expected_kg <= 0:
        raise DomainError("kg_not_positive", field="expected_kg")
    check_window(data.harvest_start, data.harvest_end, today)
    check_coordinates(data.lat, data.lon)
    verdict = check_yield(data.area_mu, data.expected_kg, product.typical_yield_kg_per_mu)
    if verdict.implausible and not data.confirm_large:
        raise DomainError("kg_implausible", field="expected_kg", suggested=verdict.suggested_kg,
                          typical=verdict.typical_kg_per_mu)
    return product, grade, township


def _apply(harvest: Harvest, data: HarvestInput, township: Township) -> None:
    harvest.product_id = data.product_id
    harvest.variety = data.variety.strip()
    harvest.area_mu = data.area_mu
    harvest.expected_kg = data.expected_kg
    harvest.grade_id = data.grade_id
    harvest.harvest_start = data.harvest_start
    harvest.harvest_end = data.harvest_end
    harvest.county_id = township.county_id
    harvest.township_id = township.id
    harvest.village = data.village.strip()
    harvest.lat, harvest.lon = data.lat, data.lon


def can_manage(actor: User, harvest_or_farmer_id) -> bool:
    farmer_id = harvest_or_farmer_id.farmer_id if isinstance(harvest_or_farmer_id, Harvest) else harvest_or_farmer_id
    if actor.role == "farmer":
        return actor.id == farmer_id
    return manages(actor, farmer_id)


def post_harvest(actor: User, farmer_id: int, data: HarvestInput, today: date) -> Harvest:
    """A farmer posts an expected harvest, or a co-op manager posts one for a member, on record."""
    if not can_manage(actor, farmer_id):
        raise DomainError("not_yours")
    _product, _grade, township = _validated(data, today)
    harvest = Harvest(farmer_id=farmer_id, created_by_id=actor.id, status="open")
    _apply(harvest, data, township)
    db.session.add(harvest)
    db.session.flush()
    if actor.id != farmer_id:
        record_action(actor, "post_harvest", on_behalf_of=db.session.get(User, farmer_id), detail=f"harvest:{harvest.id}")
    return harvest


def update_harvest(actor: User, harvest: Harvest, data: HarvestInput, today: date) -> Harvest:
    if not can_manage(actor, harvest):
        raise DomainError("not_yours")
    if harvest.status not in HARVEST_EDITABLE:
        raise DomainError("harvest_not_editable")
    _product, _grade, township = _validated(data, today)
    _apply(harvest, data, township)
    db.session.flush()
    if actor.id != harvest.farmer_id:
        record_action(actor, "edit_harvest", on_behalf_of=harvest.farmer, detail=f"harvest:{harvest.id}")
    return harvest


def withdraw_harvest(actor: User, harvest: Harvest, reason: str) -> Harvest:
    if not can_manage(actor, harvest):
        raise DomainError("not_yours")
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    harvest.status = harvest_transition(harvest.status, "withdrawn")
    harvest.withdraw_reason = reason.strip()[:300]
    db.session.flush()
    if actor.id != harvest.farmer_id:
        record_action(actor, "withdraw_harvest", on_behalf_of=harvest.farmer, detail=f"harvest:{harvest.id}")
    return harvest


def check_harvest(actor: User, farmer_id: int, data: HarvestInput, today: date) -> None:
    """Run every check `post_harvest` runs, without writing (for the expected-kg suggestion)."""
    if not can_manage(actor, farmer_id):
        raise DomainError("not_yours")
    _validated(data, today)


def harvest_for(actor: User, harvest_id: int) -> Harvest | None:
    """A harvest the actor may see: their own, or a member's for a co-op manager; otherwise None (404)."""
    harvest = db.session.get(Harvest, harvest_id)
    if harvest is None or not can_manage(actor, harvest):
        return None
    return harvest


def harvests_query(actor: User, status: str | None = None, product_id: int | None = None,
                   farmer_id: int | None = None):
    query = sa.select(Harvest).options(
        joinedload(Harvest.product), joinedload(Harvest.grade), joinedload(Harvest.township),
        joinedload(Harvest.county), joinedload(Harvest.farmer),
    )
    if actor.role == "farmer":
        query = query.where(Harvest.farmer_id == actor.id)
    else:
        members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == actor.cooperative_id)
        query = query.where(Harvest.farmer_id.in_(members))
    if status:
        query = query.where(Harvest.status == status)
    if product_id:
        query = query.where(Harvest.product_id == product_id)
    if farmer_id:
        query = query.where(Harvest.farmer_id == farmer_id)
    return query.order_by(Harvest.harvest_start.desc(), Harvest.id.desc())


def harvest_acts(harvest: Harvest, limit: int = 50) -> list[ActionRecord]:
    """What co-op managers did to this harvest on the farmer's behalf, newest first."""
    return list(db.session.scalars(
        sa.select(ActionRecord).where(ActionRecord.detail == f"harvest:{harvest.id}")
        .options(joinedload(ActionRecord.actor), joinedload(ActionRecord.on_behalf_of))
        .order_by(ActionRecord.created_at.desc(), ActionRecord.id.desc()).limit(limit)
    ))


def season_window(product: Product, today: date) -> tuple[date, date]:
    """The product's next harvest period from its harvest months (this year's, or next year's once over)."""
    for year in (today.year, today.year + 1):
        start = date(year, product.harvest_start_month, 1)
        end_year = year if product.harvest_end_month >= product.harvest_start_month else year + 1
        end = date(end_year, product.harvest_end_month, calendar.monthrange(end_year, product.harvest_end_month)[1])
        if end >= today:
            return max(start, today), end
    raise AssertionError("unreachable: next year's window always ends after today")


@dataclass(frozen=True)
class HarvestDefaults:
    product_id: int | None
    grade_id: int | None
    harvest_start: date | None
    harvest_end: date | None
    township_id: int | None
    village: str
    area_mu: Decimal | None


def harvest_defaults(farmer: User | None, products: list[Product], today: date,
                     product_id: int | None = None) -> HarvestDefaults:
    """A new harvest's form, prefilled: the farmer's place and area, the product's next season.

    Without a chosen product, the active product whose next harvest comes first.
    """
    chosen = next((p for p in products if p.id == product_id), None)
    if chosen is None and products:
        chosen = min(products, key=lambda p: (season_window(p, today)[0], p.id))
    start, end = season_window(chosen, today) if chosen else (None, None)
    profile = farmer.farmer if farmer is not None else None
    return HarvestDefaults(
        product_id=chosen.id if chosen else None, grade_id=chosen.grades[0].id if chosen and chosen.grades else None,
        harvest_start=start, harvest_end=end,
        township_id=profile.township_id if profile else None, village=profile.village if profile else "",
        area_mu=profile.farm_area_mu if profile else None,
    )
