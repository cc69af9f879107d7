"""Lots and orders as numpy arrays, and the value and compatibility of many arcs at once."""
from dataclasses import dataclass

import numpy as np

from marketplace.domain.matching.model import Lot, Order, Params, great_circle_km


@dataclass
class Problem:
    lots: list[Lot]
    orders: list[Order]
    lot_kg: np.ndarray
    order_kg: np.ndarray
    lot_product: np.ndarray
    order_product: np.ndarray
    lot_grade: np.ndarray
    lot_start: np.ndarray
    lot_end: np.ndarray
    lot_lat: np.ndarray
    lot_lon: np.ndarray
    lot_factor: np.ndarray
    order_min_grade: np.ndarray
    order_start: np.ndarray
    order_end: np.ndarray
    order_lat: np.ndarray
    order_lon: np.ndarray
    #: price[j, g] in yuan per kg for grade rank g (NaN where the order has no price).
    price: np.ndarray
    cost_per_km: float


def build(lots: list[Lot], orders: list[Order], params: Params) -> Problem:
    products = {p: i for i, p in enumerate(sorted({x.product for x in lots} | {o.product for o in orders}))}
    max_grade = max([lot.grade for lot in lots] + [g for o in orders for g in o.price] + [1])
    price = np.full((len(orders), max_grade + 1), np.nan)
    for j, order in enumerate(orders):
        for grade, value in order.price.items():
            price[j, grade] = value
    small = np.array([lot.farm_mu <= params.small_farm_mu for lot in lots], dtype=bool)
    return Problem(
        lots=lots, orders=orders,
        lot_kg=np.array([lot.kg for lot in lots], dtype=np.int64),
        order_kg=np.array([o.kg for o in orders], dtype=np.int64),
        lot_product=np.array([products[lot.product] for lot in lots], dtype=np.int32),
        order_product=np.array([products[o.product] for o in orders], dtype=np.int32),
        lot_grade=np.array([lot.grade for lot in lots], dtype=np.int32),
        lot_start=np.array([lot.start.toordinal() for lot in lots], dtype=np.int64),
        lot_end=np.array([lot.end.toordinal() for lot in lots], dtype=np.int64),
        lot_lat=np.array([lot.lat for lot in lots]), lot_lon=np.array([lot.lon for lot in lots]),
        lot_factor=np.where(small, 1.0 + params.fairness_rate, 1.0),
        order_min_grade=np.array([o.min_grade for o in orders], dtype=np.int32),
        order_start=np.array([o.start.toordinal() for o in orders], dtype=np.int64),
        order_end=np.array([o.end.toordinal() for o in orders], dtype=np.int64),
        order_lat=np.array([o.lat for o in orders]), order_lon=np.array([o.lon for o in orders]),
        price=price, cost_per_km=params.cost_per_kg_km * params.road_factor,
    )


def block(pb: Problem, lots: np.ndarray, orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value per kg (rounded to 1e-4 yuan) and compatibility for every (lot, order) of two index arrays."""
    li, oj = lots[:, None], orders[None, :]
    grade = pb.lot_grade[li]
    unit_price = pb.price[oj, grade]
    ok = ((pb.lot_product[li] == pb.order_product[oj]) & (grade <= pb.order_min_grade[oj])
          & (pb.lot_start[li] <= pb.order_end[oj]) & (pb.order_start[oj] <= pb.lot_end[li])
          & ~np.isnan(unit_price) & (pb.lot_kg[li] > 0) & (pb.order_kg[oj] > 0))
    km = great_circle_km(pb.lot_lat[li], pb.lot_lon[li], pb.order_lat[oj], pb.order_lon[oj])
    value = np.round(unit_price * pb.lot_factor[li] - pb.cost_per_km * km, 4)
    return np.where(ok, value, np.nan), ok


def arc_values(pb: Problem, lot_idx: np.ndarray, order_idx: np.ndarray) -> np.ndarray:
    """v for a list of arcs (paired index arrays)."""
    grade = pb.lot_grade[lot_idx]
    km = great_circle_km(pb.lot_lat[lot_idx], pb.lot_lon[lot_idx], pb.order_lat[order_idx], pb.order_lon[order_idx])
    return np.round(pb.price[order_idx, grade] * pb.lot_factor[lot_idx] - pb.cost_per_km * km, 4)

