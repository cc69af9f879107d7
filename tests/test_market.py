"""The market board: grouped figures against a brute-force count, the planting signal's thresholds, a query
count that does not grow with the listings, the chart's SVG, downloads, bad addresses, and who sees what."""
import gzip
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.domain.market import (
    RISK_BELOW_BP, ROOM_ABOVE_BP, planning_season, planting_signal, price_chart,
)
from marketplace.extensions import db as _db
from marketplace.models import ContractOrder, County, Harvest, PriceIndexEntry
from marketplace.services import market

SEASON = planning_season(date.today())


# --- the planting signal --------------------------------------------------------------------------------------

@pytest.mark.parametrize("supply, demand, code, cover", [
    (10_000, 7_999, "oversupply_risk", 7_999),
    (10_000, 8_000, "balanced", RISK_BELOW_BP),
    (10_000, 12_000, "balanced", ROOM_ABOVE_BP),
    (10_000, 12_001, "room_to_plant", 12_001),
    (0, 500, "room_to_plant", None),
    (0, 0, "no_listings", None),
    (3, 1, "oversupply_risk", 3_333),  # rounded down: never reads better than it is
])
def test_planting_signal_thresholds(supply, demand, code, cover):
    signal = planting_signal(supply, demand)
    assert (signal.code, signal.cover_bp) == (code, cover)


# --- the chart ------------------------------------------------------------------------------------------------

def test_the_chart_runs_right_to_left_for_rtl_and_keeps_every_point():
    points = [(date(2025, 3, 1), 600), (date(2025, 9, 1), 680), (date(2026, 4, 1), 520)]
    ltr = price_chart({"1": points}, {}, date(2025, 1, 1), date(2026, 12, 31), rtl=False)
    rtl = price_chart({"1": points}, {}, date(2025, 1, 1), date(2026, 12, 31), rtl=True)
    assert len(ltr.lines[0].points) == len(rtl.lines[0].points) == 3
    xs_ltr, xs_rtl = [x for x, _ in ltr.lines[0].points], [x for x, _ in rtl.lines[0].points]
    assert xs_ltr == sorted(xs_ltr) and xs_rtl == sorted(xs_rtl, reverse=True)
    assert [round(x + y, 1) for x, y in zip(xs_ltr, xs_rtl)] == [360.0] * 3  # mirrored
    ys = [y for _, y in ltr.lines[0].points]
    assert ys[1] < ys[0] < ys[2]  # higher price, higher on the chart
    assert [label for _, label in ltr.x_ticks] == ["2025", "2026"]


# --- figures against a brute-force count ----------------------------------------------------------------------

@pytest.fixture
def people(db, create_farmer, create_processor):
    farmer, buyer = create_farmer(), create_processor()
    return {"farmer": farmer, "buyer": buyer}


harvest_rows = st.lists(st.tuples(st.integers(0, 9), st.integers(1, 2), st.integers(1, 50_000),
                                  st.sampled_from(["open", "partly_matched", "contracted", "delivered", "withdrawn"]),
                                  st.sampled_from([SEASON - 2, SEASON - 1, SEASON])), max_size=25)
order_rows = st.lists(st.tuples(st.integers(0, 9), st.integers(1, 2), st.integers(1, 90_000),
                                st.sampled_from(["draft", "open", "partly_matched", "filled", "closed"]),
                                st.sampled_from([SEASON - 1, SEASON])), max_size=15)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(harvests=harvest_rows, orders=order_rows)
