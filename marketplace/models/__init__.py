"""SQLAlchemy models, one module per aggregate."""
from marketplace.models.audit import ActionRecord
from marketplace.models.base import Base
from marketplace.models.contract import Contract
from marketplace.models.delivery import Delivery
from marketplace.models.ledger import JournalEntry, LedgerAccount, Posting
from marketplace.models.listing import ContractOrder, Harvest
from marketplace.models.matching import MatchRun, Notification, Proposal
from marketplace.models.organisation import Cooperative, Membership, Processor
from marketplace.models.page_generation import PageGeneration
from marketplace.models.price import PriceIndexEntry
from marketplace.models.product import Grade, Product
from marketplace.models.reference import County, Township
from marketplace.models.settlement import (
    Advance, Invoice, Payment, PayoutBatch, PayoutItem, Rebate, RebateShare, SettlementLine, SettlementRun, SurplusDistribution, SurplusShare,
)
from marketplace.models.signature import Signature
from marketplace.models.stripe import StripeEvent, StripeIntent
from marketplace.models.submission import UsedFormToken
from marketplace.models.user import FarmerProfile, User

__all__ = [
    "ActionRecord", "Advance", "Base", "Contract", "ContractOrder", "Delivery", "Cooperative", "County", "FarmerProfile", "Grade", "Harvest", "Invoice", "JournalEntry", "LedgerAccount", "Posting",
    "MatchRun", "Membership", "Notification", "PageGeneration", "Payment", "PayoutBatch", "PayoutItem", "PriceIndexEntry", "Rebate", "RebateShare", "Proposal", "SettlementLine", "SettlementRun", "Signature", "StripeEvent", "StripeIntent", "SurplusDistribution", "SurplusShare", "Processor", "Product", "Township", "UsedFormToken", "User",
]
