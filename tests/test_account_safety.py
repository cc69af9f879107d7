"""Accounts under attack: lockout and the admin's unlock, sessions renewed at login and ended at logout on the
server, password rules, and headers in production."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.domain.accounts import LOCKOUT_ATTEMPTS, password_problem
from marketplace.models import ActionRecord, User
from marketplace.models.base import utcnow
from tests.conftest import PASSWORD, csrf_token, form_post


def form_error(resp) -> str:
    return re.search(r'<div class="form-errors" role="alert"><p>(.*?)</p>', resp.get_data(as_text=True)).group(1)


def lock(auth, phone):
    for _ in range(LOCKOUT_ATTEMPTS):
        assert auth.login(phone, "wrong-password").status_code == 401


def test_wrong_passwords_lock_the_account_and_only_the_owner_is_told(client, db, auth, create_farmer):
    farmer = create_farmer(phone="+8613991000101")
    lock(auth, "13991000101")
    db.session.refresh(farmer)
    assert farmer.locked_until is not None and farmer.failed_logins == 0
    # A guess during the lock learns nothing new: the same answer as any wrong password.
    assert auth.login("13991000101", "another-guess").status_code == 401
    # The right password is told why, in the user's language, and whom to ask.
    right = client.post("/account/login?lang=en", data={
        "csrf_token": csrf_token(client, "/account/login"), "identifier": "13991000101", "password": PASSWORD})
    assert right.status_code == 403
    assert "Try again in 15 min" in form_error(right) and "market office" in form_error(right)
    assert "/dashboard" not in (right.headers.get("Location") or "")
    uyghur = client.post("/account/login?lang=ug", data={
        "csrf_token": csrf_token(client, "/account/login"), "identifier": "13991000101", "password": PASSWORD})
    assert uyghur.status_code == 403 and re.search("[\u0600-\u06ff]", form_error(uyghur))
    record = db.session.scalar(sa.select(ActionRecord).where(ActionRecord.action == "account_locked"))
    assert record.actor_id == farmer.id and record.ip_address == "127.0.0.1" and "locked_until" in record.after


def test_the_lock_ends_by_itself(client, db, auth, create_farmer):
    farmer = create_farmer(phone="+8613991000102")
    lock(auth, "13991000102")
    db.session.refresh(farmer)
    farmer.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert auth.login("13991000102").status_code == 302


def test_a_good_login_resets_the_count(client, db, auth, create_farmer):
    farmer = create_farmer(phone="+8613991000103")
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        auth.login("13991000103", "wrong-password")
    assert auth.login("13991000103").status_code == 302
    db.session.refresh(farmer)
    assert farmer.failed_logins == 0 and farmer.locked_until is None


def test_the_market_office_unlocks_an_account(client, db, auth, create_farmer, create_admin):
    farmer = create_farmer(name="Locked Farmer", phone="+8613991000104")
    admin = create_admin()
    lock(auth, "13991000104")
    auth.login(admin.email)
    page = client.get("/admin/accounts?locked=y&lang=ug")
    assert page.status_code == 200 and "Locked Farmer" in page.get_data(as_text=True)
    resp = client.post(f"/admin/accounts/{farmer.id}/unlock",
                       data={"csrf_token": csrf_token(client, "/admin/accounts")})
    assert resp.status_code == 302
    again = client.post(f"/admin/accounts/{farmer.id}/unlock",
                        data={"csrf_token": csrf_token(client, "/admin/accounts")})
    assert again.status_code == 302  # a second click: "was not locked", nothing recorded twice
    records = db.session.scalars(sa.select(ActionRecord).where(ActionRecord.action == "unlock_account")).all()
    assert len(records) == 1 and records[0].actor_id == admin.id and records[0].detail == f"user:{farmer.id}"
    assert '"locked_until": null' in records[0].after and records[0].before != records[0].after
    assert client.post("/admin/accounts/999999/unlock",
                       data={"csrf_token": csrf_token(client, "/admin/accounts")}).status_code == 404
    auth.logout()
    assert auth.login("13991000104").status_code == 302


def test_a_password_reset_lifts_the_lock_and_ends_other_sessions(app, client, db, auth, create_farmer, messenger):
    farmer = create_farmer(phone="+8613991000105")
    other = app.test_client()
    assert other.post("/account/login", data={"csrf_token": csrf_token(other, "/account/login"),
                                              "identifier": "13991000105", "password": PASSWORD}).status_code == 302
    lock(auth, "13991000105")
    form_post(client, "/account/password/forgot", {"identifier": "13991000105"})
    link = re.search(r"http://localhost(/account/password/reset/\S+)", messenger[-1].body).group(1)
    assert form_post(client, link, {"password": "brand-new-pass", "confirm": "brand-new-pass"}).status_code == 302
    assert auth.login("13991000105", "brand-new-pass").status_code == 302
    # The session opened before the new password no longer works.
    assert other.get("/dashboard").status_code == 302


def test_logout_ends_the_session_on_the_server(app, client, auth, create_farmer):
    create_farmer(phone="+8613991000106")
    resp = client.post("/account/login", data={"csrf_token": csrf_token(client, "/account/login"),
                                               "identifier": "13991000106", "password": PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    stolen = {c.key: c.value for c in client._cookies.values()}
    assert "session" in stolen and "remember_token" in stolen
    thief = app.test_client()
    for key, value in stolen.items():
        thief.set_cookie(key, value)
    assert thief.get("/dashboard").status_code == 200  # a copied cookie works while the session lives
    auth.logout()
    assert thief.get("/dashboard").status_code == 302  # and not after logout, even with the remember cookie
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", stolen["remember_token"])
    assert only_remember.get("/dashboard").status_code == 302


def test_the_session_is_renewed_at_login(client, auth, create_farmer):
    create_farmer(phone="+8613991000107")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "ug"
    before = csrf_token(client, "/account/login")
    assert auth.login("13991000107").status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and session["lang"] == "ug"
        assert session.get("csrf_token") is None or session["csrf_token"] != before
    assert csrf_token(client, "/dashboard") != before


@pytest.mark.parametrize("password, problem", [
    ("password", "password_too_common"), ("Password123!", "password_too_common"), ("woaini1314", "password_too_common"),
    ("12345678", "password_too_common"), ("aaaaaaaa", "password_too_common"), ("short1", "password_too_short"),
    ("13991000108", "password_like_identity"), ("x13991000108", "password_like_identity"),
    ("ayguleli-2026", "password_like_identity"), ("correct-horse-9", None), ("红花地在察布查尔县", None),
])
def test_password_rules(password, problem):
    assert password_problem(password, ("+8613991000108", "ayguleli@example.com", "Aygul Eli")) == problem


def test_sign_up_refuses_a_common_password_and_makes_no_account(client, db, place):
    county, town = place
    data = {"name": "新农户", "phone": "13991000109", "county_id": county.id, "township_id": town.id,
            "village": "海努克村", "farm_area_mu": "12", "locale": "zh_Hans"}
    for bad in ("qwerty123", "13991000109"):
        resp = form_post(client, "/account/signup/farmer?lang=kk_Cyrl", {**data, "password": bad, "confirm": bad})
        assert resp.status_code == 400
        assert re.search("[\u0400-\u04ff]", resp.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.phone == "+8613991000109")) == 0
    ok = form_post(client, "/account/signup/farmer", {**data, "password": "safflower-fields", "confirm": "safflower-fields"})
    assert ok.status_code == 302


def test_reset_refuses_a_common_password_and_keeps_the_old_one(client, db, create_farmer, messenger):
    farmer = create_farmer(phone="+8613991000110")
    old_hash = farmer.password_hash
    form_post(client, "/account/password/forgot", {"identifier": "13991000110"})
    link = re.search(r"http://localhost(/account/password/reset/\S+)", messenger[-1].body).group(1)
    resp = form_post(client, link, {"password": "iloveyou1", "confirm": "iloveyou1"})
    assert resp.status_code == 400
    db.session.refresh(farmer)
    assert farmer.password_hash == old_hash


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    import config
    from marketplace import create_app

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)

    class Production(config.ProductionConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Production())
    client = app.test_client()
    # Behind the proxy: the request arrives over http with X-Forwarded-Proto: https.
    resp = client.get("/account/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp
    cookie = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_oversized_requests_get_a_translated_413_and_change_nothing(client, db):
    token = csrf_token(client, "/account/signup/farmer")
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    big = client.post("/account/signup/farmer?lang=ug", data={"csrf_token": token, "name": "x" * (3 * 1024 * 1024)})
    assert big.status_code in (400, 413) and 'dir="rtl"' in big.get_data(as_text=True)
    assert client.post("/account/login?lang=ug", data={"name": "x" * (3 * 1024 * 1024)}).status_code == 413
    many = client.post("/account/signup/farmer?lang=kk_Arab",
                       data={"csrf_token": token, **{f"f{i}": "1" for i in range(1500)}})
    assert many.status_code in (400, 413) and 'dir="rtl"' in many.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users


def test_password_reset_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    token = csrf_token(client, "/account/login")
    statuses = [client.post("/account/password/reset/not-a-token", data={"csrf_token": token, "password": "x"})
                .status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


REDIS_CHECK = """
import sys
import config
from flask_migrate import upgrade
from marketplace import create_app
from tests.conftest import csrf_token

