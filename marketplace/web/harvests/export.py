"""The co-op's harvest list as CSV: translated header, plain numbers, ISO dates."""
import csv
from collections.abc import Iterable
from io import StringIO

from flask_babel import gettext as _

from marketplace.i18n import local_name
from marketplace.models import Harvest
from marketplace.web.harvests.choices import status_label

#: Spreadsheets run a cell that starts with one of these as a formula; user text never should.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str | None) -> str:
    value = value or ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def header() -> list[str]:
    return [
        _("Harvest number"), _("Farmer"), _("Mobile number"), _("Product"), _("Variety"), _("Expected grade"),
        _("Planted area (mu)"), _("Expected quantity (kg)"), _("Harvest from"), _("Harvest until"),
        _("County"), _("Township"), _("Village"), _("Latitude"), _("Longitude"), _("Status"),
    ]


def row(h: Harvest) -> list:
    return [
        h.id, text_cell(h.farmer.name), h.farmer.phone or "", local_name(h.product.names), text_cell(h.variety),
        local_name(h.grade.names), f"{h.area_mu:f}", h.expected_kg, h.harvest_start.isoformat(),
        h.harvest_end.isoformat(), local_name(h.county.names), local_name(h.township.names),
        text_cell(h.village), "" if h.lat is None else h.lat, "" if h.lon is None else h.lon,
        status_label(h.status),
    ]


def harvests_csv(harvests: Iterable[Harvest]) -> str:
    """The whole file, with a byte-order mark so that spreadsheet programs read it as UTF-8."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    for h in harvests:
        writer.writerow(row(h))
    return "\ufeff" + out.getvalue()
