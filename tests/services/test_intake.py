"""Registration (issue 3): validation all at once and all-or-nothing, dispositions, attachments,
gap-free numbers, repeat detection, hot-spot warnings, outreach events, drafts, history, audit."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.db.models import (Attachment, AuditLog, Case, Counter, HotspotWarning, Person,
                           Registration, RegistrationIssue)
from app.domain.enums import REJECT_REDIRECTS, RejectReason, Role
from app.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services import accounts, attachments, audit, people
from app.services.petitions import drafts, hotspots, outreach, registration, repeats
from app.services.petitions.outreach import OutreachInput
from app.services.petitions.registration import RegistrationInput
from app.services.people import EmployerInput, PersonInput
from tests.conftest import make_actor

NOW = datetime(2026, 11, 20, 15, 0)
ZHANG_ID = "11010519491231002X"
LI_ID = "360426199101010071"


def _account(db, admin, role: Role, username: str):
    """A real account: every write re-checks the actor's account in its transaction."""
    rec = accounts.create_user(db, admin, username, f"测试{role.label}", role, "Secret2026",
                               must_change_password=False)
    return make_actor(role, rec.id)


@pytest.fixture
def clerk(db, admin):
    return _account(db, admin, Role.CLERK, "t_clerk")


@pytest.fixture
def manager(db, admin):
    return _account(db, admin, Role.MANAGER, "t_manager")


@pytest.fixture
def employer(db, admin):
    return people.create_employer(db, admin, EmployerInput(name="深圳市某某电子有限公司"))


@pytest.fixture
def other_employer(db, admin):
    return people.create_employer(db, admin, EmployerInput(name="某某物业管理有限公司"))


@pytest.fixture
def zhang(db, admin, employer):
    return people.create_person(db, admin, PersonInput(name="张三", id_number=ZHANG_ID,
                                                       phone="13812345678", employer_id=employer.id))


def form(**kw) -> RegistrationInput:
    """A valid hotline call answered on the spot, changed by ``kw``."""
    base = dict(channel="call", received_at=NOW - timedelta(minutes=10), category="consult",
                issue_types=["wages"], summary="咨询欠薪如何维权", disposition="answered",
                answer="告知可向劳动监察投诉或申请仲裁")
    base.update(kw)
    return RegistrationInput(**base)


def counts(db) -> dict:
    with db.read() as s:
        out = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
               for m in (Registration, RegistrationIssue, Attachment, Person, Case, AuditLog,
                         HotspotWarning)}
        out["counter"] = s.scalar(select(func.coalesce(func.sum(Counter.last), 0)))
    out["files"] = sorted(str(p) for p in attachments.attachments_dir(db).rglob("*") if p.is_file()) \
        if attachments.attachments_dir(db).exists() else []
    return out


def refused(db, actor, data, *fields) -> ValidationError:
    before = counts(db)
    with pytest.raises(ValidationError) as e:
        registration.register(db, actor, data, now=NOW)
    for f in fields:
        assert f in e.value.fields, (f, e.value.errors)
    assert counts(db) == before, "a refused registration wrote something"
    return e.value


def message(err: ValidationError, field: str) -> str:
    return "；".join(m for f, m in err.errors if f == field)


# ---------------------------------------------------------------- bad input, nothing saved

def test_empty_form_names_every_required_field_at_once(db, clerk):
    err = refused(db, clerk, RegistrationInput(), "渠道", "信访人", "诉求类别", "问题类型",
                  "事项摘要", "处理方式")
    assert "请选择渠道" in message(err, "渠道")
    assert "请填写事项摘要" in message(err, "事项摘要")


def test_blank_text_and_whitespace_only_count_as_empty(db, clerk):
    refused(db, clerk, form(summary="   \n ", issue_types=[]), "事项摘要", "问题类型")


def test_over_long_texts_are_refused_naming_each_field(db, clerk):
    err = refused(db, clerk, form(summary="欠" * 501, request="请" * 2001, facts="事" * 10001),
                  "事项摘要", "诉求", "事实和理由")
    assert "不能超过 10000 个字（现有 10001 个字）" in message(err, "事实和理由")
    assert "不能超过 500 个字" in message(err, "事项摘要")
    rec = registration.register(db, clerk, form(summary="欠" * 500, request="请" * 2000,
                                          facts="事" * 10000), now=NOW)
    assert len(registration.get_registration(db, rec.id).facts) == 10000