def test_the_grouped_figures_equal_a_brute_force_count(app, db, people, products, harvests, orders):
    with app.app_context():
        _db.session.execute(sa.delete(Harvest))
        _db.session.execute(sa.delete(ContractOrder))
        counties = _db.session.scalars(sa.select(County).order_by(County.id)).all()
        seed = products["seed"]
        grades = {g.rank: g.id for g in seed.grades}
        farmer, buyer = people["farmer"], people["buyer"]
        for county, rank, kg, status, year in harvests:
            _db.session.add(Harvest(
                farmer_id=farmer.id, product_id=seed.id, area_mu=10, expected_kg=kg, grade_id=grades[rank],
                harvest_start=date(year, 9, 1), harvest_end=date(year, 9, 20), county_id=counties[county].id,
                township_id=farmer.farmer.township_id, village="村", status=status, created_by_id=farmer.id))
        for county, rank, kg, status, year in orders:
            c = counties[county]
            _db.session.add(ContractOrder(
                processor_id=buyer.processor_id, product_id=seed.id, kg_wanted=kg, min_grade_id=grades[rank],
                delivery_start=date(year, 9, 1), delivery_end=date(year, 10, 1), collection_county_id=c.id,
                collection_point="点", collection_lat=c.lat, collection_lon=c.lon, min_alloc_kg=0, term_type="fixed",
                terms={"prices": {"1": 600, "2": 550}}, status=status, created_by_id=buyer.id))
        _db.session.flush()
        board = market.compute_board(seed, SEASON)
        for year in (SEASON - 1, SEASON):
            figures = board.seasons[year]
            expect_supply, expect_wanted = {}, {}
            for county, rank, kg, status, y in harvests:
                if y == year and status != "withdrawn":
                    key = (counties[county].id, grades[rank])
                    expect_supply[key] = expect_supply.get(key, 0) + kg
            for county, rank, kg, status, y in orders:
                if y == year and status in ("open", "partly_matched"):
                    key = (counties[county].id, grades[rank])
                    expect_wanted[key] = expect_wanted.get(key, 0) + kg
            assert dict(figures.supply) == expect_supply
            assert dict(figures.wanted) == expect_wanted
            assert figures.total("supply") == sum(expect_supply.values())
            by_county = {}
            for (county_id, _g), kg in expect_supply.items():
                by_county[county_id] = by_county.get(county_id, 0) + kg
            assert figures.by("supply", 0) == by_county
        _db.session.rollback()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


def test_a_signed_contract_counts_as_contracted_and_takes_from_open_demand(app_ctx, db, in_force):
    from marketplace.models import Contract

    c = _db.session.get(Contract, in_force["contract"].id)
    season = c.harvest.harvest_start.year
    board = market.compute_board(c.harvest.product, season)
    figures = board.seasons[season]
    assert figures.total("contracted") == c.kg == 1000
    assert figures.total("supply") == 1000
    # The order wanted 1,000 kg and all of it is under contract: nothing is still open.
    assert sum(figures.open_demand().values()) == 0 and figures.demand_kg == 1000
    assert figures.signal.code == "balanced" and figures.signal.cover_bp == 10_000


# --- the page ---------------------------------------------------------------------------------------------------

def count_queries(app, client, url) -> tuple[int, object]:
    statements = []

    def record(*_args, **_kwargs):
        statements.append(1)

    with app.app_context():
        engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements), response


def add_listings(db, people, products, n, county_ids, start):
    seed = products["seed"]
    farmer, buyer = people["farmer"], people["buyer"]
    counties = {c.id: c for c in db.session.scalars(sa.select(County))}
    day0 = db.session.scalar(sa.select(sa.func.count(PriceIndexEntry.id)))  # a new day for each price
    for i in range(n):
        county = counties[county_ids[i % len(county_ids)]]
        db.session.add(Harvest(
            farmer_id=farmer.id, product_id=seed.id, area_mu=10, expected_kg=1_000 + i, grade_id=seed.grades[i % 2].id,
            harvest_start=start + timedelta(days=i % 30), harvest_end=start + timedelta(days=40), county_id=county.id,
            township_id=farmer.farmer.township_id, village="村", status="open", created_by_id=farmer.id))
        db.session.add(ContractOrder(
            processor_id=buyer.processor_id, product_id=seed.id, kg_wanted=900, min_grade_id=seed.grades[-1].id,
            delivery_start=start, delivery_end=start + timedelta(days=40), collection_county_id=county.id,
            collection_point="点", collection_lat=county.lat, collection_lon=county.lon, min_alloc_kg=0,
            term_type="floor_market", terms={"prices": {"1": 600 + i % 7, "2": 540}, "margin_bp": 0},
            status="open", created_by_id=buyer.id))
        db.session.add(PriceIndexEntry(product_id=seed.id, grade_id=seed.grades[i % 2].id,
                                       on_date=date(SEASON - 1, 1, 1) + timedelta(days=day0 + i),
                                       fen_per_kg=500 + i % 90, source_note="伊宁", recorded_by_id=buyer.id))
    db.session.commit()


