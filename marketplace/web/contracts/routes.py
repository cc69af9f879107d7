"""Contracts: a farmer's own, a co-op manager's members', a processor's; signing, amending, cancelling, the PDF,
and the public verification page the PDF's QR code opens."""
from datetime import date
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from marketplace.domain.contracts import IN_FORCE, SIGNABLE
from marketplace.domain.errors import DomainError
from marketplace.extensions import db, limiter, sensitive_limit
from marketplace.i18n import local_name, sentence
from marketplace.models import Contract
from marketplace.page_cache import cached_page
from marketplace.services import contract_views as views
from marketplace.services.deliveries import delivered_grams
from marketplace.services.delivery_views import deliveries_of
from marketplace.services.contract_changes import (
    AmendmentInput, amend_contract, answer_cancellation, pending_amendment, request_cancellation, supply_left,
)
from marketplace.services.contracts import SigningInput, contract_for, party_of, sign_contract, withdraw_contract
from marketplace.web.access import public, roles
from marketplace.web.contracts import bp
from marketplace.web.contracts.forms import (
    AmendForm, CancelAnswerForm, CancelRequestForm, FilterForm, SignForm, VerifyForm, WithdrawForm, amend_form_class,
)
from marketplace.web.contracts.labels import CONSENT_LABELS, PARTY_LABELS, STATUS_LABELS, status_label
from marketplace.web.deliveries.labels import state_label as delivery_state_label
from marketplace.web.deliveries.labels import weight
from marketplace.web.downloads import csv_response, percent, yuan
from marketplace.web.messages import apply_domain_error, message_for
from marketplace.web.orders.forms import price_label
from marketplace.web.orders.labels import PRICE_LABELS, SHARE_LABELS
from marketplace.web.terms_text import TERM_EXPLANATIONS, TERM_NAMES, line_text, per_kg
from marketplace.web.terms_text import percent as percent_text

PER_PAGE = 20
PARTIES = ("farmer", "coop_manager", "processor")
#: The CSV holds at most this many contracts (the newest); a processor with more filters by status.
CSV_LIMIT = 10_000


@bp.context_processor
def helpers():
    return {"contract_status": status_label, "party_label": lambda p: str(PARTY_LABELS.get(p, p)),
            "delivery_state": delivery_state_label, "weight": weight,
            "consent_label": lambda m: str(CONSENT_LABELS.get(m, m)), "term_names": TERM_NAMES}


def contract_or_404(contract_id: int) -> Contract:
    """Someone else's contract is not found."""
    contract = contract_for(current_user, contract_id)
    if contract is None:
        abort(404)
    return contract


def _status_filter(form: FilterForm) -> str | None:
    # i18n: first choice of the status filter on the list of contracts
    form.status.choices = [SelectChoice("", _("All statuses")),
                           *(SelectChoice(k, str(v)) for k, v in STATUS_LABELS.items() if k != "superseded")]
    return (form.status.data or None) if form.validate() else None


@bp.route("/contracts/")
@roles(*PARTIES)
@cached_page
def list_contracts():
    form = FilterForm(formdata=request.args)
    status = _status_filter(form)
    page = db.paginate(views.contracts_query(current_user, status=status),
                       page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE, error_out=False)
    return render_template("contracts/list.html", form=form, page=page, status=status,
                           show_farmer=current_user.role != "farmer",
                           show_processor=current_user.role != "processor"), 400 if form.errors else 200


@bp.route("/contracts/export.csv")
@roles("processor", "coop_manager")
def export_contracts():
    form = FilterForm(formdata=request.args)
    status = _status_filter(form)
    if form.errors:
        abort(400)
    rows = db.session.scalars(views.contracts_query(current_user, status=status).limit(CSV_LIMIT))
    header = [_("Contract number"), _("Version"), _("Status"), _("Farmer"), _("Processor"), _("Product"),
              _("Grade"), _("Quantity (kg)"), _("Delivery from"), _("Delivery until"), _("Collection point"),
              _("Price terms"), _("Price (yuan per kg)"), _("Co-op service fee (%)"), _("Risk-fund levy (%)"),
              _("Fingerprint"), _("Created")]

    def row(c: Contract):
        t = c.terms
        price = t["price_terms"].get("prices", {}).get(str(t["grade"]))
        return [c.number, c.version, status_label(c.status), c.harvest.farmer.name, t["processor"]["name"],
                local_name(c.order.product.names), local_name(c.harvest.grade.names), c.kg, t["delivery"]["start"],
                t["delivery"]["end"], t["delivery"]["point"], str(TERM_NAMES[t["price_terms"]["type"]]),
                yuan(price), percent(t["coop_fee_bp"]), percent(t["risk_levy_bp"]), c.fingerprint,
                c.created_at.date().isoformat()]

    return csv_response(f"contracts-{date.today().isoformat()}.csv", header, (row(c) for c in rows))


