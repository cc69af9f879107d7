"""Proposals from matching runs: each side (or the co-op for a member) reads them and answers."""
from flask import Blueprint

bp = Blueprint("proposals", __name__, url_prefix="/proposals")

from marketplace.web.proposals import routes  # noqa: E402,F401
