"""Settlement pages: an advance and a settlement through the forms, once each; the statement and invoices;
strangers get 404."""
from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.models import Advance, Delivery, Grade, Invoice, SettlementLine
from marketplace.services import deliveries as weighing
from marketplace.services.contracts import sign_contract
from tests.conftest import csrf_token, nonce_of, signing

LOCALES = ("zh_Hans", "ug", "kk_Arab", "kk_Cyrl", "en")


@pytest.fixture
def delivered(app, db, contract_of):
    """The contract signed by both, and 300 kg of grade 1 weighed within its window."""
    c = contract_of["contract"]
    with app.app_context():
        sign_contract(contract_of["farmer"], c.id, signing())
        sign_contract(contract_of["buyer"], c.id, signing())
        start, _end = weighing.window_of(c)
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == c.order.product_id, Grade.rank == 1))
        weighing.record_delivery(contract_of["manager"], c.id, weighing.DeliveryInput(
            310_000, 10_000, 800, 300, grade.id, "质检员", start), start)
        db.session.commit()
    return contract_of


def test_an_advance_through_the_form_once(client, db, auth, delivered):
    c = delivered["contract"]
    auth.login(delivered["manager"].email)
    page = client.get(f"/settlement/advances/new/{c.id}?lang=ug").get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, f"/settlement/advances/new/{c.id}"), "nonce": nonce_of(page),
            "kind": "seed", "amount": "300", "given_on": date.today().isoformat()}
    for bad in ({"amount": "-1"}, {"amount": "abc"}, {"amount": ""}, {"kind": "tractor"}, {"amount": "1" * 20}):
        assert client.post(f"/settlement/advances/new/{c.id}", data={**form, **bad}).status_code == 400, bad
    assert client.post(f"/settlement/advances/new/{c.id}", data=form).status_code == 302
    assert client.post(f"/settlement/advances/new/{c.id}", data=form).status_code == 409  # a double click
    assert db.session.scalar(sa.select(sa.func.count(Advance.id))) == 1


def test_preview_then_post_once_and_read_the_statement(client, db, auth, delivered):
    c = delivered["contract"]
    auth.login(delivered["manager"].email)
    preview = client.get(f"/settlement/preview?contract={c.id}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'name="post"' in html
    assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id))) == 0
    data = {"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html), "proposal_id": c.proposal_id}
    resp = client.post("/settlement/post", data=data)
    assert resp.status_code == 302 and "/settlement/runs/" in resp.headers["Location"]
    assert client.post("/settlement/post", data=data).status_code == 409
    again = client.get(f"/settlement/preview?contract={c.id}").get_data(as_text=True)
    assert 'name="post"' not in again  # nothing new to settle
    assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id))) == 1
    assert client.get(resp.headers["Location"]).status_code == 200
    auth.logout()
    auth.login(delivered["farmer"].phone)
    for lang in LOCALES:
        body = client.get(f"/settlement/statement/{c.id}?lang={lang}")
        assert body.status_code == 200
    # 300 kg × 6.50 = 1,950.00 less the fee (39.00) and the levy (19.50): 1,891.50 net
    assert "1,891.50" in client.get(f"/settlement/statement/{c.id}?lang=en").get_data(as_text=True)
    auth.logout()
    auth.login(delivered["buyer"].email)
    invoices = client.get("/settlement/").get_data(as_text=True)
    invoice = db.session.scalar(sa.select(Invoice))
    assert invoice.number in invoices and invoice.amount_fen == 195_000


def test_a_period_preview_and_bad_periods(client, db, auth, delivered):
    auth.login(delivered["manager"].email)
    day = db.session.scalar(sa.select(Delivery.delivered_on))
    assert client.get(f"/settlement/preview?start={day}&end={day}").status_code == 200
    assert client.get("/settlement/preview?start=2026-13-01&end=x").status_code == 400
    assert client.get(f"/settlement/preview?start={day}&end=2000-01-01").status_code == 409


def test_a_disputed_delivery_blocks_the_preview(client, db, auth, app, delivered):
    c = delivered["contract"]
    with app.app_context():
        d = db.session.scalar(sa.select(Delivery))
        weighing.dispute_delivery(delivered["farmer"], d.id, "秤不准")
        db.session.commit()
    auth.login(delivered["manager"].email)
    resp = client.get(f"/settlement/preview?contract={c.id}")
    assert resp.status_code == 409 and 'name="post"' not in resp.get_data(as_text=True)


