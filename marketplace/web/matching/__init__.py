"""Matching runs: admins and co-op managers start a run and read the past ones."""
from flask import Blueprint

bp = Blueprint("matching", __name__, url_prefix="/matching")

from marketplace.web.matching import routes  # noqa: E402,F401
