"""Deliveries at the collection point, the farmer's review, bag labels, shortfalls, and the public trace pages."""
from flask import Blueprint

# No url_prefix: the area also serves the public /trace pages that a bag label's QR code opens.
bp = Blueprint("deliveries", __name__)

from marketplace.web.deliveries import routes  # noqa: E402,F401
