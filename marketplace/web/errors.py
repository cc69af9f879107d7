"""Translated error pages."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from marketplace.extensions import db

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This was already done"),
    413: _l("What you sent is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Something in what was sent is not right. Go back, check it and try again."),
    401: _l("Log in to continue."),
    403: _l("Your account does not have access to this page."),
    404: _l("The page does not exist, or it is not yours to see."),
    405: _l("Go back and use the buttons on the page."),
    409: _l("It looks like this form was sent twice. Nothing was saved twice; check the result."),
    413: _l("Send less at a time."),
    429: _l("Wait a minute, then try again."),
    500: _l("The error has been recorded. Please try again in a little while."),
}


def render_error(code: int, message=None):
    return render_template(
        "errors/error.html", code=code, title=TITLES.get(code, TITLES[500]),
        message=message or EXPLANATIONS.get(code, EXPLANATIONS[500]),
    ), code


def init_app(app):
    @app.errorhandler(HTTPException)
    def handle_http(error):
        code = error.code or 500
        return render_error(code if code in TITLES else 400)

    @app.errorhandler(CSRFError)
    def handle_csrf(error):
        return render_error(400, _l("This form has expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(IntegrityError)
    def handle_integrity(error):
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(500)
    def handle_500(error):
        db.session.rollback()
        return render_error(500)
