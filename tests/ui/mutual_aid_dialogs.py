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
    from app.services.mutual_aid import claims
    from app.services.mutual_aid.claims import ClaimInput
    from ui.pages.mutual_aid.claim_dialog import ClaimDialog
    from ui.pages.mutual_aid.claim_steps import StepDialog
    from ui.pages.mutual_aid.enroll import PaymentDialog
    from ui.pages.mutual_aid.plans import CopyPlansDialog
    ctx = AppContext(db, staff[Role.MANAGER])
    with db.write() as s:
        emp = add_employer(s, "互助示例有限公司")
        member = add_person(s, "赵互助", "110105198001010019", "M", date(1980, 1, 1), emp)
        plan = add_plan(s)
        enroll(s, plan, emp, [member], paid_on=date(2026, 1, 10))
        plan_id, member_id = plan.id, member.id
    edit = PlanDialog(ctx, plan_id)
    claim = claims.enter_claim(db, staff[Role.MANAGER], ClaimInput(
        plan_id=plan_id, person_id=member_id, event=date(2026, 6, 1), until=date(2026, 6, 11),
        cause="肺炎"))
    saved = ClaimDialog(ctx, claim.id)
    idle(qtbot)
    return {
        "理赔/新建申请": ClaimDialog(ctx),
        "理赔/申请": saved,
        "理赔/试算": ClaimDialog(ctx, quote_only=True, person_id=member_id),
        "理赔/批准": StepDialog("approve", claim),
        "理赔/不予给付": StepDialog("refuse", claim),
        "理赔/登记给付": StepDialog("pay", claim),
        "互助计划/新建": PlanDialog(ctx, year=2027),
        "互助计划/修改": edit,
        "互助计划/复制上年计划": CopyPlansDialog(2027, plans.list_plans(db, 2026), set()),
        "参保登记/登记缴费": PaymentDialog(enrollment.batches(db)[0]),
    }
