"""Workflow tables: which step may be taken in which state, and if not, why (DESIGN §2).

Pure rules, no database. A ``Workflow`` is a table of rows ``(step, condition on the facts,
refusal text)``: for a step, the first row whose condition holds gives the refusal; no row, the
step is allowed. The facts are a plain mapping — the record's ``state`` plus whatever flags the
rules read (``suspended``, ``extension``…) and the words the texts name (``case_no``). The same
table serves the service (which raises ``Conflict`` with the refusal) and the page (which disables
the step's button with the refusal as its tooltip), so both always agree.

``CASE_WORKFLOW`` is the case's table (app/services/petitions/cases.py); ``CLAIM_WORKFLOW`` the
mutual-aid claim's (app/services/mutual_aid/claims.py). Files and payments get their own ``Workflow``
here when their ledger is built.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.enums import OPEN_STATUSES, CaseStatus, ExtensionStatus
from app.domain.mutual_aid import ClaimState, Refusal as ClaimRefusal

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """One row of a table: ``step`` is refused when ``when(facts)`` holds; ``text`` is the refusal
    shown to the person, ``str.format``-ed with the facts (``{case_no}``, ``{state.label}``);
    ``code`` is a short English reason for logs."""
    step: str
    when: Callable[[Facts], bool]
    text: str
    code: str


@dataclass(frozen=True)
class Refusal:
    step: str
    text: str
    code: str


class Workflow:
    """A named table of steps and refusal rules (rows are checked in order, per step)."""

    def __init__(self, name: str, steps: tuple[str, ...], rules: tuple[Rule, ...]):
        unknown = {r.step for r in rules} - set(steps)
        if unknown:
            raise ValueError(f"{name}: rules for unknown steps {sorted(unknown)}")
        self.name = name
        self.steps = steps
        self.rules = rules

    def refusal(self, step: str, facts: Facts) -> Refusal | None:
        """Why ``step`` may not be taken given ``facts``, or None when it may."""
        if step not in self.steps:
            raise KeyError(f"{self.name}: unknown step {step!r}")
        for rule in self.rules:
            if rule.step == step and rule.when(facts):
                return Refusal(step, rule.text.format(**facts), rule.code.format(**facts))
        return None

    def refusals(self, facts: Facts) -> dict[str, Refusal | None]:
        """Every step → its refusal (None: allowed), e.g. to enable a page's buttons."""
        return {step: self.refusal(step, facts) for step in self.steps}


# ------------------------------------------------------------------------------ cases

def case_facts(*, case_no: str, state: CaseStatus | str, suspended: bool = False,
               extended: bool = False, extension: ExtensionStatus | str | None = None
               ) -> dict[str, Any]:
    """The facts ``CASE_WORKFLOW`` reads, from a case's columns or its record."""
    return {"case_no": case_no, "state": CaseStatus(state), "suspended": bool(suspended),
            "extended": bool(extended),
            "extension": ExtensionStatus(extension) if extension else None}


def _open(f: Facts) -> bool:
    return f["state"] in OPEN_STATUSES


def _closed(f: Facts) -> bool:
    return not _open(f)


def _archived(f: Facts) -> bool:
    return f["state"] is CaseStatus.ARCHIVED


def _not_open_refusal(step: str, doing: str) -> Rule:
    return Rule(step, _closed, "案件{case_no}{state.label}，不能" + doing
                + "；如需继续办理，请由负责人重新办理", "case is {state.value}")


CASE_STEPS = ("assign", "note", "measure", "result", "request_extension", "decide_extension",
              "suspend", "resume", "flags", "conclude", "follow_up", "reopen", "archive")

