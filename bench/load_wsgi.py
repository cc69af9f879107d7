"""What gunicorn serves in the load benchmark: the real app, plus a bare hello-world at `/__hello` and, for
reference, the same answer from an empty Flask app at `/__hello_flask` (the framework's own floor).

    gunicorn -k gthread bench.load_wsgi:application   (LOAD_DATABASE_URL and LOAD_SECRET_KEY set by bench/load.py)

Both are answered here, before the app, so they never join the app's URL map; every other path goes to
`create_app` with a production-like config (DEBUG off, no TESTING, quiet logging).
"""
import logging
import os

from flask import Flask, Response

from config import ProductionConfig
from marketplace import create_app

HELLO_PATH = "/__hello"
FLASK_HELLO_PATH = "/__hello_flask"
HELLO_BODY = b"Hello, world!\n"


class LoadConfig(ProductionConfig):
    """Production settings on the load database; cookies are not marked Secure, as the benchmark speaks plain HTTP
    on 127.0.0.1."""

    SECRET_KEY = os.environ.get("LOAD_SECRET_KEY", "load-benchmark-secret-key-not-for-production-0123456789")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_load")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    DEBUG = False
    TESTING = False


def flask_hello() -> Flask:
    """An empty Flask app with one route: what any page of a Flask app costs before it does anything."""
    bare = Flask("hello")
    bare.add_url_rule(FLASK_HELLO_PATH, "hello", lambda: Response(HELLO_BODY, mimetype="text/plain"))
    return bare


class WithHello:
    """A WSGI app that answers `/__hello` itself, `/__hello_flask` from an empty Flask app, and hands everything
    else to `app`."""

    def __init__(self, app):
        self.app = app
        self.bare = flask_hello()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path == HELLO_PATH:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                                      ("Content-Length", str(len(HELLO_BODY)))])
            return [HELLO_BODY]
        if path == FLASK_HELLO_PATH:
            return self.bare(environ, start_response)
        return self.app(environ, start_response)


def make_application(config=None):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    flask_app = create_app(config or LoadConfig())
    flask_app.logger.setLevel(logging.WARNING)
    return flask_app, WithHello(flask_app)


if os.environ.get("LOAD_DATABASE_URL"):
    app, application = make_application()
