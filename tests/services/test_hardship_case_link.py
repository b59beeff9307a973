"""A case's 经济帮扶 measure proposes an assistance record for the petitioner, linked both ways
(the record names the case, the case's timeline names the record); the ledger's rules apply."""
from __future__ import annotations

import pytest

from app.domain.enums import Measure
from app.domain.errors import ValidationError
from app.domain.hardship import AssistanceKind, PaymentState
from app.services.hardship import payments
from app.services.petitions import cases, registration
from tests.clock import NOW
from tests.services.hardship_util import CLERK, MANAGER, active_file, person


def _case(db, person_id) -> int:
    reg = registration.register(db, CLERK, registration.RegistrationInput(
        channel="visit", received_at=NOW.replace(hour=9), person_id=person_id, category="help",
        issue_types=["hardship"], summary="家庭困难申请帮扶", disposition="accepted"), now=NOW)
    return reg.case_id


def test_assistance_measure_proposes_a_linked_record(db):
    pid = person(db, "张伟", 1)
    cid = _case(db, pid)
    cases.add_measure(db, MANAGER, cid, Measure.ASSISTANCE, "送去慰问金", amount="1,500", now=NOW)
    event = cases.timeline(db, cid)[-1]
    pay = payments.get_payment_record(db, event.detail["payment_id"])
    assert (pay.case_id, pay.person_id, pay.amount_fen, pay.kind, pay.state, pay.file_id) == \
        (cid, pid, 1_500_00, AssistanceKind.TEMPORARY, PaymentState.PROPOSED, None)
    assert f"已提交帮扶记录{pay.id}待审批" in event.text and pay.note == "送去慰问金"
    # over the 临时救助 cap: the measure is refused whole, nothing written
    before = len(cases.timeline(db, cid))
    with pytest.raises(ValidationError, match="还可安排 ¥1,500.00"):
        cases.add_measure(db, MANAGER, cid, Measure.ASSISTANCE, amount="2,000", now=NOW)
    assert len(cases.timeline(db, cid)) == before


def test_a_petitioner_with_an_active_file_gets_living_assistance_on_the_file(db):
    f = active_file(db, person(db, "李娜", 2, male=False))
    cid = _case(db, f.person_id)
    cases.add_measure(db, MANAGER, cid, Measure.ASSISTANCE, amount=80_000, now=NOW)
    pay = payments.get_payment_record(db, cases.timeline(db, cid)[-1].detail["payment_id"])
    assert (pay.kind, pay.file_id, pay.fund_name) == (AssistanceKind.LIVING, f.id, "上级拨款")
