"""Deliveries at the collection point: a co-op manager weighs and grades against a contract in force; the
farmer confirms or disputes; a dispute is answered by a corrected record (the old one kept, superseded) or
rejected with a reason. Contracts move to deliveries under way, fulfilled, or delivered short.

Nothing recorded is edited in place: a record's review state moves forward,
and a correction is a new row that points at the one it corrects.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from marketplace.domain import lotcodes
from marketplace.domain.contracts import IN_FORCE, contract_transition
from marketplace.domain.errors import DomainError
from marketplace.domain.identifiers import normalise_mobile
from marketplace.domain.weighing import Reading, Spec, Weighing, settlement_weight
from marketplace.extensions import db
from marketplace.models import Contract, Delivery, Grade, Membership, Product, User
from marketplace.models.base import utcnow
from marketplace.services.audit import record_action
from marketplace.services.members import manages

#: A delivery may exceed what is left of the contract by this much (in basis points) without a warning.
TOLERANCE_BP = 1_000
#: Deliveries whose weight counts towards the contract (a superseded record was replaced by its correction).
COUNTS = sa.and_(Delivery.outcome == "accepted", Delivery.state != "superseded")


@dataclass(frozen=True)
class DeliveryInput:
    gross_grams: int
    tare_grams: int
    moisture_bp: int
    impurity_bp: int
    grade_id: int
    graded_by: str
    delivered_on: date
    remarks: str = ""
    #: The recorder saw the warning (beyond the window, or above what is left) and confirms the delivery.
    confirm_warning: bool = False


def lot_key() -> bytes:
    return (current_app.config.get("LOT_CODE_KEY") or f"lot-codes:{current_app.config['SECRET_KEY']}").encode()


def pct_to_bp(value: Decimal) -> int:
    return int(Decimal(value) * 100)


def spec_of(product: Product) -> Spec:
    return Spec(pct_to_bp(product.std_moisture_pct), pct_to_bp(product.std_impurity_pct),
                pct_to_bp(product.reject_moisture_pct), pct_to_bp(product.reject_impurity_pct))


def product_of(contract: Contract) -> Product:
    return db.session.scalar(sa.select(Product).where(Product.code == contract.terms["product"]))


def settlement_weight_of(delivery: Delivery) -> Weighing:
    """The formula as it was applied, from the reading and the spec stored with the delivery."""
    return settlement_weight(
        Reading(delivery.gross_grams, delivery.tare_grams, delivery.moisture_bp, delivery.impurity_bp),
        Spec(delivery.std_moisture_bp, delivery.std_impurity_bp, delivery.reject_moisture_bp,
             delivery.reject_impurity_bp))


def delivered_grams(contract: Contract) -> int:
    """Settlement grams accepted so far under every version of the contract."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Delivery.settlement_grams), 0))
                             .where(Delivery.proposal_id == contract.proposal_id, COUNTS))


def window_of(contract: Contract) -> tuple[date, date]:
    d = contract.terms["delivery"]
    return date.fromisoformat(d["start"]), date.fromisoformat(d["end"])


def find_contracts(manager: User, query: str, limit: int = 20) -> list[Contract]:
    """Members' contracts in force, by contract number, the farmer's name or phone number."""
    if manager.role != "coop_manager" or manager.cooperative_id is None:
        return []
    text = (query or "").strip()[:80]
    if not text:
        return []
    members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == manager.cooperative_id)
    base = (sa.select(Contract).join(User, User.id == Contract.farmer_id)
            .where(Contract.farmer_id.in_(members), Contract.status.in_(IN_FORCE)))
    conditions = [User.name.contains(text, autoescape=True)]
    number = text.upper().removeprefix("C").lstrip("- ")
    if number.isdigit() and len(number) <= 9:  # a contract number, C-000123 or 123
        conditions.append(Contract.proposal_id == int(number))
    try:
        conditions.append(User.phone == normalise_mobile(text))
    except DomainError:
        pass
    return list(db.session.scalars(base.where(sa.or_(*conditions)).order_by(User.name, Contract.id).limit(limit)))


