"""Order pages: the processor's list and CSV, farmers' and co-ops' browsing (nearest first, what they would be
paid), expected supply, and every page in every language."""
import csv
import io
import re

import pytest
import sqlalchemy as sa

from marketplace.domain.listings import road_km
from marketplace.i18n import LOCALES
from marketplace.models import Township
from tests.test_orders import fresh_login_limit, login  # noqa: F401  (fixtures)
from tests.test_pages import check_page


# --- The processor's list and its CSV.

def test_list_filters_and_pages(client, db, login, create_processor, create_order):
    buyer = login(create_processor())
    for _n in range(22):
        create_order(buyer)
    create_order(buyer, status="draft", product="filament")
    first = client.get("/orders/?lang=en").get_data(as_text=True)
    assert "Page <bdi dir=\"ltr\">1</bdi> of <bdi dir=\"ltr\">2</bdi>" in first
    assert first.count('href="/orders/') - first.count('href="/orders/new') >= 20
    drafts = client.get("/orders/?lang=en&status=draft").get_data(as_text=True)
    assert drafts.count("Safflower filaments") >= 2 and "Safflower seed</a>" not in drafts
    assert client.get("/orders/?status=bogus").status_code == 400
    assert "past the end" in client.get("/orders/?lang=en&page=9").get_data(as_text=True)


def read_csv(resp):
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_orders_csv_has_only_my_orders_and_defuses_formulas(client, db, login, create_processor, create_order):
    mine, theirs = create_processor(), create_processor()
    open_order = create_order(mine)
    draft = create_order(mine, status="draft")
    draft.collection_point = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    create_order(theirs)
    login(mine)
    rows = read_csv(client.get("/orders/export.csv?lang=en"))
    assert rows[0][:3] == ["Order", "Status", "Product"]
    assert sorted(int(r[0]) for r in rows[1:]) == [open_order.id, draft.id]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[draft.id][1] == "Draft" and by_id[draft.id][8].startswith("'=")
    assert by_id[open_order.id][4] == "50000" and "Grade 1 6.50" in by_id[open_order.id][10]
    only_drafts = read_csv(client.get("/orders/export.csv?lang=en&status=draft"))
    assert [int(r[0]) for r in only_drafts[1:]] == [draft.id]


# --- Browsing open orders: nearest first, with the distance; no N+1.

def test_browse_nearest_first_with_km(client, db, login, create_processor, create_farmer, create_harvest,
                                      create_order, county_named, place):
    _c, township = place
    buyer = create_processor()
    far = create_order(buyer, county=county_named("zhaosu"))
    near = create_order(buyer, county=county_named("yining_city"))
    middle = create_order(buyer, county=county_named("huocheng"))
    create_order(buyer, status="draft", county=county_named("qapqal"))
    create_order(buyer, status="closed", county=county_named("qapqal"))
    filament = create_order(buyer, product="filament", county=county_named("qapqal"))
    farmer = create_farmer()
    create_harvest(farmer, product="seed")
    login(farmer)
    page = client.get("/orders/open?lang=en").get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'href="/orders/(\d+)/view"', page)]
    assert shown == [near.id, middle.id, far.id]  # seed only: the farmer grows seed
    for order in (near, middle, far):
        km = road_km(township.lat, township.lon, order.collection_lat, order.collection_lon)
        assert f'<bdi dir="ltr">{km:,}</bdi> km by road' in page
    with_filament = client.get(f"/orders/open?lang=en&product={filament.product_id}").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'href="/orders/(\d+)/view"', with_filament)] == [filament.id]


def test_a_farmer_without_harvests_and_a_coop_manager_see_every_product(client, login, create_processor,
                                                                      create_farmer, create_coop, create_order,
                                                                      county_named):
    buyer = create_processor()
    seed = create_order(buyer, county=county_named("huocheng"))
    filament = create_order(buyer, product="filament", county=county_named("qapqal"))
    login(create_farmer())
    shown = re.findall(r'href="/orders/(\d+)/view"', client.get("/orders/open").get_data(as_text=True))
    assert sorted(int(i) for i in shown) == sorted([seed.id, filament.id])
    login(create_coop())  # the co-op is in Qapqal: distances from its county seat
    page = client.get("/orders/open?lang=en").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'href="/orders/(\d+)/view"', page)] == [filament.id, seed.id]
    assert '<bdi dir="ltr">0</bdi> km by road' in page


def test_browse_pages(client, login, create_processor, create_farmer, create_order):
    buyer = create_processor()
    for _n in range(23):
        create_order(buyer)
    login(create_farmer())
    first = client.get("/orders/open?lang=en").get_data(as_text=True)
    second = client.get("/orders/open?lang=en&page=2").get_data(as_text=True)
    assert len(re.findall(r'/view"', first)) == 20 and len(re.findall(r'/view"', second)) == 3
    assert client.get("/orders/open?product=abc").status_code == 400


