"""Every form, fuzzed: text of every script, huge and negative numbers, NaN, empty, over-long, repeated fields,
wrong types, unknown ids and impossible dates. Never a 500, and a rejected form changes no row.

The forms are the app's own: every endpoint that takes a POST is in FORMS below (who posts it, where, with
which form class) or in NOT_FUZZED with the reason, and a test fails when a new one is in neither. Each
example starts from values that pass (the page's own, plus the form's `good`), replaces or drops some fields
with fuzz, and posts with the session's CSRF token (a few examples with a wrong, repeated or missing one).
Each field is also sent alone with what only PostgreSQL refuses (a NUL, 10,000 characters, a 32-bit overflow).
Each example runs in a savepoint that is rolled back afterwards, so every example starts from the same rows
and its one-time tokens stay fresh. A rejection (4xx, or the form shown again with 200) must leave every table as it was:
row count and a hash of the rows, compared table by table.

FUZZ_SCALE=10 runs ten times the examples (a longer hunt, by hand; CI runs the default).
"""
import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wtforms import DecimalField, IntegerField, SelectField
from wtforms.fields.core import UnboundField

from marketplace.models.base import Base
from marketplace.web.admin.forms import AccountStatusForm, DecisionForm, UnlockForm
from marketplace.web.auth.forms import (
    CoopSignupForm, FarmerSignupForm, ForgotForm, LoginForm, ProcessorSignupForm, ResetForm,
)
from marketplace.web.catalog.forms import AddGradeForm, GradeForm, NewProductForm, ProductForm
from marketplace.web.contracts.forms import AmendForm, CancelAnswerForm, CancelRequestForm, SignForm, WithdrawForm
from marketplace.web.coop.forms import MemberForm, PayoutAccountForm
from marketplace.web.deliveries.forms import ConfirmForm, DeliveryForm, DisputeForm, RejectDisputeForm
from marketplace.web.harvests.forms import HarvestForm, MemberHarvestForm
from marketplace.web.harvests.forms import WithdrawForm as WithdrawHarvestForm
from marketplace.web.matching.forms import RunForm
from marketplace.web.notifications.forms import ReadForm
from marketplace.web.orders.forms import CloseForm, OrderForm, PublishForm
from marketplace.web.prices.forms import PriceForm
from marketplace.web.proposals.forms import DecideForm
from marketplace.web.settlement.forms import (
    AdvanceForm, ApproveForm, BankTransferForm, CardForm, DeclareRebateForm, PostForm, PostSurplusForm, PrepareForm,
    RetryTransfersForm,
)
from tests.conftest import PASSWORD, csrf_token
from tests.test_permissions import MATRIX, world  # noqa: F401 (the fixture is used by the tests below)

TODAY = date.today()
FUTURE = TODAY + timedelta(days=60)

# --- which forms, posted by whom, where -------------------------------------------------------------------------

NOT_FUZZED = {
    "auth.logout": "its form is a button only and it logs the poster out; test_auth covers it",
    "settlement.stripe_webhook": "not a form: Stripe's signed JSON, refused on a bad signature (test_stripe)",
}


@dataclass
class Form:
    endpoint: str
    role: str
    #: The form class whose fields are posted (the page may add more, e.g. a price field per grade).
    form: type
    #: Where it is posted, and the page that shows it (with its CSRF token, one-time token and values);
    #: both default to the endpoint's URL in tests/access_matrix. "{name}" is an id of the world.
    url: str | None = None
    page: str | None = None
    prefix: str = ""
    #: Values that pass, on top of the page's own.
    good: dict = field(default_factory=dict)
    #: Puts the world in the state the form is for (e.g. a contract to sign).
    setup: object = None
    #: Why the world's data let no submission through (the fuzz still reaches the service), if so.
    refused: str = ""
    #: Columns a rejection may change, by table, each for a reason given where the form is listed.
    may_change: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.endpoint}:{self.role}"


