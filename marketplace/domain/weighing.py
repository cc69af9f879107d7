"""Settlement weight at the collection point (DESIGN §3), in integer grams and basis points.

W_net = gross − tare. When moisture M is above its standard M_std:
W = W_net × (100 − M) / (100 − M_std), rounded half up to the gram; no bonus
below the standard. Then the same form for impurity over its standard, on
the weight after moisture. A lot above a reject threshold (strictly above:
exactly at the threshold is accepted) is rejected, with the reason on record.

Percentages are basis points here (13.00 % = 1300); weights are grams.
Each result carries `lines` — (code, values) pairs the web layer turns into
a sentence in the reader's language — so the farmer sees the formula.
"""
from dataclasses import dataclass
from fractions import Fraction

from marketplace.domain.errors import DomainError
from marketplace.domain.money import round_half_up

FULL = 10_000  # 100 % in basis points
#: A single weighing above this (100 tonnes) is a typing mistake.
MAX_GRAMS = 100_000_000


@dataclass(frozen=True)
class Spec:
    """The product's delivery spec, in basis points."""

    std_moisture_bp: int
    std_impurity_bp: int
    reject_moisture_bp: int
    reject_impurity_bp: int


@dataclass(frozen=True)
class Reading:
    """What the scale and the grader say."""

    gross_grams: int
    tare_grams: int
    moisture_bp: int
    impurity_bp: int


@dataclass(frozen=True)
class Weighing:
    net_grams: int
    after_moisture_grams: int
    settlement_grams: int
    #: None, "moisture_over_reject" or "impurity_over_reject" (moisture is checked first).
    rejected: str | None
    lines: tuple

    @property
    def accepted(self) -> bool:
        return self.rejected is None


def check_reading(r: Reading) -> None:
    """Refuse readings that cannot be right, field by field."""
    if not 0 < r.gross_grams <= MAX_GRAMS:
        raise DomainError("gross_out_of_range", field="gross_kg")
    if r.tare_grams < 0:
        raise DomainError("tare_negative", field="tare_kg")
    if r.tare_grams >= r.gross_grams:
        raise DomainError("tare_not_below_gross", field="tare_kg")
    if not 0 <= r.moisture_bp <= FULL:
        raise DomainError("percent_out_of_range", field="moisture_pct")
    if not 0 <= r.impurity_bp <= FULL:
        raise DomainError("percent_out_of_range", field="impurity_pct")


def _reduce(grams: int, actual_bp: int, std_bp: int) -> int:
    """W × (100 − actual) / (100 − std), only when actual is above std."""
    if actual_bp <= std_bp:
        return grams
    return round_half_up(Fraction(grams * (FULL - actual_bp), FULL - std_bp))


def settlement_weight(reading: Reading, spec: Spec) -> Weighing:
    check_reading(reading)
    if not (0 <= spec.std_moisture_bp < FULL and 0 <= spec.std_impurity_bp < FULL):
        raise DomainError("spec_out_of_range")
    net = reading.gross_grams - reading.tare_grams
    lines = [("net", {"gross": reading.gross_grams, "tare": reading.tare_grams, "net": net})]
    rejected = None
    if reading.moisture_bp > spec.reject_moisture_bp:
        rejected = "moisture_over_reject"
    elif reading.impurity_bp > spec.reject_impurity_bp:
        rejected = "impurity_over_reject"
    after_moisture = _reduce(net, reading.moisture_bp, spec.std_moisture_bp)
    if after_moisture != net:
        lines.append(("moisture", {"actual_bp": reading.moisture_bp, "std_bp": spec.std_moisture_bp,
                                   "before": net, "after": after_moisture}))
    else:
        lines.append(("moisture_ok", {"actual_bp": reading.moisture_bp, "std_bp": spec.std_moisture_bp}))
    settlement = _reduce(after_moisture, reading.impurity_bp, spec.std_impurity_bp)
    if settlement != after_moisture:
        lines.append(("impurity", {"actual_bp": reading.impurity_bp, "std_bp": spec.std_impurity_bp,
                                   "before": after_moisture, "after": settlement}))
    else:
        lines.append(("impurity_ok", {"actual_bp": reading.impurity_bp, "std_bp": spec.std_impurity_bp}))
    if rejected:
        limit = spec.reject_moisture_bp if rejected == "moisture_over_reject" else spec.reject_impurity_bp
        actual = reading.moisture_bp if rejected == "moisture_over_reject" else reading.impurity_bp
        lines.append((rejected, {"actual_bp": actual, "limit_bp": limit}))
        settlement = 0
    else:
        lines.append(("settlement", {"grams": settlement}))
    return Weighing(net, after_moisture, settlement, rejected, tuple(lines))
