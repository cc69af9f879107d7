"""Contract orders: processors post, edit, publish and close them; farmers and co-ops browse them and see their pay."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.models import ContractOrder
from tests.conftest import csrf_token, form_post

TODAY = date.today()


@pytest.fixture(autouse=True)
def fresh_login_limit(app):
    """These tests log in often; start each with the login rate limit's count cleared."""
    from marketplace.extensions import limiter

    with app.app_context():
        limiter.reset()


@pytest.fixture
def login(auth):
    state = {"in": False}

    def as_user(user):
        if state["in"]:
            auth.logout()
        assert auth.login(user.email or user.phone).status_code == 302
        state["in"] = True
        return user
    return as_user


def order_form(products, county, term_type="fixed", **over):
    """A valid step-2 form for safflower seed (grades 1 and 2, minimum grade 2)."""
    seed = products["seed"]
    data = {
        "product_id": seed.id, "kg_wanted": "50000", "min_grade_id": seed.grades[1].id,
        "delivery_start": (TODAY + timedelta(days=30)).isoformat(),
        "delivery_end": (TODAY + timedelta(days=60)).isoformat(),
        "collection_county_id": county.id, "collection_point": "察布查尔县红花籽收购站", "lat": "", "lon": "",
        "max_suppliers": "", "min_alloc_kg": "0", "term_type": term_type,
        "price_1": "5.60", "price_2": "5.00", "cap_1": "", "cap_2": "",
        "margin_pct": "0", "share_pct": "0", "base_per_mu": "",
        "advance_seed_per_mu": "", "advance_fertiliser_per_mu": "", "advance_cash_per_mu": "",
        "coop_fee_pct": "2", "risk_levy_pct": "1", "short_delivery_penalty_pct": "10", "refusal_penalty_pct": "5",
        "save_draft": "Save as draft",
    }
    data.update(over)
    return data


def step_two(client, product_id):
    page = client.get(f"/orders/new?product={product_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    nonce = re.search(r'id="nonce" name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    return token, nonce


def post_new(client, data):
    """Open step 2 (a fresh nonce) and send the form, as a browser does."""
    token, nonce = step_two(client, data["product_id"])
    return client.post("/orders/new?lang=en", data={**data, "csrf_token": token, "nonce": nonce})


def beside(page: str, field_id: str) -> str:
    found = re.search(rf'<div id="{re.escape(field_id)}-help">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def all_orders(db):
    return db.session.scalars(sa.select(ContractOrder).order_by(ContractOrder.id)).all()


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client, "/dashboard"), **(data or {})})


# --- Posting an order through the two steps.

def test_step_one_offers_the_products_and_step_two_one_price_per_grade(client, login, create_processor, products):
    login(create_processor())
    page = client.get("/orders/new?lang=en").get_data(as_text=True)
    assert "Safflower seed" in page and "Safflower filaments" in page and 'name="price_1"' not in page
    filament = products["filament"]
    page = client.get(f"/orders/new?lang=en&product={filament.id}&term_type=floor_market").get_data(as_text=True)
    for rank in (1, 2, 3):
        assert f'name="price_{rank}"' in page and f'name="cap_{rank}"' in page
    assert "Guaranteed floor for Grade 1 (yuan per kg)" in page
    assert re.search(r'<input checked [^>]*value="floor_market"', page)
    assert 'name="nonce"' in page
    assert client.get("/orders/new?product=99999&lang=en").status_code == 400


TERM_CASES = {
    "fixed": ({}, {"prices": {"1": 560, "2": 500}, "caps": {}, "margin_bp": 0, "share_bp": 0, "base_fen_per_mu": 0}),
    "floor_market": (
        {"price_1": "6.50", "price_2": "6", "cap_1": "12.00", "margin_pct": "-7.25", "share_pct": "30"},
        {"prices": {"1": 650, "2": 600}, "caps": {"1": 1200}, "margin_bp": -725, "share_bp": 0, "base_fen_per_mu": 0},
    ),
    "floor_share": (
        {"price_1": "6.50", "price_2": "6.00", "cap_2": "9.99", "share_pct": "30", "margin_pct": "5"},
        {"prices": {"1": 650, "2": 600}, "caps": {"2": 999}, "margin_bp": 0, "share_bp": 3000, "base_fen_per_mu": 0},
    ),
    "rebate": (
        {"price_1": "5.10", "price_2": "4.80", "share_pct": "20.5", "cap_1": "9"},
        {"prices": {"1": 510, "2": 480}, "caps": {}, "margin_bp": 0, "share_bp": 2050, "base_fen_per_mu": 0},
    ),
    "share_coop": (
        {"price_1": "", "price_2": "", "base_per_mu": "150", "share_pct": "40"},
        {"prices": {}, "caps": {}, "margin_bp": 0, "share_bp": 4000, "base_fen_per_mu": 15000},
    ),
}


