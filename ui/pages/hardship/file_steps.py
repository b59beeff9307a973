"""The procedure steps of the household file form (a part of ``FileDialog``): one small
``ActionDialog`` per step — 初审, 入户调查, 公示 (the end proposed from the calendar), 公示异议,
审批建档, 退回, 不予建档, 复核, 类别变更, 出档 — each starting ONE operation of
``ui.operations.hardship``; the service's refusal stays in the step dialog. GUI thread only."""
from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from app.domain import clock
from app.domain.hardship import ClosureReason, HardshipCategory, ReviewDecision
from app.domain.permissions import Perm
from ui.dialogs.action_dialog import ActionDialog
from ui.operations import OnDone, OnError
from ui.operations import hardship as ops
from ui.pages.hardship.parts import date_edit, yuan_text
from ui.step_buttons import Step
from ui.util import HINT_STYLE, combo, qdate, text_edit

log = logging.getLogger(__name__)

STEPS: tuple[Step, ...] = (
    Step("screen", "初审", Perm.FILE_HARDSHIP),
    Step("investigate", "入户调查", Perm.FILE_HARDSHIP),
    Step("publicize", "公示", Perm.FILE_HARDSHIP),
    Step("objection", "公示异议", Perm.FILE_HARDSHIP),
    Step("approve", "审批建档", Perm.APPROVE_HARDSHIP),
    Step("send_back", "退回", Perm.FILE_HARDSHIP),
    Step("reject", "不予建档", Perm.APPROVE_HARDSHIP),
    Step("review", "复核", Perm.FILE_HARDSHIP),
    Step("change_category", "类别变更", Perm.FILE_HARDSHIP),
    Step("close", "出档", Perm.APPROVE_HARDSHIP),
)


