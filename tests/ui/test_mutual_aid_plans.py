"""The 互助计划 page and the plan form (pytest-qt, offscreen, a real temp database): plans with their
rule's parameters by type, a new plan saved from the form (every bad field named first), 「复制上年计划」,
and a plan with claims whose rule is locked with the reason. Chinese text goes in with setText."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.domain.enums import Role
from app.domain.mutual_aid import PlanKind, Tier
from app.services.mutual_aid import plans
from app.services.mutual_aid.cover import tiers_to_json
from tests.services.mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.mutual_aid.plans import PlansPage


@pytest.fixture
def ctx(db, actors):
    return AppContext(db, actors[Role.MANAGER])


@pytest.fixture
def ledger(db):
    """2026: a daily plan ZY with one member and a paid claim; a lump plan TJ for women, unused."""
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", "110105198001010019", "M", date(1980, 1, 1), emp)
        daily = add_plan(s)
        lump = add_plan(s, code="TJ", kind=PlanKind.LUMP, name="女职工特殊疾病", waiting_days=180,
                        male_min_age=None, male_max_age=None, term_cap_fen=None,
                        tiers=tiers_to_json([Tier("乳腺癌", 1_000_000), Tier("宫颈癌", 800_000)]))
        enroll(s, daily, emp, [zhang], paid_on=date(2026, 1, 10))
        s.flush()
        from app.db.models_mutual_aid import MaEnrollment
        e = s.query(MaEnrollment).filter_by(plan_id=daily.id).one()
        add_claim(s, e, admission=date(2026, 6, 1), days=10, benefit_fen=28_000, stay_days=10,
                  stay_paid_days=7)
        return {"daily": daily.id, "lump": lump.id}


@pytest.fixture
def page(ctx, ledger, qtbot):
    w = PlansPage(ctx)
    qtbot.addWidget(w)
    w.resize(1180, 680)
    w.show()
    idle(qtbot)
    return w


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def select_code(page: PlansPage, code: str) -> None:
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == code)
    page.table.selectRow(row)


def test_plans_of_the_year_with_their_rule_by_type(page, qtbot):
    assert page.year() == 2026                       # the year of the test clock, which has plans
    assert [page.table.item(r, 0).text() for r in range(page.table.rowCount())] == ["TJ", "ZY"]
    select_code(page, "ZY")
    assert cells(page.table, 1) == ["ZY", "住院津贴互助保障", "住院津贴", "¥60.00", "3 份",
                                    "2026-01-01 至 2026-12-31", "90 天", "30 天", "1", "1"]
    rows = dict((page.params.item(r, 0).text(), page.params.item(r, 1).text())
                for r in range(page.params.rowCount()))
    assert rows["免赔天数"] == "3 天" and rows["每日津贴"] == "¥40.00 /天/份"
    assert rows["单次住院最高给付"] == "180 天" and rows["本期最高给付额"] == "¥7,200.00 /份"
    assert rows["参保条件"] == "男 16–60 周岁，女 16–55 周岁；仅限工会会员"
    assert "免赔3天，每天¥40/份" in page.summary_label.text()
    assert page.tiers.isHidden()
    select_code(page, "TJ")
    assert not page.tiers.isHidden()
    assert [cells(page.tiers, r) for r in range(page.tiers.rowCount())] == \
        [["乳腺癌", "¥10,000.00"], ["宫颈癌", "¥8,000.00"]]
    rows = dict((page.params.item(r, 0).text(), page.params.item(r, 1).text())
                for r in range(page.params.rowCount()))
    assert rows["参保条件"].startswith("男不可参保，女 16–55 周岁")
    assert rows["给付次数"] == "每个保障期一次"


def test_the_fund_of_each_plan_year_matches_the_records(page):
    # ZY: one member's ¥60 received, one claim of ¥280 paid; TJ: nothing yet (赔付率 「—」, not 0%)
    assert page.fund_box.title() == "互助金（2026 年度）"
    assert [cells(page.fund_table, r) for r in range(page.fund_table.rowCount())] == [
        ["TJ", "¥0.00", "¥0.00", "¥0.00", "¥0.00", "¥0.00", "—"],
        ["ZY", "¥60.00", "¥60.00", "¥280.00", "¥0.00", "-¥220.00", "466.67%"],
        ["合计", "¥60.00", "¥60.00", "¥280.00", "¥0.00", "-¥220.00", "466.67%"]]


def test_a_new_reimburse_plan_from_the_form(page, ctx, qtbot):
    page.select_year(2027)
    idle(qtbot)
    assert page.table.rowCount() == 0 and "2027 年度还没有互助计划" in page.message.text()
    dlg = page.new_plan()
    idle(qtbot)
    assert dlg.windowTitle() == "新建互助计划" and dlg.year_spin.value() == 2027
    assert dlg.start_edit.date().toString("yyyy-MM-dd") == "2027-01-01"
    assert dlg.waiting_spin.value() == 90 and dlg.shares_spin.value() == 3     # office defaults
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData(PlanKind.REIMBURSE.value))
    assert dlg.rule_stack.currentIndex() == 2
    # nothing typed: every missing field named at once, the first one focused
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=5000)
    assert "计划编号：请填写计划编号" in dlg.error_label.text()
    assert "计划名称" in dlg.error_label.text() and "每份保费" in dlg.error_label.text()
    assert plans.list_plans(ctx.db, 2027) == []
    qtbot.keyClicks(dlg.code_edit, "yl")
    dlg.name_edit.setText("住院医疗互助保障")
    qtbot.keyClicks(dlg.premium_edit, "50")
    qtbot.keyClicks(dlg.threshold_edit, "500")
    dlg.ratio_edit.setText("")
    qtbot.keyClicks(dlg.ratio_edit, "82.5")
    qtbot.keyClicks(dlg.cap_edit, "20000")
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        dlg.save()
    rec = saved.args[0]
    assert (rec.year, rec.code, rec.rule.threshold_fen, rec.rule.ratio_bp) == (2027, "YL", 50_000, 8250)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=5000)
    assert page.year() == 2027 and cells(page.table, 0)[:3] == ["YL", "住院医疗互助保障", "住院医疗"]
    idle(qtbot)


def test_copy_last_years_plans(page, ctx, qtbot):
    page.select_year(2027)
    idle(qtbot)
    page.copy_last_year()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    dlg = page.dialog
    assert dlg.list.count() == 2 and sorted(dlg.chosen_ids()) == sorted(p.id for p in plans.list_plans(ctx.db, 2026))
    dlg.list.item(0).setCheckState(Qt.CheckState.Unchecked)      # TJ stays behind
    dlg.accept()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=5000)
    assert cells(page.table, 0)[0] == "ZY" and cells(page.table, 0)[5] == "2027-01-01 至 2027-12-31"
    assert "已复制 1 个计划到 2027 年度" in page.message.text()
    # again: ZY is there already and cannot be ticked
    page.copy_last_year()
    qtbot.waitUntil(lambda: page.dialog is not dlg and page.dialog.isVisible(), timeout=5000)
    again = page.dialog
    texts = [again.list.item(i).text() for i in range(again.list.count())]
    assert any(t.startswith("ZY") and t.endswith("本年度已有") for t in texts)
    assert [plans.get_plan(ctx.db, i).code for i in again.chosen_ids()] == ["TJ"]
    again.reject()
    idle(qtbot)


def test_a_plan_with_claims_keeps_its_rule_and_says_why(page, ctx, ledger, qtbot):
    select_code(page, "ZY")
    assert "已有 1 件申请" in page.edit_button.toolTip()
    dlg = page.edit_selected()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=5000)
    assert dlg.windowTitle() == "修改互助计划"
    assert dlg.lock_label.isVisible()
    assert "已有 1 件申请按现在的规则计算，给付规则不能再改" in dlg.lock_label.text()
    for w in (dlg.daily_edit, dlg.deductible_spin, dlg.premium_edit, dlg.cap_edit, dlg.code_edit):
        assert not w.isEnabled()
    assert dlg.name_edit.isEnabled() and dlg.note_edit.isEnabled()
    assert dlg.daily_edit.text() == "40.00" and dlg.deductible_spin.value() == 3
    dlg.name_edit.setText("住院津贴互助保障（2026版）")
    with qtbot.waitSignal(dlg.saved, timeout=5000):
        dlg.save()
    qtbot.waitUntil(lambda: any(page.table.item(r, 1).text() == "住院津贴互助保障（2026版）"
                                for r in range(page.table.rowCount())), timeout=5000)
    # an unused plan opens with everything editable
    select_code(page, "TJ")
    free = page.edit_selected()
    qtbot.waitUntil(lambda: free.record is not None, timeout=5000)
    assert not free.lock_label.isVisible() and free.premium_edit.isEnabled()
    assert free.tiers.rows() == (("乳腺癌", "10000.00"), ("宫颈癌", "8000.00"))
    free.reject()
    idle(qtbot)


def test_a_clerk_sees_the_plans_but_may_not_change_them(db, ledger, actors, qtbot):
    w = PlansPage(AppContext(db, actors[Role.CLERK]))
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    assert w.table.rowCount() == 2
    assert not w.new_button.isEnabled() and not w.edit_button.isEnabled()
    assert "设置互助保障计划" in w.new_button.toolTip()


def test_a_plan_with_members_but_no_claims_keeps_its_premium_not_its_benefit(page, ctx, db, qtbot):
    from app.db.models_mutual_aid import MaEnrollment, MaPlan
    with db.write() as s:                                   # TJ gets a member, no claim
        emp = add_employer(s, "另一家公司")
        li = add_person(s, "李四", "110105198501010028", "F", date(1985, 1, 1), emp)
        plan = s.query(MaPlan).filter_by(year=2026, code="TJ").one()
        enroll(s, plan, emp, [li], paid_on=date(2026, 1, 10))
        assert s.query(MaEnrollment).filter_by(plan_id=plan.id).count() == 1
    page.refresh()
    qtbot.waitUntil(lambda: any(p.code == "TJ" and p.members == 1 for p in page.plans), timeout=5000)
    select_code(page, "TJ")
    dlg = page.edit_selected()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=5000)
    assert "已有 1 人参保" in dlg.lock_label.text() and "给付标准仍可修改" in dlg.lock_label.text()
    assert not dlg.premium_edit.isEnabled() and not dlg.waiting_spin.isEnabled()
    assert dlg.tiers.isEnabled() and dlg.cap_edit.isEnabled()
    dlg.tiers.add_row("卵巢癌", "6000")
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        dlg.save()
    assert [t.name for t in saved.args[0].rule.tiers] == ["乳腺癌", "宫颈癌", "卵巢癌"]
    idle(qtbot)


def test_a_new_lump_plan_starts_with_a_tier_row(page, qtbot):
    dlg = page.new_plan()
    idle(qtbot)
    assert dlg.tiers.table.rowCount() == 0
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData(PlanKind.LUMP.value))
    assert dlg.rule_stack.currentIndex() == 1 and dlg.tiers.table.rowCount() == 1
    dlg.reject()
    idle(qtbot)


def test_showing_the_plans_page_does_not_load_the_plan_form_or_its_service():
    """DESIGN §6 (GUI thread ≤ 50 ms): importing the page on its first show must not pull in the plan
    form and the plan service with it (they cost ~60 ms on the GUI thread); they load on 新建/修改."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    code = ("import sys, ui.pages.mutual_aid.plans; "
            "print(sorted(m for m in ('ui.pages.mutual_aid.plan_dialog', 'app.services.mutual_aid.plans') "
            "if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
