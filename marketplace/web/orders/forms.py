"""Contract order forms: the product choice, the order (one price field per grade), closing, filters.

Amounts are typed as text and read exactly (see amounts.py), never through a float.
"""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from marketplace.domain.terms import FIXED, FLOOR_MARKET, MARKET_LINKED, PER_KG, REBATE, SHARE_COOP, TERM_TYPES
from marketplace.i18n import local_name
from marketplace.services.orders import OrderInput
from marketplace.web.fields import NUMBER_KW
from marketplace.web.forms import BaseForm
from marketplace.web.amounts import percent_field, yuan_field
from marketplace.web.orders.labels import SHARE_LABELS
from marketplace.web.terms_text import TERM_NAMES

#: Bounds the form checks before the service does (the service's own limits are the same or wider).
MAX_KG = 100_000_000
MAX_SUPPLIERS = 100_000
MAX_FEN_PER_KG = 100_000_000
INTEGER_KW = {"inputmode": "numeric", "dir": "ltr"}
DATE_KW = {"dir": "ltr"}


def term_choices():
    return [SelectChoice(kind, TERM_NAMES[kind]) for kind in TERM_TYPES]


class ChooseProductForm(BaseForm):
    """Step 1: which product the order is for (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    product = SelectField(_l("Product"), coerce=int, validators=[InputRequired()])
    term_type = RadioField(_l("Price terms (you can change them in the next step)"), choices=term_choices(),
                           validators=[Optional()])


class OrderForm(BaseForm):
    """Step 2. `order_form_class` adds price_<rank> and cap_<rank> for each grade of the product."""

    product_id = HiddenField()
    nonce = HiddenField()
    kg_wanted = IntegerField(_l("Quantity wanted (kg)"), validators=[InputRequired()], render_kw=INTEGER_KW,
                             description=_l("Whole kilograms, digits only, for example 50000."))
    min_grade_id = SelectField(_l("Minimum grade"), coerce=int, validators=[InputRequired()],
                               description=_l("The order accepts this grade and every better one."))
    delivery_start = DateField(_l("Delivery from"), validators=[InputRequired()], render_kw=DATE_KW)
    delivery_end = DateField(_l("Delivery until"), validators=[InputRequired()], render_kw=DATE_KW)
    collection_county_id = SelectField(_l("County of the collection point"), coerce=int, validators=[InputRequired()])
    collection_point = StringField(
        _l("Collection point"), validators=[DataRequired(), Length(max=120)], render_kw={"dir": "auto"},
        description=_l("Where farmers deliver, for example the mill's gate or a co-op's weighing station."),
    )
    lat = DecimalField(_l("Latitude (optional)"), places=None, validators=[Optional()], render_kw=NUMBER_KW,
                       description=_l("Leave both empty to use the county seat."))
    lon = DecimalField(_l("Longitude (optional)"), places=None, validators=[Optional()], render_kw=NUMBER_KW)
    max_suppliers = IntegerField(_l("Most suppliers (optional)"), validators=[Optional()], render_kw=INTEGER_KW,
                                 description=_l("The most farmers or co-ops this order may be split among."))
    min_alloc_kg = IntegerField(_l("Smallest allocation (kg)"), default=0, validators=[Optional()],
                                render_kw=INTEGER_KW,
                                description=_l("No supplier is allocated less than this. 0 for no minimum."))
    term_type = RadioField(_l("Price terms"), choices=term_choices(), validators=[InputRequired()])
    margin_pct = percent_field(
        _l("Margin over the market (%)"), low=-50, high=100,
        message=_l("The margin over the market must be between -50 % and 100 %."),
        description=_l("Only for guaranteed floor + market price: the market price plus this margin. May be negative."),
    )
    share_pct = percent_field(
        _l("Share (%)"), message=_l("The share must be between 0 % and 100 %."),
        description=_l("Floor + share: the farmer's share of the rise above the floor. Rebate: the share of your realised margin. Share cooperation: the farmers' share of net profit."),
    )
    base_per_mu = yuan_field(_l("Base payment per mu (yuan)"),
                             description=_l("Only for share cooperation: paid for each contracted mu."))
    advance_seed_per_mu = yuan_field(_l("Seed advance per mu (yuan)"))
    advance_fertiliser_per_mu = yuan_field(_l("Fertiliser advance per mu (yuan)"))
    advance_cash_per_mu = yuan_field(_l("Cash advance per mu (yuan)"))
    coop_fee_pct = percent_field(_l("Co-op service fee (%)"))
    risk_levy_pct = percent_field(_l("Risk-fund levy (%)"))
    short_delivery_penalty_pct = percent_field(
        _l("Short-delivery penalty (%)"),
        description=_l("What a farmer owes for kg contracted but not delivered (or sold elsewhere), as a share of their value."),
    )
    refusal_penalty_pct = percent_field(
        _l("Refusal penalty (%)"),
        description=_l("What you owe for a delivery you refuse or downgrade without reason, as a share of its value."),
    )
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Publish"))
    save = SubmitField(_l("Save changes"))

    #: Set by order_form_class.
    grade_ranks: tuple = ()
    rank_of_grade: dict = {}

    def price_field(self, rank: int):
        return self[f"price_{rank}"]

    def cap_field(self, rank: int):
        return self[f"cap_{rank}"]

    def accepted_ranks(self) -> list[int]:
        worst = self.rank_of_grade.get(self.min_grade_id.data)
        return [r for r in self.grade_ranks if worst is not None and r <= worst]

    def validate_kg_wanted(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The quantity must be more than zero."))
        if field.data is not None and field.data > MAX_KG:
            raise ValidationError(_l("The quantity can be at most 100,000 tonnes."))

    def validate_min_alloc_kg(self, field):
        if field.data is not None and not 0 <= field.data <= MAX_KG:
            raise ValidationError(_l("The minimum allocation must be between zero and the quantity wanted."))

    def validate_max_suppliers(self, field):
        if field.data is not None and not 1 <= field.data <= MAX_SUPPLIERS:
            raise ValidationError(_l("The number of suppliers must be at least 1."))

    def validate_lat(self, field):
        if field.data is not None and not field.data.is_finite():
            raise ValidationError(_l("Not a valid decimal value."))

    validate_lon = validate_lat

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        kind = self.term_type.data
        if kind in PER_KG:
            for rank in self.accepted_ranks():
                price = self.price_field(rank)
                if not price.errors and price.fen is None:
                    price.errors.append(_("Give a price for every grade the order accepts."))
                    ok = False
        if kind in MARKET_LINKED:
            for rank in self.accepted_ranks():
                price, cap = self.price_field(rank), self.cap_field(rank)
                if price.fen is not None and cap.fen is not None and cap.fen < price.fen and not cap.errors:
                    cap.errors.append(_("The floor price is above the cap for this grade."))
                    ok = False
        if kind == SHARE_COOP and not self.base_per_mu.errors and not self.base_per_mu.fen:
            self.base_per_mu.errors.append(_("Give the base payment per mu."))
            ok = False
        return ok

    def to_input(self, product_id: int) -> OrderInput:
        """The service's input; numbers that the chosen terms do not use are left out."""
        kind = self.term_type.data
        accepted = self.accepted_ranks()
        prices = {r: self.price_field(r).fen for r in accepted if self.price_field(r).fen is not None}
        caps = {r: self.cap_field(r).fen for r in accepted if self.cap_field(r).fen is not None}
        return OrderInput(
            product_id=product_id, kg_wanted=self.kg_wanted.data, min_grade_id=self.min_grade_id.data,
            delivery_start=self.delivery_start.data, delivery_end=self.delivery_end.data,
            collection_county_id=self.collection_county_id.data, collection_point=self.collection_point.data,
            collection_lat=float(self.lat.data) if self.lat.data is not None else None,
            collection_lon=float(self.lon.data) if self.lon.data is not None else None,
            max_suppliers=self.max_suppliers.data, min_alloc_kg=self.min_alloc_kg.data or 0, term_type=kind,
            prices=prices if kind in PER_KG else {},
            caps=caps if kind in MARKET_LINKED else {},
            margin_bp=self.margin_pct.bp if kind == FLOOR_MARKET else 0,
            share_bp=self.share_pct.bp if kind in SHARE_LABELS else 0,
            base_fen_per_mu=(self.base_per_mu.fen or 0) if kind == SHARE_COOP else 0,
            advance_seed_fen_per_mu=self.advance_seed_per_mu.fen or 0,
            advance_fertiliser_fen_per_mu=self.advance_fertiliser_per_mu.fen or 0,
            advance_cash_fen_per_mu=self.advance_cash_per_mu.fen or 0,
            coop_fee_bp=self.coop_fee_pct.bp, risk_levy_bp=self.risk_levy_pct.bp,
            short_delivery_penalty_bp=self.short_delivery_penalty_pct.bp,
            refusal_penalty_bp=self.refusal_penalty_pct.bp,
        )


