"""Case tracking: life cycle, deadlines across the 2026 Spring Festival and National Day, illegal
steps refused with their messages, timeline + audit for every step, permission matrix."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from app.db.models import AuditLog, Case, CaseEvent, Registration, RegistrationIssue
from app.domain.actor import Actor
from app.domain.case_clock import DeadlineState
from app.domain.enums import (AssigneeKind, CaseEventKind, CaseStatus, FollowUp, Measure,
                              Outcome, Role, SuspendReason)
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.services import accounts, cases

PASSWORD = "Passw0rd!2026"


# ------------------------------------------------------------------------------------ helpers

def make_user(db, admin, role: Role, username: str, display: str) -> Actor:
    rec = accounts.create_user(db, admin, username, display, role, PASSWORD)
    return Actor(user_id=rec.id, username=rec.username, display_name=rec.display_name, role=role)


@pytest.fixture
def staff(db, admin):
    return {
        Role.CLERK: make_user(db, admin, Role.CLERK, "clerk1", "登记员小陈"),
        Role.CASEWORKER: make_user(db, admin, Role.CASEWORKER, "worker1", "承办人王芳"),
        Role.MANAGER: make_user(db, admin, Role.MANAGER, "boss1", "负责人李强"),
        Role.ADMIN: admin,
    }


def accept(db, actor, *, received: datetime, category: str = "complaint", channel: str = "visit",
           head_count: int = 1, summary: str = "公司拖欠工资三个月", issues=("wages",)) -> int:
    """A registration accepted on the day it was received; returns the case id.
    (Inserted directly: the intake service is another developer's module.)"""
    with db.write() as s:
        reg_n = s.scalar(select(func.count()).select_from(Registration)) + 1
        reg = Registration(reg_no=f"{received.year}-{reg_n:06d}", channel=channel,
                           received_at=received, person_id=None, head_count=head_count,
                           is_group=head_count >= 5, representatives="[]", employer_id=None,
                           category=category, summary=summary, request="支付拖欠的工资",
                           facts="自去年十一月起未发工资", disposition="accepted",
                           created_by=actor.user_id, created_at=received, updated_at=received)
        s.add(reg)
        s.flush()
        for t in issues:
            s.add(RegistrationIssue(registration_id=reg.id, issue_type=t))
        case = cases.open_case(s, actor, reg, received)
        return case.id


def events(db, case_id) -> list[str]:
    return [e.kind.value for e in cases.timeline(db, case_id)]


def audit_actions(db, case_id) -> list[str]:
    with db.read() as s:
        return list(s.execute(select(AuditLog.action).where(AuditLog.entity == "case",
                                                            AuditLog.entity_id == str(case_id))
                              .order_by(AuditLog.id)).scalars())


FEB10 = datetime(2026, 2, 10, 9, 30)


# ------------------------------------------------------------------------------------ opening

def test_open_case_numbers_and_deadlines_across_spring_festival(db, staff):
    clerk = staff[Role.CLERK]
    cid = accept(db, clerk, received=FEB10)
    rec = cases.get_case(db, cid, today=date(2026, 2, 10))
    assert rec.case_no == "C2026-000001"
    assert rec.status is CaseStatus.ACCEPTED and rec.status_label == "已受理"
    assert rec.accepted_on == date(2026, 2, 10)
    assert rec.due_date == date(2026, 3, 16)          # 20 working days over the Spring Festival
    assert rec.notice_due == date(2026, 2, 25)        # 15 calendar days → 2/25 (a working day)
    assert rec.state is DeadlineState.NORMAL and rec.state_label == "正常"
    assert rec.issue_types == ("wages",) and rec.issue_labels == ("劳动报酬/欠薪",)
    assert events(db, cid) == ["opened"]
    assert audit_actions(db, cid) == ["create"]
    second = accept(db, clerk, received=FEB10)
    assert cases.get_case(db, second).case_no == "C2026-000002"
    assert cases.get_case_by_no(db, "c2026-000002").id == second


def test_consult_across_national_day(db, staff):
    cid = accept(db, staff[Role.CLERK], received=datetime(2026, 9, 29, 10), category="consult")
    rec = cases.get_case(db, cid, today=date(2026, 9, 29))
    assert rec.due_date == date(2026, 10, 12)         # 5 working days over 国庆 (10/10 make-up day)


def test_deadline_state_labels(db, staff):
    cid = accept(db, staff[Role.CLERK], received=FEB10)
    assert cases.get_case(db, cid, today=date(2026, 3, 12)).state is DeadlineState.DUE_SOON
    assert cases.get_case(db, cid, today=date(2026, 3, 12)).state_label == "即将到期"
    assert cases.get_case(db, cid, today=date(2026, 3, 17)).state is DeadlineState.OVERDUE
    assert cases.get_case(db, cid, today=date(2026, 3, 17)).state_label == "已超期"


def test_open_case_twice_for_one_registration_refused(db, staff):
    cid = accept(db, staff[Role.CLERK], received=FEB10)
    with db.write() as s:
        reg = s.get(Registration, s.get(Case, cid).registration_id)
        with pytest.raises(Conflict, match="不能重复受理"):
            cases.open_case(s, staff[Role.CLERK], reg, FEB10)


def test_admin_may_not_open_a_case(db, staff):
    with pytest.raises(PermissionDenied):
        accept(db, staff[Role.ADMIN], received=FEB10)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 0
