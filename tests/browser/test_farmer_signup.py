"""A farmer signs up in Uyghur on a 360 px phone, switches to Chinese and logs out."""
import re

from playwright.sync_api import expect


def test_farmer_signs_up_in_uyghur_switches_to_chinese_and_logs_out(page, live_server):
    base, _app = live_server
    page.set_default_timeout(10_000)
    page.goto(f"{base}/?lang=ug")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ug")

    page.locator("a.button").first.tap()  # the home page's farmer sign-up button
    expect(page).to_have_url(re.compile(r"/account/signup/farmer"))
    page.locator("#name").fill("ئايگۈل تۇرسۇن")
    page.locator("#phone").fill("139 9100 5555")
    for select, name in (("#county_id", "چاپچال"), ("#township_id", "خەينۇق")):
        value = page.locator(f"{select} option", has_text=name).get_attribute("value")
        page.locator(select).select_option(value)
    page.locator("#village").fill("海努克村")
    page.locator("#farm_area_mu").fill("18.5")
    page.locator("#password").fill("long-enough-1")
    page.locator("#confirm").fill("long-enough-1")
    # Every input fits the 360 px screen.
    for selector in ("#phone", "#county_id", "#township_id", "#password"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("input[type=submit]").tap()

    expect(page).to_have_url(re.compile(r"/dashboard"))
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text("ئايگۈل تۇرسۇن")
    # The phone number keeps its order inside right-to-left text.
    phone = page.locator("dd bdi[dir=ltr]").filter(has_text="+86")
    expect(phone).to_have_text("+86 139 9100 5555")

    page.locator(".langs a[lang=zh-Hans]").tap()
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "zh-Hans")
    page.locator("header form button").tap()  # log out
    expect(page).to_have_url(re.compile(r"/$|/\?"))
    expect(page.locator("header")).to_contain_text("登录")
