"""Signing a contract: each party once, with its own password and consent; a member through the co-op, on record."""
from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.domain.contracts import contract_transition
from marketplace.domain.errors import DomainError, InvalidTransition
from marketplace.models import ActionRecord, Signature
from marketplace.services.contracts import contract_for, sign_contract, withdraw_contract
from tests.conftest import signing

TODAY = date.today()


@pytest.fixture(autouse=True)
def app_context(app):
    """The services notify through the app's messenger."""
    with app.app_context():
        yield


def test_both_parties_sign_and_the_contract_becomes_active(db, contract_of):
    c = contract_of["contract"]
    first = sign_contract(contract_of["farmer"], c.id, signing())
    assert c.status == "awaiting_signatures" and first.fingerprint == c.fingerprint
    assert first.ip_address == "10.1.2.3" and first.user_agent == "Test phone" and first.consent_method == "self"
    sign_contract(contract_of["buyer"], c.id, signing())
    assert c.status == "active"
    assert {s.party for s in db.session.scalars(sa.select(Signature).where(Signature.contract_id == c.id))} == {
        "farmer", "processor"}


def test_bad_signatures_are_refused_and_nothing_changes(db, contract_of, create_farmer):
    c = contract_of["contract"]
    cases = [
        (contract_of["farmer"], signing(password="wrong-password"), "wrong_password"),
        (contract_of["farmer"], signing(consent=False), "consent_required"),
        (create_farmer(), signing(), "not_yours"),
        (contract_of["manager"], signing(), "member_consent_required"),
    ]
    for actor, data, code in cases:
        with pytest.raises(DomainError) as err:
            sign_contract(actor, c.id, data)
        assert err.value.code == code
    assert c.status == "draft"
    sign_contract(contract_of["farmer"], c.id, signing())
    with pytest.raises(DomainError) as err:
        sign_contract(contract_of["farmer"], c.id, signing())
    assert err.value.code == "already_signed"


def test_a_manager_signs_for_a_member_with_how_they_consented(db, contract_of):
    c = contract_of["contract"]
    sig = sign_contract(contract_of["manager"], c.id, signing(consent_method="in_person_thumbprint",
                                                             witness="村委会 王书记"))
    assert sig.party == "farmer" and sig.on_behalf_of_id == contract_of["farmer"].id and sig.witness == "村委会 王书记"
    act = db.session.scalar(sa.select(ActionRecord).where(ActionRecord.action == "sign_contract"))
    assert act.actor_id == contract_of["manager"].id and act.on_behalf_of_id == contract_of["farmer"].id


def test_withdraw_before_both_signed_then_nothing_more(db, contract_of):
    c = contract_of["contract"]
    sign_contract(contract_of["farmer"], c.id, signing())
    with pytest.raises(DomainError):
        withdraw_contract(contract_of["buyer"], c.id, "  ")
    withdraw_contract(contract_of["buyer"], c.id, "价格变化")
    assert c.status == "cancelled" and c.cancel_reason == "价格变化"
    with pytest.raises(DomainError) as err:
        sign_contract(contract_of["buyer"], c.id, signing())
    assert err.value.code == "contract_not_signable"


def test_a_third_party_does_not_find_the_contract(contract_of, create_farmer, create_processor, create_coop):
    c = contract_of["contract"]
    for stranger in (create_farmer(), create_processor(), create_coop()):
        assert contract_for(stranger, c.id) is None
    assert contract_for(contract_of["manager"], c.id) is c


def test_every_illegal_transition_raises():
    from marketplace.domain.contracts import CONTRACT_STATUSES, CONTRACT_TRANSITIONS

    for current in CONTRACT_STATUSES:
        for target in CONTRACT_STATUSES:
            if (current, target) in CONTRACT_TRANSITIONS:
                assert contract_transition(current, target) == target
            else:
                with pytest.raises(InvalidTransition):
                    contract_transition(current, target)
