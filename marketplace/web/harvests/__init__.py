"""Expected harvests: farmers, and co-op managers for their members."""
from flask import Blueprint

bp = Blueprint("harvests", __name__, url_prefix="/harvests")

from marketplace.web.harvests import routes  # noqa: E402,F401
