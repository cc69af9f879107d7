"""Admin forms."""
from flask_babel import lazy_gettext as _l
from marketplace.web.forms import BaseForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, Regexp


class DecisionForm(BaseForm):
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class UnlockForm(BaseForm):
    # i18n: button: lift the lock put on an account after too many wrong passwords
    unlock = SubmitField(_l("Unlock"))


class AccountSearchForm(BaseForm):
    """A GET form: no CSRF token."""

    class Meta:
        csrf = False

    # i18n: search field on the admin's list of accounts
    q = StringField(_l("Name, phone or e-mail"), validators=[Optional(), Length(max=80)], render_kw={"dir": "auto"})
    # i18n: tick box: show only the accounts locked after wrong passwords
    locked = BooleanField(_l("Only locked accounts"))


class AuditSearchForm(BaseForm):
    """A GET form: no CSRF token."""

    class Meta:
        csrf = False

    # i18n: search field on the action record: who acted, or for whom
    person = StringField(_l("Person (name, phone or e-mail)"), validators=[Optional(), Length(max=80)],
                         render_kw={"dir": "auto"})
    action = SelectField(_l("Action"), default="", validate_choice=True)
    # i18n: search field on the action record, e.g. delivery:12 or contract
    subject = StringField(_l("Record"), validators=[Optional(), Length(max=60), Regexp(r"^[a-z_]+(:[0-9]+)?\Z",
                          message=_l("Write a kind of record, optionally with a colon and a number."))],
                          description=_l("For example delivery:12, or contract for every contract."),
                          render_kw={"dir": "ltr", "spellcheck": "false"})
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
