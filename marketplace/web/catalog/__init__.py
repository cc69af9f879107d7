"""Products and their grades (admin)."""
from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/admin/products")

from marketplace.web.catalog import routes  # noqa: E402,F401
