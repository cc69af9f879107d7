"""An independent check of the core matching optimum: OR-Tools min-cost max-flow over every arc.

Source → lot (capacity = lot kg) → order (arc cost = −v in 1e-4 yuan) → sink (capacity = order kg);
`solve_max_flow_with_min_cost` gives the most kg first and, among those, the least cost, which is
exactly the lexicographic objective, in integer arithmetic.
"""
import numpy as np
from ortools.graph.python import min_cost_flow

from marketplace.domain.matching.arrays import block, build
from marketplace.domain.matching.core import product_groups


def reference_optimum(lots, orders, params) -> tuple[int, float]:
    if not lots or not orders:
        return 0, 0.0
    pb = build(lots, orders, params)
    n, m = len(lots), len(orders)
    source, sink = n + m, n + m + 1
    tails, heads, caps, costs = [], [], [], []
    for lot_idx, order_idx in product_groups(pb):
        value, ok = block(pb, lot_idx, order_idx)
        i, j = np.nonzero(ok)
        tails.append(lot_idx[i])
        heads.append(n + order_idx[j])
        caps.append(np.minimum(pb.lot_kg[lot_idx[i]], pb.order_kg[order_idx[j]]))
        costs.append(-np.rint(value[i, j] * 10_000).astype(np.int64))
    tails.append(np.full(n, source)), heads.append(np.arange(n)), caps.append(pb.lot_kg), costs.append(np.zeros(n, np.int64))
    tails.append(n + np.arange(m)), heads.append(np.full(m, sink)), caps.append(pb.order_kg), costs.append(np.zeros(m, np.int64))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    # The maximum flow runs from the nodes with supply to the nodes with demand.
    total = int(pb.lot_kg.sum())
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([total, -total], dtype=np.int64))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-Tools status {status}")
    return int(flow.maximum_flow()), -flow.optimal_cost() / 10_000
