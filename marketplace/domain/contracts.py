"""Contract terms frozen as canonical JSON, and their SHA-256 fingerprint.

Canonical: keys sorted, no insignificant white space, UTF-8, integers only for
money (fen) and weights; the same terms always give the same bytes and so the
same fingerprint, and any change gives another.
"""
import hashlib
import json

CONTRACT_STATUSES = ("draft", "awaiting_signatures", "active", "in_delivery", "fulfilled", "short_delivered",
                     "breached", "cancelled")


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
