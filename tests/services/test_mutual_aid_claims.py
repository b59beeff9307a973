"""Claims (app.services.mutual_aid.claims): entered with documents → computed by the plan's rule →
approved or refused by a manager → paid; the 试算 gives the same answer and saves nothing; bad input
and a member without cover are refused with a clear message and nothing half-written."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.db.models import AuditLog
from app.db.models_mutual_aid import MaClaim, MaClaimDocument
from app.domain.enums import Role
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.mutual_aid import ClaimState, PlanKind, Refusal, Tier
from app.services import attachments, maintenance
from app.services.mutual_aid import claims
from app.services.mutual_aid.claims import ClaimInput
from app.services.mutual_aid.cover import tiers_to_json

from .mutual_aid_data import add_employer, add_person, add_plan, enroll

NOW = datetime(2026, 12, 16, 10)


@pytest.fixture
def ledger(db):
    """A daily plan (¥40/day from day 4, ≤ ¥7,200 a term), a lump plan for women; 张三 (1份) and
    李四 (2份) paid on 2026-01-10 (cover from 01-11, waiting period to 04-10), 王五 not enrolled."""
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", "110105198001010019", "M", date(1980, 1, 1), emp)
        li = add_person(s, "李四", "110105198501010028", "F", date(1985, 1, 1), emp)
        wang = add_person(s, "王五", "110105197001010035", "M", date(1970, 1, 1), emp)
        daily = add_plan(s)
        lump = add_plan(s, code="TJ", kind=PlanKind.LUMP, name="女职工特殊疾病", waiting_days=180,
                        male_min_age=None, male_max_age=None, term_cap_fen=None,
                        tiers=tiers_to_json([Tier("乳腺癌", 1_000_000)]))
        enroll(s, daily, emp, [zhang], paid_on=date(2026, 1, 10))
        enroll(s, daily, emp, [li], paid_on=date(2026, 1, 10), shares=2)
        enroll(s, lump, emp, [li], paid_on=date(2026, 1, 10))
        return {"daily": daily.id, "lump": lump.id, "zhang": zhang.id, "li": li.id, "wang": wang.id}


def hospital(ids, who="zhang", admission="2026-05-01", discharge="2026-05-11", **kw) -> ClaimInput:
    return ClaimInput(plan_id=ids["daily"], person_id=ids[who], event=admission, until=discharge,
                      cause=kw.pop("cause", "肺炎"), **kw)


def test_a_hospital_claim_computed_approved_and_paid(db, actors, ledger, tmp_path):
    scan = tmp_path / "出院小结.pdf"
    scan.write_bytes(b"%PDF-1.4 discharge summary")
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, hospital="朝阳医院", documents=(scan,)),
                             now=NOW)
    assert (rec.claim_no, rec.state, rec.benefit_fen) == ("HZ2026-000001", ClaimState.RECEIVED, 28_000)
    assert rec.explanation == "住院10天 − 免赔3天 = 7天 × ¥40 = ¥280.00"
    assert rec.id_masked == "110105********0019" and rec.steps["pay"] is not None
    assert [d.filename for d in rec.documents] == ["出院小结.pdf"]
    assert claims.document_file(db, rec.documents[0].id).read_bytes() == scan.read_bytes()
    assert rec.totals.paid_fen == 0 and rec.totals.remaining_fen == 720_000

    rec = claims.approve_claim(db, actors[Role.MANAGER], rec.id, "材料齐全", now=NOW)
    assert (rec.state, rec.decided_on, rec.decision_note) == (ClaimState.APPROVED, NOW.date(), "材料齐全")
    assert rec.totals.paid_fen == 28_000 and rec.totals.remaining_fen == 692_000
    rec = claims.pay_claim(db, actors[Role.CLERK], rec.id, "2026-12-16", "记-2026-1203", now=NOW)
    assert (rec.state, rec.paid_on, rec.voucher) == (ClaimState.PAID, date(2026, 12, 16), "记-2026-1203")
    with pytest.raises(Conflict, match="已给付"):
        claims.pay_claim(db, actors[Role.CLERK], rec.id, "2026-12-16", "x", now=NOW)
    with db.read() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity == "claim").order_by(AuditLog.id)).all()
    assert actions == ["create", "attach", "approve", "pay"]
    assert claims.claim_by_no(db, "hz2026-000001").id == rec.id
    assert maintenance.check(db).ok


def test_a_claim_inside_the_waiting_period_is_refused_with_its_reason(db, actors, ledger):
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, admission="2026-04-10",
                                                              discharge="2026-04-20"), now=NOW)
    assert rec.refusal is Refusal.WAITING and rec.benefit_fen == 0 and rec.state is ClaimState.RECEIVED
    assert "观察期内" in rec.steps["approve"]
    with pytest.raises(Conflict, match="观察期内"):
        claims.approve_claim(db, actors[Role.MANAGER], rec.id, now=NOW)
    rec = claims.refuse_claim(db, actors[Role.MANAGER], rec.id, now=NOW)
    assert (rec.state, rec.refusal, rec.refusal_label) == (ClaimState.REFUSED, Refusal.WAITING, "观察期内")
    assert rec.explanation.startswith("观察期内：")
    nxt = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, admission="2026-04-11",
                                                              discharge="2026-04-21"), now=NOW)
    assert nxt.refusal is None and nxt.benefit_fen == 28_000


def test_member_not_enrolled_in_that_plan_is_refused_and_nothing_kept(db, actors, ledger, tmp_path):
    scan = tmp_path / "诊断证明.jpg"
    scan.write_bytes(b"jpeg")
    with pytest.raises(ValidationError, match=r"王五（110105\*\*\*\*\*\*\*\*0035）没有参加2026年「住院津贴互助保障」"):
        claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, who="wang", documents=(scan,)), now=NOW)
    with pytest.raises(ValidationError, match="没有参加2026年「女职工特殊疾病」"):
        claims.enter_claim(db, actors[Role.CLERK], ClaimInput(plan_id=ledger["lump"], person_id=ledger["zhang"],
                                                              event="2026-08-01", tier="乳腺癌"), now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 0
    assert [p for p in attachments.attachments_dir(db).rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("kw, field, message", [
    (dict(admission="2026-05-11", discharge="2026-05-01"), "出院日期", "早于入院日期"),
    (dict(discharge=""), "出院日期", "请填写出院日期"),
    (dict(out_of_pocket="-100"), "个人自付金额", "不能为负数"),
    (dict(claimed="1234.567"), "医疗费用总额", "最多保留两位小数"),
    (dict(claimed="100", out_of_pocket="200"), "个人自付金额", "超过医疗费用总额"),
    (dict(admission="2026-12-17", discharge="2026-12-20"), "入院日期", "晚于今天"),
    (dict(admission="2026-02-30"), "入院日期", "不存在"),
])
def test_bad_claim_input_is_named(db, actors, ledger, kw, field, message):
    with pytest.raises(ValidationError) as e:
        claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, **kw), now=NOW)
    assert field in e.value.fields and message in str(e.value)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 0


def test_quote_gives_the_same_answer_and_saves_nothing(db, actors, ledger):
    q = claims.quote(db, actors[Role.CASEWORKER], hospital(ledger, who="li"), today=NOW.date())
    assert (q.amount_fen, q.refusal, q.shares) == (56_000, None, 2)
    assert q.text == "应给付 ¥560.00\n住院10天 − 免赔3天 = 7天 × ¥40 × 2份 = ¥560.00"
    assert q.totals.remaining_fen == 1_440_000
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, who="li"), now=NOW)
    assert (rec.benefit_fen, rec.explanation) == (q.amount_fen, q.line)
    none = claims.quote(db, actors[Role.CLERK], hospital(ledger, who="wang"), today=NOW.date())
    assert none.refusal is Refusal.NOT_ENROLLED and none.text.startswith("不予给付：未参加该计划")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 1


def test_approval_computes_again_against_the_cap_used_meanwhile(db, actors, ledger):
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]
    # two stays of 180 paid days each (¥7,200) entered before either is approved
    a = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-05-01", discharge="2026-10-31",
                                               cause="骨折"), now=NOW)
    b = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-11-05", discharge="2026-11-15"),
                           now=NOW)
    assert (a.benefit_fen, b.benefit_fen) == (720_000, 28_000)
    claims.approve_claim(db, mgr, a.id, now=NOW)
    with pytest.raises(Conflict, match="已达本期最高给付额"):
        claims.approve_claim(db, mgr, b.id, now=NOW)
    assert claims.get_claim(db, b.id).state is ClaimState.RECEIVED       # nothing written


def test_the_remainder_of_the_cap_is_paid_on_approval(db, actors, ledger):
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]
    a = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-05-01", discharge="2026-10-25",
                                               cause="骨折"), now=NOW)      # 177 days → 174 paid, ¥6,960
    b = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-11-05", discharge="2026-11-15"),
                           now=NOW)
    assert a.benefit_fen == 696_000
    claims.approve_claim(db, mgr, a.id, now=NOW)
    b = claims.approve_claim(db, mgr, b.id, now=NOW)
    assert b.benefit_fen == 24_000 and "本次给付余额 ¥240.00" in b.explanation
    assert b.totals.remaining_fen == 0
    with db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.entity == "claim", AuditLog.action == "approve")
                        .order_by(AuditLog.id.desc())).first()
    assert '"benefit_fen":28000' in row.before and '"benefit_fen":24000' in row.after


def test_readmission_joins_the_approved_stay(db, actors, ledger):
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]
    a = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-05-01", discharge="2026-05-03"), now=NOW)
    assert a.refusal is Refusal.DEDUCTIBLE
    claims.refuse_claim(db, mgr, a.id, now=NOW)
    # a refused stay is not counted: the readmission is a stay of its own
    b = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-05-20", discharge="2026-05-25"), now=NOW)
    assert b.benefit_fen == 8000
    c = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-06-01", discharge="2026-06-11"), now=NOW)
    claims.approve_claim(db, mgr, c.id, now=NOW)
    d = claims.enter_claim(db, clerk, hospital(ledger, admission="2026-06-20", discharge="2026-06-25"), now=NOW)
    assert d.benefit_fen == 5 * 4000 and "前次已给付7天" in d.explanation


def test_lump_sum_once_per_term_through_the_service(db, actors, ledger):
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]
    form = ClaimInput(plan_id=ledger["lump"], person_id=ledger["li"], event="2026-08-01", tier="乳腺癌")
    first = claims.enter_claim(db, clerk, form, now=NOW)
    assert first.benefit_fen == 1_000_000 and first.explanation == "乳腺癌 ¥10,000 = ¥10,000.00"
    claims.approve_claim(db, mgr, first.id, now=NOW)
    again = claims.enter_claim(db, clerk, form, now=NOW)
    assert again.refusal is Refusal.ALREADY_PAID
    with pytest.raises(ValidationError, match="请选择病种：乳腺癌"):
        claims.enter_claim(db, clerk, ClaimInput(plan_id=ledger["lump"], person_id=ledger["li"],
                                                 event="2026-08-01"), now=NOW)


def test_refusal_reasons_given_by_hand(db, actors, ledger):
    mgr = actors[Role.MANAGER]
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger), now=NOW)
    with pytest.raises(ValidationError, match="按计划规则应当给付"):
        claims.refuse_claim(db, mgr, rec.id, now=NOW)
    with pytest.raises(ValidationError, match="请写明原因"):
        claims.refuse_claim(db, mgr, rec.id, Refusal.OTHER, now=NOW)
    rec = claims.refuse_claim(db, mgr, rec.id, Refusal.DOCUMENTS, "出院小结与病历不符", now=NOW)
    assert (rec.refusal, rec.benefit_fen, rec.explanation) == (Refusal.DOCUMENTS, 0, "材料不全或不真实：出院小结与病历不符")
    with pytest.raises(Conflict, match="不予给付，不能审批"):
        claims.approve_claim(db, mgr, rec.id, now=NOW)


def test_payment_needs_approval_a_voucher_and_a_sensible_day(db, actors, ledger):
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]
    rec = claims.enter_claim(db, clerk, hospital(ledger), now=NOW)
    with pytest.raises(Conflict, match="审批通过后才能登记给付"):
        claims.pay_claim(db, clerk, rec.id, "2026-12-16", "记-1", now=NOW)
    claims.approve_claim(db, mgr, rec.id, now=NOW)
    with pytest.raises(ValidationError) as e:
        claims.pay_claim(db, clerk, rec.id, "2026-12-17", " ", now=NOW)
    assert e.value.fields == ["凭证号", "给付日期"]
    with pytest.raises(ValidationError, match="不能早于审批日期"):
        claims.pay_claim(db, clerk, rec.id, "2026-12-15", "记-1", now=NOW)


def test_edit_before_the_decision_computes_again(db, actors, ledger):
    clerk = actors[Role.CLERK]
    rec = claims.enter_claim(db, clerk, hospital(ledger), now=NOW)
    rec = claims.update_claim(db, clerk, rec.id, hospital(ledger, discharge="2026-05-21"), now=NOW)
    assert rec.benefit_fen == 17 * 4000
    claims.approve_claim(db, actors[Role.MANAGER], rec.id, now=NOW)
    with pytest.raises(Conflict, match="已审批，不能修改"):
        claims.update_claim(db, clerk, rec.id, hospital(ledger), now=NOW)


def test_permissions(db, actors, ledger):
    with pytest.raises(PermissionDenied):
        claims.enter_claim(db, actors[Role.CASEWORKER], hospital(ledger), now=NOW)
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger), now=NOW)
    for step in (claims.approve_claim, claims.refuse_claim):
        with pytest.raises(PermissionDenied):
            step(db, actors[Role.CLERK], rec.id, now=NOW)
    with pytest.raises(PermissionDenied):
        claims.pay_claim(db, actors[Role.CASEWORKER], rec.id, "2026-12-16", "x", now=NOW)


def test_unreadable_document_refuses_the_claim(db, actors, ledger, tmp_path):
    with pytest.raises(ValidationError, match="不存在"):
        claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, documents=(tmp_path / "none.pdf",)), now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MaClaim)) == 0
        assert s.scalar(select(func.count()).select_from(MaClaimDocument)) == 0


def test_a_stored_file_used_by_a_claim_is_not_removed_by_a_failed_save_elsewhere(db, actors, ledger, tmp_path):
    """The cleanup after a failed save (of a registration's attachments, of a claim) keeps a stored
    file that any table refers to — a claim's documents too, not only the registrations'."""
    scan = tmp_path / "费用清单.pdf"
    scan.write_bytes(b"%PDF-1.4 bill")
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger, documents=(scan,)), now=NOW)
    path = claims.document_file(db, rec.documents[0].id)
    attachments._remove_unreferenced(db, [path])
    assert path.is_file()


def test_a_claim_entered_before_the_premium_was_recorded_is_approved_once_it_is(db, actors, ledger):
    """Approval reads the cover as it is then: 保费未缴纳 at entry, payable after the payment is in."""
    from app.db.models_mutual_aid import MaEnrollment
    with db.write() as s:
        e = s.query(MaEnrollment).filter_by(person_id=ledger["zhang"], plan_id=ledger["daily"]).one()
        saved = (e.cover_start, e.waiting_end)
        e.cover_start = e.waiting_end = None
    rec = claims.enter_claim(db, actors[Role.CLERK], hospital(ledger), now=NOW)
    assert rec.refusal is Refusal.NOT_PAID and "保费尚未缴纳" in rec.steps["approve"] + rec.explanation
    with pytest.raises(Conflict, match="保费未缴纳"):
        claims.approve_claim(db, actors[Role.MANAGER], rec.id, now=NOW)
    with db.write() as s:
        e = s.query(MaEnrollment).filter_by(person_id=ledger["zhang"], plan_id=ledger["daily"]).one()
        e.cover_start, e.waiting_end = saved
    rec = claims.approve_claim(db, actors[Role.MANAGER], rec.id, now=NOW)
    assert (rec.state, rec.refusal, rec.benefit_fen) == (ClaimState.APPROVED, None, 28_000)
