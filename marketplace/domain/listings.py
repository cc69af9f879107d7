"""Rules for listings: statuses, windows, plausible quantities, distances."""
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from marketplace.domain.errors import DomainError, InvalidTransition

HARVEST_TRANSITIONS = {
    ("open", "partly_matched"), ("partly_matched", "open"), ("open", "contracted"),
    ("partly_matched", "contracted"), ("contracted", "delivered"),
    ("open", "withdrawn"), ("partly_matched", "withdrawn"),
}
ORDER_TRANSITIONS = {
    ("draft", "open"), ("open", "partly_matched"), ("partly_matched", "open"), ("open", "filled"),
    ("partly_matched", "filled"), ("draft", "closed"), ("open", "closed"), ("partly_matched", "closed"),
    ("filled", "closed"),
}
#: A harvest may be edited only while nothing of it has been matched.
HARVEST_EDITABLE = frozenset({"open"})
ORDER_EDITABLE = frozenset({"draft", "open"})
#: More than this many times the typical yield needs the farmer's explicit confirmation.
ABSURD_YIELD_FACTOR = 10
EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = Decimal("1.25")


def harvest_transition(current: str, target: str) -> str:
    if (current, target) not in HARVEST_TRANSITIONS:
        raise InvalidTransition("harvest", current, target)
    return target


def order_transition(current: str, target: str) -> str:
    if (current, target) not in ORDER_TRANSITIONS:
        raise InvalidTransition("order", current, target)
    return target


def check_window(start: date, end: date, today: date, field: str = "harvest_start") -> None:
    if end < start:
        raise DomainError("window_backwards", field=field.replace("start", "end"))
    if end < today:
        raise DomainError("window_in_past", field=field.replace("start", "end"))
    if (end - start).days > 366:
        raise DomainError("window_too_long", field=field.replace("start", "end"))


@dataclass(frozen=True)
class YieldCheck:
    suggested_kg: int
    typical_kg_per_mu: Decimal
    implausible: bool


def suggest_kg(area_mu: Decimal, typical_kg_per_mu: Decimal) -> int:
    """Area × typical yield, rounded to the kilogram."""
    return int((Decimal(area_mu) * Decimal(typical_kg_per_mu)).to_integral_value())


def check_yield(area_mu: Decimal, expected_kg: int, typical_kg_per_mu: Decimal) -> YieldCheck:
    suggested = suggest_kg(area_mu, typical_kg_per_mu)
    implausible = expected_kg > ABSURD_YIELD_FACTOR * max(suggested, 1)
    return YieldCheck(suggested, Decimal(typical_kg_per_mu), implausible)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Road distance as DESIGN §3 estimates it: 1.25 × the great-circle distance, whole km."""
    return round(float(ROAD_FACTOR) * great_circle_km(lat1, lon1, lat2, lon2))


def check_coordinates(lat: float | None, lon: float | None) -> None:
    """A map point, when given, must be a point in or near the Ili valley."""
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise DomainError("point_incomplete", field="lat")
    if not (40.0 <= lat <= 47.0 and 78.0 <= lon <= 86.0):
        raise DomainError("point_outside_valley", field="lat")
