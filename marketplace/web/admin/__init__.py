"""The market office: approving processors and co-op managers."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from marketplace.web.admin import routes  # noqa: E402,F401
