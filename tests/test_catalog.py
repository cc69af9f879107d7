"""Products and grades as data: the market office adds and edits them, no code change needed."""
import re

import pytest
import sqlalchemy as sa

from marketplace.i18n import LOCALES
from marketplace.models import Grade, PriceIndexEntry, Product
from marketplace.services.products import active_products, add_grade
from tests.conftest import form_post
from tests.test_pages import check_page

LAVENDER = {"zh_Hans": "薰衣草", "ug": "لاۋاندا", "kk_Arab": "لاۆاندا", "kk_Cyrl": "Лаванда", "en": "Lavender"}
TOP = {"zh_Hans": "特级", "ug": "ئالاھىدە دەرىجە", "kk_Arab": "ارنايى سۇرىپ", "kk_Cyrl": "Арнайы сұрып",
       "en": "Premium"}


@pytest.fixture(autouse=True)
def fresh_login_limit(app):
    """These tests log in often; start each with the login rate limit's count cleared."""
    from marketplace.extensions import limiter

    with app.app_context():
        limiter.reset()


def names(values, prefix=""):
    return {f"{prefix}name_{code}": values[code] for code in LOCALES}


def product_form(**over):
    data = {"code": "lavender", **names(LAVENDER), "typical_yield_kg_per_mu": "30.5",
            "std_moisture_pct": "12", "std_impurity_pct": "1.5", "reject_moisture_pct": "18",
            "reject_impurity_pct": "6.25", "harvest_start_month": "6", "harvest_end_month": "8", "active": "y"}
    data.update(over)
    return data


def grade_form(values, **over):
    return {**names(values, "grade-"), **over}


