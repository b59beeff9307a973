"""The one rule of a record's step buttons (case page, hardship file and payment, …): a step may be
taken when the role has its permission and the record's workflow table (``app.domain.workflow``,
the very table the service refuses with) has no refusal for it; a disabled button says why in its
tooltip."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QPushButton

from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed


@dataclass(frozen=True)
class Step:
    key: str            # the workflow table's step
    label: str
    perm: Perm


def permission_refusal(role, perm: Perm) -> str | None:
    """「需要「…」权限」 when ``role`` lacks ``perm``, else None."""
    return None if allowed(role, perm) else "需要「" + PERM_LABELS[perm] + "」权限"


def step_refusal(role, step: Step, refusal_of: Callable[[str], str | None] | None,
                 loading: str = "正在读取…") -> str | None:
    """Why ``step`` may not be taken now — the role's permission, then ``refusal_of(step key)``
    — or None when it may (``refusal_of`` None: the record is still loading)."""
    why = permission_refusal(role, step.perm)
    if why is not None:
        return why
    if refusal_of is None:
        return loading
    return refusal_of(step.key)


def workflow_refusals(workflow, facts: dict) -> Callable[[str], str | None]:
    """``refusal_of`` for ``update_step_buttons`` from a workflow table and a record's facts."""
    def refusal_of(key: str) -> str | None:
        refusal = workflow.refusal(key, facts)
        return refusal.text if refusal is not None else None
    return refusal_of


def update_step_buttons(buttons: dict[str, QPushButton], steps: Sequence[Step], role,
                        refusal_of: Callable[[str], str | None] | None,
                        loading: str = "正在读取…") -> None:
    """Each step's button enabled exactly when the step may be taken; a disabled one says why in
    its tooltip."""
    for step in steps:
        why = step_refusal(role, step, refusal_of, loading)
        b = buttons[step.key]
        b.setEnabled(why is None)
        b.setToolTip(why or "")