@pytest.mark.parametrize("term_type", list(TERM_CASES))
def test_each_term_type_through_the_form(client, db, login, create_processor, products, place, term_type):
    county, _t = place
    buyer = login(create_processor())
    change, stored = TERM_CASES[term_type]
    data = order_form(products, county, term_type, advance_seed_per_mu="20.5", advance_fertiliser_per_mu="35.00",
                      advance_cash_per_mu="0.01", coop_fee_pct="2.5", risk_levy_pct="1", **change)
    resp = post_new(client, data)
    assert resp.status_code == 302, beside(resp.get_data(as_text=True), "price_1")
    [order] = all_orders(db)
    assert resp.headers["Location"].endswith(f"/orders/{order.id}")
    assert order.processor_id == buyer.processor_id and order.created_by_id == buyer.id
    assert order.status == "draft" and order.term_type == term_type
    assert order.terms == stored
    assert (order.advance_seed_fen_per_mu, order.advance_fertiliser_fen_per_mu, order.advance_cash_fen_per_mu) == (
        2050, 3500, 1)
    assert (order.coop_fee_bp, order.risk_levy_bp) == (250, 100)
    assert (order.short_delivery_penalty_bp, order.refusal_penalty_bp) == (1000, 500)
    assert order.kg_wanted == 50_000 and order.min_grade.rank == 2 and order.min_alloc_kg == 0
    # Without a map point the collection point is at the county seat.
    assert (order.collection_lat, order.collection_lon) == (county.lat, county.lon)
    page = client.get(f"/orders/{order.id}?lang=en").get_data(as_text=True)
    assert "Draft" in page and 'class="panel payout"' in page


def test_publish_straight_away_and_a_map_point(client, db, login, create_processor, products, place):
    county, _t = place
    login(create_processor())
    data = order_form(products, county, lat="43.85", lon="81.2", max_suppliers="12", min_alloc_kg="500")
    data.pop("save_draft")
    resp = post_new(client, {**data, "publish": "Publish"})
    assert resp.status_code == 302
    [order] = all_orders(db)
    assert order.status == "open" and (order.collection_lat, order.collection_lon) == (43.85, 81.2)
    assert order.max_suppliers == 12 and order.min_alloc_kg == 500


def test_a_draft_is_hidden_from_farmers_until_published(client, db, login, create_processor, create_farmer, products,
                                                       place):
    county, _t = place
    buyer, farmer = create_processor(), create_farmer()
    login(buyer)
    assert post_new(client, order_form(products, county)).status_code == 302
    [order] = all_orders(db)
    login(farmer)
    assert client.get(f"/orders/{order.id}/view").status_code == 404
    assert f"/orders/{order.id}/view" not in client.get("/orders/open").get_data(as_text=True)
    login(buyer)
    assert post(client, f"/orders/{order.id}/publish").status_code == 302
    assert db.session.get(ContractOrder, order.id).status == "open"
    again = post(client, f"/orders/{order.id}/publish?lang=en")  # already open: refused, nothing changes
    assert again.status_code == 409
    assert "no longer possible" in again.get_data(as_text=True)
    login(farmer)
    assert client.get(f"/orders/{order.id}/view").status_code == 200
    assert f"/orders/{order.id}/view" in client.get("/orders/open").get_data(as_text=True)


