"""The double-entry ledger's rules: accounts, balanced entries, idempotency digests, reversals.

A leg is (account, amount in fen): positive debits the account, negative
credits it; the legs of an entry sum to zero. Each account kind has a normal
side: its *natural* balance is the sum of its legs (debit-normal) or minus
that sum (credit-normal). Kinds marked `floored` may never have a negative
natural balance: the marketplace never pays a farmer more than it owes them,
nor recovers more advances than were given.

An entry is posted under an idempotency key; the payload digest (canonical
JSON of kind, memo and legs) tells a replay (same key, same payload: the
same entry again) from a mistake (same key, other payload: an error).
"""
import hashlib
import json
from dataclasses import dataclass

from marketplace.domain.errors import DomainError

DEBIT, CREDIT = "debit", "credit"


@dataclass(frozen=True)
class AccountKind:
    normal: str
    floored: bool
    #: "processor", "farmer", "contract", "cooperative" or None (one account for the marketplace).
    owner: str | None


KINDS = {
    # What a processor owes for deliveries settled, less what it paid (negative when it paid ahead).
    "processor_payable": AccountKind(DEBIT, False, "processor"),
    # What is owed to a farmer: settled nets and rebate shares, less payouts.
    "farmer_payable": AccountKind(CREDIT, True, "farmer"),
    # Advances (seed, fertiliser, cash) given to a farmer under a contract, not yet recovered.
    "advances_receivable": AccountKind(DEBIT, True, "contract"),
    "coop_fee_income": AccountKind(CREDIT, False, "cooperative"),
    "risk_fund": AccountKind(CREDIT, False, "cooperative"),
    # Money on its way in or out through Stripe, a bank, or the co-op's cash box.
    "stripe_clearing": AccountKind(DEBIT, False, None),
    "bank_clearing": AccountKind(DEBIT, False, "cooperative"),
    "cash": AccountKind(DEBIT, False, "cooperative"),
    # Payouts approved to go by Stripe Connect transfer, until Stripe confirms the transfer.
    "payouts_in_transit": AccountKind(CREDIT, True, "cooperative"),
    # A processor's declared second-round rebate, until it is shared out to farmers.
    "rebate_pool": AccountKind(CREDIT, True, "processor"),
    # The co-op's year-end surplus to distribute, and each member's account under the law (art. 43).
    "coop_surplus": AccountKind(CREDIT, False, "cooperative"),
    "coop_reserve": AccountKind(CREDIT, False, "cooperative"),
    "member_account": AccountKind(CREDIT, True, "farmer"),
}


@dataclass(frozen=True, order=True)
class AccountRef:
    kind: str
    owner_id: int | None = None

    def __post_init__(self):
        spec = KINDS.get(self.kind)
        if spec is None:
            raise DomainError("ledger_unknown_account")
        if (spec.owner is None) != (self.owner_id is None):
            raise DomainError("ledger_unknown_account")


@dataclass(frozen=True)
class Leg:
    account: AccountRef
    amount_fen: int


def check_legs(legs: list[Leg]) -> None:
    """At least two legs, whole non-zero fen, summing to zero."""
    if len(legs) < 2:
        raise DomainError("ledger_unbalanced")
    for leg in legs:
        if not isinstance(leg.amount_fen, int) or isinstance(leg.amount_fen, bool) or leg.amount_fen == 0:
            raise DomainError("ledger_bad_amount")
    if sum(leg.amount_fen for leg in legs) != 0:
        raise DomainError("ledger_unbalanced")


def merged(legs: list[Leg]) -> list[Leg]:
    """One leg per account (amounts added), in account order; legs that cancel out are dropped."""
    totals: dict[AccountRef, int] = {}
    for leg in legs:
        totals[leg.account] = totals.get(leg.account, 0) + leg.amount_fen
    return [Leg(account, amount) for account, amount in sorted(totals.items()) if amount]


def digest(kind: str, memo: str, legs: list[Leg]) -> str:
    payload = {"kind": kind, "memo": memo,
               "legs": [[leg.account.kind, leg.account.owner_id, leg.amount_fen] for leg in merged(legs)]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def natural(kind: str, raw_balance: int) -> int:
    """The balance on the account's normal side (raw balances are debit-positive)."""
    return raw_balance if KINDS[kind].normal == DEBIT else -raw_balance


def reversed_legs(legs: list[Leg]) -> list[Leg]:
    return [Leg(leg.account, -leg.amount_fen) for leg in legs]
