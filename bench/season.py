"""Season benchmark: a whole simulated season on PostgreSQL, phase by phase.

    .venv/bin/python -m bench.season [--farmers 1000,10000] [--seed 1] [--database URL]

For each size it makes a fresh database (`marketplace_bench` by default, on the
local PostgreSQL), migrates it, runs `Season` (marketplace/services/simulation.py)
and prints the seconds per phase, the ledger entries posted per second, and the
ratio of the whole season's time to a baseline run in the same process: posting
the same number of plain two-leg ledger entries straight through `ledger.post`,
which is the floor any settlement can reach. Goal: 10,000 farmers settled in
under 2 minutes on 2 cores. "Settled" is the settling itself, after the
deliveries: settlement runs, payments in, payouts out, the rebate and the
year-end surplus; the whole season (every person's own steps: agreeing,
signing, advances, weighing) is printed beside it.
"""
import argparse
import time
from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig
from marketplace import create_app

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_bench"
#: The phases that settle the season once the crop is delivered.
SETTLING = ("settlement", "payments", "payouts", "rebates", "surplus")


def fresh_database(url: str) -> None:
    admin_url, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def make_app(url: str):
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        TESTING = False

    return create_app(BenchConfig())


def baseline(entries: int) -> float:
    """Seconds to post `entries` plain two-leg entries through the ledger's one write path."""
    from marketplace.domain.ledger import AccountRef, Leg
    from marketplace.extensions import db
    from marketplace.services import ledger

    began = time.perf_counter()
    for i in range(entries):
        ledger.post(f"bench:{i}", "bench", [Leg(AccountRef("bank_clearing", 1 + i % 50), 100),
                                            Leg(AccountRef("coop_fee_income", 1 + i % 50), -100)])
        if i % 500 == 499:
            db.session.commit()
    db.session.commit()
    return time.perf_counter() - began


def run(farmers: int, seed: int, url: str) -> None:
    from marketplace.extensions import db
    from marketplace.models import JournalEntry
    from marketplace.services.ledger import check_ledger
    from marketplace.services.simulation import Season

    fresh_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade()
        report = Season(farmers, seed, date.today()).run()
        entries = db.session.scalar(sa.select(sa.func.count(JournalEntry.id)))
        ledger = check_ledger()
        base = baseline(entries)
    total = sum(report.seconds.values())
    money = sum(report.seconds[p] for p in ("advances", "settlement", "payments", "payouts", "rebates", "surplus"))
    settling = sum(report.seconds[p] for p in SETTLING)
    print(f"\n{farmers:,} farmers (seed {seed}), PostgreSQL")
    for phase, seconds in report.seconds.items():
        print(f"  {phase:<11} {report.counts[phase]:>8,}  {seconds:8.2f} s")
    print(f"  whole season {total:8.2f} s; ledger {entries:,} entries ({entries / money:,.0f} per second of money "
          f"phases), check {'ok' if ledger.ok else 'FAILED'}")
    print(f"  baseline: {entries:,} plain entries through ledger.post in {base:.2f} s "
          f"({entries / base:,.0f} per second); season / baseline = {total / base:.1f}x")
    print(f"  settling ({', '.join(SETTLING)}): {settling:.2f} s; settling / baseline = {settling / base:.2f}x")
    verdict = ("met" if settling < 120 else "not met") if farmers >= 10_000 else "n/a at this size"
    print(f"  goal (10,000 farmers settled in 120 s): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--farmers", default="1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=DEFAULT_DB)
    args = parser.parse_args()
    for size in (int(s) for s in args.farmers.split(",")):
        run(size, args.seed, args.database)


if __name__ == "__main__":
    main()
