"""Expected-harvest forms: post or edit a harvest, withdraw it, filter the list."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from marketplace.web.fields import NUMBER_KW, finite, township_field
from marketplace.web.forms import BaseForm

#: Bounds that keep a typing slip from reaching the database (the service checks the lower ones).
MAX_AREA_MU = Decimal("100000")
MAX_KG = 100_000_000


def parsed(form, field):
    """Stop at the "not a valid number" message: the range checks after it would only add noise."""
    if field.process_errors:
        raise StopValidation()


def one_decimal(form, field):
    # Read from the digits: quantizing a number of more than 28 digits fails.
    if field.data is not None and field.data.normalize().as_tuple().exponent < -1:
        raise StopValidation(_l("Give the area with at most one decimal, for example 12.5."))


class HarvestForm(BaseForm):
    product_id = SelectField(_l("Product"), coerce=int, validators=[InputRequired()])
    variety = StringField(
        # i18n: the cultivar of safflower, e.g. 吉红1号; optional
        _l("Variety (optional)"), validators=[Optional(), Length(max=60)], render_kw={"dir": "auto"},
    )
    area_mu = DecimalField(
        _l("Planted area (mu)"), places=None,
        validators=[InputRequired(), parsed, finite, one_decimal, NumberRange(max=MAX_AREA_MU)],
        render_kw=NUMBER_KW, description=_l("15 mu = 1 hectare."),
    )
    # Empty is allowed: the form then comes back with a suggestion from the area (no script needed).
    expected_kg = IntegerField(
        _l("Expected quantity (kg)"), validators=[Optional(), parsed, NumberRange(max=MAX_KG)],
        render_kw={**NUMBER_KW, "inputmode": "numeric"},
    )
    confirm_large = BooleanField(_l("I confirm this quantity"))
    grade_id = SelectField(_l("Expected grade"), coerce=int, validators=[InputRequired()])
    harvest_start = DateField(_l("Harvest from"), validators=[InputRequired()], render_kw={"dir": "ltr"})
    harvest_end = DateField(
        # i18n: the last day of the expected harvest period ("Harvest from ... until ...")
        _l("Harvest until"), validators=[InputRequired()], render_kw={"dir": "ltr"},
    )
    township_id = township_field()
    village = StringField(_l("Village"), validators=[DataRequired(), Length(max=60)], render_kw={"dir": "auto"})
    lat = DecimalField(
        _l("Latitude"), places=None, validators=[Optional(), parsed, finite, NumberRange(min=-90, max=90)],
        render_kw=NUMBER_KW, description=_l("In degrees, for example 43.84."),
    )
    lon = DecimalField(
        _l("Longitude"), places=None, validators=[Optional(), parsed, finite, NumberRange(min=-180, max=180)],
        render_kw=NUMBER_KW, description=_l("In degrees, for example 81.15."),
    )
    #: A one-time token: the same filled-in form sent twice is refused (see routes.new_harvest).
    form_nonce = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Save harvest"))


class MemberHarvestForm(HarvestForm):
    """A co-op manager posts for a member, on record."""

    member_id = SelectField(_l("Member"), coerce=int, default=0, validators=[InputRequired()])

    def validate_member_id(self, field):
        if not field.data:
            raise ValidationError(_l("Choose a member from the list."))


class WithdrawForm(BaseForm):
    reason = StringField(
        # i18n: why the farmer takes back an expected harvest (e.g. hail damage, sold elsewhere)
        _l("Reason for withdrawing"), validators=[DataRequired(), Length(max=300)], render_kw={"dir": "auto"},
    )
    submit = SubmitField(_l("Withdraw harvest"))


class FilterForm(BaseForm):
    """The list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")
    product = SelectField(_l("Product"), coerce=int, default=0)
    member = SelectField(_l("Member"), coerce=int, default=0)
