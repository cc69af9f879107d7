"""Translated labels of the contracts area: statuses, signing parties, and how a member consented."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    # i18n: status of a contract: created from an agreed proposal, nobody has signed yet
    "draft": _l("Not signed yet"),
    # i18n: status of a contract: one side has signed, the other not yet
    "awaiting_signatures": _l("Waiting for a signature"),
    # i18n: status of a contract: both sides signed, it is in force
    "active": _l("In force"),
    # i18n: status of a contract: deliveries have started
    "in_delivery": _l("Deliveries under way"),
    # i18n: status of a contract: everything contracted was delivered
    "fulfilled": _l("Fulfilled"),
    # i18n: status of a contract: the delivery window closed before everything was delivered
    "short_delivered": _l("Delivered short"),
    # i18n: status of a contract: one side broke it
    "breached": _l("Breached"),
    # i18n: status of a contract: withdrawn before both signed, or cancelled by agreement of both
    "cancelled": _l("Cancelled"),
    # i18n: status of a contract version: replaced by a later version (an amendment) that both signed
    "superseded": _l("Replaced by a later version"),
}

PARTY_LABELS = {
    # i18n: the selling side of a contract
    "farmer": _l("Farmer"),
    # i18n: the buying side of a contract
    "processor": _l("Processor"),
}

CONSENT_LABELS = {
    "self": _l("Signed in person with their own password"),
    # i18n: how a member who signs through the co-op gave consent
    "in_person_thumbprint": _l("In person, with a thumbprint on paper"),
    # i18n: how a member who signs through the co-op gave consent
    "phone_witness": _l("By phone, with a witness"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
