"""axe (bundled with axe-playwright-python, no network) finds nothing on the demo season's pages, for each kind of
user in a different language, at 360 px; and each page speaks its language: the right `lang` and `dir`, and no
word in another script outside people's own data (names, places, codes, which are isolated)."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.pages import VISITS
from marketplace.i18n import HTML_LANG, text_direction
from marketplace.services.demo import DEMO_PASSWORD
from tests.browser.helpers import fits_the_screen, foreign_words, log_in

AXE = Axe()


def violations_of(page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in found]


@pytest.mark.parametrize("who, lang, paths", VISITS, ids=[f"{w or 'visitor'}-{lang}" for w, lang, _ in VISITS])
def test_axe_finds_nothing_and_each_page_speaks_its_language(page, demo_server, who, lang, paths, app):
    base, _app = demo_server
    page.set_default_timeout(15_000)
    if who:
        log_in(page, base, who, DEMO_PASSWORD, lang)
    problems = {}
    for path in paths:
        response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status == 200, path
        fits_the_screen(page)
        with app.app_context():
            direction = text_direction(lang)
        assert page.locator("html").get_attribute("lang") == HTML_LANG[lang], path
        assert page.locator("html").get_attribute("dir") == direction, path
        found = violations_of(page) + foreign_words(page, lang)
        if found:
            problems[path] = found
    assert problems == {}