def names(**overrides):
    base = {"zh_Hans": "三等", "ug": "ئۈچىنچى", "kk_Arab": "ءۇشىنشى", "kk_Cyrl": "Үшінші", "en": "Third"}
    return {f"name_{code}": text for code, text in {**base, **overrides}.items()}


PASSWORDS = {"password": "new-password-9", "confirm": "new-password-9"}
PRODUCT_SPEC = {"typical_yield_kg_per_mu": "120", "std_moisture_pct": "8", "std_impurity_pct": "4",
                "reject_moisture_pct": "15", "reject_impurity_pct": "10", "harvest_start_month": "7",
                "harvest_end_month": "9", "active": "y"}


def contract_status(status):
    def setup(db, users, ids):
        from marketplace.models import Contract

        db.session.get(Contract, ids["contract"]).status = status
    return setup


def cancellation_asked(db, users, ids):
    from marketplace.models import Contract

    contract = db.session.get(Contract, ids["contract"])
    contract.cancel_requested_by, contract.cancel_reason = "processor", "不收了"


def delivery_awaiting_farmer(db, users, ids):
    from marketplace.models import Delivery

    db.session.get(Delivery, ids["delivery"]).state = "awaiting_farmer"


def farmer_locked(db, users, ids):
    from marketplace.models import User
    from marketplace.models.base import utcnow

    farmer = db.session.get(User, ids["farmer_id"])
    farmer.failed_logins, farmer.locked_until = 5, utcnow() + timedelta(hours=1)


def batch_approved(db, users, ids):
    from marketplace.models import PayoutBatch

    db.session.get(PayoutBatch, ids["payout_batch"]).status = "approved"


