"""SQLAlchemy models, one module per aggregate."""
from marketplace.models.audit import ActionRecord
from marketplace.models.base import Base
from marketplace.models.organisation import Cooperative, Membership, Processor
from marketplace.models.reference import County, Township
from marketplace.models.user import FarmerProfile, User

__all__ = [
    "ActionRecord", "Base", "Cooperative", "County", "FarmerProfile",
    "Membership", "Processor", "Township", "User",
]