@pytest.mark.parametrize("head", [0, 100000, "-3", "十二"])
def test_head_count_out_of_range_is_refused(db, clerk, head):
    err = refused(db, clerk, form(head_count=head), "人数")
    text = message(err, "人数")
    assert ("应在 1 至 10000 之间" in text) or ("不是整数" in text)
    if head == 100000:
        assert "现为 100000" in text


def test_head_count_bounds_are_accepted(db, clerk):
    assert registration.register(db, clerk, form(head_count="1"), now=NOW).head_count == 1
    rec = registration.register(db, clerk, form(channel="letter", head_count=10000), now=NOW)
    assert rec.head_count == 10000 and rec.is_group


def test_received_time_in_the_future_is_refused(db, clerk):
    err = refused(db, clerk, form(received_at=NOW + timedelta(hours=2)), "接待时间")
    assert "接待时间不能晚于现在" in message(err, "接待时间")
    err = refused(db, clerk, form(received_at="2026-11-21"), "接待时间")
    assert "接待时间不能晚于现在" in message(err, "接待时间")


def test_received_time_text_forms_and_a_date_that_does_not_exist(db, clerk):
    err = refused(db, clerk, form(received_at="2026-02-30 10:00"), "接待时间")
    assert "2026年2月30日 不存在" in message(err, "接待时间")
    refused(db, clerk, form(received_at="昨天下午"), "接待时间")
    refused(db, clerk, form(received_at="2026-11-20 25:10"), "接待时间")
    rec = registration.register(db, clerk, form(received_at="2026-11-20 10:30"), now=NOW)
    assert rec.received_at == datetime(2026, 11, 20, 10, 30)
    rec = registration.register(db, clerk, form(received_at="2026年11月19日"), now=NOW)
    assert rec.received_at == datetime(2026, 11, 19)
    rec = registration.register(db, clerk, form(received_at=None), now=NOW)
    assert rec.received_at == NOW


def test_unreadable_attachments_are_refused_naming_the_file(db, clerk, tmp_path, monkeypatch):
    good = tmp_path / "信件扫描.pdf"
    good.write_bytes(b"%PDF-1.4 letter")
    missing = tmp_path / "不存在.jpg"
    folder = tmp_path / "照片"
    folder.mkdir()
    err = refused(db, clerk, form(attachments=[good, missing, folder]), "附件")
    text = message(err, "附件")
    assert "「不存在.jpg」不存在" in text and "「照片」是文件夹" in text

    locked = tmp_path / "锁定.png"
    locked.write_bytes(b"png")
    real_open = open

    def no_permission(path, *a, **kw):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **kw)
    monkeypatch.setattr(attachments, "open", no_permission, raising=False)
    err = refused(db, clerk, form(attachments=[good, locked]), "附件")
    assert "「锁定.png」无法读取（没有读取权限）" in message(err, "附件")


def test_bad_attachment_reported_with_the_other_bad_fields(db, clerk, tmp_path):
    err = refused(db, clerk, form(summary="", attachments=[tmp_path / "nope.pdf"],
                                  head_count=0), "事项摘要", "附件", "人数")
    assert len(err.errors) == 3


def test_inline_new_person_is_checked_with_the_form_and_not_created_on_failure(db, clerk):
    err = refused(db, clerk, form(channel="visit", summary="",
                                  new_person=PersonInput(name="王五", id_number="110105194912310021")),
                  "事项摘要", "身份证号")
    assert "校验位" in message(err, "身份证号")


def test_inline_new_person_is_created_in_the_same_transaction(db, clerk):
    rec = registration.register(db, clerk, form(channel="visit", new_person=PersonInput(
        name="王五", phone="13900001111")), now=NOW)
    assert rec.person_name == "王五" and rec.person_phone == "13900001111"
    with db.read() as s:
        assert s.get(Person, rec.person_id).name == "王五"
        entities = s.scalars(select(AuditLog.entity).order_by(AuditLog.id)).all()
    assert entities[-2:] == ["person", "registration"]


def test_failure_after_the_person_check_creates_no_person(db, clerk, monkeypatch):
    """A database-side refusal (here: a vanished outreach event) rolls back the new person."""
    before = counts(db)
    with pytest.raises(ValidationError) as e:
        registration.register(db, clerk, form(channel="outreach", outreach_event_id=999,
                                        new_person=PersonInput(name="赵六")), now=NOW)
    assert "走访活动" in e.value.fields
    assert counts(db) == before