CASE_WORKFLOW = Workflow("case", CASE_STEPS, (
    _not_open_refusal("assign", "交办"),
    Rule("note", _archived, "案件{case_no}已归档，不能再添加办理记录", "case archived"),
    _not_open_refusal("measure", "添加办理措施"),
    _not_open_refusal("result", "登记追回金额"),
    _not_open_refusal("request_extension", "申请延期"),
    Rule("request_extension",
         lambda f: f["extended"] or f["extension"] is ExtensionStatus.APPROVED,
         "本案已延期一次，不能再次延期", "already extended once"),
    Rule("request_extension", lambda f: f["extension"] is ExtensionStatus.REQUESTED,
         "本案已有待审批的延期申请，不能重复申请；请等待负责人审批", "extension request pending"),
    Rule("decide_extension",
         lambda f: f["extension"] is not ExtensionStatus.REQUESTED and f["extended"],
         "本案已延期一次，不能再次延期", "already extended once"),
    Rule("decide_extension", lambda f: f["extension"] is not ExtensionStatus.REQUESTED,
         "案件{case_no}没有待审批的延期申请", "no pending request"),
    _not_open_refusal("decide_extension", "审批延期"),
    _not_open_refusal("suspend", "中止"),
    Rule("suspend", lambda f: f["suspended"], "案件{case_no}已处于中止状态", "already suspended"),
    Rule("resume", lambda f: not f["suspended"], "案件{case_no}未中止，无需恢复办理",
         "not suspended"),
    Rule("flags", _archived, "案件{case_no}已归档，不能修改督办和关注", "case archived"),
    Rule("conclude", lambda f: f["state"] is CaseStatus.ACCEPTED, "案件尚未交办，不能办结",
         "case not assigned"),
    _not_open_refusal("conclude", "办结"),
    Rule("conclude", lambda f: f["suspended"], "案件处于中止状态，不能办结；请先恢复办理",
         "case suspended"),
    Rule("follow_up", _open, "案件尚未办结，不能回访", "case not concluded"),
    Rule("follow_up", _archived, "案件{case_no}已归档，不能回访", "case archived"),
    Rule("reopen", _open, "案件{case_no}正在办理中，无需重新办理", "case is open"),
    Rule("archive", _archived, "案件{case_no}已归档", "already archived"),
    Rule("archive", _open, "案件尚未办结，不能归档", "case not concluded"),
    Rule("archive", lambda f: f["state"] is not CaseStatus.FOLLOWED_UP,
         "案件尚未回访，不能归档；联系不上当事人时请登记回访结果「未能回访」", "case not followed up"),
))


# ------------------------------------------------------------------------------ mutual-aid claims

def claim_facts(*, claim_no: str, state: ClaimState | str, refusal: ClaimRefusal | str | None = None,
                benefit_fen: int = 0) -> dict[str, Any]:
    """The facts ``CLAIM_WORKFLOW`` reads, from a claim's columns or its record."""
    return {"claim_no": claim_no, "state": ClaimState(state),
            "refusal": ClaimRefusal(refusal) if refusal else None, "benefit_fen": benefit_fen}


def _claim_decided(step: str, doing: str) -> Rule:
    return Rule(step, lambda f: f["state"] is not ClaimState.RECEIVED,
                "申请{claim_no}{state.label}，不能" + doing, "claim is {state.value}")


CLAIM_STEPS = ("edit", "attach", "approve", "refuse", "pay")

CLAIM_WORKFLOW = Workflow("claim", CLAIM_STEPS, (
    _claim_decided("edit", "修改"),
    Rule("attach", lambda f: f["state"] is ClaimState.PAID, "申请{claim_no}已给付，不能再添加材料",
         "claim paid"),
    _claim_decided("approve", "审批"),
    Rule("approve", lambda f: f["refusal"] is not None,
         "按计划规则不予给付（{refusal.label}），只能作不予给付处理", "computed refusal"),
    Rule("approve", lambda f: f["benefit_fen"] <= 0, "给付金额为零，只能作不予给付处理",
         "nothing to pay"),
    _claim_decided("refuse", "作不予给付处理"),
    Rule("pay", lambda f: f["state"] is ClaimState.PAID, "申请{claim_no}已给付", "already paid"),
    Rule("pay", lambda f: f["state"] is not ClaimState.APPROVED,
         "申请{claim_no}{state.label}，审批通过后才能登记给付", "claim not approved"),
))
