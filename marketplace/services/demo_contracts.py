"""Demo contracts: a matching run per product, then contracts in every state from the proposals both sides accept,
with deliveries (confirmed, disputed, corrected and rejected ones) for those under way or finished.

The first Uyghur-speaking demo farmer (+86 139 0990 0001) finds a contract the
processor has signed and that waits for their own signature; the other demo
farmers' languages each get one in another state. Everything goes through the
services (decide, sign, amend, cancel), as it would in the browser.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.domain.contracts import contract_transition
from marketplace.extensions import db
from marketplace.models import Contract, ContractOrder, Harvest, Membership, Proposal, User
from marketplace.services.contract_changes import (
    AmendmentInput, amend_contract, answer_cancellation, request_cancellation,
)
from marketplace.services.contracts import SigningInput, sign_contract, withdraw_contract
from marketplace.services.deliveries import (
    DeliveryInput, confirm_delivery, correct_delivery, dispute_delivery, product_of, record_delivery, spec_of,
)
from marketplace.services.demo_listings import _products, demo_season
from marketplace.services.matching_runs import propose_pair, start_run
from marketplace.services.proposals import decide

#: What happens to each agreed proposal, in order; the first four go to the demo farmers by language.
PLAN = ("awaiting_farmer", "draft", "amendment_pending", "amended", "member_active", "in_delivery", "fulfilled",
        "short_delivered", "breached", "withdrawn", "cancelled_by_agreement", "active")
DEMO_LOCALES = ("ug", "kk_Arab", "kk_Cyrl", "zh_Hans")


@dataclass(frozen=True)
class Cast:
    password: str
    managers: dict  # cooperative id -> manager


def _signing(cast: Cast, for_member: bool) -> SigningInput:
    if for_member:
        return SigningInput(cast.password, True, "127.0.0.1", "demo", consent_method="in_person_thumbprint",
                            witness="村委会 阿不都热合曼")
    return SigningInput(cast.password, True, "127.0.0.1", "demo")


def _farmer_side(cast: Cast, farmer: User) -> User:
    """The farmer, or for a member without a phone the manager of their co-op."""
    if farmer.phone:
        return farmer
    coop_id = db.session.scalar(sa.select(Membership.cooperative_id).where(Membership.farmer_id == farmer.id))
    return cast.managers[coop_id]


def _buyer(contract: Contract) -> User:
    return db.session.scalar(sa.select(User).where(User.processor_id == contract.processor_id,
                                                   User.status == "active").order_by(User.id))


def _sign(cast: Cast, contract: Contract, farmer_first: bool = True) -> None:
    farmer = _farmer_side(cast, db.session.get(User, contract.farmer_id))
    sides = [(farmer, farmer.role == "coop_manager"), (_buyer(contract), False)]
    for actor, for_member in sides if farmer_first else reversed(sides):
        sign_contract(actor, contract.id, _signing(cast, for_member))


def _window(contract: Contract) -> tuple[date, date]:
    d = contract.terms["delivery"]
    return date.fromisoformat(d["start"]), date.fromisoformat(d["end"])


def _demo_farmer_proposal(run_by_product: dict, today: date, locale: str) -> Proposal | None:
    """A pending proposal for the first demo farmer with a phone in this language (made if matching gave none)."""
    farmer = db.session.scalar(sa.select(User).where(User.role == "farmer", User.locale == locale,
                                                     User.phone.is_not(None)).order_by(User.phone))
    if farmer is None:
        return None
    harvest = db.session.scalar(sa.select(Harvest).where(Harvest.farmer_id == farmer.id).order_by(Harvest.id))
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.harvest_id == harvest.id,
                                                           Proposal.status == "pending").order_by(Proposal.id))
    if proposal is not None or harvest.product.code not in run_by_product:
        return proposal
    order = db.session.scalar(
        sa.select(ContractOrder).where(ContractOrder.product_id == harvest.product_id,
                                       ContractOrder.status.in_(("open", "partly_matched")))
        .order_by(ContractOrder.kg_wanted.desc()))
    if order is None or order.min_grade.rank < harvest.grade.rank:
        return None
    return propose_pair(run_by_product[harvest.product.code], harvest.product, harvest, order,
                        min(harvest.expected_kg, order.kg_wanted))


def _agree(cast: Cast, proposal: Proposal, today: date) -> Contract | None:
    farmer_side = _farmer_side(cast, proposal.harvest.farmer)
    buyer = db.session.scalar(sa.select(User).where(User.processor_id == proposal.order.processor_id,
                                                    User.status == "active").order_by(User.id))
    decide(farmer_side, proposal.id, True, today)
    decide(buyer, proposal.id, True, today)
    return db.session.scalar(sa.select(Contract).where(Contract.proposal_id == proposal.id))


def _play(cast: Cast, contract: Contract, plan: str, today: date) -> None:
    farmer_side = _farmer_side(cast, db.session.get(User, contract.farmer_id))
    buyer = _buyer(contract)
    if plan == "awaiting_farmer":
        sign_contract(buyer, contract.id, _signing(cast, False))
    elif plan == "withdrawn":
        sign_contract(buyer, contract.id, _signing(cast, False))
        withdraw_contract(farmer_side, contract.id, "家里人商量后决定今年不签")
    elif plan != "draft":
        _sign(cast, contract)
        start, end = _window(contract)
        if plan == "amendment_pending":
            amend_contract(buyer, contract.id, AmendmentInput(max(contract.kg * 9 // 10, 1), start, end), today)
        elif plan == "amended":
            amended = amend_contract(farmer_side, contract.id,
                                     AmendmentInput(contract.kg, start, end + timedelta(days=10)), today)
            _sign(cast, amended, farmer_first=False)
        elif plan == "cancelled_by_agreement":
            request_cancellation(farmer_side, contract.id, "冰雹毁了大半块地，无法按约交货")
            answer_cancellation(buyer, contract.id, True)
        elif plan in ("in_delivery", "fulfilled", "short_delivered", "breached"):
            _deliver(cast, contract, plan)
    db.session.flush()


def _manager_of(cast: Cast, farmer_id: int) -> User:
    coop_id = db.session.scalar(sa.select(Membership.cooperative_id).where(Membership.farmer_id == farmer_id))
    return cast.managers[coop_id]


def _weigh(manager: User, contract: Contract, day: date, kg: int, over_bp: int = 0, reject: bool = False):
    """A weighing of `kg` settlement kg at the standard (or `over_bp` above it, or too wet to accept)."""
    spec = spec_of(product_of(contract))
    moisture = spec.reject_moisture_bp + 100 if reject else spec.std_moisture_bp + over_bp
    net = kg * 1000
    if over_bp and not reject:  # weigh a little more so that the deduction leaves about `kg`
        net = net * (10_000 - spec.std_moisture_bp) // (10_000 - moisture)
    grade_id = db.session.get(Harvest, contract.harvest_id).grade_id
    data = DeliveryInput(gross_grams=net + 2_000, tare_grams=2_000, moisture_bp=moisture,
                         impurity_bp=max(spec.std_impurity_bp - 100, 0), grade_id=grade_id,
                         graded_by="质检员 古丽巴哈尔", delivered_on=day, confirm_warning=True)
    return record_delivery(manager, contract.id, data, day)


def _deliver(cast: Cast, contract: Contract, plan: str) -> None:
    """Deliveries in the window: confirmed, disputed, corrected and rejected ones, as a season has them."""
    manager = _manager_of(cast, contract.farmer_id)
    farmer_side = _farmer_side(cast, db.session.get(User, contract.farmer_id))
    start, _end = _window(contract)
    if plan == "in_delivery":
        first = _weigh(manager, contract, start + timedelta(days=2), contract.kg * 2 // 5)
        confirm_delivery(farmer_side, first.id)
        second = _weigh(manager, contract, start + timedelta(days=6), max(contract.kg // 5, 1), over_bp=300)
        dispute_delivery(farmer_side, second.id, "水分测得偏高，晒干后才送来的")
    elif plan == "fulfilled":
        first = _weigh(manager, contract, start + timedelta(days=1), contract.kg * 3 // 5)
        confirm_delivery(farmer_side, first.id)
        rest = contract.kg - first.settlement_grams // 1000
        second = _weigh(manager, contract, start + timedelta(days=5), rest, over_bp=400)
        dispute_delivery(farmer_side, second.id, "等级和水分都测错了，请复检")
        corrected = correct_delivery(_buyer(contract), second.id, DeliveryInput(
            gross_grams=rest * 1000 + 2_500, tare_grams=2_000, moisture_bp=second.std_moisture_bp,
            impurity_bp=second.impurity_bp, grade_id=second.grade_id, graded_by="复检 马师傅",
            delivered_on=second.delivered_on, remarks="复检后水分合格"), second.delivered_on)
        confirm_delivery(farmer_side, corrected.id)
    elif plan == "short_delivered":
        first = _weigh(manager, contract, start + timedelta(days=3), contract.kg // 2)
        confirm_delivery(farmer_side, first.id)
        contract.status = contract_transition(contract.status, "short_delivered")  # the window ran out
    elif plan == "breached":
        rejected = _weigh(manager, contract, start + timedelta(days=4), contract.kg // 3, reject=True)
        confirm_delivery(farmer_side, rejected.id)
        contract.status = contract_transition(contract.status, "breached")


def load_demo_contracts(admin: User, password: str, managers: list[User], today: date) -> int:
    """Run matching for each product of the demo season and turn agreed proposals into contracts."""
    season = demo_season(today)
    cast = Cast(password, {m.cooperative_id: m for m in managers})
    runs = {code: start_run(admin, product.id, season, today) for code, product in sorted(_products().items())}
    chosen = [p for p in (_demo_farmer_proposal(runs, today, loc) for loc in DEMO_LOCALES) if p is not None]
    taken = {p.harvest_id for p in chosen}
    # Then members without a phone (the co-op signs for them), then anyone else, one proposal per harvest.
    rest = db.session.scalars(sa.select(Proposal).join(Harvest).join(User, User.id == Harvest.farmer_id)
                              .where(Proposal.status == "pending")
                              .order_by(User.phone.is_not(None), Proposal.id)).all()
    for proposal in rest:
        if len(chosen) >= len(PLAN):
            break
        if proposal.harvest_id not in taken:
            chosen.append(proposal)
            taken.add(proposal.harvest_id)
    # The demo farmers' plans first, then the member signed for by the co-op, then the rest in order.
    plans = list(PLAN[:len(chosen)])
    count = 0
    for proposal, plan in zip(chosen, plans):
        contract = _agree(cast, proposal, today)
        if contract is not None:
            _play(cast, contract, plan, today)
            count += 1
    _settle(cast)
    return count


def _settle(cast: Cast) -> None:
    """Settle the finished contracts, pay one invoice by bank transfer, and leave a payout batch to approve."""
    from marketplace.models import Invoice
    from marketplace.services.payments import record_bank_transfer
    from marketplace.services.payouts import prepare_batch
    from marketplace.services.settlement import Scope, post_settlement

    finished = db.session.scalars(sa.select(Contract).where(Contract.status.in_(("fulfilled", "short_delivered")))
                                  .order_by(Contract.id)).all()
    for contract in finished:
        post_settlement(_manager_of(cast, contract.farmer_id), Scope(proposal_id=contract.proposal_id))
    first = db.session.scalar(sa.select(Invoice).where(Invoice.status == "open").order_by(Invoice.id))
    if first is not None:
        manager = cast.managers[first.cooperative_id]
        record_bank_transfer(manager, first.id, first.amount_fen, "ICBC-DEMO-0001", first.created_at.date(),
                             first.created_at.date())
        prepare_batch(manager)  # the market office (or a second manager) approves it
