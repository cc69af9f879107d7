"""What will I be paid: an order's terms run over market prices from half to twice today's index.

Loads the index and the reader's harvests, then asks the terms engine
(`domain.terms.preview` and `settle`); the page shows one table per case,
and the formula lines at today's price so a farmer can see why.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import suggest_kg
from marketplace.domain.terms import MARKET_LINKED, SHARE_COOP, Deductions, Delivery, PriceTerms, preview, settle
from marketplace.extensions import db
from marketplace.models import ContractOrder, Harvest, User
from marketplace.services.orders import deductions_of, terms_of
from marketplace.services.prices import latest_prices

#: The processor's example: this many kg of each accepted grade.
EXAMPLE_KG = 1_000
#: A farmer without harvests (or a co-op manager) sees a typical farm of this many tenths of a mu.
EXAMPLE_AREA_TENTH_MU = 100
OPEN_HARVEST = ("open", "partly_matched")


@dataclass(frozen=True)
class PreviewCase:
    """One quantity to preview: one of the farmer's harvests, or an example."""

    grade_rank: int
    grams: int
    area_tenth_mu: int
    harvest: Harvest | None = None
    example: bool = False


@dataclass
class PreviewTable:
    case: PreviewCase
    #: Rows of `domain.terms.preview`: factor_pct, market, price, gross, net (fen).
    rows: list = field(default_factory=list)
    #: The engine's formula lines for today's market price (or the only row).
    lines: tuple = ()
    market_today: int | None = None
    market_date: date | None = None
    #: None, "no_market_price", "grade_not_accepted" or "not_computable".
    note: str | None = None
    #: With no market price under market-linked terms: what the farmer gets at least (a settle row).
    minimum: dict | None = None


def accepted_ranks(order: ContractOrder) -> list[int]:
    return [g.rank for g in order.product.grades if g.rank <= order.min_grade.rank]


def processor_cases(order: ContractOrder) -> list[PreviewCase]:
    if order.term_type == SHARE_COOP:
        return [PreviewCase(order.min_grade.rank, 0, EXAMPLE_AREA_TENTH_MU, example=True)]
    return [PreviewCase(rank, EXAMPLE_KG * 1000, 0, example=True) for rank in accepted_ranks(order)]


def example_cases(order: ContractOrder) -> list[PreviewCase]:
    """A typical 10-mu farm: its expected kg at the product's typical yield, for each accepted grade."""
    if order.term_type == SHARE_COOP:
        return [PreviewCase(order.min_grade.rank, 0, EXAMPLE_AREA_TENTH_MU, example=True)]
    kg = suggest_kg(Decimal(EXAMPLE_AREA_TENTH_MU) / 10, order.product.typical_yield_kg_per_mu)
    return [PreviewCase(rank, kg * 1000, EXAMPLE_AREA_TENTH_MU, example=True) for rank in accepted_ranks(order)]


def farmer_cases(farmer: User, order: ContractOrder) -> list[PreviewCase]:
    """The farmer's own open harvests of the order's product, or the example when there are none."""
    harvests = db.session.scalars(
        sa.select(Harvest).options(joinedload(Harvest.grade))
        .where(Harvest.farmer_id == farmer.id, Harvest.product_id == order.product_id,
               Harvest.status.in_(OPEN_HARVEST))
        .order_by(Harvest.harvest_start, Harvest.id)
    ).all()
    if not harvests:
        return example_cases(order)
    return [PreviewCase(h.grade.rank, h.expected_kg * 1000, int(Decimal(h.area_mu) * 10), harvest=h)
            for h in harvests]


def preview_table(terms: PriceTerms, deductions: Deductions, case: PreviewCase, latest: dict) -> PreviewTable:
    """One case under these terms, over market prices from half to twice today's (`latest`: rank -> index entry)."""
    entry = latest.get(case.grade_rank)
    table = PreviewTable(case, market_today=entry.fen_per_kg if entry else None,
                         market_date=entry.on_date if entry else None)

    def run(market, factors):
        table.rows = preview(terms, deductions, case.grade_rank, case.grams, market, factors_pct=factors,
                             area_tenth_mu=case.area_tenth_mu)
        today = settle(terms, deductions, Delivery(grade_rank=case.grade_rank, grams=case.grams,
                                                   market_fen_per_kg=market, area_tenth_mu=case.area_tenth_mu))
        table.lines = today.lines

    if terms.kind == SHARE_COOP:
        run(None, (100,))
    elif case.grade_rank not in terms.prices:
        table.note = "grade_not_accepted"
    elif table.market_today is not None:
        run(table.market_today, (50, 75, 100, 125, 150, 200))
    elif terms.kind in MARKET_LINKED:
        # No index yet: the price follows the market, but never goes below the floor (a market of zero).
        table.note = "no_market_price"
        least = settle(terms, deductions, Delivery(grade_rank=case.grade_rank, grams=case.grams, market_fen_per_kg=0))
        table.minimum = {"price": least.price_fen_per_kg, "gross": least.gross_fen, "net": least.net_fen}
    else:
        table.note = "no_market_price"
        run(None, (100,))
    return table


def previews(order: ContractOrder, cases: list[PreviewCase], today: date) -> list[PreviewTable]:
    latest = latest_prices(order.product_id, today)
    tables = []
    for case in cases:
        try:
            tables.append(preview_table(terms_of(order), deductions_of(order), case, latest))
        except DomainError:
            # Terms the engine refuses (e.g. edited by hand in the database) show no table rather than a 500.
            tables.append(PreviewTable(case, note="not_computable"))
    return tables
