"""Expected harvests: a farmer's own, and a co-op manager's for the members, on record."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import HARVEST_EDITABLE, HARVEST_TRANSITIONS, suggest_kg
from marketplace.extensions import db
from marketplace.i18n import sentence
from marketplace.models import Harvest, Product, User
from marketplace.page_cache import cached_page
from marketplace.services import harvests, market, members
from marketplace.services.products import active_products
from marketplace.web import once
from marketplace.web.access import roles
from marketplace.web.fields import township_choices
from marketplace.web.harvests import bp
from marketplace.web.harvests.choices import (
    HARVEST_STATUS_LABELS, grade_choices, product_choices, status_label, window_hint, yield_hint,
)
from marketplace.web.harvests.export import harvests_csv
from marketplace.web.harvests.forms import FilterForm, HarvestForm, MemberHarvestForm, WithdrawForm
from marketplace.web.messages import apply_domain_error, message_for

PER_PAGE = 20
HARVESTERS = ("farmer", "coop_manager")


@bp.context_processor
def helpers():
    return {"status_label": status_label}


def is_manager() -> bool:
    return current_user.role == "coop_manager"


def check_coop() -> None:
    """A co-op manager's account must be linked to a co-op (as in the members area)."""
    if is_manager() and current_user.cooperative_id is None:
        abort(403)


def harvest_or_404(harvest_id: int) -> Harvest:
    """Someone else's harvest, or another co-op's member's, is not found."""
    check_coop()
    harvest = harvests.harvest_for(current_user, harvest_id)
    if harvest is None:
        abort(404)
    return harvest


def digits(value: Decimal) -> int:
    return 0 if value == value.to_integral_value() else 1


# --- the list and its export ---------------------------------------------------------------

def filtered_list():
    """The list's filters from the query string: (form, query, the filters to keep in links)."""
    check_coop()
    form = FilterForm(formdata=request.args)
    # i18n: first choice of the status filter on the list of harvests
    form.status.choices = [("", _("All statuses")), *((k, str(v)) for k, v in HARVEST_STATUS_LABELS.items())]
    every_product = db.session.scalars(sa.select(Product).order_by(Product.id)).all()
    # i18n: first choice of the product filter on the list of harvests
    form.product.choices = [(0, _("All products")), *product_choices(every_product)]
    if is_manager():
        # i18n: first choice of the member filter on the co-op's list of harvests
        form.member.choices = [(0, _("All members")), *members.member_choices(current_user.cooperative_id)]
    else:
        del form.member
    if not form.validate():
        return form, harvests.harvests_query(current_user), {}
    filters = {"status": form.status.data or None, "product": form.product.data or None,
               "member": form.member.data or None if "member" in form else None}
    query = harvests.harvests_query(current_user, status=filters["status"], product_id=filters["product"],
                                    farmer_id=filters["member"])
    return form, query, {k: v for k, v in filters.items() if v}


@bp.route("/")
@roles(*HARVESTERS)
@cached_page
def list_harvests():
    form, query, filters = filtered_list()
    page = db.paginate(query, page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE,
                       error_out=False)
    return render_template("harvests/list.html", form=form, page=page, filters=filters,
                           manager=is_manager()), 400 if form.errors else 200


