"""Every route declares who may use it, and every role gets what it should (403/404 otherwise).

The table is MATRIX (each area's routes in tests/access_matrix/<area>.py: endpoint -> method, URL on the
world's objects, who may use it, and the statuses that differ on these objects). Each route is tried by every
method it answers, by eight people: nobody, the world's farmer, co-op manager, processor and an admin, and
someone of each role who is not a party (OTHER), who gets 404 on any URL naming the world's objects (OWNED)
unless the table says otherwise. A route added without an entry fails the first test."""
import importlib
import pkgutil
import re

import pytest

from marketplace.web.access import ANONYMOUS, LOGGED_IN, PUBLIC
from tests import access_matrix
from tests.conftest import csrf_token

ROLES = ("anonymous", "farmer", "other_farmer", "coop_manager", "other_coop_manager", "processor",
         "other_processor", "admin")
ALL_USERS = {"farmer", "coop_manager", "processor", "admin"}
#: Someone of the same role who is not a party to the world's objects: a farmer of the same co-op, the
#: manager of another co-op, another processor. They may use what their role may, but not on these objects.
OTHER = {"other_farmer": "farmer", "other_coop_manager": "coop_manager", "other_processor": "processor"}
#: URL placeholders naming an object that belongs to the world's farmer, co-op or processor.
OWNED = {"membership", "harvest", "order", "draft_order", "proposal", "contract", "delivery", "settlement_run",
         "invoice", "payout_batch"}
#: The world's farmer's name: no page shown to someone else may carry it, except these lists (which show
#: farmers' offers to every processor by design).
MARKER = "Aygul Worldfarmer"

def load_matrix() -> dict:
    """Each area lists its routes in tests/access_matrix/<area>.py as ROUTES."""
    merged = {}
    for info in pkgutil.iter_modules(access_matrix.__path__):
        module = importlib.import_module(f"tests.access_matrix.{info.name}")
        merged.update(module.ROUTES)
    return merged


MATRIX = load_matrix()


def test_every_endpoint_declares_a_policy_and_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(MATRIX), "add new routes to MATRIX with who may use them"
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], "access_policy", None) is not None, endpoint


def test_a_route_without_a_policy_is_refused(app):
    """Fail closed: an endpoint that forgot its policy answers 403 to everyone."""
    from flask import Flask

    from config import TestConfig
    from marketplace.web.access import enforce_access

    bare = Flask("bare")
    bare.config.from_object(TestConfig())
    bare.before_request(enforce_access)
    bare.add_url_rule("/forgot", "forgot", lambda: "open")
    from marketplace.extensions import login_manager
    login_manager.init_app(bare)
    assert bare.test_client().get("/forgot").status_code == 403


@pytest.fixture
def world(db, create_farmer, create_coop, create_processor, create_admin, add_member, create_harvest,
          create_order, create_price, products):
    """One of each: the ids the URL templates of tests/access_matrix use."""
    manager = create_coop()
    farmer = create_farmer(name=MARKER)
    membership = add_member(manager, farmer)
    pending = create_processor(status="pending")
    processor = create_processor()
    admin = create_admin()
    other_farmer = create_farmer(name="Other Farmer")
    add_member(manager, other_farmer)
    users = {"farmer": farmer, "coop_manager": manager, "processor": processor, "admin": admin,
             "other_farmer": other_farmer, "other_coop_manager": create_coop(),
             "other_processor": create_processor()}
    harvest, order = create_harvest(farmer), create_order(processor)
    ids = {
        "pending": pending.id, "membership": membership.id,
        "harvest": harvest.id,
        "order": order.id,
        "proposal": (proposal := make_proposal(db, admin, harvest, order)).id,
        "run": proposal.run_id,
        "draft_order": create_order(processor, status="draft").id,
        "product": products["seed"].id,
        "price": create_price(admin).id,
    }
    contract = make_contract(db, proposal)
    delivery = make_delivery(db, contract, manager)
    ids.update(contract=contract.id, fingerprint=contract.fingerprint, delivery=delivery.id, lot=delivery.lot_code,
               settlement_run=(run := make_run(db, manager)).id, invoice=make_invoice(db, run, processor).id,
               payout_batch=make_batch(db, manager, farmer).id)
    return users, ids


def make_batch(db, manager, farmer):
    """A payout batch waiting for approval, with one cash item (made directly)."""
    from marketplace.models import PayoutBatch, PayoutItem

    batch = PayoutBatch(cooperative_id=manager.cooperative_id, prepared_by_id=manager.id, status="prepared",
                        total_fen=100)
    db.session.add(batch)
    db.session.flush()
    db.session.add(PayoutItem(batch_id=batch.id, farmer_id=farmer.id, amount_fen=100, method="cash",
                              reference="P000001-0001", idempotency_key=f"payout:{batch.id}:{farmer.id}"))
    db.session.commit()
    return batch


def make_invoice(db, run, processor):
    from marketplace.models import Invoice

    invoice = Invoice(run_id=run.id, processor_id=processor.processor_id, cooperative_id=run.cooperative_id,
                      amount_fen=10_000, paid_fen=0, status="open")
    db.session.add(invoice)
    db.session.commit()
    return invoice


def make_run(db, manager):
    """A posted settlement run of the world's co-op, with no lines (made directly)."""
    from marketplace.models import SettlementRun

    run = SettlementRun(cooperative_id=manager.cooperative_id, posted_by_id=manager.id)
    db.session.add(run)
    db.session.commit()
    return run


