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


def test_with_stripe_configured_some_invoices_are_paid_by_card(app, db, stripe_on):
    """Against localstripe: half the invoices by card, each intent posted once; the books balance."""
    from marketplace.models import Invoice, Payment

    result = app.test_cli_runner().invoke(args=["season", "simulate", "--farmers", "40", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["ledger_ok"] is True
    by_card = db.session.scalars(sa.select(Payment).where(Payment.method == "stripe")).all()
    assert by_card and len({p.reference for p in by_card}) == len(by_card)
    assert all(p.reference.startswith("pi_") for p in by_card)
    assert db.session.scalar(sa.select(sa.func.count(Payment.id)).where(Payment.method == "bank")) >= 1
    assert not db.session.scalar(sa.select(Invoice.id).where(Invoice.status == "open", Invoice.run_id.is_not(None)))
