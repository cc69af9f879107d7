"""A visitor reads the market board in Uyghur at 360 px, with no script: the planting signal, the tables, and a
price chart whose time runs right to left while its numbers read left to right."""
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.domain.market import planning_season
from marketplace.extensions import db
from marketplace.models import ContractOrder, County, Harvest, PriceIndexEntry, Processor, Product, Township, User
from tests.browser.helpers import fits_the_screen

SEASON = planning_season(date.today())


def season_on_the_board(app) -> None:
    """Ten harvests in two counties, one small order at a floor price, and two seasons of weekly prices."""
    with app.app_context():
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        counties = db.session.scalars(sa.select(County).order_by(County.id).limit(2)).all()
        town = db.session.scalar(sa.select(Township).where(Township.county_id == counties[0].id))
        farmer = User(role="farmer", status="active", name="بورد دېھقان", phone="+8613991007901", locale="ug")
        processor = Processor(company_name="伊宁市看板油脂有限公司", uscc="91654002MA7BOARD1X", county_id=counties[0].id,
                              contact_name="看板")
        db.session.add_all([farmer, processor])
        db.session.flush()
        buyer = User(role="processor", status="active", name="看板", email="board-buyer@example.com",
                     locale="zh_Hans", processor_id=processor.id)
        db.session.add(buyer)
        db.session.flush()
        for i in range(10):
            db.session.add(Harvest(
                farmer_id=farmer.id, product_id=seed.id, area_mu=10, expected_kg=2_000 + 100 * i,
                grade_id=seed.grades[i % 2].id, harvest_start=date(SEASON, 9, 1) + timedelta(days=3 * i),
                harvest_end=date(SEASON, 10, 10), county_id=counties[i % 2].id, township_id=town.id, village="村",
                status="open", created_by_id=farmer.id))
        county = counties[0]
        db.session.add(ContractOrder(
            processor_id=processor.id, product_id=seed.id, kg_wanted=5_000, min_grade_id=seed.grades[-1].id,
            delivery_start=date(SEASON, 9, 1), delivery_end=date(SEASON, 10, 30), collection_county_id=county.id,
            collection_point="收购点", collection_lat=county.lat, collection_lon=county.lon, min_alloc_kg=0,
            term_type="floor_market", terms={"prices": {"1": 620, "2": 560}, "margin_bp": 0}, status="open",
            created_by_id=buyer.id))
        for week in range(0, 100, 2):
            for grade in seed.grades:
                db.session.add(PriceIndexEntry(
                    product_id=seed.id, grade_id=grade.id, on_date=date(SEASON - 1, 1, 5) + timedelta(weeks=week),
                    fen_per_kg=700 - 40 * grade.rank + (week % 13) * 9, source_note="伊宁", recorded_by_id=buyer.id))
        db.session.commit()


def test_the_market_board_in_uyghur_reads_right_to_left(page, live_server, tmp_path):
    base, app = live_server
    season_on_the_board(app)
    page.set_default_timeout(10_000)
    page.goto(f"{base}/?lang=ug")
    page.locator('header a[href="/market/"]').tap()
    expect(page).to_have_url(f"{base}/market/safflower_filament/{SEASON}")
    page.locator(f'.board-nav a[href="/market/safflower_seed/{SEASON}"]').tap()
    expect(page).to_have_url(f"{base}/market/safflower_seed/{SEASON}")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ug")
    assert page.locator("script").count() == 0
    fits_the_screen(page)
    # 21,000 kg expected, 5,000 kg wanted: less than 80 % covered, so planting more is a risk.
    expect(page.locator(".signal-oversupply_risk")).to_be_visible()
    expect(page.locator(".signal-reading")).to_contain_text("خەتەرلىك")
    # The chart: its box fits the screen; the earliest price is drawn at the right, the latest at the left.
    chart = page.locator("figure.chart svg")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    points = page.locator("polyline.price").first.get_attribute("points").split()
    xs = [float(p.split(",")[0]) for p in points]
    assert len(points) == 50 and xs[0] > xs[-1] and xs == sorted(xs, reverse=True)
    # Numbers read left to right: the value axis sits on the right, its labels keep their digits in order.
    labels = page.locator("svg .axis text")
    first_label = labels.first
    assert first_label.get_attribute("direction") == "ltr"
    assert first_label.text_content().count(".") == 1 and first_label.text_content()[0].isdigit()
    label_box = first_label.bounding_box()
    assert label_box["x"] > box["x"] + box["width"] / 2
    years = [t for t in labels.all_text_contents() if len(t) == 4 and t.isdigit()]
    assert years == [str(SEASON - 1), str(SEASON)]
    year_boxes = [labels.filter(has_text=y).first.bounding_box()["x"] for y in years]
    assert year_boxes[0] > year_boxes[1]  # last season on the right, this one on the left
    # Figures in tables are numbers written left to right inside the right-to-left page.
    cell = page.locator("table tbody td").first
    assert cell.evaluate("e => getComputedStyle(e.querySelector('[dir=ltr]') || e).direction") == "ltr"
    page.screenshot(path=str(tmp_path / "board-ug.png"), full_page=True)
    # A CSV of the counties table, in a file named for the board.
    with page.expect_download() as download:
        page.locator(f'a[href="/market/safflower_seed/{SEASON}/counties.csv"]').click()
    assert download.value.suggested_filename == f"market-safflower_seed-{SEASON}-counties.csv"
