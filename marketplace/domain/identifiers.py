"""Identifiers people type: mainland mobile numbers and unified social credit codes."""
import phonenumbers

from marketplace.domain.errors import DomainError

# GB 32100-2015: the code's alphabet (no I, O, Z, S, V) and the weights of positions 1-17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_mobile(raw: str) -> str:
    """Return a mainland-China mobile number in E.164, or raise DomainError."""
    text = (raw or "").strip()
    if not text or len(text) > 24:
        raise DomainError("phone_invalid", field="phone")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise DomainError("phone_invalid", field="phone") from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise DomainError("phone_invalid", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored E.164 number as a person reads it: +86 138 0013 8000."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    """Return an 18-character unified social credit code, or raise DomainError."""
    code = (raw or "").strip().upper().replace(" ", "")
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        raise DomainError("uscc_format", field="uscc")
    if uscc_check_char(code[:17]) != code[17]:
        raise DomainError("uscc_check", field="uscc")
    return code
