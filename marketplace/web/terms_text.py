"""Price terms in words: the name of each term type and each formula line, translated.

The terms engine returns (code, values) lines; here each becomes one whole
sentence per language (never assembled from pieces), with money, weights
and rates formatted for the locale.
"""
from decimal import Decimal

from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from marketplace.i18n import fmt_money, fmt_mu, fmt_number, ltr

TERM_NAMES = {
    "fixed": _l("Fixed price"),
    "floor_market": _l("Guaranteed floor + market price"),
    "floor_share": _l("Guaranteed floor + share of the rise"),
    "rebate": _l("Base price + second-round rebate"),
    "share_coop": _l("Share cooperation"),
}
TERM_EXPLANATIONS = {
    "fixed": _l("The price per kg for each grade is fixed now and does not change with the market."),
    "floor_market": _l("You get the market price plus a margin, but never less than the guaranteed floor price."),
    "floor_share": _l("You get the floor price, plus a share of how far the market rises above it."),
    "rebate": _l("You get the base price at delivery, and later a share of the processor's margin when it sells."),
    "share_coop": _l("You get a base payment per mu, and a share of the processor's net profit by your shares."),
}


def percent(rate_bp: int) -> Markup:
    return ltr(format_percent(Decimal(rate_bp) / 10_000, format="#,##0.##%"))


def per_kg(fen: int) -> Markup:
    # i18n: a price per kilogram; %(price)s is an amount of money
    return Markup(escape(_("%(price)s/kg"))) % {"price": fmt_money(fen)}


def kg(grams: int) -> Markup:
    # i18n: a weight; %(kg)s is a number of kilograms
    return Markup(escape(_("%(kg)s kg"))) % {"kg": fmt_number(Decimal(grams) / 1000, 1 if grams % 1000 else 0)}


def _t(message: str, **values) -> Markup:
    return Markup(escape(message)) % values


def line_text(code: str, v: dict, grade_names: dict | None = None) -> Markup:
    """One formula line of a payout, as a sentence in the current language."""
    grade = (grade_names or {}).get(v.get("grade"), str(v.get("grade", "")))
    if code == "price_fixed":
        return _t(_("Contract price for %(grade)s: %(price)s."), grade=grade, price=per_kg(v["price"]))
    if code == "price_rebate":
        return _t(_("Base price for %(grade)s: %(price)s, and a rebate later from the processor's margin."),
                  grade=grade, price=per_kg(v["price"]))
    if code == "price_floor_market":
        return _t(_("Market %(market)s with a margin of %(margin)s gives %(linked)s; the floor for %(grade)s is %(floor)s; you get the higher: %(price)s."),
                  market=per_kg(v["market"]), margin=percent(v["margin_bp"]), linked=per_kg(v["linked"]),
                  grade=grade, floor=per_kg(v["floor"]), price=per_kg(v["price"]))
    if code == "price_floor_share":
        return _t(_("Floor for %(grade)s %(floor)s, plus %(share)s of the rise of %(upside)s above it: %(price)s."),
                  grade=grade, floor=per_kg(v["floor"]), share=percent(v["share_bp"]),
                  upside=per_kg(v["upside"]), price=per_kg(v["price"]))
    if code == "price_capped":
        return _t(_("Limited to the cap: %(price)s."), price=per_kg(v["cap"]))
    if code == "gross":
        return _t(_("%(weight)s at %(price)s comes to %(gross)s."), weight=kg(v["grams"]), price=per_kg(v["price"]),
                  gross=fmt_money(v["gross"]))
    if code == "gross_per_mu":
        return _t(_("%(area)s at %(base)s per mu comes to %(gross)s."), area=fmt_mu(Decimal(v["area_tenth_mu"]) / 10),
                  base=fmt_money(v["base"]), gross=fmt_money(v["gross"]))
    if code == "coop_fee":
        return _t(_("Co-op service fee of %(rate)s: minus %(amount)s."), rate=percent(v["rate_bp"]),
                  amount=fmt_money(v["amount"]))
    if code == "risk_levy":
        return _t(_("Risk-fund levy of %(rate)s: minus %(amount)s."), rate=percent(v["rate_bp"]),
                  amount=fmt_money(v["amount"]))
    if code == "advances":
        return _t(_("Advances: %(recovered)s of the %(owed)s owed are taken back; %(still)s is still owed."),
                  recovered=fmt_money(v["recovered"]), owed=fmt_money(v["owed"]), still=fmt_money(v["still_owed"]))
    if code == "net":
        return _t(_("You receive %(net)s."), net=fmt_money(v["net"]))
    raise KeyError(code)
