"""Contract forms: filter, sign, withdraw, amend (one price field per priced grade), cancel, verify."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, PasswordField, RadioField, SelectField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from marketplace.domain.contracts import CONSENT_METHODS
from marketplace.domain.terms import SHARE_COOP
from marketplace.web.amounts import yuan_field
from marketplace.web.contracts.labels import CONSENT_LABELS
from marketplace.web.forms import BaseForm

INTEGER_KW = {"inputmode": "numeric", "dir": "ltr"}
DATE_KW = {"dir": "ltr"}
MAX_KG = 100_000_000
#: A price per kg above this many fen (100,000 yuan) is a typing mistake.
MAX_FEN_PER_KG = 10_000_000


class FilterForm(BaseForm):
    """The list's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")


class SignForm(BaseForm):
    #: The fingerprint the signer read; a different one means the page is out of date.
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password", "dir": "ltr"},
                             # i18n: hint under the password field when signing a contract
                             description=_l("Signing with your password is as binding as signing on paper."))
    # i18n: the consent statement a party ticks to sign a contract
    consent = BooleanField(_l("I have read this contract, I understand it, and I agree to it."))
    # i18n: when a co-op manager signs for a member: how the member agreed
    consent_method = RadioField(_l("How the member agreed"), validators=[Optional()],
                                choices=[SelectChoice(m, CONSENT_LABELS[m]) for m in CONSENT_METHODS])
    # i18n: who saw the member agree (a name, e.g. the village committee secretary)
    witness = StringField(_l("Witness"), validators=[Optional(), Length(max=80)], render_kw={"dir": "auto"},
                          description=_l("The name of the person who saw the member agree."))
    # i18n: button that signs a contract
    sign = SubmitField(_l("Sign the contract"))


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)], render_kw={"dir": "auto"})
    # i18n: button: withdraw a contract before both sides have signed
    withdraw = SubmitField(_l("Withdraw the contract"))


class CancelRequestForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)], render_kw={"dir": "auto"})
    # i18n: button: ask the other side to agree to cancel a contract in force
    request_cancel = SubmitField(_l("Ask to cancel"))


class CancelAnswerForm(BaseForm):
    # i18n: button: agree to the other side's request to cancel the contract
    agree = SubmitField(_l("Agree to cancel"))
    # i18n: button: refuse the other side's request to cancel; the contract stays in force
    refuse = SubmitField(_l("Keep the contract"))


class AmendForm(BaseForm):
    """`amend_form_class` adds price_<rank> per priced grade, or base_per_mu for share cooperation."""

    kg = IntegerField(_l("Quantity (kg)"), validators=[InputRequired(), NumberRange(min=1, max=MAX_KG)],
                      render_kw=INTEGER_KW)
    delivery_start = DateField(_l("Delivery from"), validators=[InputRequired()], render_kw=DATE_KW)
    delivery_end = DateField(_l("Delivery until"), validators=[InputRequired()], render_kw=DATE_KW)
    # i18n: button: propose the changed contract to the other side for signing
    propose = SubmitField(_l("Propose the change"))

    price_ranks: tuple = ()


def amend_form_class(term_type: str, ranks: list[int], grade_names: dict[int, str], price_label):
    """The amendment form for one contract: its priced grades' prices in yuan, labelled for its terms."""

    class Form(AmendForm):
        pass

    if term_type == SHARE_COOP:
        Form.base_per_mu = yuan_field(_l("Base payment per mu (yuan)"), positive=True)
    else:
        for rank in ranks:
            setattr(Form, f"price_{rank}", yuan_field(price_label(term_type, grade_names.get(rank, str(rank))),
                                                      positive=True, high=MAX_FEN_PER_KG))
        Form.price_ranks = tuple(ranks)
    return Form


class VerifyForm(BaseForm):
    """Anyone may check a fingerprint: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    # i18n: the contract's fingerprint: 64 characters 0-9 and a-f printed on the contract
    fingerprint = StringField(_l("Contract fingerprint"), validators=[
        DataRequired(), Regexp(r"^\s*[0-9a-fA-F]{64}\s*$", message=_l("A fingerprint is 64 characters, digits 0 to 9 and letters a to f."))],
        render_kw={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"})
