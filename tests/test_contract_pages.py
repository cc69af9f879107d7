"""The contract pages: each party reads, signs, withdraws, amends and cancels in the browser's forms; third
parties get 404 on every contract route; the public verification shows only non-personal facts."""
import csv
import io

import pytest
import sqlalchemy as sa

from marketplace.models import Contract, Signature
from marketplace.services.contracts import sign_contract
from tests.conftest import PASSWORD, csrf_token, signing


@pytest.fixture
def as_party(client, auth, contract_of):
    """Log in as one side of the contract and get a CSRF token from its page."""
    def login_as(who: str):
        user = contract_of[who]
        assert auth.login(user.email or user.phone).status_code == 302
        return csrf_token(client, f"/contracts/{contract_of['contract'].id}")
    return login_as


def contract_urls(cid: int) -> list[tuple[str, str]]:
    return [("GET", f"/contracts/{cid}"), ("GET", f"/contracts/{cid}/contract.pdf"),
            ("GET", f"/contracts/{cid}/amend"), ("POST", f"/contracts/{cid}/sign"),
            ("POST", f"/contracts/{cid}/withdraw"), ("POST", f"/contracts/{cid}/amend"),
            ("POST", f"/contracts/{cid}/cancel"), ("POST", f"/contracts/{cid}/cancel/answer")]


def sign_now(app, db, actor, contract):
    with app.app_context():  # only for the setup: each request pushes its own
        sign_contract(actor, contract.id, signing())
        db.session.commit()


def test_third_parties_get_404_on_every_contract_route(app, client, auth, db, contract_of, create_farmer,
                                                       create_coop, create_processor):
    c = contract_of["contract"]
    sign_now(app, db, contract_of["farmer"], c)
    for outsider in (create_farmer(), create_coop(), create_processor()):
        auth.login(outsider.email or outsider.phone)
        token = csrf_token(client, "/dashboard")
        for method, url in contract_urls(c.id):
            data = {"csrf_token": token, "password": PASSWORD, "consent": "y", "fingerprint": c.fingerprint,
                    "reason": "x", "agree": "1", "kg": "10"}
            resp = client.get(url) if method == "GET" else client.post(url, data=data)
            assert resp.status_code == 404, (outsider.role, method, url)
        assert c.fingerprint not in client.get("/contracts/").get_data(as_text=True)
        auth.logout()
    db.session.refresh(c)
    assert c.status == "awaiting_signatures"
    assert db.session.scalar(sa.select(sa.func.count(Signature.id)).where(Signature.contract_id == c.id)) == 1


def test_a_farmer_signs_in_uyghur_after_a_wrong_password(client, db, as_party, contract_of):
    token = as_party("farmer")
    c = contract_of["contract"]
    form = {"csrf_token": token, "fingerprint": c.fingerprint, "consent": "y", "password": "wrong"}
    resp = client.post(f"/contracts/{c.id}/sign?lang=ug", data=form)
    assert resp.status_code == 400 and '<html lang="ug" dir="rtl">' in resp.get_data(as_text=True)
    resp = client.post(f"/contracts/{c.id}/sign", data={**form, "password": PASSWORD, "consent": ""})
    assert resp.status_code == 400
    resp = client.post(f"/contracts/{c.id}/sign", data={**form, "password": PASSWORD})
    assert resp.status_code == 302
    db.session.refresh(c)
    assert c.status == "awaiting_signatures"
    again = client.post(f"/contracts/{c.id}/sign", data={**form, "password": PASSWORD})  # a double click
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Signature.id)).where(Signature.contract_id == c.id)) == 1


def test_a_stale_page_cannot_sign_another_fingerprint(client, db, as_party, contract_of):
    token = as_party("buyer")
    c = contract_of["contract"]
    resp = client.post(f"/contracts/{c.id}/sign", data={"csrf_token": token, "fingerprint": "0" * 64,
                                                        "consent": "y", "password": PASSWORD})
    assert resp.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 0


def test_a_manager_signs_for_a_member_only_with_consent_and_witness(client, db, as_party, contract_of):
    token = as_party("manager")
    c = contract_of["contract"]
    form = {"csrf_token": token, "fingerprint": c.fingerprint, "consent": "y", "password": PASSWORD}
    body = client.get(f"/contracts/{c.id}").get_data(as_text=True)
    assert 'name="consent_method"' in body and 'name="witness"' in body
    assert client.post(f"/contracts/{c.id}/sign", data=form).status_code == 400
    resp = client.post(f"/contracts/{c.id}/sign", data={**form, "consent_method": "phone_witness",
                                                        "witness": "村委会 王书记"})
    assert resp.status_code == 302
    sig = db.session.scalar(sa.select(Signature).where(Signature.contract_id == c.id))
    assert (sig.consent_method, sig.witness, sig.signed_by_id) == ("phone_witness", "村委会 王书记",
                                                                   contract_of["manager"].id)


def test_withdraw_needs_a_reason_and_then_nothing_can_be_signed(client, db, as_party, contract_of):
    token = as_party("buyer")
    c = contract_of["contract"]
    assert client.post(f"/contracts/{c.id}/withdraw", data={"csrf_token": token, "reason": ""}).status_code == 400
    assert client.post(f"/contracts/{c.id}/withdraw", data={"csrf_token": token, "reason": "停产"}).status_code == 302
    db.session.refresh(c)
    assert c.status == "cancelled" and c.cancel_reason == "停产"
    resp = client.post(f"/contracts/{c.id}/sign", data={"csrf_token": token, "fingerprint": c.fingerprint,
                                                        "consent": "y", "password": PASSWORD})
    assert resp.status_code == 409


