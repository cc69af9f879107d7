"""Proposals: a farmer's own, a co-op manager's members', a processor's orders'; each side answers once."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Proposal
from marketplace.services import proposals
from marketplace.web.access import roles
from marketplace.web.messages import message_for
from marketplace.web.proposals import bp
from marketplace.web.proposals.forms import DecideForm, FilterForm
from marketplace.web.terms_text import TERM_NAMES

PER_PAGE = 20
SIDES = ("farmer", "coop_manager", "processor")

PROPOSAL_STATUS_LABELS = {
    # i18n: status of a proposal: waiting for the farmer's and the processor's answers
    "pending": _l("Waiting for answers"),
    # i18n: status of a proposal: both sides accepted it
    "accepted": _l("Agreed"),
    # i18n: status of a proposal: one side declined it
    "declined": _l("Declined"),
    # i18n: status of a proposal: nobody answered before the deadline
    "expired": _l("Expired"),
}
DECISION_LABELS = {
    # i18n: one side's answer to a proposal
    "accepted": _l("Accepted"),
    # i18n: one side's answer to a proposal
    "declined": _l("Declined"),
    # i18n: one side has not answered a proposal yet
    None: _l("No answer yet"),
}


@bp.context_processor
def helpers():
    return {"proposal_status": lambda s: str(PROPOSAL_STATUS_LABELS.get(s, s)),
            "decision_label": lambda d: str(DECISION_LABELS.get(d, d)), "term_names": TERM_NAMES}


def proposal_or_404(proposal_id: int) -> Proposal:
    """Someone else's proposal is not found."""
    proposal = proposals.proposal_for(current_user, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.route("/")
@roles(*SIDES)
def list_proposals():
    form = FilterForm(formdata=request.args)
    # i18n: first choice of the status filter on the list of proposals
    form.status.choices = [("", _("All statuses")), *((k, str(v)) for k, v in PROPOSAL_STATUS_LABELS.items())]
    status = form.status.data if form.validate() else None
    page = db.paginate(proposals.proposals_query(current_user, status=status or None),
                       page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE, error_out=False)
    return render_template("proposals/list.html", form=form, page=page, status=status or None,
                           show_farmer=current_user.role != "farmer"), 400 if form.errors else 200


def render_proposal(proposal: Proposal, error: str | None = None, status: int = 200):
    side = proposals.side_of(current_user, proposal)
    can_answer = (proposal.status == "pending" and proposal.deadline >= date.today()
                  and getattr(proposal, f"{side}_decision") is None)
    return render_template("proposals/show.html", p=proposal, side=side, can_answer=can_answer,
                           form=DecideForm(formdata=None), error=error), status


@bp.route("/<int:proposal_id>")
@roles(*SIDES)
def show_proposal(proposal_id):
    return render_proposal(proposal_or_404(proposal_id))


@bp.route("/<int:proposal_id>/decide", methods=["POST"])
@roles(*SIDES)
def decide_proposal(proposal_id):
    proposal = proposal_or_404(proposal_id)
    form = DecideForm()
    if not form.validate_on_submit() or not (form.accept.data or form.decline.data):
        return render_proposal(proposal, _("Please choose to accept or to decline."), 400)
    accept = bool(form.accept.data)
    try:
        proposals.decide(current_user, proposal.id, accept, date.today())
    except DomainError as err:
        db.session.rollback()
        if err.code == "not_yours":
            abort(404)
        return render_proposal(proposal_or_404(proposal_id), message_for(err), 409)
    db.session.commit()
    flash(_("You accepted the proposal.") if accept else _("You declined the proposal."), "success")
    return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id))
