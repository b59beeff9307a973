"""T3 办理情况: one cohort — the cases opened from registrations received in the period (and by the
report date) — in their state on the report date ``as_of`` (a March report printed in May shows
March's cases as of May).

State as of a date. The case row holds the present state; a case that was never reopened cannot
lose its conclusion, so for it 「办结 by D」 is ``concluded_on <= D`` and its follow-up result on D
is the row's when ``followup_on <= D``. Otherwise (a reopened case, or a follow-up repeated after
D) the state comes from the timeline (``case_events``), in SQL: the latest 办结/重新办理 event by
the end of D decides whether the case stood concluded, and on which day; the latest 回访 event by D
not followed by a 重新办理 gives the follow-up result. 交办 and 延期 count when their timeline event
(交办, 批准延期) is dated on or before D. 追回金额 and 涉及职工人数 are the totals as they stood on D: a
追回结果 or 办结 entry after D that changed them gives back the figure it replaced.

Definitions (each a figure below; rates are ROUND_HALF_UP, 2 decimals, 「—」 for a zero denominator):
受理件数 = the cohort (registrations with disposition ``accepted``: each has its case).
办结 = concluded by D; 办结率 = 办结 ÷ 受理. 按期办结 = concluded on or before the due date;
按期办结率 = 按期办结 ÷ 办结. 在办 = not concluded by D; 超期 = in 在办 with the due date before D
(a suspended case has no running due date and is not overdue). 回访满意率 = (满意 + 基本满意) ÷
(回访 − 未能回访). 追回金额 and 涉及职工人数 = the totals, as they stood on D, of the cases concluded by D.
按期反馈 (per handler / lower-level union) = a handling entry (办理记录, 措施, 追回结果 or 办结) dated
on or before the feedback deadline and by D.
超期 compares with the due date as it stood on D (an extension approved, or a suspension or
resumption recorded, after D does not move it).
"""
from __future__ import annotations

from sqlalchemy import Integer, and_, case, cast, exists, func, select, true
from sqlalchemy.orm import aliased

from app.db.dialect import json_date, json_text
from app.db.models import Case, CaseEvent, Registration
from app.domain.enums import AssigneeKind, CaseEventKind, FollowUp
from app.domain.statistics import Unit

from .core import Base, Ctx, FigureDef, RateDef, Table, month_of

C = Case
R = Registration
K = CaseEventKind


def _base(ctx: Ctx, group: str | None) -> Base:
    source = C.__table__.join(R.__table__, R.id == C.registration_id)
    end = min(ctx.end, ctx.as_of_end)
    cond = and_(R.received_at >= ctx.start, R.received_at < end)
    if group == "handler":
        cond = and_(cond, C.assignee_kind == AssigneeKind.HANDLER.value)
    elif group == "lower_union":
        cond = and_(cond, C.assignee_kind == AssigneeKind.LOWER_UNION.value)
    return Base(source, cond, C.id)


def _event_exists(ctx: Ctx, *kinds: K, extra=None):
    e = aliased(CaseEvent)
    cond = and_(e.case_id == C.id, e.kind.in_([k.value for k in kinds]), e.at < ctx.as_of_end)
    if extra is not None:
        cond = and_(cond, extra(e))
    return exists().where(cond)


def concluded_day(ctx: Ctx):
    """The day the case stood concluded on, as of ``ctx.as_of`` (NULL: not concluded then)."""
    e = aliased(CaseEvent)
    latest = (select(case((e.kind == K.CONCLUDED.value, func.date(e.at)), else_=None))
              .where(e.case_id == C.id, e.kind.in_([K.CONCLUDED.value, K.REOPENED.value]),
                     e.at < ctx.as_of_end)
              .order_by(e.at.desc(), e.id.desc()).limit(1).scalar_subquery())
    return case((C.reopened_count == 0,
                 case((C.concluded_on <= ctx.as_of, C.concluded_on), else_=None)),
                else_=latest)


def followup_result(ctx: Ctx):
    """The follow-up result as of ``ctx.as_of`` (NULL: none then)."""
    e, r = aliased(CaseEvent), aliased(CaseEvent)
    reopened_after = exists().where(r.case_id == C.id, r.kind == K.REOPENED.value, r.at > e.at,
                                    r.at < ctx.as_of_end)
    latest = (select(json_text(ctx.dialect, e.detail, "result"))
              .where(e.case_id == C.id, e.kind == K.FOLLOWED_UP.value, e.at < ctx.as_of_end,
                     ~reopened_after)
              .order_by(e.at.desc(), e.id.desc()).limit(1).scalar_subquery())
    return case((and_(C.reopened_count == 0, C.followup_on <= ctx.as_of), C.followup_result),
                (and_(C.reopened_count == 0, C.followup_on.is_(None)), None),
                else_=latest)


_DUE_CHANGES = (K.EXTENSION_APPROVED.value, K.SUSPENDED.value, K.RESUMED.value)


