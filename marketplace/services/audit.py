"""The action record: who did what, for whom, when, from where, and what changed.

Every sensitive act goes through `record_action` inside the act's own transaction, so an act and its record
are saved together or not at all. Records are only ever added (the database refuses UPDATE and DELETE).
"""
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import aliased, joinedload

from marketplace.extensions import db
from marketplace.models import ActionRecord, User


def _json(state: dict | None) -> str | None:
    if state is None:
        return None
    return json.dumps(state, ensure_ascii=False, sort_keys=True, default=str)


def record_action(actor: User, action: str, on_behalf_of: User | None = None, detail: str = "",
                  before: dict | None = None, after: dict | None = None) -> ActionRecord:
    record = ActionRecord(
        actor_id=actor.id,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        action=action,
        detail=detail[:200],
        ip_address=request.remote_addr if has_request_context() else None,
        before=_json(before),
        after=_json(after),
    )
    db.session.add(record)
    db.session.flush()
    return record


def state(record: ActionRecord, which: str) -> dict:
    raw = getattr(record, which)
    return json.loads(raw) if raw else {}


@dataclass(frozen=True)
class AuditQuery:
    """An admin's search: any part of a person's name, phone or e-mail (as actor or as the one acted for),
    an action, a record ("delivery:12", or "delivery" for all), a range of days."""
    person: str = ""
    action: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None


def _matching(stmt, query: AuditQuery):
    if query.person:
        pattern = f"%{query.person.strip().lower()}%"
        people = sa.select(User.id).correlate(None).where(sa.or_(sa.func.lower(User.name).like(pattern),
                                                 User.phone.like(pattern),
                                                 sa.func.lower(User.email).like(pattern)))
        stmt = stmt.where(sa.or_(ActionRecord.actor_id.in_(people), ActionRecord.on_behalf_of_id.in_(people)))
    if query.action:
        stmt = stmt.where(ActionRecord.action == query.action)
    if query.subject:
        subject = query.subject.strip()
        stmt = stmt.where(ActionRecord.detail.like(f"{subject}%") if ":" in subject
                          else ActionRecord.detail.like(f"{subject}:%"))
    if query.since:
        stmt = stmt.where(ActionRecord.created_at >= datetime.combine(query.since, time.min))
    if query.until:
        stmt = stmt.where(ActionRecord.created_at < datetime.combine(query.until + timedelta(days=1), time.min))
    return stmt


def search(query: AuditQuery):
    """The statement for the records matching the query, newest first, with the people loaded."""
    return _matching(sa.select(ActionRecord), query).options(
        joinedload(ActionRecord.actor), joinedload(ActionRecord.on_behalf_of),
    ).order_by(ActionRecord.created_at.desc(), ActionRecord.id.desc())


def export_rows(query: AuditQuery = AuditQuery()):
    """Every matching record as a row for a CSV file, oldest first, in batches (the whole log can be long)."""
    behalf = aliased(User)
    stmt = (sa.select(ActionRecord.id, ActionRecord.created_at, User.id, User.name, User.role, behalf.id,
                      behalf.name, ActionRecord.action, ActionRecord.detail, ActionRecord.ip_address,
                      ActionRecord.before, ActionRecord.after)
            .join(User, User.id == ActionRecord.actor_id)
            .outerjoin(behalf, behalf.id == ActionRecord.on_behalf_of_id)
            .order_by(ActionRecord.id)
            .execution_options(yield_per=1000))
    for row in db.session.execute(_matching(stmt, query)):
        yield [row[0], row[1].isoformat(timespec="seconds"), row[2], row[3], row[4], row[5] or "", row[6] or "",
               row[7], row[8], row[9] or "", row[10] or "", row[11] or ""]


EXPORT_HEADER = ["id", "at_utc", "actor_id", "actor", "actor_role", "on_behalf_of_id", "on_behalf_of", "action",
                 "record", "ip_address", "before", "after"]