def test_person_rules(db, clerk, employer, zhang):
    # a name typed but not picked
    err = refused(db, clerk, form(channel="visit", person_name="张三"), "信访人")
    assert "尚未从匹配列表中选定" in message(err, "信访人")
    # a visit needs a person; a call may be anonymous
    refused(db, clerk, form(channel="visit"), "信访人")
    rec = registration.register(db, clerk, form(channel="call"), now=NOW)
    assert rec.person_id is None and rec.person_label == "匿名"
    # anonymous contacts cannot be accepted
    err = refused(db, clerk, form(channel="online", category="complaint", disposition="accepted"),
                  "信访人")
    assert "匿名" in message(err, "信访人")
    # both a picked person and a new one
    refused(db, clerk, form(person_id=zhang.id, new_person=PersonInput(name="李四")), "信访人")
    # a person that does not exist
    refused(db, clerk, form(person_id=9999), "信访人")


def test_representatives_only_for_group_contacts_and_at_most_five(db, clerk, zhang):
    err = refused(db, clerk, form(channel="visit", person_id=zhang.id, head_count=2,
                                  representatives="李四、王五"), "代表")
    assert "集体访" in message(err, "代表")
    err = refused(db, clerk, form(channel="visit", person_id=zhang.id, head_count=30,
                                  representatives=["甲一", "乙二", "丙三", "丁四", "戊五", "己六"]),
                  "代表")
    assert "最多 5 人，现有 6 人" in message(err, "代表")
    rec = registration.register(db, clerk, form(channel="visit", person_id=zhang.id, head_count=30,
                                          representatives="甲一，乙二;丙三"), now=NOW)
    assert rec.representatives == ("甲一", "乙二", "丙三") and rec.is_group
    assert rec.person_label == "张三等30人"


def test_unknown_enum_values_are_refused(db, clerk):
    err = refused(db, clerk, form(channel="fax", category="whatever", issue_types=["wages", "x"]),
                  "渠道", "诉求类别", "问题类型")
    assert "「fax」不是有效的渠道" in message(err, "渠道")


def test_enums_by_label_are_accepted(db, clerk):
    rec = registration.register(db, clerk, form(channel="来信", category="咨询", disposition="当场答复",
                                          issue_types=["社会保险", "wages", "wages"]), now=NOW)
    assert rec.channel == "letter" and rec.category == "consult"
    assert rec.issue_types == ("wages", "social_insurance")
    assert rec.issue_labels == "劳动报酬/欠薪、社会保险"


def test_permissions(db, admin, clerk, zhang):
    with pytest.raises(PermissionDenied):
        registration.register(db, admin, form(), now=NOW)
    rec = registration.register(db, clerk, form(channel="visit", person_id=zhang.id, category="complaint",
                                          disposition="accepted"), now=NOW)
    assert rec.case_no.startswith("C2026-")


# ---------------------------------------------------------------- dispositions

def test_answered_needs_the_answer(db, clerk):
    err = refused(db, clerk, form(answer=""), "答复内容")
    assert "当场答复" in message(err, "答复内容")


def test_accepted_opens_a_case(db, clerk, zhang, employer):
    rec = registration.register(db, clerk, form(channel="visit", person_id=zhang.id,
                                          employer_id=employer.id, category="complaint",
                                          disposition="accepted", answer=""), now=NOW)
    assert rec.case_id is not None and rec.case_no == "C2026-000001"
    assert rec.case_status == "accepted" and rec.case_status_label == "已受理"
    assert rec.disposition_label == "受理"
    with db.read() as s:
        case = s.get(Case, rec.case_id)
        assert case.registration_id == rec.id and case.notice_due is not None
        actions = s.execute(select(AuditLog.entity, AuditLog.action).order_by(AuditLog.id)).all()
    assert ("case", "create") in [tuple(a) for a in actions]


def test_not_accepted_needs_a_reason_and_defaults_where_to_go(db, clerk):
    err = refused(db, clerk, form(disposition="not_accepted"), "不予受理理由")
    assert "请选择不予受理理由" in message(err, "不予受理理由")
    refused(db, clerk, form(disposition="not_accepted", reject_reason="because"), "不予受理理由")
    rec = registration.register(db, clerk, form(disposition="not_accepted",
                                          reject_reason=RejectReason.ARBITRATION), now=NOW)
    assert rec.reject_reason == "arbitration"
    assert rec.redirect_to == REJECT_REDIRECTS[RejectReason.ARBITRATION]
    assert rec.reject_reason_label == RejectReason.ARBITRATION.label
    assert rec.answer == "" and rec.case_id is None
    rec = registration.register(db, clerk, form(disposition="not_accepted", reject_reason="litigation",
                                          redirect_to="某区人民法院"), now=NOW)
    assert rec.redirect_to == "某区人民法院"


