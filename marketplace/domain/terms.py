"""The terms engine: contract price terms turn a delivery into gross, deductions and net.

Plain Python, integer fen. DESIGN §3: Q = settlement kg (here grams), P = price
per kg for the delivered grade, A = advances outstanding. Gross = Q × P; net to
the farmer = gross − co-op fee − risk-fund levy − advances recovered, never
below zero: advances not covered stay owed.

Each result carries `lines`: (code, values) pairs that the web layer turns
into a sentence in the reader's language, so a farmer can see why.
"""
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Mapping

from marketplace.domain.errors import DomainError
from marketplace.domain.money import BP, amount_for, round_half_up, share_bp

FIXED = "fixed"
FLOOR_MARKET = "floor_market"
FLOOR_SHARE = "floor_share"
REBATE = "rebate"
SHARE_COOP = "share_coop"
TERM_TYPES = (FIXED, FLOOR_MARKET, FLOOR_SHARE, REBATE, SHARE_COOP)
#: Term types whose price follows the market index.
MARKET_LINKED = frozenset({FLOOR_MARKET, FLOOR_SHARE})
#: Term types priced per kg for the delivered grade.
PER_KG = frozenset({FIXED, FLOOR_MARKET, FLOOR_SHARE, REBATE})


@dataclass(frozen=True)
class PriceTerms:
    """One contract's price terms.

    `prices` maps a grade rank (1 = best) to fen per kg: the contract price
    (fixed), the floor (floor + market, floor + share) or the base price
    (rebate). `caps` optionally limits the market-linked price per grade.
    """

    kind: str
    prices: Mapping[int, int] = field(default_factory=dict)
    #: k of floor + market, in basis points (500 = market + 5 %).
    margin_bp: int = 0
    #: α of floor + share, the promised share of realised margin (rebate), or s of share cooperation.
    share_bp: int = 0
    #: Share cooperation: the base paid per mu of contracted area, in fen.
    base_fen_per_mu: int = 0
    caps: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "prices", MappingProxyType(dict(self.prices)))
        object.__setattr__(self, "caps", MappingProxyType(dict(self.caps)))
        validate_terms(self)


@dataclass(frozen=True)
class Deductions:
    coop_fee_bp: int = 0
    risk_levy_bp: int = 0


@dataclass(frozen=True)
class Delivery:
    grade_rank: int
    grams: int
    #: The market index for the grade on the delivery date, fen per kg (market-linked terms only).
    market_fen_per_kg: int | None = None
    advances_fen: int = 0
    #: Contracted area (share cooperation), in tenths of a mu to stay exact.
    area_tenth_mu: int = 0


@dataclass(frozen=True)
class Payout:
    price_fen_per_kg: int | None
    gross_fen: int
    coop_fee_fen: int
    risk_levy_fen: int
    advances_recovered_fen: int
    net_fen: int
    still_owed_fen: int
    lines: tuple = ()

    @property
    def deductions_fen(self) -> int:
        return self.coop_fee_fen + self.risk_levy_fen + self.advances_recovered_fen


def validate_terms(terms: PriceTerms) -> None:
    if terms.kind not in TERM_TYPES:
        raise DomainError("terms_unknown_type", field="term_type")
    if terms.kind in PER_KG and not terms.prices:
        raise DomainError("terms_no_prices", field="prices")
    for rank, price in terms.prices.items():
        if not isinstance(rank, int) or rank < 1:
            raise DomainError("terms_bad_grade", field="prices")
        if not isinstance(price, int) or price <= 0 or price > 100_000_000:
            raise DomainError("terms_bad_price", field="prices", grade=rank)
    for rank, cap in terms.caps.items():
        floor = terms.prices.get(rank)
        if floor is not None and cap < floor:
            raise DomainError("terms_floor_above_cap", field="caps", grade=rank)
    if not -5_000 <= terms.margin_bp <= BP:
        raise DomainError("terms_bad_margin", field="margin_pct")
    if not 0 <= terms.share_bp <= BP:
        raise DomainError("terms_bad_share", field="share_pct")
    if terms.kind == SHARE_COOP and terms.base_fen_per_mu <= 0:
        raise DomainError("terms_bad_base_per_mu", field="base_per_mu")


def validate_deductions(d: Deductions) -> None:
    for name, rate in (("coop_fee_pct", d.coop_fee_bp), ("risk_levy_pct", d.risk_levy_bp)):
        if not 0 <= rate <= BP:
            raise DomainError("percent_out_of_range", field=name)
    if d.coop_fee_bp + d.risk_levy_bp > BP:
        raise DomainError("deductions_over_100", field="risk_levy_pct")


