"""Expected harvests: farmers post their own, co-op managers post for members on record."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.models import ActionRecord, Harvest
from tests.conftest import csrf_token

TODAY = date.today()
NEW = "/harvests/new?lang=en"


@pytest.fixture(autouse=True)
def fresh_login_limit(app):
    """These tests log in often; start each with the login rate limit's count cleared."""
    from marketplace.extensions import limiter

    with app.app_context():
        limiter.reset()


@pytest.fixture
def login(auth):
    def as_user(user):
        assert auth.login(user.email or user.phone).status_code == 302
        return user
    return as_user


def grade_of(products, product="seed", rank=1):
    return next(g for g in products[product].grades if g.rank == rank)


def harvest_form(place, products, product="seed", **over):
    _county, township = place
    data = {"product_id": products[product].id, "grade_id": grade_of(products, product).id, "variety": "吉红1号",
            "area_mu": "20", "expected_kg": "2100", "harvest_start": (TODAY + timedelta(days=30)).isoformat(),
            "harvest_end": (TODAY + timedelta(days=60)).isoformat(), "township_id": township.id,
            "village": "海努克村", "lat": "", "lon": ""}
    data.update(over)
    return data


def tokens(page: str) -> dict:
    found = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) for name in ("csrf_token", "form_nonce")}
    assert all(found.values()), "the form has no CSRF token or nonce"
    return {name: m.group(1) for name, m in found.items()}


def send(client, data, url=NEW, page_url=None):
    """Open the form (for its CSRF token and one-time nonce) and send it, the way a browser does."""
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={**tokens(page), **data})


def resend(client, resp, data, url=NEW):
    """Send the form again from the page it came back on (same nonce), with changes."""
    return client.post(url, data={**tokens(resp.get_data(as_text=True)), **data})


