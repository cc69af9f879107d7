"""Changing a contract in force: an amendment is a new version both sign again; cancellation needs both sides.

Nothing signed is changed in place. An amendment copies the frozen terms with
the new kg, window or prices into a new version (with its own fingerprint, and
the fingerprint it amends); the old version stays in force until both sign the
new one, and then becomes superseded. Cancelling a contract in force takes one
side's request with a reason and the other side's agreement.
"""
import copy
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from marketplace.domain.contracts import HOLDS_SUPPLY, IN_FORCE, SIGNABLE, contract_transition, fingerprint
from marketplace.domain.errors import DomainError
from marketplace.domain.listings import check_window
from marketplace.domain.terms import SHARE_COOP
from marketplace.extensions import db
from marketplace.models import Contract, Harvest, User
from marketplace.models.base import utcnow
from marketplace.services.audit import record_action
from marketplace.services.contracts import party_of, tell_parties
from marketplace.services.orders import terms_from_json

#: Prices above this (fen per kg, i.e. 100,000 yuan) or a base above this per mu are typing mistakes.
MAX_PRICE_FEN = 10_000_000


@dataclass(frozen=True)
class AmendmentInput:
    kg: int
    delivery_start: date
    delivery_end: date
    #: Grade rank -> fen per kg: the contract price, floor or base price of each grade (per-kg terms).
    prices: dict[int, int] = field(default_factory=dict)
    #: Share cooperation: the base paid per mu, in fen.
    base_fen_per_mu: int | None = None


def _locked(contract_id: int) -> Contract | None:
    return db.session.scalar(sa.select(Contract).where(Contract.id == contract_id).with_for_update())


def _acting_for(actor: User, contract: Contract) -> User | None:
    return db.session.get(User, contract.farmer_id) if actor.role == "coop_manager" else None


def pending_amendment(contract: Contract) -> Contract | None:
    return db.session.scalar(sa.select(Contract).where(Contract.amends_id == contract.id,
                                                       Contract.status.in_(SIGNABLE)))


def supply_left(contract: Contract) -> int:
    """The harvest's expected kg not held by other contracts (this one and its amendments aside)."""
    harvest = db.session.get(Harvest, contract.harvest_id)
    others = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Contract.kg), 0)).where(
            Contract.harvest_id == contract.harvest_id, Contract.status.in_(HOLDS_SUPPLY),
            Contract.id != contract.id, sa.or_(Contract.amends_id.is_(None), Contract.amends_id != contract.id)))
    return harvest.expected_kg - others


def amended_terms(contract: Contract, data: AmendmentInput, version: int) -> dict:
    terms = copy.deepcopy(contract.terms)
    price_terms = terms["price_terms"]
    if price_terms["type"] == SHARE_COOP:
        if data.base_fen_per_mu is not None:
            price_terms["base_fen_per_mu"] = data.base_fen_per_mu
    elif data.prices:
        price_terms["prices"] = {str(rank): fen for rank, fen in sorted(data.prices.items())}
    terms.update(kg=data.kg, version=version, amends=contract.fingerprint)
    terms["delivery"].update(start=data.delivery_start.isoformat(), end=data.delivery_end.isoformat())
    return terms


def _check_amendment(contract: Contract, data: AmendmentInput, today: date) -> None:
    if data.kg <= 0:
        raise DomainError("kg_not_positive", field="kg")
    left = supply_left(contract)
    if data.kg > left:
        raise DomainError("amendment_over_supply", field="kg", left=left)
    check_window(data.delivery_start, data.delivery_end, today, field="delivery_start")
    price_terms = contract.terms["price_terms"]
    if price_terms["type"] == SHARE_COOP:
        if data.base_fen_per_mu is not None and not 0 < data.base_fen_per_mu <= MAX_PRICE_FEN:
            raise DomainError("price_out_of_range", field="base_fen_per_mu")
    elif data.prices:
        if set(data.prices) != {int(rank) for rank in price_terms["prices"]}:
            raise DomainError("grade_not_of_product", field="prices")
        if any(not isinstance(fen, int) or not 0 < fen <= MAX_PRICE_FEN for fen in data.prices.values()):
            raise DomainError("price_out_of_range", field="prices")


