"""Accounts: sign-up, login, approval, password reset."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.domain.accounts import (
    account_transition, after_wrong_password, initial_status, is_locked, password_problem,
)
from marketplace.domain.errors import DomainError
from marketplace.domain.identifiers import normalise_mobile, normalise_uscc
from marketplace.extensions import db
from marketplace.models import Cooperative, County, FarmerProfile, Processor, Township, User
from marketplace.models.user import new_session_token
from marketplace.models.base import utcnow
from marketplace.services.audit import record_action

# A hash to compare against when no account matches, so a wrong login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@dataclass(frozen=True)
class FarmerDetails:
    name: str
    county_id: int
    township_id: int
    village: str
    farm_area_mu: Decimal
    locale: str


@dataclass(frozen=True)
class Credentials:
    phone: str | None
    email: str | None
    password: str | None


def find_by_identifier(identifier: str) -> User | None:
    """A user by e-mail (contains @) or by mobile number in any common form."""
    text = (identifier or "").strip()
    if "@" in text:
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == text.lower()))
    try:
        phone = normalise_mobile(text)
    except DomainError:
        return None
    return db.session.scalar(sa.select(User).where(User.phone == phone))


def _check_unique(phone: str | None, email: str | None) -> None:
    if phone and db.session.scalar(sa.select(User.id).where(User.phone == phone)):
        raise DomainError("phone_taken", field="phone")
    if email and db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email.lower())):
        raise DomainError("email_taken", field="email")


def _place(county_id: int, township_id: int) -> tuple[County, Township]:
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county_id:
        raise DomainError("township_not_in_county", field="township_id")
    return township.county, township


def new_user(role: str, name: str, creds: Credentials, locale: str) -> User:
    phone = normalise_mobile(creds.phone) if creds.phone else None
    email = creds.email.strip().lower() if creds.email else None
    _check_unique(phone, email)
    if creds.password:
        check_new_password(creds.password, phone=phone, email=email, name=name)
    user = User(
        role=role,
        status=initial_status(role),
        name=name.strip(),
        phone=phone,
        email=email,
        password_hash=generate_password_hash(creds.password) if creds.password else None,
        locale=locale,
    )
    db.session.add(user)
    return user


def new_farmer_profile(user: User, details: FarmerDetails, coop: Cooperative | None = None) -> FarmerProfile:
    county, township = _place(details.county_id, details.township_id)
    profile = FarmerProfile(
        user=user,
        county_id=county.id,
        township_id=township.id,
        village=details.village.strip(),
        farm_area_mu=details.farm_area_mu,
        managed_by_coop_id=coop.id if coop else None,
    )
    db.session.add(profile)
    return profile


def register_farmer(details: FarmerDetails, creds: Credentials) -> User:
    """A farmer signs up by phone; the account is active at once."""
    if not creds.phone:
        raise DomainError("phone_required", field="phone")
    user = new_user("farmer", details.name, creds, details.locale)
    new_farmer_profile(user, details)
    db.session.flush()
    return user


@dataclass(frozen=True)
class ProcessorApplication:
    company_name: str
    uscc: str
    county_id: int
    contact_name: str
    locale: str


def register_processor(app_: ProcessorApplication, creds: Credentials) -> User:
    """A processor signs up; the account waits for an admin's approval."""
    uscc = normalise_uscc(app_.uscc)
    if db.session.scalar(sa.select(Processor.id).where(Processor.uscc == uscc)):
        raise DomainError("uscc_taken", field="uscc")
    if db.session.get(County, app_.county_id) is None:
        raise DomainError("county_unknown", field="county_id")
    user = new_user("processor", app_.contact_name, creds, app_.locale)
    processor = Processor(
        company_name=app_.company_name.strip(), uscc=uscc, county_id=app_.county_id,
        contact_name=app_.contact_name.strip(), contact_phone=user.phone,
    )
    db.session.add(processor)
    user.processor = processor
    db.session.flush()
    return user


@dataclass(frozen=True)
class CoopApplication:
    coop_name: str
    registration_no: str
    county_id: int
    manager_name: str
    locale: str


def register_coop_manager(app_: CoopApplication, creds: Credentials) -> User:
    """A co-op manager signs up with the co-op; an admin approves both."""
    reg = app_.registration_no.strip().upper()
    if db.session.scalar(sa.select(Cooperative.id).where(Cooperative.registration_no == reg)):
        raise DomainError("registration_taken", field="registration_no")
    if db.session.get(County, app_.county_id) is None:
        raise DomainError("county_unknown", field="county_id")
    user = new_user("coop_manager", app_.manager_name, creds, app_.locale)
    coop = Cooperative(name=app_.coop_name.strip(), registration_no=reg, county_id=app_.county_id)
    db.session.add(coop)
    user.cooperative = coop
    db.session.flush()
    return user


