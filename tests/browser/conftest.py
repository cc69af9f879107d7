"""Browser tests: Playwright driving Debian's /usr/bin/chromium against a live server in a thread."""
import os
import tempfile
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import TestConfig
from marketplace import create_app

CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROME_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 360, "height": 740},
            "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def serve(path: str, demo: bool = False):
    """The app on a migrated SQLite file (with the demo season, if asked), served from a thread."""
    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(LiveConfig())
    with app.app_context():
        upgrade()
        if demo:
            from marketplace.extensions import db
            from marketplace.services.demo import load_demo

            load_demo()
            db.session.commit()
    return app, make_server("127.0.0.1", 0, app, threaded=True)


@pytest.fixture(scope="session")
def live_server():
    """The app on a fresh migrated SQLite file, served from a thread; yields its base URL."""
    handle, path = tempfile.mkstemp(prefix="marketplace-browser-", suffix=".sqlite")
    os.close(handle)
    app, server = serve(path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    os.unlink(path)


@pytest.fixture(scope="session")
def demo_server():
    """Another server, on the demo season, for pages that need a full season behind them."""
    handle, path = tempfile.mkstemp(prefix="marketplace-demo-", suffix=".sqlite")
    os.close(handle)
    app, server = serve(path, demo=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    os.unlink(path)
