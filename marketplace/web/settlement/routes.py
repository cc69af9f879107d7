"""Settlement pages: a co-op manager records advances, previews and posts settlements; processors see their
invoices; the farmer (and the co-op for a member) reads the statement of a contract, line by line."""
from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef
from marketplace.extensions import db
from marketplace.models import (
    Advance, Contract, Invoice, Payment, PayoutBatch, PayoutItem, Rebate, SettlementLine, SettlementRun, SurplusDistribution,
)
from marketplace.domain.surplus import Inputs
from marketplace.extensions import csrf, limiter, sensitive_limit
from marketplace.page_cache import cached_page
from marketplace.security import STRIPE_CSP
from marketplace.services import ledger, payouts, rebates, stripe_gateway, surplus
from flask_babel import force_locale

from marketplace.i18n import DEFAULT_LOCALE, HTML_LANG, LOCALES, local_name, text_direction
from marketplace.services.contract_views import grade_names
from marketplace.services.contracts import contract_for
from marketplace.services.payments import invoice_for, record_bank_transfer
from marketplace.services.settlement import Scope, outstanding_advances, plan, post_settlement, record_advance
from marketplace.web import once
from marketplace.web.access import public, roles
from marketplace.web.downloads import csv_response, yuan
from marketplace.web.deliveries.labels import weight
from marketplace.web.messages import apply_domain_error, message_for
from marketplace.web.settlement import bp
from marketplace.web.settlement.forms import (
    ADVANCE_KIND_LABELS, AdvanceForm, BankTransferForm, DeclareRebateForm, PeriodForm, PostForm, PostSurplusForm,
    RebateForm, SurplusForm, PrepareForm, ApproveForm, CardForm, RetryTransfersForm,
)
from marketplace.web.terms_text import line_text, per_kg

PER_PAGE = 25
PAYOUT_STATUS = {
    # i18n: a payout batch waiting for a second manager's approval
    "prepared": _l("Waiting for approval"),
    # i18n: a payout batch approved; the money is paid
    "approved": _l("Approved and paid"),
    # i18n: a payout batch approved, but some of its Stripe transfers are not made yet
    "sending": _l("Approved; Stripe transfers still to be made"),
    "cancelled": _l("Cancelled"),
}


TRANSFER_ERRORS = {
    # i18n: why a Stripe transfer to a member is still waiting
    "balance_insufficient": _l("the marketplace's Stripe balance is too low for now"),
    "stripe_unavailable": _l("Stripe did not answer; it is asked again"),
    "resource_missing": _l("Stripe does not know the member's connected account"),
}


def payout_status(status: str) -> str:
    return str(PAYOUT_STATUS.get(status, status))


def item_status(item: PayoutItem) -> str:
    """Paid, or for a Stripe transfer not yet made: waiting, and why."""
    if item.status == "paid":
        return _("Paid")
    if item.method == "stripe" and item.entry_id is not None:
        reason = TRANSFER_ERRORS.get(item.last_error or "")
        # i18n: a Stripe transfer approved but not yet made; %(reason)s says why
        return _("Transfer waiting: %(reason)s", reason=reason) if reason else _("Transfer being sent")
    return _("Open")


@bp.context_processor
def helpers():
    return {"weight": weight, "line_text": line_text, "per_kg": per_kg, "payout_status": payout_status,
            "item_status": item_status,
            "advance_kind": lambda k: str(ADVANCE_KIND_LABELS.get(k, k))}


def check_coop() -> None:
    if current_user.role == "coop_manager" and current_user.cooperative_id is None:
        abort(403)


def contract_or_404(contract_id: int) -> Contract:
    check_coop()
    contract = contract_for(current_user, contract_id)
    if contract is None:
        abort(404)
    return contract


# --- advances ------------------------------------------------------------------------------------------------

@bp.route("/advances/new/<int:contract_id>", methods=["GET", "POST"])
@roles("coop_manager")
def new_advance(contract_id):
    contract = contract_or_404(contract_id)
    if request.method == "GET":
        form = AdvanceForm(formdata=None, data={"given_on": date.today(), "nonce": once.new_token()})
        return render_template("settlement/advance.html", c=contract, form=form,
                               outstanding=outstanding_advances(contract.proposal_id))
    form = AdvanceForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if form.validate_on_submit():
        try:
            once.spend(form.nonce.data, current_user.id)
            record_advance(current_user, contract.id, form.kind.data, form.amount.fen, form.given_on.data,
                           date.today(), note=form.note.data or "", key=f"advance-form:{form.nonce.data}")
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            form.nonce.data = once.new_token()
        else:
            db.session.commit()
            flash(_("The advance is recorded. It will be taken back from the payment at delivery."), "success")
            return redirect(url_for("contracts.show_contract", contract_id=contract.id))
    return render_template("settlement/advance.html", c=contract, form=form,
                           outstanding=outstanding_advances(contract.proposal_id)), 400