@pytest.fixture
def active(app, db, contract_of):
    c = contract_of["contract"]
    sign_now(app, db, contract_of["farmer"], c)
    sign_now(app, db, contract_of["buyer"], c)
    return contract_of


def test_an_amendment_through_the_form(client, db, as_party, active):
    token = as_party("buyer")
    c = active["contract"]
    assert client.get(f"/contracts/{c.id}/amend?lang=kk_Arab").status_code == 200
    d = c.terms["delivery"]
    base = {"csrf_token": token, "kg": "1001", "delivery_start": d["start"], "delivery_end": d["end"]}
    for rank, fen in c.terms["price_terms"]["prices"].items():
        base[f"price_{rank}"] = f"{fen / 100:.2f}"
    for bad in ({"kg": "1001"}, {"kg": "-3"}, {"kg": "abc"}, {"kg": "9" * 30}, {"price_1": "-1"}, {"price_1": ""},
                {"delivery_end": "2000-01-01"}, {"kg": str(c.kg)}):
        resp = client.post(f"/contracts/{c.id}/amend", data={**base, **bad})
        assert resp.status_code == 400, bad
    resp = client.post(f"/contracts/{c.id}/amend", data={**base, "kg": "700"})
    assert resp.status_code == 302
    new = db.session.scalar(sa.select(Contract).where(Contract.amends_id == c.id))
    assert resp.headers["Location"].endswith(f"/contracts/{new.id}") and new.kg == 700
    # A second proposal while one is pending is refused; the page of the old version links to the change.
    assert client.post(f"/contracts/{c.id}/amend", data={**base, "kg": "600"}).status_code == 409
    assert f"/contracts/{new.id}" in client.get(f"/contracts/{c.id}").get_data(as_text=True)


def test_cancellation_through_the_forms(client, db, auth, as_party, active):
    token = as_party("farmer")
    c = active["contract"]
    assert client.post(f"/contracts/{c.id}/cancel", data={"csrf_token": token, "reason": ""}).status_code == 400
    assert client.post(f"/contracts/{c.id}/cancel", data={"csrf_token": token, "reason": "冰雹"}).status_code == 302
    assert client.post(f"/contracts/{c.id}/cancel/answer", data={"csrf_token": token, "agree": "1"}).status_code == 409
    auth.logout()
    token = as_party("buyer")
    assert client.post(f"/contracts/{c.id}/cancel/answer", data={"csrf_token": token}).status_code == 400
    assert client.post(f"/contracts/{c.id}/cancel/answer", data={"csrf_token": token, "agree": "1"}).status_code == 302
    db.session.refresh(c)
    assert c.status == "cancelled"


def test_the_verification_page_shows_facts_but_nothing_personal(client, db, active):
    c = active["contract"]
    body = client.get(f"/verify/{c.fingerprint}").get_data(as_text=True)
    assert c.fingerprint in body and "1,000" in body
    for personal in (active["farmer"].name, active["farmer"].phone, c.terms["processor"]["name"]):
        assert personal not in body
    assert client.get(f"/verify/{c.fingerprint.upper()}").status_code == 200
    assert client.get("/verify/" + "0" * 64).status_code == 404
    assert client.get("/verify/not-a-fingerprint").status_code == 400
    assert client.get("/verify?fingerprint=xyz").status_code == 400
    resp = client.get(f"/verify?fingerprint=+{c.fingerprint}+")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/verify/{c.fingerprint}")
    for lang in ("ug", "kk_Arab", "kk_Cyrl", "zh_Hans", "en"):
        assert client.get(f"/verify/{c.fingerprint}?lang={lang}").status_code == 200


def test_processor_csv_lists_its_contracts_only(client, db, auth, active, create_processor):
    c = active["contract"]
    auth.login(active["buyer"].email)
    resp = client.get("/contracts/export.csv?status=active")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert resp.status_code == 200 and len(rows) == 2 and rows[1][0] == c.number and c.fingerprint in rows[1]
    assert client.get("/contracts/export.csv?status=bogus").status_code == 400
    auth.logout()
    auth.login(create_processor().email)
    rows = list(csv.reader(io.StringIO(client.get("/contracts/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1


@pytest.mark.parametrize("lang", ["zh_Hans", "ug", "kk_Arab", "kk_Cyrl", "en"])
def test_each_party_reads_the_contract_in_every_language(client, db, auth, active, lang):
    c = active["contract"]
    for who in ("farmer", "manager", "buyer"):
        user = active[who]
        auth.login(user.email or user.phone)
        for url in ("/contracts/", f"/contracts/{c.id}", f"/contracts/{c.id}/amend"):
            resp = client.get(f"{url}?lang={lang}")
            assert resp.status_code == 200, (who, url)
            html = resp.get_data(as_text=True)
            assert f'dir="{"rtl" if lang in ("ug", "kk_Arab") else "ltr"}">' in html.split("\n")[1], (who, url)
        auth.logout()


def test_the_pdf_is_served_to_the_parties(client, db, auth, active):
    auth.login(active["farmer"].phone)
    resp = client.get(f"/contracts/{active['contract'].id}/contract.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