def page_context(contract: Contract) -> dict:
    t = contract.terms
    kind = t["price_terms"]["type"]
    names = {rank: local_name(n) for rank, n in views.grade_names(contract).items()}
    signatures = views.signatures_of(contract)
    party = party_of(current_user, contract)
    amendment = pending_amendment(contract) if contract.status in IN_FORCE else None
    return {
        "c": contract, "t": t, "party": party, "signatures": signatures,
        "versions": views.versions_of(contract), "current": views.current_version(contract),
        "amendment": amendment, "grade_names": names, "grade_name": names.get(t["grade"], ""),
        "term_name": TERM_NAMES[kind], "term_explanation": TERM_EXPLANATIONS[kind], "term_type": kind,
        "price_label": PRICE_LABELS.get(kind), "share_label": SHARE_LABELS.get(kind),
        "prices": {int(k): v for k, v in t["price_terms"].get("prices", {}).items()},
        "caps": {int(k): v for k, v in t["price_terms"].get("caps", {}).items()},
        "advances": views.advances_offered(contract), "table": views.payout_preview(contract, date.today()),
        "tables": [], "line_text": line_text, "per_kg": per_kg, "percent": percent_text,
        "start": date.fromisoformat(t["delivery"]["start"]), "end": date.fromisoformat(t["delivery"]["end"]),
        "area": Decimal(t["harvest"]["area_tenth_mu"]) / 10,
        "can_sign": contract.status in SIGNABLE and party is not None and party not in signatures,
        "can_withdraw": contract.status in SIGNABLE and party is not None,
        "can_change": contract.status in IN_FORCE and party is not None,
        "for_member": current_user.role == "coop_manager",
        "delivered": delivered_grams(contract), "deliveries": deliveries_of(contract),
    }


def render_contract(contract: Contract, status: int = 200, **forms):
    context = page_context(contract)
    forms.setdefault("sign_form", SignForm(formdata=None, fingerprint=contract.fingerprint))
    forms.setdefault("withdraw_form", WithdrawForm(formdata=None))
    forms.setdefault("cancel_form", CancelRequestForm(formdata=None))
    forms.setdefault("answer_form", CancelAnswerForm(formdata=None))
    return render_template("contracts/show.html", **context, **forms), status


@bp.route("/contracts/<int:contract_id>")
@roles(*PARTIES)
@cached_page
def show_contract(contract_id):
    return render_contract(contract_or_404(contract_id))


