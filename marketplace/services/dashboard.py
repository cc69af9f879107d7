"""What each role needs to see first: counts and to-dos, a few grouped queries."""
from datetime import date

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.services import market
from marketplace.models import (
    ActionRecord, ContractOrder, Cooperative, FarmerProfile, Harvest, Membership, PriceIndexEntry, Product, User,
)

OPEN_ORDER = ("open", "partly_matched")


def _harvest_totals(where) -> dict:
    """{status: (count, expected kg)} for the harvests matching `where`, in one grouped query."""
    rows = db.session.execute(
        sa.select(Harvest.status, sa.func.count(Harvest.id), sa.func.coalesce(sa.func.sum(Harvest.expected_kg), 0))
        .where(where).group_by(Harvest.status)
    ).all()
    return {status: (count, kg) for status, count, kg in rows}


def farmer_overview(user: User) -> dict:
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.farmer_id == user.id)
        .options(sa.orm.joinedload(Membership.cooperative))
    ).all()
    harvests = _harvest_totals(Harvest.farmer_id == user.id)
    my_products = sa.select(Harvest.product_id).where(Harvest.farmer_id == user.id)
    open_orders = db.session.scalar(
        sa.select(sa.func.count(ContractOrder.id)).where(ContractOrder.status.in_(OPEN_ORDER))
        .where(ContractOrder.product_id.in_(my_products) if harvests else sa.true())
    )
    profile = db.session.scalar(
        sa.select(FarmerProfile).where(FarmerProfile.user_id == user.id)
        .options(sa.orm.joinedload(FarmerProfile.county), sa.orm.joinedload(FarmerProfile.township))
    )
    return {"profile": profile, "memberships": memberships, "harvests": harvests, "open_orders": open_orders,
            "signals": market.signals(date.today())}


def coop_overview(user: User) -> dict:
    coop_id = user.cooperative_id
    total, phoneless, area = db.session.execute(
        sa.select(
            sa.func.count(Membership.id),
            sa.func.count(User.id).filter(User.phone.is_(None)),
            sa.func.coalesce(sa.func.sum(FarmerProfile.farm_area_mu), 0),
        )
        .select_from(Membership)
        .join(User, User.id == Membership.farmer_id)
        .join(FarmerProfile, FarmerProfile.user_id == User.id)
        .where(Membership.cooperative_id == coop_id)
    ).one()
    recent = db.session.scalars(
        sa.select(ActionRecord)
        .where(ActionRecord.actor_id.in_(sa.select(User.id).where(User.cooperative_id == coop_id)))
        .options(sa.orm.joinedload(ActionRecord.actor), sa.orm.joinedload(ActionRecord.on_behalf_of))
        .order_by(ActionRecord.created_at.desc(), ActionRecord.id.desc())
        .limit(10)
    ).all()
    members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == coop_id)
    return {"cooperative": db.session.get(Cooperative, coop_id), "members": total,
            "phoneless": phoneless, "area": area, "recent": recent,
            "harvests": _harvest_totals(Harvest.farmer_id.in_(members))}


def processor_overview(user: User) -> dict:
    rows = db.session.execute(
        sa.select(ContractOrder.status, sa.func.count(ContractOrder.id),
                  sa.func.coalesce(sa.func.sum(ContractOrder.kg_wanted), 0))
        .where(ContractOrder.processor_id == user.processor_id).group_by(ContractOrder.status)
    ).all()
    supply_kg = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Harvest.expected_kg), 0)).where(Harvest.status.in_(OPEN_ORDER))
    )
    return {"processor": user.processor, "orders": {s: (c, kg) for s, c, kg in rows}, "supply_kg": supply_kg}


def admin_overview() -> dict:
    pending = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.status == "pending"))
    by_role = dict(db.session.execute(sa.select(User.role, sa.func.count(User.id)).group_by(User.role)).all())
    products = db.session.scalar(sa.select(sa.func.count(Product.id)).where(Product.active.is_(True)))
    latest_price = db.session.scalar(sa.select(sa.func.max(PriceIndexEntry.on_date)))
    return {"pending": pending, "by_role": by_role, "products": products, "latest_price": latest_price}
