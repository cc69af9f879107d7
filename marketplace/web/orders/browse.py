"""Open orders for farmers and co-op managers (nearest first, with what they would be paid); supply for processors."""
from datetime import date
from math import ceil

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.extensions import db
from marketplace.i18n import local_name
from marketplace.models import County, Grade, Product
from marketplace.page_cache import cached_page
from marketplace.services import order_browse, order_preview, orders, supply
from marketplace.web.access import roles
from marketplace.web.orders import bp
from marketplace.web.downloads import csv_response
from marketplace.web.orders.forms import ProductFilterForm
from marketplace.web.orders.pages import order_page_context
from marketplace.web.orders.routes import my_processor_id
from marketplace.web.terms_text import TERM_NAMES

PER_PAGE = 20
READERS = ("farmer", "coop_manager")


class Slice:
    """One page of a list already sorted in Python (the pager's interface of `db.paginate`)."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total = len(items)
        self.pages = max(ceil(self.total / per_page), 1)
        self.page = page
        self.items = items[(page - 1) * per_page: page * per_page]
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


def product_filter():
    form = ProductFilterForm(formdata=request.args)
    products = db.session.scalars(sa.select(Product).where(Product.active.is_(True)).order_by(Product.id)).all()
    # i18n: the first choice of the product filter
    form.product.choices = [(0, _("All products")), *((p.id, local_name(p.names)) for p in products)]
    return form, (form.product.data or None) if form.validate() else None


@bp.route("/open")
@roles(*READERS)
def browse_orders():
    form, product_id = product_filter()
    grown = order_browse.harvest_product_ids(current_user.id) if current_user.role == "farmer" else []
    if product_id:
        product_ids = [product_id]
    else:
        product_ids = grown or None  # a farmer sees the products they grow; everyone else, all
    nearby = order_browse.orders_by_distance(order_browse.origin_of(current_user), product_ids)
    page = Slice(nearby, max(request.args.get("page", 1, type=int), 1), PER_PAGE)
    return render_template("orders/browse.html", form=form, page=page, product_id=product_id,
                           narrowed=bool(grown) and not product_id, term_names=TERM_NAMES), 400 if form.errors else 200


@bp.route("/<int:order_id>/view")
@roles(*READERS)
def view_order(order_id):
    order = orders.visible_order(order_id)
    if order is None:
        abort(404)
    if current_user.role == "farmer":
        cases = order_preview.farmer_cases(current_user, order)
    else:
        cases = order_preview.example_cases(order)
    tables = order_preview.previews(order, cases, date.today())
    return render_template("orders/view.html", **order_page_context(order, tables))


def supply_rows(product_id):
    """Expected supply with names to show: one grouped query, then the few names it refers to."""
    rows = supply.expected_supply(product_id)
    products = {p.id: p for p in db.session.scalars(sa.select(Product))}
    grades = {g.id: g for g in db.session.scalars(sa.select(Grade))}
    counties = {c.id: c for c in db.session.scalars(sa.select(County))}
    return [(products[r.product_id], grades[r.grade_id], counties[r.county_id], r) for r in rows]


@bp.route("/supply")
@roles("processor")
@cached_page
def browse_supply():
    my_processor_id()
    form, product_id = product_filter()
    rows = supply_rows(product_id)
    by_product: dict = {}
    for product, grade, county, row in rows:
        by_product.setdefault(product, []).append((grade, county, row))
    return render_template("orders/supply.html", form=form, product_id=product_id,
                           by_product=by_product), 400 if form.errors else 200


@bp.route("/supply.csv")
@roles("processor")
def export_supply():
    my_processor_id()
    form, product_id = product_filter()
    if form.errors:
        abort(400)
    header = [_("Product"), _("Grade"), _("County"), _("Lots"), _("Expected kg"), _("Area (mu)")]
    rows = [[local_name(p.names), local_name(g.names), local_name(c.names), r.lots, r.expected_kg, str(r.area_mu)]
            for p, g, c, r in supply_rows(product_id)]
    return csv_response("expected-supply.csv", header, rows)