def test_transferred_needs_the_body_and_the_reason(db, clerk):
    refused(db, clerk, form(disposition="transferred"), "转送机关", "转送理由")
    rec = registration.register(db, clerk, form(disposition="transferred", transfer_to="区人社局",
                                          transfer_reason="属劳动保障监察职责"), now=NOW)
    assert rec.transfer_to == "区人社局" and rec.disposition_label == "转送"


def test_repeat_needs_an_existing_case_and_opens_no_new_one(db, clerk, zhang):
    refused(db, clerk, form(disposition="repeat"), "原案件")
    refused(db, clerk, form(disposition="repeat", repeat_of_case_id=4242), "原案件")
    refused(db, clerk, form(disposition="repeat", repeat_of_case_no="C2026-009999"), "原案件")
    first = registration.register(db, clerk, form(channel="visit", person_id=zhang.id,
                                            category="complaint", disposition="accepted"), now=NOW)
    again = registration.register(db, clerk, form(person_id=zhang.id, disposition="repeat",
                                            repeat_of_case_id=first.case_id), now=NOW)
    assert again.case_id is None and again.repeat_of_case_no == first.case_no
    by_no = registration.register(db, clerk, form(person_id=zhang.id, disposition="repeat",
                                            repeat_of_case_no=first.case_no.lower()), now=NOW)
    assert by_no.repeat_of_case_id == first.case_id
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_no_more_needs_the_earlier_documents(db, clerk):
    refused(db, clerk, form(disposition="no_more"), "此前文书")
    rec = registration.register(db, clerk, form(disposition="no_more",
                                          earlier_documents="某工信复〔2026〕3号"), now=NOW)
    assert rec.earlier_documents == "某工信复〔2026〕3号"


def test_outreach_channel_needs_an_event_and_only_outreach_may_have_one(db, clerk):
    refused(db, clerk, form(channel="outreach"), "走访活动")
    ev = outreach.create_event(db, clerk, OutreachInput(theme="工情直通车进园区", held_on="2026-11-18"))
    refused(db, clerk, form(channel="call", outreach_event_id=ev.id), "走访活动")
    rec = registration.register(db, clerk, form(channel="outreach", outreach_event_id=ev.id), now=NOW)
    assert rec.outreach_theme == "工情直通车进园区" and rec.solved_on_site


def test_leader_reception_needs_the_leader_and_a_visit(db, clerk, zhang):
    refused(db, clerk, form(channel="visit", person_id=zhang.id, leader_reception=True),
            "接待领导")
    refused(db, clerk, form(leader_reception=True, leader_name="王主席"), "接待领导")
    rec = registration.register(db, clerk, form(channel="visit", person_id=zhang.id,
                                          leader_reception=True, leader_name="王主席"), now=NOW)
    assert rec.leader_reception and rec.leader_name == "王主席"


def test_employer_by_exact_name_or_refused(db, clerk, employer):
    rec = registration.register(db, clerk, form(employer_name="深圳市某某电子有限公司"), now=NOW)
    assert rec.employer_id == employer.id and rec.employer_name == employer.name
    err = refused(db, clerk, form(employer_name="不存在的公司"), "用人单位")
    assert "尚未登记" in message(err, "用人单位")


# ---------------------------------------------------------------- numbering

def test_numbers_are_gap_free_per_year_and_a_failed_save_returns_its_number(db, clerk, monkeypatch):
    assert registration.register(db, clerk, form(), now=NOW).reg_no == "2026-000001"
    # refused by validation: no number taken
    with pytest.raises(ValidationError):
        registration.register(db, clerk, form(summary=""), now=NOW)
    # fails after the number was taken (inside the transaction): rolled back with it
    real = hotspots._hotspots

    def boom(*a, **kw):
        raise RuntimeError("disk full")
    monkeypatch.setattr(registration, "_hotspots", boom)
    with pytest.raises(RuntimeError):
        registration.register(db, clerk, form(), now=NOW)
    monkeypatch.setattr(registration, "_hotspots", real)
    assert registration.register(db, clerk, form(), now=NOW).reg_no == "2026-000002"
    # the year of the received time
    old = registration.register(db, clerk, form(received_at="2025-12-31 23:50"), now=NOW)
    assert old.reg_no == "2025-000001"
    assert registration.register(db, clerk, form(), now=NOW).reg_no == "2026-000003"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 4


# ---------------------------------------------------------------- attachments

