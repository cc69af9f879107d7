"""The market board's rules: the planting signal, and the price chart's geometry (plain arithmetic, no I/O).

The planting signal answers a farmer deciding what to plant: how much of the
expected harvest is covered by demand (contracted, plus what open orders still
want)? Covered below `RISK_BELOW_BP` (80 %), planting more is a risk unless it
is under contract; from 80 % to `ROOM_ABOVE_BP` (120 %) the market is balanced;
above 120 % buyers want more than is expected, and there is room to plant more.
"""
from dataclasses import dataclass, field
from datetime import date

RISK_BELOW_BP = 8_000
ROOM_ABOVE_BP = 12_000

SIGNALS = ("no_listings", "oversupply_risk", "balanced", "room_to_plant")


def planning_season(today: date) -> int:
    """The season being planned: this year's until its harvest is over (October), then next year's."""
    return today.year + 1 if today.month >= 10 else today.year


@dataclass(frozen=True)
class Signal:
    code: str
    #: Demand over expected supply, in basis points (10,000 = covered exactly); None without supply.
    cover_bp: int | None


def planting_signal(supply_kg: int, demand_kg: int) -> Signal:
    if supply_kg <= 0:
        return Signal("room_to_plant" if demand_kg > 0 else "no_listings", None)
    cover = demand_kg * 10_000 // supply_kg
    if cover < RISK_BELOW_BP:
        return Signal("oversupply_risk", cover)
    if cover > ROOM_ABOVE_BP:
        return Signal("room_to_plant", cover)
    return Signal("balanced", cover)


# --- the price chart --------------------------------------------------------------------------------------------

@dataclass
class Line:
    key: str
    points: list[tuple[float, float]]

    @property
    def svg_points(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    #: (key, y, x1, x2, fen): a season's contract floor price for a grade, drawn across that season.
    floors: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    #: (y, fen) for the value axis; (x, label) for the time axis (years).
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    #: x of each new year's first day inside the chart (a season boundary).
    x_grid: list[float] = field(default_factory=list)
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0


def _nice_step(span: int) -> int:
    """A round step (in fen) giving four to eight ticks."""
    for step in (10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000):
        if span / step <= 6:
            return step
    return 200_000


def price_chart(series: dict[str, list[tuple[date, int]]], floors: dict[str, list[tuple[date, date, int]]],
                start: date, end: date, rtl: bool, width: int = 360, height: int = 220) -> Chart:
    """Lines of prices over time from `start` to `end`; time runs right to left when `rtl`."""
    left, right, top, bottom = 40.0, 8.0, 10.0, 24.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [fen for points in series.values() for _d, fen in points]
    values += [fen for spans in floors.values() for *_span, fen in spans]
    low, high = (min(values), max(values)) if values else (0, 1_000)
    step = _nice_step(max(high - low, 1))
    low, high = (low // step) * step, -(-high // step) * step
    if high == low:
        high = low + step
    days = max((end - start).days, 1)

    def x(day: date) -> float:
        offset = left + plot_w * min(max((day - start).days, 0), days) / days
        return width - offset if rtl else offset

    def y(fen: int) -> float:
        return top + plot_h - plot_h * (fen - low) / (high - low)

    chart = Chart(width, height, left=left, right=right, top=top, bottom=bottom)
    for key, points in series.items():
        chart.lines.append(Line(key, [(x(d), y(fen)) for d, fen in sorted(points)]))
    for key, spans in floors.items():
        for first, last, fen in spans:
            chart.floors.append((key, y(fen), x(first), x(last), fen))
    chart.y_ticks = [(y(v), v) for v in range(low, high + 1, step)]
    chart.x_ticks = [(x(date(year, 7, 1)), str(year)) for year in range(start.year, end.year + 1)
                     if start <= date(year, 7, 1) <= end]
    chart.x_grid = [x(date(year, 1, 1)) for year in range(start.year + 1, end.year + 1)]
    return chart
