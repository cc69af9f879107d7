"""The load benchmark's own parts (bench/load.py runs by hand, `make load`): the hello-world stays outside the app,
and wrk's script holds every request."""
from werkzeug.test import Client

from bench.load import PAGES, lua_script
from bench.load_wsgi import FLASK_HELLO_PATH, HELLO_PATH, WithHello


def test_hellos_are_answered_before_the_app_and_everything_else_reaches_it(app):
    client = Client(WithHello(app))
    hello = client.get(HELLO_PATH)
    assert hello.status_code == 200 and hello.get_data() == b"Hello, world!\n"
    assert client.get(FLASK_HELLO_PATH).get_data() == b"Hello, world!\n"
    assert client.get("/").status_code == 200
    assert {HELLO_PATH, FLASK_HELLO_PATH}.isdisjoint(rule.rule for rule in app.url_map.iter_rules())


def test_wrk_script_rotates_through_every_request_with_its_cookie():
    script = lua_script([("/dashboard", 'session=a"b'), ("/contracts/7", "session=c"), ("/__hello", "")])
    assert script.count('{"/') == 3
    assert '"session=a\\"b"' in script and 'function done(summary, latency, requests)' in script
    assert all(page.startswith("/") or page == "{board}" for pages in PAGES.values() for page in pages)
