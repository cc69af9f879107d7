"""What the contract pages read: each party's list, one contract's versions and signatures, its payout
preview from the frozen terms, and the public facts a verification shows."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.domain.contracts import IN_FORCE
from marketplace.domain.errors import DomainError
from marketplace.domain.terms import Deductions
from marketplace.extensions import db
from marketplace.models import (
    ContractOrder, Contract, County, Grade, Harvest, Membership, Product, Signature, User,
)
from marketplace.services.order_preview import PreviewCase, PreviewTable, preview_table
from marketplace.services.orders import terms_from_json
from marketplace.services.prices import latest_prices

FINGERPRINT_LENGTH = 64


def contracts_query(actor: User, status: str | None = None):
    """The contracts a party may see: a farmer's own, a co-op manager's members', a processor's.

    Superseded versions and amendments withdrawn before signing stay reachable from the contract's
    page (its version history) but are left out of the list.
    """
    query = sa.select(Contract).options(
        joinedload(Contract.harvest).joinedload(Harvest.farmer), joinedload(Contract.harvest).joinedload(Harvest.grade),
        joinedload(Contract.order).joinedload(ContractOrder.processor),
        joinedload(Contract.order).joinedload(ContractOrder.product),
    ).where(Contract.status != "superseded",
            sa.or_(Contract.amends_id.is_(None), Contract.status != "cancelled"))
    if actor.role == "farmer":
        query = query.where(Contract.farmer_id == actor.id)
    elif actor.role == "coop_manager" and actor.cooperative_id is not None:
        members = sa.select(Membership.farmer_id).where(Membership.cooperative_id == actor.cooperative_id)
        query = query.where(Contract.farmer_id.in_(members))
    elif actor.role == "processor" and actor.processor_id is not None:
        query = query.where(Contract.processor_id == actor.processor_id)
    else:
        query = query.where(sa.false())
    if status:
        query = query.where(Contract.status == status)
    return query.order_by(Contract.created_at.desc(), Contract.id.desc())


def signatures_of(contract: Contract) -> dict[str, Signature]:
    rows = db.session.scalars(sa.select(Signature).options(joinedload(Signature.signed_by))
                              .where(Signature.contract_id == contract.id))
    return {s.party: s for s in rows}


def versions_of(contract: Contract) -> list[Contract]:
    """Every version of the contract, the first first (amendments withdrawn before signing included)."""
    return list(db.session.scalars(sa.select(Contract).where(Contract.proposal_id == contract.proposal_id)
                                   .order_by(Contract.version)))


def current_version(contract: Contract) -> Contract | None:
    """The version in force (or the last one), when this one was amended away."""
    if contract.status != "superseded":
        return None
    return db.session.scalar(sa.select(Contract).where(Contract.proposal_id == contract.proposal_id,
                                                       Contract.status != "cancelled")
                             .order_by(Contract.version.desc()).limit(1))


def grade_names(contract: Contract) -> dict[int, dict]:
    product = db.session.scalar(sa.select(Product).where(Product.code == contract.terms["product"]))
    if product is None:
        return {}
    return {g.rank: g.names for g in db.session.scalars(sa.select(Grade).where(Grade.product_id == product.id))}


def payout_preview(contract: Contract, today: date) -> PreviewTable:
    """What the farmer would be paid for the contracted kg of the contracted grade, from the frozen terms."""
    t = contract.terms
    case = PreviewCase(t["grade"], contract.kg * 1000, t["harvest"]["area_tenth_mu"])
    try:
        terms = terms_from_json(t["price_terms"]["type"], t["price_terms"])
        deductions = Deductions(coop_fee_bp=t["coop_fee_bp"], risk_levy_bp=t["risk_levy_bp"])
        return preview_table(terms, deductions, case, latest_prices(contract.order.product_id, today))
    except DomainError:
        return PreviewTable(case, note="not_computable")


def advances_offered(contract: Contract) -> dict[str, int]:
    """The advances offered on the contracted area, in fen: per kind, per mu × area (rounded down to the fen)."""
    area = contract.terms["harvest"]["area_tenth_mu"]
    return {kind: per_mu * area // 10 for kind, per_mu in contract.terms["advances_fen_per_mu"].items() if per_mu}


@dataclass(frozen=True)
class PublicFacts:
    """What anyone holding the fingerprint may learn: nothing personal."""

    fingerprint: str
    product_names: dict
    kg: int
    season: int
    county_names: dict
    status: str
    version: int
    in_force: bool


def verify(fingerprint: str) -> PublicFacts | None:
    contract = db.session.scalar(sa.select(Contract).where(Contract.fingerprint == fingerprint.lower()))
    if contract is None:
        return None
    t = contract.terms
    product = db.session.scalar(sa.select(Product).where(Product.code == t["product"]))
    county = db.session.scalar(sa.select(County).where(County.code == t["harvest"]["county"]))
    return PublicFacts(fingerprint=contract.fingerprint, product_names=product.names if product else {},
                       kg=contract.kg, season=date.fromisoformat(t["delivery"]["start"]).year,
                       county_names=county.names if county else {}, status=contract.status,
                       version=contract.version, in_force=contract.status in IN_FORCE)
