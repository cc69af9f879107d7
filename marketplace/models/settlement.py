"""Money under contracts: advances, settlement runs and their lines (one per delivery, ever), invoices and
payments in, the year-end surplus, second-round rebates, and payouts to members."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.delivery import Delivery


class Advance(Base):
    """Seed, fertiliser or cash a processor advanced to a farmer under a contract, to recover at settlement."""

    __tablename__ = "advance"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("kind IN ('seed', 'fertiliser', 'cash')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    #: The contract number's key: advances are recovered under every version of the contract.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    given_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettlementRun(Base):
    __tablename__ = "settlement_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    #: One contract (its number's key), or every delivered contract of a period.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list["SettlementLine"]] = relationship(back_populates="run", order_by="SettlementLine.id")


class SettlementLine(Base):
    """One delivery turned into money; a delivery is settled once (unique), so a re-run posts nothing new."""

    __tablename__ = "settlement_line"
    __table_args__ = (
        CheckConstraint("gross_fen = coop_fee_fen + risk_levy_fen + advances_recovered_fen + net_fen",
                        name="parts_add_up"),
        CheckConstraint("net_fen >= 0", name="net_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("settlement_run.id"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id"), unique=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    price_fen_per_kg: Mapped[int | None] = mapped_column(BigInteger)
    market_fen_per_kg: Mapped[int | None] = mapped_column(BigInteger)
    gross_fen: Mapped[int] = mapped_column(BigInteger)
    coop_fee_fen: Mapped[int] = mapped_column(BigInteger)
    risk_levy_fen: Mapped[int] = mapped_column(BigInteger)
    advances_recovered_fen: Mapped[int] = mapped_column(BigInteger)
    net_fen: Mapped[int] = mapped_column(BigInteger)
    #: The terms engine's formula lines, so the statement shows why.
    lines: Mapped[list] = mapped_column(JSON)
    #: None only when the delivery came to nothing (a share-cooperation delivery after the base was paid).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)

    run: Mapped[SettlementRun] = relationship(back_populates="lines")
    delivery: Mapped[Delivery] = relationship()


class Invoice(Base):
    """What a processor owes for one settlement run: the gross of its lines less the advances it gave."""

    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("paid_fen >= 0", name="paid_not_negative"),
        CheckConstraint("status IN ('open', 'paid')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The settlement run it bills, or the second-round rebate it bills (one of the two).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_run.id"), index=True)
    rebate_id: Mapped[int | None] = mapped_column(ForeignKey("rebate.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    #: The co-op it is paid to (a rebate is billed to each co-op for its members' shares).
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        return f"INV-{self.id:06d}"


class Payment(Base):
    """Money in against an invoice: a bank transfer the co-op recorded, or a Stripe payment."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("method IN ('bank', 'stripe')", name="method"),
        UniqueConstraint("cooperative_id", "method", "reference", name="uq_payment_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    method: Mapped[str] = mapped_column(String(10))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: The bank's transfer reference, or the Stripe PaymentIntent id.
    reference: Mapped[str] = mapped_column(String(80))
    received_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurplusDistribution(Base):
    """A co-op's year-end surplus, distributed once per year under the co-operatives law."""

    __tablename__ = "surplus_distribution"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "year", name="uq_surplus_distribution_year"),
        CheckConstraint("volume_bp >= 6000 AND volume_bp <= 10000", name="volume_share_by_law"),
        CheckConstraint("surplus_fen = losses_fen + reserve_fen + distributable_fen", name="parts_add_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    year: Mapped[int]
    surplus_fen: Mapped[int] = mapped_column(BigInteger)
    losses_fen: Mapped[int] = mapped_column(BigInteger)
    reserve_bp: Mapped[int]
    volume_bp: Mapped[int]
    subsidy_assets_fen: Mapped[int] = mapped_column(BigInteger)
    reserve_fen: Mapped[int] = mapped_column(BigInteger)
    distributable_fen: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)

    shares: Mapped[list["SurplusShare"]] = relationship(order_by="SurplusShare.id")


class SurplusShare(Base):
    """One member's part of a distribution, with the figures that explain it."""

    __tablename__ = "surplus_share"
    __table_args__ = (UniqueConstraint("distribution_id", "farmer_id", name="uq_surplus_share_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("surplus_distribution.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    volume_fen: Mapped[int] = mapped_column(BigInteger)
    contribution_fen: Mapped[int] = mapped_column(BigInteger)
    reserve_share_fen: Mapped[int] = mapped_column(BigInteger)
    reserve_fen: Mapped[int] = mapped_column(BigInteger)
    by_volume_fen: Mapped[int] = mapped_column(BigInteger)
    by_capital_fen: Mapped[int] = mapped_column(BigInteger)


class Rebate(Base):
    """A processor's second-round rebate (二次返利) for a season, shared by settled kg, exact to the fen."""

    __tablename__ = "rebate"
    __table_args__ = (
        UniqueConstraint("processor_id", "season", name="uq_rebate_season"),
        CheckConstraint("pool_fen > 0", name="pool_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    season: Mapped[int]
    pool_fen: Mapped[int] = mapped_column(BigInteger)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shares: Mapped[list["RebateShare"]] = relationship(order_by="RebateShare.id")


class RebateShare(Base):
    __tablename__ = "rebate_share"
    __table_args__ = (UniqueConstraint("rebate_id", "proposal_id", "cooperative_id", name="uq_rebate_share_contract"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rebate_id: Mapped[int] = mapped_column(ForeignKey("rebate.id"), index=True)
    #: The contract (by its number's key) whose settled kg earned the share, and the co-op that settled it.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    grams: Mapped[int] = mapped_column(BigInteger)
    share_fen: Mapped[int] = mapped_column(BigInteger)


class PayoutBatch(Base):
    """What a co-op pays its members at once: prepared by one manager, approved by another (or an admin)."""

    __tablename__ = "payout_batch"
    __table_args__ = (
        CheckConstraint("status IN ('prepared', 'approved', 'cancelled')", name="status"),
        CheckConstraint("approved_by_id IS NULL OR approved_by_id <> prepared_by_id", name="four_eyes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default="prepared")
    total_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["PayoutItem"]] = relationship(order_by="PayoutItem.id")


class PayoutItem(Base):
    """One member's payout; its idempotency key is written before any money moves."""

    __tablename__ = "payout_item"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("method IN ('bank', 'cash', 'stripe')", name="method"),
        CheckConstraint("status IN ('pending', 'paid')", name="status"),
        CheckConstraint("attempt >= 0", name="attempt"),
        UniqueConstraint("batch_id", "farmer_id", name="uq_payout_item_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batch.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))
    #: The account as it was when the batch was prepared: a bank account, a Stripe connected account (acct_...),
    #: or None (cash).
    account: Mapped[str | None] = mapped_column(String(40))
    #: The reference on the bank file or the cash receipt number.
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(60), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    #: Stripe transfers: which try this is (the Stripe idempotency key ends in it; it moves on only after Stripe
    #: refused a try outright, so a timed-out try is always retried under the same key), Stripe's transfer id once
    #: known, the entry recording the transfer, and why the last try did not go through.
    attempt: Mapped[int] = mapped_column(default=0, server_default="0")
    transfer_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    sent_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    last_error: Mapped[str | None] = mapped_column(String(40))

    farmer: Mapped["User"] = relationship()  # noqa: F821

    @property
    def stripe_key(self) -> str:
        return f"{self.idempotency_key}:try{self.attempt}"