def amend_contract(actor: User, contract_id: int, data: AmendmentInput, today: date) -> Contract:
    """Propose a new version of a contract in force; it binds once both parties sign it."""
    contract = _locked(contract_id)
    party = party_of(actor, contract) if contract else None
    if party is None:
        raise DomainError("not_yours")
    if contract.status not in IN_FORCE:
        raise DomainError("contract_not_amendable")
    if pending_amendment(contract) is not None:
        raise DomainError("amendment_pending")
    _check_amendment(contract, data, today)
    version = db.session.scalar(sa.select(sa.func.max(Contract.version))
                                .where(Contract.proposal_id == contract.proposal_id)) + 1
    terms = amended_terms(contract, data, version)
    terms_from_json(terms["price_terms"]["type"], terms["price_terms"])  # the engine must accept the new terms
    unchanged = {k: v for k, v in terms.items() if k not in ("version", "amends")} == \
        {k: v for k, v in contract.terms.items() if k not in ("version", "amends")}
    if unchanged:
        raise DomainError("amendment_no_change")
    amendment = Contract(proposal_id=contract.proposal_id, version=version, harvest_id=contract.harvest_id,
                         order_id=contract.order_id, farmer_id=contract.farmer_id,
                         processor_id=contract.processor_id, kg=data.kg, status="draft", terms=terms,
                         fingerprint=fingerprint(terms), amends_id=contract.id)
    db.session.add(amendment)
    db.session.flush()
    record_action(actor, "amend_contract", on_behalf_of=_acting_for(actor, contract),
                  detail=f"contract:{contract.id} -> {amendment.id}",
                  before={k: v for k, v in contract.terms.items() if terms.get(k) != v},
                  after={k: v for k, v in terms.items() if contract.terms.get(k) != v})
    tell_parties(amendment, "contract_amended", except_party=party)
    return amendment


def request_cancellation(actor: User, contract_id: int, reason: str) -> Contract:
    """One side asks to cancel a contract in force, with a reason; the other side must agree."""
    contract = _locked(contract_id)
    party = party_of(actor, contract) if contract else None
    if party is None:
        raise DomainError("not_yours")
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    if contract.status not in IN_FORCE:
        raise DomainError("contract_not_in_force")
    if contract.cancel_requested_by is not None:
        raise DomainError("cancellation_pending")
    contract.cancel_requested_by, contract.cancel_requested_at = party, utcnow()
    contract.cancel_reason = reason.strip()[:300]
    db.session.flush()
    record_action(actor, "request_cancellation", on_behalf_of=_acting_for(actor, contract),
                  detail=f"contract:{contract.id}")
    tell_parties(contract, "contract_cancel_requested", except_party=party)
    return contract


def answer_cancellation(actor: User, contract_id: int, agree: bool) -> Contract:
    """The other side agrees (the contract is cancelled, with any pending amendment) or refuses."""
    contract = _locked(contract_id)
    party = party_of(actor, contract) if contract else None
    if party is None:
        raise DomainError("not_yours")
    if contract.status not in IN_FORCE or contract.cancel_requested_by is None:
        raise DomainError("no_cancellation_request")
    if contract.cancel_requested_by == party:
        raise DomainError("own_cancellation_request")
    if agree:
        contract.status = contract_transition(contract.status, "cancelled")
        amendment = pending_amendment(contract)
        if amendment is not None:
            amendment.status = contract_transition(amendment.status, "cancelled")
            amendment.cancel_reason = contract.cancel_reason
    else:
        contract.cancel_requested_by = contract.cancel_requested_at = None
        contract.cancel_reason = None
    db.session.flush()
    record_action(actor, "agree_cancellation" if agree else "refuse_cancellation",
                  on_behalf_of=_acting_for(actor, contract), detail=f"contract:{contract.id}")
    if agree:
        tell_parties(contract, "contract_cancelled", except_party=party)
    return contract