def _warning(contract: Contract, data: DeliveryInput, weighing: Weighing) -> str | None:
    start, end = window_of(contract)
    if not start <= data.delivered_on <= end:
        return "outside_window"
    left = contract.kg * 1000 - delivered_grams(contract)
    if weighing.accepted and weighing.settlement_grams * 10_000 > max(left, 0) * (10_000 + TOLERANCE_BP):
        return "above_remaining"
    return None


def _check(contract: Contract, data: DeliveryInput, today: date) -> tuple[Grade, Weighing, str | None, Spec]:
    product = product_of(contract)
    grade = db.session.get(Grade, data.grade_id)
    if grade is None or product is None or grade.product_id != product.id:
        raise DomainError("grade_not_of_product", field="grade_id")
    if not data.graded_by.strip():
        raise DomainError("grader_required", field="graded_by")
    if data.delivered_on > today:
        raise DomainError("delivery_in_future", field="delivered_on")
    spec = spec_of(product)
    weighing = settlement_weight(Reading(data.gross_grams, data.tare_grams, data.moisture_bp, data.impurity_bp), spec)
    warning = _warning(contract, data, weighing)
    if warning and not data.confirm_warning:
        raise DomainError(f"{warning}_confirm", field="confirm_warning")
    return grade, weighing, warning, spec


def _new_record(contract: Contract, actor: User, cooperative_id: int, data: DeliveryInput, checked: tuple,
                corrects: Delivery | None = None) -> Delivery:
    grade, weighing, warning, spec = checked
    delivery = Delivery(
        contract_id=contract.id, proposal_id=contract.proposal_id, farmer_id=contract.farmer_id,
        processor_id=contract.processor_id, cooperative_id=cooperative_id, recorded_by_id=actor.id,
        graded_by=data.graded_by.strip()[:80], delivered_on=data.delivered_on, gross_grams=data.gross_grams,
        tare_grams=data.tare_grams, moisture_bp=data.moisture_bp, impurity_bp=data.impurity_bp, grade_id=grade.id,
        std_moisture_bp=spec.std_moisture_bp, std_impurity_bp=spec.std_impurity_bp,
        reject_moisture_bp=spec.reject_moisture_bp, reject_impurity_bp=spec.reject_impurity_bp, net_grams=weighing.net_grams, settlement_grams=weighing.settlement_grams,
        outcome="accepted" if weighing.accepted else "rejected", rejected_reason=weighing.rejected,
        remarks=data.remarks.strip()[:300] or None, state="awaiting_farmer", confirmed_warning=warning,
        corrects_id=corrects.id if corrects else None, scan_count=0,
    )
    db.session.add(delivery)
    db.session.flush()
    if delivery.outcome == "accepted":
        delivery.lot_code = lotcodes.issue(lot_key(), delivery.id)
    return delivery


def _advance_contract(contract: Contract) -> None:
    """The first accepted delivery starts deliveries; the one that reaches the contracted kg fulfils it."""
    delivered = delivered_grams(contract)
    if contract.status == "active" and delivered > 0:
        contract.status = contract_transition(contract.status, "in_delivery")
    if contract.status == "in_delivery" and delivered >= contract.kg * 1000:
        contract.status = contract_transition(contract.status, "fulfilled")


def _locked_contract(contract_id: int) -> Contract | None:
    return db.session.scalar(sa.select(Contract).where(Contract.id == contract_id).with_for_update())


