"""T2 诉求类别 × 问题类型: the registrations counted in T1's 合计 (repeats excluded), by date received.

A row per category counts registrations (件). A cell counts the registrations of that category that
name that issue type; a registration naming two issue types is in two cells of its row, so a row's
cells may add up to more than its 件数 — the sheet therefore sums columns (categories do not overlap),
never a row's cells.
"""
from __future__ import annotations

from sqlalchemy import and_

from app.db.models import Registration, RegistrationIssue
from app.domain.enums import Category, Disposition
from app.domain.statistics import Unit

from .core import Base, Ctx, FigureDef, Table

R = Registration
I = RegistrationIssue  # noqa: E741
_NEW = R.disposition != Disposition.REPEAT.value


def _base(ctx: Ctx, group: str | None) -> Base:
    source = R.__table__
    if group == "issue_type":
        source = source.join(I.__table__, I.registration_id == R.id)
    return Base(source, and_(R.received_at >= ctx.start, R.received_at < ctx.end), R.id)


def _category(cat: Category):
    return lambda ctx: and_(R.category == cat.value, _NEW)


FIGURES = tuple(FigureDef(f"categories.{c.value}", c.label, Unit.COUNT, _category(c)) for c in Category)

TABLE = Table("categories", _base, FIGURES, base_id="registrations", dated_by=lambda: R.received_at,
              groups={"issue_type": lambda ctx: I.issue_type})