@pytest.fixture
def count_queries(app):
    from marketplace.extensions import db as _db

    with app.app_context():
        engine = _db.engine
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    def counting(call):
        seen.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            call()
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        return len(seen)
    return counting


def test_browse_query_count_does_not_grow_with_orders(client, login, create_processor, create_farmer, create_order,
                                                      count_queries):
    login(create_farmer())
    buyers = [create_processor() for _n in range(2)]
    for buyer in buyers:
        create_order(buyer)
    few = count_queries(lambda: client.get("/orders/open"))
    for buyer in buyers + [create_processor() for _n in range(3)]:
        create_order(buyer, product="filament")
        create_order(buyer)
    many = count_queries(lambda: client.get("/orders/open"))
    assert many == few


# --- What will I be paid.

def preview_rows(page: str, table_index: int = 0):
    tables = re.findall(r'<table class="preview">(.*?)</table>', page, re.S)
    rows = re.findall(r"<tr( class=\"today\")?>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", tables[table_index],
                      re.S)
    clean = [re.sub(r"<[^>]+>", "", cell).replace(" today", "").strip() for row in rows for cell in row[1:]]
    return [tuple(clean[i:i + 3]) for i in range(0, len(clean), 3)], [bool(row[0]) for row in rows]


def yuan(fen: int) -> str:
    return f"CN¥{fen / 100:,.2f}"


def test_farmer_preview_of_floor_plus_market_at_the_index(client, login, create_processor, create_farmer,
                                                          create_harvest, create_order, create_price, create_admin):
    buyer = create_processor()
    create_price(create_admin(), grade_rank=1, fen_per_kg=600)
    order = create_order(buyer, term_type="floor_market", margin_bp=1000, prices={"1": 650, "2": 600})
    farmer = create_farmer()
    create_harvest(farmer, kg=2000, grade_rank=1)
    login(farmer)
    page = client.get(f"/orders/{order.id}/view?lang=en").get_data(as_text=True)
    rows, today = preview_rows(page)
    assert today == [False, False, True, False, False, False]
    for (market, price, net), pct in zip(rows, (50, 75, 100, 125, 150, 200)):
        market_fen = 600 * pct // 100
        price_fen = max(650, round(market_fen * 1.1))  # max(floor, market × (1 + k))
        gross = 2000 * price_fen
        net_fen = gross - round(gross * 0.02) - round(gross * 0.01)
        assert (market, price, net) == (yuan(market_fen), yuan(price_fen), yuan(net_fen)), pct
    assert rows[2][1] == yuan(660) and rows[0][1] == yuan(650)
    assert "Your harvest:" in page and "you get the higher" in page and "You receive" in page


def test_preview_examples_without_harvests_and_without_an_index(client, login, create_processor, create_farmer,
                                                               create_coop, create_order, create_price, create_admin,
                                                               products):
    buyer = create_processor()
    fixed = create_order(buyer, term_type="fixed")
    floor = create_order(buyer, term_type="floor_market", margin_bp=500)
    share = create_order(buyer, term_type="share_coop", share_bp=3000, base_fen_per_mu=20_000, coop_fee_bp=0,
                         risk_levy_bp=0)
    login(create_farmer())
    typical = int(10 * products["seed"].typical_yield_kg_per_mu)
    page = client.get(f"/orders/{fixed.id}/view?lang=en").get_data(as_text=True)
    assert f"Example: a typical <bdi dir=\"ltr\">10.0</bdi> mu, <bdi dir=\"ltr\">{typical:,}</bdi> kg" in page
    assert "There is no market price for this grade yet" in page and yuan(650) in page  # the fixed price still shows
    page = client.get(f"/orders/{floor.id}/view?lang=en").get_data(as_text=True)
    assert "price is at least the floor" in page and yuan(650) in page
    page = client.get(f"/orders/{share.id}/view?lang=en").get_data(as_text=True)
    assert "Example: <bdi dir=\"ltr\">10.0</bdi> mu" in page and yuan(200_000) in page and "per mu comes to" in page
    # The processor's own page: 1,000 kg of each accepted grade.
    create_price(create_admin(), grade_rank=2, fen_per_kg=500)
    login(buyer)
    page = client.get(f"/orders/{floor.id}?lang=en").get_data(as_text=True)
    assert page.count("Example: <bdi dir=\"ltr\">1,000</bdi> kg of") == 2
    rows, _today = preview_rows(page, 0)
    assert rows == []  # grade 1 has no index: only its guaranteed minimum
    rows, _today = preview_rows(page, 1)
    assert rows[2][1] == yuan(600)  # grade 2 at the index: max(600, 500 × 1.05)


