"""A farmer reading Kazakh in Cyrillic script, on a 360 px phone: the planting signal on the dashboard, the market
board, then the contract's statement; every page in Kazakh (no word of another script outside people's data)."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import log_in, well_made
from tests.browser.test_delivery_kk_ug import PASSWORD
from tests.browser.test_settlement_zh_kk import weighed_contract

FARMER_PHONE = "139 9100 7703"


def test_a_farmer_reads_the_market_and_the_statement_in_kazakh_cyrillic(page, live_server):
    base, app = live_server
    contract_id = weighed_contract(app, phone="+8613991007703", manager_email="kc-journey@example.com", tag="KC",
                                   kg=400, settle=True)
    page.set_default_timeout(10_000)

    log_in(page, base, FARMER_PHONE, PASSWORD, "kk_Cyrl")
    well_made(page, "kk_Cyrl")
    # The planting signal, before the farmer posts next season's harvest.
    signals = page.locator("section[aria-labelledby=signals-h]")
    expect(signals).to_contain_text("Екпес бұрын")
    signals.locator("a[href^='/market/safflower_seed/']").tap()
    expect(page).to_have_url(re.compile(r"/market/safflower_seed/\d{4}$"))
    well_made(page, "kk_Cyrl")
    expect(page.locator("h1")).to_contain_text("Нарық тақтасы")
    # Last season's board: the farmer's own contract is among the contracted kilograms.
    page.locator("a[rel=prev]").tap()
    well_made(page, "kk_Cyrl")
    totals = page.locator("table").first.inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    assert re.search(r"\d+ 000 кг", totals), totals  # the contracted kilograms, this contract's 1,000 among them

    # The contract, then its statement: the settled delivery and the net, grouped the Kazakh way.
    page.goto(f"{base}/contracts/")
    well_made(page, "kk_Cyrl")
    page.locator(f'a[href="/contracts/{contract_id}"]').first.tap()
    well_made(page, "kk_Cyrl")
    page.goto(f"{base}/settlement/statement/{contract_id}")
    well_made(page, "kk_Cyrl")
    body = page.locator("main").inner_text().replace("\u00a0", " ")
    assert "400" in body and re.search(r"2\s?6\d\d,\d\d", body), body  # 400 kg × 6.50 less fee and levy
    assert page.locator("script").count() == 0