def test_edit_while_open(client, db, login, create_processor, create_order, products):
    buyer = login(create_processor())
    order = create_order(buyer, term_type="floor_market", margin_bp=500)
    page = client.get(f"/orders/{order.id}/edit?lang=en").get_data(as_text=True)
    assert 'value="6.50"' in page and 'name="nonce"' not in page and 'value="5"' in page
    data = order_form(products, order.collection_county, "floor_market", kg_wanted="42000", price_1="7.00",
                      price_2="6.20", margin_pct="8", save="Save changes")
    resp = form_post(client, f"/orders/{order.id}/edit", data)
    assert resp.status_code == 302
    db.session.refresh(order)
    assert order.kg_wanted == 42_000 and order.status == "open"
    assert order.terms["prices"] == {"1": 700, "2": 620} and order.terms["margin_bp"] == 800
    # The product of an order cannot be changed by editing it.
    other = form_post(client, f"/orders/{order.id}/edit", {**data, "product_id": products["filament"].id})
    assert other.status_code == 302
    db.session.refresh(order)
    assert order.product_id == products["seed"].id
    # Bad input while editing: a 400 beside the field, and the saved order unchanged.
    bad = form_post(client, f"/orders/{order.id}/edit?lang=en", {**data, "kg_wanted": "0"})
    assert bad.status_code == 400 and "more than zero" in beside(bad.get_data(as_text=True), "kg_wanted")
    db.session.refresh(order)
    assert order.kg_wanted == 42_000


def test_a_matched_or_closed_order_cannot_be_edited(client, db, login, create_processor, create_order, products):
    buyer = login(create_processor())
    order = create_order(buyer, status="partly_matched")
    resp = client.get(f"/orders/{order.id}/edit?lang=en")
    assert resp.status_code == 302
    assert "can no longer be edited" in client.get(resp.headers["Location"]).get_data(as_text=True)
    data = order_form(products, order.collection_county, kg_wanted="1", save="Save changes")
    assert post(client, f"/orders/{order.id}/edit", data).status_code == 302
    db.session.refresh(order)
    assert order.kg_wanted == 50_000


def test_close_with_a_reason(client, db, login, create_processor, create_farmer, create_order):
    buyer = login(create_processor())
    order = create_order(buyer)
    empty = post(client, f"/orders/{order.id}/close?lang=en", {"reason": "  "})
    assert empty.status_code == 400
    assert "This field is required." in beside(empty.get_data(as_text=True), "reason")
    assert db.session.get(ContractOrder, order.id).status == "open"
    done = post(client, f"/orders/{order.id}/close", {"reason": "已从别处采购足量"})
    assert done.status_code == 302
    db.session.refresh(order)
    assert order.status == "closed" and order.close_reason == "已从别处采购足量"
    page = client.get(f"/orders/{order.id}?lang=en").get_data(as_text=True)
    assert "已从别处采购足量" in page and 'action="/orders/%d/close"' % order.id not in page
    assert client.get(f"/orders/{order.id}/edit").status_code == 302
    login(create_farmer())
    assert client.get(f"/orders/{order.id}/view").status_code == 404


# --- Bad input: a 400 with the message beside the field, and nothing saved.

