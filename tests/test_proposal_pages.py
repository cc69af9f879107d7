"""The proposals, notifications and matching pages: each side answers once, strangers see nothing."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.models import MatchRun, Notification, Proposal
from tests.conftest import form_post

TODAY = date.today()


@pytest.fixture
def market_locale():
    return "en"


@pytest.fixture
def propose(db, market):
    """A pending proposal of one of the market's harvests to its order, made directly."""
    def make(harvest="h1", kg=1000, deadline=None):
        h = market[harvest]
        run = MatchRun(product_id=h.product_id, season=h.harvest_start.year, status="done",
                       started_by_id=market["admin"].id, deadline=deadline or TODAY + timedelta(days=7))
        db.session.add(run)
        db.session.flush()
        p = Proposal(run_id=run.id, harvest_id=h.id, order_id=market["order"].id, kg=kg, price_fen_per_kg=650,
                     distance_km=25, transport_fen_per_kg=3, deadline=run.deadline)
        db.session.add(p)
        db.session.commit()
        return p
    return make


def login(auth, user):
    assert auth.login(user.email or user.phone).status_code == 302


def decide(client, proposal, button):
    return form_post(client, f"/proposals/{proposal.id}/decide", {button: "x"}, token_from="/proposals/")


def test_both_sides_accept_and_the_proposal_is_agreed(client, auth, db, market, propose):
    p = propose()
    login(auth, market["farmer"])
    page = client.get(f"/proposals/{p.id}?lang=en").get_data(as_text=True)
    assert "Fixed price" in page and "Accept" in page and f"/orders/{market['order'].id}/view" in page
    resp = decide(client, p, "accept")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/proposals/{p.id}")
    db.session.refresh(p)
    assert p.farmer_decision == "accepted" and p.status == "pending"
    listing = client.get("/proposals/?lang=en").get_data(as_text=True)
    assert f"/proposals/{p.id}" in listing and "Waiting for answers" in listing
    auth.logout()
    login(auth, market["buyer"])
    assert market["farmer"].name in client.get("/proposals/?lang=en").get_data(as_text=True)
    assert decide(client, p, "accept").status_code == 302
    db.session.refresh(p)
    assert p.status == "accepted" and p.processor_decision == "accepted"
    page = client.get(f"/proposals/{p.id}?lang=en").get_data(as_text=True)
    assert "Agreed" in page and 'name="accept"' not in page


def test_a_coop_manager_declines_for_a_member(client, auth, db, market, propose):
    p = propose("h2")
    login(auth, market["manager"])
    page = client.get(f"/proposals/{p.id}?lang=en").get_data(as_text=True)
    assert "You answer for" in page and market["phoneless"].name in page
    assert decide(client, p, "decline").status_code == 302
    db.session.refresh(p)
    assert p.status == "declined" and p.farmer_decision == "declined" and p.farmer_decided_by_id == market["manager"].id


def test_strangers_get_404(client, auth, market, propose, create_farmer, create_processor, create_coop):
    p = propose()
    for stranger in (create_farmer(), create_processor(), create_coop()):
        login(auth, stranger)
        assert client.get(f"/proposals/{p.id}").status_code == 404
        assert decide(client, p, "accept").status_code == 404
        assert f"/proposals/{p.id}" not in client.get("/proposals/").get_data(as_text=True)
        auth.logout()


def test_an_expired_proposal_is_refused_with_the_message(client, auth, db, market, propose):
    p = propose(deadline=TODAY - timedelta(days=1))
    login(auth, market["farmer"])
    assert 'name="accept"' not in client.get(f"/proposals/{p.id}?lang=en").get_data(as_text=True)
    resp = decide(client, p, "accept")
    assert resp.status_code == 409
    assert "The deadline to answer this proposal has passed." in resp.get_data(as_text=True)
    db.session.refresh(p)
    assert p.farmer_decision is None


def test_a_second_answer_is_refused(client, auth, db, market, propose):
    p = propose()
    login(auth, market["farmer"])
    assert decide(client, p, "accept").status_code == 302
    resp = decide(client, p, "decline")
    assert resp.status_code == 409
    assert "You have already answered this proposal." in resp.get_data(as_text=True)
    db.session.refresh(p)
    assert p.farmer_decision == "accepted" and p.status == "pending"


