"""Matching: the published example, optimality against an independent solver, side options, the format."""
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.reference import reference_optimum
from marketplace.domain.matching import Lot, Order, Params, solve_core, solve_full
from marketplace.domain.matching.interchange import InstanceError, read_instance, write_solution
from marketplace.domain.matching.model import check_feasible, objective

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "matching" / "example-instance.json"


def load_example():
    return read_instance(json.loads(EXAMPLE.read_text()))


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the shared example instance is not beside the project")
def test_example_instance_reaches_the_published_optimum():
    lots, orders, params, name = load_example()
    core = solve_core(lots, orders, params)
    assert (core.kg, core.value) == (115_403, 892_700.1483)
    full = solve_full(lots, orders, params)
    assert (full.kg, full.value) == (115_403, 892_693.6762) and full.exact
    by_id = ({x.id: x for x in lots}, {o.id: o for o in orders})
    check_feasible(core.allocations, *by_id, params, full=False)
    check_feasible(full.allocations, *by_id, params, full=True)
    assert objective(full.allocations, *by_id, params) == (full.kg, full.value)
    assert write_solution(name, core)["instance"] == name


D0 = date(2026, 8, 1)


@st.composite
def instances(draw):
    n, m = draw(st.integers(1, 14)), draw(st.integers(1, 5))
    lots = [Lot(f"L{i}", draw(st.sampled_from(["seed", "filament"])), draw(st.integers(0, 3000)),
                draw(st.integers(1, 3)), D0 + timedelta(days=(s := draw(st.integers(0, 30)))),
                D0 + timedelta(days=s + draw(st.integers(0, 20))), 43.5 + draw(st.floats(0, 0.8)),
                80.5 + draw(st.floats(0, 2.0)), draw(st.floats(5, 60))) for i in range(n)]
    orders = []
    for j in range(m):
        min_grade = draw(st.integers(1, 3))
        # Prices may tie across orders, to exercise ties.
        price = {g: draw(st.sampled_from([5.0, 5.5, 6.0, 100.0, 120.0])) for g in range(1, min_grade + 1)}
        s = draw(st.integers(0, 40))
        orders.append(Order(f"O{j}", draw(st.sampled_from(["seed", "filament"])), draw(st.integers(0, 8000)),
                            min_grade, D0 + timedelta(days=s), D0 + timedelta(days=s + draw(st.integers(0, 30))),
                            43.5 + draw(st.floats(0, 0.8)), 80.5 + draw(st.floats(0, 2.0)), price,
                            draw(st.one_of(st.none(), st.integers(1, 4)))))
    params = Params(cost_per_kg_km=draw(st.sampled_from([0.0, 0.0008, 0.05])), road_factor=1.3,
                    min_alloc_kg=draw(st.sampled_from([0, 50, 500])), small_farm_mu=30.0,
                    fairness_rate=draw(st.sampled_from([0.0, 0.01])))
    return lots, orders, params


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_core_equals_the_independent_min_cost_flow(instance):
    lots, orders, params = instance
    result = solve_core(lots, orders, params)
    kg, value = reference_optimum(lots, orders, params)
    assert result.kg == kg
    assert result.value == pytest.approx(value, rel=1e-9, abs=1e-3)
    check_feasible(result.allocations, {x.id: x for x in lots}, {o.id: o for o in orders}, params, full=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_full_mode_honours_the_options_and_never_beats_the_core(instance):
    lots, orders, params = instance
    full = solve_full(lots, orders, params)
    core = solve_core(lots, orders, params)
    check_feasible(full.allocations, {x.id: x for x in lots}, {o.id: o for o in orders}, params, full=True)
    assert full.kg <= core.kg
    if full.kg == core.kg:
        assert full.value <= core.value + 1e-6
    assert full.bound_kg == core.kg


def test_empty_instance_gives_an_empty_allocation():
    assert solve_core([], [], Params()).allocations == ()
    assert solve_full([], [], Params()).kg == 0


def test_grade_window_and_product_rules():
    lot = Lot("L", "seed", 100, 2, D0, D0 + timedelta(days=5), 43.9, 81.3, 10)
    strict = Order("O1", "seed", 100, 1, D0, D0 + timedelta(days=5), 43.9, 81.3, {1: 6.0})
    later = Order("O2", "seed", 100, 2, D0 + timedelta(days=6), D0 + timedelta(days=9), 43.9, 81.3, {1: 6.0, 2: 5.0})
    other = Order("O3", "filament", 100, 3, D0, D0 + timedelta(days=5), 43.9, 81.3, {1: 1, 2: 1, 3: 1})
    assert solve_core([lot], [strict, later, other], Params()).kg == 0


def test_most_kg_beats_more_value():
    """Lexicographic: a cheaper order that takes more kg wins over a dearer one that takes less."""
    lots = [Lot("A", "seed", 100, 1, D0, D0, 43.9, 81.3, 10), Lot("B", "seed", 100, 1, D0, D0, 43.9, 81.3, 10)]
    dear = Order("dear", "seed", 100, 1, D0, D0, 43.9, 81.3, {1: 9.0})
    cheap = Order("cheap", "seed", 200, 1, D0, D0, 43.9, 81.3, {1: 5.0})
    result = solve_core(lots, [dear, cheap], Params(cost_per_kg_km=0))
    assert result.kg == 200 and result.value == pytest.approx(100 * 9.0 + 100 * 5.0)


def test_small_farm_fairness_breaks_a_tie():
    lots = [Lot("big", "seed", 100, 1, D0, D0, 43.9, 81.3, 80), Lot("small", "seed", 100, 1, D0, D0, 43.9, 81.3, 10)]
    order = Order("O", "seed", 100, 1, D0, D0, 43.9, 81.3, {1: 5.0})
    result = solve_core(lots, [order], Params(cost_per_kg_km=0, fairness_rate=0.01))
    assert [a.lot_id for a in result.allocations] == ["small"]


def test_max_suppliers_and_min_alloc():
    lots = [Lot(f"L{i}", "seed", 60, 1, D0, D0, 43.9, 81.3, 10) for i in range(4)]
    order = Order("O", "seed", 1_000, 1, D0, D0, 43.9, 81.3, {1: 5.0}, max_suppliers=2)
    full = solve_full(lots, [order], Params(min_alloc_kg=50))
    assert full.kg == 120 and len(full.allocations) == 2
    assert solve_full(lots, [order], Params(min_alloc_kg=61)).kg == 0


@pytest.mark.parametrize("broken,message", [
    ({"lots": [{"id": "L1"}]}, "lots[0] (id 'L1'): missing field 'product'"),
    ({"lots": [{"id": "L1", "product": "seed", "kg": -5, "grade": 1}]}, "field 'kg' is negative"),
    ({"orders": [{"id": "O1", "product": "seed", "kg": 5, "min_grade": 1, "price": {"best": 5}}]},
     "grade key that is not a number"),
    ({"lots": [{"id": "L1", "product": "seed", "kg": 5, "grade": 1, "start": "2026-08-10",
                "end": "2026-08-01", "lat": 43.9, "lon": 81.3, "farm_mu": 5}]}, "'end' is before 'start'"),
    ({"lots": [{"id": "L1", "product": "rice", "kg": 5, "grade": 1}]}, "field 'product' is unknown"),
])
def test_malformed_instances_name_the_record_and_field(broken, message):
    with pytest.raises(InstanceError) as err:
        read_instance(broken, products={"seed", "filament"})
    assert message in str(err.value)
