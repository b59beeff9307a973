"""Errors a person can fix. Their text is Chinese and names the field and what to do.

Services raise these; the CLI prints them on one line and exits 2; the GUI shows them in a dialog.
Anything else that escapes a service is a bug.
"""
from __future__ import annotations


class UserError(Exception):
    """A request that cannot be carried out as asked; ``str(e)`` is the message to show."""

    english = "invalid input"

    def __init__(self, message: str, english: str | None = None):
        super().__init__(message)
        self.message = message
        if english:
            self.english = english


class ValidationError(UserError):
    """One or more fields are wrong. ``errors`` is a list of (field label, message)."""

    english = "invalid field value"

    def __init__(self, errors: list[tuple[str, str]] | str, field: str | None = None,
                 english: str | None = None):
        if isinstance(errors, str):
            errors = [(field or "", errors)]
        self.errors = list(errors)
        text = "；".join(f"{f}：{m}" if f else m for f, m in self.errors)
        super().__init__(text, english)

    @property
    def fields(self) -> list[str]:
        return [f for f, _ in self.errors]


class PermissionDenied(UserError):
    english = "permission denied"


class AccountRevoked(PermissionDenied):
    """The signed-in account may no longer act: disabled, locked, deleted or given another role
    since it signed in. Nothing was written; the GUI tells the person and signs them out."""

    english = "account no longer active: sign in again"


class NotFound(UserError):
    english = "not found"


class Conflict(UserError):
    """The data changed or the step is not allowed in the current state."""

    english = "not allowed in the current state"


class Collector:
    """Gathers field errors so a form reports all of them at once, then raises."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append((field, message))

    def check(self, ok: bool, field: str, message: str) -> bool:
        if not ok:
            self.add(field, message)
        return ok

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


class Cancelled(Exception):
    """Raised by a progress callback when the person pressed 取消; the unit of work rolls back."""
