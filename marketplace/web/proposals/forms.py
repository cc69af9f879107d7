"""Proposal forms: filter the list, and answer one proposal."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from marketplace.web.forms import BaseForm


class FilterForm(BaseForm):
    """The list's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")


class DecideForm(BaseForm):
    """One form, two buttons: the button pressed is the answer."""

    # i18n: button on a proposal: agree to sell/buy this quantity at this price
    accept = SubmitField(_l("Accept"))
    # i18n: button on a proposal: refuse it
    decline = SubmitField(_l("Decline"))
