"""`flask demo load|logins`: the demo season."""
import click
from flask.cli import AppGroup

demo = AppGroup("demo", help="The demo season.")


@demo.command("load")
@click.option("--force", is_flag=True, help="Load even if the database already has users (for tests).")
def demo_load(force):
    """Fill an empty database with the demo season and print the logins."""
    from marketplace.extensions import db
    from marketplace.services.demo import DEMO_PASSWORD, database_is_empty, load_demo

    if not force and not database_is_empty():
        click.echo("The database already has data; the demo was not loaded.")
        return
    logins = load_demo()
    db.session.commit()
    click.echo(f"Demo season loaded. Every demo password is: {DEMO_PASSWORD}")
    for role, login in logins:
        click.echo(f"  {role:<14} {login}")


@demo.command("logins")
def demo_logins():
    """Print the demo logins again."""
    from marketplace.services.demo import DEMO_PASSWORD, demo_logins as logins

    click.echo(f"Demo logins (password {DEMO_PASSWORD}) at http://127.0.0.1:5000/account/login")
    for role, login in logins():
        click.echo(f"  {role:<14} {login}")
