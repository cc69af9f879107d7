"""Price index forms: recording a price, filtering the history."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from marketplace.domain.money import yuan_to_fen
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm

#: The highest price the index accepts, in fen per kg (the service's bound: 1,000,000 yuan/kg).
MAX_FEN_PER_KG = 100_000_000
PRICE_TEXT = re.compile(r"-?(\d{1,12}(\.\d{0,6})?|\.\d{1,6})\Z")


class PriceForm(BaseForm):
    grade_id = SelectField(_l("Product and grade"), coerce=int, validators=[InputRequired()])
    on_date = DateField(_l("Date"), default=date.today, validators=[InputRequired()], render_kw={"dir": "ltr"})
    # A text field, not a number field: the amount is parsed exactly (yuan_to_fen), never as a float.
    price_yuan = StringField(
        _l("Price (yuan per kg)"), validators=[DataRequired()],
        render_kw=NUMBER_KW, description=_l("For example 5.60. At most two decimals (fen)."),
    )
    source_note = StringField(
        # i18n: where a market price was observed or who reported it
        _l("Source"), validators=[DataRequired(), Length(max=200)], render_kw={"dir": "auto"},
        description=_l("Where the price comes from, for example the Yining market or a mill's posted price."),
    )
    submit = SubmitField(_l("Record price"))

    #: The price in fen per kg, once validated.
    fen_per_kg: int | None = None

    def validate_price_yuan(self, field):
        # Plain digits with an optional point only: no exponent, no "NaN"/"Infinity", and no comma,
        # which is a decimal separator in some of the languages and a thousands separator in others.
        text = (field.data or "").strip().replace("\u066b", ".")  # the Arabic decimal separator
        if not PRICE_TEXT.match(text):
            raise ValidationError(_l("Enter a price in yuan with a point for decimals, for example 5.60."))
        try:
            fen = yuan_to_fen(text)
        except ValueError:
            raise ValidationError(_l("Give the price with at most two decimals (whole fen).")) from None
        if fen <= 0:
            raise ValidationError(_l("Give a price above zero."))
        if fen > MAX_FEN_PER_KG:
            raise ValidationError(_l("The price can be at most 1,000,000 yuan per kg."))
        self.fen_per_kg = fen


class FilterForm(BaseForm):
    """The history's product filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    product = SelectField(_l("Product"), coerce=int, default=0)
