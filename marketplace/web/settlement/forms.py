"""Settlement forms: an advance, a period to settle, and posting a previewed run once."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from marketplace.web.amounts import Yuan, YuanField
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm

ADVANCE_KIND_LABELS = {
    "seed": _l("Seed"),
    "fertiliser": _l("Fertiliser"),
    "cash": _l("Cash"),
}


class AdvanceForm(BaseForm):
    nonce = HiddenField()
    # i18n: what was advanced to the farmer: seed, fertiliser or cash
    kind = RadioField(_l("What was advanced"), validators=[InputRequired()],
                      choices=[SelectChoice(k, v) for k, v in ADVANCE_KIND_LABELS.items()])
    amount = YuanField(_l("Value (yuan)"), render_kw=NUMBER_KW,
                       validators=[InputRequired(), Yuan(100_000_000, True, _l("This amount is too large."))])
    given_on = DateField(_l("Given on"), validators=[InputRequired()], render_kw={"dir": "ltr"})
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)], render_kw={"dir": "auto"})
    # i18n: button that records an advance
    save = SubmitField(_l("Record the advance"))


class PeriodForm(BaseForm):
    """Settle every delivered contract of a period: a GET form for the preview, so no CSRF token."""

    class Meta:
        csrf = False

    start = DateField(_l("Deliveries from"), validators=[InputRequired()], render_kw={"dir": "ltr"})
    end = DateField(_l("Deliveries until"), validators=[InputRequired()], render_kw={"dir": "ltr"})


class PostForm(BaseForm):
    nonce = HiddenField()
    proposal_id = IntegerField(validators=[Optional()])
    start = DateField(validators=[Optional()])
    end = DateField(validators=[Optional()])
    # i18n: button that posts a previewed settlement to the books
    post = SubmitField(_l("Post the settlement"))


class BankTransferForm(BaseForm):
    nonce = HiddenField()
    amount = YuanField(_l("Amount received (yuan)"), render_kw=NUMBER_KW,
                       validators=[InputRequired(), Yuan(10_000_000_000, True, _l("This amount is too large."))])
    # i18n: the reference the bank gives a transfer, as on the bank statement
    reference = StringField(_l("Bank reference"), validators=[InputRequired(), Length(max=80)],
                            render_kw={"dir": "ltr", "autocomplete": "off"})
    received_on = DateField(_l("Received on"), validators=[InputRequired()], render_kw={"dir": "ltr"})
    # i18n: button that records money received by bank transfer
    save = SubmitField(_l("Record the transfer"))
