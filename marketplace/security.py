"""Security headers, the login manager's user loader, the locale switch hook."""
import hmac

from flask import current_app, g, request, session
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
    if request.is_secure or current_app.config["HSTS_ALWAYS"]:
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
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


def load_user(session_id: str):
    """The user a session or remember cookie names ("<id>:<token>"), if the token is still theirs: logging
    out or setting a new password changes the token, which ends every copy of the old session."""
    from marketplace.models import User

    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def init_app(app):
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    app.before_request(remember_language)
    app.after_request(set_security_headers)
    hops = app.config.get("TRUSTED_PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Not X-Forwarded-Host: the proxy passes the Host header on, and a client-set host must never reach the
        # links the marketplace sends (a password-reset link to someone else's site).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
