"""CSV downloads, shared by every area: UTF-8 with a byte-order mark, safe from formula injection."""
import csv
import io
from decimal import Decimal

from flask import Response

#: A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def yuan(fen: int | None) -> str:
    return "" if fen is None else format(Decimal(fen) / 100, ".2f")


def percent(bp: int) -> str:
    return format((Decimal(bp) / 100).normalize(), "f")


def csv_response(filename: str, header: list, rows) -> Response:
    """A UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese and Arabic names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
