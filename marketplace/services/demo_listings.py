"""Demo listings: a price history, an expected harvest for every demo farmer, orders of every term type."""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from marketplace.domain.market import planning_season
from marketplace.domain.listings import suggest_kg
from marketplace.extensions import db
from marketplace.models import ContractOrder, FarmerProfile, Harvest, PriceIndexEntry, Product, User

#: Index level per product and grade rank, fen per kg, around which the history moves.
BASE_PRICE = {"safflower_filament": {1: 12_500, 2: 10_000, 3: 8_000}, "safflower_seed": {1: 560, 2: 500}}
SOURCES = ("伊宁市农产品批发市场", "察布查尔县收购点报价", "霍城县合作社联合报价")


def demo_season(today: date) -> int:
    """The season being planned: next year's once this year's harvest is over."""
    return planning_season(today)


def _products() -> dict[str, Product]:
    return {p.code: p for p in db.session.scalars(sa.select(Product).options(sa.orm.selectinload(Product.grades)))}


def load_price_history(recorder: User, today: date, rng: random.Random) -> int:
    """Twice-monthly index prices for the last two years, per product and grade."""
    count = 0
    for code, product in _products().items():
        level = 1.0
        day = date(today.year - 2, today.month, 1)
        while day <= today:
            level = min(1.6, max(0.6, level * rng.uniform(0.93, 1.08)))
            for grade in product.grades:
                base = BASE_PRICE.get(code, {}).get(grade.rank)
                if base is None:
                    continue
                db.session.add(PriceIndexEntry(product_id=product.id, grade_id=grade.id, on_date=day,
                                               fen_per_kg=int(base * level), source_note=rng.choice(SOURCES),
                                               recorded_by_id=recorder.id))
                count += 1
            day = day + timedelta(days=15) if day.day == 1 else date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    db.session.flush()
    return count


def load_harvests(today: date, rng: random.Random) -> int:
    products = _products()
    season = demo_season(today)
    windows = {"safflower_filament": (date(season, 6, 20), date(season, 7, 20)),
               "safflower_seed": (date(season, 8, 15), date(season, 9, 20))}
    farmers = db.session.execute(
        sa.select(User, FarmerProfile).join(FarmerProfile, FarmerProfile.user_id == User.id).order_by(User.id)
    ).all()
    for i, (farmer, profile) in enumerate(farmers):
        code = "safflower_filament" if i % 3 == 0 else "safflower_seed"
        product = products[code]
        area = (profile.farm_area_mu * Decimal(rng.choice(("0.6", "0.7", "0.8", "1.0")))).quantize(Decimal("0.1"))
        kg = int(suggest_kg(area, product.typical_yield_kg_per_mu) * rng.uniform(0.8, 1.15))
        grade = product.grades[min(len(product.grades) - 1, rng.choice((0, 0, 1, 1, 2)))]
        start, end = windows[code]
        db.session.add(Harvest(
            farmer_id=farmer.id, product_id=product.id, variety=rng.choice(("吉红1号", "裕民无刺", "本地红花", "")),
            area_mu=area, expected_kg=max(kg, 1), grade_id=grade.id, harvest_start=start, harvest_end=end,
            county_id=profile.county_id, township_id=profile.township_id, village=profile.village, status="open",
            created_by_id=farmer.id,
        ))
    db.session.flush()
    return len(farmers)


#: (processor index, product, term type, kg, min grade rank, extra terms)
ORDERS = (
    (0, "safflower_seed", "fixed", 120_000, 2, {"prices": {"1": 600, "2": 540}}),
    (0, "safflower_seed", "floor_market", 80_000, 2, {"prices": {"1": 520, "2": 470}, "margin_bp": 300}),
    (1, "safflower_filament", "floor_share", 3_000, 2, {"prices": {"1": 11_000, "2": 9_000}, "share_bp": 4_000}),
    (1, "safflower_filament", "rebate", 2_000, 3, {"prices": {"1": 11_500, "2": 9_500, "3": 7_800},
                                                  "share_bp": 3_000}),
    (2, "safflower_filament", "fixed", 2_500, 1, {"prices": {"1": 14_000}}),
    (2, "safflower_filament", "share_coop", 1_500, 2, {"base_fen_per_mu": 60_000, "share_bp": 2_000}),
    (2, "safflower_filament", "floor_market", 2_000, 2, {"prices": {"1": 10_500, "2": 8_500}, "margin_bp": 500,
                                                         "caps": {"1": 20_000, "2": 16_000}}),
)


def load_orders(processor_users: list[User], today: date) -> int:
    products = _products()
    season = demo_season(today)
    windows = {"safflower_filament": (date(season, 6, 25), date(season, 8, 10)),
               "safflower_seed": (date(season, 8, 20), date(season, 10, 15))}
    points = ("伊宁市英也尔乡收购站", "霍城县清水河镇收购点", "伊宁县吉里于孜镇仓库")
    for n, (who, code, kind, kg, min_rank, extra) in enumerate(ORDERS):
        user = processor_users[who]
        product = products[code]
        county = user.processor.county
        start, end = windows[code]
        terms = {"prices": {}, "caps": {}, "margin_bp": 0, "share_bp": 0, "base_fen_per_mu": 0, **extra}
        db.session.add(ContractOrder(
            processor_id=user.processor_id, product_id=product.id, kg_wanted=kg,
            min_grade_id=next(g.id for g in product.grades if g.rank == min_rank),
            delivery_start=start, delivery_end=end, collection_county_id=county.id, collection_point=points[who],
            collection_lat=county.lat, collection_lon=county.lon, max_suppliers=20 if n % 2 else None,
            min_alloc_kg=50 if code == "safflower_filament" else 500, term_type=kind, terms=terms,
            advance_seed_fen_per_mu=3_000 if n % 3 == 0 else 0, advance_fertiliser_fen_per_mu=5_000 if n % 2 else 0,
            coop_fee_bp=200, risk_levy_bp=100, short_delivery_penalty_bp=1_000, refusal_penalty_bp=1_500,
            status="open", created_by_id=user.id,
        ))
    db.session.flush()
    return len(ORDERS)


def load_demo_listings(admin: User, processor_users: list[User], today: date) -> None:
    rng = random.Random(2026)
    load_price_history(admin, today, rng)
    load_harvests(today, rng)
    load_orders(processor_users, today)
