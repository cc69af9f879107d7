"""A user's notices, newest first, each written in the reader's language when shown."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.extensions import db
from marketplace.messaging.texts import render
from marketplace.models import Notification
from marketplace.page_cache import cached_page
from marketplace.services.notifications import mark_all_read, unread_count
from marketplace.web.access import logged_in
from marketplace.web.notifications import bp
from marketplace.web.notifications.forms import ReadForm

PER_PAGE = 20


@bp.app_context_processor
def unread_notifications():
    """The count beside the notices link in every page's navigation."""
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": unread_count(current_user.id)}
    return {"unread_notifications": 0}


@bp.route("/")
@logged_in
@cached_page
def list_notifications():
    query = (sa.select(Notification).where(Notification.user_id == current_user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    page = db.paginate(query, page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE,
                       error_out=False)
    return render_template("notifications/list.html", page=page, form=ReadForm(formdata=None),
                           sentence=lambda n: render(n.kind, n.params or {}, html=True))


@bp.route("/read", methods=["POST"])
@logged_in
def read_notifications():
    if ReadForm().validate_on_submit():
        mark_all_read(current_user.id)
        db.session.commit()
        flash(_("All notices are marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))
