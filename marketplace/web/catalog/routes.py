"""Products and their grades, edited by the market office (no code change for a new product)."""
import sqlalchemy as sa
from babel.dates import get_month_names
from babel.numbers import format_percent
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import local_name, ltr
from marketplace.models import Grade, Product
from marketplace.services import products as catalog
from marketplace.web.access import roles
from marketplace.web.catalog import bp
from marketplace.web.catalog.forms import AddGradeForm, GradeForm, NewProductForm, ProductForm
from marketplace.web.messages import apply_domain_error

SPEC_FIELDS = ("typical_yield_kg_per_mu", "std_moisture_pct", "std_impurity_pct", "reject_moisture_pct",
               "reject_impurity_pct", "harvest_start_month", "harvest_end_month", "active")
#: The add-grade form shares the product page with the product form: its fields get their own names and ids.
GRADE_PREFIX = "grade"


@bp.context_processor
def formatting():
    def percent(value):
        return ltr(format_percent(value / 100, locale=get_locale(), decimal_quantization=False))

    def month_name(month):
        return get_month_names("wide", context="stand-alone", locale=get_locale())[month]

    return {"percent": percent, "month_name": month_name}


def product_input(form, code: str) -> catalog.ProductInput:
    return catalog.ProductInput(code=code, names=form.names(), **{name: getattr(form, name).data for name in SPEC_FIELDS})


def product_or_404(product_id: int) -> Product:
    return db.get_or_404(Product, product_id)


def grade_or_404(product_id: int, rank: int) -> Grade:
    grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == product_id, Grade.rank == rank))
    if grade is None:
        abort(404)
    return grade


@bp.route("/")
@roles("admin")
def list_products():
    rows = db.session.scalars(
        sa.select(Product).options(selectinload(Product.grades)).order_by(Product.active.desc(), Product.id)
    ).all()
    return render_template("catalog/products.html", products=rows)


@bp.route("/new", methods=["GET", "POST"])
@roles("admin")
def new_product():
    form = NewProductForm()
    if form.validate_on_submit():
        try:
            product = catalog.create_product(product_input(form, form.code.data))
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Product %(name)s added. Now add its grades, best first.", name=local_name(product.names)),
                  "success")
            return redirect(url_for("catalog.edit_product", product_id=product.id))
    return render_template("catalog/product_form.html", form=form, product=None), 400 if form.errors else 200


def render_edit(product: Product, form: ProductForm, grade_form: AddGradeForm, status: int = 200):
    return render_template("catalog/product_form.html", form=form, product=product, grade_form=grade_form), status


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@roles("admin")
def edit_product(product_id):
    product = product_or_404(product_id)
    form = ProductForm(obj=product if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_names(product.names)
    if form.validate_on_submit():
        try:
            catalog.update_product(product, product_input(form, product.code))
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Product %(name)s saved.", name=local_name(product.names)), "success")
            return redirect(url_for("catalog.list_products"))
    return render_edit(product, form, AddGradeForm(formdata=None, prefix=GRADE_PREFIX), 400 if form.errors else 200)


@bp.route("/<int:product_id>/grades", methods=["POST"])
@roles("admin")
def add_grade(product_id):
    product = product_or_404(product_id)
    grade_form = AddGradeForm(prefix=GRADE_PREFIX)
    if grade_form.validate_on_submit():
        try:
            grade = catalog.add_grade(product, grade_form.names())
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(grade_form, err)
        else:
            db.session.commit()
            flash(_("Grade %(name)s added.", name=local_name(grade.names)), "success")
            return redirect(url_for("catalog.edit_product", product_id=product.id) + "#grades")
    form = ProductForm(formdata=None, obj=product)
    form.fill_names(product.names)
    return render_edit(product, form, grade_form, 400)


@bp.route("/<int:product_id>/grades/<int:rank>", methods=["GET", "POST"])
@roles("admin")
def edit_grade(product_id, rank):
    product = product_or_404(product_id)
    grade = grade_or_404(product.id, rank)
    form = GradeForm()
    if request.method == "GET":
        form.fill_names(grade.names)
    if form.validate_on_submit():
        try:
            catalog.update_grade(grade, form.names())
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Grade %(name)s saved.", name=local_name(grade.names)), "success")
            return redirect(url_for("catalog.edit_product", product_id=product.id) + "#grades")
    page = render_template("catalog/grade_form.html", form=form, product=product, grade=grade)
    return page, 400 if form.errors else 200
