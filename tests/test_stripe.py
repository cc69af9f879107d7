"""Money in through Stripe, against localstripe on 127.0.0.1: PaymentIntents in fen and CNY, webhooks verified
on the raw body, recorded once, in any order; Stripe failing leaves nothing half-done."""
import itertools
import json
import threading
import time
import pytest
import sqlalchemy as sa
import stripe

from marketplace.domain.errors import DomainError
from marketplace.domain.ledger import AccountRef
from marketplace.models import Grade, Invoice, Payment, StripeEvent
from marketplace.services import deliveries as weighing
from marketplace.services import ledger, stripe_gateway
from marketplace.services.contracts import sign_contract
from marketplace.services.settlement import Scope, post_settlement
from tests.conftest import STRIPE_WEBHOOK_SECRET as SECRET
from tests.conftest import free_port, signing


@pytest.fixture
def invoice(db, stripe_on, contract_of):
    """An open invoice of 1,950.00 yuan for 300 kg settled under the contract."""
    c = contract_of["contract"]
    sign_contract(contract_of["farmer"], c.id, signing())
    sign_contract(contract_of["buyer"], c.id, signing())
    start, _end = weighing.window_of(c)
    grade = db.session.scalar(sa.select(Grade).where(Grade.product_id == c.order.product_id, Grade.rank == 1))
    weighing.record_delivery(contract_of["manager"], c.id, weighing.DeliveryInput(
        310_000, 10_000, 800, 300, grade.id, "质检员", start), start)
    post_settlement(contract_of["manager"], Scope(proposal_id=c.proposal_id))
    db.session.commit()
    inv = db.session.scalar(sa.select(Invoice))
    return {**contract_of, "invoice": inv}


def signed(client, payload: dict, secret=SECRET, at=None):
    body = json.dumps(payload)
    ts = int(at if at is not None else time.time())
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=ts) if hasattr(
        stripe.WebhookSignature, "generate_signature_header") else None
    if header is None:
        import hashlib
        import hmac
        sig = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
        header = f"t={ts},v1={sig}"
    return client.post("/settlement/stripe/webhook", data=body, headers={"Stripe-Signature": header},
                       content_type="application/json")


def event(kind: str, intent: dict, n: int) -> dict:
    return {"id": f"evt_{intent['id']}_{n}", "object": "event", "type": kind, "api_version": "2024-06-20",
            "created": int(time.time()), "data": {"object": intent}}


