"""`flask season simulate`: a whole season through the services on the configured database."""
import json
import sys
from datetime import date

import click
from flask.cli import AppGroup

season = AppGroup("season", help="Whole seasons, simulated.")


@season.command("simulate")
@click.option("--farmers", type=click.IntRange(1, 200_000), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def simulate_command(farmers, seed, as_json):
    """People, listings, matching, contracts, deliveries, settlement, payments, payouts, a rebate, the surplus."""
    from marketplace.services.ledger import check_ledger
    from marketplace.services.simulation import Season

    def progress(label, items):
        items = list(items)
        with click.progressbar(items, label=f"{label:<11}", file=sys.stderr, show_pos=True) as bar:
            yield from bar

    report = Season(farmers, seed, date.today(), progress=None if as_json else progress).run()
    ledger = check_ledger()
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "ledger_ok": ledger.ok, "ledger_entries": ledger.entries}))
    else:
        for phase, seconds in report.seconds.items():
            click.echo(f"{phase:<11} {report.counts[phase]:>8}  {seconds:8.2f} s")
        click.echo(f"ledger: {ledger.entries} entries, {ledger.postings} postings, "
                   f"{'ok' if ledger.ok else 'PROBLEMS'}")
    for problem in ledger.problems:
        click.echo(f"problem: {problem}", err=True)
    if not ledger.ok:
        sys.exit(1)
