"""Advances and settlement runs: each accepted delivery becomes gross, deductions and net through the terms
engine, posted to the ledger once; the processor is invoiced for what it owes.

A run is previewed (nothing written), then posted. A delivery is settled at
most once (its line is unique), so running the same settlement again posts
nothing new. A contract with an undecided dispute is not settled.
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.domain.terms import MARKET_LINKED, SHARE_COOP, Deductions, Payout, settle
from marketplace.domain.terms import Delivery as DeliveredLot
from marketplace.extensions import db
from marketplace.models import (
    Advance, Contract, Cooperative, Delivery, Grade, Invoice, SettlementLine, SettlementRun, User,
)
from marketplace.services import ledger
from marketplace.services.audit import record_action
from marketplace.services.deliveries import COUNTS
from marketplace.services.members import manages
from marketplace.services.orders import terms_from_json
from marketplace.services.prices import latest_prices

ADVANCE_KINDS = ("seed", "fertiliser", "cash")
#: An advance above this (1,000,000 yuan) is a typing mistake.
MAX_ADVANCE_FEN = 100_000_000


def advances_account(proposal_id: int) -> AccountRef:
    return AccountRef("advances_receivable", proposal_id)


def outstanding_advances(proposal_id: int) -> int:
    return ledger.balance(advances_account(proposal_id))


def record_advance(manager: User, contract_id: int, kind: str, amount_fen: int, given_on: date, today: date,
                   note: str = "", key: str | None = None) -> Advance:
    """The co-op records what the processor advanced to a member under a contract in force (a ledger entry)."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or manager.role != "coop_manager" or not manages(manager, contract.farmer_id):
        raise DomainError("not_yours")
    if contract.status not in ("active", "in_delivery"):
        raise DomainError("advance_contract_not_in_force")
    if kind not in ADVANCE_KINDS:
        raise DomainError("advance_kind_unknown", field="kind")
    if not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_ADVANCE_FEN:
        raise DomainError("advance_out_of_range", field="amount")
    if given_on > today:
        raise DomainError("advance_in_future", field="given_on")
    entry = ledger.post(key or f"advance:{contract.proposal_id}:{kind}:{given_on}:{amount_fen}", "advance",
                        [Leg(advances_account(contract.proposal_id), amount_fen),
                         Leg(AccountRef("processor_payable", contract.processor_id), -amount_fen)],
                        memo=f"{kind} advance, contract {contract.number}", actor=manager)
    existing = db.session.scalar(sa.select(Advance).where(Advance.entry_id == entry.id))
    if existing is not None:
        return existing
    advance = Advance(contract_id=contract.id, proposal_id=contract.proposal_id, farmer_id=contract.farmer_id,
                      processor_id=contract.processor_id, kind=kind, amount_fen=amount_fen, given_on=given_on,
                      note=note.strip()[:200] or None, recorded_by_id=manager.id, entry_id=entry.id)
    db.session.add(advance)
    db.session.flush()
    record_action(manager, "record_advance", on_behalf_of=db.session.get(User, contract.farmer_id),
                  detail=f"advance:{advance.id}")
    return advance


@dataclass(frozen=True)
class Scope:
    """One contract (by its number's key) or a period of delivery dates."""

    proposal_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class PlannedLine:
    delivery: Delivery
    payout: Payout
    market_fen_per_kg: int | None


@dataclass
class Plan:
    lines: list[PlannedLine] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(line.payout, name) for line in self.lines)

    def invoices(self) -> dict[int, int]:
        """What each processor owes for these lines: gross less the advances recovered (it gave them)."""
        owed: dict[int, int] = {}
        for line in self.lines:
            pid = line.delivery.processor_id
            owed[pid] = owed.get(pid, 0) + line.payout.gross_fen - line.payout.advances_recovered_fen
        return owed


def _scope_query(manager: User, scope: Scope, counting: bool = True):
    """The co-op's deliveries in scope: those that count for payment (or, with counting=False, all of them)."""
    query = (sa.select(Delivery).options(joinedload(Delivery.contract), joinedload(Delivery.grade))
             .where(Delivery.cooperative_id == manager.cooperative_id))
    if counting:
        query = query.where(COUNTS)
    if scope.proposal_id is not None:
        query = query.where(Delivery.proposal_id == scope.proposal_id)
    if scope.start is not None:
        query = query.where(Delivery.delivered_on >= scope.start)
    if scope.end is not None:
        query = query.where(Delivery.delivered_on <= scope.end)
    return query