def due_date(ctx: Ctx):
    """The handling due date as it stood on ``ctx.as_of``: the present one, unless the due date was
    changed after that day (an extension approved, a suspension or a resumption) — then the one
    the first such change replaced (NULL while suspended)."""
    e, x = aliased(CaseEvent), aliased(CaseEvent)
    later = exists().where(x.case_id == C.id, x.kind.in_(_DUE_CHANGES), x.at >= ctx.as_of_end)
    replaced = (select(case((e.kind == K.RESUMED.value, None),
                            else_=json_date(ctx.dialect, e.detail, "due_before")))
                .where(e.case_id == C.id, e.kind.in_(_DUE_CHANGES), e.at >= ctx.as_of_end)
                .order_by(e.at, e.id).limit(1).scalar_subquery())
    return case((later, replaced), else_=C.due_date)


_RESULT_CHANGES = (K.RESULT.value, K.CONCLUDED.value)


def total_as_of(ctx: Ctx, column, key: str):
    """A case's running total (``recovered_fen`` / ``workers_benefited``) as it stood on
    ``ctx.as_of``: the present value, unless an entry after that day changed it — then the value
    the first such change replaced (its ``<key>_before``)."""
    e, x = aliased(CaseEvent), aliased(CaseEvent)
    before = f"{key}_before"
    later = exists().where(x.case_id == C.id, x.kind.in_(_RESULT_CHANGES), x.at >= ctx.as_of_end,
                           json_text(ctx.dialect, x.detail, before).isnot(None))
    replaced = (select(cast(json_text(ctx.dialect, e.detail, before), Integer))
                .where(e.case_id == C.id, e.kind.in_(_RESULT_CHANGES), e.at >= ctx.as_of_end,
                       json_text(ctx.dialect, e.detail, before).isnot(None))
                .order_by(e.at, e.id).limit(1).scalar_subquery())
    return case((later, replaced), else_=column)


def _concluded(ctx):
    return concluded_day(ctx).isnot(None)


def _open(ctx):
    return concluded_day(ctx).is_(None)


def _followup_is(result: FollowUp):
    return lambda ctx: followup_result(ctx) == result.value


_HANDLING = (K.NOTE, K.MEASURE, K.RESULT, K.CONCLUDED)

FIGURES = (
    FigureDef("handling.accepted", "受理件数", Unit.COUNT, lambda ctx: true()),
    FigureDef("handling.assigned", "交办件数", Unit.COUNT,
              lambda ctx: and_(C.assignee_kind.isnot(None), _event_exists(ctx, K.ASSIGNED))),
    FigureDef("handling.concluded", "办结件数", Unit.COUNT, _concluded),
    FigureDef("handling.on_time", "按期办结件数", Unit.COUNT,
              lambda ctx: concluded_day(ctx) <= C.due_date),
    FigureDef("handling.extended", "延期件数", Unit.COUNT,
              lambda ctx: and_(C.extended.is_(True), _event_exists(ctx, K.EXTENSION_APPROVED))),
    FigureDef("handling.in_progress", "在办件数", Unit.COUNT, _open),
    FigureDef("handling.overdue", "超期件数", Unit.COUNT,
              lambda ctx: and_(_open(ctx), due_date(ctx) < ctx.as_of)),
    FigureDef("handling.followed_up", "回访件数", Unit.COUNT,
              lambda ctx: followup_result(ctx).isnot(None)),
    FigureDef("handling.satisfied", "满意", Unit.COUNT, _followup_is(FollowUp.SATISFIED)),
    FigureDef("handling.basically", "基本满意", Unit.COUNT, _followup_is(FollowUp.BASICALLY)),
    FigureDef("handling.dissatisfied", "不满意", Unit.COUNT, _followup_is(FollowUp.DISSATISFIED)),
    FigureDef("handling.unreachable", "未能回访", Unit.COUNT, _followup_is(FollowUp.UNREACHABLE)),
    FigureDef("handling.recovered", "追回金额（元）", Unit.MONEY, _concluded,
              lambda ctx: total_as_of(ctx, C.recovered_fen, "recovered")),
    FigureDef("handling.workers_benefited", "涉及职工人数", Unit.PERSONS, _concluded,
              lambda ctx: total_as_of(ctx, C.workers_benefited, "workers")),
    FigureDef("handling.fed_back_on_time", "按期反馈件数", Unit.COUNT,
              lambda ctx: and_(C.feedback_due.isnot(None),
                               _event_exists(ctx, *_HANDLING,
                                             extra=lambda e: func.date(e.at) <= C.feedback_due))),
)

RATES = (
    RateDef("handling.concluded_rate", "办结率", ("handling.concluded",), ("handling.accepted",)),
    RateDef("handling.on_time_rate", "按期办结率", ("handling.on_time",), ("handling.concluded",)),
    RateDef("handling.satisfaction_rate", "回访满意率", ("handling.satisfied", "handling.basically"),
            ("handling.followed_up",), ("handling.unreachable",)),
)

# The supervision table 交办督办: per handler and per lower-level union.
SUPERVISION_KEYS = ("handling.assigned", "handling.fed_back_on_time", "handling.overdue")

TABLE = Table("handling", _base, FIGURES, {
    "handler": lambda ctx: C.handler_id,
    "lower_union": lambda ctx: C.assignee_name,
    # every case in one group per (kind, handler, body): the report computes T3 and its
    # supervision table in one pass from it
    "assignee": lambda ctx: (C.assignee_kind, C.handler_id, C.assignee_name),
    "month": lambda ctx: month_of(ctx, R.received_at),     # the cohort's month (12-month trend)
}, uses_as_of=True, dated_by=lambda: R.received_at)