@bp.route("/export.csv")
@roles("coop_manager")
def export_harvests():
    form, query, _filters = filtered_list()
    if form.errors:
        abort(400)
    response = make_response(harvests_csv(db.session.scalars(query)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="harvests-{date.today().isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"  # names and phone numbers of members
    return response


# --- posting and editing -------------------------------------------------------------------

@dataclass
class Outcome:
    """What a POST of the harvest form came to."""

    harvest: Harvest | None = None
    #: The expected-kg suggestion to explain: {"area", "per_mu", "kg", ...}.
    suggestion: dict | None = None
    #: The quantity is far above the typical yield: offer the "I confirm" box.
    ask_confirm: bool = False


def fill_choices(form, products: list[Product]) -> None:
    form.product_id.choices = product_choices(products)
    form.grade_id.choices = grade_choices(products)
    form.township_id.choices = township_choices()
    form.expected_kg.description = yield_hint(products)
    form.harvest_start.description = window_hint(products)


def prefill(form, defaults: harvests.HarvestDefaults) -> None:
    for name in ("product_id", "grade_id", "harvest_start", "harvest_end", "township_id", "village", "area_mu"):
        getattr(form, name).data = getattr(defaults, name)


def harvest_input(form, expected_kg: int) -> harvests.HarvestInput:
    return harvests.HarvestInput(
        product_id=form.product_id.data, variety=form.variety.data or "", area_mu=form.area_mu.data,
        expected_kg=expected_kg, grade_id=form.grade_id.data, harvest_start=form.harvest_start.data,
        harvest_end=form.harvest_end.data, township_id=form.township_id.data, village=form.village.data,
        lat=None if form.lat.data is None else float(form.lat.data),
        lon=None if form.lon.data is None else float(form.lon.data),
        confirm_large=bool(form.confirm_large.data),
    )


def submit(form, products: list[Product], farmer_id: int, save) -> Outcome:
    """Validate; with no quantity, suggest one (nothing saved); else save through the service."""
    outcome = Outcome(ask_confirm=bool(form.confirm_large.data))
    if not form.validate_on_submit():
        if form.form_nonce.errors:
            form.form_nonce.data = once.new_token()
            form.form_errors.append(_("This form was incomplete. Check it and send it again."))
        return outcome
    if form.expected_kg.data is None:
        product = next(p for p in products if p.id == form.product_id.data)
        kg = suggest_kg(form.area_mu.data, product.typical_yield_kg_per_mu)
        try:
            harvests.check_harvest(current_user, farmer_id, harvest_input(form, kg), date.today())
        except DomainError as err:
            apply_domain_error(form, err)
            return outcome
        form.expected_kg.data, form.expected_kg.raw_data = kg, [str(kg)]
        outcome.suggestion = {"area": form.area_mu.data, "area_digits": digits(form.area_mu.data),
                              "per_mu": product.typical_yield_kg_per_mu,
                              "per_mu_digits": digits(product.typical_yield_kg_per_mu), "kg": kg}
        return outcome
    try:
        outcome.harvest = save(harvest_input(form, form.expected_kg.data))
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        outcome.ask_confirm = outcome.ask_confirm or err.code == "kg_implausible"
        return outcome
    db.session.commit()
    return outcome


def render_form(form, products, outcome: Outcome, harvest: Harvest | None = None, member_id: int | None = None):
    status = 400 if form.errors else 200
    return render_template(
        "harvests/form.html", form=form, products=products, harvest=harvest, outcome=outcome,
        member_id=member_id, manager=is_manager(), signals=market.signals(date.today()) if harvest is None else [],
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles(*HARVESTERS)
def new_harvest():
    check_coop()
    products = active_products()
    form = MemberHarvestForm() if is_manager() else HarvestForm()
    fill_choices(form, products)
    if is_manager():
        # i18n: the empty first choice of the member list when a co-op manager posts a harvest
        form.member_id.choices = [(0, _("Choose a member")), *members.member_choices(current_user.cooperative_id)]
    if request.method == "GET":
        farmer = current_user
        if is_manager():
            member_id = request.args.get("member", 0, type=int)
            chosen = member_id if member_id and member_id in dict(form.member_id.choices) else 0
            form.member_id.data = chosen
            farmer = db.session.get(User, chosen) if chosen else None
        prefill(form, harvests.harvest_defaults(farmer, products, date.today(), request.args.get("product", type=int)))
        form.form_nonce.data = once.new_token()
        return render_form(form, products, Outcome(), member_id=form.member_id.data if is_manager() else None)
    # A form already saved, sent again (a double tap, or back and resend): refuse it.
    if once.used(form.form_nonce.data):
        flash(_("This form was already sent; the harvest was saved once."), "info")
        return redirect(url_for("harvests.list_harvests"))
    farmer_id = form.member_id.data if is_manager() else current_user.id

    def save(data):
        once.spend(form.form_nonce.data, current_user.id)
        return harvests.post_harvest(current_user, farmer_id, data, date.today())

    outcome = submit(form, products, farmer_id, save)
    if outcome.harvest is None:
        return render_form(form, products, outcome, member_id=farmer_id if is_manager() else None)
    if outcome.harvest.farmer_id == current_user.id:
        flash(_("Your expected harvest is posted."), "success")
    else:
        flash(sentence(_l("Expected harvest posted for %(name)s."), name=outcome.harvest.farmer.name), "success")
    return redirect(url_for("harvests.show_harvest", harvest_id=outcome.harvest.id))


@bp.route("/<int:harvest_id>/edit", methods=["GET", "POST"])
@roles(*HARVESTERS)
def edit_harvest(harvest_id):
    harvest = harvest_or_404(harvest_id)
    if harvest.status not in HARVEST_EDITABLE:
        flash(message_for(DomainError("harvest_not_editable")), "error")
        return redirect(url_for("harvests.show_harvest", harvest_id=harvest.id))
    products = active_products()
    form = HarvestForm(obj=harvest) if request.method == "GET" else HarvestForm()
    fill_choices(form, products)
    if request.method == "GET":
        form.form_nonce.data = once.new_token()
        return render_form(form, products, Outcome(), harvest=harvest)
    outcome = submit(form, products, harvest.farmer_id,
                     lambda data: harvests.update_harvest(current_user, harvest, data, date.today()))
    if outcome.harvest is None:
        return render_form(form, products, outcome, harvest=harvest)
    flash(_("The harvest is updated."), "success")
    return redirect(url_for("harvests.show_harvest", harvest_id=harvest.id))


# --- one harvest, and withdrawing it -------------------------------------------------------

def render_harvest(harvest: Harvest, withdraw_form: WithdrawForm, status: int = 200):
    return render_template(
        "harvests/show.html", harvest=harvest, form=withdraw_form, acts=harvests.harvest_acts(harvest),
        poster=db.session.get(User, harvest.created_by_id), manager=is_manager(),
        can_edit=harvest.status in HARVEST_EDITABLE,
        can_withdraw=(harvest.status, "withdrawn") in HARVEST_TRANSITIONS,
    ), status


@bp.route("/<int:harvest_id>")
@roles(*HARVESTERS)
def show_harvest(harvest_id):
    return render_harvest(harvest_or_404(harvest_id), WithdrawForm())


@bp.route("/<int:harvest_id>/withdraw", methods=["POST"])
@roles(*HARVESTERS)
def withdraw_harvest(harvest_id):
    harvest = harvest_or_404(harvest_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            harvests.withdraw_harvest(current_user, harvest, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("The harvest is withdrawn."), "success")
            return redirect(url_for("harvests.show_harvest", harvest_id=harvest.id))
    return render_harvest(harvest, form, 400)
