"""The cooperative order-farming marketplace."""
from flask import Flask

from marketplace import extensions as ext
from marketplace import i18n


def create_app(config) -> Flask:
    """Build the app for a config object; binds extensions and blueprints, nothing else."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config)
    app.jinja_env.add_extension("jinja2.ext.do")

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(app.root_path + "/../migrations"))
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)
    i18n.init_app(app, ext.babel)

    from marketplace import cli, messaging, security
    from marketplace.web import access, admin, auth, catalog, coop, errors, harvests, main, messages, orders, prices

    messaging.init_app(app)
    security.init_app(app)
    app.before_request(access.enforce_access)
    for blueprint in (main.bp, auth.bp, admin.bp, coop.bp, catalog.bp, prices.bp, harvests.bp, orders.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    app.jinja_env.globals["action_label"] = messages.action_label
    cli.init_app(app)
    return app
