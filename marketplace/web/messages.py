"""Translated messages for domain error codes, and putting them on forms."""
from flask import flash
from flask_babel import lazy_gettext as _l

from marketplace.domain.errors import DomainError

MESSAGES = {
    "phone_invalid": _l("Enter a mainland China mobile number, for example 138 0013 8000."),
    "phone_required": _l("A mobile number is needed to sign up."),
    "phone_taken": _l("This mobile number cannot be used for a new account. If it is yours, log in or reset your password."),
    "email_taken": _l("This e-mail address cannot be used for a new account. If it is yours, log in or reset your password."),
    "uscc_format": _l("A unified social credit code has 18 letters and digits (no I, O, S, V or Z)."),
    "uscc_check": _l("This unified social credit code is not valid: its last character does not match. Check for a typing mistake."),
    "uscc_taken": _l("A processor with this unified social credit code is already registered."),
    "registration_taken": _l("A co-operative with this registration number is already registered."),
    "county_unknown": _l("Choose a county from the list."),
    "township_not_in_county": _l("This township is not in the chosen county."),
    "login_failed": _l("The phone number, e-mail or password is not right."),
    "account_pending": _l("Your account is waiting for approval by the market office. You will get a message when it is approved."),
    "account_closed": _l("This account cannot log in. Please contact the market office."),
    "reset_expired": _l("This link has expired. Ask for a new one."),
    "reset_invalid": _l("This link is not valid. Ask for a new one."),
    "no_cooperative": _l("Your account is not linked to a co-operative."),
    "capital_negative": _l("The contribution cannot be negative."),
    "joined_in_future": _l("The joining date cannot be in the future."),
    "already_member": _l("This farmer is already a member of your co-operative."),
    "invalid_transition": _l("This is no longer possible: the record has changed. Reload the page."),
}


def message_for(error: DomainError) -> str:
    return str(MESSAGES.get(error.code, MESSAGES["invalid_transition"]))


def apply_domain_error(form, error: DomainError) -> None:
    """Put the error's message beside its field, or at the top of the form."""
    message = message_for(error)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    else:
        form.form_errors.append(message)
        flash(message, "error")


#: Labels of recorded acts (ActionRecord.action).
ACTION_LABELS = {
    "register_member": _l("registered as a member"),
    "approve_account": _l("approved an account"),
    "reject_account": _l("rejected an account"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
