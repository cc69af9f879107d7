"""Deliveries: a co-op manager weighs at the scale; the farmer confirms or disputes; the co-op or the processor
answers a dispute; bag labels; shortfalls; and the public trace page a label's QR code opens."""
from datetime import date
from decimal import Decimal

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from marketplace.domain import lotcodes
from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import local_name, sentence
from marketplace.models import Contract, Delivery, Grade, User
from marketplace.page_cache import cached_page
from marketplace.services import deliveries as svc
from marketplace.services import delivery_views as views
from marketplace.services.contracts import contract_for
from marketplace.services.trace import trace
from marketplace.web import once
from marketplace.web.access import public, roles
from marketplace.web.deliveries import bp
from marketplace.web.deliveries.forms import (
    ConfirmForm, DeliveryForm, DisputeForm, FilterForm, RejectDisputeForm, SearchForm, TraceForm,
)
from marketplace.web.deliveries.labels import (
    STATE_LABELS, WARNING_LABELS, rejection_label, state_label, weighing_line, weight,
)
from marketplace.web.messages import apply_domain_error, message_for
from marketplace.web.terms_text import percent

PER_PAGE = 25
SIDES = ("farmer", "coop_manager", "processor")


@bp.context_processor
def helpers():
    return {"delivery_state": state_label, "rejection_label": rejection_label, "weight": weight,
            "weighing_line": weighing_line, "display_code": lotcodes.display, "percent": percent}


def check_coop() -> None:
    if current_user.role == "coop_manager" and current_user.cooperative_id is None:
        abort(403)


def delivery_or_404(delivery_id: int) -> Delivery:
    check_coop()
    delivery = svc.delivery_for(current_user, delivery_id)
    if delivery is None:
        abort(404)
    return delivery


def error_status(err: DomainError) -> int:
    return 404 if err.code == "not_yours" else 400 if err.field else 409


# --- lists ---------------------------------------------------------------------------------------------------

@bp.route("/deliveries/")
@roles(*SIDES)
@cached_page
def list_deliveries():
    check_coop()
    form = FilterForm(formdata=request.args)
    # i18n: first choice of the status filter on the list of deliveries
    form.state.choices = [SelectChoice("", _("All statuses")),
                          *(SelectChoice(k, str(v)) for k, v in STATE_LABELS.items())]
    state = (form.state.data or None) if form.validate() else None
    page = db.paginate(views.deliveries_query(current_user, state),
                       page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE, error_out=False)
    return render_template("deliveries/list.html", form=form, page=page, state=state), \
        400 if form.errors else 200


@bp.route("/deliveries/shortfalls")
@roles("coop_manager", "processor")
def show_shortfalls():
    check_coop()
    return render_template("deliveries/shortfalls.html", rows=views.shortfalls(current_user, date.today()),
                           rejections=views.rejections_by_reason(current_user))


# --- recording at the scale ----------------------------------------------------------------------------------

@bp.route("/deliveries/new")
@roles("coop_manager")
def find_contract():
    check_coop()
    form = SearchForm(formdata=request.args if "q" in request.args else None)
    results = svc.find_contracts(current_user, form.q.data) if form.q.data and form.validate() else None
    return render_template("deliveries/find.html", form=form, results=results), 400 if form.errors else 200


def contract_to_weigh(contract_id: int) -> Contract:
    check_coop()
    contract = contract_for(current_user, contract_id)
    if contract is None:
        abort(404)
    return contract


def grade_choices(contract: Contract) -> list[SelectChoice]:
    product = svc.product_of(contract)
    return [SelectChoice(g.id, local_name(g.names))
            for g in db.session.query(Grade).filter(Grade.product_id == product.id).order_by(Grade.rank)]


def to_input(form: DeliveryForm) -> svc.DeliveryInput:
    return svc.DeliveryInput(
        gross_grams=form.gross_kg.grams, tare_grams=form.tare_kg.grams, moisture_bp=form.moisture_pct.bp,
        impurity_bp=form.impurity_pct.bp, grade_id=form.grade_id.data, graded_by=form.graded_by.data or "",
        delivered_on=form.delivered_on.data, remarks=form.remarks.data or "",
        confirm_warning=bool(form.confirm_warning.data))


