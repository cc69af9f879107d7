"""A farmer's season in Uyghur on a 360 px phone, end to end: sign up, post an expected harvest, accept the offer
the matching made, sign the contract, confirm the weighed delivery, and read the statement. The other sides
(the co-op, the processor, the market office) act through the services between the farmer's steps. Every page
is right to left and in Uyghur (no word of another script outside people's data)."""
import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Cooperative, Delivery, Grade, Harvest, Membership, Processor, Product, Proposal, Township,
    User,
)
from marketplace.services import deliveries as weighing
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.matching_runs import start_run
from marketplace.services.proposals import decide
from marketplace.services.settlement import Scope, post_settlement
from tests.browser.helpers import quiet_market, well_made

PHONE = "139 9100 7905"
PASSWORD = "long-enough-1"
OTHERS = "correct-horse-9"


def the_other_sides(app) -> dict:
    """A co-op on the farmer's township, a processor with an open fixed-price order for next month, an admin."""
    with app.app_context():
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        quiet_market(seed.id)
        quick = generate_password_hash(OTHERS, method="pbkdf2:sha256:1000")
        coop = Cooperative(name="海努克红花专业合作社UG", county_id=town.county_id, registration_no="93654022MA7UGJ0001")
        manager = User(role="coop_manager", status="active", name="管理员", email="ug-journey-coop@example.com",
                       locale="zh_Hans", password_hash=quick, cooperative=coop)
        stem = "91654002MA7UGJ0006"
        proc = Processor(company_name="伊犁红花籽油有限公司UG", uscc=stem + uscc_check_char(stem),
                         county_id=town.county_id, contact_name="联系人")
        buyer = User(role="processor", status="active", name="采购", email="ug-journey-buyer@example.com",
                     locale="zh_Hans", password_hash=quick, processor=proc)
        admin = User(role="admin", status="active", name="市场", email="ug-journey-admin@example.com",
                     locale="zh_Hans", password_hash=quick)
        db.session.add_all([coop, manager, proc, buyer, admin])
        db.session.flush()
        start = date.today() + timedelta(days=30)
        db.session.add(ContractOrder(
            processor_id=proc.id, product_id=seed.id, kg_wanted=5_000, min_grade_id=seed.grades[-1].id,
            delivery_start=start, delivery_end=start + timedelta(days=40), collection_county_id=town.county_id,
            collection_point="察布查尔收购点", collection_lat=town.lat, collection_lon=town.lon, min_alloc_kg=0,
            term_type="fixed", terms={"prices": {"1": 650, "2": 600}}, status="open", created_by_id=buyer.id))
        db.session.commit()
        return {"seed": seed.id, "grade": seed.grades[0].id, "start": start, "coop": coop.id,
                "manager": manager.id, "buyer": buyer.id, "admin": admin.id}


def test_a_farmers_season_in_uyghur(page, live_server, tmp_path):
    base, app = live_server
    sides = the_other_sides(app)
    page.set_default_timeout(10_000)

    # 1. Sign up.
    page.goto(f"{base}/account/signup/farmer?lang=ug")
    well_made(page, "ug")
    page.locator("#name").fill("مەمەتجان ئوسمان")
    page.locator("#phone").fill(PHONE)
    for select, name in (("#county_id", "چاپچال"), ("#township_id", "خەينۇق")):
        page.locator(select).select_option(page.locator(f"{select} option", has_text=name).get_attribute("value"))
    page.locator("#village").fill("海努克村")
    page.locator("#farm_area_mu").fill("12")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    well_made(page, "ug")
    with app.app_context():  # the co-op takes the new farmer in as a member
        farmer = db.session.scalar(sa.select(User).where(User.phone == "+8613991007905"))
        db.session.add(Membership(cooperative_id=sides["coop"], farmer_id=farmer.id, joined_on=date.today(),
                                  capital_fen=0))
        db.session.commit()
        farmer_id = farmer.id

    # 2. Post the expected harvest, with the planting signal above the form.
    page.goto(f"{base}/harvests/new")
    well_made(page, "ug")
    expect(page.locator("section[aria-labelledby=signals-h]")).to_be_visible()
    page.locator("#product_id").select_option(str(sides["seed"]))
    page.locator("#grade_id").select_option(str(sides["grade"]))
    page.locator("#area_mu").fill("12")
    page.locator("#expected_kg").fill("1000")
    page.locator("#harvest_start").fill(sides["start"].isoformat())
    page.locator("#harvest_end").fill((sides["start"] + timedelta(days=20)).isoformat())
    page.locator("form[method=post] input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/harvests/\d+$"))
    well_made(page, "ug")

    # The market office runs the matching; an offer reaches the farmer.
    with app.app_context():
        run = start_run(db.session.get(User, sides["admin"]), sides["seed"], sides["start"].year, date.today())
        proposal_id = db.session.scalar(sa.select(Proposal.id).join(Harvest, Harvest.id == Proposal.harvest_id)
                                        .where(Proposal.run_id == run.id, Harvest.farmer_id == farmer_id))
        db.session.commit()

    # 3. Accept the offer from the notice.
    page.goto(f"{base}/notifications/")
    well_made(page, "ug")
    page.locator(f'.notice-list a[href="/proposals/{proposal_id}"]').first.tap()
    well_made(page, "ug")
    page.locator("form[method=post] input[name=accept]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "ug")
    with app.app_context():  # the processor accepts too: the contract is drawn up
        decide(db.session.get(User, sides["buyer"]), proposal_id, True, date.today())
        contract_id = db.session.scalar(sa.select(Contract.id).where(Contract.proposal_id == proposal_id))
        db.session.commit()

    # 4. Sign it with the password and the consent tick; the processor signs after.
    page.goto(f"{base}/contracts/{contract_id}")
    well_made(page, "ug")
    page.locator("#consent").check()
    page.locator("#password").fill(PASSWORD)
    page.locator("input[name=sign]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "ug")
    with app.app_context():
        sign_contract(db.session.get(User, sides["buyer"]), contract_id, SigningInput(OTHERS, True, "10.0.0.1", "x"))
        c = db.session.get(Contract, contract_id)
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == sides["seed"], Grade.rank == 1))
        # The co-op weighs the delivery (early: before the window, with the warning ticked).
        delivery = weighing.record_delivery(
            db.session.get(User, sides["manager"]), contract_id, weighing.DeliveryInput(
                602_000, 2_000, 800, 300, grade.id, "质检员", date.today(), confirm_warning=True), date.today())
        db.session.commit()
        delivery_id, assert_kg = delivery.id, c.kg

    # 5. Confirm the weighing.
    page.goto(f"{base}/deliveries/{delivery_id}")
    well_made(page, "ug")
    page.locator("input[name=confirm]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "ug")
    with app.app_context():
        assert db.session.get(Delivery, delivery_id).state == "confirmed" and assert_kg == 1000
        post_settlement(db.session.get(User, sides["manager"]), Scope(proposal_id=c.proposal_id))
        db.session.commit()

    # 6. Read the statement: 600 kg at 6.50 yuan, less the fee and levy.
    page.goto(f"{base}/settlement/statement/{contract_id}")
    well_made(page, "ug")
    body = page.locator("main").inner_text()
    assert "600" in body and re.search(r"3,\d{3}\.\d\d", body), body
    page.screenshot(path=str(tmp_path / "statement-ug.png"), full_page=True)
