"""Open contract orders as a farmer or a co-op manager browses them: nearest collection point first."""
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.domain.listings import road_km
from marketplace.extensions import db
from marketplace.models import ContractOrder, Harvest, User
from marketplace.services.orders import orders_query

#: Orders a farmer may see and offer to.
VISIBLE_STATUSES = ("open", "partly_matched")


@dataclass(frozen=True)
class NearbyOrder:
    order: ContractOrder
    #: Road km from the reader's place to the collection point; None when the reader has no place.
    km: int | None


def origin_of(user: User) -> tuple[float, float] | None:
    """Where distances are measured from: the farmer's township, or the co-op's county seat."""
    if user.role == "farmer" and user.farmer is not None:
        return user.farmer.township.lat, user.farmer.township.lon
    if user.role == "coop_manager" and user.cooperative is not None:
        return user.cooperative.county.lat, user.cooperative.county.lon
    return None


def harvest_product_ids(farmer_id: int) -> list[int]:
    """The products a farmer grows, from their harvests (withdrawn ones aside)."""
    return list(db.session.scalars(
        sa.select(Harvest.product_id).distinct()
        .where(Harvest.farmer_id == farmer_id, Harvest.status != "withdrawn")
    ))


def orders_by_distance(origin: tuple[float, float] | None, product_ids=None) -> list[NearbyOrder]:
    """Every open or partly matched order of the products (all when None), nearest first.

    One query (the order's product, grade, county and processor are joined); there are few
    open orders, so sorting by distance in Python is cheap.
    """
    query = orders_query(statuses=VISIBLE_STATUSES)
    if product_ids is not None:
        query = query.where(ContractOrder.product_id.in_(product_ids))
    found = []
    for order in db.session.scalars(query):
        km = road_km(origin[0], origin[1], order.collection_lat, order.collection_lon) if origin else None
        found.append(NearbyOrder(order, km))
    found.sort(key=lambda n: (n.km if n.km is not None else 0, n.order.delivery_start, n.order.id))
    return found
