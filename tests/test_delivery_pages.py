"""The deliveries pages: the co-op weighs through the form, the farmer confirms or disputes, the processor
corrects; bag labels; shortfalls; and the public trace page, which shows nothing personal."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.models import Delivery
from marketplace.services.contracts import sign_contract
from tests.conftest import csrf_token, nonce_of, signing

LOCALES = ("zh_Hans", "ug", "kk_Arab", "kk_Cyrl", "en")


@pytest.fixture
def active(app, db, contract_of):
    c = contract_of["contract"]
    with app.app_context():
        sign_contract(contract_of["farmer"], c.id, signing())
        sign_contract(contract_of["buyer"], c.id, signing())
        db.session.commit()
    return contract_of


def weigh_form(client, contract_id, **over):
    page = client.get(f"/deliveries/new/{contract_id}").get_data(as_text=True)
    grade = re.search(r'<option value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(client, f"/deliveries/new/{contract_id}"), "nonce": nonce_of(page),
            "delivered_on": date.today().isoformat(), "gross_kg": "310", "tare_kg": "10", "moisture_pct": "8",
            "impurity_pct": "3", "grade_id": grade, "graded_by": "质检员 古丽", "confirm_warning": "y"}
    data.update(over)
    return data


def test_a_manager_finds_the_contract_and_records_once(client, db, auth, active):
    c = active["contract"]
    auth.login(active["manager"].email)
    for q in (c.number, active["farmer"].phone[3:], active["farmer"].name):
        body = client.get(f"/deliveries/new?q={q}").get_data(as_text=True)
        assert f"/deliveries/new/{c.id}" in body, q
    data = weigh_form(client, c.id)
    resp = client.post(f"/deliveries/new/{c.id}", data=data)
    assert resp.status_code == 302
    again = client.post(f"/deliveries/new/{c.id}", data=data)  # a double click or a resend
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1
    d = db.session.scalar(sa.select(Delivery))
    assert (d.gross_grams, d.tare_grams, d.moisture_bp, d.settlement_grams) == (310_000, 10_000, 800, 300_000)


@pytest.mark.parametrize("over", [
    {"tare_kg": "400"}, {"moisture_pct": "101"}, {"impurity_pct": "-1"}, {"gross_kg": "abc"},
    {"gross_kg": "9" * 40}, {"gross_kg": "12.34"}, {"grade_id": "999999"}, {"graded_by": ""},
    {"delivered_on": "2999-01-01"}, {"gross_kg": "200000"},
])
def test_bad_readings_are_refused_with_a_message(client, db, auth, active, over):
    auth.login(active["manager"].email)
    resp = client.post(f"/deliveries/new/{active['contract'].id}", data=weigh_form(client, active["contract"].id,
                                                                                    **over))
    assert resp.status_code == 400, over
    assert 'class="error"' in resp.get_data(as_text=True) or "form-errors" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0


def test_a_delivery_outside_the_window_asks_for_confirmation(client, db, auth, active):
    c = active["contract"]
    auth.login(active["manager"].email)
    resp = client.post(f"/deliveries/new/{c.id}", data=weigh_form(client, c.id, confirm_warning=""))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'name="confirm_warning"' in html
    data = weigh_form(client, c.id)
    data["nonce"] = nonce_of(html)  # the re-shown form carries a fresh token
    assert client.post(f"/deliveries/new/{c.id}", data=data).status_code == 302


def record(client, auth, active, **over):
    auth.login(active["manager"].email)
    client.post(f"/deliveries/new/{active['contract'].id}", data=weigh_form(client, active["contract"].id, **over))
    auth.logout()


def test_the_farmer_confirms_and_strangers_get_404(client, db, auth, active, create_farmer, create_coop,
                                                    create_processor):
    record(client, auth, active)
    d = db.session.scalar(sa.select(Delivery))
    for outsider in (create_farmer(), create_coop(), create_processor()):
        auth.login(outsider.email or outsider.phone)
        token = csrf_token(client, "/dashboard")
        for url in (f"/deliveries/{d.id}", f"/deliveries/{d.id}/label", f"/deliveries/{d.id}/correct"):
            assert client.get(url).status_code in (403, 404), (outsider.role, url)
        for url in ("confirm", "dispute", "reject-dispute"):
            resp = client.post(f"/deliveries/{d.id}/{url}", data={"csrf_token": token, "reason": "x"})
            assert resp.status_code in (403, 404), (outsider.role, url)
        assert client.get(f"/deliveries/new/{active['contract'].id}").status_code in (403, 404)
        auth.logout()
    auth.login(active["farmer"].phone)
    page = client.get(f"/deliveries/{d.id}?lang=ug").get_data(as_text=True)
    assert 'name="confirm"' in page and '<html lang="ug" dir="rtl">' in page
    token = csrf_token(client, f"/deliveries/{d.id}")
    assert client.post(f"/deliveries/{d.id}/confirm", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/deliveries/{d.id}/confirm", data={"csrf_token": token}).status_code == 409
    db.session.refresh(d)
    assert d.state == "confirmed"


def test_dispute_then_the_processor_corrects(client, db, auth, active):
    record(client, auth, active, moisture_pct="12")
    d = db.session.scalar(sa.select(Delivery))
    auth.login(active["farmer"].phone)
    token = csrf_token(client, f"/deliveries/{d.id}")
    assert client.post(f"/deliveries/{d.id}/dispute", data={"csrf_token": token, "reason": ""}).status_code == 400
    assert client.post(f"/deliveries/{d.id}/dispute", data={"csrf_token": token,
                                                            "reason": "水分仪不准"}).status_code == 302
    auth.logout()
    auth.login(active["buyer"].email)
    page = client.get(f"/deliveries/{d.id}/correct")
    assert page.status_code == 200 and 'value="12"' in page.get_data(as_text=True)
    form_html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, f"/deliveries/{d.id}/correct"), "nonce": nonce_of(form_html),
            "delivered_on": d.delivered_on.isoformat(), "gross_kg": "310", "tare_kg": "10", "moisture_pct": "8",
            "impurity_pct": "3", "grade_id": str(d.grade_id), "graded_by": "复检 马师傅"}
    resp = client.post(f"/deliveries/{d.id}/correct", data=data)
    assert resp.status_code == 302
    db.session.refresh(d)
    new = db.session.scalar(sa.select(Delivery).where(Delivery.corrects_id == d.id))
    assert d.state == "superseded" and new.settlement_grams == 300_000 and new.graded_by == "复检 马师傅"
    assert "/deliveries/%d" % new.id in client.get(f"/deliveries/{d.id}").get_data(as_text=True)


def test_trace_page_is_public_counts_and_shows_nothing_personal(client, db, auth, active):
    record(client, auth, active)
    d = db.session.scalar(sa.select(Delivery))
    resp = client.get(f"/trace/{d.lot_code}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and active["contract"].fingerprint[:12] in html
    farmer = active["farmer"]
    for personal in (farmer.name, farmer.phone, farmer.phone[3:], farmer.farmer.village):
        assert personal not in html
    client.get(f"/trace/{d.lot_code.lower()}")
    db.session.refresh(d)
    assert d.scan_count == 2
    forged = d.lot_code[:-1] + ("0" if d.lot_code[-1] != "0" else "1")
    assert client.get(f"/trace/{forged}").status_code == 404
    assert client.get("/trace/ABC").status_code == 400
    assert client.get("/trace/ABCD-EFGH-JKU!").status_code == 400
    assert client.get("/trace?code=%20" + d.lot_code.lower()).status_code == 302
    for lang in LOCALES:
        assert client.get(f"/trace/{d.lot_code}?lang={lang}").status_code == 200


def test_label_and_shortfalls_for_the_co_op_and_the_processor(client, db, auth, active):
    record(client, auth, active)
    d = db.session.scalar(sa.select(Delivery))
    for who in ("manager", "buyer"):
        user = active[who]
        auth.login(user.email)
        label = client.get(f"/deliveries/{d.id}/label")
        assert label.status_code == 200 and "<svg" in label.get_data(as_text=True)
        for lang in LOCALES:
            assert client.get(f"/deliveries/shortfalls?lang={lang}").status_code == 200
            assert client.get(f"/deliveries/?lang={lang}").status_code == 200
            assert client.get(f"/deliveries/{d.id}?lang={lang}").status_code == 200
        auth.logout()
    auth.login(active["manager"].email)
    for lang in LOCALES:
        assert client.get(f"/deliveries/new/{active['contract'].id}?lang={lang}").status_code == 200
    assert client.get("/deliveries/new?q=" + "x" * 200).status_code == 400
