"""A farmer answers a proposal in Uyghur on a 360 px phone: from the notices to the decision, no script."""
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    ContractOrder, FarmerProfile, Harvest, MatchRun, Processor, Product, Proposal, Township, User,
)
from marketplace.services.notifications import notify_farmer
from tests.browser.helpers import fits_the_screen

PHONE = "+8613991007301"
PASSWORD = "long-enough-7"


def make_proposal(app) -> int:
    """A farmer with a harvest, a processor with an order, a run and a pending proposal, and its notice."""
    with app.app_context():
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        farmer = User(role="farmer", status="active", name="ئايگۈل قاسىم", phone=PHONE, locale="ug",
                      password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        stem = "91654002MA7UG0001"
        proc = Processor(company_name="伊犁红花油脂有限公司", uscc=stem + uscc_check_char(stem),
                         county_id=town.county_id, contact_name="联系人")
        buyer = User(role="processor", status="active", name="采购", email="ug-buyer@example.com", locale="zh_Hans",
                     password_hash="x", processor=proc)
        db.session.add_all([farmer, buyer, FarmerProfile(user=farmer, county_id=town.county_id, township_id=town.id,
                                                         village="海努克村", farm_area_mu=Decimal("20.0"))])
        db.session.flush()
        start = date.today() + timedelta(days=60)
        harvest = Harvest(farmer_id=farmer.id, product_id=seed.id, variety="", area_mu=Decimal("20.0"),
                          expected_kg=2000, grade_id=seed.grades[0].id, harvest_start=start,
                          harvest_end=start + timedelta(days=20), county_id=town.county_id, township_id=town.id,
                          village="海努克村", created_by_id=farmer.id)
        order = ContractOrder(processor_id=proc.id, product_id=seed.id, kg_wanted=5000,
                              min_grade_id=seed.grades[-1].id, delivery_start=start,
                              delivery_end=start + timedelta(days=30), collection_county_id=town.county_id,
                              collection_point="察布查尔收购点", collection_lat=town.lat, collection_lon=town.lon,
                              term_type="fixed", terms={"prices": {"1": 650, "2": 600}}, status="open",
                              created_by_id=buyer.id)
        run = MatchRun(product_id=seed.id, season=start.year, status="done", started_by_id=buyer.id,
                       deadline=date.today() + timedelta(days=7))
        db.session.add_all([harvest, order, run])
        db.session.flush()
        proposal = Proposal(run_id=run.id, harvest_id=harvest.id, order_id=order.id, kg=1500, price_fen_per_kg=650,
                            distance_km=18, transport_fen_per_kg=2, deadline=run.deadline)
        db.session.add(proposal)
        db.session.flush()
        notify_farmer(farmer, "proposal_new", proposal)
        db.session.commit()
        return proposal.id



def test_farmer_accepts_a_proposal_in_uyghur_on_a_phone(page, live_server):
    base, app = live_server
    proposal_id = make_proposal(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    page.goto(f"{base}/account/login?lang=ug")
    page.locator("#identifier").fill("139 9100 7301")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[method=post] input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    expect(html).to_have_attribute("dir", "rtl")
    # The unread notice is counted in the navigation.
    expect(page.locator("header .badge")).to_have_text("1")
    fits_the_screen(page)

    page.goto(f"{base}/notifications/?lang=ug")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ug")
    assert page.locator("script").count() == 0
    fits_the_screen(page)
    page.locator(f'.notice-list a[href="/proposals/{proposal_id}"]').tap()

    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}$"))
    expect(html).to_have_attribute("dir", "rtl")
    fits_the_screen(page)
    accept = page.locator("form[method=post] input[name=accept]")
    box = accept.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    accept.tap()

    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}$"))
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("form[method=post] input[name=accept]")).to_have_count(0)
    fits_the_screen(page)
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).farmer_decision == "accepted"
