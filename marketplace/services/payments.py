"""Money in against an invoice. A bank transfer the co-op records is one ledger entry (bank clearing against
what the processor owes), applied once per reference; the invoice is paid when its amount is covered."""
from datetime import date

import sqlalchemy as sa

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef, Leg
from marketplace.extensions import db
from marketplace.models import Invoice, Payment, User
from marketplace.services import ledger
from marketplace.services.audit import record_action


def invoice_for(actor: User, invoice_id: int) -> Invoice | None:
    """The co-op's own invoices, or the processor's; None (404) for anyone else."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        return None
    if actor.role == "coop_manager" and actor.cooperative_id == invoice.cooperative_id:
        return invoice
    if actor.role == "processor" and actor.processor_id == invoice.processor_id:
        return invoice
    return None


def apply_payment(invoice: Invoice, method: str, amount_fen: int, reference: str, received_on: date,
                  clearing: AccountRef, actor: User | None) -> Payment:
    """One payment, one entry; the same reference again returns the first payment."""
    existing = db.session.scalar(sa.select(Payment).where(Payment.cooperative_id == invoice.cooperative_id,
                                                          Payment.method == method, Payment.reference == reference))
    if existing is not None:
        if existing.invoice_id != invoice.id or existing.amount_fen != amount_fen:
            raise DomainError("payment_reference_used", field="reference")
        return existing
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.id == invoice.id).with_for_update())
    if amount_fen > invoice.amount_fen - invoice.paid_fen:
        raise DomainError("payment_above_open", field="amount")
    entry = ledger.post(f"payment:{method}:{invoice.cooperative_id}:{reference}", "payment",
                        [Leg(clearing, amount_fen), Leg(AccountRef("processor_payable", invoice.processor_id),
                                                        -amount_fen)],
                        memo=f"invoice {invoice.number}", actor=actor)
    payment = Payment(invoice_id=invoice.id, cooperative_id=invoice.cooperative_id, method=method,
                      amount_fen=amount_fen, reference=reference, received_on=received_on,
                      recorded_by_id=actor.id if actor else None, entry_id=entry.id)
    db.session.add(payment)
    invoice.paid_fen += amount_fen
    if invoice.paid_fen == invoice.amount_fen:
        invoice.status = "paid"
    db.session.flush()
    return payment


def record_bank_transfer(manager: User, invoice_id: int, amount_fen: int, reference: str, received_on: date,
                         today: date) -> Payment:
    invoice = invoice_for(manager, invoice_id)
    if invoice is None or manager.role != "coop_manager":
        raise DomainError("not_yours")
    reference = " ".join((reference or "").split())[:80]
    if not reference:
        raise DomainError("payment_reference_required", field="reference")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise DomainError("price_out_of_range", field="amount")
    if received_on > today:
        raise DomainError("payment_in_future", field="received_on")
    if invoice.status == "paid":
        raise DomainError("invoice_paid")
    payment = apply_payment(invoice, "bank", amount_fen, reference, received_on,
                            AccountRef("bank_clearing", invoice.cooperative_id), manager)
    record_action(manager, "record_payment", detail=f"invoice:{invoice.id} payment:{payment.id}")
    return payment
