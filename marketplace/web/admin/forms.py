"""Admin forms."""
from flask_babel import lazy_gettext as _l
from marketplace.web.forms import BaseForm
from wtforms import SubmitField


class DecisionForm(BaseForm):
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))
