"""Home page and the dashboard of each role."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from marketplace.web.main import routes  # noqa: E402,F401
