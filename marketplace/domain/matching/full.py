"""Side options: a minimum allocation per arc and a maximum number of suppliers per order.

Small instances are solved exactly as a mixed-integer program (HiGHS branch and
bound) over every compatible arc, with the same lexicographic objective. Large
ones start from the core optimum, keep each order's largest suppliers, drop
allocations under the minimum, and re-optimise that pattern (and the unused
supply towards orders with spare places) as a small MIP; the result reports
its gap to the core bound.
"""
from time import perf_counter

import highspy
import numpy as np

from marketplace.domain.matching.arrays import arc_values, block, build
from marketplace.domain.matching.core import product_groups, solve_core
from marketplace.domain.matching.lp import INF, new_highs
from marketplace.domain.matching.model import Allocation, Lot, Order, Params, Result

#: Up to this many compatible arcs, the side options are solved exactly.
EXACT_ARC_LIMIT = 4_000
MIP_SECONDS = 60.0


def _all_arcs(pb):
    found_i, found_j = [], []
    for lots, orders in product_groups(pb):
        _value, ok = block(pb, lots, orders)
        i, j = np.nonzero(ok)
        found_i.append(lots[i]), found_j.append(orders[j])
    if not found_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_i), np.concatenate(found_j)


class _Rows:
    """Constraint rows gathered as one sparse block, handed to HiGHS in a single call."""

    def __init__(self):
        self.lower, self.upper, self.starts, self.index, self.value = [], [], [], [], []
        self.nnz = 0

    def add(self, lower, upper, starts, index, value):
        self.lower.append(lower), self.upper.append(upper), self.starts.append(np.asarray(starts) + self.nnz)
        self.index.append(np.asarray(index)), self.value.append(np.asarray(value, dtype=float))
        self.nnz += len(index)

    def grouped(self, owners, count, cols, lower, upper, only=None):
        """One row per owner k (all `cols` whose owner is k, coefficient 1), for owners that have columns."""
        order = np.argsort(owners, kind="stable")
        per = np.bincount(owners, minlength=count)
        keep = per > 0 if only is None else (per > 0) & only
        sizes = per[keep]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if len(sizes) else np.zeros(0, dtype=np.int64)
        chosen = np.isin(owners[order], np.flatnonzero(keep))
        self.add(lower[keep], upper[keep], starts, cols[order][chosen], np.ones(int(sizes.sum())))

    def pass_to(self, h):
        if not self.lower:
            return
        lower, upper = np.concatenate(self.lower), np.concatenate(self.upper)
        h.addRows(len(lower), lower, upper, self.nnz, np.concatenate(self.starts).astype(np.int32),
                  np.concatenate(self.index).astype(np.int32), np.concatenate(self.value))


def _mip(pb, arc_i, arc_j, min_alloc: int, caps: np.ndarray, seconds: float):
    """Lexicographic MIP over the given arcs; returns (kg per arc, proven optimal)."""
    n, m, a = len(pb.lots), len(pb.orders), len(arc_i)
    upper = np.minimum(pb.lot_kg[arc_i], pb.order_kg[arc_j]).astype(float)
    keep = upper >= max(min_alloc, 1)
    arc_i, arc_j, upper = arc_i[keep], arc_j[keep], upper[keep]
    a = len(arc_i)
    if a == 0:
        return arc_i, arc_j, np.zeros(0, dtype=np.int64), True
    h = new_highs()
    h.setOptionValue("time_limit", seconds)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    # Columns: x_a (integer kg) then y_a (binary: the arc is used).
    h.addVars(2 * a, np.zeros(2 * a), np.concatenate([upper, np.ones(a)]))
    h.changeColsIntegrality(2 * a, np.arange(2 * a, dtype=np.int32),
                            np.full(2 * a, highspy.HighsVarType.kInteger))
    x, y = np.arange(a, dtype=np.int32), np.arange(a, 2 * a, dtype=np.int32)

    rows = _Rows()
    for owners, count, bound in ((arc_i, n, pb.lot_kg), (arc_j, m, pb.order_kg)):
        rows.grouped(owners, count, x, np.full(count, -INF), bound.astype(float))
    capped = (caps >= 0) & (np.bincount(arc_j, minlength=m) > caps)
    cap_arcs = np.flatnonzero(capped[arc_j])
    rows.grouped(arc_j[cap_arcs], m, y[cap_arcs], np.full(m, -INF), caps.astype(float), only=capped)
    # upper·y ≥ x (and x ≥ min_alloc·y): the arc carries kg only if it is used.
    pairs = np.stack([x, y], axis=1).ravel()
    rows.add(np.full(a, -INF), np.zeros(a), np.arange(0, 2 * a, 2), pairs, np.stack([np.ones(a), -upper], 1).ravel())
    if min_alloc > 0:
        rows.add(np.zeros(a), np.full(a, INF), np.arange(0, 2 * a, 2), pairs,
                 np.stack([np.ones(a), np.full(a, -float(min_alloc))], 1).ravel())
    rows.pass_to(h)
    exact = True
    h.changeColsCost(a, x, -np.ones(a))
    h.run()
    exact &= h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if not _has_solution(h):
        return arc_i, arc_j, np.zeros(a, dtype=np.int64), False
    kg_max = round(sum(np.rint(np.asarray(h.getSolution().col_value)[:a])))
    h.addRow(float(kg_max), INF, a, x, np.ones(a))
    h.changeColsCost(a, x, -arc_values(pb, arc_i, arc_j))
    h.run()
    exact &= h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if not _has_solution(h):
        return arc_i, arc_j, np.zeros(a, dtype=np.int64), False
    kg = np.rint(np.asarray(h.getSolution().col_value)[:a]).astype(np.int64)
    return arc_i, arc_j, kg, exact


