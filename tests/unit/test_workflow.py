"""The case workflow table (app.domain.workflow): state × flags × step → refusal or None."""
from __future__ import annotations

import pytest

from app.domain.enums import CaseStatus, ExtensionStatus
from app.domain.workflow import CASE_STEPS, CASE_WORKFLOW, Rule, Workflow, case_facts

S = CaseStatus
# Steps allowed for a case with no flags set (not suspended, no extension asked), per state.
ALLOWED = {
    S.ACCEPTED: {"assign", "note", "measure", "result", "request_extension", "suspend", "flags"},
    S.ASSIGNED: {"assign", "note", "measure", "result", "request_extension", "suspend", "flags",
                 "conclude"},
    S.IN_PROGRESS: {"assign", "note", "measure", "result", "request_extension", "suspend",
                    "flags", "conclude"},
    S.CONCLUDED: {"note", "flags", "follow_up", "reopen"},
    S.FOLLOWED_UP: {"note", "flags", "follow_up", "reopen", "archive"},
    S.ARCHIVED: {"reopen"},
}


@pytest.mark.parametrize("state", list(S))
def test_plain_case_table(state):
    refusals = CASE_WORKFLOW.refusals(case_facts(case_no="C2026-000001", state=state))
    assert set(refusals) == set(CASE_STEPS)
    allowed = {step for step, r in refusals.items() if r is None}
    assert allowed == ALLOWED[state]
    for step, r in refusals.items():
        if r is not None:
            assert r.text and "{" not in r.text   # every placeholder filled


def test_texts_name_the_case_and_state():
    f = case_facts(case_no="C2026-000045", state=S.CONCLUDED)
    assert CASE_WORKFLOW.refusal("assign", f).text == \
        "案件C2026-000045已办结，不能交办；如需继续办理，请由负责人重新办理"
    assert CASE_WORKFLOW.refusal("assign", f).code == "case is concluded"
    assert CASE_WORKFLOW.refusal("note", case_facts(case_no="C1", state=S.ARCHIVED)).text == \
        "案件C1已归档，不能再添加办理记录"
    assert CASE_WORKFLOW.refusal("conclude", case_facts(case_no="C1", state=S.ACCEPTED)).text == \
        "案件尚未交办，不能办结"
    assert CASE_WORKFLOW.refusal("archive", case_facts(case_no="C1", state=S.CONCLUDED)).text \
        .startswith("案件尚未回访，不能归档")


def test_suspension_flags():
    f = case_facts(case_no="C1", state=S.IN_PROGRESS, suspended=True)
    assert CASE_WORKFLOW.refusal("suspend", f).text == "案件C1已处于中止状态"
    assert CASE_WORKFLOW.refusal("resume", f) is None
    assert CASE_WORKFLOW.refusal("conclude", f).text == "案件处于中止状态，不能办结；请先恢复办理"
    running = case_facts(case_no="C1", state=S.IN_PROGRESS)
    assert CASE_WORKFLOW.refusal("resume", running).text == "案件C1未中止，无需恢复办理"


def test_extension_flags():
    pending = case_facts(case_no="C1", state=S.IN_PROGRESS, extension=ExtensionStatus.REQUESTED)
    assert CASE_WORKFLOW.refusal("decide_extension", pending) is None
    assert CASE_WORKFLOW.refusal("request_extension", pending).code == "extension request pending"
    done = case_facts(case_no="C1", state=S.IN_PROGRESS, extended=True,
                      extension=ExtensionStatus.APPROVED)
    assert CASE_WORKFLOW.refusal("request_extension", done).text == "本案已延期一次，不能再次延期"
    assert CASE_WORKFLOW.refusal("decide_extension", done).text == "本案已延期一次，不能再次延期"
    rejected = case_facts(case_no="C1", state=S.IN_PROGRESS, extension="rejected")
    assert CASE_WORKFLOW.refusal("request_extension", rejected) is None   # may ask again
    assert CASE_WORKFLOW.refusal("decide_extension", rejected).text == "案件C1没有待审批的延期申请"
    # a pending request on a concluded case: the state refuses the decision
    closed = case_facts(case_no="C1", state=S.CONCLUDED, extension="requested")
    assert CASE_WORKFLOW.refusal("decide_extension", closed).code == "case is concluded"


