"""Translated labels of the orders area: statuses, and what each term type's numbers mean."""
from flask_babel import lazy_gettext as _l

from marketplace.domain.terms import FIXED, FLOOR_MARKET, FLOOR_SHARE, REBATE, SHARE_COOP

STATUS_LABELS = {
    # i18n: status of a contract order not yet shown to farmers
    "draft": _l("Draft"),
    # i18n: status of a contract order that farmers can see and that matching can fill
    "open": _l("Open"),
    "partly_matched": _l("Partly matched"),
    "filled": _l("Filled"),
    "closed": _l("Closed"),
}

#: What the one price per grade means, by term type.
PRICE_LABELS = {
    FIXED: _l("Contract price"),
    FLOOR_MARKET: _l("Guaranteed floor"),
    FLOOR_SHARE: _l("Guaranteed floor"),
    REBATE: _l("Base price"),
}

#: What the share percentage means, by term type.
SHARE_LABELS = {
    FLOOR_SHARE: _l("Share of the rise above the floor"),
    REBATE: _l("Share of the processor's realised margin, paid later as a rebate"),
    SHARE_COOP: _l("Share of the processor's net profit"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
