"""A co-op manager settles a contract in Chinese, and the farmer reads the statement in Kazakh (Cyrillic), at
360 px, with no script."""
import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Contract, Grade, SettlementLine, User
from marketplace.services import deliveries as weighing
from tests.browser.helpers import fits_the_screen, log_in
from tests.browser.test_delivery_kk_ug import PASSWORD, make_contract

FARMER_PHONE = "139 9100 7602"


def weighed_contract(app, phone="+8613991007602", manager_email="zh-settle@example.com", farmer_locale="kk_Cyrl",
                    tag="QT", kg=500, settle=False) -> int:
    """The delivery test's contract for another farmer (Kazakh, Cyrillic), with `kg` weighed today (and settled
    by the co-op, if asked)."""
    from marketplace.services.settlement import Scope, post_settlement

    contract_id = make_contract(app, phone=phone, manager_email=manager_email, manager_locale="zh_Hans",
                                farmer_locale=farmer_locale, tag=tag)
    with app.app_context():
        c = db.session.get(Contract, contract_id)
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == c.order.product_id, Grade.rank == 1))
        manager = db.session.scalar(sa.select(User).where(User.email == manager_email))
        weighing.record_delivery(manager, contract_id, weighing.DeliveryInput(
            kg * 1000 + 2_000, 2_000, 800, 300, grade.id, "质检员", date.today() - timedelta(days=1)), date.today())
        if settle:
            post_settlement(manager, Scope(proposal_id=c.proposal_id))
        db.session.commit()
    return contract_id


def test_manager_settles_in_chinese_and_farmer_reads_the_statement_in_kazakh(page, live_server, tmp_path):
    base, app = live_server
    contract_id = weighed_contract(app)
    page.set_default_timeout(10_000)
    html = page.locator("html")

    log_in(page, base, "zh-settle@example.com", PASSWORD, "zh_Hans")
    page.goto(f"{base}/contracts/{contract_id}?lang=zh_Hans")
    expect(html).to_have_attribute("lang", "zh-Hans")
    page.locator(f'a[href="/settlement/preview?contract={contract_id}"]').tap()
    expect(page.locator("table.preview")).to_be_visible()
    fits_the_screen(page)
    page.locator("input[name=post]").tap()
    expect(page).to_have_url(re.compile(r"/settlement/runs/\d+$"))
    expect(page.locator("p.flash.success")).to_be_visible()
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "settled-zh.png"), full_page=True)
    page.locator("header form button").tap()
    expect(page).not_to_have_url(re.compile(r"/settlement/"))

    log_in(page, base, FARMER_PHONE, PASSWORD, "kk_Cyrl")
    page.goto(f"{base}/settlement/statement/{contract_id}")
    expect(html).to_have_attribute("lang", "kk-Cyrl")
    expect(html).to_have_attribute("dir", "ltr")
    assert page.locator("script").count() == 0
    # 500 kg × 6.50 = 3,250.00 less the co-op fee and the levy: the net is on the page, grouped the Kazakh way.
    expect(page.locator("ol.why").first).to_be_visible()
    body = page.locator("main").inner_text()
    assert re.search(r"3\s?250", body.replace("\u00a0", " ")), body
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "statement-kk-cyrl.png"), full_page=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id)).where(
            SettlementLine.proposal_id == db.session.get(Contract, contract_id).proposal_id)) == 1
