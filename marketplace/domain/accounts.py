"""Account rules: who may log in, and how an account's status may change."""
import gzip
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from marketplace.domain.errors import InvalidTransition

ACCOUNT_TRANSITIONS = {
    ("pending", "active"),     # an admin approves
    ("pending", "rejected"),   # an admin rejects
    ("active", "disabled"),    # an admin disables
    ("disabled", "active"),    # and restores
}

#: Roles that need an admin's approval before the account can be used.
APPROVAL_ROLES = frozenset({"processor", "coop_manager"})

MIN_PASSWORD_LENGTH = 8


def account_transition(current: str, target: str) -> str:
    if (current, target) not in ACCOUNT_TRANSITIONS:
        raise InvalidTransition("account", current, target)
    return target


def initial_status(role: str) -> str:
    return "pending" if role in APPROVAL_ROLES else "active"


# Passwords -------------------------------------------------------------------------------------------------

#: The 20,000 commonest passwords (lowercased), the list Django ships (after Royce Williams).
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def password_problem(password: str, personal: tuple[str | None, ...] = ()) -> str | None:
    """Why a new password is refused, as a message code, or None when it will do.

    Too short; one of the commonest passwords (whatever the letter case, and also once trailing digits or
    punctuation are dropped, so "Password123!" counts as "password"); or made of the person's own phone
    number, e-mail name or name.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    lowered = password.lower()
    common = common_passwords()
    stem = lowered.rstrip("0123456789!@#$%^&*.?_-")
    if lowered in common or (len(stem) >= 4 and stem in common) or len(set(lowered)) < 3:
        return "password_too_common"
    digits = _digits(password)
    for value in personal:
        if not value:
            continue
        own = value.lower().split("@")[0]
        own_digits = _digits(own)
        if len(own_digits) >= 8:  # a phone number: the password may not be made of its digits
            if len(digits) >= 8 and (digits in own_digits or own_digits[-8:] in digits):
                return "password_like_identity"
        elif len(own) >= 4 and (own in lowered or lowered in own):  # an e-mail name or a person's name
            return "password_like_identity"
    return None


# Lockout ---------------------------------------------------------------------------------------------------

#: Wrong passwords in a row before an account is locked, and for how long.
LOCKOUT_ATTEMPTS = 5
LOCKOUT_MINUTES = 15


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_wrong_password(failed_logins: int, now: datetime) -> tuple[int, datetime | None]:
    """The new count of wrong passwords in a row, and the time the account stays locked until (or None)."""
    failed = failed_logins + 1
    if failed >= LOCKOUT_ATTEMPTS:
        return 0, now + timedelta(minutes=LOCKOUT_MINUTES)
    return failed, None
