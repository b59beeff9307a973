"""Household files 困难职工档案: filing with members, the proposed category and its formula, the
procedure with every refusal, 一户一档, 复核, category changes, closure, materials, audit."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import AuditLog
from app.db.models_hardship import HardshipFile, HardshipMember, HardshipStep
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.hardship import ClosureReason, FileState, FileStep, HardshipCategory, ReviewDecision
from app.services import audit, audit_state
from app.services.hardship import files
from tests.services.hardship_util import (ADMIN, CLERK, MANAGER, WORKER, active_file, at, file_input,
                                          id_number, person)

M = files.MemberInput


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_create_proposes_the_category_with_its_formula_and_keeps_members(db):
    pid = person(db, "张伟", 1)
    rec = files.create_file(db, CLERK, file_input(
        pid, income="1500", rigid="6000", other_income="300",
        members=[M("李娜", "spouse", id_number(2, male=False), "900", health="chronic",
                   medical_insurance="resident", work_status="flexible"),
                 M("张小明", "son", "", 0, schooling="junior")],
        secondary_causes=("serious_illness", "schooling")), now=at(12, 1))
    # (1500 + 300 + 900 − 6000/12) ÷ 3 = 2200 / 3 = 733.33 < 1200 → 深度困难
    assert rec.proposed_category is HardshipCategory.DEEP and rec.category is None
    assert rec.per_head_fen == 733_33 and rec.household_size == 3 and rec.household_income_fen == 2_700_00
    assert rec.category_formula == ("人均月收入 =（家庭月收入 ¥2,700.00 − 刚性支出 ¥500.00）÷ 3人 = ¥733.33 "
                                    "< 低保标准 ¥1,200.00 → 深度困难")
    assert rec.file_no == "K2026-000001" and rec.state is FileState.APPLIED
    assert [m.name for m in rec.members] == ["李娜", "张小明"]
    assert rec.members[0].id_masked == "110105********0024"[:6] + "********" + id_number(2, male=False)[-4:]
    assert rec.bank_account_masked == "6222 **** **** 3445" and rec.phone == "13910000001"
    assert rec.refusals["approve"] and rec.refusals["screen"] is None
    assert [st.step for st in rec.steps] == [FileStep.APPLY]
    # the same figures without saving
    prop = files.propose_category(db, file_input(pid, income="1500", rigid="6000", other_income="300"))
    assert prop.per_head_fen == 1_300_00 and prop.category is HardshipCategory.RELATIVE


def test_bad_input_is_named_field_by_field_and_nothing_is_written(db):
    pid = person(db, "张伟", 1)
    bad_id = id_number(2)[:-1] + ("0" if id_number(2)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as e:
        files.create_file(db, CLERK, file_input(
            pid, income="-5", rigid="12.345", main_cause="bogus", bank_account="12ab",
            applied_on="2026-12-31",
            members=[M("李娜", "spouse", bad_id, "1,000.001"), M("", "friend")]), now=at(12, 16))
    fields = e.value.fields
    assert "申请人月收入" in fields and "刚性支出（年）" in fields and "主要致困原因" in fields
    assert "银行账号" in fields and "申请日期" in fields
    assert "家庭成员第1行（李娜）身份证号" in fields and "家庭成员第1行（李娜）月收入" in fields
    assert "家庭成员第2行姓名" in fields and "家庭成员第2行关系" in fields
    assert "校验位" in e.value.message and "不能为负数" in e.value.message
    with pytest.raises(ValidationError, match="申请人"):
        files.create_file(db, CLERK, file_input(None), now=at(12, 1))
    with pytest.raises(ValidationError, match="找不到编号为 999"):
        files.create_file(db, CLERK, file_input(999), now=at(12, 1))
    with pytest.raises(ValidationError, match="次要致困原因：最多选 3 项"):
        files.create_file(db, CLERK, file_input(pid, secondary_causes=(
            "disaster", "accident", "schooling", "other")), now=at(12, 1))
    with pytest.raises(ValidationError, match="与第1行的身份证号相同"):
        files.create_file(db, CLERK, file_input(pid, members=[M("甲", "son", id_number(3)),
                                                              M("乙", "son", id_number(3))]), now=at(12, 1))
    with pytest.raises(ValidationError, match="申请人不用再填"):
        files.create_file(db, CLERK, file_input(pid, members=[M("张伟", "other", id_number(1))]),
                          now=at(12, 1))
    assert _count(db, HardshipFile) == _count(db, HardshipMember) == _count(db, HardshipStep) == 0


def test_override_of_the_proposed_category_needs_a_reason(db):
    pid = person(db, "张伟", 1)
    with pytest.raises(ValidationError, match="改定类别理由：按收入测算为「深度困难」，改定为「相对困难」须填写理由"):
        files.create_file(db, CLERK, file_input(pid, income="1000"), category="relative", now=at(12, 1))
    rec = files.create_file(db, CLERK, file_input(pid, income="1000"), category="相对困难",
                            override_reason="家中另有赡养老人", now=at(12, 1))
    assert rec.category is HardshipCategory.RELATIVE and rec.category_override_reason == "家中另有赡养老人"
    rec = files.confirm_category(db, CLERK, rec.id, "deep", now=at(12, 2))
    assert rec.category is HardshipCategory.DEEP and rec.category_override_reason == ""
    # numbers change: a plain confirmation that no longer matches is cleared
    rec = files.update_file(db, CLERK, rec.id, file_input(pid, income="2000"), now=at(12, 3))
    assert rec.proposed_category is HardshipCategory.RELATIVE and rec.category is None
    # above both lines: 不符合 unless overridden
    rec = files.update_file(db, CLERK, rec.id, file_input(pid, income="9000"), now=at(12, 3))
    assert rec.proposed_category is None and "不符合困难职工认定条件" in rec.category_formula
    with pytest.raises(ValidationError, match="按收入测算为「不符合认定条件」"):
        files.confirm_category(db, CLERK, rec.id, "relative", now=at(12, 3))


def test_the_whole_procedure_with_refusals_at_each_step(db):
    pid = person(db, "张伟", 1)
    rec = files.create_file(db, CLERK, file_input(pid, applied_on=date(2026, 10, 9)), now=at(10, 9))
    fid = rec.id
    with pytest.raises(Conflict, match="尚未通过初审"):
        files.investigate(db, WORKER, fid, investigators="王芳", now=at(10, 10))
    with pytest.raises(Conflict, match="入户调查后才能公示"):
        files.start_publicity(db, WORKER, fid, now=at(10, 10))
    with pytest.raises(ValidationError, match="早于申请日期"):
        files.screen(db, WORKER, fid, on=date(2026, 10, 8), now=at(10, 12))
    files.screen(db, WORKER, fid, "材料齐全", now=at(10, 12))
    with pytest.raises(ValidationError, match="调查人员"):
        files.investigate(db, WORKER, fid, investigators=" ", now=at(10, 13))
    files.investigate(db, WORKER, fid, investigators="王芳、李强", findings="属实", on=date(2026, 10, 13),
                      now=at(10, 13))
    with pytest.raises(ValidationError, match="早于入户调查日期"):
        files.start_publicity(db, WORKER, fid, start=date(2026, 10, 12), now=at(10, 14))
    # 5 working days from Mon 19 Oct → Fri 23 Oct (the default from the calendar)
    assert files.default_publicity_end(db, date(2026, 10, 19)) == date(2026, 10, 23)
    rec = files.start_publicity(db, WORKER, fid, start=date(2026, 10, 19), now=at(10, 19))
    assert rec.state is FileState.PUBLICIZING and rec.publicity_end == date(2026, 10, 23)
    # the manager only, after the end, with the category confirmed and no open objection
    with pytest.raises(PermissionDenied):
        files.approve_file(db, WORKER, fid, now=at(10, 26))
    with pytest.raises(Conflict, match="公示期至2026-10-23结束，公示期满后才能审批建档"):
        files.approve_file(db, MANAGER, fid, now=at(10, 23))
    with pytest.raises(Conflict, match="尚未确认困难类别"):
        files.approve_file(db, MANAGER, fid, now=at(10, 26))
    files.confirm_category(db, CLERK, fid, "relative", now=at(10, 20))
    files.record_objection(db, WORKER, fid, objection="邻居反映其有经营收入", now=at(10, 21))
    with pytest.raises(Conflict, match="异议尚未处理"):
        files.approve_file(db, MANAGER, fid, now=at(10, 26))
    files.record_objection(db, WORKER, fid, result="经核实为临时帮工，收入已计入", now=at(10, 22))
    with pytest.raises(ValidationError, match="公示期满（2026-10-23）之后"):
        files.approve_file(db, MANAGER, fid, on=date(2026, 10, 23), now=at(10, 26))
    rec = files.approve_file(db, MANAGER, fid, now=at(10, 26))
    assert rec.state is FileState.ACTIVE and rec.filed_on == date(2026, 10, 26)
    assert rec.review_due == date(2027, 10, 26)
    assert [s.step for s in rec.steps] == [
        FileStep.APPLY, FileStep.SCREEN, FileStep.INVESTIGATE, FileStep.PUBLICIZE,
        FileStep.CONFIRM_CATEGORY, FileStep.OBJECTION, FileStep.OBJECTION, FileStep.APPROVE]
    assert rec.steps[-1].username == MANAGER.username and rec.steps[3].detail["end"] == "2026-10-23"
    with pytest.raises(Conflict, match="不在审核中，不能退回"):
        files.send_back(db, WORKER, fid, "补材料", now=at(10, 27))
    assert audit.verify(db) == [] and audit_state.verify_state(db) == []


def test_send_back_and_reject(db):
    pid = person(db, "张伟", 1)
    fid = files.create_file(db, CLERK, file_input(pid), now=at(12, 1)).id
    files.screen(db, WORKER, fid, now=at(12, 2))
    with pytest.raises(ValidationError, match="理由"):
        files.send_back(db, WORKER, fid, "", now=at(12, 3))
    rec = files.send_back(db, WORKER, fid, "缺少收入证明", now=at(12, 3))
    assert rec.state is FileState.APPLIED and rec.returned_reason == "缺少收入证明"
    rec = files.screen(db, WORKER, fid, now=at(12, 4))
    assert rec.returned_reason == ""
    with pytest.raises(PermissionDenied):
        files.reject_file(db, WORKER, fid, "不符合条件", now=at(12, 5))
    rec = files.reject_file(db, MANAGER, fid, "家庭收入超标", now=at(12, 5))
    assert rec.state is FileState.REJECTED and all(v is not None for v in rec.refusals.values())
    with pytest.raises(Conflict, match="不能修改"):
        files.update_file(db, CLERK, fid, file_input(pid), now=at(12, 6))
    # a rejected file is not open: the person may apply again
    assert files.create_file(db, CLERK, file_input(pid), now=at(12, 7)).file_no == "K2026-000002"


def test_one_open_file_per_person_as_applicant_or_member(db):
    a, b, c = person(db, "张伟", 1), person(db, "李娜", 2, male=False), person(db, "王强", 3)
    f1 = files.create_file(db, CLERK, file_input(a, members=[M("李娜", "spouse", id_number(2, male=False))]),
                           now=at(12, 1))
    with pytest.raises(ValidationError, match="张伟已是档案K2026-000001的申请人，一户一档"):
        files.create_file(db, CLERK, file_input(a), now=at(12, 2))
    with pytest.raises(ValidationError, match="李娜已是档案K2026-000001的家庭成员"):
        files.create_file(db, CLERK, file_input(b), now=at(12, 2))
    with pytest.raises(ValidationError) as e:
        files.create_file(db, CLERK, file_input(c, members=[M("张伟", "other", id_number(1))]), now=at(12, 2))
    assert e.value.fields == ["家庭成员第1行（张伟）身份证号"] and "申请人" in e.value.message
    # editing the file itself does not trip over its own members
    files.update_file(db, CLERK, f1.id, file_input(a, members=[M("李娜", "spouse", id_number(2, male=False))]),
                      now=at(12, 3))
    assert files.file_of_person(db, b).file_no == "K2026-000001"
    assert files.file_of_person(db, c) is None


def test_review_change_and_closure(db):
    pid = person(db, "张伟", 1)
    rec = active_file(db, pid, income="2000")            # 2,000 a head: 相对困难
    assert rec.state is FileState.ACTIVE
    fid = rec.id
    bad = files.ReviewInput(reviewed_on="2026-10-01", reviewer="王芳", household_income="abc",
                            rigid_annual=0, household_size="0", decision="change")
    with pytest.raises(ValidationError) as e:
        files.review_file(db, WORKER, fid, bad, now=at(12, 1))
    assert {"家庭月收入", "家庭人口", "困难类别", "理由"} <= set(e.value.fields)
    early = files.ReviewInput(reviewed_on="2026-10-01", reviewer="王芳", household_income="1000",
                              rigid_annual=0, household_size=1, decision="keep")
    with pytest.raises(ValidationError, match="复核日期 2026-10-01 早于建档日期 2026-11-02"):
        files.review_file(db, WORKER, fid, early, now=at(12, 1))
    keep = files.ReviewInput(reviewed_on="2026-12-01", reviewer="王芳", household_income="1000",
                             rigid_annual=0, household_size=1, decision=ReviewDecision.KEEP)
    rec = files.review_file(db, WORKER, fid, keep, now=at(12, 1))
    assert rec.review_due == date(2027, 12, 1) and rec.per_head_fen == 1_000_00
    assert rec.proposed_category is HardshipCategory.DEEP and rec.last_reviewed_on == date(2026, 12, 1)
    change = files.ReviewInput(reviewed_on="2026-12-10", reviewer="王芳", household_income="1000",
                               rigid_annual=0, household_size=1, decision="change", category="deep",
                               reason="收入下降", next_due="2027-06-10")
    rec = files.review_file(db, WORKER, fid, change, now=at(12, 10))
    assert rec.category is HardshipCategory.DEEP and rec.review_due == date(2027, 6, 10)
    assert rec.category_changes[-1].review_id == rec.reviews[-1].id
    with pytest.raises(ValidationError, match="无需变更"):
        files.change_category(db, WORKER, fid, "deep", "再改", now=at(12, 11))
    rec = files.change_category(db, WORKER, fid, "accident", "突发火灾", now=at(12, 11))
    assert [c.category_after for c in rec.category_changes] == [HardshipCategory.DEEP,
                                                                 HardshipCategory.ACCIDENT]
    close = files.ReviewInput(reviewed_on="2026-12-15", reviewer="王芳", household_income="9000",
                              rigid_annual=0, household_size=1, decision="close",
                              closure_reason="out_of_poverty", reason="已再就业")
    with pytest.raises(PermissionDenied):
        files.review_file(db, WORKER, fid, close, now=at(12, 15))
    rec = files.review_file(db, MANAGER, fid, close, now=at(12, 15))
    assert rec.state is FileState.CLOSED and rec.closure_reason is ClosureReason.OUT_OF_POVERTY
    assert rec.closed_on == date(2026, 12, 15) and rec.review_due is None
    with pytest.raises(Conflict, match="已出档"):
        files.close_file(db, MANAGER, fid, "death", now=at(12, 16))
    with pytest.raises(Conflict):
        files.review_file(db, WORKER, fid, keep, now=at(12, 16))
    assert audit_state.verify_state(db) == []


def test_close_file_with_a_reason_from_the_list(db):
    fid = active_file(db, person(db, "张伟", 1)).id
    with pytest.raises(ValidationError, match="出档原因"):
        files.close_file(db, MANAGER, fid, "搬家了", now=at(12, 1))
    with pytest.raises(PermissionDenied):
        files.close_file(db, CLERK, fid, "moved", now=at(12, 1))
    rec = files.close_file(db, MANAGER, fid, "迁出/转移", "迁往外省", now=at(12, 1))
    assert rec.closure_reason is ClosureReason.MOVED and rec.state is FileState.CLOSED
    with pytest.raises(PermissionDenied):
        files.create_file(db, ADMIN, file_input(person(db, "李娜", 2)), now=at(12, 1))


def test_out_of_poverty_proposed_after_six_months_and_overdue_reviews(db):
    a = active_file(db, person(db, "张伟", 1), income="1000")        # deep, filed 2026-11-02
    b = active_file(db, person(db, "李娜", 2, male=False), income="1500")
    review = files.ReviewInput(reviewed_on="2026-12-01", reviewer="王芳", household_income="1500",
                               rigid_annual=0, household_size=1, decision="keep")
    files.review_file(db, WORKER, a.id, review, now=at(12, 1))
    assert files.get_file_record(db, a.id, date(2026, 12, 16)).above_line_since == date(2026, 12, 1)
    assert a.file_no not in {x.file_no for x in files.out_of_poverty_proposals(db, date(2027, 5, 31))}
    got = files.out_of_poverty_proposals(db, date(2027, 6, 1))
    assert [x.file_no for x in got] == [b.file_no, a.file_no]      # the longest above first
    assert files.get_file_record(db, a.id, date(2027, 6, 1)).out_of_poverty_proposed
    # b was filed above 低保 (1500 > 1200) on 2026-11-02: proposed from 2027-05-02
    assert [x.file_no for x in files.out_of_poverty_proposals(db, date(2027, 5, 2))] == [b.file_no]
    assert {x.file_no for x in files.overdue_reviews(db, date(2027, 12, 2))} == {a.file_no, b.file_no}
    assert [x.file_no for x in files.overdue_reviews(db, date(2027, 11, 3))] == [b.file_no]


def test_materials_are_attached_all_or_none(db, tmp_path):
    fid = files.create_file(db, CLERK, file_input(person(db, "张伟", 1)), now=at(12, 1)).id
    good = tmp_path / "收入证明.pdf"
    good.write_bytes(b"%PDF-1.4 proof")
    with pytest.raises(ValidationError, match="不存在"):
        files.add_materials(db, CLERK, fid, "income_proof", [good, tmp_path / "missing.pdf"], now=at(12, 1))
    assert files.materials(db, fid) == []
    with pytest.raises(ValidationError, match="材料类别"):
        files.add_materials(db, CLERK, fid, "photo", [good], now=at(12, 1))
    out = files.add_materials(db, CLERK, fid, "收入证明", [good], now=at(12, 1))
    assert out[0].filename == "收入证明.pdf" and files.material_file(db, out[0].id).read_bytes() == \
        b"%PDF-1.4 proof"


def test_every_change_is_audited_with_before_and_after(db):
    pid = person(db, "张伟", 1)
    rec = active_file(db, pid)
    files.update_contact(db, CLERK, rec.id, bank_account="6217 0000 1111 2222", now=at(12, 1))
    with pytest.raises(ValidationError, match="银行账号"):
        files.update_contact(db, CLERK, rec.id, bank_account="12", now=at(12, 1))
    with db.read() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.before, AuditLog.after)
                         .where(AuditLog.entity == "hardship_file", AuditLog.entity_id == str(rec.id))
                         .order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["create", "confirm_category", "screen", "investigate",
                                        "publicize", "approve", "update"]
    assert json.loads(rows[-1].before) == {"bank_account": "6222020200112233445"}
    assert json.loads(rows[-1].after) == {"bank_account": "6217000011112222"}
    assert json.loads(rows[5].after)["state"] == "active"
    assert audit_state.verify_state(db) == []
