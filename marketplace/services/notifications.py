"""Notifications: an in-app notice for each person, and a message through the messenger in their language."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.messaging import get_messenger
from marketplace.messaging.texts import render, subject
from marketplace.models import Membership, Notification, Proposal, User
from marketplace.models.base import utcnow
from marketplace.page_cache import user_scope


def proposal_params(proposal: Proposal) -> dict:
    harvest, order = proposal.harvest, proposal.order
    return {"proposal": proposal.id, "kg": proposal.kg, "product": dict(harvest.product.names),
            "company": order.processor.company_name, "price_fen": proposal.price_fen_per_kg,
            "km": proposal.distance_km, "deadline": proposal.deadline.isoformat()}


def notify(user: User, kind: str, params: dict, link: str = "") -> Notification:
    notice = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(notice)
    address = user.phone or user.email
    if address and user.status == "active":
        get_messenger().send(address, subject(user.locale), render(kind, params, user.locale))
    return notice


def notify_farmer(farmer: User, kind: str, proposal: Proposal) -> None:
    notify_farmer_side(farmer, kind, proposal_params(proposal), f"/proposals/{proposal.id}")


def notify_farmer_side(farmer: User, kind: str, params: dict, link: str) -> None:
    """The farmer, or for a member without a phone the managers of the co-op that acts for them."""
    if farmer.phone:
        notify(farmer, kind, params, link)
        return
    managers = db.session.scalars(
        sa.select(User).where(User.role == "coop_manager", User.cooperative_id.in_(
            sa.select(Membership.cooperative_id).where(Membership.farmer_id == farmer.id)))
    ).all()
    for manager in managers:
        notify(manager, kind, {**params, "for": farmer.name}, link)


def notify_processor(processor_id: int, kind: str, proposal: Proposal) -> None:
    notify_processor_side(processor_id, kind, proposal_params(proposal), f"/proposals/{proposal.id}")


def notify_processor_side(processor_id: int, kind: str, params: dict, link: str) -> None:
    for user in db.session.scalars(sa.select(User).where(User.processor_id == processor_id,
                                                         User.status == "active")):
        notify(user, kind, params, link)


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def mark_all_read(user_id: int) -> None:
    db.session.execute(sa.update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(page_scopes={user_scope(user_id)}))