FORMS = [
    # Accounts (anonymous).
    # A wrong password counts towards locking the account: that is the one change a refused login makes.
    Form("auth.login", "anonymous", LoginForm, good={"identifier": "{farmer_phone}", "password": PASSWORD},
         may_change={"user_account": {"failed_logins", "locked_until"}}),
    Form("auth.forgot_password", "anonymous", ForgotForm, good={"identifier": "{farmer_phone}"}),
    Form("auth.reset_password", "anonymous", ResetForm, url="/account/password/reset/{reset_token}",
         good=PASSWORDS),
    Form("auth.signup_farmer", "anonymous", FarmerSignupForm, good={
        "name": "阿依古丽", "phone": "13800138000", "county_id": "{county}", "township_id": "{township}",
        "village": "海努克村", "farm_area_mu": "12.5", "locale": "ug", **PASSWORDS}),
    Form("auth.signup_processor", "anonymous", ProcessorSignupForm, good={
        "company_name": "伊犁红花油脂有限公司", "uscc": "{free_uscc}", "county_id": "{county}", "contact_name": "王磊",
        "phone": "13800138001", "email": "fuzz-buyer@example.com", "locale": "zh_Hans", **PASSWORDS}),
    Form("auth.signup_coop", "anonymous", CoopSignupForm, good={
        "coop_name": "察布查尔红花合作社", "registration_no": "FUZZ-REG-1", "county_id": "{county}",
        "manager_name": "Айгүл", "phone": "13800138002", "email": "fuzz-coop@example.com", "locale": "kk_Cyrl",
        **PASSWORDS}),
    # The market office.
    Form("admin.decide_approval", "admin", DecisionForm, page="/admin/approvals", good={"approve": "y"}),
    Form("admin.unlock_account", "admin", UnlockForm, url="/admin/accounts/{farmer_id}/unlock",
         page="/admin/accounts?locked=y", setup=farmer_locked, good={"unlock": "y"}),
    Form("admin.set_account_status", "admin", AccountStatusForm, url="/admin/accounts/{farmer_id}/status",
         page="/admin/accounts?q=a", good={"close": "y"}),
    Form("catalog.new_product", "admin", NewProductForm, good={"code": "fuzz_product", **names(), **PRODUCT_SPEC}),
    Form("catalog.edit_product", "admin", ProductForm),
    Form("catalog.add_grade", "admin", AddGradeForm, prefix="grade-", page="/admin/products/{product}/edit",
         good={f"grade-{k}": v for k, v in names().items()}),
    Form("catalog.edit_grade", "admin", GradeForm),
    Form("matching.start_run", "admin", RunForm, url="/matching/new", page="/matching/new"),
    Form("prices.record_price", "admin", PriceForm, good={"grade_id": "{grade}", "on_date": "{yesterday}",
                                                          "price_yuan": "6.50", "source_note": "伊宁市场"}),
    # Co-operatives.
    Form("coop.register_member", "coop_manager", MemberForm, good={
        "name": "Ержан", "phone": "13800138003", "county_id": "{county}", "township_id": "{township}",
        "village": "海努克村", "farm_area_mu": "30", "locale": "kk_Arab", "joined_on": TODAY.isoformat(),
        "capital_yuan": "500.00"}),
    Form("coop.set_payout_account", "coop_manager", PayoutAccountForm, page="/cooperative/members/{membership}",
         good={"payout_account": "6222 0200 1234 5678"}),
    # Harvests.
    Form("harvests.new_harvest", "farmer", HarvestForm, good={"expected_kg": "2000"}),
    Form("harvests.new_harvest", "coop_manager", MemberHarvestForm, good={
        "member_id": "{farmer_id}", "expected_kg": "2000", "township_id": "{township}", "village": "海努克村",
        "area_mu": "20.0", "harvest_start": FUTURE.isoformat(),
        "harvest_end": (FUTURE + timedelta(days=20)).isoformat()}),
    Form("harvests.edit_harvest", "farmer", HarvestForm),
    Form("harvests.withdraw_harvest", "farmer", WithdrawHarvestForm, page="/harvests/{harvest}",
         good={"reason": "冰雹"}),
    # Orders.
    Form("orders.new_order", "processor", OrderForm, url="/orders/new",
         page="/orders/new?product={product}&term_type=fixed",
         good={"kg_wanted": "5000", "delivery_start": FUTURE.isoformat(),
               "delivery_end": (FUTURE + timedelta(days=30)).isoformat(), "collection_point": "厂门口",
               "price_1": "6.50", "price_2": "6.00", "price_3": "5.50", "publish": "y"}),
    Form("orders.edit_order", "processor", OrderForm, url="/orders/{draft_order}/edit", good={"save": "y"}),
    Form("orders.publish_order", "processor", PublishForm, page="/orders/{draft_order}", good={"submit": "y"}),
    Form("orders.close_order", "processor", CloseForm, page="/orders/{order}", good={"reason": "已收够"}),
    # Proposals and contracts.
    Form("proposals.decide_proposal", "farmer", DecideForm, page="/proposals/{proposal}", good={"accept": "y"}),
    Form("contracts.sign", "farmer", SignForm, page="/contracts/{contract}", setup=contract_status("draft"),
         good={"fingerprint": "{fingerprint}", "password": PASSWORD, "consent": "y", "sign": "y"}),
    Form("contracts.withdraw", "farmer", WithdrawForm, page="/contracts/{contract}", setup=contract_status("draft"),
         good={"reason": "价格不合适"}),
    Form("contracts.amend", "processor", AmendForm, good={"kg": "400", "propose": "y"}),
    Form("contracts.ask_cancel", "farmer", CancelRequestForm, page="/contracts/{contract}", good={"reason": "不种了"}),
    Form("contracts.answer_cancel", "farmer", CancelAnswerForm, page="/contracts/{contract}",
         setup=cancellation_asked, good={"agree": "y"}),
    # Deliveries.
    Form("deliveries.record", "coop_manager", DeliveryForm, good={
        "gross_kg": "101.5", "tare_kg": "1.5", "moisture_pct": "8", "impurity_pct": "3", "grade_id": "{grade}",
        "graded_by": "质检员", "delivered_on": TODAY.isoformat(), "confirm_warning": "y", "save": "y"}),
    Form("deliveries.correct", "coop_manager", DeliveryForm, good={
        "delivered_on": TODAY.isoformat(), "confirm_warning": "y", "save": "y"}),
    Form("deliveries.confirm", "farmer", ConfirmForm, page="/deliveries/{delivery}", setup=delivery_awaiting_farmer,
         good={"confirm": "y"}),
    Form("deliveries.dispute", "farmer", DisputeForm, page="/deliveries/{delivery}", setup=delivery_awaiting_farmer,
         good={"reason": "秤不准"}),
    Form("deliveries.reject", "coop_manager", RejectDisputeForm, page="/deliveries/{delivery}",
         good={"reason": "秤已校准"}),
    # Settlement.
    Form("settlement.new_advance", "coop_manager", AdvanceForm, good={
        "kind": "seed", "amount": "300.00", "given_on": TODAY.isoformat(), "note": "种子", "save": "y"}),
    Form("settlement.post", "coop_manager", PostForm, page="/settlement/", good={
        "nonce": "fuzz-post", "proposal_id": "{proposal}", "post": "y"}),
    Form("settlement.bank_transfer", "coop_manager", BankTransferForm, page="/settlement/invoices/{invoice}",
         good={"reference": "ICBC-2026-0001", "save": "y"}),
    Form("settlement.post_surplus", "coop_manager", PostSurplusForm, page="/settlement/surplus", good={
        "nonce": "fuzz-surplus", "year": str(TODAY.year - 1), "surplus": "10000", "losses": "0", "reserve_pct": "10",
        "volume_pct": "60", "subsidy_assets": "0", "post": "y"},
         refused="the world has no settled trade, so there is no volume to return the surplus by"),
    Form("settlement.declare_rebate", "processor", DeclareRebateForm, page="/settlement/rebates", good={
        "nonce": "fuzz-rebate", "season": str(TODAY.year), "pool": "1000", "declare": "y"},
         refused="the world has no settled delivery under rebate terms to share a pool by"),
    Form("settlement.prepare_payouts", "coop_manager", PrepareForm, page="/settlement/payouts",
         good={"nonce": "fuzz-prepare", "prepare": "y"}),
    Form("settlement.decide_payouts", "admin", ApproveForm, page="/settlement/payouts/{payout_batch}",
         good={"approve": "y"}),
    Form("settlement.retry_transfers", "admin", RetryTransfersForm, page="/settlement/payouts/{payout_batch}",
         setup=batch_approved, good={"retry": "y"}),
    Form("settlement.pay_by_card", "processor", CardForm, page="/settlement/invoices/{invoice}", good={"pay": "y"}),
    # Every user.
    Form("notifications.read_notifications", "farmer", ReadForm, page="/notifications/", good={"submit": "y"}),
]
BY_KEY = {f.key: f for f in FORMS}