# --- settling ------------------------------------------------------------------------------------------------

@bp.route("/")
@roles("coop_manager", "processor")
@cached_page
def overview():
    check_coop()
    if current_user.role == "processor":
        invoices = db.session.scalars(sa.select(Invoice).where(Invoice.processor_id == current_user.processor_id)
                                      .order_by(Invoice.id.desc()).limit(200)).all()
        return render_template("settlement/invoices.html", invoices=invoices)
    runs = db.paginate(sa.select(SettlementRun).where(SettlementRun.cooperative_id == current_user.cooperative_id)
                       .order_by(SettlementRun.id.desc()), page=max(request.args.get("page", 1, type=int), 1),
                       per_page=PER_PAGE, error_out=False)
    return render_template("settlement/runs.html", runs=runs, period=PeriodForm(formdata=None))


def scope_from(args) -> tuple[Scope, Contract | None, PeriodForm | None]:
    if "contract" in args:
        contract = contract_or_404(args.get("contract", type=int) or 0)
        return Scope(proposal_id=contract.proposal_id), contract, None
    form = PeriodForm(formdata=args)
    if not form.validate():
        return None, None, form
    return Scope(start=form.start.data, end=form.end.data), None, form


@bp.route("/preview")
@roles("coop_manager")
def preview():
    check_coop()
    scope, contract, period = scope_from(request.args)
    if scope is None:
        runs = db.paginate(sa.select(SettlementRun).where(SettlementRun.cooperative_id == current_user.cooperative_id)
                           .order_by(SettlementRun.id.desc()), page=1, per_page=PER_PAGE, error_out=False)
        return render_template("settlement/runs.html", runs=runs, period=period), 400
    try:
        planned = plan(current_user, scope)
    except DomainError as err:
        if err.code == "not_yours":
            abort(404)
        return render_template("settlement/preview.html", planned=None, error=message_for(err), contract=contract,
                               scope=scope, form=None), 409
    form = PostForm(formdata=None, data={"nonce": once.new_token(), "proposal_id": scope.proposal_id,
                                         "start": scope.start, "end": scope.end})
    return render_template("settlement/preview.html", planned=planned, error=None, contract=contract, scope=scope,
                           form=form)


@bp.route("/post", methods=["POST"])
@roles("coop_manager")
def post():
    check_coop()
    form = PostForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if not form.validate_on_submit() or not (form.proposal_id.data or (form.start.data and form.end.data)):
        abort(400)
    scope = Scope(proposal_id=form.proposal_id.data, start=form.start.data, end=form.end.data)
    try:
        once.spend(form.nonce.data, current_user.id)
        run = post_settlement(current_user, scope)
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        flash(message_for(err), "error")
        return redirect(url_for("settlement.overview")), 303
    db.session.commit()
    if run is None:
        flash(_("Nothing new to settle: these deliveries are already settled."), "success")
        return redirect(url_for("settlement.overview"))
    flash(_("The settlement is posted. The processor's invoice is ready."), "success")
    return redirect(url_for("settlement.show_run", run_id=run.id))


@bp.route("/runs/<int:run_id>")
@roles("coop_manager")
def show_run(run_id):
    check_coop()
    run = db.session.get(SettlementRun, run_id)
    if run is None or run.cooperative_id != current_user.cooperative_id:
        abort(404)
    invoices = db.session.scalars(sa.select(Invoice).where(Invoice.run_id == run.id)).all()
    return render_template("settlement/run.html", run=run, invoices=invoices)


# --- the statement -------------------------------------------------------------------------------------------

def statement_context(contract: Contract) -> dict:
    lines = db.session.scalars(sa.select(SettlementLine).where(SettlementLine.proposal_id == contract.proposal_id)
                               .order_by(SettlementLine.id)).all()
    advances = db.session.scalars(sa.select(Advance).where(Advance.proposal_id == contract.proposal_id)
                                  .order_by(Advance.given_on, Advance.id)).all()
    return {"c": contract, "lines": lines, "advances": advances,
            "grade_names": {rank: local_name(n) for rank, n in grade_names(contract).items()},
            "outstanding": outstanding_advances(contract.proposal_id),
            "owed_now": ledger.balance(AccountRef("farmer_payable", contract.farmer_id)),
            "totals": {k: sum(getattr(line, k) for line in lines) for k in (
                "gross_fen", "coop_fee_fen", "risk_levy_fen", "advances_recovered_fen", "net_fen")}}


