"""Recording acts, especially a manager's acts on behalf of a member."""
from flask import has_request_context, request

from marketplace.extensions import db
from marketplace.models import ActionRecord, User


def record_action(actor: User, action: str, on_behalf_of: User | None = None, detail: str = "") -> ActionRecord:
    record = ActionRecord(
        actor_id=actor.id,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        action=action,
        detail=detail[:200],
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(record)
    db.session.flush()
    return record