def test_attachments_are_stored_by_hash_once_and_openable(db, clerk, tmp_path):
    letter = tmp_path / "来信.jpg"
    letter.write_bytes(b"\xff\xd8 scanned letter" * 100)
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(letter.read_bytes())
    a = registration.register(db, clerk, form(channel="letter", attachments=[letter, copy]), now=NOW)
    assert len(a.attachments) == 1                # the same content twice: one attachment
    b = registration.register(db, clerk, form(channel="letter", attachments=[str(copy)]), now=NOW)
    att_a, att_b = a.attachments[0], b.attachments[0]
    assert att_a.sha256 == att_b.sha256 and att_a.filename == "来信.jpg"
    stored = [p for p in attachments.attachments_dir(db).rglob("*") if p.is_file()]
    assert len(stored) == 1
    path = attachments.attachment_file(db, att_a.id)
    assert path.read_bytes() == letter.read_bytes()
    assert path.parent.name == att_a.sha256[:2] and path.name == att_a.sha256
    assert attachments.attachments(db, a.id) == [att_a]
    # one more file later
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"png bytes")
    extra = attachments.add_attachment(db, clerk, a.id, photo, now=NOW)
    assert [x.id for x in attachments.attachments(db, a.id)] == [att_a.id, extra.id]


def test_a_failed_save_leaves_no_attachment_file(db, clerk, tmp_path):
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"a new file nobody stored yet")
    # refused inside the transaction (person vanished), after the file was copied
    refused(db, clerk, form(channel="visit", person_id=777, attachments=[letter]), "信访人")
    assert counts(db)["files"] == []


# ---------------------------------------------------------------- audit

def test_every_registration_writes_one_audit_row_with_its_fields(db, clerk, zhang, employer):
    rec = registration.register(db, clerk, form(person_id=zhang.id, employer_id=employer.id,
                                          issue_types=["wages", "contract"]), now=NOW)
    with db.read() as s:
        rows = s.execute(select(AuditLog).where(AuditLog.entity == "registration")).scalars().all()
    assert len(rows) == 1 and rows[0].entity_id == str(rec.id) and rows[0].action == "create"
    after = json.loads(rows[0].after)
    assert after["reg_no"] == rec.reg_no and after["issue_types"] == ["wages", "contract"]
    assert after["summary"] == "咨询欠薪如何维权" and after["person_id"] == zhang.id
    assert audit.verify(db) == []


# ---------------------------------------------------------------- repeat detection and history

def _accept(db, actor, **kw):
    return registration.register(db, actor, form(category="complaint", disposition="accepted", answer="",
                                           **kw), now=NOW)


def _close(db, case_id, concluded_on: date):
    with db.write() as s:
        s.execute(update(Case).where(Case.id == case_id)
                  .values(status="concluded", concluded_on=concluded_on))


def test_repeat_by_id_number(db, clerk, zhang):
    first = _accept(db, clerk, channel="visit", person_id=zhang.id)
    check = repeats.repeat_check(db, id_number=ZHANG_ID.lower(), now=NOW)
    assert check.is_repeat and check.suggested_case_id == first.case_id
    assert check.person_ids == (zhang.id,)
    case = check.suggested
    assert case.case_no == first.case_no and case.reg_no == first.reg_no
    assert case.status_label == "已受理" and case.matched_label == "同一信访人" and case.is_open
    assert [c.reg_no for c in check.person_contacts] == [first.reg_no]


def test_repeat_by_name_and_phone(db, clerk, admin):
    li = people.create_person(db, admin, PersonInput(name="李四", phone="13900002222"))
    first = _accept(db, clerk, channel="visit", person_id=li.id)
    assert repeats.repeat_check(db, name="李四", phone="139 0000 2222", now=NOW).suggested_case_id \
        == first.case_id
    assert not repeats.repeat_check(db, name="李四", phone="13900003333", now=NOW).is_repeat
    assert not repeats.repeat_check(db, name="李五", phone="13900002222", now=NOW).is_repeat


def test_repeat_by_employer_and_issue_type(db, clerk, employer, zhang, admin):
    other = people.create_person(db, admin, PersonInput(name="王五"))
    first = _accept(db, clerk, channel="visit", person_id=other.id, employer_id=employer.id,
                    issue_types=["wages", "contract"])
    check = repeats.repeat_check(db, person_id=zhang.id, employer_id=employer.id,
                                issue_types=["wages"], now=NOW)
    assert check.is_repeat and check.suggested_case_id == first.case_id
    assert check.suggested.matched_by == "employer"
    assert [c.reg_no for c in check.employer_contacts] == [first.reg_no]
    assert not repeats.repeat_check(db, employer_id=employer.id, issue_types=["injury"],
                                   now=NOW).is_repeat


