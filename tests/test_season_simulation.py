"""A whole season through the services: every phase does its work and the ledger checks out."""
import json

import sqlalchemy as sa

from marketplace.models import Delivery, PayoutBatch, Rebate, SettlementLine, SurplusDistribution


def test_a_small_season_runs_end_to_end_and_the_books_balance(app, db):
    result = app.test_cli_runner().invoke(args=["season", "simulate", "--farmers", "60", "--seed", "7", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["ledger_ok"] is True and report["farmers"] == 60
    counts = report["counts"]
    assert counts["matching"] > 0 and counts["signing"] == 2 * counts["agreeing"]
    assert counts["settlement"] > 0 and counts["payouts"] > 0
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.outcome == "rejected")) >= 1
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.corrects_id.is_not(None))) >= 1
    assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id))) == counts["settlement"]
    assert db.session.scalar(sa.select(sa.func.count(PayoutBatch.id)).where(PayoutBatch.status == "approved")) >= 1
    assert db.session.scalar(sa.select(sa.func.count(Rebate.id))) >= 1
    assert db.session.scalar(sa.select(sa.func.count(SurplusDistribution.id))) >= 1
