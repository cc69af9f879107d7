"""Locale selection, text direction and locale-aware formatting helpers."""
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from babel import Locale
from flask import g, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

#: Catalog folder names, in the order the language switcher shows them.
LOCALES = ("zh_Hans", "ug", "kk_Arab", "kk_Cyrl", "en")
DEFAULT_LOCALE = "zh_Hans"
#: Each language named in itself.
NATIVE_NAMES = {
    "zh_Hans": "中文",
    "ug": "ئۇيغۇرچە",
    "kk_Arab": "قازاقشا",
    "kk_Cyrl": "Қазақша",
    "en": "English",
}
#: BCP 47 tags for <html lang>.
HTML_LANG = {"zh_Hans": "zh-Hans", "ug": "ug", "kk_Arab": "kk-Arab", "kk_Cyrl": "kk-Cyrl", "en": "en"}
#: Accept-Language aliases (browsers never send kk-Arab: Kazakh readers in China use the switcher).
ALIASES = {
    "zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_hans": "zh_Hans", "zh_hans_cn": "zh_Hans", "zh_sg": "zh_Hans",
    "ug": "ug", "ug_cn": "ug", "ug_arab": "ug", "ug_arab_cn": "ug",
    "kk_cn": "kk_Arab", "kk_arab": "kk_Arab", "kk_arab_cn": "kk_Arab",
    "kk": "kk_Cyrl", "kk_kz": "kk_Cyrl", "kk_cyrl": "kk_Cyrl", "kk_cyrl_kz": "kk_Cyrl", "ru": "kk_Cyrl",
    "ru_ru": "kk_Cyrl", "ru_kz": "kk_Cyrl",
    "en": "en",
}


def match_locale(tag: str | None) -> str | None:
    """Map a language tag (any case, `-` or `_`) to a catalog name, or None."""
    if not tag or len(tag) > 35:
        return None
    key = tag.strip().replace("-", "_").lower()
    if key in ALIASES:
        return ALIASES[key]
    if key.startswith("en_"):
        return "en"
    return None


def from_accept_language() -> str | None:
    for tag, _quality in request.accept_languages:
        found = match_locale(tag)
        if found:
            return found
    return None


def select_locale() -> str:
    """?lang=, then the user's saved preference, then the session, then Accept-Language."""
    cached = getattr(g, "locale_name", None)
    if cached:
        return cached
    chosen = match_locale(request.args.get("lang"))
    if not chosen and current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        chosen = current_user.locale
    if not chosen and session.get("lang") in LOCALES:
        chosen = session["lang"]
    chosen = chosen or from_accept_language() or DEFAULT_LOCALE
    g.locale_name = chosen
    return chosen


def current_locale_name() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def text_direction(name: str | None = None) -> str:
    return Locale.parse(name or current_locale_name()).text_direction


def ltr(text) -> Markup:
    """Keep numbers, phones, codes and dates in order inside right-to-left text."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(text)


def isolate(text) -> Markup:
    """User text of unknown direction (names), isolated from the text around it."""
    return Markup('<bdi dir="auto">%s</bdi>') % escape(text)


def sentence(message, **values) -> Markup:
    """A translated sentence (a lazy message or its text) with its values in place, each in its own direction:
    numbers left to right, names and other text as they are written, markup as it is; safe to flash or show."""
    def mark(value):
        if isinstance(value, Markup):
            return value
        return ltr(value) if isinstance(value, int | float) else isolate(value)

    return Markup(escape(str(message))) % {name: mark(value) for name, value in values.items()}


def fmt_money(fen: int | None) -> Markup:
    if fen is None:
        return Markup("")
    return ltr(format_currency(Decimal(int(fen)) / 100, "CNY"))


def fmt_number(value, digits: int = 0) -> Markup:
    if value is None:
        return Markup("")
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return ltr(format_decimal(value, format=pattern))


def fmt_percent_bp(bp) -> Markup:
    """A share given in basis points, as a whole percentage in the locale's way (8,500 -> 85 %)."""
    if bp is None:
        return Markup("")
    return ltr(format_percent(bp / 10_000, "#,##0%"))


def fmt_mu(value) -> Markup:
    """An area in mu, with the translated unit (the mu is not a CLDR unit)."""
    # i18n: an area of farmland in mu (亩, 1/15 hectare); %(area)s is the number.
    return Markup(escape(_("%(area)s mu"))) % {"area": fmt_number(value, 1)}


def fmt_date(value) -> Markup:
    """A date (or an ISO date string, as frozen contract terms hold them) in the locale's medium format."""
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return ltr(format_date(value, "medium"))


def fmt_datetime(value) -> Markup:
    """A moment kept in UTC, in the valley's time (Asia/Urumqi), the locale's short format."""
    if value is None:
        return Markup("")
    return ltr(format_datetime(value, "short"))


def fmt_phone(e164: str | None) -> Markup:
    from marketplace.domain.identifiers import display_phone

    return ltr(display_phone(e164)) if e164 else Markup("")


def local_name(names: dict | None) -> str:
    """The name of a reference row (county, township) in the current locale."""
    if not names:
        return ""
    return names.get(current_locale_name()) or names.get(DEFAULT_LOCALE) or next(iter(names.values()))


def lang_url(code: str) -> str:
    """This page's address in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def catalog():
    """The translations of the current locale, found once per request and locale: a page looks up a hundred or
    more strings, and Flask-Babel would find the catalog again for each (a switch of locale by `force_locale`
    is seen, since the memo is kept beside the locale it was made for)."""
    state = g.get("_flask_babel")
    memo = getattr(state, "catalog_memo", None)
    if memo is not None and memo[0] is getattr(state, "babel_locale", None):
        return memo[1]
    translations = get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        state.catalog_memo = (get_locale(), translations)
    return translations


def init_app(app, babel):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        money=fmt_money, number=fmt_number, percent_bp=fmt_percent_bp, mu=fmt_mu, date=fmt_date,
        datetime=fmt_datetime, phone=fmt_phone, ltr=ltr, isolate=isolate, local_name=local_name,
    )
    app.jinja_env.globals.update(
        LOCALES=LOCALES, NATIVE_NAMES=NATIVE_NAMES, HTML_LANG=HTML_LANG,
        current_locale_name=current_locale_name, text_direction=text_direction, lang_url=lang_url,
    )
