"""The form that starts a matching run."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from marketplace.web.forms import BaseForm


def next_season(today: date) -> int:
    """From October the coming season is next year's."""
    return today.year + 1 if today.month >= 10 else today.year


class RunForm(BaseForm):
    product_id = SelectField(_l("Product"), coerce=int, validators=[InputRequired()])
    season = IntegerField(
        # i18n: the harvest year a matching run is for, e.g. 2026
        _l("Season (harvest year)"), validators=[InputRequired(), NumberRange(min=2020, max=2100)],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )
    # i18n: button that runs the matching of harvests to orders now
    submit = SubmitField(_l("Start matching"))
