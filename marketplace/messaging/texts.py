"""What each kind of notification says, written in the reader's language when it is shown or sent."""
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, format_currency, format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.i18n import LOCALES, ltr, sentence

TEXTS = {
    # i18n: a notification to a farmer; %(product)s is e.g. safflower seed, %(company)s a processor
    "proposal_new": _l("New offer: %(kg)s kg of your %(product)s to %(company)s at %(price)s per kg. Answer by %(deadline)s."),
    # i18n: a notification to a processor's buyer
    "proposal_new_processor": _l("New proposal for your order: %(kg)s kg of %(product)s from a farmer %(km)s km away. Answer by %(deadline)s."),
    # i18n: a notification to both sides when the other side also accepted
    "proposal_agreed": _l("Both sides accepted: %(kg)s kg of %(product)s. A contract will be prepared for signing."),
    # i18n: a notification when the other side declined
    "proposal_declined": _l("An offer of %(kg)s kg of %(product)s was declined. The volume goes back to the market."),
    # i18n: a notification to both sides of a contract; %(number)s is the contract number
    "contract_to_sign": _l("Contract %(number)s for %(kg)s kg of %(product)s is waiting for your signature."),
    # i18n: a notification to both sides when both have signed
    "contract_active": _l("Contract %(number)s for %(kg)s kg of %(product)s is signed by both sides and in force."),
    # i18n: a notification to the other side when one side withdrew before both signed
    "contract_withdrawn": _l("Contract %(number)s for %(kg)s kg of %(product)s was withdrawn before both sides signed."),
    # i18n: a notification: the other side proposes to change the contract (quantity, dates or price)
    "contract_amended": _l("A change to contract %(number)s was proposed: %(kg)s kg of %(product)s. Read it and sign it if you agree."),
    # i18n: a notification: the other side asks to cancel the contract
    "contract_cancel_requested": _l("The other side asks to cancel contract %(number)s. Read the reason and answer."),
    # i18n: a notification: both sides agreed to cancel the contract
    "contract_cancelled": _l("Contract %(number)s was cancelled by agreement of both sides."),
    # i18n: a notification to a farmer after the co-op weighed a delivery; %(kg)s is the settlement weight
    "delivery_recorded": _l("Your delivery under contract %(number)s was weighed: %(kg)s kg counted. Check it and confirm it, or dispute it."),
    # i18n: a notification to the co-op and the processor: the farmer disputes a weighing
    "delivery_disputed": _l("The farmer disputes a delivery under contract %(number)s. Correct it or answer with a reason."),
    # i18n: a notification to a farmer: a disputed weighing was corrected
    "delivery_corrected": _l("Your disputed delivery under contract %(number)s was corrected: %(kg)s kg counted. Check it again."),
    # i18n: a notification to a farmer: the dispute was answered without a correction
    "dispute_rejected": _l("Your dispute of a delivery under contract %(number)s was answered without a correction. Read the reason."),
}


def render(kind: str, params: dict, locale: str | None = None, html: bool = False):
    """The sentence for a notification, in `locale` (or the current one). With `html`, markup for a page: the
    company's name isolated in its own direction, numbers, dates and codes kept left to right."""
    def build():
        values = {
            "kg": format_decimal(params.get("kg", 0)),
            "product": params.get("product", {}).get(str(_current()), "") or next(iter(params.get("product", {}).values()), ""),
            "company": params.get("company", ""),
            "price": format_currency(Decimal(params.get("price_fen", 0)) / 100, "CNY"),
            "km": format_decimal(params.get("km", 0)),
            "deadline": format_date(date.fromisoformat(params["deadline"]), "medium") if params.get("deadline") else "",
            "number": params.get("number", ""),
        }
        if kind not in TEXTS:
            return kind
        if not html:
            return _(str(TEXTS[kind]), **values)
        # Amounts, dates and numbers arrive formatted as text: kept left to right; names as they are written.
        return sentence(_(str(TEXTS[kind])), **{k: v if k in ("company", "product") else ltr(v)
                                                for k, v in values.items()})

    if locale and locale in LOCALES:
        with force_locale(locale):
            return build()
    return build()


def subject(locale: str) -> str:
    """The subject line of every message: the marketplace's name in the reader's language."""
    with force_locale(locale if locale in LOCALES else "zh_Hans"):
        return _("Safflower Marketplace")


def _current() -> str:
    from marketplace.i18n import current_locale_name

    return current_locale_name()