def price_label(kind: str | None, grade_name: str) -> str:
    # i18n: %(grade)s is a grade name such as 一等; the label of a price field in yuan per kg
    if kind in MARKET_LINKED:
        return _("Guaranteed floor for %(grade)s (yuan per kg)", grade=grade_name)
    if kind == FIXED:
        return _("Contract price for %(grade)s (yuan per kg)", grade=grade_name)
    if kind == REBATE:
        return _("Base price for %(grade)s (yuan per kg)", grade=grade_name)
    return _("Price for %(grade)s (yuan per kg)", grade=grade_name)


def order_form_class(product, term_type: str | None):
    """The order form for one product: a price field and a cap field per grade, labelled for the terms."""
    attrs = {}
    for grade in product.grades:
        name = local_name(grade.names)
        attrs[f"price_{grade.rank}"] = yuan_field(
            price_label(term_type, name), positive=True, high=MAX_FEN_PER_KG,
            too_big=_l("The price can be at most 1,000,000 yuan per kg."),
        )
        attrs[f"cap_{grade.rank}"] = yuan_field(
            # i18n: %(grade)s is a grade name; the highest price paid under floor terms
            _("Cap for %(grade)s (yuan per kg, optional)", grade=name), positive=True, high=MAX_FEN_PER_KG,
            too_big=_l("The price can be at most 1,000,000 yuan per kg."),
        )
    attrs["grade_ranks"] = tuple(g.rank for g in product.grades)
    attrs["rank_of_grade"] = {g.id: g.rank for g in product.grades}
    return type("ProductOrderForm", (OrderForm,), attrs)


