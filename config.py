"""Settings, read from the environment.

Three classes: development (the default for `make run`), test and
production. Production refuses to start with the default secret key.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'marketplace.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: The key that signs lot codes; without it one is derived from SECRET_KEY. Changing it voids printed labels.
    LOT_CODE_KEY = os.environ.get("LOT_CODE_KEY", "")
    #: How long the market board's figures are kept before they are counted again (seconds; 0 = never kept).
    MARKET_CACHE_SECONDS = int(os.environ.get("MARKET_CACHE_SECONDS", "60"))
    #: How long a rendered page may be given back again to the session that asked for it, while nothing it shows
    #: has changed (seconds; 0 = pages are never kept). See marketplace/page_cache.py.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
    #: The most bytes of kept pages in each server process.
    PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES", str(32 * 1024 * 1024)))
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Urumqi"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    #: Request size limits (413 beyond them): the whole body, the form's text, and its number of fields.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_FORM_PARTS = 1000

    #: Seconds a password-reset link stays valid.
    PASSWORD_RESET_MAX_AGE = 3600
    #: Where the messenger delivers: "console" logs the message.
    MESSENGER_BACKEND = os.environ.get("MESSENGER_BACKEND", "console")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: Signing a contract (which asks for the password) and approving or resending payouts.
    SENSITIVE_RATE_LIMIT = os.environ.get("SENSITIVE_RATE_LIMIT", "20 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    #: Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none). With one, the client's
    #: address (for rate limits and the action record) and https are taken from the proxy's headers.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    #: Strict-Transport-Security's max-age; sent on https requests, and on every response in production
    #: (where TLS ends at the proxy).
    HSTS_SECONDS = 31536000
    HSTS_ALWAYS = False

    @property
    def RATELIMIT_STORAGE_URI(self):  # noqa: N802 (Flask setting name)
        return self.REDIS_URL or "memory://"


class DevelopmentConfig(Config):
    DEBUG = False
    #: Off unless asked for: an edited template shows at the next reload, not minutes later.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "1000 per minute"
    SENSITIVE_RATE_LIMIT = "1000 per minute"
    STRIPE_SECRET_KEY = ""
    #: Long jobs (matching runs) run inside the request, so tests see their result at once.
    JOBS_INLINE = True
    #: Each test sees the board as its data stand (the cache has its own test).
    MARKET_CACHE_SECONDS = 0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ALWAYS = True
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "1"))
    PREFERRED_URL_SCHEME = "https"

    def __init__(self):
        if self.SECRET_KEY == DEFAULT_SECRET or len(self.SECRET_KEY) < 32:
            raise RuntimeError(
                "ProductionConfig: set SECRET_KEY to a random value of at least 32 characters"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env():
    name = os.environ.get("MARKETPLACE_CONFIG", "development")
    return CONFIGS[name]()