BAD = [
    ({"kg_wanted": "0"}, "kg_wanted", "The quantity must be more than zero."),
    ({"kg_wanted": "-500"}, "kg_wanted", "The quantity must be more than zero."),
    ({"kg_wanted": "99999999999999999999"}, "kg_wanted", "at most 100,000 tonnes"),
    ({"kg_wanted": "1e5"}, "kg_wanted", "Not a valid integer value."),
    ({"delivery_start": (TODAY + timedelta(days=60)).isoformat(), "delivery_end": (TODAY + timedelta(days=30)).isoformat()},
     "delivery_end", "The end date is before the start date."),
    ({"delivery_start": (TODAY - timedelta(days=60)).isoformat(), "delivery_end": (TODAY - timedelta(days=1)).isoformat()},
     "delivery_end", "This period is already over."),
    ({"term_type": "floor_market", "price_1": "8.00", "cap_1": "7.00"}, "cap_1", "The floor price is above the cap"),
    ({"coop_fee_pct": "101"}, "coop_fee_pct", "Give a percentage between 0 and 100."),
    ({"risk_levy_pct": "-1"}, "risk_levy_pct", "Give a percentage between 0 and 100."),
    ({"short_delivery_penalty_pct": "100.5"}, "short_delivery_penalty_pct", "Give a percentage between 0 and 100."),
    ({"refusal_penalty_pct": "abc"}, "refusal_penalty_pct", "Enter a percentage as a number"),
    ({"coop_fee_pct": "2.555"}, "coop_fee_pct", "at most two decimals"),
    ({"term_type": "floor_share", "share_pct": "150"}, "share_pct", "The share must be between 0 % and 100 %."),
    ({"term_type": "floor_market", "margin_pct": "-60"}, "margin_pct", "between -50 % and 100 %"),
    ({"coop_fee_pct": "60", "risk_levy_pct": "50"}, "risk_levy_pct", "together cannot be more than 100 %"),
    ({"price_1": "5.601"}, "price_1", "at most two decimals"),
    ({"price_1": "99999999999"}, "price_1", "at most 1,000,000 yuan per kg"),
    ({"price_1": "0"}, "price_1", "Give an amount above zero."),
    ({"price_1": "-5"}, "price_1", "Give an amount above zero."),
    ({"price_1": "5,60"}, "price_1", "Enter an amount in yuan with a point for decimals"),
    ({"price_1": "NaN"}, "price_1", "Enter an amount in yuan with a point for decimals"),
    ({"price_2": ""}, "price_2", "Give a price for every grade the order accepts."),
    ({"advance_cash_per_mu": "-3"}, "advance_cash_per_mu", "An amount cannot be negative."),
    ({"advance_seed_per_mu": "1" + "0" * 25}, "advance_seed_per_mu", "This amount is too large."),
    ({"term_type": "share_coop", "base_per_mu": ""}, "base_per_mu", "Give the base payment per mu."),
    ({"lat": "43.9"}, "lat", "Give both latitude and longitude, or neither."),
    ({"lat": "39.9", "lon": "116.4"}, "lat", "This map point is not in the Ili valley."),
    ({"lat": "sNaN", "lon": "81"}, "lat", "Not a valid decimal value."),
    ({"min_alloc_kg": "60000"}, "min_alloc_kg", "between zero and the quantity wanted"),
    ({"max_suppliers": "0"}, "max_suppliers", "at least 1"),
    ({"collection_point": ""}, "collection_point", "This field is required."),
]


