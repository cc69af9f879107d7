"""Contracts: a draft is made when both sides accept a proposal, with the terms frozen and fingerprinted."""
from marketplace.domain.contracts import canonical_json, fingerprint
from marketplace.extensions import db
from marketplace.models import Contract, Proposal


def frozen_terms(proposal: Proposal) -> dict:
    """Everything the contract promises, in integers (fen, kg, basis points), as of now."""
    harvest, order = proposal.harvest, proposal.order
    return {
        "version": 1,
        "proposal": proposal.id,
        "farmer": {"id": harvest.farmer_id, "name": harvest.farmer.name},
        "processor": {"id": order.processor_id, "name": order.processor.company_name, "uscc": order.processor.uscc},
        "product": order.product.code,
        "kg": proposal.kg,
        "grade": harvest.grade.rank,
        "harvest": {"id": harvest.id, "county": harvest.county.code, "township": harvest.township.code,
                    "area_tenth_mu": int(harvest.area_mu * 10)},
        "delivery": {"start": order.delivery_start.isoformat(), "end": order.delivery_end.isoformat(),
                     "point": order.collection_point, "county": order.collection_county.code},
        "price_terms": {"type": order.term_type, **order.terms},
        "advances_fen_per_mu": {"seed": order.advance_seed_fen_per_mu,
                                "fertiliser": order.advance_fertiliser_fen_per_mu,
                                "cash": order.advance_cash_fen_per_mu},
        "coop_fee_bp": order.coop_fee_bp,
        "risk_levy_bp": order.risk_levy_bp,
        "breach": {"short_delivery_bp": order.short_delivery_penalty_bp, "refusal_bp": order.refusal_penalty_bp},
    }


def create_contract_draft(proposal: Proposal) -> Contract:
    terms = frozen_terms(proposal)
    canonical_json(terms)  # refuses floats before anything is stored
    contract = Contract(proposal_id=proposal.id, version=1, harvest_id=proposal.harvest_id,
                        order_id=proposal.order_id, farmer_id=proposal.harvest.farmer_id,
                        processor_id=proposal.order.processor_id, kg=proposal.kg, status="draft", terms=terms,
                        fingerprint=fingerprint(terms))
    db.session.add(contract)
    db.session.flush()
    return contract
