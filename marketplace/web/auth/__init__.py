"""Sign-up, login, logout and password reset."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from marketplace.web.auth import routes  # noqa: E402,F401
