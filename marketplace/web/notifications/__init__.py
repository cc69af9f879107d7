"""In-app notices: each user's list, marking them read, and the unread count on every page."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from marketplace.web.notifications import routes  # noqa: E402,F401
