"""The matching interchange format (MATCHING_FORMAT.md): read an instance, write a solution."""
from datetime import date

from marketplace.domain.matching.model import Lot, Order, Params, Result


class InstanceError(ValueError):
    """A malformed instance; the message names the record and the field."""


def _field(record: dict, name: str, where: str, kind):
    if name not in record:
        raise InstanceError(f"{where}: missing field '{name}'")
    value = record[name]
    try:
        if kind is date:
            if not isinstance(value, str):
                raise TypeError
            return date.fromisoformat(value)
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                raise TypeError
            return int(value)
        if kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return float(value)
        if kind is str:
            if not isinstance(value, str) or not value:
                raise TypeError
            return value
    except (TypeError, ValueError):
        raise InstanceError(f"{where}: field '{name}' is not a valid {kind.__name__}: {value!r}") from None
    raise AssertionError(kind)


def _window(record, where):
    start, end = _field(record, "start", where, date), _field(record, "end", where, date)
    if end < start:
        raise InstanceError(f"{where}: field 'end' is before 'start'")
    return start, end


def _point(record, where):
    lat, lon = _field(record, "lat", where, float), _field(record, "lon", where, float)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InstanceError(f"{where}: field 'lat'/'lon' is not a point on Earth")
    return lat, lon


def read_instance(data: dict, products: set[str] | None = None) -> tuple[list[Lot], list[Order], Params, str]:
    """Validate and convert a parsed JSON instance. `products`, when given, are the known product codes."""
    if not isinstance(data, dict):
        raise InstanceError("instance: not a JSON object")
    raw_params = data.get("params", {})
    if not isinstance(raw_params, dict):
        raise InstanceError("params: not an object")
    params = Params(**{
        name: _field(raw_params, name, "params", kind)
        for name, kind in (("cost_per_kg_km", float), ("road_factor", float), ("min_alloc_kg", int),
                           ("small_farm_mu", float), ("fairness_rate", float))
        if name in raw_params
    })
    if params.min_alloc_kg < 0 or params.cost_per_kg_km < 0 or params.road_factor <= 0:
        raise InstanceError("params: negative cost, road factor or minimum allocation")
    lots, orders, seen = [], [], set()
    for n, rec in enumerate(data.get("lots", []) or []):
        where = f"lots[{n}]" + (f" (id {rec.get('id')!r})" if isinstance(rec, dict) else "")
        if not isinstance(rec, dict):
            raise InstanceError(f"{where}: not an object")
        lot_id, product = _field(rec, "id", where, str), _field(rec, "product", where, str)
        if products is not None and product not in products:
            raise InstanceError(f"{where}: field 'product' is unknown: {product!r}")
        kg, grade = _field(rec, "kg", where, int), _field(rec, "grade", where, int)
        if kg < 0:
            raise InstanceError(f"{where}: field 'kg' is negative")
        if grade < 1:
            raise InstanceError(f"{where}: field 'grade' must be 1 or more")
        if ("lot", lot_id) in seen:
            raise InstanceError(f"{where}: duplicate id")
        seen.add(("lot", lot_id))
        start, end = _window(rec, where)
        lat, lon = _point(rec, where)
        lots.append(Lot(lot_id, product, kg, grade, start, end, lat, lon, _field(rec, "farm_mu", where, float)))
    for n, rec in enumerate(data.get("orders", []) or []):
        where = f"orders[{n}]" + (f" (id {rec.get('id')!r})" if isinstance(rec, dict) else "")
        if not isinstance(rec, dict):
            raise InstanceError(f"{where}: not an object")
        order_id, product = _field(rec, "id", where, str), _field(rec, "product", where, str)
        if products is not None and product not in products:
            raise InstanceError(f"{where}: field 'product' is unknown: {product!r}")
        kg, min_grade = _field(rec, "kg", where, int), _field(rec, "min_grade", where, int)
        if kg < 0:
            raise InstanceError(f"{where}: field 'kg' is negative")
        if ("order", order_id) in seen:
            raise InstanceError(f"{where}: duplicate id")
        seen.add(("order", order_id))
        raw_price = rec.get("price")
        if not isinstance(raw_price, dict) or not raw_price:
            raise InstanceError(f"{where}: field 'price' must be an object of grade: yuan per kg")
        price = {}
        for key, value in raw_price.items():
            if not str(key).isdigit() or int(key) < 1:
                raise InstanceError(f"{where}: field 'price' has a grade key that is not a number: {key!r}")
            price[int(key)] = _field(raw_price, key, f"{where} price", float)
            if price[int(key)] < 0:
                raise InstanceError(f"{where}: field 'price' is negative for grade {key}")
        cap = rec.get("max_suppliers")
        if cap is not None:
            cap = _field(rec, "max_suppliers", where, int)
            if cap < 1:
                raise InstanceError(f"{where}: field 'max_suppliers' must be 1 or more")
        start, end = _window(rec, where)
        lat, lon = _point(rec, where)
        orders.append(Order(order_id, product, kg, min_grade, start, end, lat, lon, price, cap))
    name = str((data.get("meta") or {}).get("name", "instance"))
    return lots, orders, params, name


def write_solution(name: str, result: Result) -> dict:
    return {
        "instance": name,
        "allocations": [{"lot_id": a.lot_id, "order_id": a.order_id, "kg": a.kg}
                        for a in sorted(result.allocations, key=lambda a: (a.lot_id, a.order_id))],
    }
