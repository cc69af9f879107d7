"""The core problem: most kg, then most value, exactly.

Candidate arcs are solved as a min-cost max-flow (OR-Tools); node potentials
from its residual graph price every compatible arc (kept as one integer cost
matrix per product); the candidate set is re-aimed at each lot's best arcs under
those potentials until no arc anywhere has a negative reduced cost, which
proves the solution optimal over all arcs.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from marketplace.domain.matching.arrays import Problem, arc_values, block, build
from marketplace.domain.matching.flow import SCALE, potentials, solve_flow
from marketplace.domain.matching.model import Allocation, Lot, Order, Params, Result

PER_LOT = 8
NO_ARC = np.iinfo(np.int64).max // 4
CELLS = 4_000_000


@dataclass
class Group:
    """One product: its lots, its orders, and the cost of every arc between them (NO_ARC if not allowed)."""
    lots: np.ndarray
    orders: np.ndarray
    cost: np.ndarray


def product_groups(pb: Problem):
    for p in np.unique(pb.lot_product):
        lots = np.flatnonzero(pb.lot_product == p)
        orders = np.flatnonzero(pb.order_product == p)
        if len(lots) and len(orders):
            yield lots, orders


def cost_groups(pb: Problem) -> list[Group]:
    groups = []
    for lots, orders in product_groups(pb):
        cost = np.empty((len(lots), len(orders)), dtype=np.int64)
        step = max(1, CELLS // len(orders))
        for s in range(0, len(lots), step):
            value, ok = block(pb, lots[s:s + step], orders)
            cost[s:s + step] = np.where(ok, -np.rint(np.where(ok, value, 0) * SCALE), NO_ARC)
        groups.append(Group(lots, orders, cost))
    return groups


def _least(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of each row's k least entries."""
    k = min(k, matrix.shape[1])
    cols = np.argpartition(matrix, k - 1, axis=1)[:, :k] if k < matrix.shape[1] else np.tile(
        np.arange(matrix.shape[1]), (matrix.shape[0], 1))
    return np.repeat(np.arange(matrix.shape[0]), cols.shape[1]), cols.ravel()


def aimed_arcs(pb: Problem, groups: list[Group], dist: np.ndarray, per_lot: int):
    """Under the potentials `dist`: each lot's best `per_lot` arcs, and each order's best lots,
    enough of them to fill it a few times over (so the first round already moves most kg)."""
    n = len(pb.lots)
    found_i, found_j = [], []
    for g in groups:
        rows, cols = _least(g.cost - dist[n + g.orders][None, :], per_lot)
        good = g.cost[rows, cols] < NO_ARC
        found_i.append(g.lots[rows[good]]), found_j.append(g.orders[cols[good]])
        mean_lot = max(1.0, float(pb.lot_kg[g.lots].mean()))
        per_order = int(min(len(g.lots), 3 * np.ceil(pb.order_kg[g.orders].max() / mean_lot) + 5))
        ocols, orows = _least((g.cost + dist[g.lots][:, None]).T, per_order)
        good = g.cost[orows, ocols] < NO_ARC
        found_i.append(g.lots[orows[good]]), found_j.append(g.orders[ocols[good]])
    return np.concatenate(found_i), np.concatenate(found_j)


def violations(pb: Problem, groups: list[Group], dist: np.ndarray, arc_i, arc_j, cost, flow) -> int:
    """How many arcs with room left have a negative reduced cost (0 proves optimality).

    A saturated arc may have a negative reduced cost; every other allowed arc,
    in the candidate set or not (flow 0), may not.
    """
    n = len(pb.lots)
    count = 0
    for g in groups:
        reduced = g.cost + dist[g.lots][:, None] - dist[n + g.orders][None, :]
        count += int(np.count_nonzero((g.cost < NO_ARC) & (reduced < -0.5)))
    full = flow >= np.minimum(pb.lot_kg[arc_i], pb.order_kg[arc_j])
    reduced = cost[full] + dist[arc_i[full]] - dist[n + arc_j[full]]
    return count - int(np.count_nonzero(reduced < -0.5))


