"""Approvals."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.messaging import get_messenger
from marketplace.i18n import sentence
from marketplace.models import User
from marketplace.services.accounts import decide_account
from marketplace.web.access import roles
from marketplace.web.admin import bp
from marketplace.web.admin.forms import DecisionForm
from marketplace.web.messages import message_for


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
