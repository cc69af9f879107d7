"""Every page of bench/pages.py's visits, on the demo season, for each kind of user in a different language, at
360 px: axe (bundled with axe-playwright-python, no network) finds nothing, and each page speaks its language:
the right `lang` and `dir`, and no word in another script outside people's own data (names, places, codes,
which are isolated)."""
import pytest

from bench.pages import VISITS
from marketplace.services.demo import DEMO_PASSWORD
from tests.browser.helpers import log_in, well_made


@pytest.mark.parametrize("who, lang, paths", VISITS, ids=[f"{w or 'visitor'}-{lang}" for w, lang, _ in VISITS])
def test_axe_finds_nothing_and_each_page_speaks_its_language(page, demo_server, who, lang, paths):
    base, _app = demo_server
    page.set_default_timeout(15_000)
    if who:
        log_in(page, base, who, DEMO_PASSWORD, lang)
    for path in paths:
        response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status == 200, path
        well_made(page, lang)
