"""One of every dialog of the mutual-aid ledger's pages, for the 1366×768 and focus tests of
tests/ui/test_windows.py (``all_dialogs`` adds them)."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog

from app.domain.enums import Role
from tests.services.mutual_aid_data import add_employer, add_person, add_plan, enroll
from tests.ui.util import idle
from ui.context import AppContext


def mutual_aid_dialogs(db, staff, qtbot) -> dict[str, QDialog]:
    from app.services.mutual_aid import plans
    from ui.pages.mutual_aid.plan_dialog import PlanDialog
    from app.services.mutual_aid import enrollment
    from ui.pages.mutual_aid.enroll import PaymentDialog
    from ui.pages.mutual_aid.plans import CopyPlansDialog
    ctx = AppContext(db, staff[Role.MANAGER])
    with db.write() as s:
        emp = add_employer(s, "互助示例有限公司")
        member = add_person(s, "赵互助", "110105198001010019", "M", date(1980, 1, 1), emp)
        plan = add_plan(s)
        enroll(s, plan, emp, [member], paid_on=date(2026, 1, 10))
        plan_id = plan.id
    edit = PlanDialog(ctx, plan_id)
    idle(qtbot)
    return {
        "互助计划/新建": PlanDialog(ctx, year=2027),
        "互助计划/修改": edit,
        "互助计划/复制上年计划": CopyPlansDialog(2027, plans.list_plans(db, 2026), set()),
        "参保登记/登记缴费": PaymentDialog(enrollment.batches(db)[0]),
    }
