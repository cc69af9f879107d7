"""A co-operative's members, registered and represented by its managers."""
from flask import Blueprint

bp = Blueprint("coop", __name__, url_prefix="/cooperative")

from marketplace.web.coop import routes  # noqa: E402,F401
