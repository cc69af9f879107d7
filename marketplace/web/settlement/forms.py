"""Settlement forms: an advance, a period to settle, and posting a previewed run once."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.web.amounts import Yuan, YuanField, percent_field, yuan_field
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm

#: The largest id a table holds (a 32-bit integer on PostgreSQL): a larger one is never a record.
MAX_ID = 2**31 - 1

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
    proposal_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
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


class SurplusForm(BaseForm):
    """The year's surplus: previewed by GET (no CSRF token), posted by PostSurplusForm."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[InputRequired()], render_kw={"inputmode": "numeric", "dir": "ltr"})
    # i18n: the co-op's surplus (profit) for the year, to distribute to members
    surplus = YuanField(_l("The year's surplus (yuan)"), render_kw=NUMBER_KW,
                        validators=[InputRequired(), Yuan(10_000_000_000, True, _l("This amount is too large."))])
    losses = yuan_field(_l("Losses made good first (yuan)"), high=10_000_000_000)
    reserve_pct = percent_field(_l("Reserve (%)"), description=_l("Drawn before distribution and quantified to each member by transaction volume."))
    volume_pct = percent_field(_l("Returned by transaction volume (%)"), low=60,
                               message=_l("The law requires at least 60 % to be returned by transaction volume."),
                               description=_l("At least 60 %, by law. The rest goes by contribution, reserve share and an equal share of subsidy assets."))
    subsidy_assets = yuan_field(_l("Assets from state subsidies and donations (yuan)"), high=10_000_000_000)


class PostSurplusForm(SurplusForm):
    class Meta:
        csrf = True

    nonce = HiddenField()
    # i18n: button that posts the year's surplus distribution to the members' accounts
    post = SubmitField(_l("Distribute to the members"))


class RebateForm(BaseForm):
    """A season's rebate pool: previewed by GET (no CSRF token), declared by DeclareRebateForm."""

    class Meta:
        csrf = False

    # i18n: the harvest season (a year) of the contracts a rebate is for
    season = IntegerField(_l("Season"), validators=[InputRequired()], render_kw={"inputmode": "numeric", "dir": "ltr"})
    # i18n: the total second-round rebate a processor pays back to the farmers
    pool = YuanField(_l("Rebate pool (yuan)"), render_kw=NUMBER_KW,
                     validators=[InputRequired(), Yuan(10_000_000_000, True, _l("This amount is too large."))])


class DeclareRebateForm(RebateForm):
    class Meta:
        csrf = True

    nonce = HiddenField()
    # i18n: button: declare the rebate; the farmers are owed their shares at once
    declare = SubmitField(_l("Declare the rebate"))


class PrepareForm(BaseForm):
    nonce = HiddenField()
    # i18n: button: prepare a batch paying each member what the co-op owes them
    prepare = SubmitField(_l("Prepare a payout batch"))


class ApproveForm(BaseForm):
    # i18n: button: a second manager approves a payout batch; money moves then
    approve = SubmitField(_l("Approve and pay"))
    # i18n: button: cancel a payout batch before it is approved
    cancel = SubmitField(_l("Cancel the batch"))


class RetryTransfersForm(BaseForm):
    # i18n: button: send again the Stripe transfers of a payout batch that did not go through
    retry = SubmitField(_l("Send the waiting transfers again"))


class CardForm(BaseForm):
    # i18n: button: pay an invoice by card through Stripe
    pay = SubmitField(_l("Pay by card"))
