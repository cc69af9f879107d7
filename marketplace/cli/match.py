"""`flask match solve`: offline planning on an instance in the matching interchange format."""
import json
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from marketplace.domain.matching import solve_core, solve_full
from marketplace.domain.matching.interchange import InstanceError, read_instance, write_solution

match = AppGroup("match", help="Matching harvests to contract orders.")


#: Other names planners use for the marketplace's product codes.
ALIASES = {"safflower_filament": ("safflower_petal", "safflower_petals", "filament", "petal"),
           "safflower_seed": ("seed",)}


def known_products() -> set[str] | None:
    """Product codes the marketplace knows, with their usual other names; None without a database."""
    from marketplace.extensions import db
    from marketplace.models import Product

    try:
        codes = set(db.session.scalars(sa.select(Product.code)))
    except sa.exc.SQLAlchemyError:
        return None
    return codes | {alias for code in codes for alias in ALIASES.get(code, ())} if codes else None


@match.command("solve")
@click.option("--instance", "instance_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mode", type=click.Choice(["core", "full"]), default="core", show_default=True,
              help="core ignores the minimum allocation and supplier caps; full honours them.")
def solve(instance_path: Path, out_path: Path, mode: str):
    """Read IN.json, allocate exactly, write OUT.json, print the figures."""
    try:
        data = json.loads(instance_path.read_text(encoding="utf-8"))
        lots, orders, params, name = read_instance(data, known_products())
    except (OSError, UnicodeDecodeError) as err:
        click.echo(f"error: cannot read {instance_path}: {err}", err=True)
        sys.exit(2)
    except json.JSONDecodeError as err:
        click.echo(f"error: {instance_path} is not JSON: {err}", err=True)
        sys.exit(2)
    except InstanceError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    result = (solve_core if mode == "core" else solve_full)(lots, orders, params)
    out_path.write_text(json.dumps(write_solution(name, result), ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"instance     {name}: {len(lots)} lots, {len(orders)} orders, mode {mode}")
    click.echo(f"matched kg   {result.kg:,}")
    click.echo(f"value        {result.value:,.4f} yuan")
    click.echo(f"solve time   {result.seconds:.3f} s")
    if mode == "full":
        state = "optimal" if result.exact else "feasible"
        click.echo(f"gap to core  {result.gap_kg:.4%} kg, {result.gap_value:.4%} value "
                   f"(core bound {result.bound_kg:,} kg, {result.bound_value:,.4f} yuan; {state})")
    click.echo(f"written      {out_path} ({len(result.allocations)} allocations)")
