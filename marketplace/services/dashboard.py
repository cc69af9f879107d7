"""What each role needs to see first: counts and to-dos, a few grouped queries."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ActionRecord, Cooperative, FarmerProfile, Membership, User


def farmer_overview(user: User) -> dict:
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.farmer_id == user.id)
        .options(sa.orm.joinedload(Membership.cooperative))
    ).all()
    return {"profile": user.farmer, "memberships": memberships}


def coop_overview(user: User) -> dict:
    coop_id = user.cooperative_id
    total, phoneless, area = db.session.execute(
        sa.select(
            sa.func.count(Membership.id),
            sa.func.count(User.id).filter(User.phone.is_(None)),
            sa.func.coalesce(sa.func.sum(FarmerProfile.farm_area_mu), 0),
        )
        .select_from(Membership)
        .join(User, User.id == Membership.farmer_id)
        .join(FarmerProfile, FarmerProfile.user_id == User.id)
        .where(Membership.cooperative_id == coop_id)
    ).one()
    recent = db.session.scalars(
        sa.select(ActionRecord)
        .where(ActionRecord.actor_id.in_(sa.select(User.id).where(User.cooperative_id == coop_id)))
        .options(sa.orm.joinedload(ActionRecord.actor), sa.orm.joinedload(ActionRecord.on_behalf_of))
        .order_by(ActionRecord.created_at.desc(), ActionRecord.id.desc())
        .limit(10)
    ).all()
    return {"cooperative": db.session.get(Cooperative, coop_id), "members": total,
            "phoneless": phoneless, "area": area, "recent": recent}


def admin_overview() -> dict:
    pending = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.status == "pending"))
    by_role = dict(db.session.execute(sa.select(User.role, sa.func.count(User.id)).group_by(User.role)).all())
    return {"pending": pending, "by_role": by_role}
