"""Settlement: advances, previewing and posting settlement runs, invoices, and the farmer's statement."""
from flask import Blueprint

bp = Blueprint("settlement", __name__, url_prefix="/settlement")

from marketplace.web.settlement import routes  # noqa: E402,F401