@bp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@roles(*PARTIES)
@limiter.limit(sensitive_limit)
def sign(contract_id):
    contract = contract_or_404(contract_id)
    form = SignForm()
    if not form.validate_on_submit():
        return render_contract(contract, 400, sign_form=form)
    if form.fingerprint.data != contract.fingerprint:
        form.form_errors.append(message_for(DomainError("contract_not_signable")))
        return render_contract(contract, 409, sign_form=form)
    data = SigningInput(password=form.password.data, consent=bool(form.consent.data),
                        ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent"),
                        consent_method=form.consent_method.data or "self", witness=form.witness.data or "")
    try:
        sign_contract(current_user, contract.id, data)
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        code = 400 if err.field else 409
        return render_contract(contract_or_404(contract_id), code, sign_form=form)
    db.session.commit()
    if contract.status in IN_FORCE:
        flash(_("You signed the contract. Both sides have signed: it is in force."), "success")
    else:
        flash(_("You signed the contract. It comes into force when the other side signs."), "success")
    return redirect(url_for("contracts.show_contract", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/withdraw", methods=["POST"])
@roles(*PARTIES)
def withdraw(contract_id):
    contract = contract_or_404(contract_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_contract(contract, 400, withdraw_form=form)
    try:
        withdraw_contract(current_user, contract.id, form.reason.data)
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return render_contract(contract_or_404(contract_id), 409, withdraw_form=form)
    db.session.commit()
    flash(_("The contract was withdrawn. The other side has been told."), "success")
    return redirect(url_for("contracts.show_contract", contract_id=contract.id))


def amendment_form(contract: Contract, formdata=None):
    t = contract.terms
    names = {rank: local_name(n) for rank, n in views.grade_names(contract).items()}
    ranks = sorted(int(k) for k in t["price_terms"].get("prices", {}))
    form_class = amend_form_class(t["price_terms"]["type"], ranks, names, price_label)
    if formdata is not None:
        return form_class(formdata=formdata)
    initial = {"kg": contract.kg, "delivery_start": date.fromisoformat(t["delivery"]["start"]),
               "delivery_end": date.fromisoformat(t["delivery"]["end"])}
    for rank in ranks:
        initial[f"price_{rank}"] = format(Decimal(t["price_terms"]["prices"][str(rank)]) / 100, ".2f")
    if t["price_terms"]["type"] == "share_coop":
        initial["base_per_mu"] = format(Decimal(t["price_terms"].get("base_fen_per_mu", 0)) / 100, ".2f")
    return form_class(formdata=None, data=initial)


def render_amend(contract: Contract, form: AmendForm, status: int = 200):
    return render_template("contracts/amend.html", c=contract, form=form, left=supply_left(contract)), status


def _amend_allowed(contract: Contract) -> None:
    if contract.status not in IN_FORCE:
        abort(404)


@bp.route("/contracts/<int:contract_id>/amend", methods=["GET", "POST"])
@roles(*PARTIES)
def amend(contract_id):
    contract = contract_or_404(contract_id)
    _amend_allowed(contract)
    if request.method == "GET":
        return render_amend(contract, amendment_form(contract))
    form = amendment_form(contract, request.form)
    if not form.validate_on_submit():
        return render_amend(contract, form, 400)
    data = AmendmentInput(
        kg=form.kg.data, delivery_start=form.delivery_start.data, delivery_end=form.delivery_end.data,
        prices={rank: form[f"price_{rank}"].fen for rank in form.price_ranks},
        base_fen_per_mu=form.base_per_mu.fen if hasattr(form, "base_per_mu") else None)
    try:
        amendment = amend_contract(current_user, contract.id, data, date.today())
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        conflict = err.code in ("amendment_pending", "contract_not_amendable", "invalid_transition")
        return render_amend(contract_or_404(contract_id), form, 409 if conflict else 400)
    db.session.commit()
    flash(sentence(_l("The change is proposed as version %(version)s. It binds once both sides sign it."),
                   version=amendment.version), "success")
    return redirect(url_for("contracts.show_contract", contract_id=amendment.id))


@bp.route("/contracts/<int:contract_id>/cancel", methods=["POST"])
@roles(*PARTIES)
def ask_cancel(contract_id):
    contract = contract_or_404(contract_id)
    form = CancelRequestForm()
    if not form.validate_on_submit():
        return render_contract(contract, 400, cancel_form=form)
    try:
        request_cancellation(current_user, contract.id, form.reason.data)
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return render_contract(contract_or_404(contract_id), 409, cancel_form=form)
    db.session.commit()
    flash(_("Your request to cancel was sent. The contract stays in force until the other side agrees."), "success")
    return redirect(url_for("contracts.show_contract", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/cancel/answer", methods=["POST"])
@roles(*PARTIES)
def answer_cancel(contract_id):
    contract = contract_or_404(contract_id)
    form = CancelAnswerForm()
    if not form.validate_on_submit() or not (form.agree.data or form.refuse.data):
        form.form_errors.append(_("Please choose to agree or to keep the contract."))
        return render_contract(contract, 400, answer_form=form)
    try:
        answer_cancellation(current_user, contract.id, bool(form.agree.data))
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return render_contract(contract_or_404(contract_id), 409, answer_form=form)
    db.session.commit()
    flash(_("The contract is cancelled.") if form.agree.data else _("The contract stays in force."), "success")
    return redirect(url_for("contracts.show_contract", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/contract.pdf")
@roles(*PARTIES)
def contract_pdf(contract_id):
    from marketplace.web.contracts.pdf import contract_pdf as render_pdf

    contract = contract_or_404(contract_id)
    data = render_pdf(contract, url_for("contracts.verify_fingerprint", fingerprint=contract.fingerprint,
                                        _external=True))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="contract-{contract.number}-v{contract.version}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/verify")
@public
def verify():
    """Type or paste a fingerprint; a valid one goes to its page."""
    form = VerifyForm(formdata=request.args if "fingerprint" in request.args else None)
    if form.fingerprint.data is not None and form.validate():
        return redirect(url_for("contracts.verify_fingerprint", fingerprint=form.fingerprint.data.strip().lower()))
    return render_template("contracts/verify.html", form=form, facts=None, asked=None), \
        400 if form.errors else 200


@bp.route("/verify/<fingerprint>")
@public
def verify_fingerprint(fingerprint):
    form = VerifyForm(formdata=None, fingerprint=fingerprint)
    if not VerifyForm(formdata=None, fingerprint=fingerprint).validate():
        form.fingerprint.errors = [_("A fingerprint is 64 characters, digits 0 to 9 and letters a to f.")]
        return render_template("contracts/verify.html", form=form, facts=None, asked=fingerprint), 400
    facts = views.verify(fingerprint)
    return render_template("contracts/verify.html", form=form, facts=facts, asked=fingerprint.lower()), \
        200 if facts else 404