def record_delivery(manager: User, contract_id: int, data: DeliveryInput, today: date) -> Delivery:
    contract = _locked_contract(contract_id)
    if contract is None or manager.role != "coop_manager" or not manages(manager, contract.farmer_id):
        raise DomainError("not_yours")
    if contract.status not in IN_FORCE:
        raise DomainError("delivery_contract_not_in_force")
    delivery = _new_record(contract, manager, manager.cooperative_id, data, _check(contract, data, today))
    db.session.flush()
    _advance_contract(contract)
    farmer = db.session.get(User, contract.farmer_id)
    record_action(manager, "record_delivery", on_behalf_of=farmer, detail=f"delivery:{delivery.id}",
                  after=weighing_state(delivery))
    _tell_farmer(delivery, "delivery_recorded")
    return delivery


# The farmer's review ----------------------------------------------------------------------------------------

def _locked_delivery(delivery_id: int) -> Delivery | None:
    return db.session.scalar(sa.select(Delivery).where(Delivery.id == delivery_id).with_for_update())


def side_of(actor: User, delivery: Delivery) -> str | None:
    """"farmer" for the farmer (or a co-op manager of a member without a phone, who answers for them),
    "coop" for the recording co-op's managers, "processor" for the buyer; None for anyone else."""
    if actor.role == "farmer":
        return "farmer" if actor.id == delivery.farmer_id else None
    if actor.role == "coop_manager" and actor.cooperative_id == delivery.cooperative_id:
        return "coop"
    if actor.role == "processor" and actor.processor_id == delivery.processor_id:
        return "processor"
    return None


def delivery_for(actor: User, delivery_id: int) -> Delivery | None:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or side_of(actor, delivery) is None:
        return None
    return delivery


def answers_for_farmer(actor: User, delivery: Delivery) -> bool:
    """The farmer answers; for a member without a phone, the co-op that acts for them does, on record."""
    if actor.role == "farmer":
        return actor.id == delivery.farmer_id
    farmer = db.session.get(User, delivery.farmer_id)
    return actor.role == "coop_manager" and farmer.phone is None and manages(actor, farmer.id)


def _answer(actor: User, delivery_id: int) -> Delivery:
    delivery = _locked_delivery(delivery_id)
    if delivery is None or not answers_for_farmer(actor, delivery):
        raise DomainError("not_yours")
    if delivery.state != "awaiting_farmer":
        raise DomainError("delivery_already_answered")
    return delivery


def confirm_delivery(actor: User, delivery_id: int) -> Delivery:
    delivery = _answer(actor, delivery_id)
    delivery.state, delivery.answered_by_id, delivery.answered_at = "confirmed", actor.id, utcnow()
    db.session.flush()
    record_action(actor, "confirm_delivery", on_behalf_of=_member_if_acting(actor, delivery),
                  detail=f"delivery:{delivery.id}")
    return delivery


def dispute_delivery(actor: User, delivery_id: int, reason: str) -> Delivery:
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    delivery = _answer(actor, delivery_id)
    delivery.state, delivery.answered_by_id, delivery.answered_at = "disputed", actor.id, utcnow()
    delivery.dispute_reason = reason.strip()[:300]
    db.session.flush()
    record_action(actor, "dispute_delivery", on_behalf_of=_member_if_acting(actor, delivery),
                  detail=f"delivery:{delivery.id}")
    _tell_resolvers(delivery, "delivery_disputed")
    return delivery


def _member_if_acting(actor: User, delivery: Delivery) -> User | None:
    return db.session.get(User, delivery.farmer_id) if actor.role == "coop_manager" else None


# Answering a dispute ----------------------------------------------------------------------------------------

def _resolvable(actor: User, delivery_id: int) -> Delivery:
    delivery = _locked_delivery(delivery_id)
    if delivery is None or side_of(actor, delivery) not in ("coop", "processor"):
        raise DomainError("not_yours")
    if delivery.state != "disputed":
        raise DomainError("delivery_not_disputed")
    return delivery


