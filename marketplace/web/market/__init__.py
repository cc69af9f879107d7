"""The public market board: supply against demand per product and season, the price index, the planting signal."""
from flask import Blueprint

bp = Blueprint("market", __name__, url_prefix="/market")

from marketplace.web.market import routes  # noqa: E402,F401
