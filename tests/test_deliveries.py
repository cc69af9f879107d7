"""Deliveries: weighing against a contract in force, the farmer's review, corrections, fulfilment, lot codes."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.domain import lotcodes
from marketplace.domain.errors import DomainError
from marketplace.models import Delivery, Notification
from marketplace.services import deliveries as svc
from marketplace.services.trace import trace


@pytest.fixture(autouse=True)
def app_context(app):
    """The services notify through the app's messenger and sign lot codes with its key."""
    with app.app_context():
        yield


def reading(ctx, **over):
    data = {"gross_grams": 310_000, "tare_grams": 10_000, "moisture_bp": 800, "impurity_bp": 300,
            "grade_id": ctx["grades"][1].id, "graded_by": "质检员 古丽", "delivered_on": ctx["day"]}
    data.update(over)
    return svc.DeliveryInput(**data)


def record(ctx, **over):
    return svc.record_delivery(ctx["manager"], ctx["contract"].id, reading(ctx, **over), ctx["day"])


def test_a_delivery_is_weighed_and_starts_deliveries(db, in_force):
    d = record(in_force)
    c = in_force["contract"]
    assert (d.net_grams, d.settlement_grams, d.outcome, d.state) == (300_000, 300_000, "accepted", "awaiting_farmer")
    assert c.status == "in_delivery" and svc.delivered_grams(c) == 300_000
    assert lotcodes.verify(svc.lot_key(), d.lot_code) == d.id
    assert db.session.scalar(sa.select(Notification.kind).where(Notification.user_id == in_force["farmer"].id)
                             .order_by(Notification.id.desc()).limit(1)) == "delivery_recorded"


def test_the_delivery_that_reaches_the_contracted_kg_fulfils_it(db, in_force):
    record(in_force, gross_grams=600_000)
    record(in_force, gross_grams=420_000)  # 590 + 410 = 1,000 kg in all
    assert in_force["contract"].status == "fulfilled"


def test_a_rejected_lot_has_no_lot_code_and_does_not_count(db, in_force):
    d = record(in_force, moisture_bp=1600)  # seed is rejected above 15 %
    assert (d.outcome, d.rejected_reason, d.settlement_grams, d.lot_code) == ("rejected", "moisture_over_reject", 0,
                                                                              None)
    assert svc.delivered_grams(in_force["contract"]) == 0 and in_force["contract"].status == "active"


@pytest.mark.parametrize("over, code", [
    ({"tare_grams": 400_000}, "tare_not_below_gross"),
    ({"moisture_bp": 10_001}, "percent_out_of_range"),
    ({"impurity_bp": -1}, "percent_out_of_range"),
    ({"gross_grams": -5}, "gross_out_of_range"),
    ({"graded_by": "  "}, "grader_required"),
])
def test_impossible_readings_are_refused_and_nothing_is_recorded(db, in_force, over, code):
    with pytest.raises(DomainError) as err:
        record(in_force, **over)
    assert err.value.code == code
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0


def test_out_of_window_and_over_the_contract_need_confirmation(db, in_force):
    c = in_force["contract"]
    start, end = svc.window_of(c)
    with pytest.raises(DomainError) as err:
        svc.record_delivery(in_force["manager"], c.id, reading(in_force, delivered_on=end + timedelta(days=1)),
                            end + timedelta(days=1))
    assert err.value.code == "outside_window_confirm"
    with pytest.raises(DomainError) as err:
        record(in_force, gross_grams=1_200_000)  # 1,190 kg against 1,000 contracted: over the 10 % tolerance
    assert err.value.code == "above_remaining_confirm"
    d = record(in_force, gross_grams=1_200_000, confirm_warning=True)
    assert d.confirmed_warning == "above_remaining" and in_force["contract"].status == "fulfilled"


def test_within_the_tolerance_no_confirmation_is_needed(db, in_force):
    d = record(in_force, gross_grams=1_110_000)  # 1,100 kg against 1,000: within 10 %
    assert d.confirmed_warning is None

def test_a_future_date_a_foreign_grade_a_stranger_and_a_contract_not_in_force(db, in_force, create_coop, products):
    with pytest.raises(DomainError) as err:
        record(in_force, delivered_on=in_force["day"] + timedelta(days=1))
    assert err.value.code == "delivery_in_future"
    with pytest.raises(DomainError) as err:
        record(in_force, grade_id=products["filament"].grades[0].id)
    assert err.value.code == "grade_not_of_product"
    with pytest.raises(DomainError) as err:
        svc.record_delivery(create_coop(), in_force["contract"].id, reading(in_force), in_force["day"])
    assert err.value.code == "not_yours"
    in_force["contract"].status = "cancelled"
    with pytest.raises(DomainError) as err:
        record(in_force)
    assert err.value.code == "delivery_contract_not_in_force"


