"""Settlement weight with worked examples and the exact reject thresholds; lot codes that cannot be forged."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain import lotcodes
from marketplace.domain.errors import DomainError
from marketplace.domain.weighing import Reading, Spec, settlement_weight

# Safflower filaments: standard moisture 13 %, impurity 2 %; rejected above 20 % and 8 %.
FILAMENT = Spec(std_moisture_bp=1300, std_impurity_bp=200, reject_moisture_bp=2000, reject_impurity_bp=800)
SEED = Spec(std_moisture_bp=800, std_impurity_bp=400, reject_moisture_bp=1500, reject_impurity_bp=1000)


def weigh(gross_kg, tare_kg, moisture_pct, impurity_pct, spec=FILAMENT):
    return settlement_weight(Reading(round(gross_kg * 1000), round(tare_kg * 1000), round(moisture_pct * 100),
                                     round(impurity_pct * 100)), spec)


def test_within_standard_the_net_weight_is_paid():
    w = weigh(105.0, 5.0, 12.0, 1.5)
    assert (w.net_grams, w.after_moisture_grams, w.settlement_grams, w.rejected) == (100_000, 100_000, 100_000, None)
    assert [code for code, _ in w.lines] == ["net", "moisture_ok", "impurity_ok", "settlement"]


def test_worked_example_moisture_then_impurity():
    # 100 kg net at 15 % moisture: 100 × 85 / 87 = 97.701 kg (97,701 g, half up);
    # then 3 % impurity over 2 %: 97,701 × 97 / 98 = 96,704.02 → 96,704 g.
    w = weigh(103.5, 3.5, 15.0, 3.0)
    assert w.net_grams == 100_000
    assert w.after_moisture_grams == 97_701
    assert w.settlement_grams == 96_704
    assert [code for code, _ in w.lines] == ["net", "moisture", "impurity", "settlement"]


def test_seed_worked_example():
    # 500 kg net of seed at 10 % moisture over 8 %: 500 × 90 / 92 = 489.130 kg; impurity 4 % is the standard.
    w = weigh(520.0, 20.0, 10.0, 4.0, SEED)
    assert (w.after_moisture_grams, w.settlement_grams) == (489_130, 489_130)


def test_no_bonus_below_standard():
    assert weigh(50.0, 0.0, 5.0, 0.0).settlement_grams == 50_000


def test_exactly_at_the_reject_threshold_is_accepted_and_just_above_is_rejected():
    at = weigh(100.0, 0.0, 20.0, 8.0)
    assert at.accepted
    # 100 × 80 / 87 = 91.954 kg; then 91,954 g × 92 / 98 = 86,323.6 → 86,324 g
    assert (at.after_moisture_grams, at.settlement_grams) == (91_954, 86_324)
    over_moisture = weigh(100.0, 0.0, 20.01, 1.0)
    assert over_moisture.rejected == "moisture_over_reject" and over_moisture.settlement_grams == 0
    over_impurity = weigh(100.0, 0.0, 13.0, 8.01)
    assert over_impurity.rejected == "impurity_over_reject" and over_impurity.lines[-1][0] == "impurity_over_reject"
    both = weigh(100.0, 0.0, 25.0, 9.0)
    assert both.rejected == "moisture_over_reject"  # moisture is checked first


@pytest.mark.parametrize("reading, code", [
    (Reading(10_000, 10_000, 0, 0), "tare_not_below_gross"),
    (Reading(10_000, 12_000, 0, 0), "tare_not_below_gross"),
    (Reading(10_000, -1, 0, 0), "tare_negative"),
    (Reading(0, 0, 0, 0), "gross_out_of_range"),
    (Reading(-5, 0, 0, 0), "gross_out_of_range"),
    (Reading(10 ** 12, 0, 0, 0), "gross_out_of_range"),
    (Reading(10_000, 0, -1, 0), "percent_out_of_range"),
    (Reading(10_000, 0, 10_001, 0), "percent_out_of_range"),
    (Reading(10_000, 0, 0, 10_001), "percent_out_of_range"),
])
def test_impossible_readings_are_refused(reading, code):
    with pytest.raises(DomainError) as err:
        settlement_weight(reading, FILAMENT)
    assert err.value.code == code


@given(st.integers(1, 10 ** 8), st.integers(0, 10 ** 8), st.integers(0, 10_000), st.integers(0, 10_000))
def test_the_settlement_weight_never_exceeds_the_net_and_never_goes_negative(gross, tare, m, i):
    if tare >= gross:
        return
    w = settlement_weight(Reading(gross, tare, m, i), FILAMENT)
    assert 0 <= w.settlement_grams <= w.after_moisture_grams <= w.net_grams == gross - tare


KEY = b"test-key-for-lot-codes"


def test_a_code_verifies_and_reads_forgivingly():
    code = lotcodes.issue(KEY, 4711)
    assert len(code) == 12 and set(code) <= set(lotcodes.ALPHABET)
    assert lotcodes.verify(KEY, code) == 4711
    shown = lotcodes.display(code)
    assert shown.count("-") == 2
    assert lotcodes.verify(KEY, " " + shown.lower() + " ") == 4711
    assert lotcodes.verify(KEY, code.replace("0", "O").replace("1", "l")) == 4711


def test_every_one_character_change_fails():
    code = lotcodes.issue(KEY, 123_456)
    for i in range(len(code)):
        for char in lotcodes.ALPHABET:
            if char == code[i]:
                continue
            changed = code[:i] + char + code[i + 1:]
            with pytest.raises(lotcodes.LotCodeError) as err:
                lotcodes.verify(KEY, changed)
            assert err.value.reason == "forged", changed


def test_another_key_does_not_verify():
    with pytest.raises(lotcodes.LotCodeError):
        lotcodes.verify(b"another key", lotcodes.issue(KEY, 99))


@pytest.mark.parametrize("text", ["", "ABC", "0" * 11, "0" * 13, "ABCD-EFGH-JKU1", "ÄBCD-EFGH-JKMN", "1234 5678 90!@"])
def test_wrong_length_or_alphabet_is_malformed(text):
    with pytest.raises(lotcodes.LotCodeError) as err:
        lotcodes.verify(KEY, text)
    assert err.value.reason == "malformed"


def test_the_serial_zero_never_verifies():
    with pytest.raises(lotcodes.LotCodeError):
        lotcodes.verify(KEY, "000000" + "000000")
