"""Amendments (a new version both sign; the old one superseded) and cancellation by agreement of both."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.models import ActionRecord, Contract, Notification, Signature
from marketplace.services.contract_changes import (
    AmendmentInput, amend_contract, answer_cancellation, request_cancellation,
)
from marketplace.services.contracts import sign_contract, withdraw_contract
from tests.conftest import signing

TODAY = date.today()


@pytest.fixture(autouse=True)
def app_context(app):
    """The services notify through the app's messenger."""
    with app.app_context():
        yield


@pytest.fixture
def active(db, contract_of):
    c = contract_of["contract"]
    sign_contract(contract_of["farmer"], c.id, signing())
    sign_contract(contract_of["buyer"], c.id, signing())
    assert c.status == "active"
    return contract_of


def change(contract, **over):
    d = contract.terms["delivery"]
    data = {"kg": contract.kg, "delivery_start": date.fromisoformat(d["start"]),
            "delivery_end": date.fromisoformat(d["end"]), "prices": {}}
    data.update(over)
    return AmendmentInput(**data)


def test_an_amendment_is_a_new_version_that_supersedes_the_old_once_both_sign(db, active):
    old = active["contract"]
    old_terms, old_fp = dict(old.terms), old.fingerprint
    new = amend_contract(active["buyer"], old.id, change(old, kg=800), TODAY)
    assert (new.version, new.amends_id, new.status, new.kg) == (2, old.id, "draft", 800)
    assert new.terms["amends"] == old_fp and new.fingerprint != old_fp
    assert old.status == "active" and old.terms == old_terms and old.fingerprint == old_fp
    sign_contract(active["buyer"], new.id, signing())
    assert old.status == "active"  # in force until both sign the new version
    sign_contract(active["manager"], new.id, signing(consent_method="phone_witness", witness="村委会 王书记"))
    assert (new.status, old.status) == ("active", "superseded")
    # Signing the amended-away version is refused; its signatures are untouched.
    with pytest.raises(DomainError) as err:
        sign_contract(active["farmer"], old.id, signing())
    assert err.value.code == "contract_not_signable"
    assert db.session.scalar(sa.select(sa.func.count(Signature.id)).where(Signature.contract_id == old.id)) == 2
    assert db.session.scalar(sa.select(ActionRecord).where(ActionRecord.action == "amend_contract")).actor_id == \
        active["buyer"].id


def test_a_price_amendment_changes_only_the_price(db, active):
    old = active["contract"]
    prices = {int(k): v + 100 for k, v in old.terms["price_terms"]["prices"].items()}
    new = amend_contract(active["farmer"], old.id, change(old, prices=prices), TODAY)
    assert new.terms["price_terms"]["prices"] == {str(k): v for k, v in prices.items()}
    assert new.terms["kg"] == old.terms["kg"] and new.terms["delivery"] == old.terms["delivery"]


@pytest.mark.parametrize("over, code", [
    ({"kg": 1001}, "amendment_over_supply"),
    ({"kg": 0}, "kg_not_positive"),
    ({"kg": -5}, "kg_not_positive"),
    ({}, "amendment_no_change"),
    ({"delivery_end": TODAY - timedelta(days=1), "delivery_start": TODAY - timedelta(days=9)}, "window_in_past"),
    ({"prices": {1: 0}}, "grade_not_of_product"),
])
def test_bad_amendments_are_refused(db, active, over, code):
    old = active["contract"]
    if "prices" in over:
        over = {"prices": {int(k): 0 for k in old.terms["price_terms"]["prices"]} | {99: 5}}
    with pytest.raises(DomainError) as err:
        amend_contract(active["farmer"], old.id, change(old, **over), TODAY)
    assert err.value.code == code
    assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 1


def test_zero_prices_and_a_second_pending_amendment_and_a_third_party_are_refused(db, active, create_farmer):
    old = active["contract"]
    zero = {int(k): 0 for k in old.terms["price_terms"]["prices"]}
    with pytest.raises(DomainError) as err:
        amend_contract(active["farmer"], old.id, change(old, prices=zero), TODAY)
    assert err.value.code == "price_out_of_range"
    with pytest.raises(DomainError) as err:
        amend_contract(create_farmer(), old.id, change(old, kg=900), TODAY)
    assert err.value.code == "not_yours"
    amend_contract(active["farmer"], old.id, change(old, kg=900), TODAY)
    with pytest.raises(DomainError) as err:
        amend_contract(active["buyer"], old.id, change(old, kg=700), TODAY)
    assert err.value.code == "amendment_pending"


def test_a_withdrawn_amendment_leaves_the_old_version_in_force_and_cannot_be_signed(db, active):
    old = active["contract"]
    new = amend_contract(active["farmer"], old.id, change(old, kg=900), TODAY)
    withdraw_contract(active["buyer"], new.id, "价格不合适")
    assert (new.status, old.status) == ("cancelled", "active")
    with pytest.raises(DomainError) as err:
        sign_contract(active["farmer"], new.id, signing())
    assert err.value.code == "contract_not_signable"
    # A new amendment may follow, with the next version number.
    again = amend_contract(active["farmer"], old.id, change(old, kg=950), TODAY)
    assert again.version == 3


def test_a_draft_cannot_be_amended(db, contract_of):
    c = contract_of["contract"]
    with pytest.raises(DomainError) as err:
        amend_contract(contract_of["farmer"], c.id, change(c, kg=900), TODAY)
    assert err.value.code == "contract_not_amendable"


def test_cancellation_needs_the_other_side(db, active):
    c = active["contract"]
    with pytest.raises(DomainError) as err:
        request_cancellation(active["farmer"], c.id, " ")
    assert err.value.code == "reason_required"
    request_cancellation(active["farmer"], c.id, "冰雹毁了大半")
    assert c.cancel_requested_by == "farmer" and c.status == "active"
    for actor, code in ((active["farmer"], "own_cancellation_request"), (active["manager"], "own_cancellation_request")):
        with pytest.raises(DomainError) as err:
            answer_cancellation(actor, c.id, True)
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        request_cancellation(active["buyer"], c.id, "again")
    assert err.value.code == "cancellation_pending"
    answer_cancellation(active["buyer"], c.id, False)
    assert c.status == "active" and c.cancel_requested_by is None
    request_cancellation(active["buyer"], c.id, "工厂停产")
    pending = amend_contract(active["farmer"], c.id, change(c, kg=500), TODAY)
    answer_cancellation(active["farmer"], c.id, True)
    assert (c.status, c.cancel_reason, pending.status) == ("cancelled", "工厂停产", "cancelled")
    kinds = set(db.session.scalars(sa.select(Notification.kind)))
    assert {"contract_cancel_requested", "contract_cancelled", "contract_active"} <= kinds


def test_a_draft_cannot_be_cancelled_by_request(db, contract_of):
    with pytest.raises(DomainError) as err:
        request_cancellation(contract_of["farmer"], contract_of["contract"].id, "不想要了")
    assert err.value.code == "contract_not_in_force"
