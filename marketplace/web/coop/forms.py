"""Co-operative forms."""
import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marketplace.web.forms import BaseForm
from wtforms import DateField, DecimalField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from marketplace.web.fields import (
    NUMBER_KW, area_field, county_field, finite, language_field, name_field, phone_field, township_field,
)


class MemberForm(BaseForm):
    name = name_field(_l("Member's name"))
    phone = phone_field(_l("Mobile number (leave empty if the member has none)"), required=False)
    county_id = county_field()
    township_id = township_field()
    village = StringField(_l("Village"), validators=[DataRequired(), Length(max=60)], render_kw={"dir": "auto"})
    farm_area_mu = area_field()
    locale = language_field()
    joined_on = DateField(_l("Joined on"), default=date.today, validators=[InputRequired()], render_kw={"dir": "ltr"})
    capital_yuan = DecimalField(
        _l("Capital contribution (yuan)"), places=2, default=Decimal("0"),
        validators=[InputRequired(), finite, NumberRange(min=Decimal("0"), max=Decimal("100000000"))],
        render_kw=NUMBER_KW,
    )
    submit = SubmitField(_l("Register member"))

    def validate_capital_yuan(self, field):
        if field.data is None or field.errors:  # not a number, or out of range: said already
            return
        if field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError(_l("Give the amount in yuan with at most two decimals."))


class PayoutAccountForm(BaseForm):
    # i18n: the bank card or account number the co-op pays the member to; empty means cash
    payout_account = StringField(_l("Payout account (bank card or account number)"),
                                 validators=[Length(max=40)], render_kw={"dir": "ltr", "inputmode": "numeric",
                                                                         "autocomplete": "off"},
                                 description=_l("Leave empty to pay this member in cash against a receipt."))
    # i18n: the member's Stripe connected account id; payouts then go there by transfer
    stripe_account = StringField(_l("Stripe connected account"), validators=[Length(max=40)],
                                 render_kw={"dir": "ltr", "autocomplete": "off", "placeholder": "acct_..."},
                                 description=_l("When it is set, payouts go to this account by Stripe transfer."))
    save = SubmitField(_l("Save"))

    def validate_stripe_account(self, field):
        text = (field.data or "").strip()
        if text and not re.fullmatch(r"acct_[A-Za-z0-9]{6,34}", text):
            raise ValidationError(_l("A Stripe connected account id starts with acct_ followed by letters and digits."))
        field.data = text

    def validate_payout_account(self, field):
        text = " ".join((field.data or "").split())
        if text and not all(ch.isdigit() or ch in " -" for ch in text):
            raise ValidationError(_l("Use digits only (spaces and hyphens are allowed)."))
        field.data = text
