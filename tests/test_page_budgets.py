"""The page budgets of bench/pages.py, on the demo season: every page of every kind of user's journey is at most
30 KB gzip and makes at most MAX_QUERIES SQL statements."""
from bench.pages import MAX_BYTES, MAX_QUERIES, VISITS, measure


def test_every_page_meets_its_byte_and_query_budgets(app, db):
    from marketplace.services.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
    rows = measure(app)
    assert len(rows) == sum(len(paths) for _who, _lang, paths in VISITS)
    over = [r for r in rows if r["status"] != 200 or r["bytes"] > MAX_BYTES or r["queries"] > MAX_QUERIES]
    assert over == []
    assert all(r["queries"] > 0 for r in rows if r["who"] != "visitor")  # the counter counts
