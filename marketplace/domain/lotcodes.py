"""Lot codes that cannot be forged: a serial and a keyed signature, in a short code a person can read out.

A code is 12 characters of Crockford's base 32 (digits and capitals without
I, L, O and U), printed in three groups of four: 6 characters carry the
delivery's serial number, 6 carry the first 30 bits of HMAC-SHA256(key,
serial). Anyone can read a code; only the marketplace's key makes a valid
one, and changing any one character makes the signature fail. Reading is
forgiving the way Crockford's alphabet means it to be: case, spaces and
hyphens are ignored, O reads as 0, and I and L read as 1.
"""
import hashlib
import hmac
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_CHARS = 6
SIGNATURE_CHARS = 6
LENGTH = SERIAL_CHARS + SIGNATURE_CHARS
MAX_SERIAL = len(ALPHABET) ** SERIAL_CHARS - 1
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(rf"[{ALPHABET}]{{{LENGTH}}}")


class LotCodeError(ValueError):
    """A code of the wrong length or alphabet ("malformed"), or whose signature fails ("forged")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * 32 + ALPHABET.index(char)
    return number


def _signature(key: bytes, serial: int) -> str:
    digest = hmac.new(key, f"lot:{serial}".encode(), hashlib.sha256).digest()
    return _encode(int.from_bytes(digest[:4], "big") >> 2, SIGNATURE_CHARS)  # 30 bits


def issue(key: bytes, serial: int) -> str:
    """The 12-character code for a serial (a delivery's number)."""
    if not 0 < serial <= MAX_SERIAL:
        raise ValueError("serial out of range")
    serial_text = _encode(serial, SERIAL_CHARS)
    return serial_text + _signature(key, serial)


def normalise(text: str) -> str:
    """Upper case, no spaces or hyphens, O as 0 and I, L as 1; raises LotCodeError("malformed")."""
    code = re.sub(r"[\s\-]", "", (text or "")[:64]).upper().translate(_READ_AS)
    if not _SHAPE.fullmatch(code):
        raise LotCodeError("malformed")
    return code


def verify(key: bytes, text: str) -> int:
    """The serial a genuine code carries; raises LotCodeError("malformed" or "forged")."""
    code = normalise(text)
    serial = _decode(code[:SERIAL_CHARS])
    if serial == 0 or not hmac.compare_digest(_signature(key, serial), code[SERIAL_CHARS:]):
        raise LotCodeError("forged")
    return serial


def display(code: str) -> str:
    """In groups of four, as printed on the bag label: 0001-7K2M-9QXA."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
