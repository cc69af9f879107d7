"""Product and grade forms: a name per catalog language, the grade spec, the harvest months."""
from decimal import Decimal

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, StopValidation, ValidationError

from marketplace.i18n import LOCALES
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm

#: Input direction per catalog language: the Arabic-script names are typed right to left.
NAME_DIRECTION = {"zh_Hans": "auto", "ug": "rtl", "kk_Arab": "rtl", "kk_Cyrl": "auto", "en": "auto"}
NAME_LANG = {"zh_Hans": "zh-Hans", "ug": "ug", "kk_Arab": "kk-Arab", "kk_Cyrl": "kk-Cyrl", "en": "en"}


class DecimalRange:
    """A finite number within [low, high] (or above low), with at most `places` decimals."""

    def __init__(self, low: Decimal, high: Decimal, places: int, message, above_low: bool = False):
        self.low, self.high, self.places, self.message, self.above_low = low, high, places, message, above_low

    def __call__(self, form, field):
        value = field.data
        if value is None:
            raise StopValidation()  # the field already says "Not a valid decimal value."
        if not value.is_finite():
            raise StopValidation(self.message)
        too_low = value <= self.low if self.above_low else value < self.low
        if too_low or value > self.high:
            raise StopValidation(self.message)
        if value.normalize().as_tuple().exponent < -self.places:
            if self.places == 1:
                raise ValidationError(_l("Give at most one decimal."))
            raise ValidationError(_l("Give at most two decimals."))


def percent_field(label, description=None):
    return DecimalField(
        label, places=None, description=description, render_kw=NUMBER_KW,
        validators=[InputRequired(), DecimalRange(Decimal(0), Decimal(100), 2, _l("Give a percentage between 0 and 100."))],
    )


def name_in(locale: str, label):
    return StringField(
        label, filters=[lambda s: s.strip() if s else s], validators=[DataRequired(), Length(max=80)],
        render_kw={"dir": NAME_DIRECTION[locale], "lang": NAME_LANG[locale], "autocomplete": "off"},
    )


def month_choices():
    """Months 1–12, named by Babel in the page's language."""
    names = get_month_names("wide", context="stand-alone", locale=get_locale())
    return [(month, names[month]) for month in range(1, 13)]


class NamesForm(BaseForm):
    """The name in each of the five catalog languages (a product's or a grade's)."""

    name_zh_Hans = name_in("zh_Hans", _l("Name in Chinese"))
    name_ug = name_in("ug", _l("Name in Uyghur"))
    name_kk_Arab = name_in("kk_Arab", _l("Name in Kazakh (Arabic script)"))
    name_kk_Cyrl = name_in("kk_Cyrl", _l("Name in Kazakh (Cyrillic script)"))
    name_en = name_in("en", _l("Name in English"))

    def names(self) -> dict:
        return {code: getattr(self, f"name_{code}").data or "" for code in LOCALES}

    def fill_names(self, names: dict) -> None:
        for code in LOCALES:
            getattr(self, f"name_{code}").data = names.get(code, "")

    def name_fields(self):
        return [getattr(self, f"name_{code}") for code in LOCALES]


class GradeForm(NamesForm):
    submit = SubmitField(_l("Save grade"))


class AddGradeForm(NamesForm):
    # i18n: button under the form that appends a new, lowest grade to a product
    submit = SubmitField(_l("Add grade"))


class ProductForm(NamesForm):
    typical_yield_kg_per_mu = DecimalField(
        _l("Typical yield (kg per mu)"), places=None, render_kw=NUMBER_KW,
        description=_l("Used to suggest expected quantities and to catch typing mistakes."),
        validators=[InputRequired(), DecimalRange(Decimal(0), Decimal(100_000), 1,
                                                  _l("Give a yield above zero and at most 100,000 kg per mu."),
                                                  above_low=True)],
    )
    # i18n: the moisture content (water, in % of weight) a delivery is priced at, without deduction
    std_moisture_pct = percent_field(_l("Standard moisture (%)"))
    std_impurity_pct = percent_field(_l("Standard impurity (%)"))
    # i18n: above this moisture % a delivery is rejected
    reject_moisture_pct = percent_field(_l("Reject above moisture (%)"),
                                        _l("Must be above the standard moisture."))
    reject_impurity_pct = percent_field(_l("Reject above impurity (%)"),
                                        _l("Must be above the standard impurity."))
    harvest_start_month = SelectField(_l("Harvest starts in"), coerce=int, validators=[InputRequired()])
    harvest_end_month = SelectField(_l("Harvest ends in"), coerce=int, validators=[InputRequired()])
    # i18n: an active product can be chosen in new listings and orders
    active = BooleanField(_l("Active (offered in new listings and orders)"), default=True)
    submit = SubmitField(_l("Save product"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.harvest_start_month.choices = month_choices()
        self.harvest_end_month.choices = month_choices()


class NewProductForm(ProductForm):
    code = StringField(
        _l("Code"), filters=[lambda s: s.strip() if s else s],
        validators=[DataRequired(), Length(max=40),
                    Regexp(r"^[a-z0-9_]+\Z", message=_l("Use lowercase Latin letters, digits and _ only."))],
        render_kw={"dir": "ltr", "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
        # i18n: hint under the product code field; "safflower_seed" is an example code, keep it as is
        description=_l("A short fixed identifier, for example safflower_seed. It cannot be changed later."),
    )
