"""Notices (issue 4): every kind issued for a registration/case made through intake and cases,
its snapshot states what DESIGN §4's table requires, document numbers per kind per year without
gaps or padding, refusals by state, office profile, templates, void, delivery, reprint, and two
processes issuing at once."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import open_database
from app.db.models import AuditLog, Counter, Notice
from app.domain import notices as rules
from app.domain.actor import Actor
from app.domain.enums import RejectReason, Role
from app.domain.errors import Conflict, PermissionDenied, UserError, ValidationError
from app.domain.notices import NoticeKind
from app.services import accounts, audit, people, settings
from app.services.petitions import registration
from app.services.petitions import cases, notice_templates, notices
from app.services.petitions.registration import RegistrationInput
from app.services.people import EmployerInput, PersonInput
from app.paths import resource_path
from tests.processes import at_once

PASSWORD = "Passw0rd!2026"
NOW = datetime(2026, 11, 20, 15, 0)
RARE = "王𠮷"   # a name with a character outside the BMP


def make_user(db, admin, role: Role, username: str, display: str) -> Actor:
    rec = accounts.create_user(db, admin, username, display, role, PASSWORD)
    return Actor(user_id=rec.id, username=rec.username, display_name=rec.display_name, role=role)


@pytest.fixture
def office(db, admin):
    settings.save(db, admin, {"office.name": "朝阳区总工会", "office.doc_prefix": "朝工信",
                              "office.phone": "010-65001234", "office.contact": "刘老师",
                              "office.address": "朝阳区工人路1号"})


@pytest.fixture
def staff(db, admin, office):
    return {
        Role.CLERK: make_user(db, admin, Role.CLERK, "clerk1", "登记员小陈"),
        Role.CASEWORKER: make_user(db, admin, Role.CASEWORKER, "worker1", "承办人王芳"),
        Role.MANAGER: make_user(db, admin, Role.MANAGER, "boss1", "负责人李强"),
    }


@pytest.fixture
def person(db, admin):
    employer = people.create_employer(db, admin, EmployerInput(name="北京某某电子有限公司"))
    return people.create_person(db, admin, PersonInput(name=RARE, phone="13812345678",
                                                       employer_id=employer.id))


def form(**kw) -> RegistrationInput:
    base = dict(channel="visit", received_at=NOW - timedelta(minutes=30), category="complaint",
                issue_types=["wages"], summary="公司拖欠工资三个月", request="支付拖欠的工资",
                facts="自2026年8月起未发工资", disposition="accepted")
    base.update(kw)
    return RegistrationInput(**base)


def register(db, staff, person, **kw):
    return registration.register(db, staff[Role.CLERK], form(person_id=person.id, **kw), now=NOW)


def snapshot(db, notice_id) -> dict:
    with db.read() as s:
        return json.loads(s.get(Notice, notice_id).content)


def text_of(db, notice_id) -> str:
    c = snapshot(db, notice_id)
    return "\n".join([c["issuer"], c["doc_no"], c["title"], c["addressee"], *c["paragraphs"],
                      c["date"]])


@pytest.fixture
def accepted(db, staff, person):
    return register(db, staff, person)


def concluded_case(db, staff, person, *, extend=False):
    rec = register(db, staff, person)
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    cases.assign(db, m, rec.case_id, kind="handler", handler_id=w.user_id, now=NOW)
    if extend:
        cases.request_extension(db, w, rec.case_id, "需要调取考勤记录并询问证人", now=NOW)
        cases.decide_extension(db, m, rec.case_id, True, now=NOW)
    return rec


# ------------------------------------------------------------------------------ each kind

def test_accept_notice_states_what_design_requires(db, staff, accepted):
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=accepted.case_id, now=NOW)
    assert n.doc_no == "朝工信受〔2026〕1号" and n.serial == 1 and n.year == 2026
    assert n.title == "受理告知书" and n.addressee == RARE and n.issuer == "朝阳区总工会"
    assert n.date_text == "2026年11月20日"
    text = text_of(db, n.id)
    case = cases.get_case(db, accepted.case_id)
    for must in ("2026年11月20日", "来访", "公司拖欠工资三个月", "予以受理", "办结",
                 f"{case.due_date.year}年{case.due_date.month}月{case.due_date.day}日",
                 "010-65001234", "刘老师", "信访工作条例", RARE, accepted.reg_no, case.case_no):
        assert must in text, must
    assert n.registration_id == accepted.id and n.case_id == accepted.case_id


def test_reject_notice(db, staff, person):
    reg = register(db, staff, person, disposition="not_accepted",
                   reject_reason=RejectReason.ARBITRATION)
    n = notices.issue(db, staff[Role.CLERK], NoticeKind.REJECT, registration_id=reg.id, now=NOW)
    text = text_of(db, n.id)
    for must in ("公司拖欠工资三个月", RejectReason.ARBITRATION.label, "信访工作条例",
                 "劳动人事争议仲裁委员会", "不予受理"):
        assert must in text, must
    assert n.doc_no == "朝工信不受〔2026〕1号" and n.case_id is None


def test_transfer_notice(db, staff, person):
    reg = register(db, staff, person, disposition="transferred", transfer_to="朝阳区人力资源和社会保障局",
                   transfer_reason="属于劳动保障监察职责范围")
    n = notices.issue(db, staff[Role.CLERK], "transfer", registration_id=reg.id, now=NOW)
    text = text_of(db, n.id)
    for must in ("公司拖欠工资三个月", "朝阳区人力资源和社会保障局", "属于劳动保障监察职责范围",
                 "15日内", "书面告知"):
        assert must in text, must


def test_assign_sheet_goes_to_the_body(db, staff, accepted):
    m = staff[Role.MANAGER]
    with pytest.raises(Conflict, match="案件尚未交办，不能出具交办单"):
        notices.issue(db, m, "assign", case_id=accepted.case_id, now=NOW)
    case = cases.assign(db, m, accepted.case_id, kind="lower_union", assignee_name="某街道总工会",
                        now=NOW)
    n = notices.issue(db, m, "assign", case_id=accepted.case_id, now=NOW)
    assert n.addressee == "某街道总工会" and n.title == "交办单"
    text = text_of(db, n.id)
    fb = case.feedback_due
    for must in ("公司拖欠工资三个月", "支付拖欠的工资", "办理要求", "反馈",
                 f"{fb.year}年{fb.month}月{fb.day}日", RARE):
        assert must in text, must


def test_extend_notice_only_after_an_approved_extension(db, staff, person):
    rec = register(db, staff, person)
    with pytest.raises(Conflict, match="该案件未延期，不能出具延期告知书"):
        notices.issue(db, staff[Role.CLERK], "extend", case_id=rec.case_id, now=NOW)
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    cases.assign(db, m, rec.case_id, kind="handler", handler_id=w.user_id, now=NOW)
    before = cases.get_case(db, rec.case_id).due_date
    cases.request_extension(db, w, rec.case_id, "需要调取考勤记录并询问证人", now=NOW)
    with pytest.raises(Conflict, match="该案件未延期"):      # requested, not yet approved
        notices.issue(db, w, "extend", case_id=rec.case_id, now=NOW)
    after = cases.decide_extension(db, m, rec.case_id, True, now=NOW).due_date
    n = notices.issue(db, w, "extend", case_id=rec.case_id, now=NOW)
    text = text_of(db, n.id)
    for must in ("2026年11月20日", "需要调取考勤记录并询问证人", rules.addressee(RARE, 1),
                 f"{before.year}年{before.month}月{before.day}日",
                 f"{after.year}年{after.month}月{after.day}日", "负责人批准"):
        assert must in text, must
    assert (after - date(2026, 11, 20)).days <= 90


def test_reply_only_for_a_concluded_case(db, staff, person):
    rec = concluded_case(db, staff, person)
    w = staff[Role.CASEWORKER]
    with pytest.raises(Conflict, match="案件尚未办结，不能出具处理意见书"):
        notices.issue(db, w, "reply", case_id=rec.case_id, now=NOW)
    cases.conclude(db, w, rec.case_id, "partly", "经协调，公司同意分两期支付拖欠工资", now=NOW)
    n = notices.issue(db, w, "reply", case_id=rec.case_id, now=NOW)
    assert n.title == "信访事项处理意见书"
    text = text_of(db, n.id)
    for must in ("支付拖欠的工资", "自2026年8月起未发工资", "信访工作条例", "部分支持",
                 "经协调，公司同意分两期支付拖欠工资", "30日内", "复查"):
        assert must in text, must


def test_repeat_notice_names_the_original_case_and_stage(db, staff, person, accepted):
    again = register(db, staff, person, disposition="repeat", repeat_of_case_id=accepted.case_id)
    n = notices.issue(db, staff[Role.CLERK], "repeat", registration_id=again.id, now=NOW)
    text = text_of(db, n.id)
    for must in ("公司拖欠工资三个月", accepted.case_no, "已受理", "信访工作条例", "不予重复受理"):
        assert must in text, must


def test_no_more_notice_names_the_earlier_documents(db, staff, person):
    reg = register(db, staff, person, disposition="no_more",
                   earlier_documents="朝工信复〔2025〕3号（2025年6月3日）")
    n = notices.issue(db, staff[Role.CLERK], "no_more", registration_id=reg.id, now=NOW)
    text = text_of(db, n.id)
    for must in ("公司拖欠工资三个月", "朝工信复〔2025〕3号（2025年6月3日）", "同一事实和理由",
                 "第三十六条", "不再受理"):
        assert must in text, must


def test_register_sheet_has_no_number(db, staff, accepted):
    n = notices.issue(db, staff[Role.CLERK], "register_sheet", case_id=accepted.case_id, now=NOW)
    assert n.doc_no == "" and n.serial is None
    n2 = notices.issue(db, staff[Role.CLERK], "register_sheet", registration_id=accepted.id, now=NOW)
    assert n2.serial is None
    text = text_of(db, n.id)
    for must in (accepted.reg_no, RARE, "公司拖欠工资三个月", "劳动报酬/欠薪", "北京某某电子有限公司"):
        assert must in text, must


def test_group_addressee(db, staff, person):
    reg = register(db, staff, person, head_count=12)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=reg.case_id, now=NOW)
    assert n.addressee == f"{RARE}等12人"
    assert notices.document(db, n.id).addressee == f"{RARE}等12人"


# ------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize("kind, message", [
    ("reject", "不能出具不予受理告知书"), ("transfer", "不能出具转送告知书"),
    ("repeat", "不能出具不予重复受理告知书"), ("no_more", "不能出具不再受理告知书")])
def test_registration_kinds_refused_for_another_disposition(db, staff, accepted, kind, message):
    with pytest.raises(Conflict, match=message):
        notices.issue(db, staff[Role.CLERK], kind, registration_id=accepted.id, now=NOW)


@pytest.mark.parametrize("kind", ["accept", "assign", "extend", "reply"])
def test_case_kinds_refused_without_a_case(db, staff, person, kind):
    reg = register(db, staff, person, disposition="transferred", transfer_to="区人社局",
                   transfer_reason="属于劳动保障监察职责范围")
    with pytest.raises(Conflict, match="该登记未受理"):
        notices.issue(db, staff[Role.CLERK], kind, registration_id=reg.id, now=NOW)


def test_refusal_takes_no_number(db, staff, accepted):
    with pytest.raises(Conflict):
        notices.issue(db, staff[Role.CLERK], "extend", case_id=accepted.case_id, now=NOW)
    with db.read() as s:
        assert s.execute(select(Counter).where(Counter.name == "notice:extend")).first() is None
        assert s.execute(select(Notice)).first() is None


def test_missing_office_fields_are_named(db, admin, person):
    clerk = make_user(db, admin, Role.CLERK, "clerk1", "登记员小陈")
    reg = registration.register(db, clerk, form(person_id=person.id), now=NOW)
    with pytest.raises(UserError, match="单位名称.*文号代字"):
        notices.issue(db, clerk, "accept", case_id=reg.case_id, now=NOW)
    settings.save(db, admin, {"office.name": "朝阳区总工会"})
    with pytest.raises(UserError, match="文号代字") as e:
        notices.issue(db, clerk, "accept", case_id=reg.case_id, now=NOW)
    assert "单位名称" not in str(e.value)
    # the registration sheet carries no number: the name is enough
    assert notices.issue(db, clerk, "register_sheet", registration_id=reg.id, now=NOW).doc_no == ""
    with db.read() as s:
        assert s.execute(select(Counter).where(Counter.name == "notice:accept")).first() is None


def test_permission(db, staff, accepted, admin):
    with pytest.raises(PermissionDenied, match="出具告知书"):
        notices.issue(db, admin, "accept", case_id=accepted.case_id, now=NOW)


def test_unknown_kind_and_missing_subject(db, staff, accepted):
    with pytest.raises(ValidationError, match="不是文书种类"):
        notices.issue(db, staff[Role.CLERK], "thanks", case_id=accepted.case_id, now=NOW)
    with pytest.raises(ValidationError, match="请指定案件或登记"):
        notices.issue(db, staff[Role.CLERK], "accept", now=NOW)


# ------------------------------------------------------------------------------ numbers

def test_numbers_per_kind_per_year_without_padding(db, staff, person):
    clerk = staff[Role.CLERK]
    a = register(db, staff, person)
    b = register(db, staff, person, summary="公司未缴社保")
    r = register(db, staff, person, disposition="not_accepted", reject_reason="litigation")
    nos = [notices.issue(db, clerk, "accept", case_id=a.case_id, now=NOW).doc_no,
           notices.issue(db, clerk, "accept", case_id=b.case_id, now=NOW).doc_no,
           notices.issue(db, clerk, "reject", registration_id=r.id, now=NOW).doc_no]
    assert nos == ["朝工信受〔2026〕1号", "朝工信受〔2026〕2号", "朝工信不受〔2026〕1号"]
    for _ in range(8):
        last = notices.issue(db, clerk, "accept", case_id=a.case_id, now=NOW)
    assert last.doc_no == "朝工信受〔2026〕10号"
    jan = notices.issue(db, clerk, "accept", case_id=a.case_id, now=datetime(2027, 1, 4, 9, 0))
    assert jan.doc_no == "朝工信受〔2027〕1号" and jan.year == 2027 and jan.date_text == "2027年1月4日"


def test_void_keeps_the_number_used(db, staff, accepted):
    clerk = staff[Role.CLERK]
    first = notices.issue(db, clerk, "accept", case_id=accepted.case_id, now=NOW)
    with pytest.raises(ValidationError, match="作废原因"):
        notices.void(db, clerk, first.id, "  ")
    voided = notices.void(db, clerk, first.id, "收件人姓名写错", now=NOW)
    assert voided.is_void and voided.void_reason == "收件人姓名写错"
    with pytest.raises(Conflict, match="不能再次作废"):
        notices.void(db, clerk, first.id, "again")
    second = notices.issue(db, clerk, "accept", case_id=accepted.case_id, now=NOW)
    assert second.doc_no == "朝工信受〔2026〕2号"
    assert [n.doc_no for n in notices.notices_for_case(db, accepted.case_id)] == \
        ["朝工信受〔2026〕1号", "朝工信受〔2026〕2号"]
    assert notices.latest(db, "accept", case_id=accepted.case_id).id == second.id
    doc = notices.document(db, first.id)
    assert doc.void and "收件人姓名写错" in doc.void and doc.doc_no == "朝工信受〔2026〕1号"
    with db.read() as s:
        actions = s.execute(select(AuditLog.action).where(AuditLog.entity == "notice")
                            .order_by(AuditLog.id)).scalars().all()
    assert actions == ["issue", "void", "issue"]
    assert audit.verify(db) == []


# ------------------------------------------------------------------------------ delivery, reprint

def test_delivery_of_the_acceptance_notice_stops_its_clock(db, staff, accepted):
    clerk = staff[Role.CLERK]
    n = notices.issue(db, clerk, "accept", case_id=accepted.case_id, now=NOW)
    with pytest.raises(ValidationError) as e:
        notices.record_delivery(db, clerk, n.id, "飞鸽", "2026-11-19", "", now=NOW)
    assert set(e.value.fields) >= {"送达方式", "送达日期"}
    with pytest.raises(ValidationError, match="签收人"):
        notices.record_delivery(db, clerk, n.id, "当面", "2026-11-20", "", now=NOW)
    rec = notices.record_delivery(db, clerk, n.id, "当面", "2026-11-20", RARE, now=NOW)
    assert rec.delivery_label == f"当面 2026年11月20日 {RARE}"
    assert cases.get_case(db, accepted.case_id).notice_delivered_on == date(2026, 11, 20)
    sms = notices.record_delivery(db, clerk, n.id, "短信", date(2026, 11, 20), now=NOW)
    assert sms.delivery_method.label == "短信"


def test_reprint_is_identical_whatever_changed(db, staff, admin, accepted):
    clerk = staff[Role.CLERK]
    n = notices.issue(db, clerk, "accept", case_id=accepted.case_id, now=NOW)
    first = notices.document(db, n.id)
    settings.save(db, admin, {"office.name": "朝阳区总工会（新）", "office.phone": "010-1"})
    notice_templates.save_template(db, admin, "accept", "# 注释\n\n改过的模板{summary}")
    notices.record_delivery(db, clerk, n.id, "邮寄", "2026-11-20", "张三", now=NOW)
    again = notices.document(db, n.id)
    assert again == first
    assert first.doc_no == "朝工信受〔2026〕1号" and first.issuer == "朝阳区总工会"
    assert first.seal_name == "朝阳区总工会" and first.date == "2026年11月20日"
    assert first.title == "受理告知书" and first.addressee == RARE
    assert list(first.paragraphs) == list(n.paragraphs) and first.delivery is None
    with_delivery = notices.document(db, n.id, with_delivery=True)
    assert "邮寄" in with_delivery.delivery
    # a new notice takes the new wording and profile
    new = notices.issue(db, clerk, "accept", case_id=accepted.case_id, now=NOW)
    assert new.paragraphs == ("改过的模板公司拖欠工资三个月",) and new.issuer == "朝阳区总工会（新）"


# ------------------------------------------------------------------------------ templates

def test_shipped_templates_are_valid_and_state_what_is_required():
    for kind in NoticeKind:
        text = resource_path("notices", f"{kind.value}.txt").read_text(encoding="utf-8")
        assert rules.validate_template(text) == [], kind
        assert rules.missing_required(kind, text) == [], kind


def test_unknown_placeholder_is_refused_with_its_name(db, admin, staff, accepted):
    assert notice_templates.validate_template("{petitioner}于{recieved_date}{summary}{foo}") == \
        ["recieved_date", "foo"]
    with pytest.raises(ValidationError, match=r"\{recieved_date\}"):
        notice_templates.save_template(db, admin, "accept", "你于{recieved_date}反映")
    with pytest.raises(ValidationError, match="没有配对"):
        notice_templates.save_template(db, admin, "accept", "你于{received_date反映")
    with pytest.raises(PermissionDenied):
        notice_templates.save_template(db, staff[Role.CLERK], "accept", "{summary}")
    assert notice_templates.template_text(db, "accept") == notice_templates.default_template("accept")
    notice_templates.save_template(db, admin, "accept", "收件人\n你反映的{summary}已受理。{{注}}")
    assert notice_templates.is_customised(db, "accept")
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=accepted.case_id, now=NOW)
    assert n.paragraphs == ("收件人", "你反映的公司拖欠工资三个月已受理。{注}")
    notice_templates.reset_template(db, admin, "accept")
    assert notice_templates.template_text(db, "accept") == notice_templates.default_template("accept")


def test_placeholders_and_preview(db):
    names = [n for n, _ in notice_templates.placeholders("extend")]
    assert names[:3] == ["accepted_date", "extension_reason", "new_due_date"]
    assert set(names) == set(rules.PLACEHOLDERS)
    assert notice_templates.preview(db, "accept", "{summary}") == ["【事项摘要】"]
    with pytest.raises(ValidationError, match="foo"):
        notice_templates.preview(db, "accept", "{foo}")


# ------------------------------------------------------------------------------ two processes

N = 15


def _issuer(path: str, who: str, case_id: int, user_id: int, start) -> None:
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from app.services.petitions import notices
    db = open_database(path)
    actor = Actor(user_id=user_id, username=who, display_name=who, role=Role.CLERK)
    start.wait(10)
    try:
        for _ in range(N):
            notices.issue(db, actor, "accept", case_id=case_id)
    finally:
        db.close()


def test_two_processes_issue_at_once_with_consecutive_numbers(db, db_path, staff, accepted):
    uid = staff[Role.CLERK].user_id
    at_once(_issuer, [(str(db_path), w, accepted.case_id, uid) for w in ("甲", "乙")])
    with db.read() as s:
        rows = s.execute(select(Notice.serial, Notice.doc_no, Notice.year)).all()
    assert len(rows) == 2 * N
    year = rows[0].year
    assert sorted(r.serial for r in rows) == list(range(1, 2 * N + 1))
    assert {r.doc_no for r in rows} == {f"朝工信受〔{year}〕{i}号" for i in range(1, 2 * N + 1)}
    assert audit.verify(db) == []

