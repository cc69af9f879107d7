"""Public trace pages for lot codes: what anyone who scans a bag may learn, and nothing personal.

A code is checked against its keyed signature first; a code that fails it was
not issued by the marketplace. Each check of a genuine code is counted.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.domain import lotcodes
from marketplace.extensions import db
from marketplace.models import Cooperative, Delivery, Grade, Harvest, Processor, Product
from marketplace.services.deliveries import lot_key


@dataclass(frozen=True)
class TraceFacts:
    code: str
    product_names: dict
    grade_names: dict
    county_names: dict
    township_names: dict
    harvest_start: date
    harvest_end: date
    delivered_on: date
    cooperative: str
    processor: str
    fingerprint_start: str
    scans: int
    #: The code of the record that corrected this one, if it was corrected after a dispute.
    corrected_by: str | None


def trace(text: str) -> TraceFacts | None:
    """The facts for a genuine code (counting this check); None when its delivery is gone.

    Raises lotcodes.LotCodeError("malformed" or "forged").
    """
    serial = lotcodes.verify(lot_key(), text)
    delivery = db.session.get(Delivery, serial)
    if delivery is None or delivery.lot_code != lotcodes.normalise(text):
        return None
    delivery.scan_count = Delivery.scan_count + 1  # counted in the database, so two checks at once count two
    db.session.flush()
    db.session.refresh(delivery)
    harvest = db.session.get(Harvest, delivery.contract.harvest_id)
    product = db.session.scalar(sa.select(Product).where(Product.id == harvest.product_id))
    grade = db.session.get(Grade, delivery.grade_id)
    correction = db.session.scalar(sa.select(Delivery.lot_code).where(Delivery.corrects_id == delivery.id))
    return TraceFacts(
        code=delivery.lot_code, product_names=product.names, grade_names=grade.names,
        county_names=harvest.county.names, township_names=harvest.township.names,
        harvest_start=harvest.harvest_start, harvest_end=harvest.harvest_end, delivered_on=delivery.delivered_on,
        cooperative=db.session.get(Cooperative, delivery.cooperative_id).name,
        processor=db.session.get(Processor, delivery.processor_id).company_name,
        fingerprint_start=delivery.contract.fingerprint[:12], scans=delivery.scan_count, corrected_by=correction,
    )