def paid_intent(inv) -> dict:
    """What the processor's browser does through Stripe's element: a card on the intent, then confirm."""
    record = stripe_gateway.create_intent(inv["buyer"], inv["invoice"].id)
    api = stripe_gateway.client().v1
    card = api.payment_methods.create(params={"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    api.payment_intents.update(record.intent_id, params={"payment_method": card.id})
    return api.payment_intents.confirm(record.intent_id).to_dict()


def test_an_intent_is_in_fen_and_cny_and_reused_for_the_same_open_amount(db, invoice):
    first = stripe_gateway.create_intent(invoice["buyer"], invoice["invoice"].id)
    again = stripe_gateway.create_intent(invoice["buyer"], invoice["invoice"].id)
    assert first.id == again.id and first.amount_fen == 195_000
    remote = stripe_gateway.client().v1.payment_intents.retrieve(first.intent_id)
    assert (remote.amount, remote.currency, remote.metadata["invoice"]) == (195_000, "cny", str(invoice["invoice"].id))


def test_a_webhook_pays_the_invoice_once_even_when_sent_twice(client, db, invoice):
    intent = paid_intent(invoice)
    assert intent["status"] == "succeeded"
    ev = event("payment_intent.succeeded", intent, 1)
    first = signed(client, ev)
    assert first.status_code == 200 and first.json["duplicate"] is False
    assert signed(client, ev).json["duplicate"] is True
    db.session.expire_all()
    inv = db.session.get(Invoice, invoice["invoice"].id)
    assert inv.status == "paid" and db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    assert ledger.balance(AccountRef("stripe_clearing")) == 195_000
    assert ledger.check_ledger().ok


def test_events_in_any_order_apply_once(client, db, invoice):
    intent = paid_intent(invoice)
    created = dict(intent, status="requires_payment_method", amount_received=0)
    events = [event("payment_intent.created", created, 1), event("payment_intent.succeeded", intent, 2),
              event("charge.succeeded", {"id": "ch_1", "object": "charge", "payment_intent": intent["id"]}, 3)]
    for n, order in enumerate(itertools.permutations(events)):
        with db.session.begin_nested() as nested:
            for ev in order:
                assert stripe_gateway.handle_event(dict(ev, id=f"{ev['id']}_{n}")) is True
            assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1
            assert ledger.check_ledger().ok
            nested.rollback()


def test_a_bad_or_old_signature_records_nothing(client, db, invoice):
    intent = paid_intent(invoice)
    ev = event("payment_intent.succeeded", intent, 9)
    assert signed(client, ev, secret="whsec_wrong").status_code == 400
    assert signed(client, ev, at=time.time() - 3600).status_code == 400
    assert client.post("/settlement/stripe/webhook", data=json.dumps(ev), content_type="application/json"
                       ).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_stripe_down_means_nothing_recorded(db, invoice, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(DomainError) as err:
        stripe_gateway.create_intent(invoice["buyer"], invoice["invoice"].id)
    assert err.value.code == "stripe_unavailable"


def test_without_a_key_stripe_is_off_and_hidden(client, db, auth, app, contract_of, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    with app.app_context():
        assert stripe_gateway.enabled() is False
        with pytest.raises(DomainError) as err:
            stripe_gateway.create_intent(contract_of["buyer"], 1)
        assert err.value.code == "stripe_off"


def test_the_card_page_loads_stripe_only_there(client, db, auth, invoice):
    auth.login(invoice["buyer"].email)
    page = client.get(f"/settlement/invoices/{invoice['invoice'].id}").get_data(as_text=True)
    assert 'name="pay"' in page
    from tests.conftest import csrf_token

    resp = client.post(f"/settlement/invoices/{invoice['invoice'].id}/card",
                       data={"csrf_token": csrf_token(client, f"/settlement/invoices/{invoice['invoice'].id}")})
    assert resp.status_code == 200 and "js.stripe.com" in resp.headers["Content-Security-Policy"]
    assert "js.stripe.com" not in client.get("/dashboard").headers["Content-Security-Policy"]
    assert "<script>" not in resp.get_data(as_text=True)  # no inline script


def test_the_same_webhook_twice_at_once_applies_once(app):
    """On PostgreSQL two threads with their own connections receive the same event at the same instant."""
    import threading

    from marketplace.domain.identifiers import uscc_check_char
    from marketplace.extensions import db as _db
    from marketplace.models import Cooperative, Processor, Township
    from tests.conftest import TestScopedSession

    assert not isinstance(_db.session, TestScopedSession)
    with app.app_context():
        if _db.engine.url.get_backend_name() != "postgresql":
            pytest.skip("two connections at once need PostgreSQL")
        town = _db.session.scalar(sa.select(Township))
        coop = Cooperative(name="并发合作社", county_id=town.county_id, registration_no="CC-WEBHOOK-1")
        stem = "91654002MA7WH0001"
        proc = Processor(company_name="并发付款企业", uscc=stem + uscc_check_char(stem), county_id=town.county_id,
                         contact_name="联系人")
        _db.session.add_all([coop, proc])
        _db.session.flush()
        inv = Invoice(processor_id=proc.id, cooperative_id=coop.id, amount_fen=50_000, paid_fen=0, status="open")
        _db.session.add(inv)
        _db.session.commit()
        ids = {"coop": coop.id, "proc": proc.id, "invoice": inv.id}
    intent = {"id": "pi_concurrent_1", "object": "payment_intent", "amount": 50_000, "currency": "cny",
              "status": "succeeded", "metadata": {"invoice": str(ids["invoice"])}}
    ev = event("payment_intent.succeeded", intent, 1)
    outcomes, barrier = [], threading.Barrier(2)

    def receive():
        with app.app_context():
            barrier.wait()
            outcomes.append(stripe_gateway.handle_event(dict(ev)))
            _db.session.commit()

    try:
        threads = [threading.Thread(target=receive) for _ in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert sorted(outcomes) == [False, True]
        with app.app_context():
            assert _db.session.scalar(sa.select(sa.func.count(Payment.id)).where(
                Payment.invoice_id == ids["invoice"])) == 1
            assert _db.session.get(Invoice, ids["invoice"]).status == "paid"
            assert ledger.check_ledger().ok
    finally:
        with app.app_context():  # the ledger is append-only: lift its triggers for this clean-up only
            _db.session.execute(sa.text("SET session_replication_role = replica"))
            from marketplace.models import JournalEntry, LedgerAccount, Posting

            entry_ids = _db.session.scalars(sa.select(Payment.entry_id).where(Payment.invoice_id == ids["invoice"])).all()
            account_ids = _db.session.scalars(sa.select(Posting.account_id).where(Posting.entry_id.in_(entry_ids))).all()
            _db.session.execute(sa.delete(Payment).where(Payment.invoice_id == ids["invoice"]))
            _db.session.execute(sa.delete(Posting).where(Posting.entry_id.in_(entry_ids)))
            _db.session.execute(sa.delete(JournalEntry).where(JournalEntry.id.in_(entry_ids)))
            _db.session.execute(sa.delete(LedgerAccount).where(LedgerAccount.id.in_(account_ids)))
            _db.session.execute(sa.delete(StripeEvent).where(StripeEvent.object_id == "pi_concurrent_1"))
            _db.session.execute(sa.delete(Invoice).where(Invoice.id == ids["invoice"]))
            _db.session.execute(sa.delete(Processor).where(Processor.id == ids["proc"]))
            _db.session.execute(sa.delete(Cooperative).where(Cooperative.id == ids["coop"]))
            _db.session.execute(sa.text("SET session_replication_role = DEFAULT"))
            _db.session.commit()
