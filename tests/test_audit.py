"""The action record: every sensitive act with who, for whom, when, from where, before and after; append-only;
the market office's search and download; exported with the ledger."""
import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.models import ActionRecord
from marketplace.models.base import utcnow
from marketplace.services import deliveries as svc
from marketplace.services.audit import record_action
from tests.conftest import csrf_token


@pytest.fixture
def service_context(app):
    """The services (weighing, settling) run inside an app context, pushed before `in_force` is made."""
    with app.app_context():
        yield


def acts(db, action):
    return db.session.scalars(sa.select(ActionRecord).where(ActionRecord.action == action)
                              .order_by(ActionRecord.id)).all()


def test_the_record_cannot_be_changed_or_deleted(app, db, create_farmer):
    farmer = create_farmer()
    with app.app_context():
        record = record_action(farmer, "set_password", detail=f"user:{farmer.id}")
        db.session.commit()
    for statement in (sa.update(ActionRecord).where(ActionRecord.id == record.id).values(detail="forged"),
                      sa.delete(ActionRecord).where(ActionRecord.id == record.id)):
        savepoint = db.session.begin_nested()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(statement)
        savepoint.rollback()
    db.session.expire_all()
    assert db.session.get(ActionRecord, record.id).detail == f"user:{farmer.id}"


def test_weighing_and_its_correction_keep_before_and_after(service_context, db, in_force):
    from tests.test_deliveries import reading

    d = svc.record_delivery(in_force["manager"], in_force["contract"].id, reading(in_force, moisture_bp=1200),
                            in_force["day"])
    svc.dispute_delivery(in_force["farmer"], d.id, "水分仪不准")
    new = svc.correct_delivery(in_force["manager"], d.id, reading(in_force, moisture_bp=800), in_force["day"])
    recorded = acts(db, "record_delivery")[-1]
    assert recorded.on_behalf_of_id == in_force["farmer"].id and recorded.actor_id == in_force["manager"].id
    assert json.loads(recorded.after)["moisture_bp"] == 1200
    corrected = acts(db, "correct_delivery")[-1]
    assert corrected.detail == f"delivery:{d.id} -> {new.id}"
    before, after = json.loads(corrected.before), json.loads(corrected.after)
    assert (before["moisture_bp"], after["moisture_bp"]) == (1200, 800)
    assert (before["settlement_grams"], after["settlement_grams"]) == (286_957, 300_000)


def test_signing_on_the_web_is_recorded_with_the_address(client, db, auth, contract_of):
    c = contract_of["contract"]
    auth.login(contract_of["farmer"].phone)
    from tests.conftest import PASSWORD

    resp = client.post(f"/contracts/{c.id}/sign", data={"csrf_token": csrf_token(client, f"/contracts/{c.id}"),
                                                        "fingerprint": c.fingerprint, "password": PASSWORD,
                                                        "consent": "y"},
                       environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert resp.status_code in (302, 303)
    record = acts(db, "sign_contract")[-1]
    assert record.ip_address == "10.9.8.7" and record.detail.startswith(f"contract:{c.id}")
    assert json.loads(record.before) == {"status": "draft"}
    assert json.loads(record.after)["fingerprint"] == c.fingerprint


@pytest.fixture
def history(app, db, create_farmer, create_coop, create_admin):
    """Three acts by a manager and an admin, two of them for a member."""
    manager, admin = create_coop(), create_admin()
    farmer = create_farmer(name="Rahile Tursun", phone="+8613991000201")
    with app.app_context():
        records = [record_action(manager, "register_member", on_behalf_of=farmer, detail="cooperative:1"),
                   record_action(manager, "record_delivery", on_behalf_of=farmer, detail="delivery:12",
                                 after={"gross_grams": 101_000}),
                   record_action(admin, "unlock_account", detail=f"user:{farmer.id}", before={"locked_until": "x"},
                                 after={"locked_until": None})]
        db.session.commit()
    return {"manager": manager, "admin": admin, "farmer": farmer, "records": records}


def test_the_market_office_searches_the_record(client, db, auth, history):
    auth.login(history["admin"].email)
    everything = client.get("/admin/audit?lang=en")
    assert everything.status_code == 200
    page = everything.get_data(as_text=True)
    assert "recorded a delivery" in page and "unlocked an account" in page and "Rahile Tursun" in page
    by_person = client.get("/admin/audit?person=13991000201&lang=en").get_data(as_text=True)
    assert "registered as a member" in by_person and "recorded a delivery" in by_person
    by_action = client.get("/admin/audit?action=unlock_account&lang=en").get_data(as_text=True)
    assert "<h2>unlocked an account</h2>" in by_action and "<h2>recorded a delivery</h2>" not in by_action
    by_record = client.get("/admin/audit?kind=delivery&number=12&lang=en").get_data(as_text=True)
    assert "<h2>recorded a delivery</h2>" in by_record and "<h2>registered as a member</h2>" not in by_record
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    assert "No act matches" in client.get(f"/admin/audit?since={tomorrow}&lang=en").get_data(as_text=True)
    for bad in ("since=2026-13-45", "action=drop_tables", "kind=%27%3B--", "number=-3", "number=12", "page=-4",
                "kind=user&number=99999999999", "person=" + "x" * 500):
        resp = client.get(f"/admin/audit?{bad}&lang=ug")
        assert resp.status_code in (200, 400), bad
    assert client.get("/admin/audit?since=2026-13-45").status_code == 400
    assert client.get("/admin/audit.csv?since=2026-13-45").status_code == 400


def test_the_download_has_every_matching_record_with_before_and_after(client, db, auth, history):
    auth.login(history["admin"].email)
    resp = client.get("/admin/audit.csv?person=Rahile")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["action"] for r in rows] == ["register_member", "record_delivery"]
    assert rows[1]["on_behalf_of"] == "Rahile Tursun" and json.loads(rows[1]["after"]) == {"gross_grams": 101000}
    assert all(r["actor_role"] == "coop_manager" for r in rows)


def read(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_books_export_holds_the_ledger_and_the_record(app, service_context, db, tmp_path, in_force):
    from marketplace.services.accounts import unlock
    from marketplace.services.settlement import Scope, post_settlement
    from tests.test_settlement import weigh

    delivery = weigh(in_force, 300)
    svc.confirm_delivery(in_force["farmer"], delivery.id)
    post_settlement(in_force["manager"], Scope(proposal_id=in_force["contract"].proposal_id))
    unlock(in_force["manager"], in_force["farmer"])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["ledger", "export", str(tmp_path / "books")])
    assert result.exit_code == 0, result.output
    books = tmp_path / "books"
    manifest = {r["file"]: r for r in read(books / "manifest.csv")}
    assert set(manifest) == {"ledger_accounts.csv", "journal_entries.csv", "postings.csv", "action_record.csv"}
    postings = read(books / "postings.csv")
    assert postings and sum(int(p["amount_fen"]) for p in postings) == 0  # double entry, exact to the fen
    assert int(manifest["postings.csv"]["rows"]) == len(postings)
    actions = {r["action"] for r in read(books / "action_record.csv")}
    assert {"unlock_account", "post_settlement"} <= actions
