"""Home and dashboards."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from marketplace.page_cache import cached_page
from marketplace.services import dashboard
from marketplace.web.access import logged_in, public
from marketplace.web.main import bp


@bp.route("/")
@public
def show_home():
    return render_template("main/home.html")


@bp.route("/dashboard")
@logged_in
@cached_page
def show_dashboard():
    role = current_user.role
    if role == "farmer":
        context = dashboard.farmer_overview(current_user)
    elif role == "coop_manager":
        context = dashboard.coop_overview(current_user)
    elif role == "admin":
        context = dashboard.admin_overview()
    else:
        context = dashboard.processor_overview(current_user)
    return render_template(f"main/dashboard_{role}.html", **context)


@bp.route("/languages")
@public
def show_languages():
    return render_template("main/languages.html")


@bp.route("/favicon.ico")
@public
def show_favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)
