"""The co-operatives law's surplus distribution: the worked example, the 60 % floor, exact splits."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import DomainError
from marketplace.domain.surplus import Inputs, Member, distribute

YUAN = 100


def test_the_laws_worked_example():
    # Surplus 400,000 yuan, 10 % to the reserve, 70 % of the rest back by transaction volume.
    members = [Member(1, 600_000 * YUAN, 20_000 * YUAN), Member(2, 300_000 * YUAN, 50_000 * YUAN),
               Member(3, 100_000 * YUAN, 30_000 * YUAN)]
    d = distribute(Inputs(400_000 * YUAN, 0, 1_000, 7_000), members)
    assert d.reserve_fen == 40_000 * YUAN
    assert d.distributable_fen == 360_000 * YUAN
    assert d.volume_pool_fen == 252_000 * YUAN and d.capital_pool_fen == 108_000 * YUAN
    # By volume 6:3:1 of 252,000; by contribution 2:5:3 of 108,000.
    assert [s.by_volume_fen for s in d.shares] == [151_200 * YUAN, 75_600 * YUAN, 25_200 * YUAN]
    assert [s.by_capital_fen for s in d.shares] == [21_600 * YUAN, 54_000 * YUAN, 32_400 * YUAN]
    assert [s.reserve_fen for s in d.shares] == [24_000 * YUAN, 12_000 * YUAN, 4_000 * YUAN]
    assert sum(s.total_fen for s in d.shares) == 360_000 * YUAN


def test_losses_are_made_good_first_and_subsidy_assets_are_shared_equally():
    members = [Member(1, 1_000, 0), Member(2, 3_000, 0)]
    d = distribute(Inputs(10_000, 2_000, 1_000, 6_000, subsidy_assets_fen=5_000), members)
    assert (d.reserve_fen, d.distributable_fen) == (800, 7_200)
    assert (d.volume_pool_fen, d.capital_pool_fen) == (4_320, 2_880)
    assert [s.by_capital_fen for s in d.shares] == [1_440, 1_440]  # no contributions: equal subsidy shares


@pytest.mark.parametrize("inputs, code", [
    (Inputs(10_000, 0, 1_000, 5_999), "volume_share_below_law"),
    (Inputs(10_000, 0, 1_000, 10_001), "percent_out_of_range"),
    (Inputs(0, 0, 1_000, 7_000), "surplus_not_positive"),
    (Inputs(10_000, 10_001, 1_000, 7_000), "losses_out_of_range"),
    (Inputs(10_000, 0, -1, 7_000), "percent_out_of_range"),
])
def test_inputs_the_law_does_not_allow_are_refused(inputs, code):
    with pytest.raises(DomainError) as err:
        distribute(inputs, [Member(1, 100, 100)])
    assert err.value.code == code


@given(st.integers(1, 10 ** 10), st.integers(0, 10_000), st.integers(6_000, 10_000),
       st.lists(st.tuples(st.integers(0, 10 ** 9), st.integers(0, 10 ** 8), st.integers(0, 10 ** 7)),
                min_size=1, max_size=30), st.integers(0, 10 ** 8))
def test_no_fen_is_made_or_lost(surplus, reserve_bp, volume_bp, rows, subsidy):
    members = [Member(n, v, c, r) for n, (v, c, r) in enumerate(rows)]
    if sum(m.volume_fen for m in members) == 0:
        return
    d = distribute(Inputs(surplus, 0, reserve_bp, volume_bp, subsidy), members)
    assert sum(s.total_fen for s in d.shares) == d.distributable_fen
    assert sum(s.reserve_fen for s in d.shares) == d.reserve_fen
    assert d.reserve_fen + d.distributable_fen == surplus
    assert d.volume_pool_fen * 10_000 >= d.distributable_fen * 6_000 - 10_000  # at least 60 %, to the fen
    assert all(s.total_fen >= 0 for s in d.shares)