def beside(page: str, field_id: str) -> str:
    """The hint and error text rendered under one field."""
    found = re.search(rf'<div id="{re.escape(field_id)}-help">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.fixture
def admin_in(client, auth, create_admin):
    admin = create_admin()
    assert auth.login(admin.email).status_code == 302
    return admin


def test_admin_adds_a_product_and_it_is_offered_everywhere(client, db, admin_in):
    page = client.get("/admin/products/new?lang=en").get_data(as_text=True)
    assert re.search(r'<option value="1">January</option>', page)
    for code, direction in (("ug", "rtl"), ("kk_Arab", "rtl"), ("zh_Hans", "auto"), ("kk_Cyrl", "auto"),
                            ("en", "auto")):
        assert re.search(rf'<input[^>]*dir="{direction}"[^>]*id="name_{code}"', page), code
    resp = form_post(client, "/admin/products/new", product_form())
    assert resp.status_code == 302
    product = db.session.scalar(sa.select(Product).where(Product.code == "lavender"))
    assert resp.headers["Location"].endswith(f"/admin/products/{product.id}/edit")
    assert product.names == LAVENDER and product.active
    assert str(product.reject_impurity_pct) == "6.25" and (product.harvest_start_month, product.harvest_end_month) == (6, 8)

    edit_url = f"/admin/products/{product.id}/edit"
    resp = form_post(client, f"/admin/products/{product.id}/grades", grade_form(TOP), token_from=edit_url)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{edit_url}#grades")
    assert [(g.rank, g.names["en"]) for g in product.grades] == [(1, "Premium")]

    offered = {p.code: p for p in active_products()}
    assert "lavender" in offered and [g.rank for g in offered["lavender"].grades] == [1]
    listing = client.get("/admin/products/?lang=ug").get_data(as_text=True)
    assert "لاۋاندا" in listing and "ئالاھىدە دەرىجە" in listing and "Лаванда" in listing
    # The price pages offer it at once: its grade in the record form, a price recorded, then shown.
    form_page = client.get("/prices/new?lang=en").get_data(as_text=True)
    assert re.search(rf'<optgroup label="Lavender">\s*<option value="{product.grades[0].id}">Premium</option>', form_page)
    resp = form_post(client, "/prices/new", {"grade_id": product.grades[0].id, "on_date": "2026-06-20",
                                             "price_yuan": "42.50", "source_note": "霍城 lavender market"})
    assert resp.status_code == 302
    prices_page = client.get(f"/prices/?lang=en&product={product.id}").get_data(as_text=True)
    assert "Lavender" in prices_page and "42.50" in prices_page


def test_product_list_shows_names_grades_spec_months_and_yield(client, admin_in):
    page = client.get("/admin/products/?lang=en").get_data(as_text=True)
    assert "Safflower filaments" in page and "Safflower seed" in page
    assert "Ungraded (run of crop)" in page
    assert re.search(r"Grade 1.*Grade 2.*Ungraded", page, re.S)
    assert "13%" in page and "2%" in page and "20%" in page and "8%" in page
    assert "June – July" in page and "August – September" in page
    assert "113.0" in page and "kg per mu" in page
    assert "ماخسار گۈلى" in page and "Мақсары тұқымы" in page


BAD_PRODUCTS = [
    ({"std_moisture_pct": "101"}, "std_moisture_pct", "between 0 and 100"),
    ({"std_impurity_pct": "-1"}, "std_impurity_pct", "between 0 and 100"),
    ({"reject_moisture_pct": "12"}, "reject_moisture_pct", "reject limit must be above the standard"),
    ({"reject_impurity_pct": "1.5"}, "reject_impurity_pct", "reject limit must be above the standard"),
    ({"std_moisture_pct": "12.555"}, "std_moisture_pct", "at most two decimals"),
    ({"std_moisture_pct": "NaN"}, "std_moisture_pct", "between 0 and 100"),
    ({"reject_moisture_pct": "Infinity"}, "reject_moisture_pct", "between 0 and 100"),
    ({"reject_moisture_pct": "sNaN"}, "reject_moisture_pct", "between 0 and 100"),
    ({"std_impurity_pct": "1e999999"}, "std_impurity_pct", "between 0 and 100"),
    ({"std_impurity_pct": "abc"}, "std_impurity_pct", "Not a valid decimal value"),
    ({"typical_yield_kg_per_mu": "0"}, "typical_yield_kg_per_mu", "above zero"),
    ({"typical_yield_kg_per_mu": "12.25"}, "typical_yield_kg_per_mu", "at most one decimal"),
    ({"code": "safflower_seed"}, "code", "already exists"),
    ({"code": "Lavender Oil"}, "code", "lowercase Latin letters"),
    ({"code": ""}, "code", "This field is required"),
    ({"name_ug": ""}, "name_ug", "This field is required"),
    ({"name_kk_Cyrl": "   "}, "name_kk_Cyrl", "This field is required"),
    ({"name_en": "x" * 81}, "name_en", "longer than 80"),
    ({"harvest_start_month": "13"}, "harvest_start_month", "Not a valid choice"),
    ({"harvest_end_month": "0"}, "harvest_end_month", "Not a valid choice"),
]


@pytest.mark.parametrize("change,field,message", BAD_PRODUCTS)
def test_new_product_bad_input_is_a_400_beside_the_field(client, db, admin_in, change, field, message):
    before = count(db, Product)
    resp = form_post(client, "/admin/products/new?lang=en", product_form(**change))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert message in beside(page, field), page
    assert count(db, Product) == before


def test_admin_edits_a_product(client, db, admin_in, products):
    seed = products["seed"]
    url = f"/admin/products/{seed.id}/edit"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert 'value="红花籽"' in page and '<option selected value="8">August</option>' in page
    assert 'name="code"' not in page
    resp = form_post(client, url, product_form(code="ignored", **names(seed.names), std_moisture_pct="8.5",
                                               reject_moisture_pct="15", active=""))
    assert resp.status_code == 302
    db.session.refresh(seed)
    assert seed.code == "safflower_seed" and str(seed.std_moisture_pct) == "8.50" and not seed.active
    assert seed.id not in {p.id for p in active_products()}
    # A bad edit changes nothing.
    resp = form_post(client, url + "?lang=en", product_form(**names(seed.names), reject_moisture_pct="8"))
    assert resp.status_code == 400
    assert "reject limit must be above the standard" in beside(resp.get_data(as_text=True), "reject_moisture_pct")
    db.session.refresh(seed)
    assert str(seed.std_moisture_pct) == "8.50" and str(seed.reject_moisture_pct) == "15.00"


def test_add_and_rename_grades(client, db, admin_in, products):
    seed = products["seed"]
    edit_url = f"/admin/products/{seed.id}/edit"
    grades_url = f"/admin/products/{seed.id}/grades"
    before = count(db, Grade)
    bad = form_post(client, grades_url + "?lang=en", grade_form(TOP, **{"grade-name_kk_Arab": ""}), edit_url)
    assert bad.status_code == 400
    assert "This field is required" in beside(bad.get_data(as_text=True), "grade-name_kk_Arab")
    assert count(db, Grade) == before

    resp = form_post(client, grades_url, grade_form(TOP), edit_url)
    assert resp.status_code == 302
    db.session.refresh(seed)
    assert [g.rank for g in seed.grades] == [1, 2, 3] and seed.grades[2].names == TOP

    first = f"/admin/products/{seed.id}/grades/1"
    assert 'value="一等"' in client.get(first).get_data(as_text=True)
    renamed = {**seed.grades[0].names, "en": "First grade"}
    resp = form_post(client, first, names(renamed))
    assert resp.status_code == 302
    db.session.refresh(seed)
    assert seed.grades[0].rank == 1 and seed.grades[0].names["en"] == "First grade"
    bad = form_post(client, first + "?lang=en", names({**renamed, "zh_Hans": " "}))
    assert bad.status_code == 400 and "This field is required" in beside(bad.get_data(as_text=True), "name_zh_Hans")
    db.session.refresh(seed)
    assert seed.grades[0].names["zh_Hans"] == "一等"


def test_at_most_twenty_grades(client, db, admin_in, products):
    seed = products["seed"]
    for n in range(3, 21):
        add_grade(seed, {code: f"G{n}" for code in LOCALES})
    db.session.commit()
    resp = form_post(client, f"/admin/products/{seed.id}/grades?lang=en", grade_form(TOP),
                     f"/admin/products/{seed.id}/edit")
    assert resp.status_code == 400 and "at most 20 grades" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.max(Grade.rank)).where(Grade.product_id == seed.id)) == 20


