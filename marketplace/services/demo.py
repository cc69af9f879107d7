"""The demo season: a deterministic cast of co-operatives, farmers, processors and an admin.

Later features add their own demo data here, on top of the people.
"""
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.extensions import db
from marketplace.models import Cooperative, County, FarmerProfile, Membership, Processor, Township, User
from marketplace.services.audit import record_action
from marketplace.services.demo_contracts import load_demo_contracts
from marketplace.services.demo_listings import load_demo_listings
from marketplace.services.demo_season import load_past_seasons

DATA = Path(__file__).resolve().parent.parent / "data"
DEMO_PASSWORD = "safflower2026"
ADMIN_EMAIL = "office@example.com"
#: Demo farmers' phones: +86 139 0990 0001, 0002, ... in cast order (those who have one).
PHONE_BASE = 13909900000
#: The first 17 characters of each demo processor's credit code; the 18th is computed.
USCC_STEMS = ("91654002MA77A1B2C", "91654023MA78K3D4E", "91654021MA79P5F6G")


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def _cast() -> dict:
    return json.loads((DATA / "demo_people.json").read_text(encoding="utf-8"))


def demo_logins() -> list[tuple[str, str]]:
    cast = _cast()
    first = {}
    phone_no = 0
    for person in cast["farmers"]:
        if person["has_phone"]:
            phone_no += 1
            first.setdefault(person["locale"], f"+86{PHONE_BASE + phone_no}")
    logins = [("admin", ADMIN_EMAIL)]
    logins += [("co-op manager", c["manager_email"]) for c in cast["cooperatives"]]
    logins += [("processor", p["email"]) for p in cast["processors"]]
    logins += [(f"farmer ({loc})", phone) for loc, phone in first.items()]
    return logins


def load_demo(today: date | None = None) -> list[tuple[str, str]]:
    """Add the demo people to an empty database (reference data comes from the migrations)."""
    cast = _cast()
    password = generate_password_hash(DEMO_PASSWORD)
    counties = {c.code: c for c in db.session.scalars(sa.select(County))}
    townships = {t.code: t for t in db.session.scalars(sa.select(Township))}

    admin = User(role="admin", status="active", name="市场办公室", email=ADMIN_EMAIL, password_hash=password, locale="zh_Hans")
    db.session.add(admin)

    coops, managers = {}, {}
    for c in cast["cooperatives"]:
        coop = Cooperative(name=c["name"], county_id=counties[c["county"]].id, registration_no=c["registration_no"])
        manager = User(role="coop_manager", status="active", name=c["manager_name"], email=c["manager_email"],
                       password_hash=password, locale="zh_Hans", cooperative=coop)
        db.session.add_all([coop, manager])
        coops[c["county"]], managers[c["county"]] = coop, manager

    processor_users = []
    for stem, p in zip(USCC_STEMS, cast["processors"]):
        processor = Processor(company_name=p["company_name"], uscc=stem + uscc_check_char(stem),
                              county_id=counties[p["county"]].id, contact_name=p["contact_name"])
        buyer = User(role="processor", status="active", name=p["contact_name"], email=p["email"],
                     password_hash=password, locale="zh_Hans", processor=processor)
        db.session.add_all([processor, buyer])
        processor_users.append(buyer)
    db.session.flush()

    phone_no = 0
    for i, person in enumerate(cast["farmers"]):
        coop = coops[person["county"]]
        if person["has_phone"]:
            phone_no += 1
            phone, pw = f"+86{PHONE_BASE + phone_no}", password
        else:
            phone, pw = None, None
        farmer = User(role="farmer", status="active", name=person["name"], phone=phone, password_hash=pw,
                      locale=person["locale"])
        township = townships[person["township"]]
        db.session.add(farmer)
        db.session.add(FarmerProfile(
            user=farmer, county_id=township.county_id, township_id=township.id, village=person["village"],
            farm_area_mu=Decimal(str(person["farm_mu"])), managed_by_coop_id=None if phone else coop.id,
        ))
        db.session.flush()
        db.session.add(Membership(cooperative_id=coop.id, farmer_id=farmer.id,
                                  joined_on=date(2024, 3, 1) + timedelta(days=i * 3),
                                  capital_fen=(i % 5 + 1) * 50_000))
        if phone is None:
            record_action(managers[person["county"]], "register_member", on_behalf_of=farmer,
                          detail=f"cooperative:{coop.id}")

    # One application waiting for the market office, so the approvals page has work.
    stem = "91654004MA7AQ8H9J"
    waiting = Processor(company_name="霍尔果斯市澜岸生物科技有限公司", uscc=stem + uscc_check_char(stem),
                        county_id=counties["khorgas"].id, contact_name="马建华")
    db.session.add(waiting)
    db.session.add(User(role="processor", status="pending", name="马建华", email="lanan.bio@example.com",
                        password_hash=password, locale="zh_Hans", processor=waiting))
    db.session.flush()
    load_demo_listings(admin, processor_users, today or date.today())
    load_demo_contracts(admin, DEMO_PASSWORD, list(managers.values()), today or date.today())
    db.session.flush()
    load_past_seasons(today or date.today())
    return demo_logins()
