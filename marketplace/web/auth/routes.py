"""Account routes."""
from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from marketplace.domain.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.messaging import get_messenger
from marketplace.services import accounts
from marketplace.web.access import anonymous_only, logged_in, public
from marketplace.web.auth import bp
from marketplace.web.auth.forms import (
    CoopSignupForm, FarmerSignupForm, ForgotForm, LoginForm, LogoutForm, ProcessorSignupForm, ResetForm,
)
from marketplace.web.fields import fill_place_choices
from marketplace.web.messages import apply_domain_error, message_for


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (never //host or a scheme) may be a redirect target."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def start_session(user, remember: bool = False) -> None:
    """A new session at login: nothing from the visitor's session is carried over but the language (so a
    session id planted before the login is worth nothing after it)."""
    _renew_session()
    login_user(user, remember=remember)


def _renew_session() -> None:
    """Empty the session but for the language; the form token cached for this request goes with it."""
    lang = session.get("lang")
    session.clear()
    g.pop("csrf_token", None)
    if lang:
        session["lang"] = lang


@bp.route("/signup")
@anonymous_only
def choose_signup():
    return render_template("auth/choose_signup.html")


@bp.route("/signup/farmer", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def signup_farmer():
    form = FarmerSignupForm()
    fill_place_choices(form)
    if form.validate_on_submit():
        details = accounts.FarmerDetails(
            name=form.name.data, county_id=form.county_id.data, township_id=form.township_id.data,
            village=form.village.data, farm_area_mu=form.farm_area_mu.data, locale=form.locale.data,
        )
        creds = accounts.Credentials(phone=form.phone.data, email=None, password=form.password.data)
        try:
            user = accounts.register_farmer(details, creds)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.show_dashboard", lang=user.locale))
    return render_template("auth/signup_farmer.html", form=form), 400 if form.errors else 200


def _apply(form, template, role_service, build):
    fill_place_choices(form)
    if form.validate_on_submit():
        creds = accounts.Credentials(
            phone=form.phone.data or None, email=form.email.data or None, password=form.password.data
        )
        try:
            role_service(build(form), creds)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            return redirect(url_for("auth.show_application_received"))
    return render_template(template, form=form), 400 if form.errors else 200


@bp.route("/signup/processor", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def signup_processor():
    return _apply(
        ProcessorSignupForm(), "auth/signup_processor.html", accounts.register_processor,
        lambda f: accounts.ProcessorApplication(
            company_name=f.company_name.data, uscc=f.uscc.data, county_id=f.county_id.data,
            contact_name=f.contact_name.data, locale=f.locale.data,
        ),
    )


@bp.route("/signup/cooperative", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def signup_coop():
    return _apply(
        CoopSignupForm(), "auth/signup_coop.html", accounts.register_coop_manager,
        lambda f: accounts.CoopApplication(
            coop_name=f.coop_name.data, registration_no=f.registration_no.data, county_id=f.county_id.data,
            manager_name=f.manager_name.data, locale=f.locale.data,
        ),
    )


@bp.route("/signup/received")
@public
def show_application_received():
    return render_template("auth/application_received.html")


@bp.route("/login", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.identifier.data, form.password.data)
        except DomainError as err:
            db.session.commit()  # the count of wrong passwords, and a lock
            form.form_errors.append(message_for(err))
            return render_template("auth/login.html", form=form), 401 if err.code == "login_failed" else 403
        if not user.session_token:
            accounts.end_sessions(user)  # an account from before session tokens gets its first
        db.session.commit()
        start_session(user, remember=form.remember.data)
        return redirect(safe_next(request.args.get("next")) or url_for("main.show_dashboard"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@logged_in
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.end_sessions(current_user)  # a copy of this session's cookie stops working too
        db.session.commit()
        logout_user()
        _renew_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.show_home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        user = accounts.find_by_identifier(form.identifier.data)
        if user is not None and user.status == "active" and (user.phone or user.email):
            token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
            with force_locale(user.locale):
                link = url_for("auth.reset_password", token=token, _external=True)
                get_messenger().send(
                    user.phone or user.email,
                    _("Reset your marketplace password"),
                    _("Open this link within an hour to set a new password: %(link)s", link=link),
                )
        # The same answer whether or not an account exists.
        flash(_("If an account exists for this number or address, we have sent it a link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token):
    cfg = current_app.config
    try:
        user = accounts.user_for_reset_token(token, cfg["SECRET_KEY"], cfg["PASSWORD_RESET_MAX_AGE"])
    except DomainError as err:
        return render_template("auth/reset_failed.html", message=message_for(err)), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.app_context_processor
def inject_logout_form():
    return {"logout_form": LogoutForm() if current_user.is_authenticated else None}