@bp.route("/statement/<int:contract_id>")
@roles("farmer", "coop_manager", "processor")
def statement(contract_id):
    return render_template("settlement/statement.html", **statement_context(contract_or_404(contract_id)))


@bp.route("/statement/<int:contract_id>/statement.pdf")
@roles("farmer", "coop_manager", "processor")
def statement_pdf(contract_id):
    """The statement as a PDF in the farmer's language (right to left in Uyghur and Kazakh Arabic script)."""
    from weasyprint import HTML

    contract = contract_or_404(contract_id)
    farmer_locale = contract.harvest.farmer.locale
    with force_locale(farmer_locale if farmer_locale in LOCALES else DEFAULT_LOCALE):
        html = render_template("settlement/statement_pdf.html", **statement_context(contract),
                               lang=HTML_LANG.get(farmer_locale, "zh-Hans"), direction=text_direction(farmer_locale))
    response = make_response(HTML(string=html, base_url=request.host_url).write_pdf())
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="statement-{contract.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- invoices and money in -----------------------------------------------------------------------------------

def render_invoice(invoice: Invoice, form: BankTransferForm | None = None, status: int = 200):
    payments = db.session.scalars(sa.select(Payment).where(Payment.invoice_id == invoice.id)
                                  .order_by(Payment.id)).all()
    if form is None and current_user.role == "coop_manager" and invoice.status == "open":
        open_fen = invoice.amount_fen - invoice.paid_fen
        form = BankTransferForm(formdata=None, data={"received_on": date.today(), "nonce": once.new_token(),
                                                     "amount": f"{open_fen // 100}.{open_fen % 100:02d}"})
    card = CardForm(formdata=None) if (current_user.role == "processor" and invoice.status == "open"
                                       and stripe_gateway.enabled()) else None
    return render_template("settlement/invoice.html", invoice=invoice, payments=payments, form=form,
                           card=card), status


def invoice_or_404(invoice_id: int) -> Invoice:
    check_coop()
    invoice = invoice_for(current_user, invoice_id)
    if invoice is None:
        abort(404)
    return invoice


@bp.route("/invoices/<int:invoice_id>")
@roles("coop_manager", "processor")
def show_invoice(invoice_id):
    return render_invoice(invoice_or_404(invoice_id))


@bp.route("/invoices/<int:invoice_id>/bank-transfer", methods=["POST"])
@roles("coop_manager")
def bank_transfer(invoice_id):
    invoice = invoice_or_404(invoice_id)
    form = BankTransferForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if not form.validate_on_submit():
        return render_invoice(invoice, form, 400)
    try:
        once.spend(form.nonce.data, current_user.id)
        record_bank_transfer(current_user, invoice.id, form.amount.fen, form.reference.data, form.received_on.data,
                             date.today())
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        form.nonce.data = once.new_token()
        return render_invoice(invoice_or_404(invoice_id), form, 400 if err.field else 409)
    db.session.commit()
    flash(_("The transfer is recorded against the invoice."), "success")
    return redirect(url_for("settlement.show_invoice", invoice_id=invoice.id))


# --- the year-end surplus ------------------------------------------------------------------------------------

def surplus_inputs(form: SurplusForm) -> Inputs:
    return Inputs(surplus_fen=form.surplus.fen, losses_covered_fen=form.losses.fen or 0,
                  reserve_bp=form.reserve_pct.bp, volume_bp=form.volume_pct.bp,
                  subsidy_assets_fen=form.subsidy_assets.fen or 0)


def render_surplus(form, status=200, post_form=None, error=None):
    check_coop()
    past = db.session.scalars(sa.select(SurplusDistribution).where(
        SurplusDistribution.cooperative_id == current_user.cooperative_id)
        .order_by(SurplusDistribution.year.desc())).all()
    result = rows = None
    if post_form is not None and error is None:
        try:
            result, rows = surplus.preview(current_user, form.year.data, surplus_inputs(form))
        except DomainError as err:
            apply_domain_error(form, err)
            post_form, status = None, 400
    return render_template("settlement/surplus.html", form=form, post_form=post_form, result=result,
                           pairs=list(zip(rows, result.shares)) if result else [], past=past, error=error), status


