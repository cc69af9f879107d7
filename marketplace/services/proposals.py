"""Proposals: each side (or the co-op for a member, on record) accepts or declines before the deadline.

When both have accepted, the harvest and the order are locked (SELECT … FOR UPDATE
on PostgreSQL, always harvest first, then order) and the agreed kg is checked against
what is left of each, so two acceptances at once can never over-allocate either.
"""
from datetime import date

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.listings import harvest_transition, order_transition
from marketplace.extensions import db
from marketplace.models import ContractOrder, Harvest, Proposal, User
from marketplace.models.base import utcnow
from marketplace.services.audit import record_action
from marketplace.services.contracts import create_contract_draft
from marketplace.services.members import manages
from marketplace.services.notifications import notify_farmer, notify_processor


def side_of(actor: User, proposal: Proposal) -> str | None:
    """"farmer" or "processor" when the actor may answer for that side, else None."""
    if actor.role == "farmer" and proposal.harvest.farmer_id == actor.id:
        return "farmer"
    if actor.role == "coop_manager" and manages(actor, proposal.harvest.farmer_id):
        return "farmer"
    if actor.role == "processor" and actor.processor_id == proposal.order.processor_id:
        return "processor"
    return None


def proposal_for(actor: User, proposal_id: int) -> Proposal | None:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or side_of(actor, proposal) is None:
        return None
    return proposal


def agreed_kg(column, row_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Proposal.kg), 0))
                             .where(column == row_id, Proposal.status == "accepted"))


def decide(actor: User, proposal_id: int, accept: bool, today: date) -> Proposal:
    # Lock the proposal first: two answers to the same proposal are applied one after the other.
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.id == proposal_id).with_for_update())
    side = side_of(actor, proposal) if proposal else None
    if side is None:
        raise DomainError("not_yours")
    if proposal.status != "pending":
        raise DomainError("proposal_closed")
    if proposal.deadline < today:
        proposal.status = "expired"
        db.session.flush()
        raise DomainError("proposal_expired")
    if getattr(proposal, f"{side}_decision") is not None:
        raise DomainError("proposal_already_answered")
    setattr(proposal, f"{side}_decision", "accepted" if accept else "declined")
    setattr(proposal, f"{side}_decided_by_id", actor.id)
    setattr(proposal, f"{side}_decided_at", utcnow())
    if actor.role == "coop_manager":
        record_action(actor, "accept_proposal" if accept else "decline_proposal",
                      on_behalf_of=proposal.harvest.farmer, detail=f"proposal:{proposal.id}")
    if not accept:
        proposal.status = "declined"
        db.session.flush()
        _tell_other_side(proposal, side, "proposal_declined")
        return proposal
    if proposal.farmer_decision == "accepted" and proposal.processor_decision == "accepted":
        _agree(proposal)
    db.session.flush()
    return proposal


def _agree(proposal: Proposal) -> None:
    harvest = db.session.scalar(sa.select(Harvest).where(Harvest.id == proposal.harvest_id).with_for_update())
    order = db.session.scalar(sa.select(ContractOrder).where(ContractOrder.id == proposal.order_id).with_for_update())
    if agreed_kg(Proposal.harvest_id, harvest.id) + proposal.kg > harvest.expected_kg:
        raise DomainError("over_allocated")
    if agreed_kg(Proposal.order_id, order.id) + proposal.kg > order.kg_wanted:
        raise DomainError("over_allocated")
    proposal.status = "accepted"
    db.session.flush()
    harvest_kg, order_kg = agreed_kg(Proposal.harvest_id, harvest.id), agreed_kg(Proposal.order_id, order.id)
    target = "contracted" if harvest_kg >= harvest.expected_kg else "partly_matched"
    if harvest.status != target:
        harvest.status = harvest_transition(harvest.status, target)
    target = "filled" if order_kg >= order.kg_wanted else "partly_matched"
    if order.status != target:
        order.status = order_transition(order.status, target)
    create_contract_draft(proposal)
    notify_farmer(harvest.farmer, "proposal_agreed", proposal)
    notify_processor(order.processor_id, "proposal_agreed", proposal)


def _tell_other_side(proposal: Proposal, side: str, kind: str) -> None:
    if side == "farmer":
        notify_processor(proposal.order.processor_id, kind, proposal)
    else:
        notify_farmer(proposal.harvest.farmer, kind, proposal)


def proposals_query(actor: User, status: str | None = None):
    query = sa.select(Proposal).options(
        sa.orm.joinedload(Proposal.harvest).joinedload(Harvest.farmer),
        sa.orm.joinedload(Proposal.harvest).joinedload(Harvest.grade),
        sa.orm.joinedload(Proposal.order).joinedload(ContractOrder.processor),
        sa.orm.joinedload(Proposal.order).joinedload(ContractOrder.product),
    )
    if actor.role == "farmer":
        query = query.join(Harvest, Harvest.id == Proposal.harvest_id).where(Harvest.farmer_id == actor.id)
    elif actor.role == "coop_manager":
        from marketplace.models import Membership

        members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == actor.cooperative_id)
        query = query.join(Harvest, Harvest.id == Proposal.harvest_id).where(Harvest.farmer_id.in_(members))
    elif actor.role == "processor":
        query = query.join(ContractOrder, ContractOrder.id == Proposal.order_id).where(
            ContractOrder.processor_id == actor.processor_id)
    else:
        query = query.where(sa.false())
    if status:
        query = query.where(Proposal.status == status)
    return query.order_by(Proposal.deadline, Proposal.id)