def test_strangers_get_404(client, db, auth, delivered, create_farmer, create_coop, create_processor):
    c = delivered["contract"]
    for outsider in (create_farmer(), create_coop(), create_processor()):
        auth.login(outsider.email or outsider.phone)
        assert client.get(f"/settlement/statement/{c.id}").status_code == 404
        if outsider.role == "coop_manager":
            assert client.get(f"/settlement/advances/new/{c.id}").status_code == 404
            assert client.get(f"/settlement/preview?contract={c.id}").status_code == 404
        auth.logout()


def test_a_bank_transfer_through_the_invoice_page(client, db, auth, delivered, create_coop, create_processor):
    c = delivered["contract"]
    auth.login(delivered["manager"].email)
    html = client.get(f"/settlement/preview?contract={c.id}").get_data(as_text=True)
    client.post("/settlement/post", data={"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html),
                                          "proposal_id": c.proposal_id})
    invoice = db.session.scalar(sa.select(Invoice))
    page = client.get(f"/settlement/invoices/{invoice.id}?lang=kk_Arab").get_data(as_text=True)
    assert 'value="1950.00"' in page
    form = {"csrf_token": csrf_token(client, f"/settlement/invoices/{invoice.id}"), "nonce": nonce_of(page),
            "amount": "1950.00", "reference": "ICBC-77", "received_on": date.today().isoformat()}
    for bad in ({"amount": "1950.01"}, {"reference": ""}, {"amount": "x"}, {"received_on": "2999-01-01"}):
        assert client.post(f"/settlement/invoices/{invoice.id}/bank-transfer", data={**form, **bad}).status_code \
            in (400, 409), bad
    assert client.post(f"/settlement/invoices/{invoice.id}/bank-transfer", data=form).status_code == 302
    assert client.post(f"/settlement/invoices/{invoice.id}/bank-transfer", data=form).status_code == 409
    db.session.refresh(invoice)
    assert invoice.status == "paid"
    auth.logout()
    auth.login(delivered["buyer"].email)
    assert "ICBC-77" in client.get(f"/settlement/invoices/{invoice.id}").get_data(as_text=True)
    auth.logout()
    for outsider in (create_coop(), create_processor()):
        auth.login(outsider.email)
        assert client.get(f"/settlement/invoices/{invoice.id}").status_code == 404
        auth.logout()


@pytest.fixture
def delivered_today(app, db, contract_of):
    """Signed by both, and 300 kg weighed today (outside the window, confirmed), so this year has volume."""
    c = contract_of["contract"]
    with app.app_context():
        sign_contract(contract_of["farmer"], c.id, signing())
        sign_contract(contract_of["buyer"], c.id, signing())
        grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == c.order.product_id, Grade.rank == 1))
        weighing.record_delivery(contract_of["manager"], c.id, weighing.DeliveryInput(
            310_000, 10_000, 800, 300, grade.id, "质检员", date.today(), confirm_warning=True), date.today())
        db.session.commit()
    return contract_of


