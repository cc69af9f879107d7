"""The core problem: most kg, then most value, exactly, by column generation."""
from time import perf_counter

import numpy as np

from marketplace.domain.matching.arrays import Problem, arc_values, block, build
from marketplace.domain.matching.lp import ArcLP
from marketplace.domain.matching.model import Allocation, Lot, Order, Params, Result

TOL = 1e-7
INITIAL_PER_LOT = 6
ADD_PER_LOT = 3


def product_groups(pb: Problem):
    for p in np.unique(pb.lot_product):
        lots = np.flatnonzero(pb.lot_product == p)
        orders = np.flatnonzero(pb.order_product == p)
        if len(lots) and len(orders):
            yield lots, orders


def _best_per_lot(lot_idx, chunk, score, keep):
    """For each lot row, the `keep` lowest scores of a block (inf = not wanted)."""
    k = min(keep, score.shape[1])
    cols = np.argpartition(score, k - 1, axis=1)[:, :k] if k < score.shape[1] else np.tile(
        np.arange(score.shape[1]), (score.shape[0], 1))
    rows = np.repeat(np.arange(score.shape[0]), cols.shape[1])
    cols = cols.ravel()
    s = score[rows, cols]
    good = np.isfinite(s)
    return lot_idx[rows[good]], chunk[cols[good]], s[good]


def _merge_keep(i, j, s, keep):
    """Across chunks: for each lot keep its `keep` lowest-scored arcs."""
    if not len(i):
        return i, j
    order = np.lexsort((s, i))
    i, j = i[order], j[order]
    first = np.r_[True, i[1:] != i[:-1]]
    rank = np.arange(len(i)) - np.maximum.accumulate(np.where(first, np.arange(len(i)), 0))
    mask = rank < keep
    return i[mask], j[mask]


def initial_columns(pb: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Each lot's most valuable compatible orders."""
    found_i, found_j, found_s = [], [], []
    for lots, orders in product_groups(pb):
        for chunk in order_chunks_of(pb, lots, orders):
            value, ok = block(pb, lots, chunk)
            score = np.where(ok, -value, np.inf)
            i, j, s = _best_per_lot(lots, chunk, score, INITIAL_PER_LOT)
            found_i.append(i), found_j.append(j), found_s.append(s)
    if not found_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return _merge_keep(np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s), INITIAL_PER_LOT)


def order_chunks_of(pb: Problem, lots: np.ndarray, orders: np.ndarray, cells: int = 4_000_000):
    step = max(1, cells // max(1, len(lots)))
    for start in range(0, len(orders), step):
        yield orders[start:start + step]


def price_out(pb: Problem, lp: ArcLP, y_lot, y_order, y_total, phase: int):
    """Arcs whose reduced cost is negative: they would improve the current LP."""
    found_i, found_j, found_s = [], [], []
    for lots, orders in product_groups(pb):
        for chunk in order_chunks_of(pb, lots, orders):
            value, ok = block(pb, lots, chunk)
            cost = -1.0 if phase == 1 else -value
            reduced = cost - y_lot[lots][:, None] - y_order[chunk][None, :] - y_total
            # Phase 1 prefers, among equally good arcs, the more valuable ones.
            score = np.where(ok & (reduced < -TOL), reduced - (1e-6 * value if phase == 1 else 0), np.inf)
            if not np.isfinite(score).any():
                continue
            i, j, s = _best_per_lot(lots, chunk, score, ADD_PER_LOT)
            found_i.append(i), found_j.append(j), found_s.append(s)
    if not found_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i, j, s = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)
    new = ~lp.known(i, j)
    return _merge_keep(i[new], j[new], s[new], ADD_PER_LOT)


def _integral(x: np.ndarray, lp: ArcLP) -> np.ndarray:
    """The simplex vertex is integral up to round-off; round and keep within every capacity."""
    kg = np.rint(x).astype(np.int64)
    kg[kg < 0] = 0
    for owner, caps in ((lp.cols_i, lp.lot_kg), (lp.cols_j, lp.order_kg)):
        used = np.bincount(owner, weights=kg, minlength=len(caps)).astype(np.int64)
        for k in np.flatnonzero(used > caps):
            excess = used[k] - caps[k]
            for c in np.flatnonzero((owner == k) & (kg > 0)):
                cut = min(excess, kg[c])
                kg[c] -= cut
                excess -= cut
                if not excess:
                    break
    return kg


def solve_core(lots: list[Lot], orders: list[Order], params: Params) -> Result:
    started = perf_counter()
    if not lots or not orders:
        return Result((), 0, 0.0, "core", perf_counter() - started, 0, 0.0, True)
    pb = build(lots, orders, params)
    i, j = initial_columns(pb)
    if not len(i):  # every lot has its best compatible orders here: none means no arc at all
        return Result((), 0, 0.0, "core", perf_counter() - started, 0, 0.0, True)
    lp = ArcLP(pb.lot_kg, pb.order_kg)
    lp.add(i, j, -np.ones(len(i)))
    rounds = 0
    for phase in (1, 2):
        if phase == 2:
            kg_max = round(-lp.h.getInfo().objective_function_value)
            lp.set_costs(-arc_values(pb, lp.cols_i, lp.cols_j))
            lp.add_total_row(kg_max)
        while True:
            rounds += 1
            y_lot, y_order, y_total, x = lp.solve()
            new_i, new_j = price_out(pb, lp, y_lot, y_order, y_total, phase)
            if not len(new_i):
                break
            cost = -np.ones(len(new_i)) if phase == 1 else -arc_values(pb, new_i, new_j)
            lp.add(new_i, new_j, cost)
    kg = _integral(x, lp)
    used = np.flatnonzero(kg > 0)
    values = arc_values(pb, lp.cols_i[used], lp.cols_j[used])
    allocations = tuple(
        Allocation(lots[lp.cols_i[c]].id, orders[lp.cols_j[c]].id, int(kg[c])) for c in used
    )
    total_kg = int(kg[used].sum())
    total_value = round(float(np.dot(kg[used], values)), 4)
    return Result(allocations, total_kg, total_value, "core", perf_counter() - started, total_kg, total_value,
                  True, rounds=rounds, columns=lp.columns)
