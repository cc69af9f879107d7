"""The terms engine: worked examples for every term type, and invariants."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import DomainError
from marketplace.domain.terms import (
    FIXED, FLOOR_MARKET, FLOOR_SHARE, REBATE, SHARE_COOP, TERM_TYPES, Deductions, Delivery, PriceTerms, preview,
    settle,
)

FEE = Deductions(coop_fee_bp=200, risk_levy_bp=100)  # 2 % co-op fee, 1 % risk-fund levy


def test_fixed_price_worked_example():
    terms = PriceTerms(FIXED, prices={1: 12_000, 2: 9_500, 3: 7_700})
    # 25.4 kg of grade 2 at 95.00 yuan/kg = 2,413.00 yuan
    p = settle(terms, FEE, Delivery(grade_rank=2, grams=25_400, advances_fen=30_000))
    assert p.price_fen_per_kg == 9_500 and p.gross_fen == 241_300
    assert p.coop_fee_fen == 4_826 and p.risk_levy_fen == 2_413
    assert p.advances_recovered_fen == 30_000 and p.still_owed_fen == 0
    assert p.net_fen == 241_300 - 4_826 - 2_413 - 30_000
    assert [code for code, _v in p.lines] == ["price_fixed", "gross", "coop_fee", "risk_levy", "advances", "net"]


def test_floor_market_uses_the_market_when_above_the_floor():
    terms = PriceTerms(FLOOR_MARKET, prices={1: 8_000}, margin_bp=500)
    above = settle(terms, Deductions(), Delivery(grade_rank=1, grams=10_000, market_fen_per_kg=10_000))
    assert above.price_fen_per_kg == 10_500 and above.gross_fen == 105_000
    below = settle(terms, Deductions(), Delivery(grade_rank=1, grams=10_000, market_fen_per_kg=6_000))
    assert below.price_fen_per_kg == 8_000  # market × 1.05 = 63.00 < floor 80.00


def test_floor_market_rounds_the_linked_price_to_the_fen():
    terms = PriceTerms(FLOOR_MARKET, prices={1: 100}, margin_bp=333)
    p = settle(terms, Deductions(), Delivery(grade_rank=1, grams=1_000, market_fen_per_kg=10_001))
    assert p.price_fen_per_kg == 10_334  # 10,001 × 1.0333 = 10,334.03 -> 10,334


def test_floor_share_of_upside():
    terms = PriceTerms(FLOOR_SHARE, prices={1: 8_000}, share_bp=4_000)
    p = settle(terms, Deductions(), Delivery(grade_rank=1, grams=2_000, market_fen_per_kg=13_000))
    assert p.price_fen_per_kg == 8_000 + 2_000  # floor + 40 % of 50.00
    zero = settle(terms, Deductions(), Delivery(grade_rank=1, grams=2_000, market_fen_per_kg=8_000))
    assert zero.price_fen_per_kg == 8_000       # zero upside


def test_cap_limits_a_market_linked_price():
    terms = PriceTerms(FLOOR_MARKET, prices={1: 8_000}, caps={1: 12_000})
    p = settle(terms, Deductions(), Delivery(grade_rank=1, grams=1_000, market_fen_per_kg=20_000))
    assert p.price_fen_per_kg == 12_000 and ("price_capped", {"cap": 12_000, "price": 12_000}) in p.lines


def test_floor_above_cap_is_refused():
    with pytest.raises(DomainError) as err:
        PriceTerms(FLOOR_MARKET, prices={1: 9_000}, caps={1: 8_000})
    assert err.value.code == "terms_floor_above_cap"


def test_rebate_pays_the_base_at_delivery():
    terms = PriceTerms(REBATE, prices={1: 500, 2: 450}, share_bp=3_000)
    p = settle(terms, Deductions(), Delivery(grade_rank=2, grams=1_000_000))
    assert p.gross_fen == 450_000  # 1 t of seed at 4.50 yuan/kg


def test_share_cooperation_pays_the_base_per_mu():
    terms = PriceTerms(SHARE_COOP, base_fen_per_mu=30_000, share_bp=2_000)
    p = settle(terms, FEE, Delivery(grade_rank=1, grams=0, area_tenth_mu=125))  # 12.5 mu
    assert p.gross_fen == 375_000 and p.price_fen_per_kg is None


def test_advances_above_gross_leave_the_rest_owed():
    terms = PriceTerms(FIXED, prices={1: 1_000})
    p = settle(terms, FEE, Delivery(grade_rank=1, grams=10_000, advances_fen=50_000))
    assert p.gross_fen == 10_000 and p.net_fen == 0
    assert p.advances_recovered_fen == 10_000 - 200 - 100
    assert p.still_owed_fen == 50_000 - p.advances_recovered_fen


def test_bad_inputs():
    with pytest.raises(DomainError):
        PriceTerms("barter", prices={1: 1})
    with pytest.raises(DomainError):
        PriceTerms(FIXED, prices={})
    with pytest.raises(DomainError):
        PriceTerms(FIXED, prices={1: -5})
    with pytest.raises(DomainError):
        PriceTerms(FLOOR_SHARE, prices={1: 100}, share_bp=10_001)
    terms = PriceTerms(FIXED, prices={1: 1_000})
    with pytest.raises(DomainError) as err:
        settle(terms, Deductions(), Delivery(grade_rank=3, grams=1_000))
    assert err.value.code == "grade_not_priced"
    with pytest.raises(DomainError) as err:
        settle(PriceTerms(FLOOR_MARKET, prices={1: 1}), Deductions(), Delivery(grade_rank=1, grams=1))
    assert err.value.code == "market_price_missing"
    with pytest.raises(DomainError):
        settle(terms, Deductions(coop_fee_bp=6_000, risk_levy_bp=5_000), Delivery(grade_rank=1, grams=1))
    with pytest.raises(DomainError):
        settle(terms, Deductions(), Delivery(grade_rank=1, grams=-1))


def test_preview_from_half_to_twice_the_index():
    terms = PriceTerms(FLOOR_MARKET, prices={1: 9_000})
    rows = preview(terms, Deductions(), 1, 100_000, market_today=10_000)
    assert [r["market"] for r in rows] == [5_000, 7_500, 10_000, 12_500, 15_000, 20_000]
    assert [r["price"] for r in rows] == [9_000, 9_000, 10_000, 12_500, 15_000, 20_000]
    fixed = preview(PriceTerms(FIXED, prices={1: 11_000}), Deductions(), 1, 100_000, market_today=10_000)
    assert {r["price"] for r in fixed} == {11_000}


prices = st.dictionaries(st.integers(1, 3), st.integers(1, 2_000_000), min_size=3, max_size=3)


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(TERM_TYPES))
    terms = PriceTerms(kind, prices=draw(prices) if kind != SHARE_COOP else {},
                       margin_bp=draw(st.integers(-5_000, 10_000)), share_bp=draw(st.integers(0, 10_000)),
                       base_fen_per_mu=draw(st.integers(1, 10_000_000)))
    fee = draw(st.integers(0, 10_000))
    deductions = Deductions(fee, draw(st.integers(0, 10_000 - fee)))
    delivery = Delivery(grade_rank=draw(st.integers(1, 3)), grams=draw(st.integers(0, 10**9)),
                        market_fen_per_kg=draw(st.integers(0, 5_000_000)),
                        advances_fen=draw(st.integers(0, 10**10)), area_tenth_mu=draw(st.integers(0, 100_000)))
    return terms, deductions, delivery


@given(cases())
def test_net_plus_deductions_is_gross_and_net_is_never_negative(case):
    terms, deductions, delivery = case
    p = settle(terms, deductions, delivery)
    assert p.net_fen + p.coop_fee_fen + p.risk_levy_fen + p.advances_recovered_fen == p.gross_fen
    assert min(p.net_fen, p.coop_fee_fen, p.risk_levy_fen, p.advances_recovered_fen, p.still_owed_fen) >= 0
    assert p.advances_recovered_fen + p.still_owed_fen == delivery.advances_fen
    if terms.kind in (FLOOR_MARKET, FLOOR_SHARE):
        assert p.price_fen_per_kg >= terms.prices[delivery.grade_rank]
