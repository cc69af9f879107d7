"""The market price index: admins and co-op managers record prices; everyone logged in reads them."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.i18n import LOCALES
from marketplace.models import Grade, PriceIndexEntry
from marketplace.services import prices
from tests.conftest import form_post
from tests.test_pages import check_page

TODAY = date.today()


@pytest.fixture(autouse=True)
def fresh_login_limit(app):
    """These tests log in often; start each with the login rate limit's count cleared."""
    from marketplace.extensions import limiter

    with app.app_context():
        limiter.reset()


def grade_of(products, product="seed", rank=1) -> Grade:
    return next(g for g in products[product].grades if g.rank == rank)


def price_form(grade, **over):
    data = {"grade_id": grade.id, "on_date": TODAY.isoformat(), "price_yuan": "5.60",
            "source_note": "伊宁市红花籽收购点挂牌价"}
    data.update(over)
    return data


def beside(page: str, field_id: str) -> str:
    found = re.search(rf'<div id="{re.escape(field_id)}-help">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def entries(db, **where):
    query = sa.select(PriceIndexEntry).filter_by(**where).order_by(PriceIndexEntry.id)
    return db.session.scalars(query).all()


@pytest.fixture
def login(auth):
    def as_user(user):
        assert auth.login(user.email or user.phone).status_code == 302
        return user
    return as_user


@pytest.mark.parametrize("role", ["admin", "coop_manager"])
def test_admin_and_coop_manager_record_a_price(client, db, login, create_admin, create_coop, products, role):
    user = login(create_admin() if role == "admin" else create_coop())
    page = client.get("/prices/new?lang=en").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in page
    assert re.search(r'<optgroup label="Safflower filaments">.*?Ungraded.*?</optgroup>\s*'
                     r'<optgroup label="Safflower seed">', page, re.S)
    grade = grade_of(products)
    resp = form_post(client, "/prices/new", price_form(grade))
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/prices/?product={products['seed'].id}")
    [entry] = entries(db)
    assert (entry.grade_id, entry.product_id, entry.on_date, entry.fen_per_kg) == (grade.id, grade.product_id, TODAY, 560)
    assert entry.recorded_by_id == user.id and entry.source_note == "伊宁市红花籽收购点挂牌价"
    listing = client.get(resp.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "Price recorded for Safflower seed, Grade 1." in listing and "5.60" in listing


BAD_PRICES = [
    ({"price_yuan": "5.605"}, "price_yuan", "at most two decimals"),
    ({"price_yuan": "-3"}, "price_yuan", "Give a price above zero"),
    ({"price_yuan": "0"}, "price_yuan", "Give a price above zero"),
    ({"price_yuan": "0.001"}, "price_yuan", "at most two decimals"),
    ({"price_yuan": "1000000.01"}, "price_yuan", "at most 1,000,000 yuan per kg"),
    ({"price_yuan": "99999999999999999999"}, "price_yuan", "Enter a price in yuan"),
    ({"price_yuan": "1e3"}, "price_yuan", "Enter a price in yuan"),
    ({"price_yuan": "NaN"}, "price_yuan", "Enter a price in yuan"),
    ({"price_yuan": "Infinity"}, "price_yuan", "Enter a price in yuan"),
    ({"price_yuan": "5,60"}, "price_yuan", "Enter a price in yuan"),
    ({"price_yuan": ""}, "price_yuan", "This field is required"),
    ({"on_date": (TODAY + timedelta(days=1)).isoformat()}, "on_date", "today or an earlier day"),
    ({"on_date": "2026-13-01"}, "on_date", "Not a valid date value"),
    ({"source_note": "  "}, "source_note", "This field is required"),
    ({"source_note": "市" * 201}, "source_note", "longer than 200"),
    ({"grade_id": "999999"}, "grade_id", "Not a valid choice"),
]


@pytest.mark.parametrize("change,field,message", BAD_PRICES)
def test_bad_price_input_is_a_400_beside_the_field(client, db, login, create_admin, products, change, field, message):
    login(create_admin())
    resp = form_post(client, "/prices/new?lang=en", price_form(grade_of(products), **change))
    assert resp.status_code == 400
    assert message in beside(resp.get_data(as_text=True), field)
    assert entries(db) == []


def test_unicode_digits_are_read_exactly(client, db, login, create_coop, products):
    login(create_coop())
    assert form_post(client, "/prices/new", price_form(grade_of(products), price_yuan="١٢.٥")).status_code == 302
    assert [e.fen_per_kg for e in entries(db)] == [1250]


def test_a_second_price_for_the_same_grade_and_day_is_refused(client, db, login, create_admin, create_price,
                                                              products):
    admin = login(create_admin())
    first = create_price(admin, fen_per_kg=600, on_date=TODAY - timedelta(days=3))
    grade = grade_of(products)
    resp = form_post(client, "/prices/new?lang=en", price_form(grade, on_date=first.on_date.isoformat(),
                                                                price_yuan="7.00"))
    assert resp.status_code == 400
    assert "already recorded for this day" in beside(resp.get_data(as_text=True), "on_date")
    assert [(e.id, e.fen_per_kg) for e in entries(db)] == [(first.id, 600)]
    # The same grade on another day, or another grade on that day, is fine.
    assert form_post(client, "/prices/new", price_form(grade, price_yuan="7")).status_code == 302
    other = grade_of(products, rank=2)
    assert form_post(client, "/prices/new", price_form(other, on_date=first.on_date.isoformat())).status_code == 302
    assert len(entries(db)) == 3


def test_double_submit_records_one_price(client, db, login, create_coop, products):
    login(create_coop())
    data = price_form(grade_of(products))
    first = form_post(client, "/prices/new", data)
    again = client.post("/prices/new?lang=en", data={**data, "csrf_token": re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/prices/new").get_data(as_text=True)).group(1)})
    assert first.status_code == 302 and again.status_code == 400
    assert "already recorded" in again.get_data(as_text=True)
    assert len(entries(db)) == 1


def test_a_replay_that_slips_past_the_check_meets_the_unique_constraint(client, db, login, create_admin, products,
                                                                        monkeypatch):
    """Two requests both pass the check before either inserts: the constraint refuses the second (409)."""
    login(create_admin())
    grade = grade_of(products)
    real = prices.record_price

    def racing(actor, data, today):
        # The other request's row, not yet visible to this request's check.
        db.session.add(PriceIndexEntry(product_id=grade.product_id, grade_id=grade.id, on_date=data.on_date,
                                       fen_per_kg=555, source_note="other tab", recorded_by_id=actor.id))
        with db.session.no_autoflush:
            return real(actor, data, today)

    monkeypatch.setattr(prices, "record_price", racing)
    resp = form_post(client, "/prices/new?lang=en", price_form(grade))
    assert resp.status_code == 409
    assert "Nothing was saved twice" in resp.get_data(as_text=True)
    assert entries(db) == []


def test_the_unique_constraint_holds_without_the_service(db, create_admin, create_price, products):
    admin = create_admin()
    first = create_price(admin)
    db.session.add(PriceIndexEntry(product_id=first.product_id, grade_id=first.grade_id, on_date=first.on_date,
                                   fen_per_kg=700, source_note="again", recorded_by_id=admin.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert [e.fen_per_kg for e in entries(db, grade_id=first.grade_id)] == [600]


def test_farmers_and_processors_cannot_record(client, db, login, auth, create_farmer, create_processor, products):
    for user in (create_farmer(), create_processor()):
        login(user)
        assert client.get("/prices/new").status_code == 403
        assert form_post(client, "/prices/new", price_form(grade_of(products)), "/dashboard").status_code == 403
        page = client.get("/prices/?lang=en")
        assert page.status_code == 200 and "Record a price" not in page.get_data(as_text=True)
        auth.logout()
    assert entries(db) == []


def test_every_logged_in_role_reads_the_index(client, login, auth, create_farmer, create_coop, create_processor,
                                              create_admin, create_price):
    admin = create_admin()
    create_price(admin, fen_per_kg=612, note="霍城县收购点")
    for user in (create_farmer(), create_coop(), create_processor(), admin):
        login(user)
        page = client.get("/prices/?lang=en").get_data(as_text=True)
        assert "6.12" in page and "霍城县收购点" in page, user.role
        auth.logout()
    resp = client.get("/prices/")
    assert resp.status_code == 302 and "/account/login" in resp.headers["Location"]


def test_latest_block_shows_the_newest_entry_per_grade(client, login, create_admin, create_price):
    admin = login(create_admin())
    days = [TODAY - timedelta(days=n) for n in range(12)]
    create_price(admin, "seed", 1, 600, days[10])
    create_price(admin, "seed", 1, 655, days[2])
    create_price(admin, "seed", 1, 610, days[5])
    create_price(admin, "seed", 2, 540, days[7])
    create_price(admin, "filament", 1, 16_200, days[1])
    create_price(admin, "filament", 1, 15_800, days[0] + timedelta(days=1))  # dated tomorrow: not yet the latest
    page = client.get("/prices/?lang=en").get_data(as_text=True)
    latest, history = page.split("<h2>History</h2>")

    def row(section, grade_name, product_name):
        block = section.split(f"<h3>{product_name}</h3>")[1].split("</table>")[0]
        return re.search(rf"<th scope=\"row\">{re.escape(grade_name)}</th>(.*?)</tr>", block, re.S).group(1)

    assert "6.55" in row(latest, "Grade 1", "Safflower seed")
    assert "5.40" in row(latest, "Grade 2", "Safflower seed")
    assert "162.00" in row(latest, "Grade 1", "Safflower filaments")
    assert "No price yet." in row(latest, "Grade 2", "Safflower filaments")
    for shown in ("6.00", "6.55", "6.10", "5.40", "162.00", "158.00"):
        assert shown in history


def test_history_filter_and_pages(client, login, create_admin, create_price, products):
    admin = login(create_admin())
    for n in range(30):
        create_price(admin, "seed", 1, 500 + n, TODAY - timedelta(days=n))
    create_price(admin, "filament", 1, 15_000, TODAY)
    seed = products["seed"].id

    def history(url):
        page = client.get(url).get_data(as_text=True)
        return page, page.split("<h2>History</h2>")[1].count("<tr>") - 1  # minus the header row

    page, rows = history(f"/prices/?lang=en&product={seed}")
    assert rows == 25 and "150.00" not in page.split("<h2>History</h2>")[1]
    assert f"/prices/?page=2&amp;product={seed}" in page
    page, rows = history(f"/prices/?lang=en&product={seed}&page=2")
    assert rows == 5 and "5.29" in page and "Page <bdi dir=\"ltr\">2</bdi> of <bdi dir=\"ltr\">2</bdi>" in page
    page, rows = history(f"/prices/?lang=en&product={products['filament'].id}")
    assert rows == 1 and "150.00" in page
    assert "<h3>Safflower seed</h3>" not in page  # the latest block follows the filter
    page = client.get("/prices/?lang=en&page=99").get_data(as_text=True)
    assert "past the end of the list" in page and "<table" not in page.split("<h2>History</h2>")[1]


def test_a_bad_filter_is_a_400(client, login, create_admin):
    login(create_admin())
    for bad in ("abc", "999999"):
        resp = client.get(f"/prices/?lang=en&product={bad}")
        assert resp.status_code == 400
        assert "Not a valid choice" in beside(resp.get_data(as_text=True), "product") or \
            "could not coerce" in beside(resp.get_data(as_text=True), "product")


@pytest.mark.parametrize("code", LOCALES)
def test_price_pages_in_every_locale(client, login, create_coop, create_price, code):
    manager = login(create_coop())
    for n in range(25):
        create_price(manager, "filament", 1 + n % 3, 15_000 + n, TODAY - timedelta(days=n))
    for url in ("/prices/", "/prices/new"):
        resp = client.get(f"{url}?lang={code}")
        assert resp.status_code == 200, (url, code)
        check_page(resp, url, code)


def test_query_count_does_not_grow_with_products_or_prices(app, client, db, login, create_admin, create_price,
                                                           products):
    from marketplace.services.products import ProductInput, add_grade, create_product

    admin = login(create_admin())
    create_price(admin)
    with app.app_context():
        engine = db.engine
    statements = []

    def count_statement(*args):
        statements.append(1)

    def queries(url):
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count_statement)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count_statement)
        return len(statements)

    before = {url: queries(url) for url in ("/prices/", "/admin/products/", "/prices/new")}
    assert all(before.values()), before
    for n in range(3):
        extra = create_product(ProductInput(
            code=f"extra_{n}", names={code: f"extra {n}" for code in LOCALES}, typical_yield_kg_per_mu=10,
            std_moisture_pct=10, std_impurity_pct=2, reject_moisture_pct=20, reject_impurity_pct=8,
            harvest_start_month=6, harvest_end_month=7))
        grade = add_grade(extra, {code: "G1" for code in LOCALES})
        db.session.add(PriceIndexEntry(product_id=extra.id, grade_id=grade.id, on_date=TODAY, fen_per_kg=100 + n,
                                       source_note="x", recorded_by_id=admin.id))
    for n in range(1, 20):
        create_price(admin, "filament", 1, 15_000 + n, TODAY - timedelta(days=n))
    db.session.commit()
    assert {url: queries(url) for url in before} == before
