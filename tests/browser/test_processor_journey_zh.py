"""A processor's season in Chinese on a 360 px screen: post a floor + market order, accept the match, sign the
contract, follow the invoice until the co-op has recorded the bank transfer, and open the rebates page. The other
sides act through the services between the processor's steps. Every page in Chinese (no word of another script
outside people's data)."""
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Cooperative, FarmerProfile, Grade, Harvest, Invoice, Membership, PriceIndexEntry,
    Processor, Product, Proposal, Township, User,
)
from marketplace.services import deliveries as weighing
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.matching_runs import start_run
from marketplace.services.payments import record_bank_transfer
from marketplace.services.proposals import decide
from marketplace.services.settlement import Scope, post_settlement
from tests.browser.helpers import log_in, quiet_market, well_made

PASSWORD = "correct-horse-9"
BUYER = "zh-journey-buyer@example.com"


def the_season(app) -> dict:
    """A processor, a co-op with a member who expects 1,000 kg of seed next month, today's index, an admin."""
    with app.app_context():
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        seed = db.session.scalar(sa.select(Product).where(Product.code == "safflower_seed"))
        quiet_market(seed.id)
        quick = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        stem = "91654002MA7CNJ0006"
        proc = Processor(company_name="伊犁红花籽油有限公司ZH", uscc=stem + uscc_check_char(stem),
                         county_id=town.county_id, contact_name="马经理")
        buyer = User(role="processor", status="active", name="马经理", email=BUYER, locale="zh_Hans",
                     password_hash=quick, processor=proc)
        coop = Cooperative(name="海努克红花专业合作社ZH", county_id=town.county_id, registration_no="93654022MA7CNJ0001")
        manager = User(role="coop_manager", status="active", name="管理员", email="zh-journey-coop@example.com",
                       locale="zh_Hans", password_hash=quick, cooperative=coop)
        farmer = User(role="farmer", status="active", name="佟春兰", phone="+8613991007906", locale="zh_Hans",
                      password_hash=quick)
        admin = User(role="admin", status="active", name="市场", email="zh-journey-admin@example.com",
                     locale="zh_Hans", password_hash=quick)
        db.session.add_all([proc, buyer, coop, manager, farmer, admin,
                            FarmerProfile(user=farmer, county_id=town.county_id, township_id=town.id,
                                          village="海努克村", farm_area_mu=Decimal("10.0"))])
        db.session.flush()
        db.session.add(Membership(cooperative_id=coop.id, farmer_id=farmer.id, joined_on=date(2024, 3, 1),
                                  capital_fen=50_000))
        start = date.today() + timedelta(days=30)
        db.session.add(Harvest(farmer_id=farmer.id, product_id=seed.id, variety="", area_mu=Decimal("10.0"),
                               expected_kg=1_000, grade_id=seed.grades[0].id, harvest_start=start,
                               harvest_end=start + timedelta(days=20), county_id=town.county_id,
                               township_id=town.id, village="海努克村", status="open", created_by_id=farmer.id))
        for grade, fen in zip(seed.grades, (700, 640)):
            if not db.session.scalar(sa.select(PriceIndexEntry.id).where(PriceIndexEntry.grade_id == grade.id,
                                                                         PriceIndexEntry.on_date == date.today())):
                db.session.add(PriceIndexEntry(product_id=seed.id, grade_id=grade.id, on_date=date.today(),
                                               fen_per_kg=fen, source_note="伊宁市场", recorded_by_id=buyer.id))
        db.session.commit()
        return {"seed": seed.id, "grade_2": seed.grades[-1].id, "start": start, "farmer": farmer.id,
                "manager": manager.id, "admin": admin.id, "buyer": buyer.id}