def test_the_farmer_confirms_once_and_a_stranger_cannot(db, in_force, create_farmer):
    d = record(in_force)
    with pytest.raises(DomainError) as err:
        svc.confirm_delivery(create_farmer(), d.id)
    assert err.value.code == "not_yours"
    with pytest.raises(DomainError) as err:
        svc.confirm_delivery(in_force["manager"], d.id)  # the member has a phone: they answer themselves
    assert err.value.code == "not_yours"
    svc.confirm_delivery(in_force["farmer"], d.id)
    assert d.state == "confirmed"
    with pytest.raises(DomainError) as err:
        svc.dispute_delivery(in_force["farmer"], d.id, "too late")
    assert err.value.code == "delivery_already_answered"


def test_a_dispute_corrected_keeps_the_old_record_superseded(db, in_force):
    d = record(in_force, moisture_bp=1200)  # 300 kg × 88/92 = 286.957 kg
    assert d.settlement_grams == 286_957
    with pytest.raises(DomainError):
        svc.dispute_delivery(in_force["farmer"], d.id, "  ")
    svc.dispute_delivery(in_force["farmer"], d.id, "水分仪不准，我的籽很干")
    kinds = set(db.session.scalars(sa.select(Notification.kind).where(
        Notification.user_id.in_([in_force["manager"].id, in_force["buyer"].id]))))
    assert "delivery_disputed" in kinds
    with pytest.raises(DomainError) as err:
        svc.correct_delivery(in_force["farmer"], d.id, reading(in_force), in_force["day"])
    assert err.value.code == "not_yours"
    new = svc.correct_delivery(in_force["buyer"], d.id, reading(in_force, moisture_bp=800), in_force["day"])
    assert (d.state, new.corrects_id, new.settlement_grams, new.state) == ("superseded", d.id, 300_000,
                                                                           "awaiting_farmer")
    assert d.gross_grams == 310_000 and d.settlement_grams == 286_957  # the old record is unchanged
    assert svc.delivered_grams(in_force["contract"]) == 300_000
    with pytest.raises(DomainError) as err:
        svc.reject_dispute(in_force["manager"], d.id, "x")
    assert err.value.code == "delivery_not_disputed"


def test_a_dispute_rejected_with_a_reason(db, in_force):
    d = record(in_force)
    svc.dispute_delivery(in_force["farmer"], d.id, "等级应为一等")
    with pytest.raises(DomainError):
        svc.reject_dispute(in_force["manager"], d.id, "")
    svc.reject_dispute(in_force["manager"], d.id, "复检仍为一等，已当面说明")
    assert d.state == "dispute_rejected" and d.resolution_reason.startswith("复检")


def test_a_closed_window_is_delivered_short(db, in_force):
    record(in_force)
    _start, end = svc.window_of(in_force["contract"])
    assert svc.close_windows(end) == {"fulfilled": 0, "short_delivered": 0}
    assert svc.close_windows(end + timedelta(days=1)) == {"fulfilled": 0, "short_delivered": 1}
    assert in_force["contract"].status == "short_delivered"


def test_contract_search_by_number_name_and_phone(db, in_force, create_coop):
    c, m = in_force["contract"], in_force["manager"]
    assert svc.find_contracts(m, c.number) == [c]
    assert svc.find_contracts(m, in_force["farmer"].name[:2]) == [c]
    assert svc.find_contracts(m, in_force["farmer"].phone[3:]) == [c]
    assert svc.find_contracts(m, "%") == [] and svc.find_contracts(m, "") == []
    assert svc.find_contracts(create_coop(), c.number) == []


def test_trace_counts_checks_and_refuses_forgeries(db, in_force):
    d = record(in_force)
    facts = trace(lotcodes.display(d.lot_code).lower())
    assert facts.scans == 1 and facts.fingerprint_start == in_force["contract"].fingerprint[:12]
    assert trace(d.lot_code).scans == 2
    forged = d.lot_code[:-1] + ("0" if d.lot_code[-1] != "0" else "1")
    with pytest.raises(lotcodes.LotCodeError) as err:
        trace(forged)
    assert err.value.reason == "forged"
    assert trace(lotcodes.issue(svc.lot_key(), 999_999)) is None  # genuine shape, never issued


def test_the_close_windows_command(app, db, in_force):
    record(in_force)
    _start, end = svc.window_of(in_force["contract"])
    result = app.test_cli_runner().invoke(args=["contracts", "close-windows", "--today",
                                                (end + timedelta(days=1)).isoformat()])
    assert result.exit_code == 0 and "delivered short: 1" in result.output
    db.session.refresh(in_force["contract"])
    assert in_force["contract"].status == "short_delivered"
