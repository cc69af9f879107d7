"""Mobile numbers and unified social credit codes, without an app."""
import pytest

from marketplace.domain.accounts import account_transition, initial_status
from marketplace.domain.errors import DomainError, InvalidTransition
from marketplace.domain.identifiers import normalise_mobile, normalise_uscc, uscc_check_char

# A published example code (GB 32100-2015 worked example format).
VALID_USCC = "91350100M000100Y43"


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000"])
def test_mobile_numbers_are_stored_in_e164(raw):
    assert normalise_mobile(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "12345", "0991-2345678", "+1 202 555 0143", "1380013800", "abc", "1" * 40])
def test_bad_mobile_numbers_are_refused(raw):
    with pytest.raises(DomainError) as err:
        normalise_mobile(raw)
    assert err.value.code == "phone_invalid" and err.value.field == "phone"


def test_uscc_check_character():
    assert uscc_check_char(VALID_USCC[:17]) == VALID_USCC[17]
    assert normalise_uscc(" 91350100m000100y43 ") == VALID_USCC


@pytest.mark.parametrize("raw,code", [
    ("91350100M000100Y44", "uscc_check"),   # wrong check character
    ("91350100M000100Y4", "uscc_format"),   # 17 characters
    ("91350100M000100I43", "uscc_format"),  # I is not in the alphabet
    ("", "uscc_format"),
])
def test_bad_uscc_is_refused(raw, code):
    with pytest.raises(DomainError) as err:
        normalise_uscc(raw)
    assert err.value.code == code


def test_every_single_character_change_breaks_the_check():
    from marketplace.domain.identifiers import USCC_ALPHABET

    for i in range(17):
        for c in USCC_ALPHABET:
            if c == VALID_USCC[i]:
                continue
            changed = VALID_USCC[:i] + c + VALID_USCC[i + 1:]
            with pytest.raises(DomainError):
                normalise_uscc(changed)


def test_account_transitions():
    assert initial_status("farmer") == "active"
    assert initial_status("processor") == "pending"
    assert initial_status("coop_manager") == "pending"
    assert account_transition("pending", "active") == "active"
    for current, target in [("active", "pending"), ("rejected", "active"), ("pending", "disabled")]:
        with pytest.raises(InvalidTransition):
            account_transition(current, target)
