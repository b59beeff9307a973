"""Bodies of the ledger's command-line commands (DESIGN §5); ``app.cli`` only parses arguments.

``claim_quote``: the benefit a claim would get now and the rule applied (a 试算 by plan code and ID
number). A refusal is a UserError whose message carries the reason (exit 2, one line).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db import Database
from app.db.models_mutual_aid import MaPlan
from app.domain import clock
from app.domain.actor import Actor
from app.domain.dates import format_cn, parse_date
from app.domain.errors import NotFound, UserError, ValidationError
from app.domain.money import format_yuan
from app.domain.mutual_aid import PlanKind
from app.domain.validation import clean_text

from .claims import ClaimInput, Quote, quote
from .cover import person_by_id_number


def plan_for_event(db: Database, code: str, event: date) -> int:
    """The plan with ``code`` whose term holds ``event``; else that code's plan of the event's year,
    else its latest. NotFound lists the codes there are."""
    code = clean_text(code).upper()
    with db.read() as s:
        rows = s.execute(select(MaPlan.id, MaPlan.year, MaPlan.term_start, MaPlan.term_end)
                         .where(MaPlan.code == code).order_by(MaPlan.year.desc())).all()
        if not rows:
            known = sorted(set(s.scalars(select(MaPlan.code))))
            hint = f"现有计划编号：{'、'.join(known)}" if known else "还没有设置互助计划"
            raise NotFound(f"没有编号为 {code} 的互助计划（{hint}）", f"no plan {code}")
    for r in rows:
        if r.term_start <= event <= r.term_end:
            return r.id
    return next((r.id for r in rows if r.year == event.year), rows[0].id)


def claim_quote(db: Database, actor: Actor, *, plan_code: str, id_number: str, event: str,
                until: str | None = None, tier: str | None = None, amount: str | None = None,
                today: date | None = None) -> tuple[Quote, str]:
    """(the quote, the text to print). A refusal raises UserError with the reason and the rule."""
    day = parse_date(event, "事件日期 --event")
    plan_id = plan_for_event(db, plan_code, day)
    with db.read() as s:
        person = person_by_id_number(s, id_number or "")
        if person is None:
            raise NotFound(f"没有身份证号为 {clean_text(id_number)} 的人员，请核对 --id",
                           "no person with that ID number")
        person_id = person.id
        kind = PlanKind(s.get(MaPlan, plan_id).kind)
    money = {"out_of_pocket": amount} if kind is PlanKind.REIMBURSE else {"claimed": amount}
    try:
        q = quote(db, actor, ClaimInput(plan_id=plan_id, person_id=person_id, event=day, until=until,
                                        tier=tier or "", **{k: v or "" for k, v in money.items()}),
                  today=today or clock.today())
    except ValidationError as e:       # name the command's options, not the form's fields
        raise ValidationError(e.errors, english="bad claim: " + ", ".join(_option(f) for f in e.fields)) from None
    if q.refused:
        raise UserError(f"不予给付：{q.line}", f"claim refused: {q.refusal.value}")
    lines = [f"计划：{q.plan_year} {q.plan_code} {q.plan_name}（{q.rule_summary}）",
             f"参保人：{q.person_name}（{q.id_masked}），{q.shares}份，保障自{format_cn(q.cover_start)}"
             + (f"，观察期至{format_cn(q.waiting_end)}" if q.waiting_end else ""),
             f"应给付 {format_yuan(q.amount_fen)}",
             q.line]
    if q.totals is not None and q.totals.cap_fen is not None:
        lines.append(f"本期已给付 {format_yuan(q.totals.paid_fen)}，本次前剩余额度 {format_yuan(q.totals.remaining_fen)}")
    return q, "\n".join(lines)


_OPTIONS = {"入院日期": "--event", "确诊日期": "--event", "出院日期": "--until", "病种": "--tier",
            "个人自付金额": "--amount", "医疗费用总额": "--amount"}


def _option(field: str) -> str:
    return _OPTIONS.get(field, field)
