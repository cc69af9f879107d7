"""Amounts typed as text and read exactly: yuan into fen (`yuan_to_fen`), percent into basis points.

Never through a float; a comma is refused (it is a decimal separator in some
of the languages and a thousands separator in others).
"""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional, ValidationError

from marketplace.domain.money import yuan_to_fen
from marketplace.web.fields import NUMBER_KW

AMOUNT_TEXT = re.compile(r"[-+]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})\Z")
MAX_FEN_PER_MU = 100_000_000


def _plain(text: str | None) -> str:
    # The Arabic decimal separator counts as a point; a comma never does (it means different things).
    return (text or "").strip().replace("\u066b", ".")


class Yuan:
    """An amount in yuan, read exactly into `field.fen` (None when empty)."""

    def __init__(self, high_fen: int, positive: bool, too_big):
        self.high_fen, self.positive, self.too_big = high_fen, positive, too_big

    def __call__(self, form, field):
        field.fen = None
        text = _plain(field.data)
        if not text:
            return
        if not AMOUNT_TEXT.match(text):
            raise ValidationError(_l("Enter an amount in yuan with a point for decimals, for example 5.60."))
        if Decimal(text).adjusted() >= 13:  # far beyond any real amount, before it is read exactly
            raise ValidationError(self.too_big)
        try:
            fen = yuan_to_fen(text)
        except ValueError:
            raise ValidationError(_l("Give the amount with at most two decimals (whole fen).")) from None
        if fen < 0 or (self.positive and fen == 0):
            raise ValidationError(_l("Give an amount above zero.") if self.positive else _l("An amount cannot be negative."))
        if fen > self.high_fen:
            raise ValidationError(self.too_big)
        field.fen = fen


class Percent:
    """A percentage with at most two decimals, read exactly into basis points in `field.bp` (empty = 0)."""

    def __init__(self, low: int, high: int, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        field.bp = 0
        text = _plain(field.data).removesuffix("%").strip()
        if not text:
            return
        if not AMOUNT_TEXT.match(text):
            raise ValidationError(_l("Enter a percentage as a number, for example 2.5."))
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValidationError(_l("Enter a percentage as a number, for example 2.5.")) from None
        if not self.low <= value <= self.high:
            raise ValidationError(self.message)
        bp = value * 100
        if bp != bp.to_integral_value():
            raise ValidationError(_l("Give the percentage with at most two decimals."))
        field.bp = int(bp)


class YuanField(StringField):
    #: The amount in fen once validated; None when empty.
    fen: int | None = None


class PercentField(StringField):
    #: The rate in basis points once validated.
    bp: int = 0


def yuan_field(label, description=None, positive=False, high=MAX_FEN_PER_MU, too_big=None):
    return YuanField(
        label, description=description, render_kw=NUMBER_KW,
        validators=[Optional(), Yuan(high, positive, too_big or _l("This amount is too large."))],
    )


def percent_field(label, low=0, high=100, message=None, description=None):
    return PercentField(
        label, default="0", description=description, render_kw=NUMBER_KW,
        validators=[Percent(low, high, message or _l("Give a percentage between 0 and 100."))],
    )
