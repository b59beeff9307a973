"""Roster import and premium payment (app.services.mutual_aid.enrollment) on a real database: every bad
input refused with its sheet row and reason and nothing written; a good roster imported whole with
new people registered; cover dates from the payment; renewal within the grace at its boundary; the
`import-roster` command."""
from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.db.models import AuditLog, Person
from app.db.models_mutual_aid import MaBatch, MaEnrollment, MaPlan
from app.domain.enums import Role
from app.domain.errors import Conflict, NotFound, PermissionDenied, UserError
from app.services.mutual_aid import enrollment
from app.services.mutual_aid.enrollment import RosterRejected
from tests.roster_files import make_id, many_ids, save_roster

from .mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll

EMPLOYER = "北京市朝阳区示例机械有限公司"
MAN = make_id(date(1990, 3, 7), 61)
WOMAN = make_id(date(1985, 6, 1), 10, male=False)
OLD_MAN = make_id(date(1966, 1, 1), 0)            # 61 on 2027-01-01: too old (men 16–60)
KNOWN = make_id(date(1980, 1, 1), 5)             # registered already, enrolled in 2026
KNOWN_WOMAN = make_id(date(1982, 2, 2), 6, male=False)   # registered, not a member yet


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def clerk(actors):
    return actors[Role.CLERK]


@pytest.fixture
def ledger(db):
    """An employer union, last year's plan ZY (2026, with 张老 enrolled and paid) and this year's
    (2027), and two people already registered."""
    with db.write() as s:
        emp = add_employer(s, EMPLOYER)
        zhang = add_person(s, "张老", KNOWN, "M", date(1980, 1, 1), emp)
        add_person(s, "李新", KNOWN_WOMAN, "F", date(1982, 2, 2), emp, is_member=False)
        last = add_plan(s, year=2026)
        enroll(s, last, emp, [zhang], paid_on=date(2025, 12, 20))
        plan = add_plan(s, year=2027)
        return {"employer": emp.id, "plan": plan.id, "last": last.id, "zhang": zhang.id}


def good_rows():
    return [("王明", "男", MAN, 2), ("赵丽", "女", WOMAN, 1), ("张老", "男", KNOWN, 1),
            ("李新", None, KNOWN_WOMAN, 3)]


def test_good_roster_imported_whole_people_registered_and_audited(db, clerk, ledger, tmp_path):
    path = save_roster(tmp_path / "名单.xlsx", good_rows(), title="2027年参保名单")
    check = enrollment.check_roster(db, path, employer=EMPLOYER, plan="ZY")
    assert check.ok and check.plan_id == ledger["plan"]          # the newest year of the code
    assert (check.members, check.shares, check.premium_fen) == (4, 7, 7 * 6000)
    lines = {x.row: x for x in check.good}
    assert lines[3].id_masked == MAN[:6] + "********" + MAN[-4:] and lines[3].gender == "男"
    assert lines[3].premium_fen == 12000 and lines[3].new_person and not lines[3].renewal
    assert lines[5].renewal and not lines[5].new_person          # covered by ZY 2026
    assert count(db, MaEnrollment) == 1                          # the check wrote nothing

    enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    with db.read() as s:
        wang = s.execute(select(Person).where(Person.id_number == MAN)).scalar_one()
        assert (wang.name, wang.gender, wang.birth_date, wang.is_member, wang.employer_id) == (
            "王明", "M", date(1990, 3, 7), True, ledger["employer"])
        assert wang.initials == "wm"
        li = s.execute(select(Person).where(Person.id_number == KNOWN_WOMAN)).scalar_one()
        assert li.is_member                                       # the union's roster says so
        batch = s.execute(select(MaBatch).where(MaBatch.plan_id == ledger["plan"])).scalar_one()
        assert (batch.members, batch.shares, batch.premium_fen, batch.paid_on) == (4, 7, 42000, None)
        assert batch.source_file == "名单.xlsx"
        rows = s.execute(select(MaEnrollment.person_id, MaEnrollment.shares, MaEnrollment.renewal,
                                MaEnrollment.cover_start)
                         .where(MaEnrollment.batch_id == batch.id)).all()
        assert sorted((sh, rn) for _p, sh, rn, _c in rows) == [(1, False), (1, True), (2, False), (3, False)]
        assert all(c is None for *_x, c in rows)                  # no cover before payment
        a = s.execute(select(AuditLog).where(AuditLog.entity == "ma_batch")).scalar_one()
        after = json.loads(a.after)
        assert after["members"] == 4 and len(after["people_created"]) == 2
        assert after["people_marked_member"] == [li.id]
        assert a.username == clerk.username


