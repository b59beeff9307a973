"""Campaigns 帮扶活动: a 送温暖 batch chosen by filter, reviewed, approved in one step, its 签领表 read
back (pypdf) and paid; a batch that would overdraw its fund refused with nothing written; an xlsx
list with broken rows refused by row number with masked IDs; the duplicate block and a manager's
override; 金秋助学 per school level, filed or not."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.db.models import AuditLog
from app.db.models_hardship import HardshipCampaign, HardshipPayment, HardshipSheet
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.hardship import CampaignState, PaymentState
from app.services import people
from app.services.hardship import campaigns as C
from app.services.hardship import funds
from app.services.hardship.files import MemberInput
from tests.services.hardship_util import (ADMIN, CLERK, MANAGER, active_file, at, funded, id_number,
                                          person)

ON = date(2026, 12, 28)


def households(db, n: int, start: int = 1, members=()) -> list:
    out = []
    for i in range(start, start + n):
        pid = person(db, f"职工{i:02d}", i)
        out.append(active_file(db, pid, members=members))
    return out


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def warmth(fund: int, amount="500") -> C.CampaignInput:
    return C.CampaignInput(kind="warmth", year=2027, fund_id=fund, assist_on=ON, amount=amount)


def test_thirty_households_approved_sheet_read_back_reprinted_identically_and_paid(db):
    files_ = households(db, 30)
    fund = funded(db, amount=20_000_00)
    camp = C.create_campaign(db, CLERK, warmth(fund), C.HouseholdFilter(), now=at(12, 16))
    assert (camp.state, camp.count, camp.total_fen) == (CampaignState.DRAFT, 30, 15_000_00)
    assert camp.name == "2027年元旦春节送温暖" and camp.fund_name == "上级拨款"
    detail = C.campaign_detail(db, camp.id)
    assert [r.file_no for r in detail.rows] == [f.file_no for f in files_]
    assert all(r.state is PaymentState.PROPOSED and r.amount_fen == 500_00 for r in detail.rows)
    assert detail.rows[0].id_masked == "110105********" + id_number(1)[-4:]

    with pytest.raises(PermissionDenied):
        C.approve_campaign(db, CLERK, camp.id, now=at(12, 16))
    camp = C.approve_campaign(db, MANAGER, camp.id, now=at(12, 16, 11))
    assert camp.state is CampaignState.APPROVED and len(camp.sheet_ids) == 1
    assert funds.get_fund_record(db, fund).available_fen == 5_000_00   # reserved by the approval
    sheet = C.sheets(db, camp.id)[0]
    assert (sheet.sheet_no, sheet.count, sheet.total_fen, sheet.paid) == ("QL2027-0001", 30, 15_000_00, False)

    data = C.sheet_pdf(db, sheet.id)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 3
    for i, text in enumerate(pages, start=1):
        assert f"第{i}页 共3页" in text
        assert "2027年元旦春节送温暖慰问金签领表" in text and "资金来源：上级拨款" in text
        assert "本页小计　人民币（大写）伍仟元整" in text
    assert "合计　人民币（大写）壹万伍仟元整" in pages[2] and "¥15,000.00" in pages[2]
    for i in range(1, 31):
        full = id_number(i)
        assert full not in data.decode("latin-1")
        page = pages[(i - 1) // 10]
        assert f"职工{i:02d}" in page and f"110105********{full[-4:]}" in page
    assert "6222 **** **** 3445" in pages[0]

    # a reprint is the snapshot: identical bytes after the person's name changed
    pid = files_[0].person_id
    rec = people.get_person(db, pid)
    people.update_person(db, CLERK, pid, people.PersonInput(
        name="改名", id_number=rec.id_number, phone=rec.phone, address=rec.address))
    assert C.sheet_pdf(db, sheet.id) == data
    out = C.sheet_xlsx(db, sheet.id, db.data_dir / "sheet.xlsx")
    ws = load_workbook(out).active
    assert ws["B4"].value == "职工01" and ws["E4"].value.startswith("110105****")

    # payment of the whole sheet
    with pytest.raises(PermissionDenied):
        C.record_sheet_paid(db, ADMIN, sheet.id, "2026-12-29", "现金", "记-12-01", now=at(12, 30))
    with pytest.raises(ValidationError, match="早于签领表日期"):
        C.record_sheet_paid(db, CLERK, sheet.id, "2026-12-27", "现金", "记-12-01", now=at(12, 30))
    paid = C.record_sheet_paid(db, CLERK, sheet.id, "2026-12-29", "现金", "记-12-01", now=at(12, 30))
    assert paid.paid
    with pytest.raises(Conflict, match="已登记发放"):
        C.record_sheet_paid(db, CLERK, sheet.id, "2026-12-29", "现金", "记-12-02", now=at(12, 30))
    camp = C.list_campaigns(db)[0]
    assert camp.state is CampaignState.CLOSED and camp.paid_count == 30
    fr = funds.get_fund_record(db, fund)
    assert (fr.balance_fen, fr.available_fen) == (5_000_00, 5_000_00)
    with db.read() as s:
        actions = [a for (a,) in s.execute(select(AuditLog.action).where(AuditLog.entity == "campaign")
                                           .order_by(AuditLog.id))]
        assert actions == ["create", "add", "approve", "pay"]
        assert s.scalar(select(func.count()).select_from(HardshipPayment)
                        .where(HardshipPayment.voucher_no == "记-12-01")) == 30


def test_a_batch_that_would_overdraw_its_fund_is_refused_whole_naming_fund_and_shortfall(db):
    households(db, 30)
    fund = funded(db, amount=1_000_00)
    audits = count(db, AuditLog)
    with pytest.raises(Conflict) as e:
        C.create_campaign(db, CLERK, warmth(fund), C.HouseholdFilter(), now=at(12, 16))
    assert "资金「上级拨款」可用余额 ¥1,000.00" in e.value.message
    assert "本次需支出 ¥15,000.00" in e.value.message and "缺口 ¥14,000.00" in e.value.message
    assert (count(db, HardshipCampaign), count(db, HardshipPayment), count(db, AuditLog)) == (0, 0, audits)
    # enough at creation, not at approval (the money went to another approved payment meanwhile)
    funds.allocate(db, MANAGER, fund, "14000", date(2026, 12, 1), "朝工发〔2026〕9号", now=at(12, 16))
    camp = C.create_campaign(db, CLERK, warmth(fund), C.HouseholdFilter(categories=("relative",)),
                             now=at(12, 16))
    other = C.create_campaign(db, CLERK, C.CampaignInput("warmth", 2026, fund, ON, amount="100",
                                                         name="补发"),
                              C.HouseholdFilter(), now=at(12, 16))
    C.approve_campaign(db, MANAGER, other.id, now=at(12, 16))
    with pytest.raises(Conflict, match="缺口 ¥3,000.00"):
        C.approve_campaign(db, MANAGER, camp.id, now=at(12, 16))
    assert C.list_campaigns(db, 2027)[0].state is CampaignState.DRAFT
    assert all(r.state is PaymentState.PROPOSED for r in C.campaign_detail(db, camp.id).rows)
    assert count(db, HardshipSheet) == 1


def _list(path, rows, head=("姓名", "身份证号", "金额")) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["2027年送温暖名单"])
    ws.append(list(head))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


def test_xlsx_list_with_broken_rows_is_refused_by_row_with_ids_masked(db, tmp_path):
    files_ = households(db, 3)
    fund = funded(db)
    stranger = id_number(200)
    unfiled = person(db, "刘无档", 201)
    bad = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    path = _list(tmp_path / "list.xlsx", [
        ("职工01", id_number(1), None),            # row 3: good
        ("职工02", id_number(2), "800"),           # row 4: good, own amount
        ("职工03", bad, None),                     # row 5: wrong check digit
        ("王某", stranger, None),                  # row 6: not in the registry
        ("刘无档", id_number(201), None),           # row 7: no file
        ("张冒名", id_number(2), None),             # row 8: name differs
        ("职工01", id_number(1), "-5"),            # row 9: negative amount
        ("职工01", id_number(1), None),            # row 10: household twice
    ])
    with pytest.raises(ValidationError) as e:
        C.create_campaign(db, CLERK, warmth(fund), C.read_list(path, "warmth"), now=at(12, 16))
    msg = e.value.message
    assert "未作任何导入或发放" in msg
    for n in (5, 9):          # problems found reading the list
        assert f"第{n}行" in msg
    assert "第3行" not in msg and "第4行" not in msg
    with pytest.raises(ValidationError) as e:
        good_and_people = C.read_list(_list(tmp_path / "l2.xlsx", [
            ("职工01", id_number(1), None), ("职工02", id_number(2), "800"), ("王某", stranger, None),
            ("刘无档", id_number(201), None), ("张冒名", id_number(2), None),
            ("职工01", id_number(1), None)]), "warmth")
        C.create_campaign(db, CLERK, warmth(fund), good_and_people, now=at(12, 16))
    msg = e.value.message
    assert "第5行：「王某」（110105********" in msg and "不在人员库中" in msg
    assert "第6行：「刘无档」" in msg and "没有困难职工档案" in msg
    assert "第7行：身份证号 110105********" in msg and "「职工02」" in msg
    assert "第8行：户「职工01」" in msg and "与第3行相同" in msg
    for full in (id_number(1), id_number(2), stranger, id_number(201), bad):
        assert full not in msg
    assert (count(db, HardshipCampaign), count(db, HardshipPayment)) == (0, 0)
    assert unfiled
    # the list put right: all rows in, the own amount kept
    camp = C.create_campaign(db, CLERK, warmth(fund), C.read_list(_list(tmp_path / "ok.xlsx", [
        ("职工01", id_number(1), None), ("职工02", id_number(2), "800"),
        ("职工03", id_number(3), None)]), "warmth"), now=at(12, 16))
    assert camp.count == 3 and camp.total_fen == 1_800_00
    assert [r.file_no for r in C.campaign_detail(db, camp.id).rows] == [f.file_no for f in files_]


def test_a_household_twice_is_blocked_unless_a_manager_overrides_with_a_reason(db):
    households(db, 2)
    fund = funded(db)
    camp = C.create_campaign(db, CLERK, warmth(fund), C.HouseholdFilter(), now=at(12, 16))
    with pytest.raises(ValidationError) as e:
        C.add_to_campaign(db, CLERK, camp.id, C.HouseholdFilter(), now=at(12, 16))
    assert "已在本次活动中" in e.value.message and "负责人可填写原因后放行" in e.value.message
    with pytest.raises(PermissionDenied):
        C.add_to_campaign(db, CLERK, camp.id, C.HouseholdFilter(), override_reason="火灾再次慰问",
                          now=at(12, 16))
    camp = C.add_to_campaign(db, MANAGER, camp.id, C.HouseholdFilter(), override_reason="火灾再次慰问",
                             now=at(12, 16))
    assert camp.count == 4
    rows = C.campaign_detail(db, camp.id).rows
    assert [r.override_reason for r in rows] == ["", "", "火灾再次慰问", "火灾再次慰问"]
    with db.read() as s:
        row = s.execute(select(AuditLog).where(AuditLog.action == "override_duplicate")).scalar_one()
        assert row.username == MANAGER.username and "火灾再次慰问" in row.after


def test_study_campaign_by_level_filed_or_not_and_the_same_student_twice(db, tmp_path):
    kid = id_number(300, born=date(2012, 3, 1))
    households(db, 1, members=(MemberInput("职工小明", "son", kid, schooling="junior"),))
    parent = person(db, "未建档家长", 301)
    fund = funded(db)
    data = C.CampaignInput("study", 2026, fund, date(2026, 12, 20),
                           level_amounts={"filed": {"junior": "1000", "college": "3000"},
                                          "unfiled": {"junior": "600"}})
    camp = C.create_campaign(db, CLERK, data, C.HouseholdFilter(), now=at(12, 16))
    assert (camp.count, camp.total_fen, camp.name) == (1, 1_000_00, "2026年金秋助学")
    other_kid = id_number(302, born=date(2011, 5, 5))
    head = ("家长姓名", "家长身份证号", "学生姓名", "学生身份证号", "学段")
    lst = C.read_list(_list(tmp_path / "s.xlsx", [
        ("未建档家长", id_number(301), "李小红", other_kid, "初中"),
        ("职工01", id_number(1), "职工小明", kid, "初中")], head), "study")
    with pytest.raises(ValidationError, match=r"第4行：学生「职工小明」（110105\*+\d{3}[\dX]）已在本次活动中"):
        C.add_to_campaign(db, CLERK, camp.id, lst, now=at(12, 16))
    lst = C.read_list(_list(tmp_path / "s2.xlsx", [
        ("未建档家长", id_number(301), "李小红", other_kid, "初中")], head), "study")
    camp = C.add_to_campaign(db, CLERK, camp.id, lst, now=at(12, 16))
    rows = C.campaign_detail(db, camp.id).rows
    assert [(r.file_no != "", r.amount_fen, r.student) for r in rows] == [
        (True, 1_000_00, "职工小明（初中）"), (False, 600_00, "李小红（初中）")]
    assert parent


def test_records_taken_out_of_a_batch_under_review_only(db):
    households(db, 3)
    fund = funded(db)
    camp = C.create_campaign(db, CLERK, warmth(fund), C.HouseholdFilter(), now=at(12, 16))
    rows = C.campaign_detail(db, camp.id).rows
    camp = C.remove_from_campaign(db, CLERK, camp.id, [rows[1].payment_id], now=at(12, 16))
    assert (camp.count, camp.total_fen) == (2, 1_000_00)
    with pytest.raises(Conflict, match="至少要保留一户"):
        C.remove_from_campaign(db, CLERK, camp.id, [r.payment_id for r in rows if r is not rows[1]])
    with pytest.raises(Conflict, match="不在本活动中"):
        C.remove_from_campaign(db, CLERK, camp.id, [rows[1].payment_id])
    C.approve_campaign(db, MANAGER, camp.id, now=at(12, 16))
    with pytest.raises(Conflict, match="名单不能再修改"):
        C.remove_from_campaign(db, CLERK, camp.id, [rows[0].payment_id])
    assert C.sheets(db, camp.id)[0].count == 2
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "remove")) == 1
