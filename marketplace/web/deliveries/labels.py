"""Translated labels of the deliveries area, and the settlement-weight formula in words."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from marketplace.i18n import fmt_number, ltr
from marketplace.web.terms_text import percent

STATE_LABELS = {
    # i18n: a delivery the farmer has not yet confirmed or disputed
    "awaiting_farmer": _l("Waiting for the farmer"),
    # i18n: a delivery the farmer confirmed
    "confirmed": _l("Confirmed by the farmer"),
    # i18n: a delivery the farmer disputes
    "disputed": _l("Disputed"),
    # i18n: a disputed delivery answered without a correction
    "dispute_rejected": _l("Dispute answered"),
    # i18n: a delivery record replaced by a corrected one
    "superseded": _l("Replaced by a correction"),
}

REJECTION_LABELS = {
    # i18n: why a delivered lot was rejected
    "moisture_over_reject": _l("Too wet: moisture above the reject limit"),
    # i18n: why a delivered lot was rejected
    "impurity_over_reject": _l("Too much impurity: above the reject limit"),
}

WARNING_LABELS = {
    "outside_window": _l("This delivery date is outside the contract's delivery window."),
    "above_remaining": _l("This is more than is left of the contract (beyond the allowed 10 %)."),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def rejection_label(reason: str | None) -> str:
    return str(REJECTION_LABELS.get(reason, reason or ""))


def weight(grams: int) -> Markup:
    """Kilograms to the gram, as the scale and the formula have them."""
    digits = 0 if grams % 1000 == 0 else 3
    # i18n: a weight; %(kg)s is a number of kilograms
    return Markup(escape(_("%(kg)s kg"))) % {"kg": fmt_number(Decimal(grams) / 1000, digits)}


def _t(message: str, **values) -> Markup:
    return Markup(escape(message)) % values


def formula(v: dict) -> Markup:
    """before × (100 % − actual) ÷ (100 % − standard) = after, kept left to right inside any sentence."""
    return ltr(Markup("%s × (100 %% − %s) ÷ (100 %% − %s) = %s") % (
        weight(v["before"]), percent(v["actual_bp"]), percent(v["std_bp"]), weight(v["after"])))


def weighing_line(code: str, v: dict) -> Markup:
    """One step of the settlement weight, as a sentence in the current language."""
    if code == "net":
        return _t(_("Gross %(gross)s minus tare %(tare)s: net %(net)s."), gross=weight(v["gross"]),
                  tare=weight(v["tare"]), net=weight(v["net"]))
    if code == "moisture":
        # i18n: %(formula)s is the calculation, e.g. 100 kg × (100 % − 15 %) ÷ (100 % − 13 %) = 97.701 kg
        return _t(_("Moisture %(actual)s is above the standard %(std)s: %(formula)s."),
                  actual=percent(v["actual_bp"]), std=percent(v["std_bp"]), formula=formula(v))
    if code == "moisture_ok":
        return _t(_("Moisture %(actual)s is within the standard %(std)s: no deduction."),
                  actual=percent(v["actual_bp"]), std=percent(v["std_bp"]))
    if code == "impurity":
        # i18n: %(formula)s is the calculation, e.g. 97.701 kg × (100 % − 3 %) ÷ (100 % − 2 %) = 96.704 kg
        return _t(_("Impurity %(actual)s is above the standard %(std)s: %(formula)s."),
                  actual=percent(v["actual_bp"]), std=percent(v["std_bp"]), formula=formula(v))
    if code == "impurity_ok":
        return _t(_("Impurity %(actual)s is within the standard %(std)s: no deduction."),
                  actual=percent(v["actual_bp"]), std=percent(v["std_bp"]))
    if code == "moisture_over_reject":
        return _t(_("Moisture %(actual)s is above the reject limit %(limit)s: the lot is rejected."),
                  actual=percent(v["actual_bp"]), limit=percent(v["limit_bp"]))
    if code == "impurity_over_reject":
        return _t(_("Impurity %(actual)s is above the reject limit %(limit)s: the lot is rejected."),
                  actual=percent(v["actual_bp"]), limit=percent(v["limit_bp"]))
    if code == "settlement":
        return _t(_("Settlement weight: %(weight)s."), weight=weight(v["grams"]))
    return Markup(escape(code))