class FileSteps:
    """The step dialogs of ``FileDialog``, whose ``ctx``, ``file_id``, ``record`` they use."""


    def open_action(self, key: str) -> ActionDialog:
        """Open the small dialog of step ``key`` (see ``STEPS``) and return it."""
        dlg = getattr(self, "_make_" + key)()
        dlg.done.connect(self._step_done)
        self.action = dlg
        dlg.open()
        return dlg

    def _step_done(self, rec) -> None:
        self._loaded(rec)
        self.saved.emit(rec)

    def _call(self, step) -> Any:
        ctx, file_id = self.ctx, self.file_id

        def start(parent: QWidget, values: dict[str, Any], on_done: OnDone, on_error: OnError):
            return step(parent, ctx, file_id, **values, on_done=on_done, on_error=on_error)
        return start

    def _today(self) -> date:
        return clock.today()

    def _make_screen(self) -> ActionDialog:
        return ActionDialog(self.tr("初审"), [
            ("on", "日期", date_edit(self._today())), ("opinion", "初审意见", text_edit(70))],
            self._call(ops.screen), self)

    def _make_investigate(self) -> ActionDialog:
        return ActionDialog(self.tr("入户调查"), [
            ("on", "日期", date_edit(self._today())), ("investigators", "调查人员", QLineEdit()),
            ("findings", "调查情况", text_edit(90))], self._call(ops.investigate), self)

    def _make_publicize(self) -> ActionDialog:
        start, end = date_edit(self._today()), date_edit(self._today())
        hint = QLabel(self.tr("结束日期默认按本单位设置的公示工作日数从节假日日历推算。"))
        hint.setStyleSheet(HINT_STYLE)
        hint.setWordWrap(True)
        dlg = ActionDialog(self.tr("公示"), [("start", "公示开始日期", start),
                                           ("end", "公示结束日期", end), ("hint", "", hint)],
                           self._call(ops.start_publicity), self)

        asked = []          # the start days asked about, in order: only the latest answer counts

        def default_end(_d=None) -> None:
            day = start.date().toPython()
            asked.append(day)
            ops.default_publicity_end(
                dlg, self.ctx, day, on_error=lambda e: log.warning("publicity end: %s", e),
                on_done=lambda d, day=day: end.setDate(qdate(d)) if asked[-1] == day else None)
        start.dateChanged.connect(default_end)
        default_end()
        return dlg

    def _make_objection(self) -> ActionDialog:
        objection, result = text_edit(70), text_edit(70)
        if self.record is not None:
            objection.setPlainText(self.record.publicity_objection)
            result.setPlainText(self.record.publicity_result)
        return ActionDialog(self.tr("公示异议"), [("objection", "异议内容", objection),
                                              ("result", "异议处理结果", result)],
                            self._call(ops.record_objection), self)

    def _make_approve(self) -> ActionDialog:
        rec = self.record
        info = QLabel()
        info.setWordWrap(True)
        if rec is not None:
            info.setText(f"{rec.person_name}　{rec.category.label if rec.category else '类别待确认'}"
                         f"\n{rec.category_formula}\n公示 {rec.publicity_start} 至 {rec.publicity_end}"
                         + (f"；异议：{rec.publicity_objection}（{rec.publicity_result}）"
                            if rec.publicity_objection else "；无异议"))
        return ActionDialog(self.tr("审批建档"), [("info", "", info),
                                              ("on", "日期", date_edit(self._today()))],
                            self._call(ops.approve_file), self)

    def _make_send_back(self) -> ActionDialog:
        return ActionDialog(self.tr("退回"), [("reason", "理由", text_edit(90))],
                            self._call(ops.send_back), self)

    def _make_reject(self) -> ActionDialog:
        return ActionDialog(self.tr("不予建档"), [("reason", "理由", text_edit(90))],
                            self._call(ops.reject_file), self)

    def _make_change_category(self) -> ActionDialog:
        return ActionDialog(self.tr("类别变更"), [
            ("category", "困难类别", combo(HardshipCategory.choices(), self.tr("（请选择）"))),
            ("reason", "理由", text_edit(70)), ("on", "日期", date_edit(self._today()))],
            self._call(ops.change_category), self)

    def _make_close(self) -> ActionDialog:
        return ActionDialog(self.tr("出档（脱困/解困/撤档）"), [
            ("reason", "出档原因", combo(ClosureReason.choices(), self.tr("（请选择）"))),
            ("note", "出档说明", text_edit(70)), ("on", "日期", date_edit(self._today()))],
            self._call(ops.close_file), self)

    def _make_review(self) -> ActionDialog:
        rec = self.record
        income, rigid = QLineEdit(), QLineEdit()
        size = QSpinBox()
        size.setRange(1, 21)
        if rec is not None:
            income.setText(yuan_text(rec.household_income_fen))
            rigid.setText(yuan_text(rec.rigid_annual_fen))
            size.setValue(rec.household_size)
        reviewer = QLineEdit(self.ctx.actor.display_name)
        decision = combo(ReviewDecision.choices())
        category = combo(HardshipCategory.choices(), self.tr("（不变）"))
        closure = combo(ClosureReason.choices(), self.tr("（不出档）"))
        next_due = date_edit(self._today() + timedelta(days=365))

        def decision_changed(_i=0) -> None:
            d = decision.currentData()
            category.setEnabled(d == ReviewDecision.CHANGE.value)
            closure.setEnabled(d == ReviewDecision.CLOSE.value)
            next_due.setEnabled(d != ReviewDecision.CLOSE.value)
        decision.currentIndexChanged.connect(decision_changed)
        decision_changed()
        ctx, file_id = self.ctx, self.file_id

        def start(parent, v, on_done, on_error):
            d = v["decision"]
            return ops.review_file(
                parent, ctx, file_id, reviewed_on=v["reviewed_on"], reviewer=v["reviewer"],
                household_income=v["household_income"], rigid_annual=v["rigid_annual"],
                household_size=v["household_size"], decision=d,
                category=v["category"] if d == ReviewDecision.CHANGE.value else None,
                closure_reason=v["closure_reason"] if d == ReviewDecision.CLOSE.value else None,
                reason=v["reason"], next_due=None if d == ReviewDecision.CLOSE.value else v["next_due"],
                on_done=on_done, on_error=on_error)
        return ActionDialog(self.tr("复核"), [
            ("reviewed_on", "复核日期", date_edit(self._today())), ("reviewer", "复核人", reviewer),
            ("household_income", "家庭月收入", income), ("rigid_annual", "刚性支出（年）", rigid),
            ("household_size", "家庭人口", size), ("decision", "复核结论", decision),
            ("category", "困难类别", category), ("closure_reason", "出档原因", closure),
            ("reason", "理由", text_edit(60)), ("next_due", "下次复核日期", next_due)], start, self)