def test_repeat_window_for_concluded_cases(db, clerk, zhang):
    first = _accept(db, clerk, channel="visit", person_id=zhang.id)
    _close(db, first.case_id, date(2026, 1, 10))
    assert repeats.repeat_check(db, person_id=zhang.id, now=NOW).is_repeat   # within 12 months
    _close(db, first.case_id, date(2025, 11, 19))
    check = repeats.repeat_check(db, person_id=zhang.id, now=NOW)
    assert not check.is_repeat and check.suggested_case_id is None
    assert len(check.person_contacts) == 1     # still shown as an earlier contact


def test_open_case_of_the_person_is_suggested_before_others(db, clerk, zhang, employer, admin):
    other = people.create_person(db, admin, PersonInput(name="王五"))
    emp_case = _accept(db, clerk, channel="visit", person_id=other.id, employer_id=employer.id)
    old = _accept(db, clerk, channel="visit", person_id=zhang.id)
    _close(db, old.case_id, date(2026, 6, 1))
    mine = _accept(db, clerk, channel="visit", person_id=zhang.id)
    check = repeats.repeat_check(db, person_id=zhang.id, employer_id=employer.id,
                                issue_types=["wages"], now=NOW)
    assert check.suggested_case_id == mine.case_id
    assert {c.case_id for c in check.cases} == {emp_case.case_id, old.case_id, mine.case_id}


def test_history_newest_first_with_labels(db, clerk, zhang, employer):
    a = registration.register(db, clerk, form(person_id=zhang.id, received_at="2026-11-01 09:00"), now=NOW)
    b = _accept(db, clerk, channel="visit", person_id=zhang.id, employer_id=employer.id,
                received_at="2026-11-10 09:00")
    items = registration.history(db, person_id=zhang.id)
    assert [i.reg_no for i in items] == [b.reg_no, a.reg_no]
    assert items[0].case_no == b.case_no and items[0].case_status_label == "已受理"
    assert items[1].channel_label == "来电（12351热线）" and items[1].disposition_label == "当场答复"
    assert items[0].person_name == "张三"
    assert [i.reg_no for i in registration.history(db, employer_id=employer.id)] == [b.reg_no]
    assert registration.history(db) == []


# ---------------------------------------------------------------- hot spots

def test_employer_warning_after_the_third_registration_within_seven_days(db, clerk, employer, manager):
    def reg(day):
        return registration.register(db, clerk, form(employer_id=employer.id,
                                               received_at=f"2026-11-{day:02d} 10:00"), now=NOW)
    reg(1)                                  # outside the window of the later ones
    assert reg(12).warnings == ()
    assert reg(14).warnings == ()
    third = reg(17)
    assert [w.kind for w in third.warnings] == ["employer"]
    w = third.warnings[0]
    assert w.count == 3 and w.employer_name == employer.name and w.reg_no == third.reg_no
    assert w.first_at == datetime(2026, 11, 12, 10) and "已登记 3 次" in w.text and w.kind_label == "同一单位集中反映"
    fourth = reg(18)
    assert fourth.warnings[0].id == w.id and fourth.warnings[0].count == 4
    listed = hotspots.open_warnings(db)
    assert [x.id for x in listed] == [w.id] and listed[0].last_at == datetime(2026, 11, 18, 10)


def test_registrations_spread_out_raise_no_warning(db, clerk, employer, other_employer):
    for day in (1, 9, 17):
        assert registration.register(db, clerk, form(employer_id=employer.id,
                                               received_at=f"2026-11-{day:02d} 10:00"),
                               now=NOW).warnings == ()
    for _ in range(2):
        registration.register(db, clerk, form(employer_id=other_employer.id), now=NOW)
    assert hotspots.open_warnings(db) == []


def test_group_visit_of_five_raises_a_warning(db, clerk, zhang, employer):
    four = registration.register(db, clerk, form(channel="visit", person_id=zhang.id, head_count=4),
                           now=NOW)
    assert four.warnings == () and not four.is_group
    call = registration.register(db, clerk, form(channel="call", head_count=5), now=NOW)
    assert call.warnings == () and call.is_group      # a group, but not a visit
    five = registration.register(db, clerk, form(channel="visit", person_id=zhang.id, head_count=5,
                                           employer_id=employer.id), now=NOW)
    assert five.is_group and [w.kind for w in five.warnings] == ["group_visit"]
    assert five.warnings[0].count == 5 and five.warnings[0].kind_label == "集体访"
    assert "5人集体来访" in five.warnings[0].text


