"""`flask payouts reconcile`: finish payouts left pending (after a crash, or while Stripe did not answer)."""
import sys

import click
from flask.cli import AppGroup

payouts = AppGroup("payouts", help="Payouts to co-operative members.")


@payouts.command("reconcile")
def reconcile_command():
    """Post approved payouts not yet posted and send Stripe transfers not yet made; exit 1 if any still wait."""
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.models import PayoutBatch, PayoutItem
    from marketplace.services import payouts as service

    done = service.reconcile()
    db.session.commit()
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(PayoutItem).join(PayoutBatch, PayoutBatch.id == PayoutItem.batch_id)
        .where(PayoutBatch.status == "approved", PayoutItem.status == "pending"))
    click.echo(f"finished: {done}, still waiting: {waiting}")
    if waiting:
        sys.exit(1)