def test_a_harvest_below_the_minimum_grade_is_not_accepted(client, login, create_processor, create_farmer,
                                                          create_harvest, create_order):
    order = create_order(create_processor(), min_grade_rank=1)
    farmer = create_farmer()
    create_harvest(farmer, grade_rank=2)
    login(farmer)
    page = client.get(f"/orders/{order.id}/view?lang=en").get_data(as_text=True)
    assert "This order does not accept this grade" in page


# --- Expected supply.

def test_supply_is_the_sum_of_open_harvests_by_product_grade_and_county(client, db, login, create_processor,
                                                                        create_farmer, create_harvest, products):
    from marketplace.services.supply import expected_supply

    towns = {code: db.session.scalar(sa.select(Township).where(Township.code == code))
             for code in ("hainuke_xiang", "jiagasitai_zhen", "daxigou_xiang")}
    farmers = [create_farmer(name=f"农户{i}", township=towns[code]) for i, code in enumerate(towns)]
    made = []
    plan = [(0, "seed", 1, 2000, "20.0", "open"), (0, "seed", 1, 1500, "12.5", "partly_matched"),
            (1, "seed", 1, 3000, "30.0", "open"), (2, "seed", 2, 800, "8.0", "open"),
            (2, "filament", 1, 150, "10.0", "open"), (2, "filament", 3, 90, "6.0", "open"),
            (1, "seed", 1, 5000, "40.0", "withdrawn"), (0, "seed", 2, 700, "7.0", "contracted")]
    for who, product, rank, kg, area, status in plan:
        made.append(create_harvest(farmers[who], product=product, kg=kg, area=area, grade_rank=rank, status=status))
    expected: dict = {}
    for h in made:
        if h.status in ("open", "partly_matched"):
            key = (h.product_id, h.grade_id, h.county_id)
            lots, kg, area = expected.get(key, (0, 0, 0))
            expected[key] = (lots + 1, kg + h.expected_kg, area + h.area_mu)
    got = {(r.product_id, r.grade_id, r.county_id): (r.lots, r.expected_kg, r.area_mu) for r in expected_supply()}
    assert got == expected
    seed_only = expected_supply(products["seed"].id)
    assert {r.product_id for r in seed_only} == {products["seed"].id}

    login(create_processor())
    page = client.get("/orders/supply?lang=en").get_data(as_text=True)
    assert "Safflower seed" in page and "Safflower filaments" in page
    assert '<bdi dir="ltr">7,300</bdi>' in page  # the seed total: 2,000 + 1,500 + 3,000 + 800
    rows = read_csv(client.get("/orders/supply.csv?lang=en"))
    assert rows[0] == ["Product", "Grade", "County", "Lots", "Expected kg", "Area (mu)"]
    assert sum(int(r[4]) for r in rows[1:]) == sum(v[1] for v in expected.values())
    assert sum(int(r[3]) for r in rows[1:]) == 6
    filtered = read_csv(client.get(f"/orders/supply.csv?lang=en&product={products['filament'].id}"))
    assert {r[0] for r in filtered[1:]} == {"Safflower filaments"}
    # No personal data: names, phones and villages of farmers appear nowhere.
    everything = page + "".join(",".join(r) for r in rows)
    for farmer in farmers:
        assert farmer.name not in everything and farmer.phone not in everything
    assert "海努克村" not in everything


# --- Every page in every language: small, no script, the right direction.

@pytest.mark.parametrize("code", LOCALES)
def test_order_pages_in_every_locale(client, login, create_processor, create_farmer, create_harvest, create_order,
                                     create_price, create_admin, products, code):
    buyer = create_processor()
    create_price(create_admin(), grade_rank=1, fen_per_kg=600)
    order = create_order(buyer, term_type="floor_share", share_bp=3000)
    farmer = create_farmer()
    create_harvest(farmer)
    login(buyer)
    for url in ("/orders/", "/orders/new", f"/orders/new?product={products['filament'].id}", f"/orders/{order.id}",
                f"/orders/{order.id}/edit", "/orders/supply"):
        resp = client.get(f"{url}{'&' if '?' in url else '?'}lang={code}")
        assert resp.status_code == 200, (url, code)
        check_page(resp, url, code)
        assert "style=" not in resp.get_data(as_text=True)
    login(farmer)
    for url in ("/orders/open", f"/orders/{order.id}/view"):
        resp = client.get(f"{url}?lang={code}")
        assert resp.status_code == 200, (url, code)
        check_page(resp, url, code)
