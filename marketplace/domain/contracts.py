"""Contract terms frozen as canonical JSON, and their SHA-256 fingerprint.

Canonical: keys sorted, no insignificant white space, UTF-8, integers only for
money (fen) and weights; the same terms always give the same bytes and so the
same fingerprint, and any change gives another.
"""
import hashlib
import json

CONTRACT_STATUSES = ("draft", "awaiting_signatures", "active", "in_delivery", "fulfilled", "short_delivered",
                     "breached", "cancelled", "superseded")
#: Still waiting for signatures: either party may sign or withdraw.
SIGNABLE = ("draft", "awaiting_signatures")
#: Both signed and not yet finished: deliveries, amendments and cancellation by agreement apply.
IN_FORCE = ("active", "in_delivery")
#: Every status whose kg still holds the farmer's harvest (all but cancelled and superseded).
HOLDS_SUPPLY = ("draft", "awaiting_signatures", "active", "in_delivery", "fulfilled", "short_delivered", "breached")


def canonical_json(terms: dict) -> str:
    def check(value):
        if isinstance(value, float):
            raise TypeError("contract terms hold no floats: money in fen, weights in kg or grams, rates in bp")
        if isinstance(value, dict):
            for v in value.values():
                check(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                check(v)

    check(terms)
    return json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(terms: dict) -> str:
    return hashlib.sha256(canonical_json(terms).encode("utf-8")).hexdigest()


# A status changes only through `contract_transition`.
CONTRACT_TRANSITIONS = {
    ("draft", "awaiting_signatures"),        # the first party signs
    ("awaiting_signatures", "active"),       # the second party signs
    ("draft", "cancelled"),                  # either party withdraws before both have signed
    ("awaiting_signatures", "cancelled"),
    ("active", "in_delivery"),               # the first delivery is recorded
    ("active", "cancelled"),                 # cancelled by agreement of both, with a reason
    ("in_delivery", "cancelled"),
    ("in_delivery", "fulfilled"),
    ("in_delivery", "short_delivered"),      # the window closed short
    ("active", "short_delivered"),
    ("active", "breached"),
    ("in_delivery", "breached"),
    ("active", "superseded"),                # both parties signed an amendment: the new version replaces it
    ("in_delivery", "superseded"),
}
PARTIES = ("farmer", "processor")
#: How a co-op manager took the consent of a member who signs through the co-op.
CONSENT_METHODS = ("in_person_thumbprint", "phone_witness")


def contract_transition(current: str, target: str) -> str:
    from marketplace.domain.errors import InvalidTransition

    if (current, target) not in CONTRACT_TRANSITIONS:
        raise InvalidTransition("contract", current, target)
    return target


def status_after_signature(current: str, signed_parties: set[str]) -> str:
    """The contract's status once these parties have signed (the new one included)."""
    target = "active" if set(PARTIES) <= signed_parties else "awaiting_signatures"
    if current == target:
        return current
    if current == "draft" and target == "active":  # both at once cannot happen, but pass through in order
        return contract_transition(contract_transition(current, "awaiting_signatures"), "active")
    return contract_transition(current, target)
