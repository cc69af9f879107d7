"""The one notifications form: mark everything read."""
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from marketplace.web.forms import BaseForm


class ReadForm(BaseForm):
    # i18n: button on the notices page
    submit = SubmitField(_l("Mark all as read"))