def big_cost(pb: Problem) -> int:
    """Larger than the cost of any path in the residual graph (at most every node once)."""
    prices = pb.price[np.isfinite(pb.price)]
    top = (float(prices.max()) * float(pb.lot_factor.max()) if prices.size else 0.0) + pb.cost_per_km * 2_500
    return int((2 * (len(pb.lots) + len(pb.orders)) + 2) * (top * SCALE + 1))


def _unique(pb: Problem, i: np.ndarray, j: np.ndarray):
    keys = np.unique(i * len(pb.orders) + j)
    return keys // len(pb.orders), keys % len(pb.orders)


def _empty(started) -> Result:
    return Result((), 0, 0.0, "core", perf_counter() - started, 0, 0.0, True)


def solve_core(lots: list[Lot], orders: list[Order], params: Params, workers: int = 2) -> Result:
    """The exact core optimum. Products never share an arc, so each is solved on its own, in parallel."""
    started = perf_counter()
    products = sorted({x.product for x in lots} & {o.product for o in orders})
    if len(products) <= 1:
        return _solve_one(lots, orders, params, started)
    parts = [([x for x in lots if x.product == p], [o for o in orders if o.product == p]) for p in products]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda part: _solve_one(part[0], part[1], params, started), parts))
    kg = sum(r.kg for r in results)
    value = round(sum(r.value for r in results), 4)
    return Result(tuple(a for r in results for a in r.allocations), kg, value, "core", perf_counter() - started,
                  kg, value, all(r.exact for r in results), rounds=max(r.rounds for r in results),
                  columns=sum(r.columns for r in results))


def _solve_one(lots: list[Lot], orders: list[Order], params: Params, started: float) -> Result:
    if not lots or not orders:
        return _empty(started)
    pb = build(lots, orders, params)
    groups = cost_groups(pb)
    if not any((g.cost < NO_ARC).any() for g in groups):
        return _empty(started)
    big = big_cost(pb)
    n, m = len(lots), len(orders)
    dist = np.zeros(n + m + 2)
    arc_i = arc_j = np.zeros(0, dtype=np.int64)
    flow = np.zeros(0, dtype=np.int64)
    rounds, per_lot = 0, PER_LOT
    while True:
        rounds += 1
        # Re-aim the candidate set each round; after a few rounds only grow it, which must end.
        keep = flow > 0 if rounds <= 8 else np.ones(len(flow), dtype=bool)
        aim_i, aim_j = aimed_arcs(pb, groups, dist, per_lot)
        arc_i, arc_j = _unique(pb, np.concatenate([arc_i[keep], aim_i]), np.concatenate([arc_j[keep], aim_j]))
        cost = -np.rint(arc_values(pb, arc_i, arc_j) * SCALE).astype(np.int64)
        flow = solve_flow(pb.lot_kg, pb.order_kg, arc_i, arc_j, cost)
        dist = potentials(pb.lot_kg, pb.order_kg, arc_i, arc_j, cost, flow, big)
        if not violations(pb, groups, dist, arc_i, arc_j, cost, flow):
            break
        if rounds % 4 == 0 and per_lot < 4 * PER_LOT:
            per_lot *= 2  # widen the aim if it keeps missing
    used = np.flatnonzero(flow > 0)
    values = arc_values(pb, arc_i[used], arc_j[used])
    allocations = tuple(Allocation(lots[arc_i[c]].id, orders[arc_j[c]].id, int(flow[c])) for c in used)
    total_kg = int(flow[used].sum())
    total_value = round(float(np.dot(flow[used], values)), 4)
    return Result(allocations, total_kg, total_value, "core", perf_counter() - started, total_kg, total_value,
                  True, rounds=rounds, columns=len(arc_i))