def test_the_year_end_surplus_previewed_and_posted_once(client, db, auth, delivered_today):
    from marketplace.domain.ledger import AccountRef
    from marketplace.models import SurplusDistribution
    from marketplace.services import ledger

    delivered = delivered_today
    c = delivered["contract"]
    auth.login(delivered["manager"].email)
    html = client.get(f"/settlement/preview?contract={c.id}").get_data(as_text=True)
    client.post("/settlement/post", data={"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html),
                                          "proposal_id": c.proposal_id})
    year = date.today().year
    assert client.get(f"/settlement/surplus?year={year + 1}&surplus=1&volume_pct=60").status_code == 400
    assert client.get("/settlement/surplus?lang=kk_Cyrl").status_code == 200
    query = f"year={year}&surplus=400000&losses=0&reserve_pct=10&volume_pct=59&subsidy_assets=0"
    assert client.get(f"/settlement/surplus?{query}").status_code == 400  # below the law's 60 %
    page = client.get("/settlement/surplus?" + query.replace("volume_pct=59", "volume_pct=70"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="post"' in html
    data = {"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html), "year": year,
            "surplus": "400000", "losses": "0", "reserve_pct": "10", "volume_pct": "70", "subsidy_assets": "0"}
    assert client.post("/settlement/surplus", data=data).status_code == 302
    assert client.post("/settlement/surplus", data=data).status_code == 409
    d = db.session.scalar(sa.select(SurplusDistribution))
    assert (d.reserve_fen, d.distributable_fen) == (4_000_000, 36_000_000)
    member = ledger.balance(AccountRef("member_account", delivered["farmer"].id))
    assert member > 0 and ledger.check_ledger().ok


def test_the_rebate_page_previews_and_refuses_what_it_cannot_share(client, db, auth, delivered):
    auth.login(delivered["buyer"].email)
    for lang in LOCALES:
        assert client.get(f"/settlement/rebates?lang={lang}").status_code == 200
    season = date.today().year
    resp = client.get(f"/settlement/rebates?season={season}&pool=1000")
    assert resp.status_code == 400 and 'name="declare"' not in resp.get_data(as_text=True)  # no rebate contracts
    assert client.get(f"/settlement/rebates?season={season}&pool=-1").status_code == 400
    assert client.get("/settlement/rebates?season=abc&pool=1").status_code == 400
    token = csrf_token(client, "/settlement/")
    assert client.post("/settlement/rebates", data={"csrf_token": token, "season": season, "pool": "1000"}
                       ).status_code == 409  # no one-time token: nothing declared


def settle_and_prepare(client, db, auth, delivered, **membership) -> tuple[str, str]:
    """The manager settles the contract, the member's payout details are set, and a batch is prepared; the
    payouts page's CSRF token and HTML."""
    from marketplace.models import Membership

    c, m = delivered["contract"], delivered["manager"]
    auth.login(m.email)
    html = client.get(f"/settlement/preview?contract={c.id}").get_data(as_text=True)
    client.post("/settlement/post", data={"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html),
                                          "proposal_id": c.proposal_id})
    member = db.session.scalar(sa.select(Membership).where(Membership.farmer_id == c.farmer_id))
    for key, value in membership.items():
        setattr(member, key, value)
    db.session.commit()
    page = client.get("/settlement/payouts?lang=ug").get_data(as_text=True)
    token = csrf_token(client, "/settlement/payouts")
    assert client.post("/settlement/payouts/prepare", data={"csrf_token": token, "nonce": nonce_of(page)}
                       ).status_code == 302
    return token, page


def test_payouts_prepared_by_one_manager_and_approved_by_another(client, db, auth, app, delivered):
    from werkzeug.security import generate_password_hash

    from marketplace.domain.ledger import AccountRef
    from marketplace.models import Membership, PayoutBatch, User
    from marketplace.services import ledger

    c, m = delivered["contract"], delivered["manager"]
    token, page = settle_and_prepare(client, db, auth, delivered, payout_account="6222021234567890")
    assert client.post("/settlement/payouts/prepare", data={"csrf_token": token, "nonce": nonce_of(page)}
                       ).status_code == 409
    batch = db.session.scalar(sa.select(PayoutBatch))
    body = client.get(f"/settlement/payouts/{batch.id}").get_data(as_text=True)
    assert 'name="approve"' not in body  # the preparer cannot approve
    assert client.post(f"/settlement/payouts/{batch.id}/decide", data={"csrf_token": token, "approve": "1"}
                       ).status_code == 303
    assert client.get(f"/settlement/payouts/{batch.id}/bank-file.csv").status_code == 404
    auth.logout()
    other = User(role="coop_manager", status="active", name="副主任", email="second@example.com", locale="kk_Arab",
                 password_hash=generate_password_hash("correct-horse-9", method="pbkdf2:sha256:1000"),
                 cooperative_id=m.cooperative_id)
    db.session.add(other)
    db.session.commit()
    auth.login("second@example.com")
    body = client.get(f"/settlement/payouts/{batch.id}").get_data(as_text=True)
    assert 'name="approve"' in body
    token = csrf_token(client, f"/settlement/payouts/{batch.id}")
    assert client.post(f"/settlement/payouts/{batch.id}/decide", data={"csrf_token": token, "approve": "1"}
                       ).status_code == 302
    db.session.refresh(batch)
    assert batch.status == "approved" and ledger.balance(AccountRef("farmer_payable", c.farmer_id)) == 0
    csv_text = client.get(f"/settlement/payouts/{batch.id}/bank-file.csv").get_data(as_text=True)
    assert "6222021234567890" in csv_text and "1891.50" in csv_text
    assert ledger.check_ledger().ok


def test_the_statement_pdf_is_in_the_farmers_language(client, db, auth, delivered):
    import io
    import unicodedata

    from pypdf import PdfReader

    c = delivered["contract"]
    delivered["farmer"].locale = "kk_Cyrl"
    db.session.commit()
    auth.login(delivered["manager"].email)
    html = client.get(f"/settlement/preview?contract={c.id}").get_data(as_text=True)
    client.post("/settlement/post", data={"csrf_token": csrf_token(client, "/settlement/"), "nonce": nonce_of(html),
                                          "proposal_id": c.proposal_id})
    # The manager reads in Chinese; the statement is in the farmer's language.
    resp = client.get(f"/settlement/statement/{c.id}/statement.pdf?lang=zh_Hans")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages))
    digits = "".join(ch for ch in text if ch.isdigit())
    assert c.number in text and "189150" in digits  # the net, 1,891.50, however the locale groups it
    assert any("\u0400" <= ch <= "\u04ff" for ch in text)  # Kazakh in Cyrillic, whatever the page's language


