"""Matching benchmark: the product's solver against an independent solver and a greedy baseline.

    .venv/bin/python -m bench.matching [--sizes 200x20,5000x300,50000x2000] [--seed 42] [--skip-reference-above N]

For each size it generates a realistic instance (bench/instances.py), solves it with
the product's core and full modes, checks the core optimum against OR-Tools' min-cost
max-flow over every arc (an independent algorithm), runs the greedy "highest price
first, nearest lot first" baseline in the same process, and prints the figures:
solve time, peak memory (of a child process per size), matched kg and value, and
the ratios to the baseline.
"""
import argparse
import multiprocessing as mp
import resource
import time

import numpy as np

from bench.instances import generate
from marketplace.domain.matching import solve_core, solve_full
from marketplace.domain.matching.arrays import build, great_circle_km


def greedy(lots, orders, params):
    """Highest price first, nearest lots first: what a matching by hand does."""
    pb = build(lots, orders, params)
    left = pb.lot_kg.copy()
    kg_total, value_total = 0, 0.0
    best_price = np.nanmax(pb.price, axis=1)
    for j in np.argsort(-best_price, kind="stable"):
        need = int(pb.order_kg[j])
        grade = pb.lot_grade
        price = pb.price[j, grade]
        ok = ((pb.lot_product == pb.order_product[j]) & (grade <= pb.order_min_grade[j])
              & (pb.lot_start <= pb.order_end[j]) & (pb.order_start[j] <= pb.lot_end) & ~np.isnan(price) & (left > 0))
        idx = np.flatnonzero(ok)
        km = great_circle_km(pb.lot_lat[idx], pb.lot_lon[idx], pb.order_lat[j], pb.order_lon[j])
        for k in idx[np.argsort(km, kind="stable")]:
            if need <= 0:
                break
            take = int(min(left[k], need))
            v = round(price[k] * pb.lot_factor[k] - pb.cost_per_km * float(
                great_circle_km(pb.lot_lat[k], pb.lot_lon[k], pb.order_lat[j], pb.order_lon[j])), 4)
            left[k] -= take
            need -= take
            kg_total += take
            value_total += take * v
    return kg_total, round(value_total, 4)


def run_size(n, m, seed, reference, queue):
    lots, orders, params = generate(n, m, seed)
    row = {"size": f"{n:,} x {m:,}"}
    t = time.perf_counter()
    row["greedy_kg"], row["greedy_value"] = greedy(lots, orders, params)
    row["greedy_s"] = time.perf_counter() - t
    core = solve_core(lots, orders, params)
    row.update(core_kg=core.kg, core_value=core.value, core_s=core.seconds, rounds=core.rounds, arcs=core.columns)
    row["core_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    full = solve_full(lots, orders, params)
    row.update(full_kg=full.kg, full_value=full.value, full_s=full.seconds, full_gap_kg=full.gap_kg,
               full_exact=full.exact)
    if reference:
        from bench.reference import reference_optimum

        t = time.perf_counter()
        ref_kg, ref_value = reference_optimum(lots, orders, params)
        row.update(ref_kg=ref_kg, ref_value=ref_value, ref_s=time.perf_counter() - t)
    queue.put(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200x20,5000x300,50000x2000")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-reference-above", type=int, default=10**9,
                        help="skip the independent check above this many lots (it needs every arc in memory)")
    args = parser.parse_args()
    ctx = mp.get_context("fork")
    for size in args.sizes.split(","):
        n, m = (int(x) for x in size.lower().split("x"))
        queue = ctx.Queue()
        child = ctx.Process(target=run_size, args=(n, m, args.seed, n <= args.skip_reference_above, queue))
        child.start()
        row = queue.get()
        child.join()
        print(f"\n== {row['size']} (lots x orders), seed {args.seed}")
        print(f"  core    {row['core_kg']:>14,} kg  {row['core_value']:>20,.4f} yuan  {row['core_s']:8.2f} s"
              f"  ({row['rounds']} rounds, {row['arcs']:,} arcs; peak RSS {row['core_rss_mb']:,.0f} MB)")
        print(f"  full    {row['full_kg']:>14,} kg  {row['full_value']:>20,.4f} yuan  {row['full_s']:8.2f} s"
              f"  (gap to core {row['full_gap_kg']:.4%} kg; {'optimal' if row['full_exact'] else 'feasible'})")
        print(f"  greedy  {row['greedy_kg']:>14,} kg  {row['greedy_value']:>20,.4f} yuan  {row['greedy_s']:8.2f} s")
        print(f"  core / greedy: kg x{row['core_kg'] / max(1, row['greedy_kg']):.4f}, "
              f"value x{row['core_value'] / max(1e-9, row['greedy_value']):.4f}, "
              f"time x{row['core_s'] / max(1e-9, row['greedy_s']):.2f}")
        if "ref_kg" in row:
            rel = abs(row["core_value"] - row["ref_value"]) / max(1.0, abs(row["ref_value"]))
            same = row["core_kg"] == row["ref_kg"] and rel <= 1e-6
            print(f"  independent (OR-Tools min-cost flow, every arc): {row['ref_kg']:,} kg, "
                  f"{row['ref_value']:,.4f} yuan in {row['ref_s']:.2f} s; relative difference {rel:.2e} "
                  f"-> {'EQUAL' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
