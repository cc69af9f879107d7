"""Security headers, cookies and production settings."""
import pytest


def test_security_headers(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_no_inline_script_or_style_anywhere(client):
    for url in ("/", "/account/login", "/account/signup/farmer", "/account/signup/processor"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and " on" + "click" not in page


def test_session_cookie_is_httponly_and_samesite(client):
    resp = client.get("/account/login")
    cookie = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_the_default_secret(monkeypatch):
    import config

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", config.DEFAULT_SECRET)
    with pytest.raises(RuntimeError):
        config.ProductionConfig()
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    prod = config.ProductionConfig()
    assert prod.SESSION_COOKIE_SECURE and prod.REMEMBER_COOKIE_SECURE


def test_rate_limit_storage_follows_redis_url(monkeypatch):
    import config

    assert config.TestConfig().RATELIMIT_STORAGE_URI == "memory://"
    monkeypatch.setattr(config.Config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert config.DevelopmentConfig().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"


def test_signing_and_payout_approval_are_rate_limited(client, db, auth, app, contract_of, monkeypatch):
    """Signing asks for the password: guessing it is slowed like a login; approving payouts likewise."""
    from tests.conftest import csrf_token

    monkeypatch.setitem(app.config, "SENSITIVE_RATE_LIMIT", "2 per minute")
    c = contract_of["contract"]
    auth.login(contract_of["farmer"].phone)
    token = csrf_token(client, f"/contracts/{c.id}")
    wrong = {"csrf_token": token, "password": "not-my-password", "consent": "y"}
    statuses = [client.post(f"/contracts/{c.id}/sign?lang=ug", data=wrong).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    page = client.post(f"/contracts/{c.id}/sign?lang=ug", data=wrong)
    assert page.status_code == 429 and 'dir="rtl"' in page.get_data(as_text=True)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    auth.logout()
    first = client.post("/account/signup/farmer", data={"csrf_token": csrf_token(client, "/account/signup/farmer")})
    second = client.post("/account/signup/farmer", data={"csrf_token": csrf_token(client, "/account/signup/farmer")})
    assert first.status_code == 400 and second.status_code == 429
