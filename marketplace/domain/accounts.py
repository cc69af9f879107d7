"""Account rules: who may log in, and how an account's status may change."""
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