def weighing_state(delivery: Delivery) -> dict:
    """What the action record keeps of a weighing."""
    return {"gross_grams": delivery.gross_grams, "tare_grams": delivery.tare_grams,
            "moisture_bp": delivery.moisture_bp, "impurity_bp": delivery.impurity_bp,
            "grade_id": delivery.grade_id, "settlement_grams": delivery.settlement_grams,
            "outcome": delivery.outcome}


def correct_delivery(actor: User, delivery_id: int, data: DeliveryInput, today: date) -> Delivery:
    """A new record in place of a disputed one, which stays on record, superseded."""
    old = _resolvable(actor, delivery_id)
    contract = _locked_contract(old.contract_id)
    current = db.session.scalar(sa.select(Contract).where(Contract.proposal_id == old.proposal_id,
                                                          Contract.status != "superseded",
                                                          Contract.status != "cancelled")
                                .order_by(Contract.version.desc()).limit(1)) or contract
    old.state, old.resolved_by_id, old.resolved_at = "superseded", actor.id, utcnow()
    old.resolution_reason = "corrected"
    db.session.flush()  # the old weight no longer counts when the new one is checked
    checked = _check(current, DeliveryInput(**{**data.__dict__, "confirm_warning": True}), today)
    new = _new_record(current, actor, old.cooperative_id, data, checked, corrects=old)
    if current.status in IN_FORCE:
        _advance_contract(current)
    record_action(actor, "correct_delivery", detail=f"delivery:{old.id} -> {new.id}",
                  before=weighing_state(old), after=weighing_state(new))
    _tell_farmer(new, "delivery_corrected")
    return new


def reject_dispute(actor: User, delivery_id: int, reason: str) -> Delivery:
    if not reason.strip():
        raise DomainError("reason_required", field="reason")
    delivery = _resolvable(actor, delivery_id)
    delivery.state, delivery.resolved_by_id, delivery.resolved_at = "dispute_rejected", actor.id, utcnow()
    delivery.resolution_reason = reason.strip()[:300]
    db.session.flush()
    record_action(actor, "reject_dispute", detail=f"delivery:{delivery.id}")
    _tell_farmer(delivery, "dispute_rejected")
    return delivery


# Windows that closed ----------------------------------------------------------------------------------------

def close_windows(today: date) -> dict[str, int]:
    """Contracts in force whose delivery window has closed: fulfilled if delivered in full, else delivered short."""
    counts = {"fulfilled": 0, "short_delivered": 0}
    for contract in db.session.scalars(sa.select(Contract).where(Contract.status.in_(IN_FORCE))
                                       .with_for_update()).all():
        if window_of(contract)[1] >= today:
            continue
        if delivered_grams(contract) >= contract.kg * 1000 and contract.status == "in_delivery":
            contract.status = contract_transition(contract.status, "fulfilled")
            counts["fulfilled"] += 1
        else:
            contract.status = contract_transition(contract.status, "short_delivered")
            counts["short_delivered"] += 1
    db.session.flush()
    return counts


# Notifications ----------------------------------------------------------------------------------------------

def delivery_params(delivery: Delivery) -> dict:
    contract = delivery.contract
    return {"number": contract.number, "kg": delivery.settlement_grams // 1000,
            "product": dict(contract.order.product.names), "delivery": delivery.id}


def _tell_farmer(delivery: Delivery, kind: str) -> None:
    from marketplace.services.notifications import notify_farmer_side

    notify_farmer_side(db.session.get(User, delivery.farmer_id), kind, delivery_params(delivery),
                       f"/deliveries/{delivery.id}")


def _tell_resolvers(delivery: Delivery, kind: str) -> None:
    from marketplace.services.notifications import notify, notify_processor_side

    params, link = delivery_params(delivery), f"/deliveries/{delivery.id}"
    for manager in db.session.scalars(sa.select(User).where(User.role == "coop_manager",
                                                            User.cooperative_id == delivery.cooperative_id,
                                                            User.status == "active")):
        notify(manager, kind, params, link)
    notify_processor_side(delivery.processor_id, kind, params, link)
