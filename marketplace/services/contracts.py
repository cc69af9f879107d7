"""Contracts: a draft when both sides accept a proposal (terms frozen and fingerprinted), then signatures."""
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from marketplace.domain.contracts import (
    CONSENT_METHODS, IN_FORCE, SIGNABLE, canonical_json, contract_transition, fingerprint, status_after_signature,
)
from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Contract, ContractOrder, Proposal, Signature, User
from marketplace.services.audit import record_action
from marketplace.services.members import manages


def frozen_terms(proposal: Proposal) -> dict:
    """Everything the contract promises, in integers (fen, kg, basis points), as of now."""
    harvest, order = proposal.harvest, proposal.order
    return {
        "version": 1,
        "proposal": proposal.id,
        "farmer": {"id": harvest.farmer_id, "name": harvest.farmer.name},
        "processor": {"id": order.processor_id, "name": order.processor.company_name, "uscc": order.processor.uscc},
        "product": order.product.code,
        "kg": proposal.kg,
        "grade": harvest.grade.rank,
        "harvest": {"id": harvest.id, "county": harvest.county.code, "township": harvest.township.code,
                    "area_tenth_mu": int(harvest.area_mu * 10)},
        "delivery": {"start": order.delivery_start.isoformat(), "end": order.delivery_end.isoformat(),
                     "point": order.collection_point, "county": order.collection_county.code},
        "price_terms": {"type": order.term_type, **order.terms},
        "advances_fen_per_mu": {"seed": order.advance_seed_fen_per_mu,
                                "fertiliser": order.advance_fertiliser_fen_per_mu,
                                "cash": order.advance_cash_fen_per_mu},
        "coop_fee_bp": order.coop_fee_bp,
        "risk_levy_bp": order.risk_levy_bp,
        "breach": {"short_delivery_bp": order.short_delivery_penalty_bp, "refusal_bp": order.refusal_penalty_bp},
    }


def create_contract_draft(proposal: Proposal) -> Contract:
    terms = frozen_terms(proposal)
    canonical_json(terms)  # refuses floats before anything is stored
    contract = Contract(proposal_id=proposal.id, version=1, harvest_id=proposal.harvest_id,
                        order_id=proposal.order_id, farmer_id=proposal.harvest.farmer_id,
                        processor_id=proposal.order.processor_id, kg=proposal.kg, status="draft", terms=terms,
                        fingerprint=fingerprint(terms))
    db.session.add(contract)
    db.session.flush()
    return contract


@dataclass(frozen=True)
class SigningInput:
    password: str
    consent: bool
    ip_address: str | None
    user_agent: str | None
    #: When a co-op manager signs for a member: how the member consented, and who witnessed it.
    consent_method: str = "self"
    witness: str = ""


def party_of(actor: User, contract: Contract) -> str | None:
    """The party the actor may sign or act for: their own, or a member's for a co-op manager."""
    if actor.role == "farmer" and contract.farmer_id == actor.id:
        return "farmer"
    if actor.role == "coop_manager" and manages(actor, contract.farmer_id):
        return "farmer"
    if actor.role == "processor" and actor.processor_id == contract.processor_id:
        return "processor"
    return None


def contract_for(actor: User, contract_id: int) -> Contract | None:
    """A contract of the actor's (or, for a co-op manager, of a member); a third party gets None (404). Its order
    and product come with it (every contract page shows them)."""
    contract = db.session.get(Contract, contract_id,
                              options=[sa.orm.joinedload(Contract.order).joinedload(ContractOrder.product)])
    if contract is None or party_of(actor, contract) is None:
        return None
    return contract


