"""What every phone-sized browser journey checks and does."""
import re

from playwright.sync_api import expect

SCREEN_WIDTH = 360


def fits_the_screen(page) -> None:
    """Nothing scrolls sideways on a 360 px screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN_WIDTH


def log_in(page, base: str, who: str, password: str, lang: str) -> None:
    page.goto(f"{base}/account/login?lang={lang}")
    page.locator("#identifier").fill(who)
    page.locator("#password").fill(password)
    page.locator("form[method=post] input[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/dashboard"))