def test_unknown_product_or_grade_is_404(client, admin_in, products):
    seed = products["seed"]
    assert client.get("/admin/products/999999/edit").status_code == 404
    assert client.get(f"/admin/products/{seed.id}/grades/9").status_code == 404
    assert client.get("/admin/products/999999/grades/1").status_code == 404
    token_page = f"/admin/products/{seed.id}/edit"
    assert form_post(client, "/admin/products/999999/grades", grade_form(TOP), token_page).status_code == 404
    assert form_post(client, "/admin/products/999999/edit", product_form(), token_page).status_code == 404


def test_only_the_admin_reaches_the_catalog(client, db, auth, create_farmer, create_coop, create_processor,
                                            products):
    seed = products["seed"]
    grades_before = count(db, Grade)
    for user in (create_farmer(), create_coop(), create_processor()):
        assert auth.login(user.email or user.phone).status_code == 302
        for url in ("/admin/products/", "/admin/products/new", f"/admin/products/{seed.id}/edit",
                    f"/admin/products/{seed.id}/grades/1"):
            assert client.get(url).status_code == 403, (user.role, url)
        assert form_post(client, "/admin/products/new", product_form(), "/dashboard").status_code == 403
        resp = form_post(client, f"/admin/products/{seed.id}/grades", grade_form(TOP), "/dashboard")
        assert resp.status_code == 403
        auth.logout()
    assert client.get("/admin/products/").status_code == 302  # anonymous: to the login page
    assert count(db, Grade) == grades_before and count(db, PriceIndexEntry) == 0


@pytest.mark.parametrize("code", LOCALES)
def test_catalog_pages_in_every_locale(client, admin_in, products, code):
    seed = products["seed"]
    for url in ("/admin/products/", "/admin/products/new", f"/admin/products/{seed.id}/edit",
                f"/admin/products/{seed.id}/grades/1"):
        resp = client.get(f"{url}?lang={code}")
        assert resp.status_code == 200, (url, code)
        check_page(resp, url, code)
