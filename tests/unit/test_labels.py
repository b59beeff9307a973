"""Chinese labels of every enumeration: full-width brackets, as the rest of the Chinese text."""
from __future__ import annotations

import inspect

from app.domain import case_clock, enums, notices
from app.domain.enums import Channel, LabelledEnum


def test_no_label_uses_ascii_brackets():
    found = []
    for module in (enums, case_clock, notices):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, LabelledEnum) and cls is not LabelledEnum:
                found += [f"{cls.__name__}.{m.name}: {m.label}" for m in cls
                          if any(c in m.label for c in "()[]")]
    assert found == []
    assert Channel.ONLINE.label == "网上（主席信箱/工人在线）"


def test_a_label_typed_with_ascii_brackets_is_still_understood():
    from app.domain.errors import Collector
    from app.services.petitions.fields import _enum
    errors = Collector()
    assert _enum(errors, Channel, "网上(主席信箱/工人在线)", "渠道") is Channel.ONLINE
    assert _enum(errors, Channel, "来电(12351热线)", "渠道") is Channel.CALL
    assert errors.errors == []
