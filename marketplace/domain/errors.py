"""Typed domain errors. Each carries a stable code the web layer translates."""


class DomainError(Exception):
    """A rule of the domain refused an input.

    `code` is stable (for messages and tests); `field` names the form field
    the message belongs beside, when there is one.
    """

    def __init__(self, code: str, field: str | None = None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class InvalidTransition(DomainError):
    def __init__(self, kind: str, current: str, target: str):
        super().__init__("invalid_transition", kind=kind, current=current, target=target)
        self.current = current
        self.target = target
