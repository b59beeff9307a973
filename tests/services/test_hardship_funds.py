"""Funds 资金来源: the editable list, allocations 拨入 with document number and date, the ledger
期初 + 拨入 − 支出 = 期末 for any period matching the payments exactly."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models_hardship import HardshipAllocation, HardshipPayment
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.hardship import PaymentState
from app.services import audit_state
from app.services.hardship import funds, payments
from tests.services.hardship_util import CLERK, MANAGER, active_file, at, person

P = payments.PaymentInput


def test_the_four_usual_funds_exist_and_the_list_is_editable(db):
    assert [f.name for f in funds.list_funds(db)] == ["上级拨款", "本级经费", "社会捐助", "财政专项"]
    with pytest.raises(PermissionDenied):
        funds.create_fund(db, CLERK, "企业捐赠")
    new = funds.create_fund(db, MANAGER, "企业捐赠", "某公司定向捐赠", now=at(12, 1))
    assert new.sort == 5 and new.balance_fen == 0
    with pytest.raises(ValidationError, match="已有名为「上级拨款」的资金来源"):
        funds.create_fund(db, MANAGER, "上级拨款")
    with pytest.raises(ValidationError, match="资金来源名称"):
        funds.update_fund(db, MANAGER, new.id, name=" ")
    funds.update_fund(db, MANAGER, new.id, active=False)
    assert "企业捐赠" not in [f.name for f in funds.list_funds(db, include_inactive=False)]
    assert audit_state.verify_state(db) == []


def test_allocations_are_checked_field_by_field(db):
    fund = funds.list_funds(db)[0].id
    with pytest.raises(ValidationError) as e:
        funds.allocate(db, MANAGER, fund, "-1", "2026-12-31", "", now=at(12, 16))
    assert set(e.value.fields) == {"拨入金额", "拨入日期", "拨入文号"}
    for bad in ("0", "1.005", "abc"):
        with pytest.raises(ValidationError, match="拨入金额"):
            funds.allocate(db, MANAGER, fund, bad, "2026-12-01", "朝工发〔2026〕9号", now=at(12, 16))
    with pytest.raises(PermissionDenied):
        funds.allocate(db, CLERK, fund, "100", "2026-12-01", "x")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HardshipAllocation)) == 0
    rec = funds.allocate(db, MANAGER, fund, "50,000", "2026年3月1日", "朝工发〔2026〕9号", now=at(12, 16))
    assert (rec.amount_fen, rec.allocated_on, rec.fund_name) == (50_000_00, date(2026, 3, 1), "上级拨款")
    assert [a.doc_no for a in funds.allocations(db, fund)] == ["朝工发〔2026〕9号"]
    assert funds.allocations(db, fund, date_from=date(2026, 4, 1)) == []


def test_ledger_for_any_period_matches_the_payments(db):
    f = active_file(db, person(db, "张伟", 1))
    up, own = funds.list_funds(db)[0].id, funds.list_funds(db)[1].id
    funds.allocate(db, MANAGER, up, "10,000", "2026-01-15", "A1", now=at(12, 1))
    funds.allocate(db, MANAGER, up, "5,000", "2026-11-20", "A2", now=at(12, 1))
    funds.allocate(db, MANAGER, own, "2,000", "2026-11-25", "B1", now=at(12, 1))

    def paid(kind, amount, fund, on, goods_value=0):
        p = payments.propose(db, CLERK, P(kind, amount, fund, on, file_id=f.id, goods="米面油" if goods_value else "",
                                          goods_value=goods_value), acknowledge=True, now=at(12, 1))
        payments.approve(db, MANAGER, p.id, now=at(12, 1))
        return payments.pay(db, CLERK, p.id, paid_on=on, method="cash", voucher_no=f"V{p.id}", now=at(12, 2))
    # paid dates: approval was on 12-01, so pay on/after it
    paid("living", "1,000", up, "2026-12-01")
    paid("warmth", "500", up, "2026-12-02", goods_value="300")
    paid("medical", "700", own, "2026-12-02")
    approved = payments.propose(db, CLERK, P("employment", "400", own, "2026-12-02", file_id=f.id),
                                now=at(12, 1))
    payments.approve(db, MANAGER, approved.id, now=at(12, 2))            # approved, not paid: no 支出
    led = funds.ledger(db, date(2026, 12, 1), date(2026, 12, 31))
    lines = {x.fund: x for x in led.lines}
    assert (lines["上级拨款"].opening, lines["上级拨款"].allocated, lines["上级拨款"].paid,
            lines["上级拨款"].closing) == (15_000_00, 0, 1_800_00, 13_200_00)
    assert (lines["本级经费"].opening, lines["本级经费"].paid, lines["本级经费"].closing) == \
        (2_000_00, 700_00, 1_300_00)
    assert led.total.paid == 2_500_00 and led.total.closing == led.total.opening + led.total.allocated - 2_500_00
    with db.read() as s:
        by_sql = s.scalar(select(func.sum(HardshipPayment.amount_fen + HardshipPayment.goods_value_fen))
                          .where(HardshipPayment.state == PaymentState.PAID.value))
    assert by_sql == led.total.paid
    # a period before anything happened, and one across the year
    early = funds.ledger(db, date(2025, 1, 1), date(2025, 12, 31))
    assert all((x.opening, x.allocated, x.paid, x.closing) == (0, 0, 0, 0) for x in early.lines)
    year = funds.ledger(db, date(2026, 1, 1), date(2026, 12, 31))
    assert {x.fund: (x.opening, x.allocated, x.closing) for x in year.lines}["上级拨款"] == \
        (0, 15_000_00, 13_200_00)
    nov = funds.ledger(db, date(2026, 11, 1), date(2026, 11, 30))
    assert {x.fund: x.closing for x in nov.lines}["上级拨款"] == lines["上级拨款"].opening
    with pytest.raises(Conflict, match="早于开始日期"):
        funds.ledger(db, date(2026, 12, 31), date(2026, 12, 1))
    fr = funds.get_fund_record(db, own)
    assert (fr.balance_fen, fr.committed_fen, fr.available_fen) == (1_300_00, 400_00, 900_00)