def price_per_kg(terms: PriceTerms, grade_rank: int, market_fen_per_kg: int | None) -> tuple[int, tuple]:
    """The price in fen per kg for a grade, with the line that explains it."""
    if terms.kind == SHARE_COOP:
        raise DomainError("terms_not_per_kg")
    base = terms.prices.get(grade_rank)
    if base is None:
        raise DomainError("grade_not_priced", field="grade", grade=grade_rank)
    if terms.kind in (FIXED, REBATE):
        return base, ((f"price_{terms.kind}", {"grade": grade_rank, "price": base}),)
    if market_fen_per_kg is None or market_fen_per_kg < 0:
        raise DomainError("market_price_missing", grade=grade_rank)
    market = market_fen_per_kg
    if terms.kind == FLOOR_MARKET:
        linked = round_half_up(Fraction(market * (BP + terms.margin_bp), BP))
        price = max(base, linked)
        values = {"grade": grade_rank, "floor": base, "market": market, "margin_bp": terms.margin_bp,
                  "linked": linked, "price": price}
    else:
        upside = max(0, market - base)
        price = base + round_half_up(Fraction(upside * terms.share_bp, BP))
        values = {"grade": grade_rank, "floor": base, "market": market, "share_bp": terms.share_bp,
                  "upside": upside, "price": price}
    cap = terms.caps.get(grade_rank)
    lines = [(f"price_{terms.kind}", values)]
    if cap is not None and price > cap:
        price = cap
        lines.append(("price_capped", {"cap": cap, "price": price}))
    return price, tuple(lines)


def settle(terms: PriceTerms, deductions: Deductions, delivery: Delivery) -> Payout:
    """Turn one delivery (or, for share cooperation, one contract's area) into money."""
    validate_deductions(deductions)
    if delivery.grams < 0 or delivery.advances_fen < 0 or delivery.area_tenth_mu < 0:
        raise DomainError("negative_input")
    lines: list = []
    if terms.kind == SHARE_COOP:
        price = None
        gross = round_half_up(Fraction(terms.base_fen_per_mu * delivery.area_tenth_mu, 10))
        lines.append(("gross_per_mu", {"area_tenth_mu": delivery.area_tenth_mu,
                                       "base": terms.base_fen_per_mu, "gross": gross}))
    else:
        price, price_lines = price_per_kg(terms, delivery.grade_rank, delivery.market_fen_per_kg)
        lines.extend(price_lines)
        gross = amount_for(delivery.grams, price)
        lines.append(("gross", {"grams": delivery.grams, "price": price, "gross": gross}))
    fee = min(share_bp(gross, deductions.coop_fee_bp), gross)
    levy = min(share_bp(gross, deductions.risk_levy_bp), gross - fee)
    recovered = min(delivery.advances_fen, gross - fee - levy)
    net = gross - fee - levy - recovered
    owed = delivery.advances_fen - recovered
    if deductions.coop_fee_bp:
        lines.append(("coop_fee", {"rate_bp": deductions.coop_fee_bp, "amount": fee}))
    if deductions.risk_levy_bp:
        lines.append(("risk_levy", {"rate_bp": deductions.risk_levy_bp, "amount": levy}))
    if delivery.advances_fen:
        lines.append(("advances", {"owed": delivery.advances_fen, "recovered": recovered, "still_owed": owed}))
    lines.append(("net", {"net": net}))
    return Payout(price, gross, fee, levy, recovered, net, owed, tuple(lines))


def preview(terms: PriceTerms, deductions: Deductions, grade_rank: int, grams: int, market_today: int | None,
            factors_pct=(50, 75, 100, 125, 150, 200), area_tenth_mu: int = 0) -> list[dict]:
    """What the farmer would be paid across market prices from half to twice today's index.

    One row per market price: the market price, the contract price per kg and the
    net for the expected weight (no advances: they depend on what is taken).
    """
    rows = []
    for pct in factors_pct:
        market = None if market_today is None else round_half_up(Fraction(market_today * pct, 100))
        if terms.kind in MARKET_LINKED and market is None:
            raise DomainError("market_price_missing", grade=grade_rank)
        payout = settle(terms, deductions, Delivery(grade_rank=grade_rank, grams=grams, market_fen_per_kg=market,
                                                    area_tenth_mu=area_tenth_mu))
        rows.append({"factor_pct": pct, "market": market, "price": payout.price_fen_per_kg,
                     "gross": payout.gross_fen, "net": payout.net_fen})
    return rows
