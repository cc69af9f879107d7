"""The cooperative order-farming marketplace."""
from flask import Flask

from marketplace import extensions as ext
from marketplace import i18n


def create_app(config) -> Flask:
    """Build the app for a config object; binds extensions and blueprints, nothing else."""
    app = Flask(__name__)
    app.config.from_object(config)
    app.jinja_env.add_extension("jinja2.ext.do")

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(app.root_path + "/../migrations"))
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)
    i18n.init_app(app, ext.babel)

    from marketplace import cli, messaging, page_cache, security, web

    messaging.init_app(app)
    page_cache.init_app(app)  # before security's proxy fix, which must see the request first
    security.init_app(app)
    web.init_app(app)
    # After the access check: who may use a page is decided before the form's token is (a second click on a
    # sign-up form, now logged in, goes to the dashboard; a wrong role gets 403 whatever it sent).
    ext.csrf.init_app(app)
    cli.init_app(app)
    return app