def test_generic_table():
    table = Workflow("file", ("approve", "pay"), (
        Rule("approve", lambda f: f["state"] != "draft", "档案{no}不是草稿", "not draft"),
        Rule("pay", lambda f: not f["approved"], "档案{no}尚未审批", "not approved"),
    ))
    assert table.refusal("approve", {"state": "draft", "approved": False, "no": "H1"}) is None
    assert table.refusal("pay", {"state": "draft", "approved": False, "no": "H1"}).text == \
        "档案H1尚未审批"
    with pytest.raises(KeyError):
        table.refusal("delete", {})
    with pytest.raises(ValueError):
        Workflow("bad", ("a",), (Rule("b", lambda f: True, "x", "x"),))


# ---- hardship files and payments ----------------------------------------------------------------

from datetime import date  # noqa: E402

from app.domain.hardship import FileState as FS, PaymentState as PS  # noqa: E402
from app.domain.workflow import (FILE_STEPS, FILE_WORKFLOW, PAYMENT_STEPS,  # noqa: E402
                                 PAYMENT_WORKFLOW, file_facts, payment_facts)

FILE_ALLOWED = {
    FS.APPLIED: {"edit", "screen", "send_back", "reject", "confirm_category"},
    FS.SCREENED: {"edit", "investigate", "send_back", "reject", "confirm_category"},
    FS.INVESTIGATED: {"edit", "publicize", "send_back", "reject", "confirm_category"},
    FS.PUBLICIZING: {"edit", "objection", "approve", "send_back", "reject", "confirm_category"},
    FS.ACTIVE: {"edit", "confirm_category", "review", "change_category", "close", "pay"},
    FS.REJECTED: set(),
    FS.CLOSED: set(),
}


@pytest.mark.parametrize("state", list(FS))
def test_file_table(state):
    facts = file_facts(file_no="K2026-000001", state=state, today=date(2026, 12, 20),
                       publicity_end=date(2026, 12, 11))
    refusals = FILE_WORKFLOW.refusals(facts)
    assert set(refusals) == set(FILE_STEPS)
    assert {s for s, r in refusals.items() if r is None} == FILE_ALLOWED[state]
    assert all("{" not in r.text for r in refusals.values() if r is not None)


def test_file_approval_waits_for_the_end_of_publicity_and_the_objection():
    def facts(today, objection=False):
        return file_facts(file_no="K1", state=FS.PUBLICIZING, today=today,
                          publicity_end=date(2026, 12, 11), objection_open=objection)
    assert FILE_WORKFLOW.refusal("approve", facts(date(2026, 12, 11))).text == \
        "公示期至2026-12-11结束，公示期满后才能审批建档"
    assert FILE_WORKFLOW.refusal("approve", facts(date(2026, 12, 12))) is None
    assert FILE_WORKFLOW.refusal("approve", facts(date(2026, 12, 12), True)).code == "objection open"
    closed = file_facts(file_no="K1", state=FS.CLOSED)
    assert FILE_WORKFLOW.refusal("pay", closed).text == "档案K1已出档，不能再安排帮扶"
    assert "先建档、后帮扶" in FILE_WORKFLOW.refusal("pay", file_facts(file_no="K1", state="screened")).text


def test_payment_table():
    allowed = {PS.PROPOSED: {"edit", "approve", "refuse"}, PS.APPROVED: {"pay"}, PS.REFUSED: set(),
               PS.PAID: set()}
    for state, steps in allowed.items():
        refusals = PAYMENT_WORKFLOW.refusals(payment_facts(payment_id=7, state=state))
        assert set(refusals) == set(PAYMENT_STEPS)
        assert {s for s, r in refusals.items() if r is None} == steps
    assert PAYMENT_WORKFLOW.refusal("pay", payment_facts(payment_id=7, state="paid")).text == \
        "帮扶记录7已发放，不能重复发放"
