"""Realistic matching instances: safflower seed and filament around the Ili valley's county seats."""
import random
from datetime import date, timedelta

from marketplace.domain.matching import Lot, Order, Params

#: County seats (DESIGN §3) and a weight for how much safflower each grows.
COUNTIES = {
    "Yining_City": (43.908, 81.278, 1), "Yining_County": (43.977, 81.527, 3), "Qapqal": (43.841, 81.151, 5),
    "Huocheng": (44.010, 80.808, 5), "Khorgas": (44.213, 80.410, 1), "Gongliu": (43.467, 82.149, 2),
    "Nilka": (43.800, 82.512, 1), "Tekes": (43.214, 81.837, 2), "Zhaosu": (43.157, 81.131, 2),
    "Xinyuan": (43.43, 83.25, 1),
}
PRODUCTS = {
    # yield kg/mu (low, high), grade prices yuan/kg (best first), harvest window
    "safflower_filament": ((6, 28), (150.0, 115.0, 80.0), (date(2025, 6, 10), date(2025, 7, 31))),
    "safflower_seed": ((90, 135), (6.2, 5.3), (date(2025, 8, 5), date(2025, 9, 30))),
}


def _near(rng, county):
    lat, lon, _w = COUNTIES[county]
    return round(lat + rng.gauss(0, 0.09), 5), round(lon + rng.gauss(0, 0.12), 5)


def generate(n_lots: int, n_orders: int, seed: int = 42) -> tuple[list[Lot], list[Order], Params]:
    rng = random.Random(seed)
    names, weights = list(COUNTIES), [w for *_x, w in COUNTIES.values()]
    lots, supply = [], {p: 0 for p in PRODUCTS}
    for i in range(n_lots):
        product = "safflower_filament" if rng.random() < 0.4 else "safflower_seed"
        (low, high), prices, (h0, h1) = PRODUCTS[product]
        mu = round(min(150.0, max(3.0, rng.lognormvariate(3.0, 0.6))), 1)
        kg = max(1, int(mu * rng.uniform(low, high)))
        grade = rng.choices(range(1, len(prices) + 1), weights=[3, 4, 2][: len(prices)])[0]
        start = h0 + timedelta(days=rng.randint(0, (h1 - h0).days - 10))
        lat, lon = _near(rng, rng.choices(names, weights)[0])
        lots.append(Lot(f"L{i:06d}", product, kg, grade, start, start + timedelta(days=rng.randint(7, 21)),
                        lat, lon, mu))
        supply[product] += kg
    orders = []
    count = {p: 0 for p in PRODUCTS}
    for j in range(n_orders):
        count["safflower_filament" if j % 5 < 2 else "safflower_seed"] += 1
    j = 0
    for product, n in count.items():
        _y, prices, (h0, h1) = PRODUCTS[product]
        demand = supply[product] * rng.uniform(0.9, 1.05)
        shares = [rng.uniform(0.3, 1.7) for _ in range(n)]
        for share in shares:
            kg = max(1, int(demand * share / sum(shares)))
            min_grade = rng.choices(range(1, len(prices) + 1), weights=[1, 3, 2][: len(prices)])[0]
            level = rng.uniform(0.9, 1.1)
            price = {g: round(prices[g - 1] * level, 2) for g in range(1, min_grade + 1)}
            start = h0 + timedelta(days=rng.randint(0, (h1 - h0).days))
            lat, lon = _near(rng, rng.choices(names, weights)[0])
            avg_lot = supply[product] / max(1, sum(1 for x in lots if x.product == product))
            orders.append(Order(f"O{j:05d}", product, kg, min_grade, start,
                                start + timedelta(days=rng.randint(20, 50)), lat, lon, price,
                                max(3, int(kg / avg_lot * 1.6))))
            j += 1
    params = Params(cost_per_kg_km=0.0008, road_factor=1.25, min_alloc_kg=30, small_farm_mu=30.0,
                    fairness_rate=0.01)
    return lots, orders, params


def to_json(name: str, lots, orders, params) -> dict:
    return {
        "meta": {"name": name, "version": 1},
        "params": params.__dict__,
        "lots": [{"id": x.id, "product": x.product, "kg": x.kg, "grade": x.grade, "start": x.start.isoformat(),
                  "end": x.end.isoformat(), "lat": x.lat, "lon": x.lon, "farm_mu": x.farm_mu} for x in lots],
        "orders": [{"id": o.id, "product": o.product, "kg": o.kg, "min_grade": o.min_grade,
                    "start": o.start.isoformat(), "end": o.end.isoformat(), "lat": o.lat, "lon": o.lon,
                    "price": {str(g): p for g, p in o.price.items()}, "max_suppliers": o.max_suppliers}
                   for o in orders],
    }
