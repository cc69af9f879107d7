"""Delivery forms: find a contract, weigh and grade (numbers read exactly as typed), review, answer, trace."""
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from marketplace.web.amounts import percent_field
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm

WEIGHT_TEXT = re.compile(r"\d{1,9}(\.\d?)?\Z")


class Kilograms:
    """A weight in kg to 0.1 kg, read exactly into `field.grams`."""

    def __call__(self, form, field):
        field.grams = None
        text = (field.data or "").strip().replace("\u066b", ".")
        if not text:
            raise ValidationError(_l("This field is required."))
        if not WEIGHT_TEXT.match(text):
            raise ValidationError(_l("Enter the weight in kg with at most one decimal, for example 52.5."))
        field.grams = int(Decimal(text) * 1000)


class KgField(StringField):
    grams: int | None = None


def kg_field(label, description=None):
    return KgField(label, description=description, render_kw=NUMBER_KW, validators=[Kilograms()])


class SearchForm(BaseForm):
    """Find a contract at the scale: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    # i18n: search box at the weighing scale: a farmer's name, phone number or contract number
    q = StringField(_l("Farmer's name, phone or contract number"), validators=[DataRequired(), Length(max=80)],
                    render_kw={"dir": "auto", "autocomplete": "off", "type": "search"})


class DeliveryForm(BaseForm):
    nonce = HiddenField()
    delivered_on = DateField(_l("Delivery date"), validators=[InputRequired()], render_kw={"dir": "ltr"})
    # i18n: the weight on the scale, with the bags
    gross_kg = kg_field(_l("Gross weight (kg)"))
    # i18n: the weight of the empty bags or the cart
    tare_kg = kg_field(_l("Tare (kg)"), description=_l("The weight of the bags or the cart."))
    moisture_pct = percent_field(_l("Moisture (%)"))
    impurity_pct = percent_field(_l("Impurity (%)"))
    grade_id = SelectField(_l("Grade"), coerce=int, validators=[InputRequired()])
    # i18n: the name of the person who graded the delivery
    graded_by = StringField(_l("Graded by"), validators=[DataRequired(), Length(max=80)], render_kw={"dir": "auto"})
    remarks = TextAreaField(_l("Remarks (optional)"), validators=[Optional(), Length(max=300)],
                            render_kw={"dir": "auto"})
    # i18n: a tick box shown with a warning (outside the delivery window, or more than is left of the contract)
    confirm_warning = BooleanField(_l("I have checked this and want to record it anyway."))
    # i18n: button that saves a weighing
    save = SubmitField(_l("Record the delivery"))


class ConfirmForm(BaseForm):
    # i18n: button: the farmer agrees with the weighing and grading
    confirm = SubmitField(_l("Confirm: this is right"))


class DisputeForm(BaseForm):
    reason = TextAreaField(_l("What is wrong?"), validators=[DataRequired(), Length(max=300)],
                           render_kw={"dir": "auto"})
    # i18n: button: the farmer disputes the weighing or grading
    dispute = SubmitField(_l("Dispute"))


class RejectDisputeForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)], render_kw={"dir": "auto"})
    # i18n: button: answer a farmer's dispute without correcting the record
    reject = SubmitField(_l("Answer without a correction"))


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    state = SelectField(_l("Status"), default="")


class TraceForm(BaseForm):
    """Anyone may check a lot code: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    # i18n: the code printed on a bag label, e.g. 0001-7K2M-9QXA
    code = StringField(_l("Lot code"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"})