def test_the_query_count_does_not_grow_with_the_listings(app, client, db, people, products):
    county_ids = db.session.scalars(sa.select(County.id)).all()
    start = date(SEASON, 9, 1)
    add_listings(db, people, products, 12, county_ids, start)
    url = f"/market/safflower_seed/{SEASON}"
    few, first = count_queries(app, client, url)
    add_listings(db, people, products, 108, county_ids, start)
    many, second = count_queries(app, client, url)
    assert first.status_code == second.status_code == 200
    assert few == many
    body = second.get_data()
    assert len(gzip.compress(body)) < 30 * 1024
    assert "120,000" not in second.get_data(as_text=True)  # sanity: the figures moved
    assert re.search(r"1[0-9]{2},[0-9]{3}", second.get_data(as_text=True))


def test_the_chart_is_well_formed_svg_with_a_point_per_price(app, client, db, people, products):
    county_ids = db.session.scalars(sa.select(County.id)).all()
    add_listings(db, people, products, 30, county_ids, date(SEASON, 9, 1))
    html = client.get(f"/market/safflower_seed/{SEASON}?lang=ug").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"s": "http://www.w3.org/2000/svg"}
    lines = root.findall("s:polyline", ns)
    seed = products["seed"]
    per_grade = {g.rank: db.session.scalar(sa.select(sa.func.count(PriceIndexEntry.id)).where(
        PriceIndexEntry.grade_id == g.id)) for g in seed.grades}
    assert sorted(len(line.get("points").split()) for line in lines) == sorted(per_grade.values())
    # Right to left: the line starts (earliest price) on the right and moves left.
    xs = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    assert xs == sorted(xs, reverse=True) and xs[0] > xs[-1]
    assert all(t.get("direction") == "ltr" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert root.findall("s:line", ns)  # the floor prices, dashed
    assert 'dir="rtl"' in html


def test_downloads_and_json_agree_with_the_page(app, client, db, people, products):
    county_ids = db.session.scalars(sa.select(County.id)).all()
    add_listings(db, people, products, 10, county_ids[:2], date(SEASON, 9, 1))
    data = client.get(f"/market/safflower_seed/{SEASON}.json").get_json()
    this = data["seasons"][str(SEASON)]
    assert this["expected_kg"] == sum(1_000 + i for i in range(10))
    assert this["open_demand_kg"] == 9_000 and (this["signal"], this["cover_bp"]) == ("balanced", 8_959)
    assert data["thresholds_bp"] == {"oversupply_risk_below": 8_000, "room_to_plant_above": 12_000}
    counties_csv = client.get(f"/market/safflower_seed/{SEASON}/counties.csv?lang=en").get_data(as_text=True)
    assert counties_csv.startswith("\ufeffCounty,Expected (kg)") and len(counties_csv.strip().splitlines()) == 3
    grades_csv = client.get(f"/market/safflower_seed/{SEASON}/grades.csv").get_data(as_text=True)
    assert sum(int(line.split(",")[1]) for line in grades_csv.strip().splitlines()[1:]) == this["expected_kg"]
    totals = client.get(f"/market/safflower_seed/{SEASON}/totals.csv?lang=en").get_data(as_text=True).splitlines()
    assert totals[1] == f"{SEASON},{this['expected_kg']},0,9000,89.59" and totals[2].startswith(f"{SEASON - 1},0,")
    calendar = client.get(f"/market/safflower_seed/{SEASON}/calendar.csv").get_data(as_text=True)
    assert sum(int(line.split(",")[1]) for line in calendar.strip().splitlines()[1:]) == this["expected_kg"]


def test_the_price_download_is_bounded_and_paginated(app, client, db, people, products):
    seed, buyer = products["seed"], people["buyer"]
    db.session.execute(sa.insert(PriceIndexEntry), [
        {"product_id": seed.id, "grade_id": seed.grades[i % 2].id, "on_date": date(SEASON - 1, 1, 1) + timedelta(days=i // 2),
         "fen_per_kg": 600, "source_note": "伊宁", "recorded_by_id": buyer.id, "recorded_at": date.today()}
        for i in range(1_205)])
    db.session.commit()
    url = f"/market/safflower_seed/{SEASON}/prices.csv"
    first = client.get(url)
    assert first.status_code == 200 and len(first.get_data(as_text=True).strip().splitlines()) == 1_001
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    second = client.get(re.search(r"<([^>]+)>", first.headers["Link"]).group(1))
    assert len(second.get_data(as_text=True).strip().splitlines()) == 206 and "Link" not in second.headers
    for bad in ("?page=0", "?page=x", "?page=99999999", "?from=yesterday", "?from=2000-01-01&to=2026-01-01",
                "?from=2026-05-01&to=2026-01-01"):
        response = client.get(url + bad + "&lang=en" if "?" in bad else url + bad)
        assert response.status_code == 400, bad
    assert "five years" in client.get(url + "?from=2000-01-01&to=2026-01-01&lang=en").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/market/safflower_rice/2026", "/market/safflower_seed/1999",
                                 "/market/safflower_seed/9999", "/market/safflower_seed/2026/secrets.csv"])
