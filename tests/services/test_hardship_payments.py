"""Assistance records 帮扶记录: propose → approve/refuse → pay; 先建档后帮扶, caps naming what is left,
临时救助 without a file, the same-month warning, closed files, bad amounts, fund never below zero
(also with two processes paying from one fund at once), permissions, audit."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.db.models_hardship import HardshipPayment
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.hardship import PaymentState
from app.services import audit, audit_state, settings
from app.services.hardship import files, funds, payments
from tests.processes import at_once
from tests.services.hardship_util import (ADMIN, CLERK, MANAGER, WORKER, active_file, at, file_input,
                                          funded, person)

P = payments.PaymentInput


def _count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(HardshipPayment))


@pytest.fixture
def household(db):
    """An active file (filed 2026-11-02) and a fund holding ¥100,000."""
    pid = person(db, "张伟", 1)
    return active_file(db, pid), funded(db)


def test_propose_approve_pay(db, household):
    f, fund = household
    rec = payments.propose(db, CLERK, P("medical", "5,000.50", fund, "2026-12-01", file_id=f.id,
                                        goods="药品一批", goods_value="200", note="住院"), now=at(12, 1))
    assert rec.state is PaymentState.PROPOSED and rec.total_fen == 5_200_50
    assert rec.person_id == f.person_id and rec.file_no == f.file_no and rec.fund_name == "上级拨款"
    assert rec.refusals["pay"] == f"帮扶记录{rec.id}尚未审批，批准后才能发放"
    with pytest.raises(PermissionDenied):
        payments.approve(db, CLERK, rec.id, now=at(12, 2))
    rec = payments.approve(db, MANAGER, rec.id, now=at(12, 2))
    assert rec.state is PaymentState.APPROVED
    assert funds.get_fund_record(db, fund).available_fen == 100_000_00 - 5_200_50
    with pytest.raises(PermissionDenied):
        payments.pay(db, ADMIN, rec.id, method="card", voucher_no="V1", now=at(12, 3))
    with pytest.raises(ValidationError) as e:
        payments.pay(db, CLERK, rec.id, paid_on="2026-12-31", method="支票", voucher_no="", now=at(12, 3))
    assert set(e.value.fields) == {"发放日期", "发放方式", "凭证号"}
    with pytest.raises(ValidationError, match="早于批准日期"):
        payments.pay(db, CLERK, rec.id, paid_on="2026-12-01", method="card", voucher_no="V1", now=at(12, 3))
    rec = payments.pay(db, CLERK, rec.id, method="打卡", voucher_no="记-2026-12-031", now=at(12, 3))
    assert rec.state is PaymentState.PAID and rec.paid_on == date(2026, 12, 3)
    with pytest.raises(Conflict, match="已发放，不能重复发放"):
        payments.pay(db, CLERK, rec.id, method="cash", voucher_no="V2", now=at(12, 4))
    fr = funds.get_fund_record(db, fund)
    assert (fr.balance_fen, fr.available_fen, fr.committed_fen) == (100_000_00 - 5_200_50,) * 2 + (0,)
    assert audit.verify(db) == [] and audit_state.verify_state(db) == []


def test_bad_amounts_and_fields_are_refused_by_name(db, household):
    f, fund = household
    for amount, message in (("-100", "不能为负数"), ("100.001", "精确到分"), ("abc", "不是金额"),
                            (-5, "不能为负数")):
        with pytest.raises(ValidationError, match=message) as e:
            payments.propose(db, CLERK, P("living", amount, fund, file_id=f.id), now=at(12, 1))
        assert e.value.fields == ["金额"]
    with pytest.raises(ValidationError) as e:
        payments.propose(db, CLERK, P("bogus", 0, None, "2026-02-30", file_id=f.id, goods_value="5"),
                         now=at(12, 1))
    assert {"帮扶类别", "资金来源", "帮扶日期", "物资"} <= set(e.value.fields)
    with pytest.raises(ValidationError, match="金额和物资价值不能都为 0"):
        payments.propose(db, CLERK, P("living", "0", fund, file_id=f.id), now=at(12, 1))
    with pytest.raises(ValidationError, match="学生身份证号"):
        payments.propose(db, CLERK, P("study", "100", fund, file_id=f.id, student_id_number="123"),
                         now=at(12, 1))
    assert _count(db) == 0


def test_file_first_except_temporary_relief_and_its_cap(db):
    fund = funded(db)
    pid = person(db, "李娜", 2, male=False)
    with pytest.raises(ValidationError, match="先建档、后帮扶：生活救助须选择在档的困难职工档案"):
        payments.propose(db, CLERK, P("living", "500", fund, person_id=pid), now=at(12, 1))
    # a file under review is not yet a file
    pending = files.create_file(db, CLERK, file_input(pid), now=at(12, 1))
    with pytest.raises(Conflict, match="尚未建档，不能安排帮扶"):
        payments.propose(db, CLERK, P("living", "500", fund, file_id=pending.id), now=at(12, 1))
    other = person(db, "王强", 3)
    payments.propose(db, CLERK, P("temporary", "2,000", fund, "2026-03-05", person_id=other), now=at(12, 1))
    with pytest.raises(ValidationError) as e:
        payments.propose(db, CLERK, P("临时救助", "1,000.01", fund, "2026-08-05", person_id=other),
                         now=at(12, 1))
    assert e.value.errors == [("金额", "未建档人员的临时救助每人每年最高 ¥3,000.00，此人2026年已安排 ¥2,000.00，"
                                       "还可安排 ¥1,000.00；本次 ¥1,000.01 超出 ¥0.01")]
    payments.propose(db, CLERK, P("temporary", "1,000", fund, "2026-08-05", person_id=other), now=at(12, 1))
    assert payments.remaining_cap(db, "temporary", 2026, person_id=other).left_fen == 0
    # another year has its own cap
    payments.propose(db, CLERK, P("temporary", "3,000", fund, "2025-08-05", person_id=other), now=at(12, 1))


def test_cap_per_kind_per_household_per_year_names_what_is_left(db, household):
    f, fund = household
    payments.propose(db, CLERK, P("medical", "15,000", fund, "2026-11-05", file_id=f.id), now=at(11, 5))
    refused = payments.propose(db, CLERK, P("medical", "4,000", fund, "2026-11-06", file_id=f.id),
                               acknowledge=True, now=at(11, 6))
    payments.refuse(db, MANAGER, refused.id, "重复申请", now=at(11, 7))      # a refusal frees its share
    with pytest.raises(ValidationError) as e:
        payments.propose(db, CLERK, P("medical", "6,000", fund, "2026-12-01", file_id=f.id), now=at(12, 1))
    assert e.value.errors == [("金额", "医疗救助每户每年最高 ¥20,000.00，该户2026年已安排 ¥15,000.00，"
                                       "还可安排 ¥5,000.00；本次 ¥6,000.00 超出 ¥1,000.00")]
    cap = payments.remaining_cap(db, "medical", 2026, file_id=f.id)
    assert (cap.cap_fen, cap.used_fen, cap.left_fen) == (20_000_00, 15_000_00, 5_000_00)
    payments.propose(db, CLERK, P("medical", "5,000", fund, "2026-12-01", file_id=f.id), now=at(12, 1))
    # the cap is an office setting
    settings.save(db, ADMIN, {"hardship.cap.medical": 30000})
    payments.propose(db, CLERK, P("medical", "100", fund, "2026-12-02", file_id=f.id), acknowledge=True,
                     now=at(12, 2))


def test_same_month_warning_must_be_acknowledged(db, household):
    f, fund = household
    payments.propose(db, CLERK, P("living", "500", fund, "2026-12-01", file_id=f.id), now=at(12, 1))
    with pytest.raises(payments.SameMonthWarning) as e:
        payments.propose(db, CLERK, P("living", "300", fund, "2026-12-15", file_id=f.id), now=at(12, 15))
    assert e.value.warning == "该户2026年12月已有生活救助（12月1日），同一月内再次发放同类帮扶，请确认确有需要"
    assert _count(db) == 1
    rec = payments.propose(db, CLERK, P("living", "300", fund, "2026-12-15", file_id=f.id),
                           acknowledge=True, now=at(12, 15))
    assert rec.warning_acknowledged == e.value.warning
    # another kind or another month: no warning
    payments.propose(db, CLERK, P("employment", "300", fund, "2026-12-15", file_id=f.id), now=at(12, 15))
    payments.propose(db, CLERK, P("living", "300", fund, "2026-11-30", file_id=f.id), now=at(12, 15))


def test_refusal_keeps_its_reason_and_closed_files_take_nothing(db, household):
    f, fund = household
    a = payments.propose(db, CLERK, P("living", "500", fund, file_id=f.id), now=at(12, 1))
    with pytest.raises(ValidationError, match="不予批准理由"):
        payments.refuse(db, MANAGER, a.id, " ", now=at(12, 2))
    rec = payments.refuse(db, MANAGER, a.id, "收入已超标", now=at(12, 2))
    assert rec.state is PaymentState.REFUSED and rec.refusal_reason == "收入已超标"
    with pytest.raises(Conflict, match="未获批准，不能发放"):
        payments.pay(db, CLERK, a.id, method="cash", voucher_no="1", now=at(12, 3))
    b = payments.propose(db, CLERK, P("living", "400", fund, file_id=f.id), acknowledge=True, now=at(12, 3))
    files.close_file(db, MANAGER, f.id, "death", now=at(12, 4))
    with pytest.raises(Conflict, match="已出档，不能再安排帮扶"):
        payments.approve(db, MANAGER, b.id, now=at(12, 5))
    with pytest.raises(Conflict, match="已出档，不能再安排帮扶"):
        payments.propose(db, CLERK, P("living", "100", fund, file_id=f.id), now=at(12, 5))


def test_a_fund_never_goes_below_zero(db):
    f = active_file(db, person(db, "张伟", 1))
    fund = funded(db, "社会捐助", 1_000_00)
    a = payments.propose(db, CLERK, P("living", "800", fund, "2026-11-10", file_id=f.id), now=at(11, 10))
    b = payments.propose(db, CLERK, P("medical", "300", fund, "2026-11-10", file_id=f.id), now=at(11, 10))
    payments.approve(db, MANAGER, a.id, now=at(11, 11))
    with pytest.raises(Conflict) as e:
        payments.approve(db, MANAGER, b.id, now=at(11, 11))
    assert "资金「社会捐助」可用余额 ¥200.00，本次需支出 ¥300.00，缺口 ¥100.00" in e.value.message
    assert payments.get_payment_record(db, b.id).state is PaymentState.PROPOSED
    with pytest.raises(Conflict, match="缺口"):
        with db.write() as s:
            funds.ensure_batch_affordable(s, {fund: 200_01})
    assert funds.get_fund_record(db, fund).available_fen == 200_00


def test_permissions(db, household):
    f, fund = household
    with pytest.raises(PermissionDenied):
        payments.propose(db, ADMIN, P("living", "100", fund, file_id=f.id), now=at(12, 1))
    rec = payments.propose(db, WORKER, P("living", "100", fund, file_id=f.id), now=at(12, 1))
    with pytest.raises(PermissionDenied):
        payments.refuse(db, WORKER, rec.id, "x", now=at(12, 1))
    with pytest.raises(PermissionDenied):
        payments.approve(db, ADMIN, rec.id, now=at(12, 1))


def test_person_summary(db, household):
    f, fund = household
    a = payments.propose(db, CLERK, P("living", "500", fund, "2026-11-20", file_id=f.id), now=at(11, 20))
    payments.approve(db, MANAGER, a.id, now=at(11, 21))
    payments.pay(db, CLERK, a.id, method="card", voucher_no="V1", now=at(11, 22))
    payments.propose(db, CLERK, P("medical", "900", fund, "2026-12-01", file_id=f.id), now=at(12, 1))
    got = payments.person_summary(db, f.person_id, date(2026, 12, 16))
    assert (got.file_no, got.category, got.paid_fen, got.paid_this_year_fen, got.pending) == \
        (f.file_no, "相对困难", 500_00, 500_00, 1)
    assert [p.kind.value for p in got.payments] == ["medical", "living"]
    nobody = payments.person_summary(db, person(db, "王强", 3))
    assert nobody.file_id is None and nobody.payments == () and nobody.paid_fen == 0


# ---- two workstations paying from one fund at once -------------------------------------------

N_EACH = 12


def _approver(path: str, ids: list[int], start) -> None:
    from app.domain.errors import Conflict as _Conflict
    from app.services.hardship import payments as _payments
    from tests.services.hardship_util import MANAGER as _M, at as _at
    db = open_database(path)
    start.wait(10)
    try:
        for pid in ids:
            try:
                _payments.approve(db, _M, pid, now=_at(12, 10))
            except _Conflict as e:
                assert "缺口" in e.message
    finally:
        db.close()


def _payer(path: str, ids: list[int], start) -> None:
    from app.services.hardship import payments as _payments
    from tests.services.hardship_util import CLERK as _C, at as _at
    db = open_database(path)
    start.wait(10)
    try:
        for pid in ids:
            _payments.pay(db, _C, pid, method="cash", voucher_no=f"V{pid}", now=_at(12, 11))
    finally:
        db.close()


@pytest.mark.sqlite_only("two processes on one database file")
def test_two_processes_approving_and_paying_from_one_fund_never_overdraw_it(db_path):
    db = open_database(db_path)
    try:
        fund = funded(db, "本级经费", 1_000_00)                  # room for 10 payments of ¥100
        ids = []
        for i in range(2 * N_EACH):
            f = active_file(db, person(db, f"职工{i}", 10 + i))
            ids.append(payments.propose(db, CLERK, P("living", "100", fund, "2026-12-01", file_id=f.id),
                                        now=at(12, 1)).id)
    finally:
        db.close()
    at_once(_approver, [(str(db_path), ids[0::2]), (str(db_path), ids[1::2])])
    db = open_database(db_path)
    try:
        approved = [p for p in ids if payments.get_payment_record(db, p).state is PaymentState.APPROVED]
        assert len(approved) == 10
        assert funds.get_fund_record(db, fund).available_fen == 0
    finally:
        db.close()
    at_once(_payer, [(str(db_path), approved[0::2]), (str(db_path), approved[1::2])])
    db = open_database(db_path)
    try:
        fr = funds.get_fund_record(db, fund)
        assert (fr.balance_fen, fr.paid_fen) == (0, 1_000_00)
        led = funds.ledger(db, date(2026, 12, 1), date(2026, 12, 31))
        line = next(x for x in led.lines if x.fund == "本级经费")
        assert (line.opening, line.allocated, line.paid, line.closing) == (1_000_00, 0, 1_000_00, 0)
        assert audit.verify(db) == []
    finally:
        db.close()


def test_a_proposal_can_be_corrected_until_it_is_decided(db, household):
    f, fund = household
    other = funded(db, "本级经费", 0)
    rec = payments.propose(db, CLERK, P("living", "500", fund, "2026-12-01", file_id=f.id), now=at(12, 1))
    with pytest.raises(ValidationError, match="不能为负数"):
        payments.update_proposal(db, CLERK, rec.id, P("living", "-1", other, "2026-12-01", file_id=f.id),
                                 now=at(12, 2))
    assert payments.get_payment_record(db, rec.id).amount_fen == 500_00
    rec = payments.update_proposal(db, CLERK, rec.id, P("medical", "600", other, "2026-12-01", file_id=f.id),
                                   now=at(12, 2))
    assert (rec.kind.value, rec.amount_fen, rec.fund_name) == ("medical", 600_00, "本级经费")
    # the fund has nothing: approval names it and the shortfall
    with pytest.raises(Conflict, match="资金「本级经费」可用余额 ¥0.00，本次需支出 ¥600.00，缺口 ¥600.00"):
        payments.approve(db, MANAGER, rec.id, now=at(12, 3))
    payments.refuse(db, MANAGER, rec.id, "资金不足", now=at(12, 3))
    with pytest.raises(Conflict, match="不能修改"):
        payments.update_proposal(db, CLERK, rec.id, P("medical", "1", fund, file_id=f.id), now=at(12, 4))
    assert audit_state.verify_state(db) == []