class WithRedis(config.TestConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + sys.argv[1]
    REDIS_URL = sys.argv[2]
    LOGIN_RATE_LIMIT = "2 per minute"

app = create_app(WithRedis())
assert app.config["RATELIMIT_STORAGE_URI"] == sys.argv[2]
with app.app_context():
    upgrade()
statuses = []
for _ in range(3):
    client = app.test_client()  # a new browser each time: the count is per address, not per session
    statuses.append(client.post("/account/login", data={"csrf_token": csrf_token(client, "/account/login"),
                                                       "identifier": "13900000000", "password": "x"}).status_code)
print(statuses)
"""


def test_rate_limits_are_counted_in_redis_when_it_is_configured(tmp_path):
    """Several gunicorn workers share one count: with REDIS_URL the limiter keeps it in Redis. (In a process of
    its own: the limiter is bound to one storage per process.)"""
    import subprocess
    import sys

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (make test starts it)")
    done = subprocess.run([sys.executable, "-c", REDIS_CHECK, str(tmp_path / "limits.sqlite"), url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[401, 401, 429]"
    assert redis.Redis.from_url(url).keys("LIMITS*")
    redis.Redis.from_url(url).flushdb()


def test_the_market_office_closes_and_reopens_an_account(app, client, db, auth, create_farmer, create_admin,
                                                         create_processor):
    farmer = create_farmer(name="Closed Farmer", phone="+8613991000111")
    admin, pending = create_admin(), create_processor(status="pending")
    phone = app.test_client()
    assert phone.post("/account/login", data={"csrf_token": csrf_token(phone, "/account/login"),
                                              "identifier": "13991000111", "password": PASSWORD}).status_code == 302
    auth.login(admin.email)
    page = client.get("/admin/accounts?q=13991000111&lang=kk_Arab").get_data(as_text=True)
    assert 'name="close"' in page
    token = csrf_token(client, "/admin/accounts")
    assert client.post(f"/admin/accounts/{farmer.id}/status", data={"csrf_token": token, "close": "1"}).status_code == 302
    assert phone.get("/dashboard").status_code == 302  # the farmer's open session ended with the account
    db.session.refresh(farmer)
    assert farmer.status == "disabled"
    # A second click, closing one's own account, or closing one still waiting for approval: refused, said why.
    for user_id in (farmer.id, admin.id, pending.id):
        resp = client.post(f"/admin/accounts/{user_id}/status?lang=ug", data={"csrf_token": token, "close": "1"},
                           follow_redirects=True)
        assert resp.status_code == 200 and 'class="flash error"' in resp.get_data(as_text=True)
    assert client.post(f"/admin/accounts/{farmer.id}/status", data={"csrf_token": token}).status_code == 400
    assert client.post(f"/admin/accounts/{farmer.id}/status", data={"csrf_token": token, "reopen": "1"}).status_code == 302
    changes = db.session.scalars(sa.select(ActionRecord).where(ActionRecord.action.in_(["close_account",
                                                                                       "reopen_account"]))
                                 .order_by(ActionRecord.id)).all()
    assert [(r.action, r.before, r.after) for r in changes] == [
        ("close_account", '{"status": "active"}', '{"status": "disabled"}'),
        ("reopen_account", '{"status": "disabled"}', '{"status": "active"}')]
    auth.logout()
    assert auth.login("13991000111").status_code == 302


def test_an_id_past_the_database_integer_is_a_404_not_a_query(client, auth, create_farmer):
    create_farmer(phone="+8613991000112")
    auth.login("13991000112")
    for url in ("/contracts/99999999999", "/harvests/2147483648", "/deliveries/2147483648", "/proposals/" + "9" * 40):
        assert client.get(url).status_code == 404, url
    assert client.get("/harvests/2147483647").status_code == 404  # the largest id still reaches the view


def test_a_forwarded_host_never_reaches_a_reset_link(monkeypatch, tmp_path):
    """Behind the proxy the client's address and https come from its headers, but not the host: a reset link
    always names the site itself."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    import config
    from marketplace import create_app
    from marketplace.extensions import db as _db

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)

    class Production(config.ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'proxy.sqlite'}"
        SQLALCHEMY_ENGINE_OPTIONS = {}

    app = create_app(Production())
    with app.app_context():
        upgrade()
        _db.session.add(User(role="farmer", status="active", name="Proxy", phone="+8613991000113", locale="en",
                             password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        _db.session.commit()
    outbox = app.extensions["messenger"].outbox
    client = app.test_client()
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
               "Referer": "https://market.example/account/password/forgot"}
    page = client.get("/account/password/forgot", base_url="https://market.example", headers=headers)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    resp = client.post("/account/password/forgot", base_url="https://market.example", headers=headers,
                       data={"csrf_token": token, "identifier": "13991000113"})
    assert resp.status_code == 302
    assert "https://market.example/account/password/reset/" in outbox[-1].body
    assert "evil.example" not in outbox[-1].body
    with app.app_context():
        _db.engine.dispose()
