"""The claim form and 试算 (pytest-qt, offscreen, a real temp database): a hospital claim computed
live with the line a member can follow, saved with a document, approved by a manager and paid; a
claim inside the waiting period refused with its coded reason; 试算 computes and saves nothing."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import func, select

from app.db.models_mutual_aid import MaClaim, MaClaimDocument
from app.domain.enums import Role
from app.domain.mutual_aid import ClaimState, PlanKind, Refusal, Tier
from app.services.mutual_aid.cover import tiers_to_json
from app.services.mutual_aid import claims
from tests.services.mutual_aid_data import add_employer, add_person, add_plan, enroll
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.mutual_aid.claim_dialog import ClaimDialog

ZHANG_ID = "110105198001010019"
LI_ID = "110105198501010028"


@pytest.fixture
def ledger(db):
    """ZY 2026 (¥40/day from day 4, ≤ ¥7,200 a term, 90-day waiting period): 张三 1份, paid
    2026-01-10 → cover from 01-11, waiting period to 04-10."""
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", ZHANG_ID, "M", date(1980, 1, 1), emp)
        plan = add_plan(s)
        enroll(s, plan, emp, [zhang], paid_on=date(2026, 1, 10))
        li = add_person(s, "李四", LI_ID, "F", date(1985, 1, 1), emp)
        lump = add_plan(s, code="TJ", kind=PlanKind.LUMP, name="女职工特殊疾病", waiting_days=180,
                        male_min_age=None, male_max_age=None, term_cap_fen=None,
                        tiers=tiers_to_json([Tier("乳腺癌", 1_000_000), Tier("宫颈癌", 800_000)]))
        enroll(s, lump, emp, [li], paid_on=date(2026, 1, 10), shares=2)
        return {"plan": plan.id, "zhang": zhang.id, "lump": lump.id, "li": li.id}


def open_dialog(ctx, qtbot, **kw) -> ClaimDialog:
    dlg = ClaimDialog(ctx, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def pick_zhang(dlg: ClaimDialog, qtbot) -> None:
    qtbot.keyClicks(dlg.member_picker.edit, ZHANG_ID[:10])
    qtbot.waitUntil(lambda: len(dlg.member_picker.hits) == 1, timeout=5000)
    assert dlg.member_picker.list.item(0).text().startswith("张三  ****0019  男")
    dlg.member_picker.edit.returnPressed.emit()
    qtbot.waitUntil(lambda: dlg.plan is not None, timeout=5000)
    assert dlg.plan_combo.currentText().startswith("2026 ZY 住院津贴互助保障 · 1份")
    assert "免赔3天，每天¥40/份" in dlg.rule_label.text()


def stay(dlg: ClaimDialog, admitted: QDate, discharged: QDate, cause: str = "肺炎") -> None:
    dlg.event_edit.setDate(admitted)
    dlg.until_edit.setDate(discharged)
    dlg.cause_edit.setText(cause)


def test_hospital_claim_computed_saved_approved_and_paid(db, actors, ledger, qtbot, tmp_path, monkeypatch):
    clerk = AppContext(db, actors[Role.CLERK])
    dlg = open_dialog(clerk, qtbot)
    assert "先输入身份证号或姓名" in dlg.missing_label.text()
    pick_zhang(dlg, qtbot)
    assert dlg.oop_edit.isHidden() and dlg.tier_combo.isHidden() and not dlg.until_edit.isHidden()
    qtbot.waitUntil(lambda: "出院日期" in dlg.missing_label.text(), timeout=5000)   # what is still missing
    stay(dlg, QDate(2026, 6, 1), QDate(2026, 6, 11))
    qtbot.waitUntil(lambda: dlg.result_label.text() == "应给付 ¥280.00", timeout=5000)
    assert dlg.line_label.text() == "住院10天 − 免赔3天 = 7天 × ¥40 = ¥280.00"
    assert "本期已给付 ¥0.00，最高 ¥7,200.00，剩余额度 ¥7,200.00" in dlg.totals_label.text()
    assert "观察期至 2026-04-10" in dlg.totals_label.text()
    # a document goes with the claim
    scan = tmp_path / "出院小结.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    monkeypatch.setattr(dlg, "ask_document_paths", lambda: [str(scan)])
    dlg.add_documents()
    assert dlg.docs_list.count() == 1
    for b in dlg.step_buttons.values():
        assert b.isHidden()                          # nothing to decide before it is saved
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        dlg.save()
    rec = saved.args[0]
    assert (rec.state, rec.benefit_fen, rec.claim_no) == (ClaimState.RECEIVED, 28_000, "HZ2026-000001")
    assert [d.filename for d in rec.documents] == ["出院小结.pdf"]
    assert dlg.windowTitle() == "互助保障申请 HZ2026-000001"
    assert "状态：待审批" in dlg.state_label.text()
    # a clerk may not approve: the button says why
    assert not dlg.step_buttons["approve"].isEnabled()
    assert "审批互助保障给付" in dlg.step_buttons["approve"].toolTip()
    assert not dlg.step_buttons["pay"].isEnabled()
    dlg.close()
    idle(qtbot)

    # the manager approves …
    chief = AppContext(db, actors[Role.MANAGER])
    m = open_dialog(chief, qtbot, claim_id=rec.id)
    qtbot.waitUntil(lambda: m.claim is not None and m.plan is not None, timeout=5000)
    assert m.result_label.text() == "应给付 ¥280.00" and m.line_label.text().endswith("= ¥280.00")
    assert m.step_buttons["approve"].isEnabled() and m.step_buttons["refuse"].isEnabled()
    assert not m.step_buttons["pay"].isEnabled()
    assert "审批通过后才能登记给付" in m.step_buttons["pay"].toolTip()
    step = m.open_step("approve")
    assert "¥280.00" in [w.text() for w in step.findChildren(type(m.rule_label))]
    step.note_edit.setPlainText("材料齐全")
    with qtbot.waitSignal(m.saved, timeout=5000):
        step.accept()
    assert m.claim.state is ClaimState.APPROVED and m.result_label.text() == "核定给付 ¥280.00"
    assert "批准：材料齐全" in m.state_label.text()
    assert not m.save_button.isVisible() and not m.event_edit.isEnabled()
    # … and pays
    pay = m.open_step("pay")
    pay.date_edit.setDate(QDate(2026, 12, 15))               # before the approval: refused, said why
    qtbot.keyClicks(pay.voucher_edit, "FK-2026-118")
    pay.accept()
    qtbot.waitUntil(lambda: m.error_label.isVisible(), timeout=5000)
    assert "给付日期：不能早于审批日期 2026年12月16日" in m.error_label.text()
    assert m.claim.state is ClaimState.APPROVED and m.step_buttons["pay"].isEnabled()
    pay = m.open_step("pay")
    qtbot.keyClicks(pay.voucher_edit, "FK-2026-118")          # the date proposed is today
    with qtbot.waitSignal(m.saved, timeout=5000):
        pay.accept()
    assert m.claim.state is ClaimState.PAID and m.result_label.text() == "已给付 ¥280.00"
    assert "给付日期 2026-12-16，凭证号 FK-2026-118" in m.state_label.text()
    assert not m.error_label.isVisible()
    assert not any(b.isEnabled() for b in m.step_buttons.values())
    got = claims.get_claim(db, rec.id)
    assert (got.state, got.benefit_fen, got.paid_on, got.voucher) == (ClaimState.PAID, 28_000,
                                                                       date(2026, 12, 16), "FK-2026-118")
    assert got.totals.paid_fen == 28_000 and got.totals.remaining_fen == 692_000
    idle(qtbot)


def test_claim_inside_the_waiting_period_is_refused_with_its_reason(db, actors, ledger, qtbot):
    chief = AppContext(db, actors[Role.MANAGER])
    dlg = open_dialog(chief, qtbot)
    pick_zhang(dlg, qtbot)
    stay(dlg, QDate(2026, 4, 10), QDate(2026, 4, 20))         # the last day of the waiting period
    qtbot.waitUntil(lambda: dlg.result_label.text() == "不予给付：观察期内", timeout=5000)
    assert "2026年4月10日在观察期内（观察期至2026年4月10日，2026年4月11日起的事件可以给付）" in dlg.line_label.text()
    dlg.event_edit.setDate(QDate(2026, 4, 11))               # the next day is paid
    qtbot.waitUntil(lambda: dlg.result_label.text() == "应给付 ¥240.00", timeout=5000)
    dlg.event_edit.setDate(QDate(2026, 4, 10))
    qtbot.waitUntil(lambda: dlg.result_label.text() == "不予给付：观察期内", timeout=5000)
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        dlg.save()
    rec = saved.args[0]
    assert rec.state is ClaimState.RECEIVED and rec.refusal is Refusal.WAITING and rec.benefit_fen == 0
    # approving is not possible; refusing takes the computed reason
    assert not dlg.step_buttons["approve"].isEnabled()
    assert "按计划规则不予给付（观察期内）" in dlg.step_buttons["approve"].toolTip()
    step = dlg.open_step("refuse")
    assert step.reason_combo.currentText() == "观察期内（按计划规则）"
    assert step.reason_combo.itemData(1) == Refusal.DOCUMENTS.value
    with qtbot.waitSignal(dlg.saved, timeout=5000):
        step.accept()
    assert dlg.claim.state is ClaimState.REFUSED and dlg.result_label.text() == "不予给付：观察期内"
    assert "状态：不予给付" in dlg.state_label.text()
    got = claims.get_claim(db, rec.id)
    assert (got.state, got.refusal) == (ClaimState.REFUSED, Refusal.WAITING)
    idle(qtbot)


def test_bad_dates_are_named_and_nothing_is_saved(db, actors, ledger, qtbot):
    dlg = open_dialog(AppContext(db, actors[Role.CLERK]), qtbot)
    pick_zhang(dlg, qtbot)
    stay(dlg, QDate(2026, 6, 11), QDate(2026, 6, 1))          # discharged before admitted
    qtbot.waitUntil(lambda: "早于入院日期" in dlg.missing_label.text(), timeout=5000)
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=5000)
    assert "出院日期：出院日期 2026-06-01 早于入院日期 2026-06-11，请核对" in dlg.error_label.text()
    assert dlg.until_edit.styleSheet() != "" and dlg.event_edit.styleSheet() == ""
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 0
    idle(qtbot)


def test_quote_computes_and_saves_nothing(db, actors, ledger, qtbot):
    dlg = open_dialog(AppContext(db, actors[Role.CLERK]), qtbot, quote_only=True)
    assert dlg.windowTitle() == "试算（不保存）" and dlg.save_button.isHidden()
    assert dlg.received_edit.isHidden() and dlg.docs_box.isHidden()
    pick_zhang(dlg, qtbot)
    stay(dlg, QDate(2026, 7, 1), QDate(2026, 7, 31))
    qtbot.waitUntil(lambda: dlg.result_label.text() == "应给付 ¥1,080.00", timeout=5000)
    assert dlg.line_label.text() == "住院30天 − 免赔3天 = 27天 × ¥40 = ¥1,080.00"
    dlg.save()                                                # not a button here; does nothing
    idle(qtbot)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 0
        assert s.scalar(select(func.count()).select_from(MaClaimDocument)) == 0


def test_claim_list_filtered_by_state_and_reason_exported_and_opened(db, actors, ledger, qtbot, tmp_path,
                                                                     monkeypatch):
    from openpyxl import load_workbook

    from app.services.mutual_aid.claims import ClaimInput
    from ui.pages.mutual_aid.lists import ClaimsPage
    chief = actors[Role.MANAGER]
    paid = claims.enter_claim(db, chief, ClaimInput(plan_id=ledger["plan"], person_id=ledger["zhang"],
                                                    event="2026-06-01", until="2026-06-11", cause="肺炎"))
    claims.approve_claim(db, chief, paid.id)
    claims.pay_claim(db, chief, paid.id, "2026-12-16", "FK-1")
    waiting = claims.enter_claim(db, chief, ClaimInput(plan_id=ledger["plan"], person_id=ledger["zhang"],
                                                       event="2026-03-01", until="2026-03-11", cause="骨折"))
    claims.refuse_claim(db, chief, waiting.id)
    page = ClaimsPage(AppContext(db, chief))
    qtbot.addWidget(page)
    page.resize(1180, 680)
    page.show()
    m = page.model
    qtbot.waitUntil(lambda: m.total == 2 and m.rowCount() == 2, timeout=5000)
    cols = [c.key for c in m.columns]
    row = {k: m.data(m.index(0, i)) for i, k in enumerate(cols)}
    assert row["claim_no"] == "HZ2026-000002" and row["state"] == "不予给付" and row["refusal"] == "观察期内"
    state = page.bar.widget("state")
    state.setCurrentIndex(state.findData(ClaimState.PAID.value))
    qtbot.waitUntil(lambda: m.total == 1 and m.rowCount() == 1, timeout=5000)
    row = {k: m.data(m.index(0, i)) for i, k in enumerate(cols)}
    assert (row["claim_no"], row["benefit"], row["paid_on"], row["voucher"]) == \
        ("HZ2026-000001", "¥280.00", "2026-12-16", "FK-1")
    qtbot.waitUntil(lambda: page.total_label.text() == "　给付金额合计 ¥280.00", timeout=5000)
    assert row["explanation"] == "住院10天 − 免赔3天 = 7天 × ¥40 = ¥280.00"
    assert ZHANG_ID not in row["id_number"]
    state.setCurrentIndex(0)
    reason = page.bar.widget("refusal")
    reason.setCurrentIndex(reason.findData(Refusal.WAITING.value))
    qtbot.waitUntil(lambda: m.total == 1 and m.rowCount() == 1 and m.row_at(0).id == waiting.id,
                    timeout=5000)
    out = tmp_path / "理赔.xlsx"
    monkeypatch.setattr(page, "ask_export_path", lambda: str(out))
    page.export()
    qtbot.waitUntil(lambda: "已导出 1 条" in page.message.text(), timeout=10000)
    values = [c.value for r in load_workbook(out).active.iter_rows() for c in r if c.value is not None]
    assert "HZ2026-000002" in values and "HZ2026-000001" not in values and ZHANG_ID not in values
    # double-click opens the claim
    dlg = page.open_row(m.row_at(0))
    qtbot.waitUntil(lambda: dlg.claim is not None, timeout=5000)
    assert dlg.windowTitle() == "互助保障申请 HZ2026-000002" and dlg.result_label.text() == "不予给付：观察期内"
    dlg.reject()
    idle(qtbot)


def test_quote_of_a_lump_plan_asks_for_the_tier(db, actors, ledger, qtbot):
    dlg = open_dialog(AppContext(db, actors[Role.CLERK]), qtbot, quote_only=True, person_id=ledger["li"],
                      plan_id=ledger["lump"])
    qtbot.waitUntil(lambda: dlg.plan is not None and dlg.plan.id == ledger["lump"], timeout=5000)
    assert dlg.event_label.text() == "确诊日期"
    assert not dlg.tier_combo.isHidden() and dlg.until_edit.isHidden() and dlg.claimed_edit.isHidden()
    assert [dlg.tier_combo.itemText(i) for i in range(dlg.tier_combo.count())] == \
        ["（请选择病种）", "乳腺癌（¥10,000.00/份）", "宫颈癌（¥8,000.00/份）"]
    dlg.event_edit.setDate(QDate(2026, 8, 1))
    qtbot.waitUntil(lambda: "病种：请选择病种" in dlg.missing_label.text(), timeout=5000)
    dlg.tier_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dlg.result_label.text() == "应给付 ¥20,000.00", timeout=5000)
    assert dlg.line_label.text() == "乳腺癌 ¥10,000 × 2份 = ¥20,000.00"
    idle(qtbot)