def _has_solution(h) -> bool:
    """Whether the MIP found a feasible allocation (it may stop at its time limit without one)."""
    return h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible


def _result(pb, arc_i, arc_j, kg, core: Result, exact: bool, started: float) -> Result:
    used = np.flatnonzero(kg > 0)
    values = arc_values(pb, arc_i[used], arc_j[used])
    allocations = tuple(Allocation(pb.lots[arc_i[c]].id, pb.orders[arc_j[c]].id, int(kg[c])) for c in used)
    return Result(allocations, int(kg[used].sum()), round(float(np.dot(kg[used], values)), 4), "full",
                  perf_counter() - started, core.kg, core.value, exact)


def solve_full(lots: list[Lot], orders: list[Order], params: Params) -> Result:
    started = perf_counter()
    core = solve_core(lots, orders, params)
    if not core.allocations:
        return Result((), 0, 0.0, "full", perf_counter() - started, 0, 0.0, True)
    pb = build(lots, orders, params)
    caps = np.array([o.max_suppliers if o.max_suppliers is not None else -1 for o in orders])
    arc_i, arc_j = _all_arcs(pb)
    if len(arc_i) <= EXACT_ARC_LIMIT:
        arc_i, arc_j, kg, exact = _mip(pb, arc_i, arc_j, params.min_alloc_kg, caps, MIP_SECONDS)
        return _result(pb, arc_i, arc_j, kg, core, exact, started)
    return _repair(pb, core, params, caps, started)


def _repair(pb, core: Result, params: Params, caps: np.ndarray, started: float) -> Result:
    """Keep the core pattern where it satisfies the options; re-optimise it with spare supply."""
    lot_index = {lot.id: k for k, lot in enumerate(pb.lots)}
    order_index = {o.id: k for k, o in enumerate(pb.orders)}
    ci = np.array([lot_index[a.lot_id] for a in core.allocations])
    cj = np.array([order_index[a.order_id] for a in core.allocations])
    ck = np.array([a.kg for a in core.allocations])
    keep = np.ones(len(ci), dtype=bool)
    for k in np.flatnonzero(caps >= 0):
        arcs = np.flatnonzero(cj == k)
        if len(arcs) > caps[k]:
            keep[arcs[np.argsort(-ck[arcs])[caps[k]:]]] = False
    keep &= ck >= params.min_alloc_kg
    cand_i, cand_j = [ci[keep]], [cj[keep]]
    # Supply left over, offered to orders with room and spare supplier places: each lot's best few.
    left = pb.lot_kg - np.bincount(ci[keep], weights=ck[keep], minlength=len(pb.lots)).astype(np.int64)
    room = pb.order_kg - np.bincount(cj[keep], weights=ck[keep], minlength=len(pb.orders)).astype(np.int64)
    places = np.where(caps >= 0, caps - np.bincount(cj[keep], minlength=len(pb.orders)), 1 << 30)
    spare_lots = np.flatnonzero(left >= max(params.min_alloc_kg, 1))
    spare_orders = np.flatnonzero((room >= max(params.min_alloc_kg, 1)) & (places > 0))
    if len(spare_lots) and len(spare_orders):
        value, ok = block(pb, spare_lots, spare_orders)
        score = np.where(ok, -value, np.inf)
        k = min(3, score.shape[1])
        best = np.argpartition(score, k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(len(spare_lots)), k)
        good = np.isfinite(score[rows, best.ravel()])
        cand_i.append(spare_lots[rows[good]])
        cand_j.append(spare_orders[best.ravel()[good]])
    arc_i, arc_j = np.concatenate(cand_i), np.concatenate(cand_j)
    pairs = np.unique(arc_i * len(pb.orders) + arc_j)
    arc_i, arc_j = pairs // len(pb.orders), pairs % len(pb.orders)
    arc_i, arc_j, kg, _exact = _mip(pb, arc_i, arc_j, params.min_alloc_kg, caps, MIP_SECONDS)
    if kg.sum() < ck[keep].sum():  # the MIP stopped early: the kept core pattern is feasible on its own
        arc_i, arc_j, kg = ci[keep], cj[keep], ck[keep]
    return _result(pb, arc_i, arc_j, kg, core, False, started)
