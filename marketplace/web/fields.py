"""Form fields and choices shared by several areas."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from marketplace.extensions import db
from marketplace.i18n import LOCALES, NATIVE_NAMES, current_locale_name, local_name
from marketplace.models import County, Township

PHONE_KW = {"type": "tel", "inputmode": "tel", "dir": "ltr", "autocomplete": "tel"}
NUMBER_KW = {"inputmode": "decimal", "dir": "ltr"}


def county_choices():
    counties = db.session.scalars(sa.select(County).order_by(County.code)).all()
    return [(c.id, local_name(c.names)) for c in counties]


def township_choices():
    """Townships grouped by county (rendered as <optgroup>, so no script is needed)."""
    rows = db.session.scalars(
        sa.select(Township).options(sa.orm.joinedload(Township.county)).order_by(Township.county_id, Township.code)
    ).all()
    grouped: dict[str, list] = {}
    for t in rows:
        grouped.setdefault(local_name(t.county.names), []).append((t.id, local_name(t.names)))
    return grouped


def locale_choices():
    return [(code, NATIVE_NAMES[code]) for code in LOCALES]


def name_field(label):
    return StringField(label, validators=[DataRequired(), Length(max=80)], render_kw={"dir": "auto", "autocomplete": "name"})


def phone_field(label, required=True):
    checks = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=24)], render_kw=PHONE_KW)


def county_field():
    return SelectField(_l("County"), coerce=int, validators=[InputRequired()])


def township_field():
    return SelectField(_l("Township"), coerce=int, validators=[InputRequired()])


def finite(form, field):
    """Refuse "NaN" and "Infinity", which Decimal accepts and no comparison survives."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Not a valid decimal value."))


def area_field():
    return DecimalField(
        _l("Farm area (mu)"), places=1,
        validators=[InputRequired(), finite, NumberRange(min=Decimal("0.1"), max=Decimal("100000"))],
        render_kw=NUMBER_KW,
        description=_l("15 mu = 1 hectare."),
    )


def language_field():
    return SelectField(_l("Preferred language"), default=current_locale_name)


def fill_place_choices(form):
    form.county_id.choices = county_choices()
    if hasattr(form, "township_id"):
        form.township_id.choices = township_choices()
    if hasattr(form, "locale"):
        form.locale.choices = locale_choices()