def test_unknown_products_and_seasons_are_404_with_a_way_back(client, db, url):
    response = client.get(url + "?lang=kk_Cyrl")
    assert response.status_code == 404
    assert f'href="/market/safflower_seed/{SEASON}"' in response.get_data(as_text=True)


def test_the_farmer_sees_the_signal_before_posting_a_harvest(client, db, auth, people, products):
    county_ids = db.session.scalars(sa.select(County.id)).all()
    add_listings(db, people, products, 4, county_ids, date(SEASON, 9, 1))
    auth.login(people["farmer"].phone)
    for url in ("/dashboard?lang=en", "/harvests/new?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert f"Before you plant: the market for {SEASON}" in re.sub(r"<[^>]+>", "", page), url
        assert "Orders and the expected harvest are about even" in page, url
        assert f"/market/safflower_seed/{SEASON}" in page


def test_a_coop_manager_compares_the_members_with_the_valley(client, db, auth, market):
    auth.login(market["manager"].email)
    season = market["h1"].harvest_start.year
    page = re.sub(r"<[^>]+>", "", client.get(f"/market/safflower_seed/{season}?lang=en").get_data(as_text=True))
    assert "Your members against the valley" in page and "5,000 kg" in page
    auth.logout()
    assert "Your members against the valley" not in client.get(f"/market/safflower_seed/{season}?lang=en").get_data(
        as_text=True)


def test_the_board_is_cached_briefly(app, client, db, people, products, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_CACHE_SECONDS", 60)
    app.extensions.pop("market_board_cache", None)
    county_ids = db.session.scalars(sa.select(County.id)).all()
    add_listings(db, people, products, 3, county_ids, date(SEASON, 9, 1))
    url = f"/market/safflower_seed/{SEASON}.json"
    first = client.get(url).get_json()["seasons"][str(SEASON)]["expected_kg"]
    add_listings(db, people, products, 3, county_ids, date(SEASON, 9, 1))
    assert client.get(url).get_json()["seasons"][str(SEASON)]["expected_kg"] == first  # kept
    app.extensions["market_board_cache"].clear()
    assert client.get(url).get_json()["seasons"][str(SEASON)]["expected_kg"] > first
    app.extensions.pop("market_board_cache", None)