def test_every_form_is_fuzzed_or_excused(app):
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    fuzzed = {f.endpoint for f in FORMS}
    assert not fuzzed & set(NOT_FUZZED)
    assert posted == fuzzed | set(NOT_FUZZED), "add the new form to FORMS (or to NOT_FUZZED, with why)"
    assert len(BY_KEY) == len(FORMS)


# --- fuzz -------------------------------------------------------------------------------------------------------

def _chars(*ranges):
    return st.one_of(*(st.characters(min_codepoint=low, max_codepoint=high) for low, high in ranges))


SCRIPTS = {
    "latin": _chars((0x20, 0x7E), (0xC0, 0x24F)),
    "han": _chars((0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF)),
    "arabic": _chars((0x600, 0x6FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC)),
    "bidi": st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"),
    "cyrillic": _chars((0x400, 0x4FF)),
    "combining": _chars((0x300, 0x36F), (0x1AB0, 0x1AFF)),
    "emoji": st.one_of(_chars((0x1F300, 0x1FAFF)), st.sampled_from("\u200d\ufe0f\u2764")),
    "control": st.one_of(_chars((0x0, 0x1F), (0x7F, 0x9F)), st.sampled_from("\ufeff\u2028\u2029\u00a0\ufffe")),
    "any": st.characters(blacklist_categories=("Cs",)),
}
TEXT = st.text(alphabet=st.one_of(*SCRIPTS.values()), max_size=40)
OVERLONG = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "9", "红", "ئ", "Ж", "\u0301", "🌼", "\x00"]),
                     st.sampled_from([301, 10_000]))
