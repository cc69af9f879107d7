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
