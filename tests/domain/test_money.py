"""Money helpers: rounding and exact splits."""
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.money import amount_for, largest_remainder, round_half_up, share_bp, yuan_to_fen


def test_round_half_up():
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(Fraction(249, 100)) == 2


def test_worked_amounts():
    assert amount_for(12_345, 8_800) == 108_636  # 12.345 kg × 88.00 yuan = 1,086.36 yuan
    assert amount_for(1, 1) == 0                 # 0.001 fen rounds away
    assert amount_for(500, 1) == 1               # half a fen rounds up
    assert share_bp(100_000, 250) == 2_500       # 2.5 % of 1,000 yuan


def test_largest_remainder_worked_example():
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(10, [0, 5, 5]) == [0, 5, 5]
    assert largest_remainder(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        largest_remainder(5, [0, 0])


@given(st.integers(min_value=0, max_value=10**12),
       st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40).filter(lambda w: sum(w) > 0))
def test_largest_remainder_is_exact_and_fair(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, w in zip(parts, weights):
        exact = Fraction(total * w, whole)
        assert abs(part - exact) < 1


def test_yuan_to_fen():
    assert yuan_to_fen("12.34") == 1234
    assert yuan_to_fen("5") == 500
    for bad in ("1.005", "abc", ""):
        with pytest.raises(ValueError):
            yuan_to_fen(bad)


def test_yuan_to_fen_refuses_what_is_not_an_amount():
    for bad in ("Infinity", "-inf", "NaN", "sNaN", "1e999999", "1e20"):
        with pytest.raises(ValueError):
            yuan_to_fen(bad)