def test_a_decide_without_a_button_changes_nothing(client, auth, db, market, propose):
    p = propose()
    login(auth, market["farmer"])
    assert form_post(client, f"/proposals/{p.id}/decide", {}, token_from="/proposals/").status_code == 400
    db.session.refresh(p)
    assert p.farmer_decision is None


def test_notices_show_the_sentence_and_the_badge_goes_after_reading(client, auth, db, market, propose):
    p = propose()
    login(auth, market["buyer"])
    assert decide(client, p, "decline").status_code == 302
    auth.logout()
    login(auth, market["farmer"])
    dashboard = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert re.search(r'class="badge"><bdi dir="ltr">1</bdi>', dashboard)
    page = client.get("/notifications/?lang=en").get_data(as_text=True)
    assert f'href="/proposals/{p.id}"' in page
    assert 'An offer of <bdi dir="ltr">1,000</bdi> kg of' in page  # the number isolated in its own direction
    assert "An offer of 1,000 kg of" in re.sub(r"<[^>]+>", "", page) and "was declined" in page
    resp = form_post(client, "/notifications/read", {}, token_from="/notifications/")
    assert resp.status_code == 302
    assert 'class="badge"' not in client.get("/dashboard?lang=en").get_data(as_text=True)
    unread = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == market["farmer"].id, Notification.read_at.is_(None)))
    assert unread == 0


def test_a_coop_manager_starts_a_run_from_the_page(client, auth, db, market, products):
    login(auth, market["manager"])
    page = client.get("/matching/new?lang=en").get_data(as_text=True)
    season = TODAY.year + 1 if TODAY.month >= 10 else TODAY.year
    assert f'value="{season}"' in page
    resp = form_post(client, "/matching/new", {"product_id": products["seed"].id,
                                               "season": market["h1"].harvest_start.year})
    run = db.session.scalar(sa.select(MatchRun).order_by(MatchRun.id.desc()))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/matching/{run.id}")
    made = db.session.scalars(sa.select(Proposal).where(Proposal.run_id == run.id)).all()
    assert made and sum(p.kg for p in made) == run.matched_kg == 4000
    assert run.status == "done" and run.phase == "done"
    progress = client.get(f"/matching/{run.id}?lang=en").get_data(as_text=True)
    assert "Finished" in progress and "4,000" in progress and 'http-equiv="refresh"' not in progress
    listing = client.get("/matching/?lang=en").get_data(as_text=True)
    assert "4,000" in listing and market["manager"].name in listing and "Waiting for answers" in listing


def test_a_running_run_page_refreshes_itself_and_a_failed_run_says_so(client, auth, db, market, products):
    from datetime import timedelta

    login(auth, market["manager"])
    running = MatchRun(product_id=products["seed"].id, season=2027, status="running", phase="solving",
                       started_by_id=market["manager"].id, deadline=TODAY + timedelta(days=7))
    failed = MatchRun(product_id=products["seed"].id, season=2027, status="failed", phase="loading",
                      started_by_id=market["manager"].id, deadline=TODAY + timedelta(days=7), error="boom")
    db.session.add_all([running, failed])
    db.session.commit()
    page = client.get(f"/matching/{running.id}?lang=en").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and 'aria-current="step"' in page and "Finding the best allocation" in page
    page = client.get(f"/matching/{failed.id}?lang=en").get_data(as_text=True)
    assert "The run failed" in page and 'http-equiv="refresh"' not in page
    assert client.get("/matching/999999").status_code == 404


def test_a_job_that_fails_is_recorded_as_failed(app, db, market, products):
    from marketplace import jobs
    from marketplace.services.matching_runs import fail_run, queue_run

    with app.test_request_context():
        run = queue_run(market["admin"], products["seed"].id, 2027, TODAY)
        db.session.commit()

        def broken(run_id, today):
            yield
            raise RuntimeError("solver crashed")

        jobs.submit(broken, fail_run, run.id, TODAY)
    db.session.refresh(run)
    assert run.status == "failed" and "solver crashed" in run.error


def test_a_run_with_a_bad_season_is_refused(client, auth, market, products):
    login(auth, market["admin"])
    resp = form_post(client, "/matching/new", {"product_id": products["seed"].id, "season": 1999})
    assert resp.status_code == 400


def test_farmers_and_processors_may_not_open_matching(client, auth, market):
    for who in ("farmer", "buyer"):
        login(auth, market[who])
        assert client.get("/matching/").status_code == 403
        assert client.get("/matching/new").status_code == 403
        auth.logout()
