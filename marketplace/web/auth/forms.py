"""Account forms."""
from flask_babel import lazy_gettext as _l
from marketplace.web.forms import BaseForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from marketplace.domain.accounts import MIN_PASSWORD_LENGTH
from marketplace.web.fields import (
    area_field, county_field, language_field, name_field, phone_field, township_field,
)


def password_fields():
    new = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=128)],
        render_kw={"autocomplete": "new-password", "dir": "ltr"},
        description=_l("At least 8 characters."),
    )
    again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password", "dir": "ltr"},
    )
    return new, again


class FarmerSignupForm(BaseForm):
    name = name_field(_l("Your name"))
    phone = phone_field(_l("Mobile number"))
    county_id = county_field()
    township_id = township_field()
    village = StringField(_l("Village"), validators=[DataRequired(), Length(max=60)], render_kw={"dir": "auto"})
    farm_area_mu = area_field()
    locale = language_field()
    password, confirm = password_fields()
    submit = SubmitField(_l("Sign up"))


class ContactFields:
    """Phone or e-mail: at least one, both validated."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors, _l("Give a mobile number or an e-mail address.")]
            return False
        return valid


class ProcessorSignupForm(ContactFields, BaseForm):
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)], render_kw={"dir": "auto"})
    uscc = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=30)],
        render_kw={"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false"},
        description=_l("18 characters, as on the business licence."),
    )
    county_id = county_field()
    contact_name = name_field(_l("Contact person"))
    phone = phone_field(_l("Mobile number"), required=False)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)], render_kw={"dir": "ltr"})
    locale = language_field()
    password, confirm = password_fields()
    # i18n: button that sends an application for an account, to be approved by the market office
    submit = SubmitField(_l("Apply"))


class CoopSignupForm(ContactFields, BaseForm):
    coop_name = StringField(_l("Co-operative name"), validators=[DataRequired(), Length(max=120)], render_kw={"dir": "auto"})
    registration_no = StringField(
        _l("Registration number"), validators=[DataRequired(), Length(max=40)], render_kw={"dir": "ltr"}
    )
    county_id = county_field()
    manager_name = name_field(_l("Your name"))
    phone = phone_field(_l("Mobile number"), required=False)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)], render_kw={"dir": "ltr"})
    locale = language_field()
    password, confirm = password_fields()
    # i18n: button that sends an application for an account, to be approved by the market office
    submit = SubmitField(_l("Apply"))


class LoginForm(BaseForm):
    identifier = StringField(
        _l("Mobile number or e-mail"), validators=[DataRequired(), Length(max=254)],
        render_kw={"dir": "ltr", "autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password", "dir": "ltr"},
    )
    remember = BooleanField(_l("Remember me on this device"))
    submit = SubmitField(_l("Log in"))


class ForgotForm(BaseForm):
    identifier = StringField(
        _l("Mobile number or e-mail"), validators=[DataRequired(), Length(max=254)],
        render_kw={"dir": "ltr", "autocomplete": "username"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetForm(BaseForm):
    password, confirm = password_fields()
    submit = SubmitField(_l("Set new password"))


class LogoutForm(BaseForm):
    submit = SubmitField(_l("Log out"))
