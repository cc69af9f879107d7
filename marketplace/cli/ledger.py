"""`flask ledger check`: the whole ledger balances, cached balances match, nothing floored is below zero.
`flask ledger export DIR`: the books and the action record as CSV files for an auditor."""
import sys
from pathlib import Path

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


@ledger.command("export")
@click.argument("directory", type=click.Path(file_okay=False, writable=True))
def export_command(directory):
    """Write the books for an auditor into DIRECTORY: accounts, entries, postings and the action record, one
    CSV each (UTF-8), with a manifest of row counts and SHA-256 sums."""
    from marketplace.services.books import export_books

    manifest = export_books(Path(directory))
    for name, (rows, digest) in manifest.items():
        click.echo(f"{name}: {rows} rows, sha256 {digest}")
