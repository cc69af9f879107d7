"""Labels and choices of the harvests area: statuses, products, grades, and the form's hints."""
from babel.dates import get_month_names
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.i18n import local_name
from marketplace.models import Product

HARVEST_STATUS_LABELS = {
    # i18n: status of an expected harvest: posted, nothing of it matched to an order yet
    "open": _l("Open"),
    # i18n: status of an expected harvest: part of it is matched to a contract order
    "partly_matched": _l("Partly matched"),
    # i18n: status of an expected harvest: all of it is under contract
    "contracted": _l("Contracted"),
    # i18n: status of an expected harvest: handed over at the collection point
    "delivered": _l("Delivered"),
    # i18n: status of an expected harvest: taken back by the farmer or the co-op
    "withdrawn": _l("Withdrawn"),
}


def status_label(status: str) -> str:
    return str(HARVEST_STATUS_LABELS.get(status, status))


def product_choices(products: list[Product]) -> list[tuple[int, str]]:
    return [(p.id, local_name(p.names)) for p in products]


def grade_choices(products: list[Product]) -> dict[str, list]:
    """Grades grouped by product (rendered as <optgroup>, so no script is needed)."""
    return {local_name(p.names): [(g.id, local_name(g.names)) for g in p.grades] for p in products if p.grades}


def month_name(month: int) -> str:
    return get_month_names("wide", context="stand-alone", locale=get_locale())[month]


def yield_hint(products: list[Product]) -> str:
    """The expected-kg hint: how the suggestion works, and each product's typical yield."""
    # i18n: one product's typical yield in a list, e.g. "Safflower seed: about 113 kg per mu"
    each = [_("%(product)s: about %(kg)s kg per mu", product=local_name(p.names),
              kg=format_decimal(p.typical_yield_kg_per_mu, format="#,##0.#")) for p in products]
    return _("Leave it empty to get a suggestion from the area. Typical yields: %(yields)s.", yields="; ".join(each))


def window_hint(products: list[Product]) -> str:
    # i18n: one product's usual harvest months in a list, e.g. "Safflower seed: August – September"
    each = [_("%(product)s: %(start)s – %(end)s", product=local_name(p.names),
              start=month_name(p.harvest_start_month), end=month_name(p.harvest_end_month)) for p in products]
    return _("Usual harvest: %(months)s.", months="; ".join(each))