def bad_roster(tmp_path):
    return save_roster(tmp_path / "bad.xlsx", [
        ("王明", "男", MAN, 2),                        # 2: good
        ("钱错", "男", MAN[:-1] + "8", 1),              # 3: check digit
        ("赵丽", "男", WOMAN, 1),                       # 4: gender disagrees with the ID
        ("孙老", "男", OLD_MAN, 1),                     # 5: 61 years old
        ("周多", "女", WOMAN.replace(WOMAN[14:17], "020")[:17] + "X", 4),   # 6: bad ID and shares
        ("王明", "男", MAN, 1),                         # 7: twice in the file
        ("张三", "男", KNOWN, 1),                       # 8: registered as 张老
        ("吴数", "男", float(MAN), 1),                  # 9: ID stored as a number
    ])


def test_bad_rows_each_with_its_reason_and_nothing_imported(db, clerk, ledger, tmp_path):
    path = bad_roster(tmp_path)
    before = (count(db, Person), count(db, MaEnrollment), count(db, MaBatch), count(db, AuditLog))
    with pytest.raises(RosterRejected) as err:
        enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    check = err.value.check
    reasons = {b.row: b.reason for b in check.bad}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "校验位不正确" in reasons[3]
    assert "性别" in reasons[4] and "不一致" in reasons[4]
    assert "男性参保年龄为 16–60 周岁，此人为 61 周岁" in reasons[5]
    assert "份数应为1至3份，现为4份" in reasons[6]
    assert reasons[7] == "身份证号与第2行重复，同一人只能填写一行"
    assert "已登记为「张老」" in reasons[8]
    assert "存为数字" in reasons[9] and "末位已丢失" in reasons[9]
    assert (count(db, Person), count(db, MaEnrollment), count(db, MaBatch), count(db, AuditLog)) == before
    assert "整份名单未导入" in str(err.value)
    shown = "\n".join(check.lines())
    assert "row 3: " in shown and MAN not in shown and WOMAN not in shown   # IDs masked
    # the report: reason first, IDs masked
    out = tmp_path / "report.xlsx"
    assert enrollment.save_report(check, out) == 7
    ws = load_workbook(out).active
    assert ws.cell(2, 1).value == "原因" and ws.cell(3, 2).value == 3
    assert "校验位" in ws.cell(3, 1).value and ws.cell(3, 4).value.startswith(MAN[:6] + "****")


def test_already_enrolled_in_this_plan_year_is_refused(db, clerk, ledger, tmp_path):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    again = save_roster(tmp_path / "b.xlsx", [("王明", "男", MAN, 1)])
    with pytest.raises(RosterRejected) as err:
        enrollment.import_roster(db, clerk, again, employer=EMPLOYER, plan="ZY")
    assert err.value.check.bad[0].reason == f"已参加本计划（{EMPLOYER}，2份），不能重复参保"
    # last year's plan is another plan-year: enrolling there is not a duplicate of this year
    assert enrollment.check_roster(db, again, employer=EMPLOYER, plan="ZY/2026").ok


def written(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda p: save_roster(p, [("王明", "男", MAN, 1)], head=("名字", "性别", "证件号", "份数")),
     "缺少必填列「姓名」"),
    (lambda p: save_roster(p, [], head=()), "是空的"),
    (lambda p: save_roster(p, []), "没有数据行"),
    (lambda p: written(p, b"name,id\n"), "不是 Excel 表格"),
    (lambda p: written(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
                       + "EncryptionInfo".encode("utf-16-le")), "设置了打开密码"),
    (lambda p: save_roster(p, [("王明", "男", MAN, 2), (None, "女", WOMAN, 1)], merges=["A2:A3"]),
     "合并单元格"),
])
def test_bad_files_give_one_clear_message_and_import_nothing(db, clerk, ledger, tmp_path, make, expected):
    path = make(tmp_path / "x.xlsx")
    with pytest.raises(RosterRejected) as err:
        enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    assert expected in str(err.value) or expected in "\n".join(err.value.check.lines())
    assert count(db, MaBatch) == 1 and count(db, MaEnrollment) == 1


def test_unknown_plan_employer_and_permission(db, clerk, actors, ledger, tmp_path):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    with pytest.raises(NotFound, match="没有代码为「XX」的互助计划"):
        enrollment.check_roster(db, path, employer=EMPLOYER, plan="XX")
    with pytest.raises(NotFound, match="尚未登记"):
        enrollment.check_roster(db, path, employer="不存在的公司", plan="ZY")
    with pytest.raises(PermissionDenied):
        enrollment.import_roster(db, actors[Role.CASEWORKER], path, employer=EMPLOYER, plan="ZY")
    with db.write() as s:
        add_employer(s, "没有工会的公司").has_union = False
    with pytest.raises(UserError, match="未建工会"):
        enrollment.check_roster(db, path, employer="没有工会的公司", plan="ZY")


def cover(db, id_number):
    with db.read() as s:
        return s.execute(select(MaEnrollment.cover_start, MaEnrollment.waiting_end, MaEnrollment.renewal)
                         .join(Person, Person.id == MaEnrollment.person_id)
                         .join(MaPlan, MaPlan.id == MaEnrollment.plan_id)
                         .where(Person.id_number == id_number, MaPlan.year == 2027)).one()