def test_a_stripe_payout_that_did_not_go_through_waits_on_the_page_and_is_sent_again(client, db, auth, app,
                                                                                    delivered, monkeypatch,
                                                                                    create_coop):
    from werkzeug.security import generate_password_hash

    from marketplace.models import Membership, PayoutBatch, PayoutItem, User
    from marketplace.services import ledger
    from tests.stripe_connect import FakeConnect

    fake = FakeConnect(balance_fen=10_000_000, accounts={"acct_1MemberSafflower"})
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_connect")
    monkeypatch.setitem(app.extensions, "stripe_http_client", fake)
    m = delivered["manager"]
    settle_and_prepare(client, db, auth, delivered, stripe_account="acct_1MemberSafflower")
    batch = db.session.scalar(sa.select(PayoutBatch))
    auth.logout()
    db.session.add(User(role="coop_manager", status="active", name="副主任", email="second@example.com", locale="ug",
                        password_hash=generate_password_hash("correct-horse-9", method="pbkdf2:sha256:1000"),
                        cooperative_id=m.cooperative_id))
    db.session.commit()
    auth.login("second@example.com")
    token = csrf_token(client, f"/settlement/payouts/{batch.id}")
    fake.fail("500", "500", "500")
    resp = client.post(f"/settlement/payouts/{batch.id}/decide?lang=en", data={"csrf_token": token, "approve": "1"},
                       follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "did not go through yet" in body
    assert "Approved; Stripe transfers still to be made" in body and "Approved and paid" not in body
    assert "Stripe did not answer" in body and 'name="retry"' in body
    assert db.session.scalar(sa.select(PayoutItem.status)) == "pending" and fake.transfers == {}
    # Another co-op's manager may not send it.
    auth.logout()
    auth.login(create_coop().email)
    assert client.post(f"/settlement/payouts/{batch.id}/transfers",
                       data={"csrf_token": csrf_token(client, "/dashboard")}).status_code == 404
    auth.logout()
    auth.login("second@example.com")
    token = csrf_token(client, f"/settlement/payouts/{batch.id}")  # a new session at each login: a new token
    resp = client.post(f"/settlement/payouts/{batch.id}/transfers?lang=ug", data={"csrf_token": token},
                       follow_redirects=True)
    assert resp.status_code == 200 and 'dir="rtl"' in resp.get_data(as_text=True)
    item = db.session.scalar(sa.select(PayoutItem))
    db.session.refresh(item)
    assert item.status == "paid" and item.transfer_id in fake.transfers and len(fake.transfers) == 1
    assert item.transfer_id in client.get(f"/settlement/payouts/{batch.id}").get_data(as_text=True)
    assert client.post(f"/settlement/payouts/{batch.id}/transfers", data={"csrf_token": token}).status_code == 303
    assert len(fake.transfers) == 1 and ledger.check_ledger().ok
