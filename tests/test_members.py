"""A co-op manager registers and represents members, on record."""
import sqlalchemy as sa

from marketplace.models import ActionRecord, Membership, User
from tests.conftest import form_post


def member_form(township, **over):
    data = {"name": "ئەخمەت ساۋۇت", "phone": "", "county_id": township.county_id, "township_id": township.id,
            "village": "切吉村", "farm_area_mu": "12", "locale": "ug", "joined_on": "2025-03-01",
            "capital_yuan": "1500.50"}
    data.update(over)
    return data


def test_manager_registers_a_member_without_a_phone(client, db, auth, place, create_coop):
    _c, township = place
    manager = create_coop()
    auth.login(manager.email)
    resp = form_post(client, "/cooperative/members/new", member_form(township))
    assert resp.status_code == 302
    membership = db.session.scalar(sa.select(Membership).where(Membership.cooperative_id == manager.cooperative_id))
    farmer = db.session.get(User, membership.farmer_id)
    assert farmer.phone is None and farmer.password_hash is None and not farmer.is_active
    assert farmer.farmer.managed_by_coop_id == manager.cooperative_id
    assert membership.capital_fen == 150050
    act = db.session.scalar(sa.select(ActionRecord).where(ActionRecord.on_behalf_of_id == farmer.id))
    assert act.actor_id == manager.id and act.action == "register_member"
    page = client.get(f"/cooperative/members/{membership.id}?lang=en").get_data(as_text=True)
    assert "on behalf of" in page and farmer.name in page


def test_member_with_an_existing_farmer_account_joins(client, db, auth, place, create_coop, create_farmer):
    _c, township = place
    manager = create_coop()
    farmer = create_farmer(phone="+8613991002000")
    auth.login(manager.email)
    resp = form_post(client, "/cooperative/members/new", member_form(township, phone="13991002000"))
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.phone == "+8613991002000")) == 1
    assert db.session.scalar(sa.select(Membership.farmer_id).where(Membership.cooperative_id == manager.cooperative_id)) == farmer.id
    again = form_post(client, "/cooperative/members/new?lang=en", member_form(township, phone="13991002000"))
    assert again.status_code == 400 and "already a member" in again.get_data(as_text=True)


def test_member_bad_inputs(client, db, auth, place, create_coop, create_processor):
    _c, township = place
    manager = create_coop()
    buyer = create_processor()
    auth.login(manager.email)
    cases = [
        ({"capital_yuan": "-1"}, "between 0 and 100000000"),
        ({"capital_yuan": "1.005"}, "at most two decimals"),
        ({"capital_yuan": "abc"}, "Not a valid decimal"),
        ({"joined_on": "2999-01-01"}, "cannot be in the future"),
        ({"joined_on": "yesterday"}, "Not a valid date"),
        ({"phone": "999"}, "mainland China mobile number"),
        ({"farm_area_mu": "0"}, "between 0.1 and 100000"),
    ]
    for change, message in cases:
        resp = form_post(client, "/cooperative/members/new?lang=en", member_form(township, **change))
        assert resp.status_code == 400, change
        assert message in resp.get_data(as_text=True), change
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0
    assert buyer.phone is None


def test_a_manager_never_sees_another_coops_member(client, db, auth, create_coop, create_farmer, add_member):
    mine, theirs = create_coop(), create_coop()
    farmer = create_farmer(name="别人的社员")
    other = add_member(theirs, farmer)
    auth.login(mine.email)
    assert client.get(f"/cooperative/members/{other.id}").status_code == 404
    assert "别人的社员" not in client.get("/cooperative/members").get_data(as_text=True)
    auth.logout()
    auth.login(theirs.email)
    assert client.get(f"/cooperative/members/{other.id}").status_code == 200
    assert "别人的社员" in client.get("/cooperative/members").get_data(as_text=True)


def test_a_manager_sets_a_members_payout_account(client, db, auth, create_coop, create_farmer, add_member):
    from marketplace.models import ActionRecord
    from tests.conftest import csrf_token

    manager = create_coop()
    membership = add_member(manager, create_farmer())
    auth.login(manager.email)
    url = f"/cooperative/members/{membership.id}"
    token = csrf_token(client, url)
    assert client.post(url + "/payout-account", data={"csrf_token": token, "payout_account": "abc"}).status_code == 400
    assert client.post(url + "/payout-account", data={"csrf_token": token,
                                                      "payout_account": " 6222 0212-3456 "}).status_code == 302
    db.session.refresh(membership)
    assert membership.payout_account == "6222 0212-3456"
    assert db.session.query(ActionRecord).filter_by(action="set_payout_account").count() == 1
    other = create_coop()
    auth.logout()
    auth.login(other.email)
    token = csrf_token(client, "/dashboard")
    assert client.post(url + "/payout-account", data={"csrf_token": token, "payout_account": "1"}).status_code == 404


def test_the_stripe_connected_account_is_asked_for_only_when_stripe_is_on(client, db, app, auth, create_coop,
                                                                         create_farmer, add_member, monkeypatch):
    from tests.conftest import csrf_token

    manager = create_coop()
    membership = add_member(manager, create_farmer())
    auth.login(manager.email)
    url = f"/cooperative/members/{membership.id}"
    assert "acct_" not in client.get(url + "?lang=en").get_data(as_text=True)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_on")
    page = client.get(url + "?lang=ug").get_data(as_text=True)
    assert 'name="stripe_account"' in page
    token = csrf_token(client, url)
    bad = client.post(url + "/payout-account?lang=en", data={"csrf_token": token, "stripe_account": "acct_1; DROP"})
    assert bad.status_code == 400 and "starts with acct_" in bad.get_data(as_text=True)
    assert client.post(url + "/payout-account", data={"csrf_token": token,
                                                      "stripe_account": " acct_1MemberSafflower "}).status_code == 302
    db.session.refresh(membership)
    assert membership.stripe_account == "acct_1MemberSafflower"