def render_weigh(contract: Contract, form: DeliveryForm, status: int = 200, warning: str | None = None,
                 corrects: Delivery | None = None):
    product = svc.product_of(contract)
    return render_template("deliveries/form.html", c=contract, form=form, warning=warning, corrects=corrects,
                           product=product, spec=svc.spec_of(product), delivered=svc.delivered_grams(contract),
                           warning_text=str(WARNING_LABELS[warning]) if warning else None), status


def save_weighing(form: DeliveryForm, contract: Contract, action, corrects: Delivery | None = None):
    """Validate, spend the form's one-time token and save through `action`; re-render on any problem."""
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("deliveries/already_sent.html"), 409
    if not form.validate_on_submit():
        return render_weigh(contract, form, 400, corrects=corrects)
    try:
        once.spend(form.nonce.data, current_user.id)
        delivery = action(to_input(form))
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        warning = err.code.removesuffix("_confirm") if err.code.endswith("_confirm") else None
        if warning is None:
            apply_domain_error(form, err)
        form.nonce.data = once.new_token()
        return render_weigh(contract, form, error_status(err), warning=warning, corrects=corrects)
    db.session.commit()
    if delivery.outcome == "rejected":
        flash(_("The lot is rejected and recorded with its reason. The farmer has been told."), "success")
    else:
        flash(sentence(_l("The delivery is recorded: %(weight)s counted. The farmer has been told."),
                       weight=weight(delivery.settlement_grams)), "success")
    return redirect(url_for("deliveries.show_delivery", delivery_id=delivery.id))


@bp.route("/deliveries/new/<int:contract_id>", methods=["GET", "POST"])
@roles("coop_manager")
def record(contract_id):
    contract = contract_to_weigh(contract_id)
    if request.method == "GET":
        form = DeliveryForm(formdata=None, data={"delivered_on": date.today(), "nonce": once.new_token()})
        form.grade_id.choices = grade_choices(contract)
        if contract.status not in ("active", "in_delivery"):
            flash(message_for(DomainError("delivery_contract_not_in_force")), "error")
        return render_weigh(contract, form)
    form = DeliveryForm()
    form.grade_id.choices = grade_choices(contract)
    return save_weighing(form, contract,
                         lambda data: svc.record_delivery(current_user, contract.id, data, date.today()))


# --- one delivery --------------------------------------------------------------------------------------------

def render_delivery(delivery: Delivery, status: int = 200, **forms):
    side = svc.side_of(current_user, delivery)
    forms.setdefault("confirm_form", ConfirmForm(formdata=None))
    forms.setdefault("dispute_form", DisputeForm(formdata=None))
    forms.setdefault("reject_form", RejectDisputeForm(formdata=None))
    correction = db.session.query(Delivery).filter(Delivery.corrects_id == delivery.id).one_or_none()
    weighing = svc.settlement_weight_of(delivery)
    return render_template(
        "deliveries/show.html", d=delivery, side=side, lines=weighing.lines, correction=correction,
        can_answer=delivery.state == "awaiting_farmer" and svc.answers_for_farmer(current_user, delivery),
        can_resolve=delivery.state == "disputed" and side in ("coop", "processor"),
        answered_by=db.session.get(User, delivery.answered_by_id) if delivery.answered_by_id else None,
        resolved_by=db.session.get(User, delivery.resolved_by_id) if delivery.resolved_by_id else None,
        **forms), status


@bp.route("/deliveries/<int:delivery_id>")
@roles(*SIDES)
def show_delivery(delivery_id):
    return render_delivery(delivery_or_404(delivery_id))


def answer(delivery_id: int, form, action, done: str, may=None):
    """Check who may act on this delivery (404 otherwise) before the form, then act."""
    delivery = delivery_or_404(delivery_id)
    if may is not None and not may(delivery):
        abort(404)
    if not form.validate_on_submit():
        return render_delivery(delivery, 400, **{form.form_name: form})
    try:
        action(delivery)
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        apply_domain_error(form, err)
        return render_delivery(delivery_or_404(delivery_id), error_status(err), **{form.form_name: form})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("deliveries.show_delivery", delivery_id=delivery_id))


def farmer_side(delivery: Delivery) -> bool:
    return svc.answers_for_farmer(current_user, delivery)


@bp.route("/deliveries/<int:delivery_id>/confirm", methods=["POST"])
@roles("farmer", "coop_manager")
def confirm(delivery_id):
    form = ConfirmForm()
    form.form_name = "confirm_form"
    return answer(delivery_id, form, lambda d: svc.confirm_delivery(current_user, d.id),
                  _("Thank you. The delivery is confirmed."), may=farmer_side)


