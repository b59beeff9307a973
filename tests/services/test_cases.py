"""Case tracking: life cycle, deadlines across the 2026 Spring Festival and National Day, illegal
steps refused with their messages, timeline + audit for every step, permission matrix."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.db.models import AuditLog, Case, Registration, RegistrationIssue
from app.domain.actor import Actor
from app.domain.case_clock import DeadlineState
from app.domain.enums import (AssigneeKind, CaseEventKind, CaseStatus, FollowUp, Measure,
                              Outcome, Role, SuspendReason)
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.services import accounts, settings
from app.services.petitions import cases, search

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


def test_closed_case_without_due_date_has_one_state_in_list_and_page(db, staff):
    """Issue 8: a closed case without a due date (data from before due dates were kept) showed
    正常 / 按期办结 in the lists but 已中止 on the case page; both now take one function."""
    from app.services.petitions import lists
    cid = accept(db, staff[Role.CLERK], received=FEB10)
    with db.write() as s:
        case = s.get(Case, cid)
        case.status, case.due_date, case.concluded_on = CaseStatus.ARCHIVED.value, None, None
    today = date(2026, 6, 1)
    page_state = cases.get_case(db, cid, today=today).state
    [row] = [r for r in lists.iter_rows(db, lists.CaseFilter(), today=today) if r.id == cid]
    assert page_state is row.deadline is DeadlineState.ON_TIME


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


# ------------------------------------------------------------------------------------ steps

def at(m: int, d: int, h: int = 10) -> datetime:
    return datetime(2026, m, d, h)


@pytest.fixture
def opened(db, staff):
    return accept(db, staff[Role.CLERK], received=FEB10)


def assigned_case(db, staff, received=FEB10, **kw) -> int:
    cid = accept(db, staff[Role.CLERK], received=received, **kw)
    cases.assign(db, staff[Role.MANAGER], cid, handler_id=staff[Role.CASEWORKER].user_id,
                 now=datetime.combine(received.date(), datetime.min.time()).replace(hour=15))
    return cid


def test_full_flow_group_visit_of_twelve_about_wages(db, staff):
    clerk, worker, boss = staff[Role.CLERK], staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = accept(db, clerk, received=FEB10, head_count=12, summary="12名工人反馈某电子厂拖欠工资")
    rec = cases.assign(db, boss, cid, handler_id=worker.user_id, now=at(2, 11))
    assert rec.status is CaseStatus.ASSIGNED and rec.handler_name == "承办人王芳"
    assert rec.assignee_kind is AssigneeKind.HANDLER and rec.assignee_label == "承办人王芳"
    assert rec.feedback_due == date(2026, 3, 3)      # 10 working days over the Spring Festival
    rec = cases.add_note(db, worker, cid, "约谈企业负责人，核对工资表", now=at(2, 24))
    assert rec.status is CaseStatus.IN_PROGRESS
    rec = cases.request_extension(db, worker, cid, "需调取银行流水核实欠薪数额", now=at(3, 10))
    assert rec.extension_label == "待审批" and rec.due_date == date(2026, 3, 16)
    rec = cases.decide_extension(db, boss, cid, True, "同意延期", now=at(3, 11))
    assert rec.extended and rec.extension_label == "已批准"
    assert rec.due_date == date(2026, 3, 30)
    rec = cases.conclude(db, worker, cid, Outcome.SUPPORTED, "企业已补发全部拖欠工资",
                         recovered="86,000", workers=12, now=at(3, 20))
    assert rec.status is CaseStatus.CONCLUDED and rec.outcome_label == "支持"
    assert rec.recovered_fen == 8_600_000 and rec.recovered_label == "¥86,000.00"
    assert rec.workers_benefited == 12 and rec.on_time is True
    assert rec.concluded_on == date(2026, 3, 20)
    rec = cases.follow_up(db, clerk, cid, FollowUp.SATISFIED, "工人表示满意", now=at(3, 25))
    assert rec.status is CaseStatus.FOLLOWED_UP and rec.followup_label == "满意"
    rec = cases.archive(db, boss, cid, now=at(3, 26))
    assert rec.status is CaseStatus.ARCHIVED and rec.archived_on == date(2026, 3, 26)
    # a concluded case shows how it ended (on time here), whatever the day
    assert cases.get_case(db, cid, today=date(2026, 6, 1)).state is DeadlineState.ON_TIME

    tl = cases.timeline(db, cid)
    assert [e.kind.value for e in tl] == ["opened", "assigned", "note", "extension_requested",
                                         "extension_approved", "concluded", "followed_up",
                                         "archived"]
    assert [e.user_name for e in tl][1:3] == ["负责人李强", "承办人王芳"]
    assert tl[4].kind_label == "批准延期" and "2026-03-30" in tl[4].text
    assert tl[5].detail["recovered_after"] == 8_600_000
    assert audit_actions(db, cid) == ["create", "assign", "note", "request_extension",
                                      "approve_extension", "conclude", "follow_up", "archive"]
    with db.read() as s:
        row = s.execute(select(AuditLog).where(AuditLog.entity == "case", AuditLog.action == "conclude")
                        ).scalar_one()
        before, after = json.loads(row.before), json.loads(row.after)
    assert before["status"] == "in_progress" and after["status"] == "concluded"
    assert before["recovered_fen"] == 0 and after["recovered_fen"] == 8_600_000


def test_extension_capped_and_once_only(db, staff):
    worker, boss = staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = assigned_case(db, staff)
    cases.request_extension(db, worker, cid, "需鉴定", now=at(3, 2))
    with pytest.raises(Conflict, match="待审批"):
        cases.request_extension(db, worker, cid, "再次申请", now=at(3, 2))
    cases.decide_extension(db, boss, cid, True, now=at(3, 3))
    with pytest.raises(Conflict, match="^本案已延期一次，不能再次延期$"):
        cases.request_extension(db, worker, cid, "还要延期", now=at(3, 20))
    with pytest.raises(Conflict, match="本案已延期一次"):
        cases.decide_extension(db, boss, cid, True, now=at(3, 20))
    assert events(db, cid).count("extension_requested") == 1


def test_rejected_extension_keeps_due_and_may_be_asked_again(db, staff):
    worker, boss = staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = assigned_case(db, staff)
    cases.request_extension(db, worker, cid, "需鉴定", now=at(3, 2))
    rec = cases.decide_extension(db, boss, cid, False, "理由不充分", now=at(3, 3))
    assert rec.extension_label == "未批准" and not rec.extended
    assert rec.due_date == date(2026, 3, 16)
    rec = cases.request_extension(db, worker, cid, "补充理由：需等待工伤鉴定", now=at(3, 4))
    assert rec.extension_label == "待审批"


def test_extension_never_beyond_statutory_cap(db, staff, admin):
    from app.services import settings as settings_service
    settings_service.save(db, admin, {"deadline.extended_workdays": 60})
    cid = assigned_case(db, staff)
    cases.request_extension(db, staff[Role.CASEWORKER], cid, "复杂", now=at(3, 2))
    rec = cases.decide_extension(db, staff[Role.MANAGER], cid, True, now=at(3, 3))
    # 60 + 30 calendar days from 2026-02-10 = 2026-05-11 (a Monday); 60 working days would be later
    assert rec.due_date == date(2026, 5, 11)


def test_clerk_may_not_approve_an_extension(db, staff):
    cid = assigned_case(db, staff)
    cases.request_extension(db, staff[Role.CASEWORKER], cid, "需鉴定", now=at(3, 2))
    with pytest.raises(PermissionDenied, match="无权审批延期") as e:
        cases.decide_extension(db, staff[Role.CLERK], cid, True, now=at(3, 3))
    assert "登记员" in str(e.value)
    assert cases.get_case(db, cid).extension_label == "待审批"


def test_suspension_stops_the_clock_and_resume_shifts_the_due_date(db, staff):
    worker = staff[Role.CASEWORKER]
    cid = assigned_case(db, staff)
    rec = cases.suspend(db, worker, cid, SuspendReason.APPRAISAL, "工伤等级鉴定",
                        day=date(2026, 3, 2), now=at(3, 2))
    assert rec.suspended and rec.due_date is None and rec.state is DeadlineState.SUSPENDED
    with pytest.raises(Conflict, match="^案件处于中止状态，不能办结；请先恢复办理$"):
        cases.conclude(db, worker, cid, Outcome.SUPPORTED, "已处理", now=at(3, 5))
    with pytest.raises(Conflict, match="已处于中止状态"):
        cases.suspend(db, worker, cid, SuspendReason.HEARING, now=at(3, 5))
    rec = cases.resume(db, worker, cid, day=date(2026, 3, 9), now=at(3, 9))
    # 3/2–3/6 (five working days) not counted: 3/16 → 3/23
    assert not rec.suspended and rec.due_date == date(2026, 3, 23)
    assert events(db, cid)[-2:] == ["suspended", "resumed"]
    # a second suspension adds up
    cases.suspend(db, worker, cid, SuspendReason.HEARING, day=date(2026, 3, 10), now=at(3, 10))
    rec = cases.resume(db, worker, cid, day=date(2026, 3, 12), now=at(3, 12))
    assert rec.due_date == date(2026, 3, 25)
    # extension after suspensions counts them too: 30 working days + 7, over 清明 (4/6) → 4/9
    cases.request_extension(db, worker, cid, "听证后需补充调查", now=at(3, 13))
    rec = cases.decide_extension(db, staff[Role.MANAGER], cid, True, now=at(3, 13))
    assert rec.due_date == date(2026, 4, 9)


def test_suspend_other_reason_needs_a_note_and_dates_checked(db, staff):
    cid = assigned_case(db, staff)
    with pytest.raises(ValidationError) as e:
        cases.suspend(db, staff[Role.CASEWORKER], cid, SuspendReason.OTHER, "",
                      day=date(2026, 3, 20), now=at(3, 2))
    assert set(e.value.fields) == {"中止说明", "中止日期"}
    assert not cases.get_case(db, cid).suspended
    with pytest.raises(Conflict, match="未中止"):
        cases.resume(db, staff[Role.CASEWORKER], cid, now=at(3, 2))


def test_conclude_unassigned_case_refused(db, staff, opened):
    with pytest.raises(Conflict, match="^案件尚未交办，不能办结$"):
        cases.conclude(db, staff[Role.MANAGER], opened, Outcome.SUPPORTED, "已处理", now=at(2, 12))
    assert cases.get_case(db, opened).status is CaseStatus.ACCEPTED


def test_conclude_without_outcome_text_refused_nothing_written(db, staff):
    cid = assigned_case(db, staff)
    n_events = len(events(db, cid))
    with pytest.raises(ValidationError) as e:
        cases.conclude(db, staff[Role.CASEWORKER], cid, Outcome.SUPPORTED, "  ", now=at(3, 2))
    assert e.value.fields == ["处理意见内容"] and "请填写处理意见内容" in str(e.value)
    with pytest.raises(ValidationError) as e:
        cases.conclude(db, staff[Role.CASEWORKER], cid, None, "", recovered="abc",
                       workers=100_001, now=at(3, 2))
    assert e.value.fields == ["处理意见", "处理意见内容", "追回金额", "受益职工人数"]
    rec = cases.get_case(db, cid)
    assert rec.status is CaseStatus.ASSIGNED and rec.outcome is None and rec.recovered_fen == 0
    assert len(events(db, cid)) == n_events


def test_follow_up_open_case_refused_and_archive_needs_follow_up(db, staff):
    worker, boss = staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = assigned_case(db, staff)
    with pytest.raises(Conflict, match="^案件尚未办结，不能回访$"):
        cases.follow_up(db, staff[Role.CLERK], cid, FollowUp.SATISFIED, now=at(3, 2))
    with pytest.raises(Conflict, match="尚未办结，不能归档"):
        cases.archive(db, boss, cid, now=at(3, 2))
    cases.conclude(db, worker, cid, Outcome.EXPLAINED, "已向当事人解释政策", now=at(3, 20))
    assert cases.get_case(db, cid).on_time is False     # due 3/16
    with pytest.raises(Conflict, match="尚未回访，不能归档"):
        cases.archive(db, boss, cid, now=at(3, 21))
    with pytest.raises(ValidationError, match="回访情况"):
        cases.follow_up(db, staff[Role.CLERK], cid, FollowUp.UNREACHABLE, "", now=at(3, 22))
    rec = cases.follow_up(db, staff[Role.CLERK], cid, FollowUp.UNREACHABLE, "电话三次无人接听",
                          now=at(3, 22))
    assert rec.followup_label == "未能回访"
    rec = cases.archive(db, boss, cid, now=at(3, 23))
    assert rec.status is CaseStatus.ARCHIVED
    with pytest.raises(Conflict, match="已归档"):
        cases.follow_up(db, staff[Role.CLERK], cid, FollowUp.SATISFIED, now=at(3, 24))
    with pytest.raises(Conflict, match="已归档"):
        cases.add_note(db, worker, cid, "补记", now=at(3, 24))


def test_reopen_keeps_original_due_date_and_clears_conclusion(db, staff):
    worker, boss = staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = assigned_case(db, staff)
    cases.conclude(db, worker, cid, Outcome.PARTLY, "部分支持", recovered=100_00, now=at(3, 2))
    cases.follow_up(db, staff[Role.CLERK], cid, FollowUp.DISSATISFIED, "认为补偿不足", now=at(3, 4))
    cases.archive(db, boss, cid, now=at(3, 5))
    with pytest.raises(ValidationError, match="重新办理原因"):
        cases.reopen(db, boss, cid, "", now=at(4, 1))
    rec = cases.reopen(db, boss, cid, "当事人提出新证据", now=at(4, 1))
    assert rec.status is CaseStatus.IN_PROGRESS and rec.reopened_count == 1
    assert rec.outcome is None and rec.concluded_on is None and rec.followup_result is None
    assert rec.archived_on is None and rec.on_time is None
    assert rec.due_date == date(2026, 3, 16) and rec.recovered_fen == 100_00
    assert cases.get_case(db, cid, today=date(2026, 4, 1)).state is DeadlineState.OVERDUE
    assert cases.timeline(db, cid)[-1].detail["due_date_kept"] == "2026-03-16"
    with pytest.raises(Conflict, match="无需重新办理"):
        cases.reopen(db, boss, cid, "再次", now=at(4, 2))


def test_assign_department_reassign_and_feedback_deadline(db, staff, opened):
    boss, worker = staff[Role.MANAGER], staff[Role.CASEWORKER]
    with pytest.raises(ValidationError) as e:
        cases.assign(db, boss, opened, kind=AssigneeKind.LOWER_UNION, assignee_name="",
                     feedback_due=date(2026, 3, 20), now=at(2, 11))
    assert e.value.fields == ["承办单位", "反馈期限"]
    with pytest.raises(ValidationError, match="承办人"):
        cases.assign(db, boss, opened, handler_id=staff[Role.CLERK].user_id, now=at(2, 11))
    rec = cases.assign(db, boss, opened, kind="lower_union", assignee_name="西乡街道总工会",
                       feedback_due=date(2026, 3, 2), note="请于期限内反馈", now=at(2, 11))
    assert rec.assignee_label == "西乡街道总工会" and rec.feedback_due == date(2026, 3, 2)
    # anyone handling a case sent to a lower union starts it
    assert cases.add_note(db, worker, opened, "街道工会已反馈初步情况", now=at(2, 26)).status \
        is CaseStatus.IN_PROGRESS
    rec = cases.assign(db, boss, opened, handler_id=worker.user_id, now=at(3, 10))
    assert rec.status is CaseStatus.IN_PROGRESS and rec.handler_name == "承办人王芳"
    assert rec.feedback_due == date(2026, 3, 16)     # 10 working days would pass the due date
    last = cases.timeline(db, opened)[-1]
    assert last.kind is CaseEventKind.REASSIGNED
    assert last.detail["from"] == "西乡街道总工会" and last.detail["to"] == "承办人王芳"
    assert audit_actions(db, opened)[-1] == "reassign"


def test_default_feedback_deadline_is_an_office_setting(db, staff, admin):
    settings.save(db, admin, {"deadline.feedback_workdays": 3})
    cid = accept(db, staff[Role.CLERK], received=FEB10)
    rec = cases.assign(db, staff[Role.MANAGER], cid, handler_id=staff[Role.CASEWORKER].user_id,
                       now=at(2, 11))
    assert rec.feedback_due == date(2026, 2, 14)     # 3 working days: 12, 13 and the make-up Saturday 14
    with pytest.raises(ValidationError, match="交办反馈期限"):
        settings.save(db, admin, {"deadline.feedback_workdays": 0})


def test_only_the_handlers_work_starts_handling(db, staff):
    cid = assigned_case(db, staff)
    assert cases.add_note(db, staff[Role.MANAGER], cid, "请抓紧办理", now=at(2, 24)).status \
        is CaseStatus.ASSIGNED
    assert cases.add_measure(db, staff[Role.CASEWORKER], cid, Measure.GUIDANCE, "解释工资支付条例",
                             now=at(2, 25)).status is CaseStatus.IN_PROGRESS


def test_measures_need_their_details(db, staff):
    worker = staff[Role.CASEWORKER]
    cid = assigned_case(db, staff)
    for measure, field in ((Measure.LEGAL_AID, "律师姓名"), (Measure.MEDIATION, "调解结果"),
                           (Measure.ASSISTANCE, "帮扶金额")):
        with pytest.raises(ValidationError) as e:
            cases.add_measure(db, worker, cid, measure, now=at(2, 24))
        assert e.value.fields == [field]
    with pytest.raises(ValidationError, match="办理措施"):
        cases.add_measure(db, worker, cid, "bogus", now=at(2, 24))
    cases.add_measure(db, worker, cid, Measure.LEGAL_AID, "指派律师代理仲裁", lawyer="赵律师",
                      now=at(2, 24))
    cases.add_measure(db, worker, cid, Measure.MEDIATION, mediation_result="成功", now=at(2, 25))
    cases.add_measure(db, worker, cid, Measure.ASSISTANCE, amount="2,000", now=at(2, 26))
    tl = cases.timeline(db, cid)[-3:]
    assert tl[0].detail["lawyer"] == "赵律师" and "律师：赵律师" in tl[0].text
    assert tl[1].detail["mediation_result"] == "成功"
    assert tl[2].detail["amount_fen"] == 200_000 and "¥2,000.00" in tl[2].text


def test_record_result_sets_totals_with_before_and_after(db, staff):
    worker = staff[Role.CASEWORKER]
    cid = assigned_case(db, staff)
    cases.record_result(db, worker, cid, "30000", "5", now=at(2, 24))
    rec = cases.record_result(db, worker, cid, 8_600_000, 12, now=at(3, 2))
    assert rec.recovered_fen == 8_600_000 and rec.workers_benefited == 12
    last = cases.timeline(db, cid)[-1]
    assert last.detail == {"recovered_before": 3_000_000, "recovered_after": 8_600_000,
                           "workers_before": 5, "workers_after": 12}
    assert "¥30,000.00 → ¥86,000.00" in last.text
    with pytest.raises(ValidationError) as e:
        cases.record_result(db, worker, cid, "-5", "x", now=at(3, 3))
    assert e.value.fields == ["追回金额", "受益职工人数"]
    with pytest.raises(ValidationError, match="受益职工人数"):
        cases.record_result(db, worker, cid, workers=100_001, now=at(3, 3))
    assert cases.record_result(db, worker, cid, workers=100_000, now=at(3, 3)).workers_benefited \
        == 100_000


def test_flags_by_manager(db, staff, opened):
    boss = staff[Role.MANAGER]
    rec = cases.set_flags(db, boss, opened, supervised=True, focus=True, leader_in_charge="张主席",
                          now=at(2, 11))
    assert rec.supervised and rec.focus and rec.leader_in_charge == "张主席"
    assert "设为督办" in cases.timeline(db, opened)[-1].text
    n = len(events(db, opened))
    cases.set_flags(db, boss, opened, supervised=True, now=at(2, 12))     # no change, no event
    assert len(events(db, opened)) == n
    rec = cases.set_flags(db, boss, opened, focus=False, now=at(2, 12))
    assert rec.supervised and not rec.focus


def test_notes_are_indexed_for_content_search(db, staff):
    cid = assigned_case(db, staff)
    cases.add_note(db, staff[Role.CASEWORKER], cid, "约谈企业财务总监", now=at(2, 24))
    with pytest.raises(ValidationError, match="请填写办理记录"):
        cases.add_note(db, staff[Role.CASEWORKER], cid, "   ", now=at(2, 24))
    with db.read() as s:
        reg_id = s.get(Case, cid).registration_id
        hits = search.search_ids(s, "财务总监")
    assert hits == [reg_id]


def test_handlers_lists_active_caseworkers_and_managers(db, staff):
    assert {name for _, name in cases.handlers(db)} == {"承办人王芳", "负责人李强"}


# ------------------------------------------------------------------------------------ permissions

def _prepare(db, staff, state: str) -> int:
    """A fresh case in ``state`` prepared by the manager/caseworker (who may do everything)."""
    worker, boss = staff[Role.CASEWORKER], staff[Role.MANAGER]
    cid = accept(db, staff[Role.CLERK], received=FEB10)
    if state == "accepted":
        return cid
    cases.assign(db, boss, cid, handler_id=worker.user_id, now=at(2, 11))
    if state == "requested":
        cases.request_extension(db, worker, cid, "需鉴定", now=at(2, 12))
    elif state == "suspended":
        cases.suspend(db, worker, cid, SuspendReason.HEARING, now=at(2, 12))
    elif state in ("concluded", "followed_up"):
        cases.conclude(db, worker, cid, Outcome.SUPPORTED, "已处理", now=at(2, 12))
        if state == "followed_up":
            cases.follow_up(db, worker, cid, FollowUp.SATISFIED, now=at(2, 13))
    return cid


NOW = at(2, 16)
WRITES = {
    "assign": ("accepted", lambda db, a, c, staff: cases.assign(
        db, a, c, handler_id=staff[Role.CASEWORKER].user_id, now=NOW)),
    "add_note": ("assigned", lambda db, a, c, staff: cases.add_note(db, a, c, "记录", now=NOW)),
    "add_measure": ("assigned", lambda db, a, c, staff: cases.add_measure(
        db, a, c, Measure.GUIDANCE, "解答", now=NOW)),
    "record_result": ("assigned", lambda db, a, c, staff: cases.record_result(
        db, a, c, "100", 1, now=NOW)),
    "request_extension": ("assigned", lambda db, a, c, staff: cases.request_extension(
        db, a, c, "理由", now=NOW)),
    "decide_extension": ("requested", lambda db, a, c, staff: cases.decide_extension(
        db, a, c, True, now=NOW)),
    "suspend": ("assigned", lambda db, a, c, staff: cases.suspend(
        db, a, c, SuspendReason.HEARING, now=NOW)),
    "resume": ("suspended", lambda db, a, c, staff: cases.resume(db, a, c, now=NOW)),
    "set_flags": ("assigned", lambda db, a, c, staff: cases.set_flags(
        db, a, c, supervised=True, now=NOW)),
    "conclude": ("assigned", lambda db, a, c, staff: cases.conclude(
        db, a, c, Outcome.SUPPORTED, "已处理", now=NOW)),
    "follow_up": ("concluded", lambda db, a, c, staff: cases.follow_up(
        db, a, c, FollowUp.SATISFIED, now=NOW)),
    "reopen": ("concluded", lambda db, a, c, staff: cases.reopen(db, a, c, "新情况", now=NOW)),
    "archive": ("followed_up", lambda db, a, c, staff: cases.archive(db, a, c, now=NOW)),
}
EXPECTED = {
    "assign": {Role.MANAGER},
    "add_note": {Role.CASEWORKER, Role.MANAGER},
    "add_measure": {Role.CASEWORKER, Role.MANAGER},
    "record_result": {Role.CASEWORKER, Role.MANAGER},
    "request_extension": {Role.CASEWORKER, Role.MANAGER},
    "decide_extension": {Role.MANAGER},
    "suspend": {Role.CASEWORKER, Role.MANAGER},
    "resume": {Role.CASEWORKER, Role.MANAGER},
    "set_flags": {Role.MANAGER},
    "conclude": {Role.CASEWORKER, Role.MANAGER},
    "follow_up": {Role.CLERK, Role.CASEWORKER, Role.MANAGER},
    "reopen": {Role.MANAGER},
    "archive": {Role.MANAGER},
    "open_case": {Role.CLERK, Role.CASEWORKER, Role.MANAGER},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(db, staff, name):
    allowed = set()
    for role in Role:
        actor = staff[role]
        if name == "open_case":
            try:
                accept(db, actor, received=FEB10)
            except PermissionDenied:
                continue
            allowed.add(role)
            continue
        state, call = WRITES[name]
        cid = _prepare(db, staff, state)
        before = (events(db, cid), audit_actions(db, cid))
        try:
            call(db, actor, cid, staff)
        except PermissionDenied as e:
            assert "无权" in str(e)
            assert (events(db, cid), audit_actions(db, cid)) == before
            continue
        allowed.add(role)
        assert len(events(db, cid)) == len(before[0]) + 1
        assert len(audit_actions(db, cid)) == len(before[1]) + 1
    assert allowed == EXPECTED[name]


def test_case_opened_through_intake_shows_person_and_employer(db, staff):
    from app.services import people
    from app.services.petitions import registration
    boss = staff[Role.MANAGER]
    emp = people.create_employer(db, boss, people.EmployerInput(name="深圳市某电子厂"))
    person = people.create_person(db, boss, people.PersonInput(name="张伟", phone="13800138000",
                                                               employer_id=emp.id))
    reg = registration.register(db, staff[Role.CLERK], registration.RegistrationInput(
        channel="visit", received_at=FEB10, person_id=person.id, head_count=12,
        representatives=["张伟", "李娜"], employer_id=emp.id, category="complaint",
        issue_types=["wages"], summary="12名工人反映拖欠工资", request="支付工资",
        facts="三个月未发工资", disposition="accepted"), now=FEB10)
    rec = cases.get_case(db, reg.case_id, today=date(2026, 2, 10))
    assert rec.case_no == reg.case_no and rec.reg_no == reg.reg_no
    assert rec.person_name == "张伟" and rec.employer_name == "深圳市某电子厂"
    assert rec.head_count == 12 and rec.is_group and rec.due_date == date(2026, 3, 16)
    assert rec.channel_label == "来访" and rec.category_label == "投诉/申诉"