NUMBER_WORDS = [
    "NaN", "nan", "-NaN", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400", "1E+30",
    "-0", "+0", "0", "-0.0", "0.000000000000000000000000000001", "3.14159265358979323846264338327950288",
    "99999999999999999999999999999999.99", "1" * 400, "-1", "-100", "0.1", "0.001", ".5", "5.", "1,5", "1٫5",
    "١٢٣", "１２３", "٣.٥", "0x10", "1_000", " 12 ", "12abc", "−5", "1e3", "2147483648", "-2147483649",
    "9223372036854775808", "-9223372036854775809", "18446744073709551616",
]
NUMBERS = st.one_of(
    st.sampled_from(NUMBER_WORDS),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
DATES = st.one_of(
    st.sampled_from(["0000-01-01", "9999-99-99", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01",
                     "-001-01-01", "10000-01-01", "2026-1-1", "2026/01/01", "01.02.2026", "2026-01-01T00:00",
                     "٢٠٢٦-٠١-٠١", "today"]),
    st.dates().map(date.isoformat),
    st.tuples(st.integers(-99999, 99999), st.integers(-99, 99), st.integers(-99, 99)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
)
WORDS = st.sampled_from(["", " ", "y", "n", "on", "off", "true", "false", "None", "null", "[]", "{}", "acct_",
                         "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd"])
SCALAR = st.one_of(TEXT, OVERLONG, NUMBERS, DATES, WORDS)
#: None drops the field; a list repeats it.
VALUE = st.one_of(st.none(), SCALAR, st.lists(SCALAR, min_size=2, max_size=3))
CSRF = st.one_of(st.sampled_from(["real"] * 8 + ["missing", "wrong"]), st.just("repeated"), TEXT)


# --- the world's rows, compared ---------------------------------------------------------------------------------

def snapshot(connection, leave_out: dict | None = None) -> dict:
    """Per table: (row count, a hash of its rows in primary key order), without the columns `leave_out` names."""
    shot = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "page_generation":
            continue  # the page cache's counters rise with any saved change, the allowed ones too
        skipped = (leave_out or {}).get(table.name, ())
        columns = [c for c in table.columns if c.name not in skipped]
        rows = connection.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
        shot[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return shot


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- the page's form, read as a browser would -------------------------------------------------------------------

class PageForms(HTMLParser):
    """The POST forms of a page: action path -> {field name: [values a browser would send]} and all names."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: dict[str, dict] = {}
        self.current = None
        self.select = self.textarea = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            path = urlsplit(a.get("action") or self.page_path).path
            self.current = self.forms.setdefault(path, {"values": {}, "names": set(), "radios": {}})
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag in ("input", "button") and name:
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            self.current["names"].add(name)
            if kind in ("checkbox", "radio"):
                self.current["radios"].setdefault(name, a.get("value", "y"))
                if "checked" in a:
                    self.current["values"][name] = a.get("value", "y")
            elif kind != "submit":
                self.current["values"][name] = a.get("value", "")
        elif tag == "select" and name:
            self.current["names"].add(name)
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None and value:
                self.first_option = value
            if "selected" in a:
                self.current["values"][self.select] = value
        elif tag == "textarea" and name:
            self.current["names"].add(name)
            self.textarea = name
            self.current["values"][name] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current["values"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select:
            if self.select not in self.current["values"] and self.first_option is not None:
                self.current["values"][self.select] = self.first_option
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def number_field_names(form_class, prefix: str) -> set[str]:
    """The fields read as numbers (integers, decimals, choices by id)."""
    return {prefix + name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField)
            and issubclass(getattr(form_class, name).field_class, (IntegerField, DecimalField, SelectField))}


def form_field_names(form_class, prefix: str) -> set[str]:
    return {prefix + name for name in dir(form_class)
            if isinstance(getattr(form_class, name, None), UnboundField)} - {prefix + "csrf_token"}


# --- the run ----------------------------------------------------------------------------------------------------

@pytest.fixture
def ids(db, world, app):
    """The world's ids and a few more that the forms need."""
    from marketplace.domain.identifiers import uscc_check_char
    from marketplace.models import Contract, Township
    from marketplace.services.accounts import make_reset_token

    users, world_ids = world
    farmer = users["farmer"]
    township = db.session.scalar(sa.select(Township).where(Township.code == "hainuke_xiang"))
    contract = db.session.get(Contract, world_ids["contract"])
    stem = "91654002MA7999999"
    extra = {"farmer_id": farmer.id, "farmer_phone": farmer.phone, "county": township.county_id,
             "township": township.id, "grade": contract.harvest.grade_id,
             "yesterday": (TODAY - timedelta(days=1)).isoformat(),
             "reset_token": make_reset_token(farmer, app.config["SECRET_KEY"]),
             "free_uscc": stem + uscc_check_char(stem)}
    db.session.commit()
    return users, {**world_ids, **extra}


class Fuzzer:
    def __init__(self, app, db, users, ids, spec: Form):
        self.app, self.db, self.spec, self.ids = app, db, spec, ids
        self.user = users.get(spec.role)
        self.csrf_name = spec.prefix + "csrf_token"
        self.url = (spec.url or MATRIX[spec.endpoint][1]).format(**ids)
        self.page = (spec.page or spec.url or MATRIX[spec.endpoint][1]).format(**ids)
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(self.url).path, method="POST")
        assert endpoint == spec.endpoint, f"{self.url} is {endpoint}, not {spec.endpoint}"
        if spec.setup:
            spec.setup(db, users, ids)
            db.session.commit()
        self.connection = db.session.bind
        self.start_client()
        self.before = snapshot(self.connection, spec.may_change)
        self.names = sorted(form_field_names(spec.form, spec.prefix) | self.page_names)

    def start_client(self):
        """A client with the role logged in, the page's token and the page's values."""
        self.client = self.app.test_client()
        if self.user is not None:
            from tests.conftest import Auth

            assert Auth(self.client).login(self.user.email or self.user.phone).status_code == 302
        resp = self.client.get(self.page)
        assert resp.status_code == 200, f"{self.page}: {resp.status_code}"
        html = resp.get_data(as_text=True)
        self.token = csrf_token(self.client, "/dashboard" if self.user else "/account/login")
        parser = PageForms(urlsplit(self.page).path)
        parser.feed(html)
        shown = parser.forms.get(urlsplit(self.url).path, {"values": {}, "names": set(), "radios": {}})
        self.page_names = shown["names"] - {self.csrf_name}
        values = {**shown["radios"], **shown["values"]}
        values.pop(self.csrf_name, None)
        self.good = {**values, **{k: str(v).format(**self.ids) for k, v in self.spec.good.items()}}
        self.db.session.rollback()

    def post(self, fuzz: dict, csrf):
        data = {k: v for k, v in self.good.items() if k not in fuzz}
        data.update({k: v for k, v in fuzz.items() if v is not None})
        if csrf == "real":
            data[self.csrf_name] = self.token
        elif csrf == "wrong":
            data[self.csrf_name] = self.token[:-4] + "AAAA"
        elif csrf == "repeated":
            data[self.csrf_name] = [self.token, "x"]
        elif csrf != "missing":
            data[self.csrf_name] = csrf
        return self.client.post(self.url, data=data)

    def check(self, fuzz: dict, csrf):
        self.db.session.rollback()  # the session holds no savepoint of its own across the one below
        savepoint = self.connection.begin_nested()
        try:
            resp = self.post(fuzz, csrf)
            status = resp.status_code
            assert status < 500, f"{status} for {fuzz!r}"
            if status not in (301, 302, 303):
                after = snapshot(self.connection, self.spec.may_change)
                assert not changed(self.before, after), (
                    f"{status}, rejected, but rows changed in {changed(self.before, after)} for {fuzz!r}")
        finally:
            self.db.session.rollback()
            savepoint.rollback()
        if status in (301, 302, 303) and self.user is None:
            self.start_client()  # a signup or a login logs in: start again as nobody


def fuzz_for(names):
    return st.dictionaries(st.sampled_from(names), VALUE, min_size=1)


#: Each field alone, the others good: what SQLite lets through and PostgreSQL does not (a NUL in text, a string
#: longer than its column, and in a number field an integer past 32 bits), so both databases answer the same.
EACH_FIELD = ["a\x00b", "红" * 10_000]
EACH_NUMBER_FIELD = ["2147483648"]


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_fuzzed_form_never_fails_and_a_rejection_changes_nothing(app, db, ids, key):
    users, world_ids = ids
    fuzzer = Fuzzer(app, db, users, world_ids, BY_KEY[key])
    numbers = number_field_names(BY_KEY[key].form, BY_KEY[key].prefix) | {n for n in fuzzer.names if n.endswith("_id")}
    for name in fuzzer.names:
        for value in EACH_FIELD + (EACH_NUMBER_FIELD if name in numbers else []):
            fuzzer.check({name: value}, "real")

    # Forms with few fields need fewer examples to try their combinations.
    examples = min(25, 8 + 2 * len(fuzzer.names)) * int(os.environ.get("FUZZ_SCALE", "1"))

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large])
    @given(fuzz=fuzz_for(fuzzer.names), csrf=CSRF)
    @example(fuzz={}, csrf="real")
    def run(fuzz, csrf):
        fuzzer.check(fuzz, csrf)

    run()