def authenticate(identifier: str, password: str, now: datetime | None = None) -> User:
    """The user for these credentials, or DomainError("login_failed") whatever went wrong.

    The message never tells whether an account exists. A correct password on
    an account still waiting for approval says so (only its owner can know).
    After LOCKOUT_ATTEMPTS wrong passwords in a row the account is locked for
    LOCKOUT_MINUTES: the right password then gets "account_locked" (so the
    owner learns why and whom to ask), a wrong one still only "login_failed",
    so guessing learns nothing. The caller commits in either case, since the
    count of failures must be kept.
    """
    now = now or utcnow()
    user = find_by_identifier(identifier)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise DomainError("login_failed")
    right = check_password_hash(user.password_hash, password or "")
    if is_locked(user.locked_until, now):
        if right:
            raise DomainError("account_locked", minutes=_minutes_left(user.locked_until, now))
        raise DomainError("login_failed")
    if not right:
        user.failed_logins, user.locked_until = after_wrong_password(user.failed_logins, now)
        if user.locked_until is not None:
            record_action(user, "account_locked", detail=f"user:{user.id}",
                          after={"locked_until": user.locked_until.isoformat(timespec="seconds")})
        db.session.flush()
        raise DomainError("login_failed")
    if user.status == "pending":
        raise DomainError("account_pending")
    if user.status != "active":
        raise DomainError("account_closed")
    user.failed_logins = 0
    user.locked_until = None
    return user


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def unlock(admin: User, user: User) -> None:
    """An admin lifts a lock (the owner has proved who they are, e.g. by calling the market office)."""
    before = {"locked_until": user.locked_until.isoformat(timespec="seconds") if user.locked_until else None,
              "failed_logins": user.failed_logins}
    user.locked_until = None
    user.failed_logins = 0
    record_action(admin, "unlock_account", detail=f"user:{user.id}", before=before,
                  after={"locked_until": None, "failed_logins": 0})
    db.session.flush()


def set_account_open(admin: User, user: User, open_: bool) -> None:
    """The market office closes an account (a lost phone, someone who left) or reopens it; closing ends its
    sessions at once."""
    if user.id == admin.id:
        raise DomainError("own_account")
    before = {"status": user.status}
    user.status = account_transition(user.status, "active" if open_ else "disabled")
    if not open_:
        end_sessions(user)
    record_action(admin, "reopen_account" if open_ else "close_account", detail=f"user:{user.id}", before=before,
                  after={"status": user.status})
    db.session.flush()


def end_sessions(user: User) -> None:
    """Every login session of the user stops working (logout, a new password)."""
    user.session_token = new_session_token()
    db.session.flush()


def check_new_password(password: str, user: User | None = None, *, phone: str | None = None,
                       email: str | None = None, name: str | None = None) -> None:
    """DomainError("password_...", field="password") when the password may not be used."""
    personal = (phone, email, name) if user is None else (user.phone, user.email, user.name)
    problem = password_problem(password or "", personal)
    if problem:
        raise DomainError(problem, field="password")


def decide_account(admin: User, user: User, approve: bool) -> User:
    """An admin approves or rejects a processor or co-op manager account."""
    before = {"status": user.status, "role": user.role}
    user.status = account_transition(user.status, "active" if approve else "rejected")
    user.decided_by_id = admin.id
    user.decided_at = utcnow()
    record_action(admin, "approve_account" if approve else "reject_account", detail=f"user:{user.id}",
                  before=before, after={"status": user.status, "role": user.role})
    db.session.flush()
    return user


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def make_reset_token(user: User, secret_key: str) -> str:
    # The hash's tail is in the token, so the link stops working once the password changes.
    return _reset_serializer(secret_key).dumps({"u": user.id, "h": (user.password_hash or "")[-12:]})


def user_for_reset_token(token: str, secret_key: str, max_age: int) -> User:
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError("reset_expired") from None
    except BadSignature:
        raise DomainError("reset_invalid") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or (user.password_hash or "")[-12:] != data.get("h") or user.status != "active":
        raise DomainError("reset_invalid")
    return user


def set_password(user: User, password: str) -> None:
    """A new password (from a reset link, which proves the owner): it also lifts a lock and ends the other
    sessions."""
    check_new_password(password, user)
    user.password_hash = generate_password_hash(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)
    record_action(user, "set_password", detail=f"user:{user.id}")
    db.session.flush()
