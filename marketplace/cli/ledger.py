"""`flask ledger check`: the whole ledger balances, cached balances match, nothing floored is below zero."""
import sys

import click
from flask.cli import AppGroup

ledger = AppGroup("ledger", help="The double-entry ledger.")


@ledger.command("check")
def check_command():
    """Verify every entry and account; exit non-zero on any violation."""
    from marketplace.services.ledger import check_ledger

    report = check_ledger()
    click.echo(f"entries: {report.entries}, postings: {report.postings}, accounts: {report.accounts}")
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if not report.ok:
        sys.exit(1)
    click.echo("ledger ok")
