"""The co-op's year-end surplus: each member's volume, contribution and reserve share read from the database
(grouped queries), the law's distribution computed in `domain.surplus`, then posted once per year."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.domain.surplus import Distribution, Inputs, Member, distribute
from marketplace.extensions import db
from marketplace.models import Delivery, Membership, SettlementLine, SurplusDistribution, SurplusShare, User
from marketplace.services import ledger
from marketplace.services.audit import record_action


@dataclass(frozen=True)
class MemberRow:
    member: Member
    name: str


def member_rows(cooperative_id: int, year: int) -> list[MemberRow]:
    """Every member: the year's settled gross through the co-op, paid-in contribution, reserve quantified before."""
    volume = (sa.select(SettlementLine.farmer_id, sa.func.sum(SettlementLine.gross_fen).label("v"))
              .join(Delivery, Delivery.id == SettlementLine.delivery_id)
              .where(Delivery.cooperative_id == cooperative_id,
                     Delivery.delivered_on >= date(year, 1, 1), Delivery.delivered_on <= date(year, 12, 31))
              .group_by(SettlementLine.farmer_id).subquery())
    reserve = (sa.select(SurplusShare.farmer_id, sa.func.sum(SurplusShare.reserve_fen).label("r"))
               .join(SurplusDistribution, SurplusDistribution.id == SurplusShare.distribution_id)
               .where(SurplusDistribution.cooperative_id == cooperative_id, SurplusDistribution.year < year)
               .group_by(SurplusShare.farmer_id).subquery())
    rows = db.session.execute(
        sa.select(User.id, User.name, Membership.capital_fen, sa.func.coalesce(volume.c.v, 0),
                  sa.func.coalesce(reserve.c.r, 0))
        .join(Membership, Membership.farmer_id == User.id)
        .outerjoin(volume, volume.c.farmer_id == User.id).outerjoin(reserve, reserve.c.farmer_id == User.id)
        .where(Membership.cooperative_id == cooperative_id).order_by(User.name, User.id)).all()
    return [MemberRow(Member(uid, int(v), int(capital or 0), int(r)), name) for uid, name, capital, v, r in rows]


def _manager_coop(manager: User) -> int:
    if manager.role != "coop_manager" or manager.cooperative_id is None:
        raise DomainError("not_yours")
    return manager.cooperative_id


def preview(manager: User, year: int, inputs: Inputs) -> tuple[Distribution, list[MemberRow]]:
    coop = _manager_coop(manager)
    rows = member_rows(coop, year)
    return distribute(inputs, [r.member for r in rows]), rows


def post_distribution(manager: User, year: int, inputs: Inputs) -> SurplusDistribution:
    """Post the year's distribution once: the reserve to the co-op's reserve, each share to the member account."""
    coop = _manager_coop(manager)
    if db.session.scalar(sa.select(SurplusDistribution.id).where(SurplusDistribution.cooperative_id == coop,
                                                                 SurplusDistribution.year == year)):
        raise DomainError("surplus_already_distributed")
    d, rows = preview(manager, year, inputs)
    total = d.reserve_fen + d.distributable_fen
    legs = [Leg(AccountRef("coop_surplus", coop), total)]
    if d.reserve_fen:
        legs.append(Leg(AccountRef("coop_reserve", coop), -d.reserve_fen))
    legs += [Leg(AccountRef("member_account", s.member_id), -s.total_fen) for s in d.shares if s.total_fen]
    entry = ledger.post(f"surplus:{coop}:{year}", "surplus", legs, memo=f"surplus {year}", actor=manager)
    record = SurplusDistribution(
        cooperative_id=coop, year=year, surplus_fen=inputs.surplus_fen, losses_fen=inputs.losses_covered_fen,
        reserve_bp=inputs.reserve_bp, volume_bp=inputs.volume_bp, subsidy_assets_fen=inputs.subsidy_assets_fen,
        reserve_fen=d.reserve_fen, distributable_fen=d.distributable_fen, entry_id=entry.id, posted_by_id=manager.id)
    db.session.add(record)
    db.session.flush()
    for row, share in zip(rows, d.shares):
        m = row.member
        db.session.add(SurplusShare(distribution_id=record.id, farmer_id=m.member_id, volume_fen=m.volume_fen,
                                    contribution_fen=m.contribution_fen, reserve_share_fen=m.reserve_share_fen,
                                    reserve_fen=share.reserve_fen, by_volume_fen=share.by_volume_fen,
                                    by_capital_fen=share.by_capital_fen))
    db.session.flush()
    record_action(manager, "distribute_surplus", detail=f"surplus:{record.id}")
    return record
