"""Contracts: each party's list and pages, signing, amendments, cancellation, the PDF, and public verification."""
from flask import Blueprint

# No url_prefix: the area also serves the public /verify pages that a contract's QR code opens.
bp = Blueprint("contracts", __name__)

from marketplace.web.contracts import routes  # noqa: E402,F401
