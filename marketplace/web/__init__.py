"""Web layer: one blueprint package per area."""
from werkzeug.routing import IntegerConverter



class IdConverter(IntegerConverter):
    """`<int:...>` in a URL: an id fits the database's integer (PostgreSQL refuses a larger one with an error),
    so a larger number matches no route (404) instead of reaching a query."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Register every area's blueprint, the access check, error pages and shared template helpers."""
    from marketplace.web import (
        access, admin, auth, catalog, contracts, coop, deliveries, errors, harvests, main, market, matching,
        messages, notifications, orders, prices, proposals, settlement,
    )
    from marketplace.web.harvests.choices import status_label as harvest_status
    from marketplace.web.orders.labels import status_label as order_status

    app.url_map.converters["int"] = IdConverter
    app.before_request(access.enforce_access)
    for area in (main, auth, admin, coop, catalog, prices, harvests, orders, proposals, contracts, deliveries,
                 settlement, notifications, matching, market):
        app.register_blueprint(area.bp)
    errors.init_app(app)
    app.jinja_env.globals.update(action_label=messages.action_label, harvest_status=harvest_status,
                                 order_status=order_status, role_label=messages.role_label,
                                 account_status_label=messages.account_status_label)
