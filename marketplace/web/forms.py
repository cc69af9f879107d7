"""The base form: WTForms' own messages come from the marketplace catalogs, and no field may carry a NUL.

WTForms ships no Uyghur or Kazakh catalog, so its built-in messages
("This field is required.") are listed here for extraction and translated
in every catalog like any other string.
"""
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm

from marketplace.web.errors import EXPLANATIONS


class CatalogTranslations:
    """WTForms formats its messages itself, so hand it the raw translated strings."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return CatalogTranslations()

    def validate(self, extra_validators=None):
        """The fields' own checks, and no NUL character in any field: nobody types one, and PostgreSQL cannot
        store one in text (it would fail the whole request)."""
        valid = super().validate(extra_validators)
        for field in self:
            if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
                field.errors = [*field.errors, EXPLANATIONS[400]]
                valid = False
        return valid


# WTForms' built-in messages that the marketplace's forms can show.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid email address."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    lazy_ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
)
