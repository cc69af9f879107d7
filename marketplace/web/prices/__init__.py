"""The market price index: recorded by admins and co-op managers, read by everyone logged in."""
from flask import Blueprint

bp = Blueprint("prices", __name__, url_prefix="/prices")

from marketplace.web.prices import routes  # noqa: E402,F401
