"""The market price index: everyone logged in reads it; admins and co-op managers record prices."""
from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import local_name
from marketplace.models import Product
from marketplace.services import prices
from marketplace.services.products import active_products
from marketplace.web.access import logged_in, roles
from marketplace.web.messages import apply_domain_error
from marketplace.web.prices import bp
from marketplace.web.prices.forms import FilterForm, PriceForm

PER_PAGE = 25


def grade_choices(products: list[Product]) -> dict[str, list]:
    """Grades grouped by product (rendered as <optgroup>, so no script is needed)."""
    return {local_name(p.names): [(g.id, local_name(g.names)) for g in p.grades] for p in products if p.grades}


@bp.route("/")
@logged_in
def list_prices():
    every_product = db.session.scalars(
        sa.select(Product).options(sa.orm.selectinload(Product.grades)).order_by(Product.id)
    ).all()
    form = FilterForm(formdata=request.args)
    # i18n: the first choice of the product filter on the price history
    form.product.choices = [(0, _("All products")), *((p.id, local_name(p.names)) for p in every_product)]
    product_id = form.product.data if form.validate() else None
    page = db.paginate(prices.history_query(product_id or None), page=max(request.args.get("page", 1, type=int), 1),
                       per_page=PER_PAGE, error_out=False)
    shown = [p for p in every_product if (p.id == product_id if product_id else p.active) and p.grades]
    return render_template(
        "prices/list.html", form=form, page=page, products=shown, product_id=product_id or None,
        latest=prices.latest_prices_by_product(date.today()), can_record=current_user.role in prices.RECORDERS,
    ), 400 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles(*prices.RECORDERS)
def record_price():
    form = PriceForm()
    form.grade_id.choices = grade_choices(active_products())
    if form.validate_on_submit():
        data = prices.PriceInput(grade_id=form.grade_id.data, on_date=form.on_date.data,
                                 fen_per_kg=form.fen_per_kg, source_note=form.source_note.data)
        try:
            entry = prices.record_price(current_user, data, date.today())
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Price recorded for %(product)s, %(grade)s.", product=local_name(entry.product.names),
                    grade=local_name(entry.grade.names)), "success")
            return redirect(url_for("prices.list_prices", product=entry.product_id))
    return render_template("prices/form.html", form=form), 400 if form.errors else 200
