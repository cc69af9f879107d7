"""The market board's figures: expected supply, demand and contracted volume per product and season, by county
and grade, beside last season; the price index history and the season's contract floor prices.

Every figure is a grouped query: the number of statements is the same whatever the number of listings. The
board is cached briefly (`MARKET_CACHE_SECONDS`) per product and season, in the process.
"""
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.domain.contracts import HOLDS_SUPPLY, SIGNABLE
from marketplace.domain.market import Signal, planning_season, planting_signal
from marketplace.domain.terms import FLOOR_MARKET, FLOOR_SHARE
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Delivery, Grade, Harvest, Membership, PriceIndexEntry, Product,
)
from marketplace.services.deliveries import COUNTS

#: Listings that count: a harvest not withdrawn; an order published and not closed; a contract signed by both.
SUPPLY_STATUSES = ("open", "partly_matched", "contracted", "delivered")
OPEN_ORDER = ("open", "partly_matched")
SIGNED = tuple(s for s in HOLDS_SUPPLY if s not in SIGNABLE)
#: The oldest season the board shows, and how far ahead.
FIRST_SEASON = 2000


@dataclass
class Figures:
    """One season: kg by (county id, grade id) for each measure."""

    supply: dict = field(default_factory=lambda: defaultdict(int))
    wanted: dict = field(default_factory=lambda: defaultdict(int))  # what open orders want in all
    contracted: dict = field(default_factory=lambda: defaultdict(int))  # signed contracts, by the harvest's place
    committed: dict = field(default_factory=lambda: defaultdict(int))  # contracts against the open orders

    def total(self, measure: str) -> int:
        return sum(getattr(self, measure).values())

    def open_demand(self) -> dict:
        """What open orders still want, by the order's county and lowest grade."""
        keys = set(self.wanted) | set(self.committed)
        return {k: max(self.wanted.get(k, 0) - self.committed.get(k, 0), 0) for k in keys}

    @property
    def demand_kg(self) -> int:
        return self.total("contracted") + sum(self.open_demand().values())

    @property
    def signal(self) -> Signal:
        return planting_signal(self.total("supply"), self.demand_kg)

    def by(self, measure: str, axis: int) -> dict[int, int]:
        """A measure summed by county (axis 0) or grade (axis 1)."""
        source = self.open_demand() if measure == "open_demand" else getattr(self, measure)
        out: dict[int, int] = defaultdict(int)
        for key, kg in source.items():
            out[key[axis]] += kg
        return dict(out)


@dataclass
class Board:
    product_id: int
    season: int
    seasons: dict[int, Figures]
    #: grade rank -> [(date, fen per kg)] over last season and this one.
    prices: dict[int, list[tuple[date, int]]]
    #: (season, grade rank) -> (lowest, highest) contract floor price in fen per kg.
    floors: dict[tuple[int, int], tuple[int, int]]
    #: (Monday of the week, kg) of this season's expected harvest starts.
    calendar: list[tuple[date, int]]

    @property
    def this(self) -> Figures:
        return self.seasons[self.season]

    @property
    def last(self) -> Figures:
        return self.seasons[self.season - 1]


def _year(column):
    return sa.extract("year", column)


def _sum_by(query_columns, kg, where, years, year_column) -> list:
    """(year, *columns, kg) rows: one grouped query."""
    return db.session.execute(
        sa.select(_year(year_column), *query_columns, sa.func.sum(kg))
        .where(*where, _year(year_column).in_(years)).group_by(_year(year_column), *query_columns)).all()


