"""A processor posts a floor + market order in Chinese on a 360 px screen, through both steps, and publishes it."""
import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import ContractOrder, County, PriceIndexEntry, Processor, Product, User

PASSWORD = "long-enough-order-1"


def make_processor(app) -> dict:
    """A processor account in the live server's database, and today's index for the filament's grades."""
    with app.app_context():
        county = db.session.scalar(sa.select(County).where(County.code == "huocheng"))
        filament = db.session.scalar(sa.select(Product).where(Product.code == "safflower_filament"))
        stem = "91654000MA7990001"
        proc = Processor(company_name="伊犁红花油脂有限公司", uscc=stem + uscc_check_char(stem), county_id=county.id,
                         contact_name="马经理")
        user = User(role="processor", status="active", name="马经理", email="buyer-zh@example.com",
                    password_hash=generate_password_hash(PASSWORD), locale="zh_Hans", processor=proc)
        db.session.add_all([proc, user])
        db.session.flush()
        for grade, fen in zip(filament.grades, (11_000, 9_000, 7_000)):
            db.session.add(PriceIndexEntry(product_id=filament.id, grade_id=grade.id, on_date=date.today(),
                                           fen_per_kg=fen, source_note="伊宁市场", recorded_by_id=user.id))
        db.session.commit()
        return {"user": user.id, "product": filament.id, "grade_2": filament.grades[1].id}


def no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_processor_posts_a_floor_plus_market_order_in_chinese(page, live_server):
    base, app = live_server
    ids = make_processor(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    page.goto(f"{base}/account/login?lang=zh_Hans")
    page.locator("#identifier").fill("buyer-zh@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))

    # Step 1: the product (and, optionally, the terms).
    page.goto(f"{base}/orders/new?lang=zh_Hans")
    expect(html).to_have_attribute("lang", "zh-Hans")
    page.locator("#product").select_option(str(ids["product"]))
    page.locator("input[name=term_type][value=floor_market]").check()
    no_overflow(page)
    page.locator("main button[type=submit]").tap()

    # Step 2: one floor per grade, labelled as floors; no script needed.
    expect(page).to_have_url(re.compile(rf"product={ids['product']}"))
    expect(page.locator("h1")).to_contain_text("红花丝")
    expect(page.locator("input[name=term_type][value=floor_market]")).to_be_checked()
    start = date.today() + timedelta(days=40)
    page.locator("#kg_wanted").fill("3000")
    page.locator("#min_grade_id").select_option(str(ids["grade_2"]))
    page.locator("#delivery_start").fill(start.isoformat())
    page.locator("#delivery_end").fill((start + timedelta(days=30)).isoformat())
    page.locator("#collection_point").fill("霍城县大西沟乡红花收购点")
    page.locator("#price_1").fill("120.00")
    page.locator("#price_2").fill("95.50")
    page.locator("#cap_1").fill("200")
    page.locator("#margin_pct").fill("5")
    page.locator("#coop_fee_pct").fill("2")
    page.locator("#risk_levy_pct").fill("1")
    for selector in ("#kg_wanted", "#min_grade_id", "#delivery_start", "#price_1", "#margin_pct"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    no_overflow(page)
    page.locator("#publish").tap()

    # The order page: the title in Chinese, the terms, and the preview table at today's index.
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_contain_text("红花丝")
    expect(page.locator("table.preview").first).to_be_visible()
    today_row = page.locator("table.preview tr.today").first
    # Grade 1 at the index: max(120.00, 110.00 × 1.05 = 115.50) = 120.00.
    expect(today_row).to_contain_text("120.00")
    expect(page.locator("ol.why").first).to_contain_text("115.50")
    no_overflow(page)

    with app.app_context():
        order = db.session.scalar(sa.select(ContractOrder).where(ContractOrder.created_by_id == ids["user"]))
        assert order.status == "open" and order.term_type == "floor_market"
        assert order.terms["prices"] == {"1": 12_000, "2": 9_550} and order.terms["caps"] == {"1": 20_000}
        assert order.terms["margin_bp"] == 500 and order.kg_wanted == 3_000
