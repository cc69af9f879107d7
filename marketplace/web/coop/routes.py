"""Members of the manager's co-operative."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import sentence
from marketplace.models import ActionRecord
from marketplace.page_cache import cached_page
from marketplace.services import members, stripe_gateway
from marketplace.services.accounts import FarmerDetails
from marketplace.services.audit import record_action
from marketplace.web.access import roles
from marketplace.web.coop import bp
from marketplace.web.coop.forms import MemberForm, PayoutAccountForm
from marketplace.web.fields import fill_place_choices
from marketplace.web.messages import apply_domain_error


def my_coop_id() -> int:
    if current_user.cooperative_id is None:
        abort(403)
    return current_user.cooperative_id


@bp.route("/members")
@roles("coop_manager")
@cached_page
def list_members():
    page = request.args.get("page", 1, type=int)
    return render_template("coop/members.html", page=members.members_of(my_coop_id(), max(page, 1)))


@bp.route("/members/new", methods=["GET", "POST"])
@roles("coop_manager")
def register_member():
    my_coop_id()
    form = MemberForm()
    fill_place_choices(form)
    if request.method == "GET":
        form.county_id.data = form.county_id.data or current_user.cooperative.county_id
    if form.validate_on_submit():
        details = FarmerDetails(
            name=form.name.data, county_id=form.county_id.data, township_id=form.township_id.data,
            village=form.village.data, farm_area_mu=form.farm_area_mu.data, locale=form.locale.data,
        )
        terms = members.MemberTerms(joined_on=form.joined_on.data, capital_fen=int(form.capital_yuan.data * 100))
        try:
            membership = members.register_member(current_user, details, form.phone.data or None, terms)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(sentence(_l("%(name)s is now a member."), name=membership.farmer.name), "success")
            return redirect(url_for("coop.show_member", membership_id=membership.id))
    return render_template("coop/member_form.html", form=form), 400 if form.errors else 200


@bp.route("/members/<int:membership_id>")
@roles("coop_manager")
def show_member(membership_id):
    membership = members.membership_for(my_coop_id(), membership_id)
    if membership is None:
        abort(404)
    acts = db.session.scalars(
        sa.select(ActionRecord)
        .where(ActionRecord.on_behalf_of_id == membership.farmer_id)
        .options(joinedload(ActionRecord.actor))
        .order_by(ActionRecord.created_at.desc(), ActionRecord.id.desc())
        .limit(50)
    ).all()
    form = payout_form(formdata=None, payout_account=membership.payout_account or "",
                       stripe_account=membership.stripe_account or "")
    return render_template("coop/member.html", membership=membership, acts=acts, form=form)


def payout_form(**kwargs) -> PayoutAccountForm:
    """The payout account form; the Stripe connected account only when Stripe is on."""
    form = PayoutAccountForm(**kwargs)
    if not stripe_gateway.enabled():
        del form.stripe_account
    return form


def masked(account: str | None) -> str | None:
    """A bank account as the action record keeps it: its last four characters."""
    return f"…{account[-4:]}" if account else None


@bp.route("/members/<int:membership_id>/payout-account", methods=["POST"])
@roles("coop_manager")
def set_payout_account(membership_id):
    membership = members.membership_for(my_coop_id(), membership_id)
    if membership is None:
        abort(404)
    form = payout_form()
    if not form.validate_on_submit():
        return render_template("coop/member.html", membership=membership, acts=[], form=form), 400
    before = {"payout_account": masked(membership.payout_account), "stripe_account": membership.stripe_account}
    membership.payout_account = form.payout_account.data or None
    if "stripe_account" in form:
        membership.stripe_account = form.stripe_account.data or None
    record_action(current_user, "set_payout_account", on_behalf_of=membership.farmer,
                  detail=f"membership:{membership.id}", before=before,
                  after={"payout_account": masked(membership.payout_account),
                         "stripe_account": membership.stripe_account})
    db.session.commit()
    flash(_("The payout account is saved."), "success")
    return redirect(url_for("coop.show_member", membership_id=membership.id))
