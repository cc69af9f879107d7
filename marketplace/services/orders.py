"""Contract orders: create, edit while nothing is matched, publish, close; their terms for the engine."""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import ORDER_EDITABLE, check_coordinates, check_window, order_transition
from marketplace.domain.terms import PER_KG, SHARE_COOP, Deductions, PriceTerms, validate_deductions
from marketplace.extensions import db
from marketplace.models import ContractOrder, County, Grade, Product, User


@dataclass(frozen=True)
class OrderInput:
    product_id: int
    kg_wanted: int
    min_grade_id: int
    delivery_start: date
    delivery_end: date
    collection_county_id: int
    collection_point: str
    collection_lat: float | None
    collection_lon: float | None
    max_suppliers: int | None
    min_alloc_kg: int
    term_type: str
    #: Grade rank -> fen per kg (contract price, floor or base, by term type).
    prices: dict = field(default_factory=dict)
    caps: dict = field(default_factory=dict)
    margin_bp: int = 0
    share_bp: int = 0
    base_fen_per_mu: int = 0
    advance_seed_fen_per_mu: int = 0
    advance_fertiliser_fen_per_mu: int = 0
    advance_cash_fen_per_mu: int = 0
    coop_fee_bp: int = 0
    risk_levy_bp: int = 0
    short_delivery_penalty_bp: int = 0
    refusal_penalty_bp: int = 0


def terms_of(order: ContractOrder) -> PriceTerms:
    return terms_from_json(order.term_type, order.terms or {})


def terms_from_json(kind: str, t: dict) -> PriceTerms:
    """Price terms as stored in JSON (an order's, or a contract's frozen ones); the engine validates them."""
    return PriceTerms(
        kind,
        prices={int(k): int(v) for k, v in t.get("prices", {}).items()},
        caps={int(k): int(v) for k, v in t.get("caps", {}).items()},
        margin_bp=int(t.get("margin_bp", 0)), share_bp=int(t.get("share_bp", 0)),
        base_fen_per_mu=int(t.get("base_fen_per_mu", 0)),
    )


def deductions_of(order: ContractOrder) -> Deductions:
    return Deductions(coop_fee_bp=order.coop_fee_bp, risk_levy_bp=order.risk_levy_bp)


def _validated(data: OrderInput, today: date) -> tuple[Product, Grade, County, PriceTerms]:
    product = db.session.get(Product, data.product_id)
    if product is None or not product.active:
        raise DomainError("product_unknown", field="product_id")
    grade = db.session.get(Grade, data.min_grade_id)
    if grade is None or grade.product_id != product.id:
        raise DomainError("grade_not_of_product", field="min_grade_id")
    county = db.session.get(County, data.collection_county_id)
    if county is None:
        raise DomainError("county_unknown", field="collection_county_id")
    if data.kg_wanted <= 0:
        raise DomainError("kg_not_positive", field="kg_wanted")
    check_window(data.delivery_start, data.delivery_end, today, field="delivery_start")
    check_coordinates(data.collection_lat, data.collection_lon)
    if data.max_suppliers is not None and data.max_suppliers <= 0:
        raise DomainError("max_suppliers_not_positive", field="max_suppliers")
    if data.min_alloc_kg < 0 or data.min_alloc_kg > data.kg_wanted:
        raise DomainError("min_alloc_out_of_range", field="min_alloc_kg")
    eligible = {g.rank for g in product.grades if g.rank <= grade.rank}
    prices = {r: p for r, p in data.prices.items() if r in eligible}
    caps = {r: c for r, c in data.caps.items() if r in eligible}
    if data.term_type in PER_KG and set(prices) != eligible:
        raise DomainError("price_missing_for_grade", field="prices")
    terms = PriceTerms(data.term_type, prices=prices if data.term_type != SHARE_COOP else {},
                       caps=caps, margin_bp=data.margin_bp, share_bp=data.share_bp,
                       base_fen_per_mu=data.base_fen_per_mu)
    validate_deductions(Deductions(data.coop_fee_bp, data.risk_levy_bp))
    for name in ("short_delivery_penalty_bp", "refusal_penalty_bp"):
        if not 0 <= getattr(data, name) <= 10_000:
            raise DomainError("percent_out_of_range", field=name.replace("_bp", "_pct"))
    for name in ("advance_seed_fen_per_mu", "advance_fertiliser_fen_per_mu", "advance_cash_fen_per_mu"):
        if getattr(data, name) < 0:
            raise DomainError("advance_negative", field=name.replace("_fen_per_mu", "_per_mu"))
    return product, grade, county, terms


