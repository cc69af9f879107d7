"""What the delivery pages read: each side's list, a contract's deliveries, shortfalls and rejections."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.contracts import IN_FORCE
from marketplace.extensions import db
from marketplace.models import Contract, Delivery, Membership, User
from marketplace.services.deliveries import COUNTS


def _visible(query, actor: User, delivery=Delivery):
    if actor.role == "farmer":
        return query.where(delivery.farmer_id == actor.id)
    if actor.role == "coop_manager" and actor.cooperative_id is not None:
        return query.where(delivery.cooperative_id == actor.cooperative_id)
    if actor.role == "processor" and actor.processor_id is not None:
        return query.where(delivery.processor_id == actor.processor_id)
    return query.where(sa.false())


def deliveries_query(actor: User, state: str | None = None):
    query = sa.select(Delivery).options(joinedload(Delivery.grade), joinedload(Delivery.farmer),
                                        joinedload(Delivery.contract))
    query = _visible(query, actor)
    if state:
        query = query.where(Delivery.state == state)
    return query.order_by(Delivery.delivered_on.desc(), Delivery.id.desc())


def deliveries_of(contract: Contract) -> list[Delivery]:
    """Every weighing under any version of the contract, superseded records included, the latest first."""
    return list(db.session.scalars(sa.select(Delivery).options(joinedload(Delivery.grade))
                                   .where(Delivery.proposal_id == contract.proposal_id)
                                   .order_by(Delivery.delivered_on.desc(), Delivery.id.desc())))


@dataclass(frozen=True)
class Shortfall:
    contract: Contract
    farmer_name: str
    delivered_grams: int

    @property
    def short_grams(self) -> int:
        return max(self.contract.kg * 1000 - self.delivered_grams, 0)


def shortfalls(actor: User, today: date, limit: int = 200) -> list[Shortfall]:
    """Contracts delivered short, or in force with their window closed and kg still owed (the side-selling signal).

    One grouped query: delivered grams per contract number, joined to the contracts.
    """
    delivered = (sa.select(Delivery.proposal_id, sa.func.sum(Delivery.settlement_grams).label("grams"))
                 .where(COUNTS).group_by(Delivery.proposal_id).subquery())
    query = (sa.select(Contract, User.name, sa.func.coalesce(delivered.c.grams, 0))
             .join(User, User.id == Contract.farmer_id)
             .outerjoin(delivered, delivered.c.proposal_id == Contract.proposal_id)
             .where(sa.or_(Contract.status == "short_delivered", Contract.status.in_(IN_FORCE)))
             .where(sa.func.coalesce(delivered.c.grams, 0) < Contract.kg * 1000))
    if actor.role == "coop_manager":
        members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == actor.cooperative_id)
        query = query.where(Contract.farmer_id.in_(members))
    elif actor.role == "processor":
        query = query.where(Contract.processor_id == actor.processor_id)
    else:
        query = query.where(sa.false())
    rows = db.session.execute(query.order_by(Contract.id)).all()
    result = []
    for contract, name, grams in rows:
        if contract.status in IN_FORCE and date.fromisoformat(contract.terms["delivery"]["end"]) >= today:
            continue  # still in its window
        result.append(Shortfall(contract, name, int(grams)))
        if len(result) >= limit:
            break
    return result


def rejections_by_reason(actor: User) -> list[tuple[str, int, int]]:
    """(reason, how many lots, their net grams), grouped in the database."""
    query = (sa.select(Delivery.rejected_reason, sa.func.count(Delivery.id), sa.func.sum(Delivery.net_grams))
             .where(Delivery.outcome == "rejected", Delivery.state != "superseded")
             .group_by(Delivery.rejected_reason).order_by(Delivery.rejected_reason))
    return [(reason, count, int(grams)) for reason, count, grams in db.session.execute(_visible(query, actor))]
