"""The migrations: up from empty, down to empty and up again, and up from an older database with data."""
import os
import tempfile

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import ensure_postgres_database, reset_postgres_schema


@pytest.fixture
def fresh_app():
    url = os.environ.get("TEST_DATABASE_URL")
    path = None
    if url and url.startswith("postgresql"):
        url = str(sa.engine.make_url(url).set(database=sa.engine.make_url(url).database + "_migrations")
                  .render_as_string(hide_password=False))
        ensure_postgres_database(url)
    else:
        handle, path = tempfile.mkstemp(suffix=".sqlite")
        os.close(handle)
        url = f"sqlite:///{path}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config())
    if url.startswith("postgresql"):
        reset_postgres_schema(app)
    yield app
    with app.app_context():
        db.engine.dispose()
    if path:
        os.unlink(path)


def tables(app):
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(fresh_app):
    with fresh_app.app_context():
        upgrade()
    assert {"user_account", "harvest", "contract_order", "price_index_entry"} <= tables(fresh_app)
    with fresh_app.app_context():
        downgrade(revision="base")
    assert tables(fresh_app) == set()
    with fresh_app.app_context():
        upgrade()
        assert db.session.scalar(sa.text("SELECT count(*) FROM product")) == 2
        assert db.session.scalar(sa.text("SELECT count(*) FROM county")) == 10


def test_upgrade_keeps_the_data_of_an_older_database(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0002")
        # written as the older code wrote it: straight to the connection, before the page cache's counters existed
        db.session.connection().execute(sa.text(
            "INSERT INTO user_account (role, status, name, phone, locale, created_at) "
            "VALUES ('farmer', 'active', '老用户', '+8613900000001', 'ug', CURRENT_TIMESTAMP)"))
        db.session.commit()
        upgrade()
        assert db.session.scalar(sa.text("SELECT name FROM user_account WHERE phone = '+8613900000001'")) == "老用户"
        db.session.remove()


def test_models_and_migrations_agree(app):
    """What the models declare is what the migrations build (no change left un-migrated)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from marketplace.models import Base

    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_last_weeks_database_upgrades_and_its_people_can_log_in(fresh_app):
    """A database at 0019 (before lockout and the append-only record): its users log in after the upgrade,
    and its old action records can no longer be changed."""
    from werkzeug.security import generate_password_hash

    from tests.conftest import csrf_token

    with fresh_app.app_context():
        upgrade(revision="0019")
        # written as the older code wrote it: straight to the connection, before the page cache's counters existed
        db.session.connection().execute(sa.text(
            "INSERT INTO user_account (role, status, name, phone, password_hash, locale, created_at) "
            "VALUES ('farmer', 'active', '老用户', '+8613900000002', :h, 'ug', CURRENT_TIMESTAMP)"),
            {"h": generate_password_hash("old-password-7", method="pbkdf2:sha256:1000")})
        db.session.connection().execute(sa.text(
            "INSERT INTO action_record (actor_id, action, detail, created_at) "
            "SELECT id, 'register_member', 'cooperative:1', CURRENT_TIMESTAMP FROM user_account"))
        db.session.commit()
        upgrade()
        assert db.session.scalar(sa.text("SELECT session_token FROM user_account")) == ""
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("UPDATE action_record SET detail = 'forged'"))
        db.session.rollback()
        db.session.remove()
    client = fresh_app.test_client()
    resp = client.post("/account/login", data={"csrf_token": csrf_token(client, "/account/login"),
                                               "identifier": "13900000002", "password": "old-password-7"})
    assert resp.status_code == 302
    assert client.get("/notifications/").status_code == 200  # logged in (the raw row has no farm profile)
