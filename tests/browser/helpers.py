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


#: Letters of each script, by Unicode block.
SCRIPTS = {
    "han": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]+"),
}
#: What each language's pages may not show outside people's own data.
FOREIGN = {
    "zh_Hans": ("arabic", "cyrillic", "latin"),
    "ug": ("han", "cyrillic", "latin"),
    "kk_Arab": ("han", "cyrillic", "latin"),
    "kk_Cyrl": ("han", "arabic", "latin"),
    "en": ("han", "arabic", "cyrillic"),
}
#: Latin words every language keeps as they are: names of formats and services, units, the language switcher.
LATIN_KEPT = {"CSV", "JSON", "PDF", "QR", "Stripe", "CNY", "English", "acct", "CN", "ID"}

#: The page's own words: without people's data (names, places, notes, codes: isolated with dir=auto or ltr),
#: the language switcher (each language named in itself) and hidden text.
OWN_TEXT = """() => {
  const skip = 'bdi, [dir=auto], [dir=ltr], [translate=no], nav.langs, script, style, svg text, input, textarea, select';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(skip) || !el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}"""


def foreign_words(page, locale: str) -> list[str]:
    """Words on the page in a script its language does not use (outside people's own data)."""
    text = page.evaluate(OWN_TEXT)
    found = []
    for script in FOREIGN[locale]:
        for match in SCRIPTS[script].finditer(text):
            word = match.group(0)
            if script == "latin" and word in LATIN_KEPT:
                continue
            start = max(match.start() - 20, 0)
            found.append(f"{script}: {word!r} in {text[start:match.end() + 20]!r}")
    return found


def axe_violations(page) -> list[str]:
    """What axe (bundled with axe-playwright-python, no network) finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in found]


def well_made(page, locale: str) -> None:
    """What every page of a journey must be: in the locale's language and direction, 360 px wide, with no word
    of another script outside people's data, nothing axe objects to, and a tab order that is the reading order
    (no positive tabindex)."""
    from marketplace.i18n import HTML_LANG

    html = page.locator("html")
    expect(html).to_have_attribute("lang", HTML_LANG[locale])
    expect(html).to_have_attribute("dir", "rtl" if locale in ("ug", "kk_Arab") else "ltr")
    fits_the_screen(page)
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0, page.url
    problems = foreign_words(page, locale) + axe_violations(page)
    assert not problems, page.url + "\n" + "\n".join(problems)


def quiet_market(product_id: int) -> None:
    """Close the open orders and withdraw the open harvests of a product that earlier tests left on the shared
    server, so a journey's matching run pairs only the journey's own listings. Call inside an app context."""
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.models import ContractOrder, Harvest

    db.session.execute(sa.update(ContractOrder).where(
        ContractOrder.product_id == product_id, ContractOrder.status.in_(("open", "partly_matched")))
        .values(status="closed", close_reason="closed by a test"))
    db.session.execute(sa.update(Harvest).where(
        Harvest.product_id == product_id, Harvest.status.in_(("open", "partly_matched")))
        .values(status="withdrawn", withdraw_reason="withdrawn by a test"))
