"""Forms that must be saved once: a hidden one-time token, spent in the same transaction as the save.

The token is made when the form is shown; the view spends it (an INSERT into a
table with a unique token) before it commits what the form creates. A second
click, a replay or a resend after "back" carries a spent token and is refused;
two identical requests at the same instant collide on the unique constraint
(the second waits for the first and then fails), so nothing is saved twice.
"""
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Regexp

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import UsedFormToken


#: What new_token makes, and what the table can hold: a token of another shape was never a form's.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OnceField(HiddenField):
    """The form's one-time token; a fresh one on every render of an unsent form."""

    def __init__(self, **kwargs):
        super().__init__(validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")],
                         default=new_token, **kwargs)


def spend(token: str, user_id: int) -> None:
    """Record the token as used, or raise DomainError("form_already_sent") (so for a token no form carries too)."""
    if not TOKEN.match(token or ""):
        raise DomainError("form_already_sent")
    try:
        with db.session.begin_nested():  # the unique token decides, even between simultaneous requests
            db.session.add(UsedFormToken(token=token, user_id=user_id))
    except IntegrityError:
        raise DomainError("form_already_sent") from None



def used(token: str | None) -> bool:
    """Whether a form with this token was already saved (one of another shape never was: nothing is looked up)."""
    if not token or not TOKEN.match(token):
        return False
    return db.session.scalar(sa.select(UsedFormToken.id).where(UsedFormToken.token == token)) is not None
