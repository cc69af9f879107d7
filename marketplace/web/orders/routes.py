"""A processor's contract orders: post (two steps, no script needed), list, show, edit, publish, close, export."""
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import ORDER_EDITABLE
from marketplace.extensions import db
from marketplace.i18n import local_name
from marketplace.models import ContractOrder, Product
from marketplace.models.listing import ORDER_STATUSES
from marketplace.page_cache import cached_page
from marketplace.services import order_preview, orders
from marketplace.services.products import active_products
from marketplace.web import once
from marketplace.web.access import roles
from marketplace.web.fields import county_choices
from marketplace.web.messages import apply_domain_error, message_for
from marketplace.web.orders import bp
from marketplace.web.downloads import csv_response, percent, yuan
from marketplace.web.orders.forms import (
    ChooseProductForm, CloseForm, OrderFilterForm, PublishForm, initial_data, order_form_class,
)
from marketplace.web.orders.labels import STATUS_LABELS, status_label
from marketplace.web.orders.pages import order_page_context
from marketplace.web.terms_text import TERM_EXPLANATIONS, TERM_NAMES

PER_PAGE = 20


def my_processor_id() -> int:
    if current_user.processor_id is None:
        abort(403)
    return current_user.processor_id


def my_order_or_404(order_id: int) -> ContractOrder:
    my_processor_id()
    order = orders.order_for_processor(current_user, order_id)
    if order is None:
        abort(404)
    return order


# --- The form.

def place_error(form, err: DomainError) -> None:
    """The service names `prices` and `caps`; the form has one field per grade."""
    if err.field in ("prices", "caps"):
        prefix = "price_" if err.field == "prices" else "cap_"
        rank = err.params.get("grade")
        if rank is None:
            missing = [r for r in form.accepted_ranks() if form.price_field(r).fen is None]
            rank = (missing or list(form.accepted_ranks()) or list(form.grade_ranks))[0]
        err = DomainError(err.code, field=f"{prefix}{rank}", **err.params)
    apply_domain_error(form, err)


def fill_choices(form, product: Product) -> None:
    form.min_grade_id.choices = [(g.id, local_name(g.names)) for g in product.grades]
    form.collection_county_id.choices = county_choices()


def product_or_400(product_id: int | None) -> Product:
    # An id past a 32-bit integer is no product's (and PostgreSQL refuses to compare one with an id).
    product = db.session.get(Product, product_id) if product_id and 0 < product_id < 2**31 else None
    if product is None or not product.active:
        abort(400)
    return product


def render_form(form, product, order=None):
    return render_template("orders/form.html", form=form, product=product, order=order,
                           term_explanations=TERM_EXPLANATIONS), 400 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles("processor")
def new_order():
    my_processor_id()
    if request.method == "GET":
        chooser = ChooseProductForm(formdata=request.args if "product" in request.args else None)
        chooser.product.choices = [(p.id, local_name(p.names)) for p in active_products()]
        if "product" not in request.args or not chooser.validate():
            return render_template("orders/choose_product.html", form=chooser,
                                   term_names=TERM_NAMES), 400 if chooser.errors else 200
        product = product_or_400(chooser.product.data)
        form = order_form_class(product, chooser.term_type.data)(data={
            "product_id": product.id, "term_type": chooser.term_type.data,
            "collection_county_id": current_user.processor.county_id, "min_alloc_kg": 0,
        })
        form.nonce.data = once.new_token()
        fill_choices(form, product)
        return render_form(form, product)

    product = product_or_400(request.form.get("product_id", type=int))
    form = order_form_class(product, request.form.get("term_type"))()
    fill_choices(form, product)
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("orders/already_sent.html"), 409
    if form.validate_on_submit():
        try:
            once.spend(form.nonce.data, current_user.id)
            order = orders.create_order(current_user, form.to_input(product.id), date.today(),
                                        publish=bool(form.publish.data))
        except DomainError as err:
            db.session.rollback()
            place_error(form, err)
        else:
            db.session.commit()
            if order.status == "open":
                flash(_("The order is published: farmers and co-operatives can see it now."), "success")
            else:
                flash(_("The order is saved as a draft. Farmers cannot see it until you publish it."), "success")
            return redirect(url_for("orders.show_order", order_id=order.id))
    return render_form(form, product)


