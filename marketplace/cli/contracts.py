"""`flask contracts close-windows`: run daily (cron) to close contracts whose delivery window has ended."""
from datetime import date

import click
from flask.cli import AppGroup

contracts = AppGroup("contracts", help="Contracts and their deliveries.")


@contracts.command("close-windows")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to close windows as of (default: today).")
def close_windows_command(today):
    """Mark contracts whose window closed as fulfilled or delivered short."""
    from marketplace.extensions import db
    from marketplace.services.deliveries import close_windows

    counts = close_windows(today.date() if today else date.today())
    db.session.commit()
    click.echo(f"fulfilled: {counts['fulfilled']}, delivered short: {counts['short_delivered']}")