def test_a_processors_season_in_chinese(page, live_server):
    base, app = live_server
    ids = the_season(app)
    page.set_default_timeout(10_000)
    log_in(page, base, BUYER, PASSWORD, "zh_Hans")
    well_made(page, "zh_Hans")

    # 1. A floor + market order, in two steps, published.
    page.goto(f"{base}/orders/new")
    page.locator("#product").select_option(str(ids["seed"]))
    page.locator("input[name=term_type][value=floor_market]").check()
    page.locator("main button[type=submit]").tap()
    well_made(page, "zh_Hans")
    page.locator("#kg_wanted").fill("2000")
    page.locator("#min_grade_id").select_option(str(ids["grade_2"]))
    page.locator("#delivery_start").fill(ids["start"].isoformat())
    page.locator("#delivery_end").fill((ids["start"] + timedelta(days=40)).isoformat())
    page.locator("#collection_point").fill("察布查尔县海努克乡收购点")
    page.locator("#price_1").fill("6.50")
    page.locator("#price_2").fill("6.00")
    page.locator("#margin_pct").fill("5")
    page.locator("#coop_fee_pct").fill("2")
    page.locator("#risk_levy_pct").fill("1")
    page.locator("#publish").tap()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    well_made(page, "zh_Hans")

    # The market office runs the matching; the farmer accepts the offer.
    with app.app_context():
        order_id = db.session.scalar(sa.select(ContractOrder.id).where(ContractOrder.created_by_id == ids["buyer"]))
        run = start_run(db.session.get(User, ids["admin"]), ids["seed"], ids["start"].year, date.today())
        proposal_id = db.session.scalar(sa.select(Proposal.id).join(Harvest, Harvest.id == Proposal.harvest_id).where(
            Proposal.run_id == run.id, Proposal.order_id == order_id, Harvest.farmer_id == ids["farmer"]))
        decide(db.session.get(User, ids["farmer"]), proposal_id, True, date.today())
        db.session.commit()

    # 2. Review the match and accept it.
    page.goto(f"{base}/proposals/")
    well_made(page, "zh_Hans")
    page.locator(f'a[href="/proposals/{proposal_id}"]').first.tap()
    well_made(page, "zh_Hans")
    page.locator("form[method=post] input[name=accept]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "zh_Hans")

    # 3. Sign the contract the agreement made; the farmer signs too.
    with app.app_context():
        contract_id = db.session.scalar(sa.select(Contract.id).where(Contract.proposal_id == proposal_id))
    page.goto(f"{base}/contracts/{contract_id}")
    well_made(page, "zh_Hans")
    page.locator("#consent").check()
    page.locator("#password").fill(PASSWORD)
    page.locator("input[name=sign]").tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "zh_Hans")
    with app.app_context():
        sign_contract(db.session.get(User, ids["farmer"]), contract_id, SigningInput(PASSWORD, True, "10.0.0.2", "x"))
        manager = db.session.get(User, ids["manager"])
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == ids["seed"], Grade.rank == 1))
        delivery = weighing.record_delivery(manager, contract_id, weighing.DeliveryInput(
            502_000, 2_000, 800, 300, grade.id, "质检员", date.today(), confirm_warning=True), date.today())
        weighing.confirm_delivery(db.session.get(User, ids["farmer"]), delivery.id)
        run = post_settlement(manager, Scope(proposal_id=db.session.get(Contract, contract_id).proposal_id))
        invoice = db.session.scalar(sa.select(Invoice).where(Invoice.run_id == run.id))
        db.session.commit()
        invoice_id, amount = invoice.id, invoice.amount_fen

    # 4. The invoice, open; then paid once the co-op has recorded the bank transfer.
    page.goto(f"{base}/settlement/")
    well_made(page, "zh_Hans")
    page.locator(f'a[href="/settlement/invoices/{invoice_id}"]').first.tap()
    well_made(page, "zh_Hans")
    expect(page.locator("main")).not_to_contain_text("ICBC-20261128-001")
    with app.app_context():
        record_bank_transfer(db.session.get(User, ids["manager"]), invoice_id, amount, "ICBC-20261128-001",
                             date.today(), date.today())
        db.session.commit()
    page.reload()
    well_made(page, "zh_Hans")
    expect(page.locator("main")).to_contain_text("ICBC-20261128-001")
    with app.app_context():
        assert db.session.get(Invoice, invoice_id).status == "paid"

    # 5. The second-round rebate page, for the season's rebate contracts.
    page.goto(f"{base}/settlement/rebates")
    well_made(page, "zh_Hans")
