"""A column-generation linear program over (lot, order) arcs, on HiGHS."""
import os
import sys

import highspy
import numpy as np

INF = highspy.kHighsInf
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the library prints a banner on the first one; keep it off stdout)."""
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h


class ArcLP:
    """min c·x subject to Σ x over a lot ≤ lot kg, Σ x over an order ≤ order kg, optionally Σ x ≥ K."""

    def __init__(self, lot_kg: np.ndarray, order_kg: np.ndarray):
        self.n, self.m = len(lot_kg), len(order_kg)
        self.lot_kg, self.order_kg = lot_kg, order_kg
        self.h = new_highs()
        rows = self.n + self.m
        self.h.addRows(rows, np.full(rows, -INF), np.concatenate([lot_kg, order_kg]).astype(float),
                       0, np.zeros(rows, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        self.cols_i = np.zeros(0, dtype=np.int64)
        self.cols_j = np.zeros(0, dtype=np.int64)
        self.keys = np.zeros(0, dtype=np.int64)
        self.has_total = False

    @property
    def columns(self) -> int:
        return len(self.cols_i)

    def known(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.isin(i * self.m + j, self.keys)

    def add(self, i: np.ndarray, j: np.ndarray, cost: np.ndarray) -> None:
        count = len(i)
        if not count:
            return
        per = 3 if self.has_total else 2
        index = np.empty(count * per, dtype=np.int32)
        index[0::per] = i
        index[1::per] = self.n + j
        if self.has_total:
            index[2::per] = self.n + self.m
        upper = np.minimum(self.lot_kg[i], self.order_kg[j]).astype(float)
        self.h.addCols(count, cost.astype(float), np.zeros(count), upper, count * per,
                       np.arange(0, count * per, per, dtype=np.int32), index, np.ones(count * per))
        self.cols_i = np.concatenate([self.cols_i, i])
        self.cols_j = np.concatenate([self.cols_j, j])
        self.keys = np.sort(np.concatenate([self.keys, i * self.m + j]))

    def add_total_row(self, lower: float) -> None:
        count = self.columns
        self.h.addRow(lower, INF, count, np.arange(count, dtype=np.int32), np.ones(count))
        self.has_total = True

    def set_costs(self, cost: np.ndarray) -> None:
        self.h.changeColsCost(self.columns, np.arange(self.columns, dtype=np.int32), cost.astype(float))

    def solve(self) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
        """Run the simplex; returns lot duals, order duals, the total row's dual and the primal x."""
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {self.h.modelStatusToString(status)}")
        sol = self.h.getSolution()
        y = np.asarray(sol.row_dual)
        x = np.asarray(sol.col_value)
        total = float(y[self.n + self.m]) if self.has_total else 0.0
        return y[: self.n], y[self.n: self.n + self.m], total, x