def beside(page: str, field_id: str) -> str:
    found = re.search(rf'<div id="{re.escape(field_id)}-help">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def selected(page: str, select_id: str) -> str | None:
    """The value of the chosen option of one <select>."""
    box = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    found = re.search(r'<option selected value="([^"]*)"', box.group(1)) if box else None
    return found.group(1) if found else None


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def all_harvests(db):
    return db.session.scalars(sa.select(Harvest).order_by(Harvest.id)).all()


# --- posting ------------------------------------------------------------------------------

def test_farmer_posts_a_harvest_with_defaults_from_the_profile(client, db, login, place, products, create_farmer):
    county, township = place
    farmer = login(create_farmer(area="18.5"))
    page = client.get(NEW).get_data(as_text=True)
    assert 'value="18.5"' in page and 'value="海努克村"' in page
    assert selected(page, "township_id") == str(township.id)
    assert "<optgroup" in page and "Safflower seed: about 113 kg per mu" in page
    resp = send(client, harvest_form(place, products, lat="43.84", lon="81.15"))
    assert resp.status_code == 302
    (harvest,) = all_harvests(db)
    assert resp.headers["Location"].endswith(f"/harvests/{harvest.id}")
    assert (harvest.farmer_id, harvest.created_by_id, harvest.status) == (farmer.id, farmer.id, "open")
    assert harvest.county_id == county.id and harvest.township_id == township.id
    assert harvest.area_mu == Decimal("20") and harvest.expected_kg == 2100 and harvest.variety == "吉红1号"
    assert (harvest.lat, harvest.lon) == (43.84, 81.15)
    assert db.session.scalar(sa.select(sa.func.count(ActionRecord.id))) == 0  # the farmer acted for themselves
    shown = client.get(f"/harvests/{harvest.id}").get_data(as_text=True)
    assert "Your expected harvest is posted." in shown and "吉红1号" in shown and f"/harvests/{harvest.id}/edit" in shown


def test_default_window_follows_the_product_months(client, db, login, products, create_farmer):
    from marketplace.services.harvests import season_window

    login(create_farmer())
    seed = products["seed"]
    page = client.get(f"/harvests/new?lang=en&product={seed.id}").get_data(as_text=True)
    start, end = season_window(seed, TODAY)
    assert (end.month, end.day) == (9, 30) and end >= TODAY and (start.month == 8 or start == TODAY)
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page
    assert selected(page, "product_id") == str(seed.id)
    assert selected(page, "grade_id") == str(grade_of(products, "seed").id)


def test_season_window(products):
    from marketplace.services.harvests import season_window

    seed, filament = products["seed"], products["filament"]
    assert season_window(seed, date(2026, 3, 1)) == (date(2026, 8, 1), date(2026, 9, 30))
    assert season_window(seed, date(2026, 8, 20)) == (date(2026, 8, 20), date(2026, 9, 30))
    assert season_window(seed, date(2026, 10, 1)) == (date(2027, 8, 1), date(2027, 9, 30))
    assert season_window(filament, date(2026, 7, 31)) == (date(2026, 7, 31), date(2026, 7, 31))


def test_manager_posts_for_a_member_on_record(client, db, login, place, products, create_coop, create_farmer,
                                               add_member):
    manager = create_coop()
    farmer = create_farmer(name="阿依古丽", area="12.0")
    add_member(manager, farmer)
    login(manager)
    page = client.get(f"/harvests/new?lang=en&member={farmer.id}").get_data(as_text=True)
    assert selected(page, "member_id") == str(farmer.id) and 'value="12.0"' in page
    url = f"/harvests/new?lang=en&member={farmer.id}"
    resp = send(client, harvest_form(place, products, member_id=farmer.id), url=NEW, page_url=url)
    assert resp.status_code == 302
    (harvest,) = all_harvests(db)
    assert (harvest.farmer_id, harvest.created_by_id) == (farmer.id, manager.id)
    act = db.session.scalar(sa.select(ActionRecord))
    assert (act.actor_id, act.on_behalf_of_id, act.action, act.detail) == (
        manager.id, farmer.id, "post_harvest", f"harvest:{harvest.id}")
    shown = client.get(f"/harvests/{harvest.id}").get_data(as_text=True)
    assert "on behalf of" in shown and "posted an expected harvest" in shown and "阿依古丽" in shown


def test_manager_must_choose_one_of_the_members(client, db, login, place, products, create_coop, create_farmer,
                                                add_member):
    manager, other = create_coop(), create_coop()
    mine, theirs = create_farmer(), create_farmer()
    add_member(manager, mine)
    add_member(other, theirs)
    login(manager)
    for member_id, message in ((theirs.id, "Not a valid choice"), (0, "Choose a member from the list.")):
        resp = send(client, harvest_form(place, products, member_id=member_id))
        assert resp.status_code == 400
        assert message in beside(resp.get_data(as_text=True), "member_id")
    assert all_harvests(db) == []


def test_empty_quantity_comes_back_with_a_suggestion(client, db, login, place, products, create_farmer):
    login(create_farmer())
    resp = send(client, harvest_form(place, products, expected_kg=""))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and all_harvests(db) == []
    assert "20 mu × 113 kg per mu ≈ 2,260 kg; check it and send again." in text_of(page)
    assert re.search(r'id="expected_kg"[^>]*value="2260"', page)
    again = resend(client, resp, harvest_form(place, products, expected_kg="2260"))
    assert again.status_code == 302
    assert [h.expected_kg for h in all_harvests(db)] == [2260]


def test_suggestion_with_a_decimal_area_and_errors_elsewhere(client, db, login, place, products, create_farmer):
    login(create_farmer())
    resp = send(client, harvest_form(place, products, product="filament", area_mu="7.5", expected_kg=""))
    assert resp.status_code == 200
    assert "7.5 mu × 15 kg per mu ≈ 112 kg" in text_of(resp.get_data(as_text=True))
    # Without a quantity the other checks still run: nothing is suggested over a window in the past.
    late = send(client, harvest_form(place, products, expected_kg="", harvest_start=(TODAY - timedelta(days=9)).isoformat(),
                                     harvest_end=(TODAY - timedelta(days=2)).isoformat()))
    assert late.status_code == 400
    assert "This period is already over" in beside(late.get_data(as_text=True), "harvest_end")
    assert all_harvests(db) == []


def test_implausible_quantity_needs_a_confirmation(client, db, login, place, products, create_farmer):
    login(create_farmer())
    data = harvest_form(place, products, area_mu="1", expected_kg="5000")
    first = client.get(NEW).get_data(as_text=True)
    assert 'name="confirm_large"' not in first
    resp = client.post(NEW, data={**tokens(first), **data})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and all_harvests(db) == []
    assert "more than ten times what this area usually yields (about 113 kg)" in beside(page, "expected_kg")
    assert 'name="confirm_large"' in page and "I confirm this quantity" in page
    again = resend(client, resp, {**data, "confirm_large": "y"})
    assert again.status_code == 302
    assert [h.expected_kg for h in all_harvests(db)] == [5000]


BAD_INPUTS = [
    ({"area_mu": "0"}, "area_mu", "The area must be more than zero."),
    ({"area_mu": "-3"}, "area_mu", "The area must be more than zero."),
    ({"area_mu": "2.25"}, "area_mu", "at most one decimal"),
    ({"area_mu": "NaN"}, "area_mu", "Not a valid decimal value."),
    ({"area_mu": "abc"}, "area_mu", "Not a valid decimal value."),
    ({"area_mu": "9999999"}, "area_mu", "Number must be at most 100000."),
    ({"expected_kg": "0"}, "expected_kg", "The quantity must be more than zero."),
    ({"expected_kg": "-5"}, "expected_kg", "The quantity must be more than zero."),
    ({"expected_kg": "12.5"}, "expected_kg", "Not a valid integer value."),
    ({"lat": "north", "lon": "81.2"}, "lat", "Not a valid decimal value."),
    ({"expected_kg": "99999999999"}, "expected_kg", "Number must be at most 100000000."),
    ({"harvest_start": (TODAY + timedelta(days=60)).isoformat(), "harvest_end": (TODAY + timedelta(days=30)).isoformat()},
     "harvest_end", "The end date is before the start date."),
    ({"harvest_start": (TODAY - timedelta(days=60)).isoformat(), "harvest_end": (TODAY - timedelta(days=30)).isoformat()},
     "harvest_end", "This period is already over."),
    ({"harvest_end": (TODAY + timedelta(days=800)).isoformat()}, "harvest_end", "at most one year long"),
    ({"harvest_start": "soon"}, "harvest_start", "Not a valid date value."),
    ({"grade_id": "FILAMENT"}, "grade_id", "This grade does not belong to the chosen product."),
    ({"grade_id": "999999"}, "grade_id", "Not a valid choice"),
    ({"lat": "43.8"}, "lat", "Give both latitude and longitude, or neither."),
    ({"lat": "30.1", "lon": "81.2"}, "lat", "not in the Ili valley"),
    ({"lat": "Infinity", "lon": "81.2"}, "lat", "Not a valid decimal value."),
    ({"variety": "x" * 61}, "variety", "cannot be longer than 60 characters"),
    ({"village": ""}, "village", "This field is required."),
    ({"township_id": "999999"}, "township_id", "Not a valid choice"),
]


@pytest.mark.parametrize(("change", "field_id", "message"), BAD_INPUTS)
def test_bad_input_is_refused_beside_the_field(client, db, login, place, products, create_farmer, change, field_id,
                                               message):
    login(create_farmer())
    if change.get("grade_id") == "FILAMENT":
        change = {"grade_id": grade_of(products, "filament").id}
    resp = send(client, harvest_form(place, products, **change))
    assert resp.status_code == 400
    shown = beside(resp.get_data(as_text=True), field_id)
    assert message in shown
    assert shown.count('class="error"') == 1  # one clear message, not a pile
    assert all_harvests(db) == []


# --- the same form sent twice -------------------------------------------------------------

def test_a_double_submit_makes_one_harvest(client, db, login, place, products, create_farmer):
    login(create_farmer())
    page = client.get(NEW).get_data(as_text=True)
    data = {**tokens(page), **harvest_form(place, products)}
    first = client.post(NEW, data=data)
    second = client.post(NEW, data=data)
    assert first.status_code == 302 and "/harvests/" in first.headers["Location"]
    assert second.status_code == 302 and second.headers["Location"].endswith("/harvests/")
    assert "This form was already sent" in client.get("/harvests/?lang=en").get_data(as_text=True)
    assert len(all_harvests(db)) == 1
    # A fresh form (a new nonce) posts a second harvest, as it should.
    assert send(client, harvest_form(place, products, expected_kg="1800")).status_code == 302
    assert len(all_harvests(db)) == 2


def test_a_form_without_its_nonce_is_not_saved(client, db, login, place, products, create_farmer):
    login(create_farmer())
    resp = client.post(NEW, data={"csrf_token": csrf_token(client, NEW), **harvest_form(place, products)})
    assert resp.status_code == 400 and all_harvests(db) == []
    # The page it comes back on carries a fresh nonce, so sending it again works.
    assert resend(client, resp, harvest_form(place, products)).status_code == 302
    assert len(all_harvests(db)) == 1


# --- edit and withdraw ----------------------------------------------------------------------

def test_edit_while_open_only(client, db, login, place, products, create_farmer, create_harvest):
    farmer = login(create_farmer())
    harvest = create_harvest(farmer)
    url = f"/harvests/{harvest.id}/edit?lang=en"
    page = client.get(url).get_data(as_text=True)
    assert 'value="2000"' in page and 'value="20.0"' in page
    resp = send(client, harvest_form(place, products, expected_kg="2500", variety="裕民无刺"), url=url)
    assert resp.status_code == 302
    db.session.refresh(harvest)
    assert (harvest.expected_kg, harvest.variety) == (2500, "裕民无刺")
    bad = send(client, harvest_form(place, products, area_mu="0"), url=url)
    assert bad.status_code == 400 and "The area must be more than zero." in beside(bad.get_data(as_text=True), "area_mu")

    matched = create_harvest(farmer, status="partly_matched")
    blocked = client.get(f"/harvests/{matched.id}/edit?lang=en")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith(f"/harvests/{matched.id}")
    shown = client.get(blocked.headers["Location"]).get_data(as_text=True)
    assert "can no longer be edited" in shown and f"/harvests/{matched.id}/edit" not in shown
    token = csrf_token(client, f"/harvests/{matched.id}")
    resp = client.post(f"/harvests/{matched.id}/edit", data={"csrf_token": token, **harvest_form(place, products)})
    assert resp.status_code == 302
    db.session.refresh(matched)
    assert matched.expected_kg == 2000


def test_withdraw_needs_a_reason(client, db, login, create_farmer, create_harvest):
    farmer = login(create_farmer())
    harvest = create_harvest(farmer)
    url = f"/harvests/{harvest.id}"
    token = csrf_token(client, url)
    empty = client.post(f"{url}/withdraw?lang=en", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 400 and "This field is required." in beside(empty.get_data(as_text=True), "reason")
    no_csrf = client.post(f"{url}/withdraw", data={"reason": "冰雹"})
    assert no_csrf.status_code == 400
    db.session.refresh(harvest)
    assert harvest.status == "open"
    done = client.post(f"{url}/withdraw", data={"csrf_token": token, "reason": "冰雹打了一半"})
    assert done.status_code == 302
    db.session.refresh(harvest)
    assert (harvest.status, harvest.withdraw_reason) == ("withdrawn", "冰雹打了一半")
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "Withdrawn" in page and "冰雹打了一半" in page
    assert f"{url}/edit" not in page and f"{url}/withdraw" not in page
    twice = client.post(f"{url}/withdraw?lang=en", data={"csrf_token": token, "reason": "again"})
    assert twice.status_code == 400 and "no longer possible" in twice.get_data(as_text=True)


def test_manager_edits_and_withdraws_for_a_member_on_record(client, db, login, place, products, create_coop,
                                                            create_farmer, add_member, create_harvest):
    manager = create_coop()
    farmer = create_farmer()
    add_member(manager, farmer)
    harvest = create_harvest(farmer)
    login(manager)
    url = f"/harvests/{harvest.id}"
    assert send(client, harvest_form(place, products, expected_kg="1900"), url=f"{url}/edit").status_code == 302
    token = csrf_token(client, url)
    assert client.post(f"{url}/withdraw", data={"csrf_token": token, "reason": "社员改种小麦"}).status_code == 302
    acts = db.session.scalars(sa.select(ActionRecord).order_by(ActionRecord.id)).all()
    assert [(a.actor_id, a.on_behalf_of_id, a.action) for a in acts] == [
        (manager.id, farmer.id, "edit_harvest"), (manager.id, farmer.id, "withdraw_harvest")]


# --- nobody sees someone else's harvest ------------------------------------------------------

def test_a_farmer_never_opens_anothers_harvest(client, db, login, place, products, create_farmer, create_harvest):
    owner, other = create_farmer(name="主人"), create_farmer(name="别人")
    harvest = create_harvest(owner)
    login(other)
    url = f"/harvests/{harvest.id}"
    token = csrf_token(client, "/harvests/")
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/edit").status_code == 404
    assert client.post(f"{url}/edit", data={"csrf_token": token, **harvest_form(place, products)}).status_code == 404
    assert client.post(f"{url}/withdraw", data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert client.get("/harvests/99999999").status_code == 404
    assert f"/harvests/{harvest.id}" not in client.get("/harvests/").get_data(as_text=True)
    db.session.refresh(harvest)
    assert (harvest.status, harvest.expected_kg) == ("open", 2000)


def test_a_manager_never_opens_another_coops_member(client, db, login, place, products, create_coop, create_farmer,
                                                    add_member, create_harvest):
    mine, theirs = create_coop(), create_coop()
    farmer = create_farmer(name="别社社员")
    add_member(theirs, farmer)
    harvest = create_harvest(farmer)
    login(mine)
    url = f"/harvests/{harvest.id}"
    token = csrf_token(client, "/harvests/")
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/edit").status_code == 404
    assert client.post(f"{url}/withdraw", data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert "别社社员" not in client.get("/harvests/").get_data(as_text=True)
    assert "别社社员" not in client.get("/harvests/export.csv").get_data(as_text=True)
    db.session.refresh(harvest)
    assert harvest.status == "open"
