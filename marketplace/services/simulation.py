"""A whole season run through the services, for load tests, benchmarks and a quick look at the books.

People (co-ops with two managers each, processors, farmers, some without a phone), harvests and orders;
a matching run per product; both sides accept; both sign; advances; deliveries (some rejected, some
disputed and then corrected or answered); settlement per co-op; invoices paid by bank transfer; payouts
prepared and approved by another manager; a second-round rebate; the year-end surplus. Every step goes
through the same service a person would use, so the ledger check at the end checks the product.
"""
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from marketplace.domain.identifiers import uscc_check_char
from marketplace.domain.surplus import Inputs
from marketplace.extensions import db
from marketplace.models import (
    Contract, ContractOrder, Cooperative, County, FarmerProfile, Grade, Harvest, Invoice, Membership, Processor,
    Product, Proposal, Township, User,
)
from marketplace.services import deliveries, payments, payouts, rebates, stripe_gateway, surplus
from marketplace.services.contracts import SigningInput, sign_contract
from marketplace.services.matching_runs import start_run
from marketplace.services.proposals import decide
from marketplace.services.settlement import Scope, post_settlement, record_advance

PASSWORD = "season-simulation"
PHASES = ("people", "listings", "matching", "agreeing", "signing", "advances", "deliveries", "settlement",
          "payments", "payouts", "rebates", "surplus")


class Names:
    """What the simulated people and places are called (a load test's plain labels; the demo gives real names)."""

    village = "模拟村"
    collection_point = "模拟收购点"

    def __init__(self, tag: str):
        self.tag = tag

    def cooperative(self, i: int) -> tuple[str, str]:
        """Name and registration number."""
        return f"模拟合作社 {self.tag}-{i}", f"SIM{self.tag}{i}"[:40]

    def processor(self, i: int) -> str:
        return f"模拟加工厂 {self.tag}-{i}"

    def manager(self, i: int, second: bool) -> str:
        return f"副主任{i}" if second else f"主任{i}"

    def buyer(self, i: int) -> str:
        return f"采购{i}"

    def farmer(self, i: int, locale: str) -> str:
        return f"农户{i}"


@dataclass
class SeasonReport:
    farmers: int = 0
    seconds: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"farmers": self.farmers, "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "counts": self.counts}


