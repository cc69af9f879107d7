"""The market office: approving accounts, finding an account and lifting its lock, the action record."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.messaging import get_messenger
from marketplace.i18n import sentence
from marketplace.models import User
from marketplace.models.base import utcnow
from marketplace.services import audit
from marketplace.services.accounts import decide_account, set_account_open, unlock
from marketplace.services.audit import AuditQuery
from marketplace.web.access import roles
from marketplace.web.admin import bp
from marketplace.web.admin.forms import (
    AccountSearchForm, AccountStatusForm, AuditSearchForm, DecisionForm, UnlockForm,
)
from marketplace.web.downloads import csv_response
from marketplace.web.messages import ACTION_LABELS, RECORD_KINDS, message_for


@bp.route("/approvals")
@roles("admin")
def list_approvals():
    pending = db.session.scalars(
        sa.select(User)
        .where(User.status == "pending")
        .options(joinedload(User.processor), joinedload(User.cooperative))
        .order_by(User.created_at)
    ).all()
    return render_template("admin/approvals.html", pending=pending, form=DecisionForm())


@bp.route("/approvals/<int:user_id>", methods=["POST"])
@roles("admin")
def decide_approval(user_id):
    user = db.session.get(User, user_id)
    if user is None or user.role not in ("processor", "coop_manager"):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide_account(current_user, user, approve=bool(form.approve.data))
    except DomainError as err:
        db.session.rollback()
        flash(message_for(err), "error")
        return list_approvals(), 409
    db.session.commit()
    _tell_applicant(user)
    if form.approve.data:
        flash(sentence(_l("Approved: %(name)s can now log in."), name=user.name), "success")
    else:
        flash(sentence(_l("Rejected: %(name)s."), name=user.name), "info")
    return redirect(url_for("admin.list_approvals"))


def _tell_applicant(user: User) -> None:
    """The applicant hears the decision in their own language."""
    address = user.phone or user.email
    if not address:
        return
    with force_locale(user.locale):
        if user.status == "active":
            body = _("Your account on the safflower marketplace is approved. You can log in now: %(link)s",
                     link=url_for("auth.login", _external=True))
        else:
            body = _("Your application to the safflower marketplace was not approved. Please contact the market office.")
        get_messenger().send(address, _("Your application"), body)


# Accounts: finding one, lifting a lock ------------------------------------------------------------------

ACCOUNTS_SHOWN = 50


@bp.route("/accounts")
@roles("admin")
def list_accounts():
    form = AccountSearchForm(formdata=request.args)
    form.validate()
    stmt = sa.select(User).order_by(User.locked_until.desc().nulls_last(), User.name, User.id)
    text = (form.q.data or "").strip().lower() if not form.q.errors else ""
    if text:
        pattern = f"%{text}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).like(pattern), User.phone.like(pattern),
                                 sa.func.lower(User.email).like(pattern)))
    if form.locked.data:
        stmt = stmt.where(User.locked_until > utcnow())
    found = db.session.scalars(stmt.limit(ACCOUNTS_SHOWN + 1)).all()
    return render_template("admin/accounts.html", form=form, accounts=found[:ACCOUNTS_SHOWN],
                           more=len(found) > ACCOUNTS_SHOWN, now=utcnow(), unlock_form=UnlockForm(),
                           status_form=AccountStatusForm()), \
        400 if form.errors else 200


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back_to(user: User):
    """The accounts page, searched for this account."""
    return redirect(url_for("admin.list_accounts", q=user.phone or user.email or user.name))


@bp.route("/accounts/<int:user_id>/unlock", methods=["POST"])
@roles("admin")
def unlock_account(user_id):
    user = _account_or_404(user_id)
    if not UnlockForm().validate_on_submit():
        abort(400)
    if user.locked_until is None and not user.failed_logins:
        flash(sentence(_l("%(name)s was not locked."), name=user.name), "info")
        return _back_to(user)
    unlock(current_user, user)
    db.session.commit()
    flash(sentence(_l("Unlocked: %(name)s can log in again."), name=user.name), "success")
    return _back_to(user)


@bp.route("/accounts/<int:user_id>/status", methods=["POST"])
@roles("admin")
def set_account_status(user_id):
    user = _account_or_404(user_id)
    form = AccountStatusForm()
    if not form.validate_on_submit() or form.close.data == form.reopen.data:
        abort(400)
    back = _back_to(user)
    try:
        set_account_open(current_user, user, open_=bool(form.reopen.data))
    except DomainError as err:
        db.session.rollback()
        flash(message_for(err), "error")
        return back, 303
    db.session.commit()
    if form.reopen.data:
        flash(sentence(_l("Reopened: %(name)s can log in again."), name=user.name), "success")
    else:
        flash(sentence(_l("Closed: %(name)s can no longer log in."), name=user.name), "info")
    return back


# The action record: search and export ------------------------------------------------------------------

AUDIT_PER_PAGE = 50


def _audit_form() -> tuple[AuditSearchForm, AuditQuery]:
    form = AuditSearchForm(formdata=request.args)
    # i18n: first choice of the action filter on the action record
    form.action.choices = [SelectChoice("", _("All actions")),
                           *(SelectChoice(k, str(v)) for k, v in ACTION_LABELS.items())]
    # i18n: first choice of the kind-of-record filter on the action record
    form.kind.choices = [SelectChoice("", _("All records")),
                         *(SelectChoice(k, str(v)) for k, v in RECORD_KINDS.items())]
    form.validate()

    def good(field):
        return None if field.errors else field.data

    kind, number = good(form.kind) or "", good(form.number)
    query = AuditQuery(person=(good(form.person) or "").strip(), action=good(form.action) or "",
                       subject=f"{kind}:{number}" if kind and number else kind,
                       since=good(form.since), until=good(form.until))
    return form, query


def _filters(query: AuditQuery) -> dict:
    """The search as URL arguments, for the pager and the download link."""
    kind, _sep, number = query.subject.partition(":")
    values = {"person": query.person, "action": query.action, "kind": kind, "number": number,
              "since": query.since.isoformat() if query.since else "",
              "until": query.until.isoformat() if query.until else ""}
    return {k: v for k, v in values.items() if v}


@bp.route("/audit")
@roles("admin")
def show_audit():
    form, query = _audit_form()
    page = db.paginate(audit.search(query), page=max(request.args.get("page", 1, type=int), 1),
                       per_page=AUDIT_PER_PAGE, error_out=False)
    return render_template("admin/audit.html", form=form, page=page, filters=_filters(query),
                           state=audit.state), 400 if form.errors else 200


@bp.route("/audit.csv")
@roles("admin")
def export_audit():
    form, query = _audit_form()
    if form.errors:
        abort(400)
    return csv_response("action-record.csv", audit.EXPORT_HEADER, audit.export_rows(query))
