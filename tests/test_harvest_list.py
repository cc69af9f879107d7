"""The harvest list (filters, pages, every language) and the co-op's CSV export."""
import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from marketplace.i18n import LOCALES
from tests.conftest import csrf_token
from tests.test_harvests import TODAY, fresh_login_limit, login  # noqa: F401 (fixtures)
from tests.test_pages import check_page


@pytest.fixture
def count_queries(app):
    """A context manager that counts the SQL statements run inside it."""
    from marketplace.extensions import db as ext_db

    with app.app_context():
        engine = ext_db.engine

    @contextmanager
    def counting():
        seen = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    return counting


# --- the list --------------------------------------------------------------------------------

def cards(page: str) -> list[tuple[int, str]]:
    """The harvests a list page shows: (id, "product · grade")."""
    return [(int(i), t) for i, t in re.findall(r'<h2><a href="/harvests/(\d+)">(.*?)</a></h2>', page)]


def test_list_filters_and_pages(app, client, db, login, products, create_farmer, create_harvest, count_queries):
    farmer = login(create_farmer())
    other = create_farmer(name="邻居")
    create_harvest(other)
    for i in range(23):
        create_harvest(farmer, start=TODAY + timedelta(days=30 + i))
    create_harvest(farmer, product="filament", kg=300, status="withdrawn")
    first = client.get("/harvests/?lang=en").get_data(as_text=True)
    assert len(cards(first)) == 20 and "Page <bdi dir=\"ltr\">1</bdi> of <bdi dir=\"ltr\">2</bdi>" in first
    assert "Farmer" not in first  # a farmer's own list has no farmer column
    second = client.get("/harvests/?page=2").get_data(as_text=True)
    assert len(cards(second)) == 4  # 24 of the farmer's own; the neighbour's is not listed
    assert not set(cards(first)) & set(cards(second))
    withdrawn = client.get("/harvests/?status=withdrawn&lang=en").get_data(as_text=True)
    assert len(cards(withdrawn)) == 1 and '<span class="tag">Withdrawn</span>' in withdrawn and cards(withdrawn)[0][1] == "Safflower filaments · Grade 1"
    filament = client.get(f"/harvests/?product={products['filament'].id}").get_data(as_text=True)
    assert len(cards(filament)) == 1
    seed_only = client.get(f"/harvests/?product={products['seed'].id}&status=open").get_data(as_text=True)
    assert len(cards(seed_only)) == 20 and "status=open" in seed_only  # the pager keeps the filters
    assert client.get("/harvests/?status=stolen").status_code == 400
    assert client.get("/harvests/?product=abc").status_code == 400
    app.page_cache.store.clear()  # the pages are rendered again, not given back from the page cache
    with count_queries() as few:
        client.get("/harvests/?page=2")
    app.page_cache.store.clear()
    with count_queries() as many:
        client.get("/harvests/")
    assert len(many) == len(few)  # 20 rows cost no more queries than 4


def test_manager_lists_members_with_a_member_filter(client, db, login, create_coop, create_farmer, add_member,
                                                    create_harvest):
    manager = create_coop()
    a, b, stranger = create_farmer(name="艾力"), create_farmer(name="布丽"), create_farmer(name="陌生人")
    add_member(manager, a)
    add_member(manager, b)
    create_harvest(a)
    create_harvest(b)
    create_harvest(stranger)
    login(manager)
    page = client.get("/harvests/?lang=en").get_data(as_text=True)
    assert "艾力" in page and "布丽" in page and "陌生人" not in page and "Farmer" in page
    only_a = client.get(f"/harvests/?member={a.id}").get_data(as_text=True)
    assert len(cards(only_a)) == 1 and f"/harvests/new?member={a.id}" in only_a
    assert client.get(f"/harvests/?member={stranger.id}").status_code == 400


@pytest.mark.parametrize("code", LOCALES)
def test_harvest_pages_in_every_locale(client, db, login, create_coop, create_farmer, add_member, create_harvest,
                                       code):
    manager = create_coop()
    farmer = create_farmer()
    add_member(manager, farmer)
    harvest = create_harvest(farmer)
    for user in (farmer, manager):
        login(user)
        for url in ("/harvests/", "/harvests/new", f"/harvests/{harvest.id}", f"/harvests/{harvest.id}/edit"):
            resp = client.get(f"{url}?lang={code}")
            assert resp.status_code == 200, (url, code)
            check_page(resp, url, code)
        client.post("/account/logout", data={"csrf_token": csrf_token(client, "/dashboard")})


# --- CSV export -------------------------------------------------------------------------------

def read_csv(resp):
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_csv_export(app, client, db, login, place, create_coop, create_farmer, add_member, create_harvest, count_queries):
    manager = create_coop()
    a, b = create_farmer(name="艾力"), create_farmer(name="布丽", phone=None, password=False)
    add_member(manager, a)
    add_member(manager, b)
    ha = create_harvest(a, kg=2260, area="20.0")
    create_harvest(b, product="filament", kg=300, area="12.5", status="withdrawn")
    ha.village, ha.lat, ha.lon = "=HYPERLINK(\"x\")", 43.84, 81.15
    db.session.commit()
    login(manager)
    resp = client.get("/harvests/export.csv?lang=en")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="harvests-')
    rows = read_csv(resp)
    assert rows[0][:3] == ["Harvest number", "Farmer", "Mobile number"] and rows[0][-1] == "Status"
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"艾力", "布丽"}
    row = by_name["艾力"]
    assert row[0] == str(ha.id) and row[2] == a.phone and row[3] == "Safflower seed"
    assert row[6:8] == ["20.0", "2260"]  # plain numbers: no thousands separator, no unit
    assert row[8] == ha.harvest_start.isoformat() and row[12] == "'=HYPERLINK(\"x\")"
    assert row[13:] == ["43.84", "81.15", "Open"]
    assert by_name["布丽"][2] == "" and by_name["布丽"][-1] == "Withdrawn"
    # The list's filters apply; the header follows the language.
    filtered = read_csv(client.get("/harvests/export.csv?status=open&lang=zh_Hans"))
    with app.test_request_context(), force_locale("zh_Hans"):
        assert filtered[0][1] == gettext("Farmer") and filtered[0][3] == gettext("Product")
    assert [r[1] for r in filtered[1:]] == ["艾力"]
    assert client.get("/harvests/export.csv?status=stolen").status_code == 400
    # No query per row.
    with count_queries() as two:
        client.get("/harvests/export.csv")
    for _i in range(5):
        create_harvest(b)
    with count_queries() as seven:
        client.get("/harvests/export.csv")
    assert len(seven) == len(two)


def test_csv_export_is_for_managers_only(client, db, login, create_farmer, create_processor):
    login(create_farmer())
    assert client.get("/harvests/export.csv").status_code == 403
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    login(create_processor())
    assert client.get("/harvests/export.csv").status_code == 403
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    anonymous = client.get("/harvests/export.csv")
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
