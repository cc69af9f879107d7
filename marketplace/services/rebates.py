"""Second-round rebates (二次返利): a processor declares a pool for a season's rebate contracts after it sells;
the pool is shared by the settled kg of each contract, exact to the fen (largest remainder), owed to the
farmers at once, and billed to each co-op for its members' shares."""
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.domain.money import largest_remainder
from marketplace.extensions import db
from marketplace.models import Contract, Delivery, Invoice, Rebate, RebateShare, SettlementLine, User
from marketplace.services import ledger
from marketplace.services.audit import record_action

MAX_POOL_FEN = 10_000_000_000


@dataclass(frozen=True)
class PlannedShare:
    proposal_id: int
    cooperative_id: int
    farmer_id: int
    farmer_name: str
    grams: int
    share_fen: int


def earning_kg(processor_id: int, season: int) -> list[tuple[int, int, int, str, int]]:
    """(contract key, co-op, farmer, name, settled grams) for the processor's rebate contracts of the season."""
    rebate_contracts = (sa.select(Contract.proposal_id).where(
        Contract.processor_id == processor_id, Contract.version == 1,
        sa.func.substr(Contract.terms["delivery"]["start"].as_string(), 1, 4) == str(season),
        Contract.terms["price_terms"]["type"].as_string() == "rebate"))
    rows = db.session.execute(
        sa.select(SettlementLine.proposal_id, Delivery.cooperative_id, SettlementLine.farmer_id, User.name,
                  sa.func.sum(Delivery.settlement_grams))
        .join(Delivery, Delivery.id == SettlementLine.delivery_id).join(User, User.id == SettlementLine.farmer_id)
        .where(SettlementLine.processor_id == processor_id, SettlementLine.proposal_id.in_(rebate_contracts))
        .group_by(SettlementLine.proposal_id, Delivery.cooperative_id, SettlementLine.farmer_id, User.name)
        .order_by(SettlementLine.proposal_id, Delivery.cooperative_id)).all()
    return [(p, c, f, n, int(g)) for p, c, f, n, g in rows if g]


def plan_rebate(processor_user: User, season: int, pool_fen: int) -> list[PlannedShare]:
    if processor_user.role != "processor" or processor_user.processor_id is None:
        raise DomainError("not_yours")
    if not isinstance(pool_fen, int) or not 0 < pool_fen <= MAX_POOL_FEN:
        raise DomainError("rebate_pool_out_of_range", field="pool")
    rows = earning_kg(processor_user.processor_id, season)
    if not rows:
        raise DomainError("rebate_no_deliveries", field="season")
    shares = largest_remainder(pool_fen, [grams for *_, grams in rows])
    return [PlannedShare(p, c, f, n, g, s) for (p, c, f, n, g), s in zip(rows, shares)]


def declare_rebate(processor_user: User, season: int, pool_fen: int) -> Rebate:
    """Post the rebate once per season: owed to each farmer, billed to each co-op for its members' shares."""
    processor_id = processor_user.processor_id
    if db.session.scalar(sa.select(Rebate.id).where(Rebate.processor_id == processor_id, Rebate.season == season)):
        raise DomainError("rebate_already_declared")
    planned = plan_rebate(processor_user, season, pool_fen)
    legs = [Leg(AccountRef("processor_payable", processor_id), pool_fen)]
    legs += [Leg(AccountRef("farmer_payable", s.farmer_id), -s.share_fen) for s in planned if s.share_fen]
    entry = ledger.post(f"rebate:{processor_id}:{season}", "rebate", legs, memo=f"rebate {season}",
                        actor=processor_user)
    rebate = Rebate(processor_id=processor_id, season=season, pool_fen=pool_fen, declared_by_id=processor_user.id,
                    entry_id=entry.id)
    db.session.add(rebate)
    db.session.flush()
    by_coop: dict[int, int] = {}
    for s in planned:
        db.session.add(RebateShare(rebate_id=rebate.id, proposal_id=s.proposal_id, cooperative_id=s.cooperative_id,
                                   farmer_id=s.farmer_id, grams=s.grams, share_fen=s.share_fen))
        by_coop[s.cooperative_id] = by_coop.get(s.cooperative_id, 0) + s.share_fen
    for coop_id, amount in sorted(by_coop.items()):
        db.session.add(Invoice(rebate_id=rebate.id, processor_id=processor_id, cooperative_id=coop_id,
                               amount_fen=amount, paid_fen=0, status="open" if amount else "paid"))
    db.session.flush()
    record_action(processor_user, "declare_rebate", detail=f"rebate:{rebate.id}")
    return rebate