def test_the_good_values_pass(app, db, ids):
    """The base the fuzz starts from is a form that goes through, so the fuzz reaches the service."""
    users, world_ids = ids
    refused = {}
    for key in sorted(BY_KEY):
        db.session.rollback()
        savepoint = db.session.bind.begin_nested()  # each form's setup and post are undone before the next
        try:
            status = Fuzzer(app, db, users, world_ids, BY_KEY[key]).post({}, "real").status_code
        finally:
            db.session.rollback()
            savepoint.rollback()
        if (status in (302, 303)) == bool(BY_KEY[key].refused):
            refused[key] = status
    assert not refused


#: What the fuzz found, kept: (form, the fields sent differently from the good values).
FOUND = [
    ("coop.register_member:coop_manager", {"capital_yuan": "1E26"}),  # quantized past Decimal's 28 digits
    ("coop.register_member:coop_manager", {"capital_yuan": "sNaN"}),  # NumberRange cannot compare a signaling NaN
    ("coop.register_member:coop_manager", {"farm_area_mu": "sNaN"}),
    ("auth.signup_farmer:anonymous", {"farm_area_mu": "-sNaN"}),
    ("harvests.new_harvest:farmer", {"area_mu": "1E30"}),
    ("settlement.prepare_payouts:coop_manager", {"nonce": "a" * 301}),  # longer than its column (PostgreSQL)
    ("settlement.prepare_payouts:coop_manager", {"nonce": "\x00" * 301}),  # a NUL (PostgreSQL)
    ("settlement.new_advance:coop_manager", {"nonce": "abc\n"}),
    ("harvests.withdraw_harvest:farmer", {"reason": "hail\x00"}),
    ("deliveries.record:coop_manager", {"remarks": "\x00"}),
    ("settlement.post:coop_manager", {"proposal_id": "2147483648"}),  # past PostgreSQL's integer
    ("orders.new_order:processor", {"product_id": "9" * 301}),
]


@pytest.mark.parametrize("key", sorted({key for key, _fuzz in FOUND}))
def test_what_the_fuzz_found_stays_fixed(app, db, ids, key):
    users, world_ids = ids
    fuzzer = Fuzzer(app, db, users, world_ids, BY_KEY[key])
    for found_key, fuzz in FOUND:
        if found_key == key:
            fuzzer.check(fuzz, "real")