def _yuan_text(fen: int | None) -> str:
    return "" if not fen else format(Decimal(fen) / 100, ".2f")


def _percent_text(bp: int) -> str:
    return format((Decimal(bp) / 100).normalize(), "f")


def initial_data(order) -> dict:
    """The form's values for an existing order (edit)."""
    terms = order.terms or {}
    seat = order.collection_county
    at_seat = (order.collection_lat, order.collection_lon) == (seat.lat, seat.lon)
    data = {
        "product_id": order.product_id, "kg_wanted": order.kg_wanted, "min_grade_id": order.min_grade_id,
        "delivery_start": order.delivery_start, "delivery_end": order.delivery_end,
        "collection_county_id": order.collection_county_id, "collection_point": order.collection_point,
        # A point at the county seat was the default: leave it empty, so a new county brings its own seat.
        "lat": None if at_seat else Decimal(str(order.collection_lat)),
        "lon": None if at_seat else Decimal(str(order.collection_lon)),
        "max_suppliers": order.max_suppliers, "min_alloc_kg": order.min_alloc_kg, "term_type": order.term_type,
        "margin_pct": _percent_text(terms.get("margin_bp", 0)), "share_pct": _percent_text(terms.get("share_bp", 0)),
        "base_per_mu": _yuan_text(terms.get("base_fen_per_mu", 0)),
        "advance_seed_per_mu": _yuan_text(order.advance_seed_fen_per_mu),
        "advance_fertiliser_per_mu": _yuan_text(order.advance_fertiliser_fen_per_mu),
        "advance_cash_per_mu": _yuan_text(order.advance_cash_fen_per_mu),
        "coop_fee_pct": _percent_text(order.coop_fee_bp), "risk_levy_pct": _percent_text(order.risk_levy_bp),
        "short_delivery_penalty_pct": _percent_text(order.short_delivery_penalty_bp),
        "refusal_penalty_pct": _percent_text(order.refusal_penalty_bp),
    }
    for rank, fen in terms.get("prices", {}).items():
        data[f"price_{rank}"] = _yuan_text(fen)
    for rank, fen in terms.get("caps", {}).items():
        data[f"cap_{rank}"] = _yuan_text(fen)
    return data


class PublishForm(BaseForm):
    submit = SubmitField(_l("Publish"))


class CloseForm(BaseForm):
    reason = TextAreaField(_l("Reason for closing"), validators=[DataRequired(), Length(max=300)],
                           render_kw={"dir": "auto", "rows": 3})
    submit = SubmitField(_l("Close the order"))


class OrderFilterForm(BaseForm):
    """The processor's list filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")
    product = SelectField(_l("Product"), coerce=int, default=0)


class ProductFilterForm(BaseForm):
    """A product filter (open orders, expected supply): a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    product = SelectField(_l("Product"), coerce=int, default=0)