def _apply(order: ContractOrder, data: OrderInput, county: County, terms: PriceTerms) -> None:
    order.product_id = data.product_id
    order.kg_wanted = data.kg_wanted
    order.min_grade_id = data.min_grade_id
    order.delivery_start, order.delivery_end = data.delivery_start, data.delivery_end
    order.collection_county_id = county.id
    order.collection_point = data.collection_point.strip()
    # Without a map point, the collection point is taken to be at the county seat.
    order.collection_lat = data.collection_lat if data.collection_lat is not None else county.lat
    order.collection_lon = data.collection_lon if data.collection_lon is not None else county.lon
    order.max_suppliers = data.max_suppliers
    order.min_alloc_kg = data.min_alloc_kg
    order.term_type = terms.kind
    order.terms = {
        "prices": {str(k): v for k, v in sorted(terms.prices.items())},
        "caps": {str(k): v for k, v in sorted(terms.caps.items())},
        "margin_bp": terms.margin_bp, "share_bp": terms.share_bp, "base_fen_per_mu": terms.base_fen_per_mu,
    }
    for name in ("advance_seed_fen_per_mu", "advance_fertiliser_fen_per_mu", "advance_cash_fen_per_mu",
                 "coop_fee_bp", "risk_levy_bp", "short_delivery_penalty_bp", "refusal_penalty_bp"):
        setattr(order, name, getattr(data, name))


def create_order(actor: User, data: OrderInput, today: date, publish: bool) -> ContractOrder:
    if actor.role != "processor" or actor.processor_id is None:
        raise DomainError("not_yours")
    _p, _g, county, terms = _validated(data, today)
    order = ContractOrder(processor_id=actor.processor_id, created_by_id=actor.id, status="draft")
    _apply(order, data, county, terms)
    if publish:
        order.status = order_transition(order.status, "open")
    db.session.add(order)
    db.session.flush()
    return order


def update_order(actor: User, order: ContractOrder, data: OrderInput, today: date) -> ContractOrder:
    if order.processor_id != actor.processor_id:
        raise DomainError("not_yours")
    if order.status not in ORDER_EDITABLE:
        raise DomainError("order_not_editable")
    _p, _g, county, terms = _validated(data, today)
    _apply(order, data, county, terms)
    db.session.flush()
    return order


def publish_order(actor: User, order: ContractOrder, today: date) -> ContractOrder:
    if order.processor_id != actor.processor_id:
        raise DomainError("not_yours")
    # A draft kept too long may have a delivery window already over.
    check_window(order.delivery_start, order.delivery_end, today, field="delivery_start")
    order.status = order_transition(order.status, "open")
    db.session.flush()
    return order


def close_order(actor: User, order: ContractOrder, reason: str) -> ContractOrder:
    if order.processor_id != actor.processor_id:
        raise DomainError("not_yours")
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    order.status = order_transition(order.status, "closed")
    order.close_reason = reason.strip()[:300]
    db.session.flush()
    return order


def order_for_processor(actor: User, order_id: int) -> ContractOrder | None:
    order = db.session.get(ContractOrder, order_id)
    if order is None or order.processor_id != actor.processor_id:
        return None
    return order


def visible_order(order_id: int) -> ContractOrder | None:
    """An order any logged-in farmer or co-op manager may read: open or partly matched."""
    order = db.session.get(ContractOrder, order_id)
    if order is None or order.status not in ("open", "partly_matched"):
        return None
    return order


def orders_query(processor_id: int | None = None, statuses=None, product_id: int | None = None):
    query = sa.select(ContractOrder).options(
        joinedload(ContractOrder.product), joinedload(ContractOrder.min_grade),
        joinedload(ContractOrder.collection_county), joinedload(ContractOrder.processor),
    )
    if processor_id is not None:
        query = query.where(ContractOrder.processor_id == processor_id)
    if statuses:
        query = query.where(ContractOrder.status.in_(statuses))
    if product_id:
        query = query.where(ContractOrder.product_id == product_id)
    return query
