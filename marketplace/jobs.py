"""Work that outlives a request (a long matching run), done by a worker thread of the app server.

Each job gets its own app context and database session and commits after each
step it yields, so any app server shows its progress from the database. With
JOBS_INLINE (tests) the job runs inside the request instead. The app servers
keep no other state: a job's rows are the whole of it.
"""
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marketplace-job")


def submit(steps_factory, on_error, *args) -> None:
    """Run `steps_factory(*args)` (a generator of steps), committing after each step."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        _work(app, steps_factory, on_error, args)
    else:
        _pool.submit(_work, app, steps_factory, on_error, args)


def _work(app, steps_factory, on_error, args):
    from marketplace.extensions import db

    with app.app_context():
        try:
            for _step in steps_factory(*args):
                db.session.commit()
        except Exception as err:  # noqa: BLE001 (a failed job is recorded, never lost silently)
            db.session.rollback()
            app.logger.exception("job failed")
            on_error(args[0], f"{type(err).__name__}: {err}")
            db.session.commit()