class Season:
    """One simulated season; `progress(label, items)` wraps each phase's loop (a click progress bar, or not)."""

    def __init__(self, farmers: int, seed: int, today: date, progress=None, names=None):
        self.n, self.rng, self.today = farmers, random.Random(seed), today
        self.progress = progress or (lambda label, items: _Plain(items))
        self.report = SeasonReport(farmers=farmers)
        self.start = today - timedelta(days=40)  # the season's delivery window is open today
        self.season = self.start.year
        self.hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
        self.tag = f"s{seed}-{int(time.time() * 1000) % 10_000_000}"
        self.phone_base = self.rng.randrange(10**8) + int(time.time()) % 10**8
        self.users = 0
        self.names = names(self.tag) if names else Names(self.tag)

    def run(self) -> SeasonReport:
        for phase in PHASES:
            began = time.perf_counter()
            done = getattr(self, f"phase_{phase}")()
            db.session.commit()
            self.report.seconds[phase] = time.perf_counter() - began
            self.report.counts[phase] = done
        return self.report

    # --- people and listings ---------------------------------------------------------------------------------

    def phase_people(self) -> int:
        towns = db.session.scalars(sa.select(Township)).all()
        counties = {c.id: c for c in db.session.scalars(sa.select(County))}
        self.admin = db.session.scalar(sa.select(User).where(User.role == "admin")) or self._user("admin", "市场")
        self.coops, self.managers = [], {}
        for i in range(max(1, self.n // 400)):
            town = towns[i % len(towns)]
            name, registration_no = self.names.cooperative(i)
            coop = Cooperative(name=name, county_id=town.county_id, registration_no=registration_no)
            db.session.add(coop)
            db.session.flush()
            self.coops.append((coop, town))
            self.managers[coop.id] = [
                self._user("coop_manager", self.names.manager(i, False), cooperative_id=coop.id),
                self._user("coop_manager", self.names.manager(i, True), cooperative_id=coop.id)]
        self.buyers = []
        for i in range(max(2, self.n // 150)):
            stem = f"9165{self.rng.randrange(10**12, 10**13)}"
            county = counties[self.coops[i % len(self.coops)][1].county_id]
            proc = Processor(company_name=self.names.processor(i), uscc=stem + uscc_check_char(stem),
                             county_id=county.id, contact_name="采购")
            db.session.add(proc)
            db.session.flush()
            self.buyers.append(self._user("processor", self.names.buyer(i), processor_id=proc.id))
        self.farmers = []
        for i in self.progress("people", range(self.n)):
            coop, town = self.coops[i % len(self.coops)]
            phone = None if i % 10 == 9 else f"+8615{(self.phone_base + i) % 10**9:09d}"
            locale = ("ug", "kk_Arab", "kk_Cyrl", "zh_Hans")[i % 4]
            farmer = self._user("farmer", self.names.farmer(i, locale), phone=phone, locale=locale)
            db.session.add(FarmerProfile(user_id=farmer.id, county_id=town.county_id, township_id=town.id,
                                         village=self.names.village, farm_area_mu=Decimal(self.rng.randrange(20, 200)) / 10,
                                         managed_by_coop_id=None if phone else coop.id))
            db.session.add(Membership(cooperative_id=coop.id, farmer_id=farmer.id, joined_on=date(2024, 3, 1),
                                      capital_fen=self.rng.randrange(1, 10) * 50_000,
                                      payout_account=None if i % 3 == 0 else f"6222{i:012d}"))
            self.farmers.append((farmer, coop, town))
        db.session.flush()
        return self.n

    def _user(self, role: str, name: str, **kw) -> User:
        self.users += 1
        user = User(role=role, status="active", name=name, password_hash=self.hash, locale=kw.pop("locale", "zh_Hans"),
                    email=None if role == "farmer" else f"{role}{self.users}-{self.tag}@sim.example", **kw)
        db.session.add(user)
        db.session.flush()
        return user

    def phase_listings(self) -> int:
        products = {p.code: p for p in db.session.scalars(sa.select(Product))}
        self.seed = products["safflower_seed"]
        end = self.start + timedelta(days=80)
        supply = 0
        for farmer, _coop, town in self.progress("listings", self.farmers):
            kg = self.rng.randrange(300, 2_500)
            supply += kg
            db.session.add(Harvest(farmer_id=farmer.id, product_id=self.seed.id, variety="", area_mu=Decimal("10.0"),
                                   expected_kg=kg, grade_id=self.seed.grades[0].id if self.rng.random() < .7
                                   else self.seed.grades[-1].id, harvest_start=self.start,
                                   harvest_end=self.start + timedelta(days=20), county_id=town.county_id,
                                   township_id=town.id, village=self.names.village, status="open", created_by_id=farmer.id))
        per_order = supply * 11 // 10 // len(self.buyers) + 1
        for i, buyer in enumerate(self.buyers):
            county = db.session.get(Processor, buyer.processor_id).county
            kind = "rebate" if i % 2 else "fixed"
            db.session.add(ContractOrder(
                processor_id=buyer.processor_id, product_id=self.seed.id, kg_wanted=per_order,
                min_grade_id=self.seed.grades[-1].id, delivery_start=self.start, delivery_end=end,
                collection_county_id=county.id, collection_point=self.names.collection_point, collection_lat=county.lat,
                collection_lon=county.lon, min_alloc_kg=0, term_type=kind,
                terms={"prices": {"1": 620, "2": 560}, "caps": {}, "margin_bp": 0,
                       "share_bp": 3_000 if kind == "rebate" else 0, "base_fen_per_mu": 0},
                advance_seed_fen_per_mu=3_000, coop_fee_bp=200, risk_levy_bp=100, short_delivery_penalty_bp=1_000,
                refusal_penalty_bp=1_500, status="open", created_by_id=buyer.id))
        db.session.flush()
        return self.n + len(self.buyers)

    # --- the deal --------------------------------------------------------------------------------------------

    def phase_matching(self) -> int:
        run = start_run(self.admin, self.seed.id, self.season, self.today)
        self.proposals = db.session.scalars(sa.select(Proposal).where(Proposal.run_id == run.id)
                                            .order_by(Proposal.id)).all()
        return len(self.proposals)

    def _farmer_side(self, farmer: User) -> tuple[User, bool]:
        if farmer.phone:
            return farmer, False
        coop_id = db.session.scalar(sa.select(Membership.cooperative_id).where(Membership.farmer_id == farmer.id))
        return self.managers[coop_id][0], True

    def phase_agreeing(self) -> int:
        buyers = {b.processor_id: b for b in self.buyers}
        for p in self.progress("agreeing", self.proposals):
            side, _ = self._farmer_side(p.harvest.farmer)
            decide(side, p.id, True, self.today)
            decide(buyers[p.order.processor_id], p.id, True, self.today)
        self.contracts = db.session.scalars(sa.select(Contract).where(
            Contract.proposal_id.in_([p.id for p in self.proposals]))).all()
        return len(self.contracts)

    def phase_signing(self) -> int:
        buyers = {b.processor_id: b for b in self.buyers}
        for c in self.progress("signing", self.contracts):
            side, for_member = self._farmer_side(db.session.get(User, c.farmer_id))
            sign_contract(side, c.id, SigningInput(PASSWORD, True, "127.0.0.1", "simulation",
                                                   consent_method="in_person_thumbprint" if for_member else "self",
                                                   witness="村委会" if for_member else ""))
            sign_contract(buyers[c.processor_id], c.id, SigningInput(PASSWORD, True, "127.0.0.1", "simulation"))
        return len(self.contracts) * 2

    def _manager(self, contract: Contract) -> User:
        coop_id = db.session.scalar(sa.select(Membership.cooperative_id).where(Membership.farmer_id == contract.farmer_id))
        return self.managers[coop_id][0]

    def phase_advances(self) -> int:
        done = 0
        for c in self.progress("advances", self.contracts[::3]):
            record_advance(self._manager(c), c.id, "seed", 3_000 * 10, self.start - timedelta(days=100), self.today)
            done += 1
        return done

    def phase_deliveries(self) -> int:
        grades = {g.rank: g for g in db.session.scalars(sa.select(Grade).where(Grade.product_id == self.seed.id))}
        done = 0
        for i, c in enumerate(self.progress("deliveries", self.contracts)):
            manager, day = self._manager(c), self.start + timedelta(days=self.rng.randrange(0, 30))
            rejected = i % 33 == 32
            data = deliveries.DeliveryInput(
                gross_grams=c.kg * 1000 + 20_000, tare_grams=20_000, moisture_bp=1_600 if rejected else 850,
                impurity_bp=300, grade_id=grades[1 if i % 4 else 2].id, graded_by="质检员", delivered_on=day,
                confirm_warning=True)
            d = deliveries.record_delivery(manager, c.id, data, self.today)
            side, _ = self._farmer_side(db.session.get(User, c.farmer_id))
            if i % 50 == 7 and not rejected:  # disputed, then corrected by the co-op
                deliveries.dispute_delivery(side, d.id, "水分偏高")
                deliveries.correct_delivery(self.managers[d.cooperative_id][1], d.id, deliveries.DeliveryInput(
                    **{**data.__dict__, "moisture_bp": 800}), self.today)
            elif i % 50 == 19 and not rejected:  # disputed, answered without a correction
                deliveries.dispute_delivery(side, d.id, "等级不对")
                deliveries.reject_dispute(self.managers[d.cooperative_id][1], d.id, "复检无误")
            else:
                deliveries.confirm_delivery(side, d.id)
            done += 1
        return done

    # --- money -----------------------------------------------------------------------------------------------

    def phase_settlement(self) -> int:
        lines = 0
        for coop, _town in self.progress("settlement", self.coops):
            run = post_settlement(self.managers[coop.id][0], Scope(start=self.start, end=self.today))
            lines += len(run.lines) if run else 0
        return lines

    def phase_payments(self) -> int:
        """Bank transfers; with Stripe configured, every other invoice is paid by card instead."""
        invoices = db.session.scalars(sa.select(Invoice).where(
            Invoice.cooperative_id.in_([c.id for c, _ in self.coops]), Invoice.status == "open")).all()
        buyers = {b.processor_id: b for b in self.buyers}
        by_card = stripe_gateway.enabled()
        for n, inv in enumerate(self.progress("payments", invoices)):
            if by_card and n % 2 == 0:
                self._pay_by_card(buyers[inv.processor_id], inv)
                continue
            payments.record_bank_transfer(self.managers[inv.cooperative_id][0], inv.id,
                                          inv.amount_fen - inv.paid_fen, f"SIM-{inv.id}", self.today, self.today)
        return len(invoices)

    def _pay_by_card(self, buyer: User, invoice: Invoice) -> None:
        """What the processor's browser does with Stripe's element (a test card, confirmed), then what Stripe's
        webhook brings: the succeeded intent, applied once through the same handler."""
        record = stripe_gateway.create_intent(buyer, invoice.id)
        api = stripe_gateway.client().v1
        card = api.payment_methods.create(params={"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": self.today.year + 3, "cvc": "123"}})
        api.payment_intents.update(record.intent_id, params={"payment_method": card.id})
        intent = api.payment_intents.confirm(record.intent_id).to_dict()
        stripe_gateway.handle_event({"id": f"evt_sim_{intent['id']}", "type": "payment_intent.succeeded",
                                     "data": {"object": intent}})

    def phase_payouts(self) -> int:
        items = 0
        for coop, _town in self.progress("payouts", self.coops):
            first, second = self.managers[coop.id]
            batch = payouts.prepare_batch(first)
            payouts.approve_batch(second, batch.id)
            items += len(batch.items)
        return items

    def phase_rebates(self) -> int:
        declared = 0
        for buyer in self.progress("rebates", self.buyers[1::2]):
            if rebates.earning_kg(buyer.processor_id, self.season):
                rebates.declare_rebate(buyer, self.season, 50_000_00)
                declared += 1
        return declared

    def phase_surplus(self) -> int:
        for coop, _town in self.progress("surplus", self.coops):
            surplus.post_distribution(self.managers[coop.id][0], self.season,
                                      Inputs(surplus_fen=400_000_00, losses_covered_fen=0, reserve_bp=1_000,
                                             volume_bp=7_000))
        return len(self.coops)


class _Plain:
    """No progress bar: the items as they are."""

    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)
