"""A farmer posts an expected harvest in Kazakh (Arabic script) on a 360 px phone, with no script on the page."""
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.extensions import db
from marketplace.models import FarmerProfile, Product, Township, User
from tests.browser.helpers import fits_the_screen

PHONE = "+8613991007001"
PASSWORD = "long-enough-7"
SEED_KK = "ماقسارى تۇقىمى"  # the seed product's Kazakh name (Arabic script), from the migrations


def make_farmer(app) -> None:
    with app.app_context():
        township = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        user = User(role="farmer", status="active", name="ايگۇل قاسىم", phone=PHONE, locale="kk_Arab",
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        db.session.add(user)
        db.session.add(FarmerProfile(user=user, county_id=township.county_id, township_id=township.id,
                                     village="海努克村", farm_area_mu=Decimal("20.0")))
        db.session.commit()


def seed_kg_per_mu(app) -> Decimal:
    with app.app_context():
        return db.session.scalar(sa.select(Product.typical_yield_kg_per_mu).where(Product.code == "safflower_seed"))



def test_farmer_posts_a_harvest_in_kazakh_arabic_on_a_phone(page, live_server):
    base, app = live_server
    make_farmer(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    page.goto(f"{base}/account/login?lang=kk_Arab")
    page.locator("#identifier").fill("139 9100 7001")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[method=post] input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))

    page.goto(f"{base}/harvests/new?lang=kk_Arab")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "kk-Arab")
    assert page.locator("script").count() == 0
    product = page.locator("#product_id option", has_text=SEED_KK).get_attribute("value")
    page.locator("#product_id").select_option(product)
    grade = page.locator(f'#grade_id optgroup[label="{SEED_KK}"] option').first.get_attribute("value")
    page.locator("#grade_id").select_option(grade)
    # The place comes from the farmer's profile.
    expect(page.locator("#village")).to_have_value("海努克村")
    assert page.locator("#township_id").input_value() != ""
    page.locator("#area_mu").fill("20")
    page.locator("#expected_kg").fill("")
    start = date.today() + timedelta(days=30)
    page.locator("#harvest_start").fill(start.isoformat())
    page.locator("#harvest_end").fill((start + timedelta(days=30)).isoformat())
    for selector in ("#product_id", "#grade_id", "#area_mu", "#expected_kg", "#township_id", "#harvest_start"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    fits_the_screen(page)
    page.locator("form[method=post] input[type=submit]").tap()

    # No quantity given: the form comes back with area × typical yield filled in, and a note.
    expected = int((Decimal("20") * seed_kg_per_mu(app)).to_integral_value())
    expect(page.locator("#expected_kg")).to_have_value(str(expected))
    expect(page.locator("p.note")).to_be_visible()
    expect(html).to_have_attribute("dir", "rtl")
    fits_the_screen(page)
    page.locator("form[method=post] input[type=submit]").tap()

    expect(page).to_have_url(re.compile(r"/harvests/\d+$"))
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text(SEED_KK)
    fits_the_screen(page)

    page.goto(f"{base}/harvests/")
    expect(html).to_have_attribute("dir", "rtl")
    card = page.locator(".harvest-list li", has_text=SEED_KK)
    expect(card).to_have_count(1)
    # The quantity keeps its digits in order inside right-to-left text.
    expect(card.locator("bdi[dir=ltr]", has_text=re.compile(r"\d")).first).to_be_visible()
    fits_the_screen(page)
