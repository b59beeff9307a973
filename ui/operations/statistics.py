"""The 统计报表 page and the workbench charts, on ``app.services.statistics`` (``compute``,
``listing.record_list``, ``trend.monthly``, ``workbook.write``, ``report_pdf.write``).

Call from the GUI thread; the work runs on a worker thread (see ``ui.operations.run``), the answer
comes back on the GUI thread. Nothing here writes to the database.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.domain.statistics import ReportPeriod
    from app.services.statistics import StatisticsReport
    from ui.context import AppContext


def compute_report(parent: QWidget, ctx: AppContext, period: ReportPeriod, as_of: date,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """T1–T3 of ``period`` as of ``as_of`` (``StatisticsReport``)."""
    db = ctx.db

    def work(_p):
        from app.services import statistics
        return statistics.compute(db, period, as_of)
    return run(parent, work, on_success=on_done, on_error=on_error)


def list_records(parent: QWidget, ctx: AppContext, key: str, period: ReportPeriod, as_of: date,
                 *, group: str | None = None, value: Any = None,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The records making one figure (``RecordList``)."""
    db = ctx.db

    def work(_p):
        from app.services.statistics import listing
        return listing.record_list(db, key, period, as_of, group=group, value=value)
    return run(parent, work, on_success=on_done, on_error=on_error)


def load_trend(parent: QWidget, ctx: AppContext, as_of: date, months: int = 12,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """受理量 by channel and 办结率 of the last ``months`` months (``trend.Trend``)."""
    db = ctx.db

    def work(_p):
        from app.services.statistics import trend
        return trend.monthly(db, as_of, months)
    return run(parent, work, on_success=on_done, on_error=on_error)


def export_report(parent: QWidget, ctx: AppContext, report: StatisticsReport, path: str, fmt: str,
                  made_on: date, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Write ``report`` to ``path`` as ``fmt`` ("xlsx" or "pdf"), with a progress dialog and 取消
    (a cancelled export leaves no file)."""
    db = ctx.db

    def work(progress):
        from app.services.statistics import report_pdf, trend, workbook
        progress(0.05, "正在读取单位信息和12个月趋势…")
        office = workbook.office_name(db)
        series = report.trend or trend.monthly(db, report.as_of, last=report.period.end)
        progress(0.4, "正在写入文件…")
        writer = workbook.write if fmt == "xlsx" else report_pdf.write
        out = writer(path, report, office=office, made_on=made_on, trend=series)
        try:
            progress(1.0, "完成")       # 取消 pressed while writing: take the file back
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        return out
    label = "正在导出 Excel 报表…" if fmt == "xlsx" else "正在导出 PDF 报表…"
    return run(parent, work, on_success=on_done, on_error=on_error, progress_label=label)