def test_only_a_manager_acknowledges_a_warning(db, clerk, manager, zhang, employer):
    rec = registration.register(db, clerk, form(channel="visit", person_id=zhang.id, head_count=12),
                          now=NOW)
    wid = rec.warnings[0].id
    with pytest.raises(PermissionDenied):
        hotspots.acknowledge_warning(db, clerk, wid, "已处理")
    assert [w.id for w in hotspots.open_warnings(db)] == [wid]
    done = hotspots.acknowledge_warning(db, manager, wid, note="已安排专人接待", now=NOW)
    assert done.acknowledged_at == NOW and done.acknowledged_by == manager.user_id
    assert hotspots.open_warnings(db) == []
    with pytest.raises(Conflict):
        hotspots.acknowledge_warning(db, manager, wid, "再次确认")
    with db.read() as s:
        assert s.scalar(select(func.count()).where(AuditLog.entity == "warning",
                                                   AuditLog.action == "acknowledge")) == 1


def test_after_acknowledgement_a_new_burst_opens_a_new_warning(db, clerk, manager, employer):
    for _ in range(3):
        rec = registration.register(db, clerk, form(employer_id=employer.id), now=NOW)
    hotspots.acknowledge_warning(db, manager, rec.warnings[0].id, "已约谈单位")
    again = registration.register(db, clerk, form(employer_id=employer.id), now=NOW)
    assert again.warnings and again.warnings[0].id != rec.warnings[0].id
    assert again.warnings[0].count == 4


def test_several_warnings_acknowledged_at_once_with_what_was_done(db, clerk, manager, admin, zhang, employer):
    ids = [registration.register(db, clerk, form(channel="visit", person_id=zhang.id, head_count=6 + i),
                           now=NOW).warnings[0].id for i in range(3)]
    assert sorted(w.id for w in hotspots.open_warnings(db)) == sorted(ids)
    with pytest.raises(ValidationError) as e:                       # what was done is required
        hotspots.acknowledge_warnings(db, manager, ids[:2], "  ")
    assert "处理情况" in str(e.value)
    with pytest.raises(ValidationError):
        hotspots.acknowledge_warnings(db, manager, [], "已处理")
    with pytest.raises(NotFound):                                    # all or none
        hotspots.acknowledge_warnings(db, manager, [ids[0], 999_999], "已处理")
    assert len(hotspots.open_warnings(db)) == 3
    done = hotspots.acknowledge_warnings(db, manager, ids[:2], "已安排专人接待，约谈单位负责人", now=NOW)
    assert [w.id for w in done] == ids[:2]
    assert all(w.note == "已安排专人接待，约谈单位负责人" and w.acknowledged_at == NOW for w in done)
    assert [w.id for w in hotspots.open_warnings(db)] == [ids[2]]
    with pytest.raises(Conflict) as c:                               # one already done: none done
        hotspots.acknowledge_warnings(db, manager, [ids[2], ids[0]], "重复")
    assert str(ids[0]) in c.value.message
    assert [w.id for w in hotspots.open_warnings(db)] == [ids[2]]
    trail = audit.search(db, admin, entity="warning", action="acknowledge")
    assert sorted(int(r.entity_id) for r in trail) == sorted(ids[:2])
    for r in trail:
        after = json.loads(r.after)
        assert after["note"] == "已安排专人接待，约谈单位负责人" and after["batch_size"] == 2
    assert audit.field_label("note") == "说明" and audit.field_label("batch_size") == "同批确认条数"


# ---------------------------------------------------------------- outreach events

def test_outreach_event_validation(db, clerk, admin):
    with pytest.raises(ValidationError) as e:
        outreach.create_event(db, clerk, OutreachInput(theme="", held_on="2026-02-30",
                                                     workers_present=-1))
    assert set(e.value.fields) == {"活动主题", "活动日期", "到场职工人数"}
    with pytest.raises(PermissionDenied):
        outreach.create_event(db, admin, OutreachInput(theme="x", held_on="2026-11-01"))


def test_outreach_event_in_the_future_is_refused_like_a_registration(db, clerk):
    for ahead in (timedelta(days=400), timedelta(days=1)):
        with pytest.raises(ValidationError) as e:
            outreach.create_event(db, clerk, OutreachInput(theme="工情直通车", held_on=NOW.date() + ahead),
                                now=NOW)
        assert e.value.fields == ["活动日期"]
        assert "活动日期不能晚于今天" in e.value.errors[0][1]
    with pytest.raises(ValidationError, match="太早了"):
        outreach.create_event(db, clerk, OutreachInput(theme="工情直通车", held_on="1999-12-31"), now=NOW)
    assert outreach.list_events(db) == []
    ev = outreach.create_event(db, clerk, OutreachInput(theme="工情直通车", held_on=NOW.date()), now=NOW)
    assert ev.held_on == NOW.date()


