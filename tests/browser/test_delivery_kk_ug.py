"""At the scale on a tablet-sized phone: a co-op manager records a delivery in Kazakh (Arabic script), and the
farmer confirms it in Uyghur, both at 360 px, right to left, with no script."""
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Cooperative, Delivery, FarmerProfile, Harvest, MatchRun, Membership, Processor, Product,
    Proposal, Township, User,
)
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.proposals import decide
from tests.browser.helpers import fits_the_screen, log_in

PHONE = "+8613991007601"
MANAGER = "kk-scale@example.com"
PASSWORD = "long-enough-7"


def make_contract(app, phone=PHONE, manager_email=MANAGER, manager_locale="kk_Arab", farmer_locale="ug",
                  tag="KK") -> int:
    """A contract in force whose delivery window is open today, between a co-op member and a processor."""
    with app.app_context():
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        quick = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        coop = Cooperative(name=f"海努克红花专业合作社{tag}", county_id=town.county_id,
                           registration_no=f"93654022MA7{tag}0001")
        manager = User(role="coop_manager", status="active", name="ئەسەت قابىل", email=manager_email,
                       locale=manager_locale, password_hash=quick, cooperative=coop)
        farmer = User(role="farmer", status="active", name="ئابلىمىت تۇرسۇن", phone=phone, locale=farmer_locale,
                      password_hash=quick)
        stem = f"91654002MA7{tag}0006"
        proc = Processor(company_name=f"伊犁红花籽油有限公司二厂{tag}", uscc=stem + uscc_check_char(stem),
                         county_id=town.county_id, contact_name="联系人")
        buyer = User(role="processor", status="active", name="采购", email=f"{tag.lower()}-buyer@example.com",
                     locale="zh_Hans", password_hash=quick, processor=proc)
        db.session.add_all([coop, manager, farmer, buyer,
                            FarmerProfile(user=farmer, county_id=town.county_id, township_id=town.id,
                                          village="海努克村", farm_area_mu=Decimal("10.0"))])
        db.session.flush()
        db.session.add(Membership(cooperative_id=coop.id, farmer_id=farmer.id, joined_on=date(2024, 3, 1),
                                  capital_fen=50_000))
        start = date.today() - timedelta(days=5)
        harvest = Harvest(farmer_id=farmer.id, product_id=seed.id, variety="", area_mu=Decimal("10.0"),
                          expected_kg=1100, grade_id=seed.grades[0].id, harvest_start=start,
                          harvest_end=start + timedelta(days=20), county_id=town.county_id, township_id=town.id,
                          village="海努克村", created_by_id=farmer.id)
        order = ContractOrder(processor_id=proc.id, product_id=seed.id, kg_wanted=5000,
                              min_grade_id=seed.grades[-1].id, delivery_start=start,
                              delivery_end=start + timedelta(days=40), collection_county_id=town.county_id,
                              collection_point="察布查尔收购点", collection_lat=town.lat, collection_lon=town.lon,
                              term_type="fixed", terms={"prices": {"1": 650, "2": 600}}, status="open",
                              created_by_id=buyer.id)
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
        for who in (farmer, buyer):
            sign_contract(who, contract.id, SigningInput(PASSWORD, True, "10.0.0.1", "office"))
        db.session.commit()
        return contract.id




def test_manager_records_in_kazakh_and_farmer_confirms_in_uyghur(page, live_server, tmp_path):
    base, app = live_server
    contract_id = make_contract(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    log_in(page, base, MANAGER, PASSWORD, "kk_Arab")
    page.goto(f"{base}/deliveries/new?lang=kk_Arab")
    expect(html).to_have_attribute("lang", "kk-Arab")
    expect(html).to_have_attribute("dir", "rtl")
    page.locator("#q").fill("139 9100 7601")
    page.locator("form.filter button[type=submit]").tap()
    page.locator(f'a[href="/deliveries/new/{contract_id}"]').tap()
    expect(page).to_have_url(re.compile(rf"/deliveries/new/{contract_id}$"))
    fits_the_screen(page)
    # Numbers are typed left to right inside the right-to-left form.
    expect(page.locator("#gross_kg")).to_have_attribute("dir", "ltr")
    expect(page.locator("#gross_kg")).to_have_attribute("inputmode", "decimal")
    page.locator("#gross_kg").fill("52.5")
    page.locator("#tare_kg").fill("1.5")
    page.locator("#moisture_pct").fill("10")
    page.locator("#impurity_pct").fill("3")
    page.locator("#graded_by").fill("گۇلباھار")
    save = page.locator("input[name=save]")
    box = save.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 40
    save.tap()
    expect(page).to_have_url(re.compile(r"/deliveries/\d+$"))
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(html).to_have_attribute("dir", "rtl")
    fits_the_screen(page)
    # 51 kg net at 10 % moisture over 8 %: 51 × 90 / 92 = 49.891 kg
    expect(page.locator(".why")).to_contain_text("49.891")
    page.screenshot(path=str(tmp_path / "delivery-kk-arab.png"), full_page=True)
    page.locator("header form button").tap()  # log out
    expect(page).not_to_have_url(re.compile(r"/deliveries/"))

    log_in(page, base, "139 9100 7601", PASSWORD, "ug")
    page.goto(f"{base}/notifications/?lang=ug")
    with app.app_context():
        delivery_id = db.session.scalar(sa.select(Delivery.id).order_by(Delivery.id.desc()).limit(1))
    page.locator(f'.notice-list a[href="/deliveries/{delivery_id}"]').first.tap()
    expect(page).to_have_url(re.compile(rf"/deliveries/{delivery_id}$"))
    expect(html).to_have_attribute("lang", "ug")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.locator("script").count() == 0
    fits_the_screen(page)
    page.locator("input[name=confirm]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "delivery-ug.png"), full_page=True)
    with app.app_context():
        d = db.session.get(Delivery, delivery_id)
        assert (d.state, d.settlement_grams, d.answered_by_id is not None) == ("confirmed", 49_891, True)
