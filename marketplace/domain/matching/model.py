"""Inputs and outputs of matching, and the value of a kilogram on an arc."""
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import numpy as np

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Lot:
    id: str
    product: str
    kg: int
    grade: int
    start: date
    end: date
    lat: float
    lon: float
    farm_mu: float


@dataclass(frozen=True)
class Order:
    id: str
    product: str
    kg: int
    min_grade: int
    start: date
    end: date
    lat: float
    lon: float
    #: Yuan per kg keyed by grade rank (1 = best).
    price: Mapping[int, float] = field(default_factory=dict)
    max_suppliers: int | None = None


@dataclass(frozen=True)
class Params:
    cost_per_kg_km: float = 0.0008
    road_factor: float = 1.25
    min_alloc_kg: int = 0
    small_farm_mu: float = 30.0
    fairness_rate: float = 0.0


@dataclass(frozen=True)
class Allocation:
    lot_id: str
    order_id: str
    kg: int


@dataclass(frozen=True)
class Result:
    allocations: tuple[Allocation, ...]
    kg: int
    value: float
    mode: str
    seconds: float
    #: The core optimum (without side options): the bound a full solution is measured against.
    bound_kg: int
    bound_value: float
    #: True when the allocation is proven optimal for its mode.
    exact: bool
    rounds: int = 0
    columns: int = 0

    @property
    def gap_kg(self) -> float:
        return 0.0 if self.bound_kg == 0 else (self.bound_kg - self.kg) / self.bound_kg

    @property
    def gap_value(self) -> float:
        return 0.0 if self.bound_value == 0 else (self.bound_value - self.value) / abs(self.bound_value)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km; works on floats or numpy arrays (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def value_per_kg(lot: Lot, order: Order, params: Params) -> float | None:
    """v for one arc, rounded to 1e-4 yuan; None when the lot may not go to the order."""
    if not compatible(lot, order):
        return None
    factor = 1 + params.fairness_rate if lot.farm_mu <= params.small_farm_mu else 1.0
    km = float(great_circle_km(lot.lat, lot.lon, order.lat, order.lon))
    return round(order.price[lot.grade] * factor - params.cost_per_kg_km * params.road_factor * km, 4)


def compatible(lot: Lot, order: Order) -> bool:
    return (lot.product == order.product and lot.grade <= order.min_grade and lot.start <= order.end
            and order.start <= lot.end and lot.grade in order.price and lot.kg > 0 and order.kg > 0)


def objective(allocations, lots: dict, orders: dict, params: Params) -> tuple[int, float]:
    kg = sum(a.kg for a in allocations)
    value = sum(a.kg * value_per_kg(lots[a.lot_id], orders[a.order_id], params) for a in allocations)
    return kg, round(value, 4)


def check_feasible(allocations, lots: dict, orders: dict, params: Params, full: bool) -> None:
    """Raise ValueError when an allocation breaks a rule (used by tests and the CLI)."""
    per_lot, per_order, suppliers = {}, {}, {}
    seen = set()
    for a in allocations:
        if (a.lot_id, a.order_id) in seen or a.kg <= 0:
            raise ValueError(f"duplicate or empty allocation {a}")
        seen.add((a.lot_id, a.order_id))
        if value_per_kg(lots[a.lot_id], orders[a.order_id], params) is None:
            raise ValueError(f"incompatible allocation {a}")
        per_lot[a.lot_id] = per_lot.get(a.lot_id, 0) + a.kg
        per_order[a.order_id] = per_order.get(a.order_id, 0) + a.kg
        suppliers[a.order_id] = suppliers.get(a.order_id, 0) + 1
        if full and a.kg < params.min_alloc_kg:
            raise ValueError(f"allocation below the minimum {a}")
    for lot_id, kg in per_lot.items():
        if kg > lots[lot_id].kg:
            raise ValueError(f"lot {lot_id} over-allocated")
    for order_id, kg in per_order.items():
        if kg > orders[order_id].kg:
            raise ValueError(f"order {order_id} over-filled")
        cap = orders[order_id].max_suppliers
        if full and cap is not None and suppliers[order_id] > cap:
            raise ValueError(f"order {order_id} has too many suppliers")

