"""Min-cost max-flow on a set of (lot, order) arcs, and a certificate of optimality over all arcs.

Costs are integers: −v in 1e-4 yuan per kg (v is rounded to 1e-4 yuan, so this is exact).
OR-Tools' `solve_max_flow_with_min_cost` gives the most kg and, among those, the least
cost: exactly the lexicographic objective. The certificate: node potentials from the
residual graph (Bellman–Ford from a virtual root, with a return arc sink→source of cost
−BIG so that a missing augmenting path would show as a negative cycle); an arc left out
of the candidate set can improve the solution only if its reduced cost is negative.
"""
import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 10_000  # cost units per yuan


def solve_flow(lot_kg, order_kg, arc_i, arc_j, arc_cost):
    """Flows on the given arcs (same order) for the min-cost max-flow."""
    n, m = len(lot_kg), len(order_kg)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([arc_i, np.full(n, source), n + np.arange(m)]).astype(np.int32)
    heads = np.concatenate([n + arc_j, np.arange(n), np.full(m, sink)]).astype(np.int32)
    caps = np.concatenate([np.minimum(lot_kg[arc_i], order_kg[arc_j]), lot_kg, order_kg]).astype(np.int64)
    costs = np.concatenate([arc_cost, np.zeros(n + m, dtype=np.int64)]).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = int(lot_kg.sum())
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([total, -total], dtype=np.int64))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow status {status}")
    return np.asarray(flow.flows(np.arange(len(arc_i), dtype=np.int32)), dtype=np.int64)


def potentials(lot_kg, order_kg, arc_i, arc_j, arc_cost, arc_flow, big: int) -> np.ndarray:
    """Shortest-path distances from a virtual root in the residual graph (no negative cycle there)."""
    n, m = len(lot_kg), len(order_kg)
    source, sink = n + m, n + m + 1
    cap = np.minimum(lot_kg[arc_i], order_kg[arc_j])
    out_lot = np.bincount(arc_i, weights=arc_flow, minlength=n)
    in_order = np.bincount(arc_j, weights=arc_flow, minlength=m)
    tails, heads, weights = [], [], []

    def edges(mask, t, h, w):
        tails.append(np.asarray(t)[mask]), heads.append(np.asarray(h)[mask]), weights.append(np.asarray(w)[mask])

    edges(arc_flow < cap, arc_i, n + arc_j, arc_cost)              # lot → order
    edges(arc_flow > 0, n + arc_j, arc_i, -arc_cost)               # order → lot (undo)
    lots, orders = np.arange(n), n + np.arange(m)
    edges(out_lot < lot_kg, np.full(n, source), lots, np.zeros(n))     # source → lot
    edges(out_lot > 0, lots, np.full(n, source), np.zeros(n))          # lot → source
    edges(in_order < order_kg, orders, np.full(m, sink), np.zeros(m))  # order → sink
    edges(in_order > 0, np.full(m, sink), orders, np.zeros(m))         # sink → order
    edges(np.array([True]), [sink], [source], [-big])                  # the return arc
    return bellman_ford(n + m + 2, np.concatenate(tails), np.concatenate(heads),
                        np.concatenate(weights).astype(np.float64))


def bellman_ford(nodes: int, tails, heads, weights) -> np.ndarray:
    """Distances from a virtual root joined to every node by a 0-cost arc; stops when nothing changes."""
    order = np.argsort(heads, kind="stable")
    tails, heads, weights = tails[order], heads[order], weights[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    dist = np.zeros(nodes)
    for _round in range(nodes + 1):
        best = np.minimum.reduceat(dist[tails] + weights, starts)
        better = best < dist[targets]
        if not better.any():
            return dist
        dist[targets[better]] = best[better]
    raise RuntimeError("negative cycle in the residual graph")
