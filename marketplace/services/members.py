"""Co-operative members: a manager registers and represents farmers."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.identifiers import normalise_mobile
from marketplace.extensions import db
from marketplace.models import FarmerProfile, Membership, User
from marketplace.services.accounts import Credentials, FarmerDetails, new_farmer_profile, new_user
from marketplace.services.audit import record_action


@dataclass(frozen=True)
class MemberTerms:
    joined_on: date
    capital_fen: int


def register_member(manager: User, details: FarmerDetails, phone: str | None, terms: MemberTerms) -> Membership:
    """Register a farmer as a member of the manager's co-op.

    With a phone that already belongs to a farmer, that farmer joins; with a new
    phone, an account is made that the farmer activates by resetting the
    password; with no phone, the co-op acts for the member, on record.
    """
    coop = manager.cooperative
    if coop is None:
        raise DomainError("no_cooperative")
    if terms.capital_fen < 0:
        raise DomainError("capital_negative", field="capital_yuan")
    if terms.joined_on > date.today():
        raise DomainError("joined_in_future", field="joined_on")
    farmer = None
    if phone:
        e164 = normalise_mobile(phone)
        farmer = db.session.scalar(sa.select(User).where(User.phone == e164))
        if farmer is not None and farmer.role != "farmer":
            raise DomainError("phone_taken", field="phone")
    if farmer is None:
        farmer = new_user("farmer", details.name, Credentials(phone=phone, email=None, password=None), details.locale)
        new_farmer_profile(farmer, details, coop=None if phone else coop)
        db.session.flush()
    elif db.session.scalar(
        sa.select(Membership.id).where(Membership.cooperative_id == coop.id, Membership.farmer_id == farmer.id)
    ):
        raise DomainError("already_member", field="phone")
    membership = Membership(
        cooperative_id=coop.id, farmer_id=farmer.id, joined_on=terms.joined_on, capital_fen=terms.capital_fen
    )
    db.session.add(membership)
    db.session.flush()
    record_action(manager, "register_member", on_behalf_of=farmer, detail=f"cooperative:{coop.id}")
    return membership


def members_of(coop_id: int, page: int, per_page: int = 25):
    query = (
        sa.select(Membership)
        .where(Membership.cooperative_id == coop_id)
        .join(User, User.id == Membership.farmer_id)
        .options(sa.orm.joinedload(Membership.farmer).joinedload(User.farmer).joinedload(FarmerProfile.township))
        .order_by(User.name)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def membership_for(coop_id: int, membership_id: int) -> Membership | None:
    """A membership of this co-op only: another co-op's member is not found."""
    return db.session.scalar(
        sa.select(Membership).where(Membership.id == membership_id, Membership.cooperative_id == coop_id)
    )


def manages(manager: User, farmer_id: int) -> bool:
    """Whether this co-op manager represents this farmer (the farmer is a member of the manager's co-op)."""
    if manager.role != "coop_manager" or manager.cooperative_id is None:
        return False
    return db.session.scalar(
        sa.select(Membership.id).where(Membership.cooperative_id == manager.cooperative_id,
                                       Membership.farmer_id == farmer_id)
    ) is not None


def member_choices(coop_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(User.id, User.name).join(Membership, Membership.farmer_id == User.id)
        .where(Membership.cooperative_id == coop_id).order_by(User.name)
    ).all()
    return [(r.id, r.name) for r in rows]