@pytest.mark.parametrize("change,field_id,message", BAD, ids=[f"{c[1]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_is_a_400_beside_the_field(client, db, login, create_processor, products, place, change, field_id,
                                             message):
    county, _t = place
    login(create_processor())
    resp = post_new(client, order_form(products, county, **change))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400, change
    assert message in beside(page, field_id), (change, beside(page, field_id))
    assert all_orders(db) == []


def test_a_grade_of_another_product_or_no_term_type_is_refused(client, db, login, create_processor, products, place):
    county, _t = place
    login(create_processor())
    filament_grade = products["filament"].grades[0]
    resp = post_new(client, order_form(products, county, min_grade_id=filament_grade.id))
    assert resp.status_code == 400 and "Not a valid choice" in beside(resp.get_data(as_text=True), "min_grade_id")
    data = order_form(products, county)
    data.pop("term_type")
    resp = post_new(client, data)
    assert resp.status_code == 400 and "This field is required." in resp.get_data(as_text=True)
    assert all_orders(db) == []


def test_a_grade_below_the_minimum_needs_no_price_and_its_price_is_not_stored(client, db, login, create_processor,
                                                                             products, place):
    county, _t = place
    login(create_processor())
    data = order_form(products, county, min_grade_id=products["seed"].grades[0].id, price_2="")
    assert post_new(client, data).status_code == 302
    assert all_orders(db)[0].terms["prices"] == {"1": 560}


def test_after_a_400_the_same_form_can_be_corrected_and_sent(client, db, login, create_processor, products, place):
    county, _t = place
    login(create_processor())
    token, nonce = step_two(client, products["seed"].id)
    data = {**order_form(products, county), "csrf_token": token, "nonce": nonce}
    bad = client.post("/orders/new", data={**data, "kg_wanted": "0"})
    assert bad.status_code == 400 and f'value="{nonce}"' in bad.get_data(as_text=True)
    assert client.post("/orders/new", data=data).status_code == 302
    assert len(all_orders(db)) == 1


def test_double_submit_makes_one_order(client, db, login, create_processor, products, place):
    county, _t = place
    login(create_processor())
    token, nonce = step_two(client, products["seed"].id)
    data = {**order_form(products, county), "csrf_token": token, "nonce": nonce}
    first = client.post("/orders/new?lang=en", data=data)
    again = client.post("/orders/new?lang=en", data=data)
    assert first.status_code == 302
    assert again.status_code == 409
    assert "already sent" in again.get_data(as_text=True)
    assert len(all_orders(db)) == 1
    # A form without a token is refused; any token is spent once, and a new form works.
    assert client.post("/orders/new", data={**data, "nonce": ""}).status_code == 409
    assert post_new(client, order_form(products, county)).status_code == 302
    assert len(all_orders(db)) == 2


def test_the_same_token_twice_at_once_saves_once(client, db, login, create_processor, products, place):
    """A replay that arrives before the first one is recorded still collides on the token (409)."""
    from marketplace.models import UsedFormToken

    county, _t = place
    user = create_processor()
    login(user)
    token, nonce = step_two(client, products["seed"].id)
    data = {**order_form(products, county), "csrf_token": token, "nonce": nonce}
    assert client.post("/orders/new", data=data).status_code == 302
    # Make the check before the insert miss it, as a concurrent request would.
    from marketplace.web import once

    original = once.used
    once.used = lambda value: False
    try:
        again = client.post("/orders/new?lang=en", data=data)
    finally:
        once.used = original
    assert again.status_code == 400 and "already sent" in again.get_data(as_text=True)
    assert len(all_orders(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count(UsedFormToken.id))) == 1


# --- Who may do what.

def test_another_processors_order_is_404(client, db, login, create_processor, create_order, products):
    mine, theirs = create_processor(), create_processor()
    order = create_order(theirs)
    draft = create_order(theirs, status="draft")
    login(mine)
    assert client.get(f"/orders/{order.id}").status_code == 404
    assert client.get(f"/orders/{order.id}/edit").status_code == 404
    data = order_form(products, order.collection_county, kg_wanted="1", save="Save changes")
    assert post(client, f"/orders/{order.id}/edit", data).status_code == 404
    assert post(client, f"/orders/{draft.id}/publish").status_code == 404
    assert post(client, f"/orders/{order.id}/close", {"reason": "不要了"}).status_code == 404
    assert client.get("/orders/999999").status_code == 404
    db.session.refresh(order)
    db.session.refresh(draft)
    assert order.status == "open" and order.kg_wanted == 50_000 and draft.status == "draft"
    assert f"/orders/{order.id}" not in client.get("/orders/").get_data(as_text=True)
    # The farmers' page is not for processors.
    assert client.get(f"/orders/{order.id}/view").status_code == 403


def test_farmers_and_coops_cannot_post_orders(client, login, create_farmer, create_coop, products):
    for user in (create_farmer(), create_coop()):
        login(user)
        assert client.get("/orders/new").status_code == 403
        assert client.get(f"/orders/new?product={products['seed'].id}").status_code == 403
        assert client.get("/orders/supply").status_code == 403
        assert client.get("/orders/").status_code == 403


def test_a_processor_account_without_a_processor_gets_403(client, db, login, create_processor):
    buyer = create_processor()
    login(buyer)
    buyer.processor_id = None
    db.session.commit()
    for url in ("/orders/", "/orders/new", "/orders/supply", "/orders/export.csv", "/orders/supply.csv"):
        assert client.get(url).status_code == 403, url


def test_a_stale_draft_cannot_be_published(client, db, login, create_processor, create_order):
    from datetime import date, timedelta

    from tests.conftest import form_post

    user = create_processor()
    draft = create_order(user, status="draft", start=date.today() - timedelta(days=60), days=10)
    login(user)
    resp = form_post(client, f"/orders/{draft.id}/publish?lang=en", {}, token_from=f"/orders/{draft.id}")
    assert resp.status_code == 409 and "already over" in resp.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == "draft"