def test_payment_starts_cover_the_next_day_with_the_waiting_period(db, clerk, ledger, tmp_path):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    batch = enrollment.batches(db, plan=ledger["plan"])[0]
    rec = enrollment.record_payment(db, clerk, batch.id, date(2026, 12, 20), payment_ref="银收-88")
    assert (rec.paid_on, rec.paid_fen, rec.payment_ref, rec.premium_fen) == (date(2026, 12, 20), 42000,
                                                                               "银收-88", 42000)
    # new member: cover from the day after payment, 90 days' waiting (its last day refused)
    assert cover(db, MAN) == (date(2026, 12, 21), date(2027, 3, 20), False)
    # renewal paid before the grace ends: no waiting period
    assert cover(db, KNOWN) == (date(2026, 12, 21), None, True)


@pytest.mark.parametrize("paid_on, waiting", [
    (date(2027, 1, 30), None),                    # last day of the 30-day grace after 2026-12-31
    (date(2027, 1, 31), date(2027, 5, 1)),        # the day after: a new waiting period
])
def test_renewal_on_the_last_grace_day_keeps_cover_the_day_after_does_not(db, clerk, ledger, tmp_path,
                                                                          paid_on, waiting):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY", paid_on=paid_on)
    start, end, renewal = cover(db, KNOWN)
    assert renewal and end == waiting
    if waiting is None:
        assert start == date(2027, 1, 1)          # cover kept from the new term's start
    else:
        assert start == date(2027, 2, 1)


def test_payment_date_fixed_once_members_have_claims(db, clerk, ledger, tmp_path):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY", paid_on=date(2026, 12, 20))
    batch = enrollment.batches(db, plan=ledger["plan"])[0]
    with db.write() as s:
        e = s.execute(select(MaEnrollment).where(MaEnrollment.batch_id == batch.id)).scalars().first()
        add_claim(s, e, state="received", admission=date(2027, 5, 1), days=5)
    with pytest.raises(Conflict, match="不能再更改缴费日期"):
        enrollment.record_payment(db, clerk, batch.id, date(2026, 12, 25))
    with pytest.raises(UserError, match="晚于保障期结束日"):
        enrollment.record_payment(db, clerk, batch.id, date(2028, 1, 2))


def test_dry_run_checks_and_writes_nothing(db, clerk, ledger, tmp_path):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    check = enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY", dry_run=True)
    assert check.members == 4 and count(db, MaBatch) == 1


def test_template_reads_back_with_the_roster_headers(tmp_path):
    path = enrollment.write_template(tmp_path / "t.xlsx", plan_name="ZY 住院津贴")
    ws = load_workbook(path)["参保名单"]
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["姓名", "性别", "身份证号", "份数"]


def test_two_thousand_rows_imported_in_one_batch(db, clerk, ledger, tmp_path):
    rows = [(n, g, i, 1) for n, g, i in many_ids(2000)]
    path = save_roster(tmp_path / "big.xlsx", rows)
    check = enrollment.import_roster(db, clerk, path, employer=EMPLOYER, plan="ZY")
    assert check.members == 2000 and count(db, MaEnrollment) == 2001
    assert count(db, Person) == 2002


# ------------------------------------------------------------------ the command

@pytest.fixture
def dbarg(db_path, ledger):
    return ["--db", str(db_path)]


def test_cli_bad_rows_on_stderr_exit_2_nothing_imported(db, dbarg, tmp_path, capsys):
    path = bad_roster(tmp_path)
    assert main(dbarg + ["import-roster", str(path), "--employer", EMPLOYER, "--plan", "ZY"]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines[:-1]] == [f"row {n}" for n in (3, 4, 5, 6, 7, 8, 9)], err
    assert lines[-1].startswith("错误：") and "error: roster refused" in lines[-1]
    assert MAN not in err and out == "" and "Traceback" not in err
    assert count(db, MaBatch) == 1


def test_cli_imports_and_dry_run(db, dbarg, tmp_path, capsys):
    path = save_roster(tmp_path / "a.xlsx", good_rows())
    args = ["import-roster", str(path), "--employer", EMPLOYER, "--plan", "ZY"]
    assert main(dbarg + args + ["--dry-run"]) == 0
    assert "检查通过（未导入）" in capsys.readouterr().out and count(db, MaBatch) == 1
    assert main(dbarg + args + ["--paid", "2026-12-20"]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and "4人，7份，保费合计¥420.00" in out and "缴费日期 2026-12-20" in out
    assert cover(db, MAN)[0] == date(2026, 12, 21)
    assert main(dbarg + ["import-roster", str(path), "--employer", EMPLOYER, "--plan", "NOPE"]) == 2
    assert "没有代码为「NOPE」" in capsys.readouterr().err