@bp.route("/<int:order_id>/edit", methods=["GET", "POST"])
@roles("processor")
def edit_order(order_id):
    order = my_order_or_404(order_id)
    if order.status not in ORDER_EDITABLE:
        flash(message_for(DomainError("order_not_editable")), "error")
        return redirect(url_for("orders.show_order", order_id=order.id))
    product = order.product
    if request.method == "GET":
        form = order_form_class(product, order.term_type)(data=initial_data(order))
    else:
        form = order_form_class(product, request.form.get("term_type"))()
    fill_choices(form, product)
    if form.validate_on_submit():
        try:
            orders.update_order(current_user, order, form.to_input(order.product_id), date.today())
        except DomainError as err:
            db.session.rollback()
            place_error(form, err)
        else:
            db.session.commit()
            flash(_("The order is saved."), "success")
            return redirect(url_for("orders.show_order", order_id=order.id))
    return render_form(form, product, order)


@bp.route("/<int:order_id>")
@roles("processor")
def show_order(order_id):
    return render_show(my_order_or_404(order_id))


def render_show(order: ContractOrder, close_form=None, status: int = 200):
    tables = order_preview.previews(order, order_preview.processor_cases(order), date.today())
    return render_template(
        "orders/show.html", close_form=close_form or CloseForm(formdata=None), publish_form=PublishForm(formdata=None),
        can_edit=order.status in ORDER_EDITABLE, status_label=status_label,
        **order_page_context(order, tables),
    ), status


@bp.route("/<int:order_id>/publish", methods=["POST"])
@roles("processor")
def publish_order(order_id):
    order = my_order_or_404(order_id)
    if PublishForm().validate_on_submit():
        try:
            orders.publish_order(current_user, order, date.today())
        except DomainError as err:
            db.session.rollback()
            flash(message_for(err), "error")
            return render_show(order, status=409)
        else:
            db.session.commit()
            flash(_("The order is published: farmers and co-operatives can see it now."), "success")
    return redirect(url_for("orders.show_order", order_id=order.id))


@bp.route("/<int:order_id>/close", methods=["POST"])
@roles("processor")
def close_order(order_id):
    order = my_order_or_404(order_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            orders.close_order(current_user, order, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("The order is closed."), "success")
            return redirect(url_for("orders.show_order", order_id=order.id))
    return render_show(order, close_form=form, status=400)


# --- The list and its CSV.

def filtered_orders():
    """The processor's orders query for the list's filter, with the filter form."""
    form = OrderFilterForm(formdata=request.args)
    # i18n: the first choice of a filter: no filtering
    form.status.choices = [("", _("All statuses")), *((s, STATUS_LABELS[s]) for s in ORDER_STATUSES)]
    form.product.choices = [(0, _("All products")), *(
        (p.id, local_name(p.names)) for p in db.session.scalars(sa.select(Product).order_by(Product.id)))]
    valid = form.validate()
    status = form.status.data if valid and form.status.data else None
    product_id = form.product.data if valid and form.product.data else None
    query = orders.orders_query(my_processor_id(), statuses=[status] if status else None, product_id=product_id)
    return form, query.order_by(ContractOrder.created_at.desc(), ContractOrder.id.desc()), status, product_id


@bp.route("/")
@roles("processor")
@cached_page
def list_orders():
    form, query, status, product_id = filtered_orders()
    page = db.paginate(query, page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE, error_out=False)
    return render_template("orders/list.html", form=form, page=page, status=status, product_id=product_id,
                           status_label=status_label, term_names=TERM_NAMES), 400 if form.errors else 200


@bp.route("/export.csv")
@roles("processor")
def export_orders():
    form, query, _status, _product = filtered_orders()
    if form.errors:
        abort(400)
    rows = []
    for o in db.session.scalars(query):
        names = {g.rank: local_name(g.names) for g in o.product.grades}
        prices = "; ".join(f"{names.get(int(r), r)} {yuan(f)}" for r, f in o.terms.get("prices", {}).items())
        rows.append([
            o.id, status_label(o.status), local_name(o.product.names), local_name(o.min_grade.names), o.kg_wanted,
            o.delivery_start.isoformat(), o.delivery_end.isoformat(), local_name(o.collection_county.names),
            o.collection_point, str(TERM_NAMES[o.term_type]), prices, percent(o.coop_fee_bp),
            percent(o.risk_levy_bp), o.created_at.date().isoformat(),
        ])
    header = [_("Order"), _("Status"), _("Product"), _("Minimum grade"), _("Quantity wanted (kg)"),
              _("Delivery from"), _("Delivery until"), _("County"), _("Collection point"), _("Price terms"),
              _("Prices (yuan per kg)"), _("Co-op service fee (%)"), _("Risk-fund levy (%)"), _("Created on")]
    return csv_response("orders.csv", header, rows)

