"""Locale selection, direction, the language switcher and formatting."""
import re

import pytest
from flask_babel import force_locale

from marketplace.i18n import LOCALES, NATIVE_NAMES, fmt_money, fmt_mu, match_locale


def html_lang(resp):
    return re.search(r'<html lang="([^"]+)" dir="([^"]+)">', resp.get_data(as_text=True)).groups()


@pytest.mark.parametrize("code,lang,direction", [
    ("zh_Hans", "zh-Hans", "ltr"), ("ug", "ug", "rtl"), ("kk_Arab", "kk-Arab", "rtl"),
    ("kk_Cyrl", "kk-Cyrl", "ltr"), ("en", "en", "ltr"),
])
def test_lang_parameter_sets_lang_and_dir(client, code, lang, direction):
    assert html_lang(client.get(f"/?lang={code}")) == (lang, direction)
    # The choice is kept in the session for the next page.
    assert html_lang(client.get("/account/login")) == (lang, direction)


def test_default_is_chinese(client):
    assert html_lang(client.get("/")) == ("zh-Hans", "ltr")


@pytest.mark.parametrize("header,expected", [
    ("ug-CN,ug;q=0.9", "ug"), ("kk-CN", "kk-Arab"), ("kk-KZ,ru;q=0.5", "kk-Cyrl"), ("ru", "kk-Cyrl"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"), ("en-GB", "en"), ("fr-FR,de", "zh-Hans"), ("@@garbage;;q=x", "zh-Hans"),
])
def test_accept_language_with_aliases(client, header, expected):
    assert html_lang(client.get("/", headers={"Accept-Language": header}))[0] == expected


@pytest.mark.parametrize("code", ["xx", "k" * 500, "fr", "", "zh-TW-x-private", "%00"])
def test_an_unknown_lang_falls_back_to_chinese_without_an_error(client, code):
    resp = client.get(f"/?lang={code}")
    assert resp.status_code == 200 and html_lang(resp) == ("zh-Hans", "ltr")
    page = resp.get_data(as_text=True)
    for offered in LOCALES:  # the language switcher offers every language
        assert f"lang={offered}" in page and NATIVE_NAMES[offered] in page


def test_a_saved_language_no_longer_offered_falls_back_to_chinese(client, db, auth, create_farmer):
    farmer = create_farmer(locale="ug", phone="+8613991003010")
    farmer.locale = "uz"  # a language the marketplace once offered, say
    db.session.commit()
    auth.login("13991003010")
    resp = client.get("/dashboard", headers={"Accept-Language": "\xff;q=abc,,,"})
    assert resp.status_code == 200 and html_lang(resp)[0] == "zh-Hans"


def test_saved_preference_beats_session_and_lang_updates_it(client, db, auth, create_farmer):
    farmer = create_farmer(locale="kk_Arab", phone="+8613991003000")
    client.get("/?lang=en")
    auth.login("13991003000")
    assert html_lang(client.get("/dashboard"))[0] == "kk-Arab"
    client.get("/dashboard?lang=kk_Cyrl")
    db.session.refresh(farmer)
    assert farmer.locale == "kk_Cyrl"
    assert html_lang(client.get("/dashboard"))[0] == "kk-Cyrl"


def test_switcher_on_every_page_names_each_language_in_itself(client):
    for url in ("/", "/account/login", "/account/signup/farmer", "/no-such-page"):
        page = client.get(url).get_data(as_text=True)
        for code in LOCALES:
            assert NATIVE_NAMES[code] in page, (url, code)


def test_language_switch_keeps_the_page(client):
    page = client.get("/account/signup/farmer").get_data(as_text=True)
    assert 'href="/account/signup/farmer?lang=ug"' in page


def test_match_locale():
    assert match_locale("zh-CN") == "zh_Hans"
    assert match_locale("KK-cn") == "kk_Arab"
    assert match_locale("kk") == "kk_Cyrl"
    assert match_locale("xx") is None and match_locale(None) is None


def test_formatting_per_locale(app):
    with app.test_request_context():
        with force_locale("zh_Hans"):
            assert "¥1,234.50" in fmt_money(123450)
            assert "20.5" in fmt_mu(20.5)
        with force_locale("kk_Cyrl"):
            assert "1 234,50" in fmt_money(123450).replace("\xa0", " ")
        with force_locale("ug"):
            money = fmt_money(123450)
            assert money.startswith('<bdi dir="ltr">') and "1,234.50" in money
