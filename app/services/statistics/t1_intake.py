"""T1 受理情况: what came in during the period, by channel (DESIGN §4 "Statistics").

Counted by date received. Letters, calls, online messages, referrals, outreach problems and other
contacts count in 件; a visit registration is 1 批 and its head count 人次. A registration linked as
a repeat (disposition ``repeat``) counts only as 重复信访, in no channel. 合计 = the channels in 件/批
(人次 shown, never added; each registration has exactly one channel, so the sum of the channel
figures equals the count of non-repeat registrations — a test checks both). 集体访 批/人次 are the
visits marked as group visits. 走访活动 场 counts the outreach events held in the period.
Breakdowns of 合计: by employer, industry and street (the employer's).
"""
from __future__ import annotations

from sqlalchemy import and_, true

from app.db.models import Employer, OutreachEvent, Registration
from app.domain.enums import Channel, Disposition
from app.domain.statistics import Unit

from .core import Base, Ctx, FigureDef, Table, month_of

R = Registration
_NEW = R.disposition != Disposition.REPEAT.value


def _base(ctx: Ctx, group: str | None) -> Base:
    source = R.__table__
    if group in ("industry", "street"):
        source = source.outerjoin(Employer.__table__, Employer.id == R.employer_id)
    return Base(source, and_(R.received_at >= ctx.start, R.received_at < ctx.end), R.id)


def _channel(ch: Channel):
    return lambda ctx: and_(R.channel == ch.value, _NEW)


def _heads(ctx: Ctx):
    return R.head_count


def _group_visit(ctx: Ctx):
    return and_(R.channel == Channel.VISIT.value, R.is_group.is_(True), _NEW)


FIGURES = (
    FigureDef("intake.letters", "来信（件）", Unit.COUNT, _channel(Channel.LETTER)),
    FigureDef("intake.calls", "来电（件）", Unit.COUNT, _channel(Channel.CALL)),
    FigureDef("intake.online", "网上（件）", Unit.COUNT, _channel(Channel.ONLINE)),
    FigureDef("intake.visit_batches", "来访（批）", Unit.COUNT, _channel(Channel.VISIT)),
    FigureDef("intake.visit_persons", "来访（人次）", Unit.PERSONS, _channel(Channel.VISIT), _heads),
    FigureDef("intake.referrals", "上级交办（件）", Unit.COUNT, _channel(Channel.REFERRAL)),
    FigureDef("intake.outreach", "走访活动问题（件）", Unit.COUNT, _channel(Channel.OUTREACH)),
    FigureDef("intake.other", "其他（件）", Unit.COUNT, _channel(Channel.OTHER)),
    FigureDef("intake.total", "合计（件/批）", Unit.COUNT, lambda ctx: _NEW),
    FigureDef("intake.group_visit_batches", "其中：集体访（批）", Unit.COUNT, _group_visit),
    FigureDef("intake.group_visit_persons", "其中：集体访（人次）", Unit.PERSONS, _group_visit, _heads),
    FigureDef("intake.repeats", "重复信访（件）", Unit.COUNT,
              lambda ctx: R.disposition == Disposition.REPEAT.value, share=False),
)

# The channel rows that add up to 合计 (in this order on the sheet).
CHANNEL_KEYS = ("intake.letters", "intake.calls", "intake.online", "intake.visit_batches",
                "intake.referrals", "intake.outreach", "intake.other")

TABLE = Table("intake", _base, FIGURES, base_id="registrations", dated_by=lambda: R.received_at, groups={
    "employer": lambda ctx: R.employer_id,
    "industry": lambda ctx: Employer.industry,
    "street": lambda ctx: Employer.street,
    "month": lambda ctx: month_of(ctx, R.received_at),
})


def _events_base(ctx: Ctx, group: str | None) -> Base:
    e = OutreachEvent
    return Base(e.__table__, and_(e.held_on >= ctx.period.start, e.held_on <= ctx.period.end), e.id)


EVENTS = Table("intake_events", _events_base, (
    FigureDef("intake.outreach_events", "走访活动（场）", Unit.COUNT, lambda ctx: true()),
), {}, dated_by=lambda: OutreachEvent.held_on)