def test_outreach_summary_counts_solved_on_site_and_accepted(db, clerk, zhang):
    ev = outreach.create_event(db, clerk, OutreachInput(
        theme="工情直通车·走进工业园", held_on=date(2026, 11, 18), place="某工业园",
        departments=["区人社局", "区司法局"], units_present="甲公司、乙公司", workers_present="120"))
    assert ev.departments == "区人社局、区司法局" and ev.workers_present == 120
    other = outreach.create_event(db, clerk, OutreachInput(theme="另一场", held_on="2026-10-01"))
    for _ in range(2):
        registration.register(db, clerk, form(channel="outreach", outreach_event_id=ev.id), now=NOW)
    registration.register(db, clerk, form(channel="outreach", outreach_event_id=ev.id,
                                    disposition="transferred", transfer_to="区人社局",
                                    transfer_reason="属监察职责"), now=NOW)
    registration.register(db, clerk, form(channel="outreach", outreach_event_id=ev.id, person_id=zhang.id,
                                    category="complaint", disposition="accepted",
                                    head_count=3), now=NOW)
    registration.register(db, clerk, form(channel="outreach", outreach_event_id=other.id), now=NOW)
    summary = outreach.event_summary(db, ev.id)
    assert (summary.registrations, summary.solved_on_site, summary.accepted, summary.head_count) \
        == (4, 2, 1, 6)
    assert summary.event == ev
    assert [e.id for e in outreach.list_events(db)] == [ev.id, other.id]
    assert len(outreach.event_registrations(db, ev.id)) == 4


# ---------------------------------------------------------------- drafts

def test_drafts_round_trip_per_user_and_form(db, clerk, manager):
    audited = audit.count(db)
    assert drafts.load_draft(db, clerk, "registration") is None
    payload = {"channel": "call", "summary": "半截的摘要", "issue_types": ["wages"],
               "received_at": "2026-11-20T10:30:00"}
    drafts.save_draft(db, clerk, "registration", payload, now=NOW)
    got = drafts.load_draft(db, clerk, "registration")
    assert got.payload == payload and got.updated_at == NOW
    assert drafts.load_draft(db, manager, "registration") is None
    assert drafts.load_draft(db, clerk, "outreach") is None
    drafts.save_draft(db, clerk, "registration", {**payload, "summary": "改过"})
    assert drafts.load_draft(db, clerk, "registration").payload["summary"] == "改过"
    assert audit.count(db) == audited   # drafts are scratch: no audit rows
    drafts.discard_draft(db, clerk, "registration")
    assert drafts.load_draft(db, clerk, "registration") is None
    drafts.discard_draft(db, clerk, "registration")      # nothing to discard: fine


def test_get_registration_returns_everything(db, clerk, zhang, employer):
    rec = registration.register(db, clerk, form(person_id=zhang.id, employer_id=employer.id,
                                          request="补发工资", facts="三个月未发"), now=NOW)
    got = registration.get_registration(db, rec.id)
    assert got == registration.get_registration_by_no(db, rec.reg_no)
    assert got.person_id_tail == "****002X" and got.employer_name == employer.name
    assert got.request == "补发工资" and got.facts == "三个月未发"
    assert got.created_by == clerk.user_id and got.warnings == ()
    assert rec.warnings == () and rec == got


def test_every_error_carries_its_field_key_and_the_new_persons_are_under_new_person(db, clerk, tmp_path):
    """A form finds each bad field by the error's key (the RegistrationInput field), never by its
    Chinese label; the inline new person's fields come as ``new_person.<PersonInput field>``."""
    err = refused(db, clerk, form(channel="visit", summary="", head_count=0,
                                  attachments=[tmp_path / "nope.pdf"],
                                  new_person=PersonInput(name="王五", id_number="110105194912310021",
                                                         employer_name="没有这家公司")),
                  "事项摘要", "人数", "附件", "身份证号", "单位")
    by_key = {e.key: e for e in err.errors}
    assert set(by_key) == {"summary", "head_count", "attachments", "new_person.id_number",
                           "new_person.employer"}
    assert by_key["new_person.id_number"] == ("身份证号", "身份证号码校验位不正确，请核对最后一位")
    assert err.keys == [e.key for e in err.errors]