@bp.route("/deliveries/<int:delivery_id>/dispute", methods=["POST"])
@roles("farmer", "coop_manager")
def dispute(delivery_id):
    form = DisputeForm()
    form.form_name = "dispute_form"
    return answer(delivery_id, form, lambda d: svc.dispute_delivery(current_user, d.id, form.reason.data or ""),
                  _("Your dispute is sent to the co-op and the processor. They will correct the record or answer you."),
                  may=farmer_side)


@bp.route("/deliveries/<int:delivery_id>/reject-dispute", methods=["POST"])
@roles("coop_manager", "processor")
def reject(delivery_id):
    form = RejectDisputeForm()
    form.form_name = "reject_form"
    return answer(delivery_id, form, lambda d: svc.reject_dispute(current_user, d.id, form.reason.data or ""),
                  _("The dispute is answered. The farmer has been told."),
                  may=lambda d: svc.side_of(current_user, d) in ("coop", "processor"))


def initial_from(delivery: Delivery) -> dict:
    def kg_text(grams: int) -> str:
        return format(Decimal(grams) / 1000, "f").rstrip("0").rstrip(".")

    def pct_text(bp: int) -> str:
        return format(Decimal(bp) / 100, "f").rstrip("0").rstrip(".")

    return {"delivered_on": delivery.delivered_on, "gross_kg": kg_text(delivery.gross_grams),
            "tare_kg": kg_text(delivery.tare_grams), "moisture_pct": pct_text(delivery.moisture_bp),
            "impurity_pct": pct_text(delivery.impurity_bp), "grade_id": delivery.grade_id,
            "graded_by": delivery.graded_by, "remarks": delivery.remarks, "nonce": once.new_token()}


@bp.route("/deliveries/<int:delivery_id>/correct", methods=["GET", "POST"])
@roles("coop_manager", "processor")
def correct(delivery_id):
    delivery = delivery_or_404(delivery_id)
    if delivery.state != "disputed" or svc.side_of(current_user, delivery) not in ("coop", "processor"):
        abort(404)
    contract = delivery.contract
    if request.method == "GET":
        form = DeliveryForm(formdata=None, data=initial_from(delivery))
        form.grade_id.choices = grade_choices(contract)
        return render_weigh(contract, form, corrects=delivery)
    form = DeliveryForm()
    form.grade_id.choices = grade_choices(contract)
    return save_weighing(form, contract,
                         lambda data: svc.correct_delivery(current_user, delivery.id, data, date.today()),
                         corrects=delivery)


@bp.route("/deliveries/<int:delivery_id>/label")
@roles("coop_manager", "processor")
def label(delivery_id):
    delivery = delivery_or_404(delivery_id)
    if svc.side_of(current_user, delivery) == "farmer" or not delivery.lot_code:
        abort(404)
    url = url_for("deliveries.trace_code", code=delivery.lot_code, _external=True)
    qr = Markup(segno.make(url, error="m").svg_inline(scale=4, omitsize=True))
    return render_template("deliveries/label.html", d=delivery, qr=qr, url=url,
                           product=svc.product_of(delivery.contract))


# --- public trace --------------------------------------------------------------------------------------------

@bp.route("/trace")
@public
def trace_form():
    form = TraceForm(formdata=request.args if "code" in request.args else None)
    if form.code.data is not None and form.validate():
        try:
            code = lotcodes.normalise(form.code.data)
        except lotcodes.LotCodeError:
            form.code.errors = [_("A lot code has 12 letters and digits, for example 0001-7K2M-9QXA.")]
        else:
            return redirect(url_for("deliveries.trace_code", code=code))
    return render_template("deliveries/trace.html", form=form, facts=None, problem=None), \
        400 if form.errors else 200


@bp.route("/trace/<code>")
@public
def trace_code(code):
    form = TraceForm(formdata=None, code=code[:64])
    try:
        facts = trace(code)
    except lotcodes.LotCodeError as err:
        db.session.rollback()
        status = 400 if err.reason == "malformed" else 404
        return render_template("deliveries/trace.html", form=form, facts=None, problem=err.reason), status
    db.session.commit()  # the check is counted
    if facts is None:
        return render_template("deliveries/trace.html", form=form, facts=None, problem="forged"), 404
    return render_template("deliveries/trace.html", form=form, facts=facts, problem=None)