@bp.route("/surplus")
@roles("coop_manager")
def surplus_page():
    check_coop()
    if "year" not in request.args:
        form = SurplusForm(formdata=None, data={"year": date.today().year, "volume_pct": "60", "reserve_pct": "10"})
        return render_surplus(form)
    form = SurplusForm(formdata=request.args)
    if not form.validate() or not 2000 <= (form.year.data or 0) <= date.today().year:
        if form.year.data and not form.year.errors and not 2000 <= form.year.data <= date.today().year:
            form.year.errors = [_("Give a year from 2000 to this year.")]
        return render_surplus(form, 400)
    post_form = PostSurplusForm(formdata=request.args)
    post_form.nonce.data = once.new_token()
    return render_surplus(form, post_form=post_form)


@bp.route("/surplus", methods=["POST"])
@roles("coop_manager")
def post_surplus():
    check_coop()
    form = PostSurplusForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if not form.validate_on_submit() or not 2000 <= (form.year.data or 0) <= date.today().year:
        return render_surplus(form, 400)
    try:
        once.spend(form.nonce.data, current_user.id)
        surplus.post_distribution(current_user, form.year.data, surplus_inputs(form))
    except DomainError as err:
        db.session.rollback()
        return render_surplus(form, 409 if not err.field else 400, error=message_for(err))
    db.session.commit()
    flash(_("The surplus is distributed and posted to the members' accounts."), "success")
    return redirect(url_for("settlement.surplus_page"))


# --- second-round rebates ------------------------------------------------------------------------------------

def render_rebates(form, status=200, declare_form=None, error=None):
    past = db.session.scalars(sa.select(Rebate).where(Rebate.processor_id == current_user.processor_id)
                              .order_by(Rebate.season.desc())).all()
    planned = None
    if declare_form is not None and error is None:
        try:
            planned = rebates.plan_rebate(current_user, form.season.data, form.pool.fen)
        except DomainError as err:
            apply_domain_error(form, err)
            declare_form, status = None, 400
    return render_template("settlement/rebates.html", form=form, declare_form=declare_form, planned=planned,
                           past=past, error=error), status


@bp.route("/rebates")
@roles("processor")
def rebates_page():
    if "season" not in request.args:
        return render_rebates(RebateForm(formdata=None, data={"season": date.today().year}))
    form = RebateForm(formdata=request.args)
    if not form.validate() or not 2000 <= form.season.data <= date.today().year + 1:
        if form.season.data and not form.season.errors:
            form.season.errors = [_("Give a year from 2000 to next year.")]
        return render_rebates(form, 400)
    declare_form = DeclareRebateForm(formdata=request.args)
    declare_form.nonce.data = once.new_token()
    return render_rebates(form, declare_form=declare_form)


@bp.route("/rebates", methods=["POST"])
@roles("processor")
def declare_rebate():
    form = DeclareRebateForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if not form.validate_on_submit() or not 2000 <= (form.season.data or 0) <= date.today().year + 1:
        return render_rebates(form, 400)
    try:
        once.spend(form.nonce.data, current_user.id)
        rebates.declare_rebate(current_user, form.season.data, form.pool.fen)
    except DomainError as err:
        db.session.rollback()
        return render_rebates(form, 400 if err.field else 409, error=message_for(err))
    db.session.commit()
    flash(_("The rebate is declared: each farmer is owed their share, and each co-op is invoiced for its members."),
          "success")
    return redirect(url_for("settlement.overview"))


# --- payouts -------------------------------------------------------------------------------------------------

@bp.route("/payouts")
@roles("coop_manager")
@cached_page
def list_payouts():
    check_coop()
    batches = db.session.scalars(sa.select(PayoutBatch).where(PayoutBatch.cooperative_id == current_user.cooperative_id)
                                 .order_by(PayoutBatch.id.desc()).limit(100)).all()
    owed = payouts.owed_members(current_user.cooperative_id)
    form = PrepareForm(formdata=None, data={"nonce": once.new_token()})
    return render_template("settlement/payouts.html", batches=batches, owed=owed, form=form)


@bp.route("/payouts/prepare", methods=["POST"])
@roles("coop_manager")
def prepare_payouts():
    check_coop()
    form = PrepareForm()
    if not form.nonce.data or once.used(form.nonce.data):
        return render_template("settlement/already_sent.html"), 409
    if not form.validate_on_submit():
        abort(400)
    try:
        once.spend(form.nonce.data, current_user.id)
        batch = payouts.prepare_batch(current_user)
    except DomainError as err:
        db.session.rollback()
        flash(message_for(err), "error")
        return redirect(url_for("settlement.list_payouts"))
    db.session.commit()
    flash(_("The batch is prepared. Another manager of the co-op must approve it before any money moves."),
          "success")
    return redirect(url_for("settlement.show_payouts", batch_id=batch.id))


