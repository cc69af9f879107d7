"""Money in integer fen: rounding a rate to the fen, and exact splits.

Amounts are never floats. A rate is an integer in basis points (1 % = 100 bp)
or an exact Fraction; a result is rounded once, half up, to the fen.
"""
from fractions import Fraction

BP = 10_000  # basis points in a whole


def round_half_up(value: Fraction | int) -> int:
    """Round an exact amount to the nearest whole (fen), halves away from zero."""
    value = Fraction(value)
    sign = -1 if value < 0 else 1
    return sign * int((abs(value) * 2 + 1) // 2)


def share_bp(amount_fen: int, rate_bp: int) -> int:
    """`rate_bp` basis points of an amount, rounded half up to the fen."""
    return round_half_up(Fraction(amount_fen * rate_bp, BP))


def amount_for(grams: int, fen_per_kg: int) -> int:
    """The value of a weight in grams at a price in fen per kg, rounded to the fen."""
    return round_half_up(Fraction(grams * fen_per_kg, 1000))


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split `total` fen in proportion to `weights`, exact to the fen.

    Each part gets the floor of its exact share; the fen left over go one each to the
    largest remainders (ties to the earlier party), so the parts always sum to `total`.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    whole = sum(weights)
    if not weights:
        if total:
            raise ValueError("nothing to split among")
        return []
    if whole == 0:
        if total:
            raise ValueError("all weights are zero")
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def yuan_to_fen(text) -> int:
    """Parse a yuan amount ("12.34", Decimal) into fen; more than two decimals is an error."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("not an amount") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
        raise ValueError("not an amount")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimals")
    return int(fen)
