"""The contract PDF: Chinese beside the farmer's language, the full fingerprint, and a QR code to check it."""
import io
import re
import unicodedata
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from marketplace.services.contract_changes import AmendmentInput, amend_contract
from marketplace.web.contracts.pdf import CLAUSES, contract_html, contract_pdf
from marketplace.services.contracts import sign_contract
from tests.conftest import signing

VERIFY_URL = "https://marketplace.example/contracts/verify/3f2a9c"
TITLE = "Order-farming contract"
#: Headings already translated in every catalog: the two columns must differ once the catalogs are compiled.
TRANSLATED = ("Price terms", "Short-delivery penalty", "Refusal penalty")


def render(app, contract) -> tuple[bytes, str]:
    with app.test_request_context():
        return contract_pdf(contract, VERIFY_URL), contract_html(contract, VERIFY_URL)


def in_locale(app, locale: str, message: str, **values) -> str:
    with app.test_request_context(), force_locale(locale):
        return _(message, **values)


def pdf_text(data: bytes) -> str:
    """All the text, NFKC-normalised (Arabic presentation forms become letters), without white space."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def shows(text: str, words: str) -> bool:
    """The words are in the text, in logical order or (right-to-left script) in visual order."""
    wanted = re.sub(r"\s+", "", unicodedata.normalize("NFKC", words))
    return wanted in text or wanted[::-1] in text


def test_a_uyghur_farmers_contract_is_chinese_beside_uyghur(app, db, contract_of, products):
    contract = contract_of["contract"]
    assert contract.harvest.farmer.locale == "ug"
    data, html = render(app, contract)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert contract.fingerprint in text
    assert VERIFY_URL in text
    for locale in ("zh_Hans", "ug"):
        assert shows(text, in_locale(app, locale, TITLE)), locale
        # Reference names are data in every language: the Uyghur column names the product in Uyghur.
        assert shows(text, products["seed"].names[locale]), locale
    assert shows(text, in_locale(app, "zh_Hans", "Contract %(number)s, version %(version)s",
                                 number=contract.number, version=1))
    assert 'lang="zh-Hans" dir="ltr"' in html and 'lang="ug" dir="rtl"' in html
    assert "data:image/svg+xml" in html  # the QR code


def test_the_two_columns_are_two_languages(app, db, contract_of):
    data, _html = render(app, contract_of["contract"])
    text = pdf_text(data)
    for message in TRANSLATED:
        chinese, uyghur = in_locale(app, "zh_Hans", message), in_locale(app, "ug", message)
        assert shows(text, chinese) and shows(text, uyghur), message
        if chinese == uyghur == message:  # no compiled catalogs (make translations): nothing more to compare
            continue
        assert chinese != uyghur, message
    chinese, uyghur = in_locale(app, "zh_Hans", TITLE), in_locale(app, "ug", TITLE)
    if TITLE not in (chinese, uyghur):  # once the title is translated and compiled
        assert chinese != uyghur


def test_a_kazakh_cyrillic_farmers_contract(app, db, contract_of, products):
    contract = contract_of["contract"]
    contract_of["farmer"].locale = "kk_Cyrl"
    db.session.commit()
    data, html = render(app, contract)
    text = pdf_text(data)
    assert shows(text, in_locale(app, "kk_Cyrl", TITLE)) and shows(text, in_locale(app, "zh_Hans", TITLE))
    assert shows(text, products["seed"].names["kk_Cyrl"])
    assert 'lang="kk-Cyrl" dir="ltr"' in html and 'dir="rtl"' not in html


def test_a_chinese_farmers_contract_is_one_column(app, db, contract_of, products):
    contract = contract_of["contract"]
    contract_of["farmer"].locale = "zh_Hans"
    db.session.commit()
    data, html = render(app, contract)
    text = pdf_text(data)
    assert shows(text, in_locale(app, "zh_Hans", TITLE)) and contract.fingerprint in text
    assert 'class="clauses one"' in html and 'dir="rtl"' not in html and 'lang="ug"' not in html
    assert html.count('<td lang="') == html.count('<td lang="zh-Hans"') == len(CLAUSES)  # one cell a clause


def test_signatures_say_who_when_and_how(app, db, contract_of):
    contract = contract_of["contract"]
    with app.app_context():  # the services notify through the app's messenger
        sign_contract(contract_of["manager"], contract.id, signing(consent_method="in_person_thumbprint",
                                                                  witness="村委会 王书记"))
        db.session.commit()  # as a request would; the test's outer transaction still rolls back
    data, html = render(app, contract)
    text = pdf_text(data)
    assert "村委会王书记" in text and shows(text, contract_of["manager"].name)
    assert shows(text, in_locale(app, "zh_Hans", "Not signed yet."))  # the processor has not signed


def test_the_terms_are_the_frozen_ones_not_the_order_as_it_is_now(app, db, contract_of):
    contract = contract_of["contract"]
    order = contract.order
    order.collection_point = "后来改的收购点"
    order.terms = {**order.terms, "prices": {rank: fen + 12_345 for rank, fen in order.terms["prices"].items()}}
    db.session.commit()
    _data, html = render(app, contract)
    assert "后来改的收购点" not in html and contract.terms["delivery"]["point"] in html
    assert "¥6.50" in html and "¥129.95" not in html  # grade 1: 650 fen as frozen, not 650 + 12,345 fen


def test_an_amendment_prints_its_version_and_the_one_it_replaces(app, db, contract_of):
    old = contract_of["contract"]
    window = old.terms["delivery"]
    with app.app_context():  # the services notify through the app's messenger
        sign_contract(contract_of["farmer"], old.id, signing())
        sign_contract(contract_of["buyer"], old.id, signing())
        new = amend_contract(contract_of["buyer"], old.id, AmendmentInput(
            kg=800, delivery_start=date.fromisoformat(window["start"]),
            delivery_end=date.fromisoformat(window["end"])), date.today())
        db.session.commit()  # as a request would; the test's outer transaction still rolls back
    data, _html = render(app, new)
    text = pdf_text(data)
    assert new.fingerprint in text and old.fingerprint not in text
    assert shows(text, in_locale(app, "zh_Hans", "Contract %(number)s, version %(version)s",
                                 number=new.number, version=2))
    assert shows(text, in_locale(app, "zh_Hans", "This version replaces version %(version)s.", version=1))