def batch_or_404(batch_id: int) -> PayoutBatch:
    check_coop()
    batch = payouts.batch_for(current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/payouts/<int:batch_id>")
@roles("coop_manager", "admin")
def show_payouts(batch_id):
    batch = batch_or_404(batch_id)
    waiting = batch.status == "approved" and any(i.method == "stripe" and i.status == "pending" for i in batch.items)
    return render_template("settlement/payout_batch.html", batch=batch, form=ApproveForm(formdata=None),
                           may_approve=batch.status == "prepared" and batch.prepared_by_id != current_user.id,
                           retry_form=RetryTransfersForm(formdata=None) if waiting else None)


def send_transfers(batch_id: int) -> None:
    """After the approval is committed: the batch's Stripe transfers, each committed as Stripe answers."""
    sent, waiting = payouts.send_transfers(batch_id)
    if waiting:
        flash(_("Some Stripe transfers did not go through yet. They are sent again later, or now with the button "
                "below."), "error")
    elif sent:
        flash(_("The Stripe transfers are made."), "success")


@bp.route("/payouts/<int:batch_id>/decide", methods=["POST"])
@roles("coop_manager", "admin")
@limiter.limit(sensitive_limit)
def decide_payouts(batch_id):
    batch = batch_or_404(batch_id)
    form = ApproveForm()
    if not form.validate_on_submit() or not (form.approve.data or form.cancel.data):
        abort(400)
    try:
        if form.approve.data:
            payouts.approve_batch(current_user, batch.id)
        else:
            payouts.cancel_batch(current_user, batch.id)
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        flash(message_for(err), "error")
        return redirect(url_for("settlement.show_payouts", batch_id=batch_id)), 303
    db.session.commit()
    flash(_("The batch is approved and the payouts are posted.") if form.approve.data
          else _("The batch is cancelled."), "success")
    if form.approve.data:
        send_transfers(batch_id)
    return redirect(url_for("settlement.show_payouts", batch_id=batch_id))


@bp.route("/payouts/<int:batch_id>/transfers", methods=["POST"])
@roles("coop_manager", "admin")
@limiter.limit(sensitive_limit)
def retry_transfers(batch_id):
    batch = batch_or_404(batch_id)
    if not RetryTransfersForm().validate_on_submit():
        abort(400)
    if batch.status != "approved":
        abort(409)
    send_transfers(batch.id)
    return redirect(url_for("settlement.show_payouts", batch_id=batch.id), 303)


@bp.route("/payouts/<int:batch_id>/bank-file.csv")
@roles("coop_manager", "admin")
def bank_file(batch_id):
    batch = batch_or_404(batch_id)
    if batch.status != "approved":
        abort(404)
    header = [_("Name"), _("Account"), _("Amount (yuan)"), _("Reference")]
    rows = ([item.farmer.name, item.account, yuan(item.amount_fen), item.reference]
            for item in batch.items if item.method == "bank")
    return csv_response(f"payouts-{batch.id}.csv", header, rows)


# --- Stripe --------------------------------------------------------------------------------------------------

@bp.route("/invoices/<int:invoice_id>/card", methods=["POST"])
@roles("processor")
def pay_by_card(invoice_id):
    invoice = invoice_or_404(invoice_id)
    form = CardForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        intent = stripe_gateway.create_intent(current_user, invoice.id)
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        flash(message_for(err), "error")
        return redirect(url_for("settlement.show_invoice", invoice_id=invoice.id)), 303
    db.session.commit()
    secret = stripe_gateway.client().v1.payment_intents.retrieve(intent.intent_id).client_secret
    response = make_response(render_template(
        "settlement/card.html", invoice=invoice, intent=intent, client_secret=secret,
        publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
        return_url=url_for("settlement.show_invoice", invoice_id=invoice.id, _external=True)))
    response.headers["Content-Security-Policy"] = STRIPE_CSP
    return response


@bp.route("/stripe/webhook", methods=["POST"])
@public
@csrf.exempt
def stripe_webhook():
    """Stripe's events, verified on the raw body; a bad or old signature is refused and nothing is recorded."""
    try:
        event = stripe_gateway.verify_event(request.get_data(), request.headers.get("Stripe-Signature"))
    except DomainError:
        return {"error": "bad signature"}, 400
    fresh = stripe_gateway.handle_event(event)
    db.session.commit()
    return {"received": True, "duplicate": not fresh}, 200
