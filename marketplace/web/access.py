"""Who may use each route.

Every view declares its policy with `@public`, `@logged_in` or
`@roles(...)`. A `before_request` hook enforces it, and refuses (403) any
endpoint that declared nothing, so a forgotten check fails closed; a test
walks the URL map to prove every endpoint declared one.
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

PUBLIC = "public"
LOGGED_IN = "logged_in"
ANONYMOUS = "anonymous"


def _mark(view, policy):
    view.access_policy = policy
    return view


def public(view):
    return _mark(view, PUBLIC)


def anonymous_only(view):
    """Pages for visitors (sign-up, login): a logged-in user goes to the dashboard."""
    return _mark(view, ANONYMOUS)


def logged_in(view):
    return _mark(view, LOGGED_IN)


def roles(*names):
    def decorate(view):
        return _mark(view, frozenset(names))

    return decorate


def policy_of(endpoint: str | None):
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access_policy", None)


def enforce_access():
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    policy = policy_of(endpoint)
    if policy is None:
        current_app.logger.error("endpoint %s declares no access policy", endpoint)
        abort(403)
    if policy == PUBLIC:
        return None
    if policy == ANONYMOUS:
        if current_user.is_authenticated:
            return redirect(url_for("main.show_dashboard"))
        return None
    if not current_user.is_authenticated:
        flash(_("Please log in to see this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if policy == LOGGED_IN:
        return None
    if current_user.role not in policy:
        abort(403)
    return None

