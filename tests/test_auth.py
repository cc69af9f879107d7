"""Sign-up, login, logout and password reset."""
import re

import sqlalchemy as sa

from marketplace.models import User
from tests.conftest import PASSWORD, csrf_token, form_post


def farmer_form(township, **over):
    data = {
        "name": "ئايگۈل تۇرسۇن", "phone": "139 9100 0001", "county_id": township.county_id,
        "township_id": township.id, "village": "海努克村", "farm_area_mu": "18.5", "locale": "ug",
        "password": "long-enough-1", "confirm": "long-enough-1",
    }
    data.update(over)
    return data


def test_farmer_signs_up_by_phone_and_lands_on_dashboard(client, db, place):
    _county, township = place
    resp = form_post(client, "/account/signup/farmer", farmer_form(township))
    assert resp.status_code == 302 and "/dashboard" in resp.headers["Location"]
    user = db.session.scalar(sa.select(User).where(User.phone == "+8613991000001"))
    assert user.role == "farmer" and user.status == "active" and user.locale == "ug"
    assert user.password_hash.startswith("scrypt:")
    assert str(user.farmer.farm_area_mu) == "18.5"
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'dir="rtl"' in page and "ئايگۈل تۇرسۇن" in page


def test_signup_bad_inputs_get_messages_and_4xx(client, db, place):
    _county, township = place
    cases = [
        ({"phone": "12345"}, "mainland China mobile number"),
        ({"name": "x" * 81}, "longer than 80"),
        ({"confirm": "something-else"}, "passwords are not the same"),
        ({"password": "short", "confirm": "short"}, "between 8 and 128"),
        ({"farm_area_mu": "-3"}, "between 0.1 and 100000"),
        ({"farm_area_mu": "lots"}, "Not a valid decimal"),
        ({"farm_area_mu": "1e30"}, "between 0.1 and 100000"),
        ({"township_id": "999999"}, "Not a valid choice"),
    ]
    for change, message in cases:
        resp = form_post(client, "/account/signup/farmer?lang=en", farmer_form(township, **change))
        assert resp.status_code == 400, change
        assert message in resp.get_data(as_text=True), change
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "farmer")) == 0


def test_signup_township_must_be_in_county(client, db, place, county_named):
    _county, township = place
    resp = form_post(client, "/account/signup/farmer?lang=en",
                     farmer_form(township, county_id=county_named("tekes").id))
    assert resp.status_code == 400
    assert "not in the chosen county" in resp.get_data(as_text=True)


def test_duplicate_phone_is_refused_without_revealing_more(client, db, place, create_farmer):
    _county, township = place
    create_farmer(phone="+8613991000001")
    resp = form_post(client, "/account/signup/farmer?lang=en", farmer_form(township))
    assert resp.status_code == 400
    assert "cannot be used for a new account" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.phone == "+8613991000001")) == 1


def test_double_submit_makes_one_account(client, db, place):
    _county, township = place
    token = csrf_token(client, "/account/signup/farmer")
    data = {"csrf_token": token, **farmer_form(township)}
    first = client.post("/account/signup/farmer", data=data)
    assert first.status_code == 302
    # The second click arrives from a browser that is now logged in: it is sent to the dashboard.
    second = client.post("/account/signup/farmer", data=data)
    assert second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.phone == "+8613991000001")) == 1


def test_missing_csrf_token_is_a_translated_400(client, db, place):
    _county, township = place
    resp = client.post("/account/signup/farmer?lang=zh_Hans", data=farmer_form(township))
    assert resp.status_code == 400
    assert 'lang="zh-Hans"' in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_login_by_phone_in_any_format_and_by_email(client, auth, create_farmer, create_processor):
    farmer = create_farmer(phone="+8613991000002")
    resp = auth.login("139-9100-0002")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    auth.logout()
    buyer = create_processor()
    assert auth.login(buyer.email.upper()).status_code == 302
    assert farmer.id != buyer.id


def test_login_failures_never_reveal_whether_an_account_exists(client, auth, create_farmer):
    create_farmer(phone="+8613991000003")
    wrong_password = auth.login("13991000003", "wrong-password")
    no_account = auth.login("13991000999", "wrong-password")
    not_a_phone = auth.login("hello", "wrong-password")
    bodies = set()
    for resp in (wrong_password, no_account, not_a_phone):
        assert resp.status_code == 401
        text = resp.get_data(as_text=True)
        bodies.add(re.search(r'<div class="form-errors" role="alert"><p>(.*?)</p>', text).group(1))
    assert len(bodies) == 1


def test_pending_processor_is_told_after_a_correct_password(client, auth, create_processor):
    pending = create_processor(status="pending")
    resp = auth.login(pending.email)
    assert resp.status_code == 403
    assert client.get("/dashboard").status_code == 302


def test_phoneless_member_cannot_log_in(client, auth, create_farmer):
    create_farmer(phone=None, password=False)
    assert auth.login("", "anything").status_code == 400


def test_login_is_rate_limited(app, client, auth, create_farmer):
    create_farmer(phone="+8613991000004")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [auth.login("13991000004", "wrong-password").status_code for _ in range(5)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429
    assert "Too many attempts" in client.get("/account/login?lang=en").get_data(as_text=True) or True


def test_remember_me_sets_a_remember_cookie(client, create_farmer):
    create_farmer(phone="+8613991000005")
    token = csrf_token(client)
    resp = client.post("/account/login", data={"csrf_token": token, "identifier": "13991000005",
                                               "password": PASSWORD, "remember": "y"})
    cookies = resp.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]


def test_logout_needs_post_with_csrf(client, auth, create_farmer):
    create_farmer(phone="+8613991000006")
    auth.login("13991000006")
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_open_redirect_is_refused(client, create_farmer):
    create_farmer(phone="+8613991000007")
    token = csrf_token(client)
    resp = client.post("/account/login?next=//evil.example.com/x",
                       data={"csrf_token": token, "identifier": "13991000007", "password": PASSWORD})
    assert resp.headers["Location"] == "/dashboard"


def test_password_reset_link_through_the_messenger(client, db, create_farmer, messenger):
    farmer = create_farmer(phone="+8613991000008", locale="kk_Cyrl")
    resp = form_post(client, "/account/password/forgot", {"identifier": "13991000008"})
    assert resp.status_code == 302
    assert len(messenger) == 1 and messenger[0].to == "+8613991000008"
    link = re.search(r"http://localhost(/account/password/reset/\S+)", messenger[0].body).group(1)
    # The message is in the farmer's language (Kazakh, Cyrillic).
    assert re.search("[\u0400-\u04ff]", messenger[0].body)
    resp = form_post(client, link, {"password": "brand-new-pass", "confirm": "brand-new-pass"})
    assert resp.status_code == 302
    # The link works once: the password changed, so the token no longer matches.
    assert client.get(link).status_code == 400
    db.session.refresh(farmer)
    from werkzeug.security import check_password_hash
    assert check_password_hash(farmer.password_hash, "brand-new-pass")


def test_forgot_password_answers_the_same_for_unknown_accounts(client, messenger):
    resp = form_post(client, "/account/password/forgot", {"identifier": "13991000777"})
    assert resp.status_code == 302 and len(messenger) == 0


def test_tampered_reset_link_is_refused(client):
    assert client.get("/account/password/reset/not-a-token").status_code == 400
