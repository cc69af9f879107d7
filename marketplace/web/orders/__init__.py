"""Contract orders: processors post them; farmers and co-ops browse them; processors browse supply."""
from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from marketplace.web.orders import browse, routes  # noqa: E402,F401