def sign_contract(actor: User, contract_id: int, data: SigningInput) -> Signature:
    """Sign for one party: the actor's own password, a ticked consent, and the fingerprint as it stands."""
    contract = db.session.scalar(sa.select(Contract).where(Contract.id == contract_id).with_for_update())
    party = party_of(actor, contract) if contract else None
    if party is None:
        raise DomainError("not_yours")
    if actor.password_hash is None or not check_password_hash(actor.password_hash, data.password or ""):
        raise DomainError("wrong_password", field="password")
    if not data.consent:
        raise DomainError("consent_required", field="consent")
    if contract.status not in SIGNABLE:
        raise DomainError("contract_not_signable")
    base = None
    if contract.amends_id is not None:  # an amendment replaces a version in force, or nothing at all
        base = db.session.scalar(sa.select(Contract).where(Contract.id == contract.amends_id).with_for_update())
        if base.status not in IN_FORCE:
            raise DomainError("contract_not_signable")
    for_member = actor.role == "coop_manager"
    if for_member and (data.consent_method not in CONSENT_METHODS or not data.witness.strip()):
        raise DomainError("member_consent_required", field="consent_method")
    signed = set(db.session.scalars(sa.select(Signature.party).where(Signature.contract_id == contract.id)))
    if party in signed:
        raise DomainError("already_signed")
    signature = Signature(
        contract_id=contract.id, party=party, signed_by_id=actor.id,
        on_behalf_of_id=contract.farmer_id if for_member else None,
        consent_method=data.consent_method if for_member else "self",
        witness=data.witness.strip()[:80] if for_member else None,
        fingerprint=contract.fingerprint, ip_address=(data.ip_address or "")[:45] or None,
        user_agent=(data.user_agent or "")[:300] or None,
    )
    db.session.add(signature)
    status_before = contract.status
    contract.status = status_after_signature(contract.status, signed | {party})
    if contract.status == "active" and base is not None:
        if base.status == "in_delivery":  # deliveries go on under the new version
            contract.status = contract_transition(contract.status, "in_delivery")
        base.status = contract_transition(base.status, "superseded")
    db.session.flush()
    record_action(actor, "sign_contract", on_behalf_of=db.session.get(User, contract.farmer_id) if for_member else None,
                  detail=f"contract:{contract.id} {contract.fingerprint[:16]}",
                  before={"status": status_before}, after={"status": contract.status, "party": party,
                                                          "fingerprint": contract.fingerprint})
    if contract.status in IN_FORCE:
        tell_parties(contract, "contract_active", except_party=party)
    else:
        tell_parties(contract, "contract_to_sign", except_party=party)
    return signature


def withdraw_contract(actor: User, contract_id: int, reason: str) -> Contract:
    """Before both parties have signed, either may withdraw, with a reason."""
    contract = db.session.scalar(sa.select(Contract).where(Contract.id == contract_id).with_for_update())
    if contract is None or party_of(actor, contract) is None:
        raise DomainError("not_yours")
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    if contract.status not in SIGNABLE:
        raise DomainError("contract_not_signable")
    party = party_of(actor, contract)
    contract.status = contract_transition(contract.status, "cancelled")
    contract.cancel_reason = reason.strip()[:300]
    db.session.flush()
    record_action(actor, "withdraw_contract",
                  on_behalf_of=db.session.get(User, contract.farmer_id) if actor.role == "coop_manager" else None,
                  detail=f"contract:{contract.id}")
    tell_parties(contract, "contract_withdrawn", except_party=party)
    return contract


def contract_params(contract: Contract) -> dict:
    return {"number": contract.number, "kg": contract.kg, "product": dict(contract.order.product.names),
            "contract": contract.id}


def tell_parties(contract: Contract, kind: str, except_party: str | None = None) -> None:
    """Notify each side of the contract (the farmer, or the co-op for a member without a phone) but one."""
    from marketplace.services.notifications import notify_farmer_side, notify_processor_side

    params, link = contract_params(contract), f"/contracts/{contract.id}"
    if except_party != "farmer":
        notify_farmer_side(db.session.get(User, contract.farmer_id), kind, params, link)
    if except_party != "processor":
        notify_processor_side(contract.processor_id, kind, params, link)
