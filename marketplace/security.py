"""Security headers, the login manager's user loader, the locale switch hook."""
from flask import g, request, session
from flask_login import current_user

from marketplace.extensions import db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

#: The card payment page only: Stripe's own script and frames, and nothing inline.
STRIPE_CSP = (
    "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; img-src 'self' data:; "
    "frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
    return response


def remember_language():
    """A valid `?lang=` is kept in the session and as the user's saved preference; a code the marketplace does
    not offer is ignored (the page falls back as if none was given, in the end to Chinese)."""
    from marketplace.i18n import match_locale

    raw = request.args.get("lang")
    if raw is None:
        return
    chosen = match_locale(raw)
    if chosen is None:
        return
    session["lang"] = chosen
    g.locale_name = chosen
    if current_user.is_authenticated and current_user.locale != chosen:
        current_user.locale = chosen
        db.session.commit()


def load_user(user_id: str):
    from marketplace.models import User

    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def init_app(app):
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    app.before_request(remember_language)
    app.after_request(set_security_headers)