def compute_board(product: Product, season: int) -> Board:
    years = (season - 1, season)
    seasons = {year: Figures() for year in years}

    def fill(measure, rows):
        for year, county, grade, kg in rows:
            getattr(seasons[int(year)], measure)[(county, grade)] += int(kg or 0)

    fill("supply", _sum_by((Harvest.county_id, Harvest.grade_id), Harvest.expected_kg,
                           (Harvest.product_id == product.id, Harvest.status.in_(SUPPLY_STATUSES)),
                           years, Harvest.harvest_start))
    fill("wanted", _sum_by((ContractOrder.collection_county_id, ContractOrder.min_grade_id), ContractOrder.kg_wanted,
                           (ContractOrder.product_id == product.id, ContractOrder.status.in_(OPEN_ORDER)),
                           years, ContractOrder.delivery_start))
    fill("contracted", db.session.execute(
        sa.select(_year(Harvest.harvest_start), Harvest.county_id, Harvest.grade_id, sa.func.sum(Contract.kg))
        .join(Harvest, Harvest.id == Contract.harvest_id)
        .where(Harvest.product_id == product.id, Contract.status.in_(SIGNED), _year(Harvest.harvest_start).in_(years))
        .group_by(_year(Harvest.harvest_start), Harvest.county_id, Harvest.grade_id)).all())
    fill("committed", db.session.execute(
        sa.select(_year(ContractOrder.delivery_start), ContractOrder.collection_county_id, ContractOrder.min_grade_id,
                  sa.func.sum(Contract.kg))
        .join(ContractOrder, ContractOrder.id == Contract.order_id)
        .where(ContractOrder.product_id == product.id, ContractOrder.status.in_(OPEN_ORDER),
               Contract.status.in_(HOLDS_SUPPLY), _year(ContractOrder.delivery_start).in_(years))
        .group_by(_year(ContractOrder.delivery_start), ContractOrder.collection_county_id,
                  ContractOrder.min_grade_id)).all())

    prices: dict[int, list] = defaultdict(list)
    for rank, on_date, fen in db.session.execute(
            sa.select(Grade.rank, PriceIndexEntry.on_date, PriceIndexEntry.fen_per_kg)
            .join(Grade, Grade.id == PriceIndexEntry.grade_id)
            .where(PriceIndexEntry.product_id == product.id,
                   PriceIndexEntry.on_date.between(date(season - 1, 1, 1), date(season, 12, 31)))
            .order_by(PriceIndexEntry.on_date, PriceIndexEntry.id)):
        prices[rank].append((on_date, fen))

    ranks = [g.rank for g in product.grades]
    floors = {}
    if ranks:
        columns = []
        for rank in ranks:
            price = ContractOrder.terms[("prices", str(rank))].as_integer()
            columns += [sa.func.min(price), sa.func.max(price)]
        for row in db.session.execute(
                sa.select(_year(ContractOrder.delivery_start), *columns)
                .where(ContractOrder.product_id == product.id, ContractOrder.term_type.in_((FLOOR_MARKET, FLOOR_SHARE)),
                       ContractOrder.status != "draft", _year(ContractOrder.delivery_start).in_(years))
                .group_by(_year(ContractOrder.delivery_start))):
            for i, rank in enumerate(ranks):
                low, high = row[1 + 2 * i], row[2 + 2 * i]
                if low is not None:
                    floors[(int(row[0]), rank)] = (int(low), int(high))

    weeks: dict[date, int] = defaultdict(int)
    for day, kg in db.session.execute(
            sa.select(Harvest.harvest_start, sa.func.sum(Harvest.expected_kg))
            .where(Harvest.product_id == product.id, Harvest.status.in_(SUPPLY_STATUSES),
                   _year(Harvest.harvest_start) == season)
            .group_by(Harvest.harvest_start)):
        weeks[day - timedelta(days=day.weekday())] += int(kg or 0)
    return Board(product.id, season, seasons, dict(prices), floors, sorted(weeks.items()))


def board(product: Product, season: int) -> Board:
    """The board, from the short cache when it is fresh."""
    ttl = current_app.config.get("MARKET_CACHE_SECONDS", 60)
    cache = current_app.extensions.setdefault("market_board_cache", {})
    key = (product.id, season)
    hit = cache.get(key)
    if ttl and hit and hit[0] > time.monotonic():
        return hit[1]
    result = compute_board(product, season)
    if ttl:
        if len(cache) > 64:
            cache.clear()
        cache[key] = (time.monotonic() + ttl, result)
    return result


def signals(today: date) -> list[tuple[Product, int, Figures]]:
    """Each active product's figures for the season being planned (for the planting signal), from the cache."""
    from marketplace.services.products import active_products

    season = planning_season(today)
    return [(product, season, board(product, season).this) for product in active_products()]


def valid_season(season: int, today: date) -> bool:
    return FIRST_SEASON <= season <= planning_season(today) + 1


def members_volume(cooperative_id: int, product_id: int, season: int) -> dict[str, int]:
    """A co-op's members: expected, contracted and delivered kg of the season (three grouped queries)."""
    members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == cooperative_id)
    expected = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Harvest.expected_kg), 0))
        .where(Harvest.farmer_id.in_(members), Harvest.product_id == product_id,
               Harvest.status.in_(SUPPLY_STATUSES), _year(Harvest.harvest_start) == season))
    contracted = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Contract.kg), 0)).join(Harvest, Harvest.id == Contract.harvest_id)
        .where(Contract.farmer_id.in_(members), Harvest.product_id == product_id, Contract.status.in_(SIGNED),
               _year(Harvest.harvest_start) == season))
    delivered = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Delivery.settlement_grams), 0)).select_from(Delivery)
        .join(Contract, Contract.id == Delivery.contract_id).join(Harvest, Harvest.id == Contract.harvest_id)
        .where(Delivery.cooperative_id == cooperative_id, Harvest.product_id == product_id,
               _year(Harvest.harvest_start) == season, COUNTS))
    return {"expected": int(expected), "contracted": int(contracted), "delivered": int(delivered) // 1000}
