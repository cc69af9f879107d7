"""Admin forms."""
from flask_babel import lazy_gettext as _l
from marketplace.web.forms import BaseForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, ValidationError


class DecisionForm(BaseForm):
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class UnlockForm(BaseForm):
    # i18n: button: lift the lock put on an account after too many wrong passwords
    unlock = SubmitField(_l("Unlock"))


class AccountStatusForm(BaseForm):
    # i18n: button: the market office closes an account so it can no longer log in
    close = SubmitField(_l("Close account"))
    # i18n: button: the market office opens a closed account again
    reopen = SubmitField(_l("Reopen account"))


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
    # i18n: search field on the action record: which kind of record an act was on
    kind = SelectField(_l("Kind of record"), default="", validate_choice=True)
    # i18n: search field on the action record: the number of one record of the chosen kind
    number = IntegerField(_l("Record number"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
                          render_kw={"dir": "ltr", "inputmode": "numeric"})
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def validate_number(self, field):
        if field.data is not None and not self.kind.data:
            raise ValidationError(_l("Choose the kind of record too."))
