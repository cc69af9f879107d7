"""Matching runs: start one (synchronously, for now) and list the past ones with their proposals."""
from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import MatchRun, Proposal
from marketplace import jobs
from marketplace.services.matching_runs import execute_run, fail_run, queue_run
from marketplace.services.products import active_products
from marketplace.web.access import roles
from marketplace.web.harvests.choices import product_choices
from marketplace.web.matching import bp
from marketplace.web.matching.forms import RunForm, next_season
from marketplace.web.messages import apply_domain_error
from marketplace.web.proposals.routes import PROPOSAL_STATUS_LABELS

PER_PAGE = 20
RUNNERS = ("admin", "coop_manager")
#: The steps of a run, in order, as its progress page shows them.
PHASES = (
    # i18n: a step of a matching run: waiting for its turn
    ("queued", _l("Waiting to start")),
    # i18n: a step of a matching run: reading the open harvests and orders
    ("loading", _l("Reading open harvests and orders")),
    # i18n: a step of a matching run: computing the best allocation
    ("solving", _l("Finding the best allocation")),
    # i18n: a step of a matching run: writing proposals and telling both sides
    ("proposing", _l("Writing proposals and telling both sides")),
    # i18n: a step of a matching run: finished
    ("done", _l("Finished")),
)
RUN_STATUS_LABELS = {
    # i18n: status of a matching run
    "running": _l("Running"),
    # i18n: status of a matching run
    "done": _l("Done"),
    # i18n: status of a matching run
    "failed": _l("Failed"),
}


def proposal_counts(run_ids: list[int]) -> dict[int, dict[str, int]]:
    """{run id: {status: number of proposals}}, in one grouped query."""
    if not run_ids:
        return {}
    rows = db.session.execute(
        sa.select(Proposal.run_id, Proposal.status, sa.func.count(Proposal.id))
        .where(Proposal.run_id.in_(run_ids)).group_by(Proposal.run_id, Proposal.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for run_id, status, n in rows:
        counts.setdefault(run_id, {})[status] = n
    return counts


@bp.route("/")
@roles(*RUNNERS)
def list_runs():
    query = (sa.select(MatchRun).options(joinedload(MatchRun.product), joinedload(MatchRun.started_by))
             .order_by(MatchRun.started_at.desc(), MatchRun.id.desc()))
    page = db.paginate(query, page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE,
                       error_out=False)
    return render_template("matching/list.html", page=page, counts=proposal_counts([r.id for r in page.items]),
                           statuses=PROPOSAL_STATUS_LABELS, run_status=RUN_STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles(*RUNNERS)
def start_run():
    form = RunForm()
    form.product_id.choices = product_choices(active_products())
    if request.method == "GET":
        form.season.data = next_season(date.today())
    elif form.validate_on_submit():
        try:
            run = queue_run(current_user, form.product_id.data, form.season.data, date.today())
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            jobs.submit(execute_run, fail_run, run.id, date.today())
            return redirect(url_for("matching.show_run", run_id=run.id))
    return render_template("matching/form.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/<int:run_id>")
@roles(*RUNNERS)
def show_run(run_id):
    """A run's progress; the page refreshes itself (no script) until the run has finished."""
    run = db.session.get(MatchRun, run_id)
    if run is None:
        abort(404)
    steps = [phase[0] for phase in PHASES]
    reached = steps.index(run.phase) if run.phase in steps else len(steps) - 1
    return render_template("matching/show.html", run=run, phases=PHASES, reached=reached,
                           counts=proposal_counts([run.id]).get(run.id, {}), statuses=PROPOSAL_STATUS_LABELS,
                           run_status=RUN_STATUS_LABELS)
