"""Matching: allocate expected harvests (lots) to contract orders, exactly.

Plain Python with numpy and HiGHS; no Flask, no SQLAlchemy. Lexicographic
objective (DESIGN §3, MATCHING_FORMAT): first the most contracted kg, then the
most value Σ kg × v, v = price for the lot's grade × fairness factor − transport
cost per kg.

- `solve_core`: the transportation problem, solved exactly as a linear program
  by column generation (HiGHS dual simplex): start from each lot's best arcs,
  price every compatible (lot, order) pair with the duals, add those that would
  improve the objective, repeat until none does. The LP of a transportation
  problem has integral vertices, so the simplex optimum is a whole-kg allocation.
- `solve_full`: also a minimum allocation per arc and a maximum number of
  suppliers per order (a mixed-integer problem): exact by MIP when small,
  otherwise a repaired core solution with its gap to the core bound.
"""
from marketplace.domain.matching.model import Allocation, Lot, Order, Params, Result, value_per_kg
from marketplace.domain.matching.core import solve_core
from marketplace.domain.matching.full import solve_full

__all__ = ["Allocation", "Lot", "Order", "Params", "Result", "solve_core", "solve_full", "value_per_kg"]