def make_delivery(db, contract, manager):
    """A disputed delivery under the contract, weighed by the world's co-op (made directly)."""
    from marketplace.domain import lotcodes
    from marketplace.models import Delivery

    start = contract.harvest.harvest_start
    delivery = Delivery(contract_id=contract.id, proposal_id=contract.proposal_id, farmer_id=contract.farmer_id,
                        processor_id=contract.processor_id, cooperative_id=manager.cooperative_id,
                        recorded_by_id=manager.id, graded_by="质检员", delivered_on=start, gross_grams=101_000,
                        tare_grams=1_000, moisture_bp=800, impurity_bp=300, grade_id=contract.harvest.grade_id,
                        std_moisture_bp=800, std_impurity_bp=400, reject_moisture_bp=1500, reject_impurity_bp=1000,
                        net_grams=100_000, settlement_grams=100_000, outcome="accepted", state="disputed",
                        dispute_reason="秤不准", scan_count=0)
    db.session.add(delivery)
    db.session.flush()
    delivery.lot_code = lotcodes.issue(b"lot-codes:test-secret", delivery.id)
    db.session.commit()
    return delivery


def make_contract(db, proposal):
    """An active contract from the world's proposal (its signatures are not needed to open its pages)."""
    from marketplace.services.contracts import create_contract_draft

    contract = create_contract_draft(proposal)
    contract.status = "active"
    db.session.commit()
    return contract


def make_proposal(db, admin, harvest, order):
    """A pending proposal between the world's harvest and order, made directly (no matching run)."""
    from marketplace.models import MatchRun, Proposal

    run = MatchRun(product_id=harvest.product_id, season=harvest.harvest_start.year, status="done",
                   started_by_id=admin.id, deadline=harvest.harvest_start)
    db.session.add(run)
    db.session.flush()
    proposal = Proposal(run_id=run.id, harvest_id=harvest.id, order_id=order.id, kg=500, price_fen_per_kg=650,
                        distance_km=12, transport_fen_per_kg=2, deadline=harvest.harvest_start)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def allowed(policy, role):
    if policy == PUBLIC:
        return True
    if policy == ANONYMOUS:
        return role == "anonymous"
    if policy == LOGGED_IN:
        return role != "anonymous"
    return role in policy


def expected(endpoint: str, method: str, role: str) -> int | str:
    """What `role` gets from `method` on the endpoint's URL, by the matrix: a status, or "allowed" (200, a
    redirect that is not to the login page, 400 for a form sent empty, 409 for an act the object's state
    does not allow), or "login" (sent to log in)."""
    listed_method, template, policy, *rest = MATRIX[endpoint]
    overrides = rest[0] if rest else {}
    if role in overrides and method == listed_method:
        return overrides[role]
    base = OTHER.get(role, role)
    if role in OTHER and allowed(policy, base):
        placeholders = set(re.findall(r"{(\w+)}", template))
        if placeholders & OWNED:
            return 404
    if base in overrides and method == listed_method:
        return overrides[base]
    if allowed(policy, base):
        return "allowed"
    if role == "anonymous":
        return "login"
    if policy == ANONYMOUS:
        return "dashboard"
    return 403


def methods_of(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update(rule.methods & {"GET", "POST"})
    return found


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_route(app, client, auth, world, role):
    """Every route, by each method it answers, for each role: the outcome the matrix states."""
    users, ids = world
    if role != "anonymous":
        user = users[role]
        assert auth.login(user.email or user.phone).status_code == 302
    token = csrf_token(client, "/dashboard" if role != "anonymous" else "/account/login")
    methods = methods_of(app)
    for endpoint, (_method, template, _policy, *_rest) in MATRIX.items():
        if endpoint == "auth.logout":
            continue  # it logs the user out; test_auth covers it
        url = template.format(**ids)
        for method in sorted(methods[endpoint]):
            if method == "GET":
                resp = client.get(url)
            else:
                resp = client.post(url, data={"csrf_token": token})
            want = expected(endpoint, method, role)
            where = f"{role} {method} {url}"
            if want == "allowed":
                assert resp.status_code in (200, 301, 302, 303, 400, 409), where
                if resp.status_code in (302, 303):
                    assert "/account/login" not in resp.headers["Location"], where
            elif want == "login":
                assert resp.status_code == 302 and "/account/login" in resp.headers["Location"], where
            elif want == "dashboard":
                assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard"), where
            else:
                assert resp.status_code == want, where
            if role in OTHER and resp.status_code == 200 and endpoint not in NAMES_FARMERS:
                assert MARKER not in resp.get_data(as_text=True), f"{where} shows the world's farmer"
            if resp.mimetype == "text/html":
                assert_no_inline_code(resp, where)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|style)\s*=", re.IGNORECASE)


def assert_no_inline_code(resp, where: str) -> None:
    """The Content Security Policy allows no inline script or style: no page may carry any (it would not run)."""
    html = resp.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html), f"{where}: inline script"
    assert not INLINE_HANDLER.search(html), f"{where}: inline handler or style"
    assert "'unsafe-inline'" not in resp.headers["Content-Security-Policy"], where


#: Pages that name farmers to anyone of the role: processors browse farmers' offered harvests.
NAMES_FARMERS = {"orders.browse_supply", "orders.export_supply"}


def test_a_manager_of_no_coop_gets_403(client, db, auth, create_coop):
    manager = create_coop()
    manager.cooperative_id = None
    db.session.commit()
    auth.login(manager.email)
    assert client.get("/cooperative/members").status_code == 403
