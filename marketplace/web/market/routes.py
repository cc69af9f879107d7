"""The market board, open to everyone: the page, its tables as CSV, and its figures as JSON."""
from datetime import date

import sqlalchemy as sa
from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.domain.market import RISK_BELOW_BP, ROOM_ABOVE_BP, planning_season, price_chart
from marketplace.extensions import db
from marketplace.i18n import local_name, text_direction
from marketplace.models import County, Grade, PriceIndexEntry, Product
from marketplace.page_cache import cached_page
from marketplace.services import market
from marketplace.services.products import active_products
from marketplace.web.access import public
from marketplace.web.downloads import csv_response, yuan
from marketplace.web.market import bp

#: Rows per page of the price CSV, and the longest range it answers at once.
PRICE_ROWS_PER_PAGE = 1_000
MAX_PRICE_RANGE_DAYS = 5 * 366
TABLES = ("totals", "counties", "grades", "calendar", "prices")


class BadQuery(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@bp.context_processor
def helpers():
    return {"yuan": yuan}  # prices in fen written as yuan, exactly (no float)


@bp.errorhandler(BadQuery)
def bad_query(error):
    return render_template("market/problem.html", message=error.message, products=active_products(),
                           season=planning_season(date.today())), 400


def not_found():
    """404 with a way back: every product's board for the season being planned."""
    return render_template("market/problem.html", products=active_products(), season=planning_season(date.today()),
                           message=_("There is no board for this product or season.")), 404


def product_and_season(code: str, season: int) -> Product | None:
    product = db.session.scalar(sa.select(Product).where(Product.code == code, Product.active.is_(True))
                                .options(sa.orm.selectinload(Product.grades)))
    if product is None or not market.valid_season(season, date.today()):
        return None
    return product


def _positive_int(name: str, default: int, most: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        # i18n: a query parameter in the address is not a whole number in range; %(name)s is its name
        raise BadQuery(_("“%(name)s” must be a whole number from 1 to %(most)s.", name=name, most=most))
    return int(raw)


def _date_arg(name: str, default: date) -> date:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        # i18n: a date in the address is not a date; %(name)s is the parameter's name
        raise BadQuery(_("“%(name)s” must be a date written as 2026-09-30.", name=name)) from None


def _names() -> tuple[dict, dict]:
    counties = {c.id: c for c in db.session.scalars(sa.select(County))}
    grades = {g.id: g for g in db.session.scalars(sa.select(Grade))}
    return counties, grades


def rows_by(board: market.Board, axis: int, names: dict) -> list[tuple]:
    """(name, expected, contracted, open demand, cover bp) per county or grade, this season."""
    this = board.this
    supply, contracted, open_demand = this.by("supply", axis), this.by("contracted", axis), this.by("open_demand", axis)
    keys = sorted(set(supply) | set(contracted) | set(open_demand),
                  key=lambda k: (-supply.get(k, 0), k or 0))
    rows = []
    for key in keys:
        s, c, o = supply.get(key, 0), contracted.get(key, 0), open_demand.get(key, 0)
        rows.append((local_name(names[key].names) if key in names else "?", s, c, o,
                     (c + o) * 10_000 // s if s else None))
    return rows


@bp.route("/")
@public
def index():
    products = active_products()
    if not products:
        return not_found()
    return redirect(url_for("market.show_board", code=products[0].code, season=planning_season(date.today())))


@bp.route("/<code>/<int:season>")
@public
@cached_page
def show_board(code, season):
    product = product_and_season(code, season)
    if product is None:
        return not_found()
    board = market.board(product, season)
    counties, grades = _names()
    rank_names = {g.rank: local_name(g.names) for g in product.grades}
    chart = price_chart(
        {str(rank): points for rank, points in sorted(board.prices.items())},
        {str(rank): [(date(year, 1, 1), date(year, 12, 31), low)] for (year, rank), (low, _high) in board.floors.items()},
        date(season - 1, 1, 1), date(season, 12, 31), rtl=text_direction() == "rtl")
    context = {
        "product": product, "season": season, "board": board, "chart": chart, "rank_names": rank_names,
        "by_county": rows_by(board, 0, counties), "by_grade": rows_by(board, 1, grades),
        "products": active_products(), "risk_bp": RISK_BELOW_BP, "room_bp": ROOM_ABOVE_BP,
        "first_season": market.FIRST_SEASON, "last_season": planning_season(date.today()) + 1,
    }
    if current_user.is_authenticated and current_user.role == "coop_manager" and current_user.cooperative_id:
        context["members"] = market.members_volume(current_user.cooperative_id, product.id, season)
    return render_template("market/board.html", **context)


@bp.route("/<code>/<int:season>/<table>.csv")
@public
def download(code, season, table):
    product = product_and_season(code, season)
    if product is None or table not in TABLES:
        return not_found()
    if table == "prices":
        return price_csv(product, season)
    board = market.board(product, season)
    counties, grades = _names()
    name = f"market-{product.code}-{season}-{table}.csv"
    if table == "calendar":
        return csv_response(name, [_("Week from"), _("Expected (kg)")],
                            ((week.isoformat(), kg) for week, kg in board.calendar))
    if table == "totals":
        def row(year: int, f: market.Figures) -> list:
            cover = f.signal.cover_bp
            return [year, f.total("supply"), f.total("contracted"), sum(f.open_demand().values()),
                    "" if cover is None else f"{cover / 100:.2f}"]
        return csv_response(name, [_("Season"), _("Expected (kg)"), _("Contracted (kg)"), _("Open demand (kg)"),
                                   _("Covered (%)")],
                            [row(year, f) for year, f in sorted(board.seasons.items(), reverse=True)])
    rows = rows_by(board, 0 if table == "counties" else 1, counties if table == "counties" else grades)
    head = _("County") if table == "counties" else _("Grade")
    return csv_response(name, [head, _("Expected (kg)"), _("Contracted (kg)"), _("Open demand (kg)"),
                               _("Covered (%)")],
                        ((n, s, c, o, "" if cover is None else f"{cover / 100:.2f}") for n, s, c, o, cover in rows))


def price_csv(product: Product, season: int):
    start = _date_arg("from", date(season - 1, 1, 1))
    end = _date_arg("to", date(season, 12, 31))
    if end < start:
        raise BadQuery(_("The end of the range comes before its start."))
    if (end - start).days > MAX_PRICE_RANGE_DAYS:
        # i18n: a download asked for too long a range of dates
        raise BadQuery(_("Ask for at most five years of prices at a time."))
    page = _positive_int("page", 1, 100_000)
    rows = db.session.execute(
        sa.select(PriceIndexEntry.on_date, Grade.rank, PriceIndexEntry.fen_per_kg)
        .join(Grade, Grade.id == PriceIndexEntry.grade_id)
        .where(PriceIndexEntry.product_id == product.id, PriceIndexEntry.on_date.between(start, end))
        .order_by(PriceIndexEntry.on_date, Grade.rank, PriceIndexEntry.id)
        .offset((page - 1) * PRICE_ROWS_PER_PAGE).limit(PRICE_ROWS_PER_PAGE + 1)).all()
    more = len(rows) > PRICE_ROWS_PER_PAGE
    response = csv_response(f"market-{product.code}-prices-{start}-{end}-{page}.csv",
                            [_("Date"), _("Grade"), _("Price (yuan/kg)")],
                            ((d.isoformat(), rank, yuan(fen)) for d, rank, fen in rows[:PRICE_ROWS_PER_PAGE]))
    if more:
        following = url_for("market.download", code=product.code, season=season, table="prices",
                            **{"from": start.isoformat(), "to": end.isoformat(), "page": page + 1})
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


@bp.route("/<code>/<int:season>.json")
@public
def figures(code, season):
    product = product_and_season(code, season)
    if product is None:
        return jsonify({"error": "no board for this product or season"}), 404
    board = market.board(product, season)
    counties, grades = _names()

    def season_figures(f: market.Figures) -> dict:
        signal = f.signal
        return {
            "expected_kg": f.total("supply"), "contracted_kg": f.total("contracted"),
            "open_demand_kg": sum(f.open_demand().values()), "demand_kg": f.demand_kg,
            "cover_bp": signal.cover_bp, "signal": signal.code,
            "by_county": {counties[k].code: v for k, v in sorted(f.by("supply", 0).items()) if k in counties},
            "by_grade": {str(grades[k].rank): v for k, v in sorted(f.by("supply", 1).items()) if k in grades},
        }

    response = jsonify({
        "product": product.code, "season": season, "units": {"weight": "kg", "price": "fen per kg"},
        "thresholds_bp": {"oversupply_risk_below": RISK_BELOW_BP, "room_to_plant_above": ROOM_ABOVE_BP},
        "seasons": {str(year): season_figures(f) for year, f in sorted(board.seasons.items())},
        "prices": {str(rank): [[d.isoformat(), fen] for d, fen in points] for rank, points in board.prices.items()},
        "floors": {f"{year}:{rank}": {"low": low, "high": high} for (year, rank), (low, high) in board.floors.items()},
        "calendar": [[week.isoformat(), kg] for week, kg in board.calendar],
    })
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
