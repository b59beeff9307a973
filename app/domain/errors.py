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


class Label(str):
    """A field's Chinese label that knows the field's key: ``Label("姓名", "name")`` is the text
    「姓名」 everywhere a str goes, and an error added under it carries ``key`` "name", so a form
    finds the field by its key, not by its label."""

    key: str

    def __new__(cls, text: str, key: str) -> "Label":
        obj = super().__new__(cls, text)
        obj.key = key
        return obj


def labels(texts: dict[str, str]) -> dict[str, Label]:
    """``{"name": "姓名"}`` → ``{"name": Label("姓名", "name")}``."""
    return {k: Label(v, k) for k, v in texts.items()}


class FieldError(tuple):
    """One field error: unpacks as the pair ``(label, message)`` (and equals it), with the field's
    ``key`` (None for an error of no one field, or from a label that has none)."""

    key: str | None

    def __new__(cls, label: str, message: str, key: str | None = None) -> "FieldError":
        obj = super().__new__(cls, (label, message))
        obj.key = key if key is not None else getattr(label, "key", None)
        return obj

    @property
    def label(self) -> str:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


class ValidationError(UserError):
    """One or more fields are wrong. ``errors`` is a list of ``FieldError``: (field label,
    message) pairs that also know the field's ``key``."""

    english = "invalid field value"

    def __init__(self, errors: list[tuple[str, str]] | str, field: str | None = None,
                 english: str | None = None):
        if isinstance(errors, str):
            errors = [(field or "", errors)]
        self.errors = [e if isinstance(e, FieldError) else FieldError(*e) for e in errors]
        text = "；".join(f"{f}：{m}" if f else m for f, m in self.errors)
        super().__init__(text, english)

    @property
    def fields(self) -> list[str]:
        return [f for f, _ in self.errors]

    @property
    def keys(self) -> list[str | None]:
        """The fields' keys, in the order of ``errors`` (None where an error has none)."""
        return [e.key for e in self.errors]


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
    """Gathers field errors so a form reports all of them at once, then raises.

    ``scoped("new_person")`` is a view adding to the same list with keys under "new_person."
    (a registration reports the fields of the person it creates as ``new_person.name`` …)."""

    def __init__(self, prefix: str = "") -> None:
        self.errors: list[FieldError] = []
        self.prefix = prefix

    def add(self, field: str, message: str, key: str | None = None) -> None:
        key = key if key is not None else getattr(field, "key", None)
        if key is not None and self.prefix:
            key = f"{self.prefix}.{key}"
        self.errors.append(FieldError(field, message, key))

    def extend(self, errors) -> None:
        """Add the errors of a ValidationError (or pairs), keeping their keys."""
        for e in errors:
            self.add(e[0], e[1], getattr(e, "key", None))

    def scoped(self, prefix: str) -> "Collector":
        sub = Collector(f"{self.prefix}.{prefix}" if self.prefix else prefix)
        sub.errors = self.errors
        return sub

    def check(self, ok: bool, field: str, message: str) -> bool:
        if not ok:
            self.add(field, message)
        return ok

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


class Cancelled(Exception):
    """Raised by a progress callback when the person pressed 取消; the unit of work rolls back."""