def plan(manager: User, scope: Scope) -> Plan:
    """What posting would settle: every accepted delivery in scope not settled yet, in delivery order."""
    if manager.role != "coop_manager" or manager.cooperative_id is None:
        raise DomainError("not_yours")
    if scope.start and scope.end and scope.end < scope.start:
        raise DomainError("window_backwards", field="end")
    in_scope = db.session.scalars(_scope_query(manager, scope)).all()
    if scope.proposal_id is not None and not in_scope:
        contract = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == scope.proposal_id))
        if contract is None or not manages(manager, contract.farmer_id):
            raise DomainError("not_yours")
    disputed = len(db.session.scalars(_scope_query(manager, scope, counting=False)
                                      .where(Delivery.state == "disputed")).all())
    if disputed:
        raise DomainError("settlement_dispute_open", count=disputed)
    settled = set(db.session.scalars(sa.select(SettlementLine.delivery_id).where(
        SettlementLine.delivery_id.in_([d.id for d in in_scope]))))
    todo = sorted((d for d in in_scope if d.id not in settled), key=lambda d: (d.delivered_on, d.id))
    result = Plan()
    advances: dict[int, int] = {}
    area_used = set(db.session.scalars(sa.select(SettlementLine.proposal_id).where(
        SettlementLine.proposal_id.in_({d.proposal_id for d in todo}))))
    for delivery in todo:
        t = delivery.contract.terms
        terms = terms_from_json(t["price_terms"]["type"], t["price_terms"])
        rank = db.session.get(Grade, delivery.grade_id).rank
        market = None
        if terms.kind in MARKET_LINKED:
            entry = latest_prices(delivery.contract.order.product_id, delivery.delivered_on).get(rank)
            market = entry.fen_per_kg if entry else None
        if delivery.proposal_id not in advances:
            advances[delivery.proposal_id] = outstanding_advances(delivery.proposal_id)
        area = 0
        if terms.kind == SHARE_COOP and delivery.proposal_id not in area_used:
            area = t["harvest"]["area_tenth_mu"]  # the base per mu is paid once per contract
            area_used.add(delivery.proposal_id)
        payout = settle(terms, Deductions(t["coop_fee_bp"], t["risk_levy_bp"]),
                        DeliveredLot(grade_rank=rank, grams=delivery.settlement_grams, market_fen_per_kg=market,
                                     advances_fen=advances[delivery.proposal_id], area_tenth_mu=area))
        advances[delivery.proposal_id] -= payout.advances_recovered_fen
        result.lines.append(PlannedLine(delivery, payout, market))
    return result


def _legs(delivery: Delivery, payout: Payout) -> list[Leg]:
    coop = delivery.cooperative_id
    legs = [Leg(AccountRef("processor_payable", delivery.processor_id), payout.gross_fen),
            Leg(AccountRef("farmer_payable", delivery.farmer_id), -payout.net_fen),
            Leg(AccountRef("coop_fee_income", coop), -payout.coop_fee_fen),
            Leg(AccountRef("risk_fund", coop), -payout.risk_levy_fen),
            Leg(advances_account(delivery.proposal_id), -payout.advances_recovered_fen)]
    return [leg for leg in legs if leg.amount_fen]


def post_settlement(manager: User, scope: Scope) -> SettlementRun | None:
    """Post the plan: one ledger entry and one line per delivery, an invoice per processor; None if nothing new.

    A co-op's settlements are posted one at a time (its row is locked first), so two managers posting at once
    settle each delivery once: the second finds nothing new."""
    if manager.cooperative_id is not None:
        db.session.execute(sa.select(Cooperative.id).where(Cooperative.id == manager.cooperative_id)
                           .with_for_update())
    planned = plan(manager, scope)
    if not planned.lines:
        return None
    run = SettlementRun(cooperative_id=manager.cooperative_id, proposal_id=scope.proposal_id,
                        period_start=scope.start, period_end=scope.end, posted_by_id=manager.id)
    db.session.add(run)
    db.session.flush()
    requests = {line.delivery.id: ledger.Request(
        f"settlement:delivery:{line.delivery.id}", "settlement", _legs(line.delivery, line.payout),
        memo=f"delivery {line.delivery.id}, contract {line.delivery.contract.number}")
        for line in planned.lines if _legs(line.delivery, line.payout)}
    entries = dict(zip(requests, ledger.post_many(list(requests.values()), actor=manager)))
    for line in planned.lines:
        d, p = line.delivery, line.payout
        entry = entries.get(d.id)
        db.session.add(SettlementLine(
            run_id=run.id, delivery_id=d.id, proposal_id=d.proposal_id, farmer_id=d.farmer_id,
            processor_id=d.processor_id, price_fen_per_kg=p.price_fen_per_kg, market_fen_per_kg=line.market_fen_per_kg,
            gross_fen=p.gross_fen, coop_fee_fen=p.coop_fee_fen, risk_levy_fen=p.risk_levy_fen,
            advances_recovered_fen=p.advances_recovered_fen, net_fen=p.net_fen,
            lines=[[code, values] for code, values in p.lines], entry_id=entry.id if entry else None))
    for processor_id, amount in sorted(planned.invoices().items()):
        db.session.add(Invoice(run_id=run.id, processor_id=processor_id, cooperative_id=manager.cooperative_id,
                               amount_fen=amount, paid_fen=0, status="open" if amount else "paid"))
    db.session.flush()
    record_action(manager, "post_settlement", detail=f"settlement_run:{run.id}",
                  after={"deliveries": len(planned.lines), "invoiced_fen": sum(planned.invoices().values())})
    return run
