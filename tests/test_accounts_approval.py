"""Processors and co-op managers apply; the market office approves or rejects."""
import sqlalchemy as sa

from marketplace.domain.identifiers import uscc_check_char
from marketplace.models import ActionRecord, Cooperative, Processor, User
from tests.conftest import form_post

STEM = "91654002MA7XX0001"


def processor_form(county, **over):
    data = {"company_name": "伊宁市测试油脂有限公司", "uscc": STEM + uscc_check_char(STEM), "county_id": county.id,
            "contact_name": "王芳", "phone": "", "email": "buyer@example.com", "locale": "zh_Hans",
            "password": "long-enough-1", "confirm": "long-enough-1"}
    data.update(over)
    return data


def test_processor_applies_and_waits(client, db, place, auth):
    county, _t = place
    resp = form_post(client, "/account/signup/processor", processor_form(county))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/signup/received")
    user = db.session.scalar(sa.select(User).where(User.email == "buyer@example.com"))
    assert user.status == "pending" and user.processor.uscc.startswith(STEM)
    assert auth.login("buyer@example.com", "long-enough-1").status_code == 403


def test_processor_bad_inputs(client, db, place, create_processor):
    county, _t = place
    existing = create_processor()
    cases = [
        ({"uscc": STEM + "Z"}, "18 letters and digits"),
        ({"uscc": STEM + ("0" if uscc_check_char(STEM) != "0" else "1")}, "last character does not match"),
        ({"uscc": existing.processor.uscc}, "already registered"),
        ({"email": "", "phone": ""}, "Give a mobile number or an e-mail address"),
        ({"email": "not-an-address"}, "Invalid email address"),
        ({"company_name": "公" * 121}, "longer than 120"),
        ({"email": existing.email}, "cannot be used for a new account"),
    ]
    for change, message in cases:
        resp = form_post(client, "/account/signup/processor?lang=en", processor_form(county, **change))
        assert resp.status_code == 400, change
        assert message in resp.get_data(as_text=True), change
    assert db.session.scalar(sa.select(sa.func.count(Processor.id))) == 1


def test_coop_manager_applies(client, db, place):
    county, _t = place
    resp = form_post(client, "/account/signup/cooperative", {
        "coop_name": "察布查尔县测试红花专业合作社", "registration_no": "93654022MA7TEST01", "county_id": county.id,
        "manager_name": "关玉珍", "phone": "13991001234", "email": "", "locale": "zh_Hans",
        "password": "long-enough-1", "confirm": "long-enough-1"})
    assert resp.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.phone == "+8613991001234"))
    assert user.role == "coop_manager" and user.status == "pending"
    assert db.session.get(Cooperative, user.cooperative_id).registration_no == "93654022MA7TEST01"


def test_admin_approves_and_the_applicant_is_told(client, db, auth, create_admin, create_processor, messenger):
    admin = create_admin()
    pending = create_processor(status="pending")
    auth.login(admin.email)
    page = client.get("/admin/approvals").get_data(as_text=True)
    assert pending.processor.company_name in page
    resp = form_post(client, f"/admin/approvals/{pending.id}", {"approve": "Approve"}, token_from="/admin/approvals")
    assert resp.status_code == 302
    db.session.refresh(pending)
    assert pending.status == "active" and pending.decided_by_id == admin.id
    assert messenger[-1].to == pending.email
    assert db.session.scalar(sa.select(ActionRecord).where(ActionRecord.action == "approve_account"))
    # Deciding again is refused: the account is no longer pending.
    again = form_post(client, f"/admin/approvals/{pending.id}", {"reject": "Reject"}, token_from="/admin/approvals")
    assert again.status_code == 409
    db.session.refresh(pending)
    assert pending.status == "active"


def test_admin_rejects(client, db, auth, create_admin, create_coop):
    admin = create_admin()
    pending = create_coop(status="pending")
    auth.login(admin.email)
    form_post(client, f"/admin/approvals/{pending.id}", {"reject": "Reject"}, token_from="/admin/approvals")
    db.session.refresh(pending)
    assert pending.status == "rejected"
    auth.logout()
    assert auth.login(pending.email).status_code == 403


def test_admin_cannot_decide_a_farmer_or_unknown_id(client, auth, create_admin, create_farmer):
    admin = create_admin()
    farmer = create_farmer()
    auth.login(admin.email)
    assert form_post(client, f"/admin/approvals/{farmer.id}", {"approve": "y"}, "/admin/approvals").status_code == 404
    assert form_post(client, "/admin/approvals/999999", {"approve": "y"}, "/admin/approvals").status_code == 404
