"""A co-op manager's season in Kazakh (Arabic script) on a 360 px phone: register a member without a phone, weigh a
delivery, settle the contract, approve the payout batch another manager prepared, and distribute the year-end
surplus; every page right to left and in Kazakh (no word of another script outside people's data)."""
import re
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from marketplace.extensions import db
from marketplace.models import FarmerProfile, Membership, PayoutBatch, SurplusDistribution, Township, User
from marketplace.services import payouts
from tests.browser.helpers import log_in, well_made
from tests.browser.test_delivery_kk_ug import PASSWORD, make_contract

MANAGER = "kka-journey@example.com"
FARMER_PHONE = "139 9100 7804"


def test_a_coop_managers_season_in_kazakh_arabic(page, live_server, tmp_path):
    base, app = live_server
    contract_id = make_contract(app, phone="+8613991007804", manager_email=MANAGER, manager_locale="kk_Arab",
                                farmer_locale="ug", tag="KA")
    with app.app_context():
        manager = db.session.scalar(sa.select(User).where(User.email == MANAGER))
        deputy = User(role="coop_manager", status="active", name="ەربول", email="kka-deputy@example.com",
                      locale="kk_Arab", cooperative_id=manager.cooperative_id,
                      password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        db.session.add(deputy)
        town = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
        db.session.commit()
        coop_id, deputy_id, county_id, town_id = manager.cooperative_id, deputy.id, town.county_id, town.id
    page.set_default_timeout(10_000)
    log_in(page, base, MANAGER, PASSWORD, "kk_Arab")
    well_made(page, "kk_Arab")

    # 1. A member without a phone, registered by the co-op.
    page.goto(f"{base}/cooperative/members/new")
    well_made(page, "kk_Arab")
    page.locator("#name").fill("قايشا جاقىپ")
    page.locator("#county_id").select_option(str(county_id))
    page.locator("#township_id").select_option(str(town_id))
    page.locator("#village").fill("حايناق اۋىلى")
    page.locator("#farm_area_mu").fill("8")
    page.locator("#locale").select_option("kk_Arab")
    page.locator("#joined_on").fill(date.today().replace(day=1).isoformat())
    page.locator("#capital_yuan").fill("500")
    page.locator("form[method=post] input[type=submit]").last.tap()
    expect(page.locator("p.flash.success")).to_be_visible()
    well_made(page, "kk_Arab")
    with app.app_context():
        member = db.session.scalar(sa.select(User).where(User.name == "قايشا جاقىپ"))
        assert member.phone is None
        assert db.session.scalar(sa.select(FarmerProfile.managed_by_coop_id).where(
            FarmerProfile.user_id == member.id)) == coop_id
        assert db.session.scalar(sa.select(Membership.id).where(Membership.farmer_id == member.id))

    # 2. A delivery weighed at the scale.
    page.goto(f"{base}/deliveries/new/{contract_id}")
    well_made(page, "kk_Arab")
    page.locator("#gross_kg").fill("402")
    page.locator("#tare_kg").fill("2")
    page.locator("#moisture_pct").fill("8")
    page.locator("#impurity_pct").fill("3")
    page.locator("#graded_by").fill("گۇلباھار")
    page.locator("input[name=save]").tap()
    expect(page).to_have_url(re.compile(r"/deliveries/\d+$"))
    well_made(page, "kk_Arab")

    # 3. The contract settled: previewed, then posted once.
    page.goto(f"{base}/contracts/{contract_id}")
    page.locator(f'a[href="/settlement/preview?contract={contract_id}"]').tap()
    well_made(page, "kk_Arab")
    page.locator("input[name=post]").tap()
    expect(page).to_have_url(re.compile(r"/settlement/runs/\d+$"))
    well_made(page, "kk_Arab")

    # 4. The deputy prepared the payout batch; this manager approves it (four eyes).
    with app.app_context():
        batch = payouts.prepare_batch(db.session.get(User, deputy_id))
        db.session.commit()
        batch_id = batch.id
    page.goto(f"{base}/settlement/payouts/{batch_id}")
    well_made(page, "kk_Arab")
    page.locator("input[name=approve]").tap()
    expect(page.locator("p.flash.success").first).to_be_visible()
    well_made(page, "kk_Arab")
    with app.app_context():
        assert db.session.get(PayoutBatch, batch_id).status == "approved"

    # 5. The year-end surplus: 60 % at least by volume, previewed, then posted.
    page.goto(f"{base}/settlement/surplus")
    well_made(page, "kk_Arab")
    page.locator("#year").fill(str(date.today().year))
    page.locator("#surplus").fill("20000")
    page.locator("#losses").fill("0")
    page.locator("#reserve_pct").fill("10")
    page.locator("#volume_pct").fill("70")
    page.locator("#subsidy_assets").fill("0")
    page.locator("form[method=get] button[type=submit], form[method=get] input[type=submit]").first.tap()
    well_made(page, "kk_Arab")
    page.locator("input[name=post]").tap()
    expect(page.locator("p.flash.success").first).to_be_visible()
    well_made(page, "kk_Arab")
    page.screenshot(path=str(tmp_path / "surplus-kk-arab.png"), full_page=True)
    with app.app_context():
        assert db.session.scalar(sa.select(SurplusDistribution.distributable_fen).where(
            SurplusDistribution.cooperative_id == coop_id)) == 1_800_000
