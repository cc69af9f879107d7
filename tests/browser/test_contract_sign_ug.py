"""A farmer signs a contract in Uyghur on a 360 px phone: from the notice to the signature, no script."""
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, FarmerProfile, Harvest, MatchRun, Processor, Product, Proposal, Signature, Township, User,
)
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.proposals import decide
from tests.browser.helpers import fits_the_screen

PHONE = "+8613991007501"
PASSWORD = "long-enough-7"


def make_contract(app) -> int:
    """A contract both sides agreed to, already signed by the processor, waiting for the farmer."""
    with app.app_context():
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        quick = "pbkdf2:sha256:1000"
        farmer = User(role="farmer", status="active", name="مەرھابا ئابلىز", phone=PHONE, locale="ug",
                      password_hash=generate_password_hash(PASSWORD, method=quick))
        stem = "91654002MA7UG0005"
        proc = Processor(company_name="伊犁红花籽油有限公司", uscc=stem + uscc_check_char(stem),
                         county_id=town.county_id, contact_name="联系人")
        buyer = User(role="processor", status="active", name="采购", email="ug-contract@example.com",
                     locale="zh_Hans", password_hash=generate_password_hash(PASSWORD, method=quick), processor=proc)
        db.session.add_all([farmer, buyer, FarmerProfile(user=farmer, county_id=town.county_id, township_id=town.id,
                                                         village="海努克村", farm_area_mu=Decimal("12.0"))])
        db.session.flush()
        start = date.today() + timedelta(days=60)
        harvest = Harvest(farmer_id=farmer.id, product_id=seed.id, variety="", area_mu=Decimal("12.0"),
                          expected_kg=1200, grade_id=seed.grades[0].id, harvest_start=start,
                          harvest_end=start + timedelta(days=20), county_id=town.county_id, township_id=town.id,
                          village="海努克村", created_by_id=farmer.id)
        order = ContractOrder(processor_id=proc.id, product_id=seed.id, kg_wanted=5000,
                              min_grade_id=seed.grades[-1].id, delivery_start=start,
                              delivery_end=start + timedelta(days=30), collection_county_id=town.county_id,
                              collection_point="察布查尔收购点", collection_lat=town.lat, collection_lon=town.lon,
                              term_type="fixed", terms={"prices": {"1": 650, "2": 600}}, status="open",
                              coop_fee_bp=200, risk_levy_bp=100, short_delivery_penalty_bp=1000,
                              refusal_penalty_bp=1500, created_by_id=buyer.id)
        run = MatchRun(product_id=seed.id, season=start.year, status="done", started_by_id=buyer.id,
                       deadline=date.today() + timedelta(days=7))
        db.session.add_all([harvest, order, run])
        db.session.flush()
        proposal = Proposal(run_id=run.id, harvest_id=harvest.id, order_id=order.id, kg=1000, price_fen_per_kg=650,
                            distance_km=18, transport_fen_per_kg=2, deadline=run.deadline)
        db.session.add(proposal)
        db.session.flush()
        decide(farmer, proposal.id, True, date.today())
        decide(buyer, proposal.id, True, date.today())
        contract = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == proposal.id))
        sign_contract(buyer, contract.id, SigningInput(PASSWORD, True, "10.0.0.1", "office"))
        db.session.commit()
        return contract.id



def test_farmer_signs_a_contract_in_uyghur_on_a_phone(page, live_server, tmp_path):
    base, app = live_server
    contract_id = make_contract(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    page.goto(f"{base}/account/login?lang=ug")
    page.locator("#identifier").fill("139 9100 7501")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[method=post] input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))

    # The notice that the processor signed leads to the contract.
    page.goto(f"{base}/notifications/?lang=ug")
    expect(html).to_have_attribute("dir", "rtl")
    page.locator(f'.notice-list a[href="/contracts/{contract_id}"]').first.tap()
    expect(page).to_have_url(re.compile(rf"/contracts/{contract_id}$"))
    expect(html).to_have_attribute("lang", "ug")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator("script").count() == 0
    fits_the_screen(page)
    # The fingerprint stays left to right inside the right-to-left page.
    expect(page.locator("code.fingerprint bdi[dir=ltr]")).to_have_count(1)

    # A wrong password first: a message in Uyghur, nothing signed.
    page.locator("#consent").check()
    page.locator("#password").fill("not-my-password")
    page.locator("input[name=sign]").tap()
    expect(page.locator(".has-error .error")).to_be_visible()
    expect(html).to_have_attribute("dir", "rtl")
    fits_the_screen(page)

    page.locator("#consent").check()
    page.locator("#password").fill(PASSWORD)
    sign = page.locator("input[name=sign]")
    box = sign.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 40
    sign.tap()
    expect(page).to_have_url(re.compile(rf"/contracts/{contract_id}$"))
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("input[name=sign]")).to_have_count(0)
    expect(html).to_have_attribute("dir", "rtl")
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "contract-signed-ug.png"), full_page=True)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assert contract.status == "active"
        mine = db.session.scalar(sa.select(Signature).where(Signature.contract_id == contract_id,
                                                            Signature.party == "farmer"))
        assert mine.fingerprint == contract.fingerprint and mine.ip_address == "127.0.0.1" and mine.user_agent
