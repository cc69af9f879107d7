"""The demo season loads, and every catalog is complete."""
from pathlib import Path

from datetime import date

import sqlalchemy as sa

from marketplace.i18n import LOCALES
from marketplace.models import Cooperative, Membership, Processor, User
from marketplace.services.demo import DEMO_PASSWORD, database_is_empty, load_demo
from marketplace.translation_check import check_catalogs

ROOT = Path(__file__).resolve().parent.parent


def test_demo_season_loads_and_its_logins_work(app, client, db, auth):
    assert database_is_empty()
    with app.app_context():  # as `flask demo load` runs it; requests below push their own
        logins = load_demo()
        db.session.commit()
    # This season's two co-ops and four processors (one waiting); each past season's co-op and two processors.
    assert db.session.scalar(sa.select(sa.func.count(Cooperative.id))) == 4
    assert db.session.scalar(sa.select(sa.func.count(Processor.id))) == 8
    farmers = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "farmer"))
    assert farmers >= 30
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == farmers
    phoneless = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "farmer", User.phone.is_(None)))
    assert phoneless >= 3
    for _role, login in logins:
        assert auth.login(login, DEMO_PASSWORD).status_code == 302, login
        assert client.get("/dashboard").status_code == 200
        auth.logout()
    assert not database_is_empty()
    # Listings: a harvest for every farmer, every term type among the orders, prices for both products.
    from marketplace.models import ContractOrder, Harvest, PriceIndexEntry

    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Harvest.farmer_id)))) == farmers
    assert set(db.session.scalars(sa.select(ContractOrder.term_type))) == {
        "fixed", "floor_market", "floor_share", "rebate", "share_coop"}
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(PriceIndexEntry.product_id)))) == 2
    # Contracts in every state, and one that waits for the Uyghur demo farmer's signature.
    from marketplace.domain.contracts import CONTRACT_STATUSES
    from marketplace.models import Contract, Signature

    assert set(db.session.scalars(sa.select(Contract.status))) == set(CONTRACT_STATUSES)
    ug_farmer = db.session.scalar(sa.select(User).where(User.phone == logins[-4][1]))
    assert ug_farmer.locale == "ug"
    waiting = db.session.scalar(sa.select(Contract).where(Contract.farmer_id == ug_farmer.id,
                                                          Contract.status == "awaiting_signatures"))
    assert {s.party for s in db.session.scalars(sa.select(Signature).where(Signature.contract_id == waiting.id))} \
        == {"processor"}
    from marketplace.models import Delivery

    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.outcome == "rejected")) >= 1
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.state == "disputed")) >= 1
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.corrects_id.is_not(None))) >= 1
    from marketplace.models import Invoice, PayoutBatch
    from marketplace.services.ledger import check_ledger

    assert {i.status for i in db.session.scalars(sa.select(Invoice))} == {"paid", "open"}
    assert set(db.session.scalars(sa.select(PayoutBatch.status))) == {"prepared", "approved"} and check_ledger().ok
    # The two past seasons, each run whole by the simulation: settled, paid out, a rebate and the surplus.
    from marketplace.models import Rebate, SettlementLine, SurplusDistribution

    from marketplace.domain.market import planning_season

    planning = planning_season(date.today())
    assert db.session.scalar(sa.select(sa.func.count(SettlementLine.id))) >= 50
    assert db.session.scalar(sa.select(sa.func.count(Rebate.id))) >= 1
    assert set(db.session.scalars(sa.select(SurplusDistribution.year))) == {planning - 2, planning - 1}
    auth.login(ug_farmer.phone, DEMO_PASSWORD)
    page = client.get(f"/contracts/{waiting.id}?lang=ug")
    assert page.status_code == 200 and 'name="sign"' in page.get_data(as_text=True)


def test_catalogs_complete_no_fuzzy_placeholders_intact():
    problems = check_catalogs(ROOT / "translations", ROOT / "translations" / "messages.pot", LOCALES)
    assert problems == []


def test_check_catches_a_broken_placeholder(tmp_path):
    import polib

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    po.append(polib.POEntry(msgid="Hello, %(name)s", msgstr="你好，%(nom)s"))
    po.append(polib.POEntry(msgid="Untranslated", msgstr=""))
    po.append(polib.POEntry(msgid="Fuzzy", msgstr="模糊", flags=["fuzzy"]))
    (tmp_path / "xx" / "LC_MESSAGES").mkdir(parents=True)
    po.save(str(tmp_path / "xx" / "LC_MESSAGES" / "messages.po"))
    problems = check_catalogs(tmp_path, tmp_path / "none.pot", ["xx", "yy"])
    assert any("placeholders differ" in p for p in problems)
    assert any("untranslated" in p for p in problems)
    assert any("fuzzy" in p for p in problems)
    assert any("yy: catalog missing" in p for p in problems)


def test_check_catches_a_message_never_extracted(tmp_path):
    import polib

    from marketplace.translation_check import not_in_template

    committed, fresh = polib.POFile(), polib.POFile()
    committed.append(polib.POEntry(msgid="Old"))
    fresh.append(polib.POEntry(msgid="Old"))
    fresh.append(polib.POEntry(msgid="New in the code"))
    committed.save(str(tmp_path / "committed.pot"))
    fresh.save(str(tmp_path / "fresh.pot"))
    assert not_in_template(tmp_path / "fresh.pot", tmp_path / "committed.pot") == [
        "template: not extracted (run flask translate update): 'New in the code'"]


def test_check_catches_a_glossary_term_translated_otherwise(tmp_path):
    import json

    import polib

    glossary = {"terms": [{"en": "contracts?\\b", "forms": {"ug": ["توختام"]}},
                          {"en": "farmers?\\b", "forms": {"kk_Arab": ["ديقان"]}}]}
    (tmp_path / "glossary.json").write_text(json.dumps(glossary, ensure_ascii=False), encoding="utf-8")
    for loc, entries in {"ug": [("Sign the contract", "كېلىشىمگە ئىمزا قويۇڭ"), ("Contracts", "توختاملار"),
                                ("%(contract)s is ready", "%(contract)s تەييار")],
                         "kk_Arab": [("Farmer", "دىيقان"), ("Farmers", "ديقاندار"), ("Farmer's name", "ديٴقاننىڭ اتى")]}.items():
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=utf-8"}
        for msgid, msgstr in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        (tmp_path / loc / "LC_MESSAGES").mkdir(parents=True)
        po.save(str(tmp_path / loc / "LC_MESSAGES" / "messages.po"))
    problems = [p for p in check_catalogs(tmp_path, tmp_path / "none.pot", ["ug", "kk_Arab"]) if "glossary" in p]
    # A differing word is caught; suffixes pass; a placeholder named like a term is no word; U+0674 equals U+0621.
    assert len(problems) == 2
    assert "'Sign the contract'" in problems[0] and "'Farmer'" in problems[1]


def test_every_template_is_read_by_the_extractor():
    """A template the extractor cannot parse (a tag of a Jinja extension it was not told about) would give no
    messages at all, silently: babel.cfg names the extensions and asks for errors to be loud."""
    from babel.messages.extract import extract_from_dir

    with open(ROOT / "babel.cfg") as cfg:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(cfg)
    found = {message for _file, _line, message, _comments, _context in
             extract_from_dir(str(ROOT), method_map, options_map, keywords={"_": None, "_l": None})}
    assert "Settlement preview" in found and "Please correct the marked fields." in found
