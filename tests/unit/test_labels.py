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


def test_the_case_page_takes_its_flag_labels_from_the_domain():
    """督办 / 重点关注 / 包案领导 are written once, in app.domain.enums; the case page (its flags line,
    its step and its dialog) uses them and spells none of them out."""
    import ast
    from pathlib import Path
    from types import SimpleNamespace

    from app.domain.enums import LEADER_IN_CHARGE_LABEL, ListFlag
    from ui.dialogs import case_dialog
    source = Path(case_dialog.__file__).read_text(encoding="utf-8")
    labels = {LEADER_IN_CHARGE_LABEL, ListFlag.SUPERVISED.label, ListFlag.FOCUS.label}
    spelled = [n.value for n in ast.walk(ast.parse(source))
               if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and any(label in n.value for label in labels)]
    assert spelled == []
    rec = SimpleNamespace(supervised=True, focus=False, leader_in_charge="王主席", suspended=False,
                          is_group=False, head_count=1)
    assert case_dialog.flags_text(rec) == f"{ListFlag.SUPERVISED.label}  {LEADER_IN_CHARGE_LABEL}：王主席"
    step = next(s for s in case_dialog.STEPS if s.key == "flags")
    assert LEADER_IN_CHARGE_LABEL in step.label
