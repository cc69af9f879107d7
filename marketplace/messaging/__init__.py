"""The messenger: how the marketplace reaches a person outside the site.

`Messenger.send` takes a recipient address (phone or e-mail), a subject and a
body already written in the recipient's language. The console backend logs
each message and keeps the last ones in memory (for development and tests);
an SMS or e-mail backend implements the same interface.
"""
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    sent_at: datetime


class Messenger:
    def send(self, to: str, subject: str, body: str) -> Message:
        raise NotImplementedError


class ConsoleMessenger(Messenger):
    """Writes each message to the application log."""

    def __init__(self, logger, keep: int = 200):
        self.logger = logger
        self.outbox: deque[Message] = deque(maxlen=keep)

    def send(self, to: str, subject: str, body: str) -> Message:
        message = Message(to=to, subject=subject, body=body, sent_at=datetime.now(timezone.utc))
        self.outbox.append(message)
        self.logger.warning("message to %s: %s\n%s", to, subject, body)
        return message


BACKENDS = {"console": ConsoleMessenger}


def init_app(app):
    backend = BACKENDS[app.config.get("MESSENGER_BACKEND", "console")]
    app.extensions["messenger"] = backend(app.logger)


def get_messenger() -> Messenger:
    return current_app.extensions["messenger"]
