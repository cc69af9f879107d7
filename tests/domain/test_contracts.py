"""Frozen contract terms: canonical JSON and a stable fingerprint."""
import pytest

from marketplace.domain.contracts import canonical_json, fingerprint

TERMS = {"kg": 1200, "price_terms": {"type": "fixed", "prices": {"1": 600, "2": 540}}, "farmer": {"name": "ئايگۈل"}}


def test_the_same_terms_always_give_the_same_fingerprint():
    reordered = {"farmer": {"name": "ئايگۈل"}, "price_terms": {"prices": {"2": 540, "1": 600}, "type": "fixed"},
                 "kg": 1200}
    assert fingerprint(TERMS) == fingerprint(reordered)
    assert canonical_json(TERMS) == canonical_json(reordered)
    assert len(fingerprint(TERMS)) == 64


def test_any_change_gives_another_fingerprint():
    changed = {**TERMS, "kg": 1201}
    assert fingerprint(changed) != fingerprint(TERMS)
    price = {**TERMS, "price_terms": {"type": "fixed", "prices": {"1": 601, "2": 540}}}
    assert fingerprint(price) != fingerprint(TERMS)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        canonical_json({"price": 6.5})
