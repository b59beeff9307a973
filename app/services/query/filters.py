"""The filter registry: every list's filter is a frozen dataclass with a ``LIST`` name, registered
here (``@register_filter``) so that saved filters and exports find the class by that name without
knowing the ledgers. A filter is kept as JSON by ``filter_to_dict``: dates as ISO text, a relative
period as its code (``this_month``), so a filter saved as 本月 shows the current month whenever it
is reopened.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

_FILTERS: dict[str, type] = {}


def register_filter(cls: type) -> type:
    """Class decorator: ``cls.LIST`` names the list ``cls`` filters."""
    name = cls.LIST
    if _FILTERS.get(name, cls) is not cls:
        raise ValueError(f"two filters for the list {name!r}: {_FILTERS[name]!r} and {cls!r}")
    _FILTERS[name] = cls
    return cls


def filter_class(list_name: str) -> type:
    """The filter class registered for ``list_name`` (KeyError when none is)."""
    return _FILTERS[list_name]


def filter_to_dict(f: Any) -> dict[str, Any]:
    """JSON-ready: dates as ISO text, the relative period as its code (not resolved)."""
    out: dict[str, Any] = {}
    for fld in fields(f):
        v = getattr(f, fld.name)
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[fld.name] = v
    return out


def filter_from_dict(cls: type, data: dict[str, Any]) -> Any:
    """The inverse of ``filter_to_dict``; unknown keys (from an older version) are ignored."""
    names = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for k, v in data.items():
        if k not in names:
            continue
        if k in ("date_from", "date_to") and v:
            v = date.fromisoformat(v)
        elif k == "flags":
            v = tuple(v or ())
        kwargs[k] = v
    return cls(**kwargs)
