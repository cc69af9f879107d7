"""Matching runs in the product: open harvests and orders of a product and season in, proposals out."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import road_km
from marketplace.domain.matching import Lot, Order, Params, solve_full
from marketplace.domain.matching.model import great_circle_km
from marketplace.extensions import db
from marketplace.models import ContractOrder, Harvest, MatchRun, Product, Proposal, User
from marketplace.models.base import utcnow
from marketplace.services.notifications import notify_farmer, notify_processor
from marketplace.services.orders import terms_of

RUNNERS = frozenset({"admin", "coop_manager"})
#: Transport cost per kg·km in yuan, and the days each side has to answer.
COST_PER_KG_KM = 0.0008
ROAD_FACTOR = 1.25
ANSWER_DAYS = 7
SMALL_FARM_MU = 30.0
FAIRNESS_RATE = 0.01
LIVE = ("pending", "accepted")


def expire_proposals(today: date) -> int:
    """Pending proposals past their deadline become expired: their volume returns to the pool."""
    result = db.session.execute(
        sa.update(Proposal).where(Proposal.status == "pending", Proposal.deadline < today).values(status="expired")
    )
    return result.rowcount


def committed_kg(column, ids) -> dict[int, int]:
    """kg already proposed (pending) or agreed, per harvest or per order: not offered again."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(column, sa.func.sum(Proposal.kg)).where(column.in_(ids), Proposal.status.in_(LIVE)).group_by(column)
    ).all()
    return dict(rows)


def per_kg_price(order: ContractOrder, product: Product) -> dict[int, float]:
    """Yuan per kg by grade rank, as the matcher values an order (share cooperation: base per mu ÷ yield)."""
    terms = terms_of(order)
    if terms.prices:
        return {rank: fen / 100 for rank, fen in terms.prices.items()}
    per_kg = terms.base_fen_per_mu / float(product.typical_yield_kg_per_mu) / 100
    return {g.rank: per_kg for g in product.grades if g.rank <= order.min_grade.rank}


def queue_run(actor: User, product_id: int, season: int, today: date) -> MatchRun:
    """Record a run to be worked (phase "queued"); `execute_run` does the work."""
    if actor.role not in RUNNERS:
        raise DomainError("not_yours")
    if db.session.get(Product, product_id) is None:
        raise DomainError("product_unknown", field="product_id")
    run = MatchRun(product_id=product_id, season=season, mode="full", status="running", phase="queued",
                   started_by_id=actor.id, deadline=today + timedelta(days=ANSWER_DAYS))
    db.session.add(run)
    db.session.flush()
    return run


def execute_run(run_id: int, today: date):
    """Work a queued run, yielding after each phase so the caller can commit and the page show progress."""
    run = db.session.get(MatchRun, run_id)
    product = run.product
    run.phase = "loading"
    yield run
    expire_proposals(today)
    harvests = db.session.scalars(
        sa.select(Harvest).where(Harvest.product_id == product.id, Harvest.status.in_(("open", "partly_matched")),
                                 sa.extract("year", Harvest.harvest_start) == run.season)
        .options(joinedload(Harvest.township), joinedload(Harvest.grade), joinedload(Harvest.farmer))
    ).all()
    orders = db.session.scalars(
        sa.select(ContractOrder).where(ContractOrder.product_id == product.id,
                                       ContractOrder.status.in_(("open", "partly_matched")),
                                       sa.extract("year", ContractOrder.delivery_start) == run.season)
        .options(joinedload(ContractOrder.min_grade))
    ).all()
    used_h = committed_kg(Proposal.harvest_id, [h.id for h in harvests])
    used_o = committed_kg(Proposal.order_id, [o.id for o in orders])
    lots = [Lot(str(h.id), product.code, h.expected_kg - used_h.get(h.id, 0), h.grade.rank, h.harvest_start,
                h.harvest_end, h.lat if h.lat is not None else h.township.lat,
                h.lon if h.lon is not None else h.township.lon, float(h.farmer.farmer.farm_area_mu))
            for h in harvests if h.expected_kg - used_h.get(h.id, 0) > 0]
    order_rows = {o.id: o for o in orders}
    market = [Order(str(o.id), product.code, o.kg_wanted - used_o.get(o.id, 0), o.min_grade.rank, o.delivery_start,
                    o.delivery_end, o.collection_lat, o.collection_lon, per_kg_price(o, product), o.max_suppliers)
              for o in orders if o.kg_wanted - used_o.get(o.id, 0) > 0]
    run.lots, run.orders, run.phase = len(lots), len(market), "solving"
    yield run
    params = Params(cost_per_kg_km=COST_PER_KG_KM, road_factor=ROAD_FACTOR,
                    min_alloc_kg=min((o.min_alloc_kg for o in orders), default=0),
                    small_farm_mu=SMALL_FARM_MU, fairness_rate=FAIRNESS_RATE)
    result = solve_full(lots, market, params)
    run.matched_kg, run.value_fen = result.kg, round(result.value * 100)
    run.bound_kg, run.seconds, run.phase = result.bound_kg, result.seconds, "proposing"
    yield run
    by_harvest = {h.id: h for h in harvests}
    for a in result.allocations:
        propose_pair(run, product, by_harvest[int(a.lot_id)], order_rows[int(a.order_id)], a.kg)
    run.status, run.phase, run.finished_at = "done", "done", utcnow()
    db.session.flush()
    yield run


def propose_pair(run: MatchRun, product: Product, harvest: Harvest, order: ContractOrder, kg: int) -> Proposal:
    """One proposal of the run: this much of the harvest to the order, at the order's price for its grade."""
    lat = harvest.lat if harvest.lat is not None else harvest.township.lat
    lon = harvest.lon if harvest.lon is not None else harvest.township.lon
    km = float(great_circle_km(lat, lon, order.collection_lat, order.collection_lon))
    price = per_kg_price(order, product)[harvest.grade.rank]
    proposal = Proposal(
        run_id=run.id, harvest_id=harvest.id, order_id=order.id, kg=kg, deadline=run.deadline,
        price_fen_per_kg=round(Decimal(str(price)) * 100),
        distance_km=road_km(lat, lon, order.collection_lat, order.collection_lon),
        transport_fen_per_kg=round(COST_PER_KG_KM * ROAD_FACTOR * km * 100),
    )
    db.session.add(proposal)
    db.session.flush()
    notify_farmer(harvest.farmer, "proposal_new", proposal)
    notify_processor(order.processor_id, "proposal_new_processor", proposal)
    return proposal


def fail_run(run_id: int, message: str) -> None:
    run = db.session.get(MatchRun, run_id)
    run.status, run.error, run.finished_at = "failed", message[:300], utcnow()
    db.session.flush()


def start_run(actor: User, product_id: int, season: int, today: date) -> MatchRun:
    """Queue and work a run at once (the CLI, tests, small co-op runs)."""
    run = queue_run(actor, product_id, season, today)
    for run in execute_run(run.id, today):
        pass
    return run
