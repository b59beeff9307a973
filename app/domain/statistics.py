"""Statistics figures and report periods (DESIGN §4 "Statistics"): pure rules, no database.

* A ``ReportPeriod`` is a closed range of days. Its kind (日报 / 月报 / 季报 / 年报 / 区间) follows from
  its ends. Its comparison periods:
  - 上年同期 (``last_year``): the same calendar span one year earlier. A whole month, quarter or year
    maps to the whole month, quarter or year (Feb 2024 → 1–28 Feb 2023); a day or a range shifts each
    end by one year, 29 Feb becoming 28 Feb.
  - 上期 (``previous``): the day before; the previous month / quarter / year; for any other range the
    range of equal length that ends the day before it starts.
  - 本年累计 (``year_to_date``): 1 January of the end's year to the end.
  (The list filters' relative periods — 本月, 上月… — have their own home; this module only knows the
  comparison arithmetic of a report.)
* Rates: ``rate(num, den)`` is a percentage ROUND_HALF_UP to 2 decimals; a zero denominator gives
  ``None``, shown 「—」 (never 0%).
* A ``Figure`` carries 本期, 占比, 上年同期, 同比, 上期, 环比 and 本年累计. For counts and money 同比/环比
  are the relative change in percent (rate of the difference over the earlier value); for a rate
  figure they are the difference in percentage points, and 占比 is not given. A 日报 has no 同比/环比.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from .money import format_yuan, to_decimal

DASH = "—"
_CENT = Decimal("0.01")


class PeriodKind(str, Enum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"

    @property
    def label(self) -> str:
        return {"day": "日报", "month": "月报", "quarter": "季报", "year": "年报", "range": "区间报表"}[self.value]


class Unit(str, Enum):
    """What a figure counts; decides how it is shown and whether it can be summed."""
    COUNT = "count"     # 件 / 批 / 场 / 人
    PERSONS = "persons"  # 人次 (shown, never added into 合计)
    MONEY = "money"     # fen
    RATE = "rate"       # percent, Decimal 2 dp


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def shift_year(d: date, years: int = -1) -> date:
    """The same day ``years`` years away; 29 February becomes 28 February in a common year."""
    y = d.year + years
    if d.month == 2 and d.day == 29 and not calendar.isleap(y):
        return date(y, 2, 28)
    return d.replace(year=y)


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("start after end")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def kind(self) -> PeriodKind:
        s, e = self.start, self.end
        if s == e:
            return PeriodKind.DAY
        if s.day == 1 and e == _month_end(s.year, s.month):
            return PeriodKind.MONTH
        if (s.day == 1 and s.month in (1, 4, 7, 10) and e.year == s.year
                and e == _month_end(s.year, s.month + 2)):
            return PeriodKind.QUARTER
        if s == date(s.year, 1, 1) and e == date(s.year, 12, 31):
            return PeriodKind.YEAR
        return PeriodKind.RANGE

    @classmethod
    def month(cls, year: int, month: int) -> ReportPeriod:
        return cls(date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, q: int) -> ReportPeriod:
        m = 3 * (q - 1) + 1
        return cls(date(year, m, 1), _month_end(year, m + 2))

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def last_year(self) -> ReportPeriod:
        kind = self.kind
        if kind is PeriodKind.MONTH:
            return ReportPeriod.month(self.start.year - 1, self.start.month)
        if kind is PeriodKind.QUARTER:
            return ReportPeriod.quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if kind is PeriodKind.YEAR:
            return ReportPeriod.year(self.start.year - 1)
        return ReportPeriod(shift_year(self.start), shift_year(self.end))

    def previous(self) -> ReportPeriod:
        kind, s = self.kind, self.start
        if kind is PeriodKind.MONTH:
            y, m = (s.year, s.month - 1) if s.month > 1 else (s.year - 1, 12)
            return ReportPeriod.month(y, m)
        if kind is PeriodKind.QUARTER:
            q = (s.month - 1) // 3 + 1
            return ReportPeriod.quarter(s.year, q - 1) if q > 1 else ReportPeriod.quarter(s.year - 1, 4)
        if kind is PeriodKind.YEAR:
            return ReportPeriod.year(s.year - 1)
        end = s - timedelta(days=1)
        return ReportPeriod(end - timedelta(days=self.days - 1), end)

    def year_to_date(self) -> ReportPeriod:
        return ReportPeriod(date(self.end.year, 1, 1), self.end)

    @property
    def whole_months(self) -> bool:
        """From the first of a month to the last day of a month (a month, quarter, year…)."""
        return self.start.day == 1 and self.end == _month_end(self.end.year, self.end.month)

    @property
    def label(self) -> str:
        s, e, kind = self.start, self.end, self.kind
        if kind is PeriodKind.DAY:
            return f"{s.year}年{s.month}月{s.day}日"
        if kind is PeriodKind.MONTH:
            return f"{s.year}年{s.month}月"
        if kind is PeriodKind.QUARTER:
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if kind is PeriodKind.YEAR:
            return f"{s.year}年"
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


def rate(num: int | Decimal, den: int | Decimal) -> Decimal | None:
    """num ÷ den in percent, ROUND_HALF_UP to 2 decimals; None for a zero denominator."""
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(_CENT, rounding=ROUND_HALF_UP)


def change(current, earlier, unit: Unit) -> Decimal | None:
    """同比 / 环比: relative change in percent for counts and money; for a rate, the difference in
    percentage points (None when either rate is None)."""
    if unit is Unit.RATE:
        if current is None or earlier is None:
            return None
        return (Decimal(current) - Decimal(earlier)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return rate(Decimal(current) - Decimal(earlier), earlier)


def rate_text(value: Decimal | None) -> str | None:
    """``"83.33"`` or None (the JSON form of a rate)."""
    return None if value is None else f"{value:.2f}"


def show_rate(value: Decimal | None) -> str:
    """``83.33%`` or 「—」 (on screen)."""
    return DASH if value is None else f"{value:.2f}%"


def yuan_text(fen: int) -> str:
    """``"1234.50"`` (the JSON form of money)."""
    return f"{to_decimal(fen):.2f}"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: Unit
    current: int | Decimal | None
    share: Decimal | None
    last_year: int | Decimal | None
    yoy: Decimal | None
    previous: int | Decimal | None
    mom: Decimal | None
    ytd: int | Decimal | None

    @classmethod
    def build(cls, key: str, label: str, unit: Unit, kind: PeriodKind, *, current, last_year,
              previous, ytd, base: int | None = None) -> Figure:
        """``base``: the table's total that 占比 is taken of (None: no 占比); only counts have one."""
        daily = kind is PeriodKind.DAY
        share = rate(current, base) if unit is Unit.COUNT and base is not None else None
        return cls(key, label, unit, current, share, last_year,
                   None if daily else change(current, last_year, unit), previous,
                   None if daily else change(current, previous, unit), ytd)


def value_text(v, unit: Unit) -> str:
    """A figure's value as printed and shown: 1,234 / ¥1,000.50 / 83.33% / 「—」."""
    if v is None:
        return DASH
    if unit is Unit.MONEY:
        return format_yuan(int(v))
    if unit is Unit.RATE:
        return show_rate(v)
    return f"{int(v):,}"


FIGURE_COLUMNS = ("项目", "本期", "占比", "上年同期", "同比", "上期", "环比", "本年累计")


def figure_texts(f: Figure, daily: bool) -> list[str]:
    """One row of a table (``FIGURE_COLUMNS``): a rate's 同比/环比 in percentage points; a daily
    report has no 同比/环比 (「—」)."""
    if f.unit is Unit.RATE:
        change = lambda v: DASH if v is None else f"{v:+.2f}个百分点"  # noqa: E731
    else:
        change = show_rate
    share = show_rate(f.share) if f.unit is Unit.COUNT else ""
    yoy = DASH if daily else change(f.yoy)
    mom = DASH if daily else change(f.mom)
    return [f.label, value_text(f.current, f.unit), share, value_text(f.last_year, f.unit), yoy,
            value_text(f.previous, f.unit), mom, value_text(f.ytd, f.unit)]


def months_ending(last: date, months: int) -> list[ReportPeriod]:
    """The ``months`` calendar months ending with the month of ``last``, oldest first (a trend)."""
    y, m = last.year, last.month
    out = []
    for _ in range(months):
        out.append(ReportPeriod.month(y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def comparison_periods(period: ReportPeriod) -> dict[str, ReportPeriod]:
    """The four periods a report computes: current, last_year, previous, ytd."""
    return {"current": period, "last_year": period.last_year(), "previous": period.previous(),
            "ytd": period.year_to_date()}


def comparison_as_of(name: str, as_of: date) -> date:
    """The report date a comparison period is taken at: 上年同期 as the same report printed one
    year earlier showed it; 上期 and 本年累计 as of the report date itself."""
    return shift_year(as_of) if name == "last_year" else as_of


# The 说明 of a report: each figure's definition, in the words printed on the 说明 sheet.
FORMULAS: tuple[tuple[str, str], ...] = (
    ("统计口径", "T1、T2 按登记日期（收到日期）统计；T3 统计本期收到并受理的案件在统计截止日的状态"
             "（例如 3 月报表 5 月打印，反映 3 月受理案件截至 5 月的办理情况）。"),
    ("来信、来电、网上、上级交办、走访活动问题、其他", "本期收到的该渠道登记件数，不含重复信访。"),
    ("来访（批）/（人次）", "一次来访登记为 1 批；人次为该次来访人数之和。人次只列示，不计入合计。"),
    ("合计（件/批）", "= 来信 + 来电 + 网上 + 来访（批）+ 上级交办 + 走访活动问题 + 其他；不含人次和重复信访。"),
    ("集体访（批/人次）", "来访中登记为集体访的批次和人数，已含在来访中。"),
    ("重复信访（件）", "登记为重复信访的件数，只在此列示，不计入任何渠道和合计。"),
    ("走访活动（场）", "本期举办的走访活动场次。"),
    ("T2 件数", "该诉求类别的登记件数（不含重复信访）；一件登记涉及多个问题类型时在各问题类型下各计一次，"
               "故一行各问题类型之和可大于件数；合计行按列相加。"),
    ("受理件数", "本期收到、处理方式为受理的登记件数（每件对应一个案件）。"),
    ("办结件数 / 办结率", "截至统计截止日已办结的件数；办结率 = 办结件数 ÷ 受理件数。"),
    ("按期办结件数 / 按期办结率", "办结日期不晚于办结期限的件数；按期办结率 = 按期办结件数 ÷ 办结件数。"),
    ("在办件数 / 超期件数", "在办 = 截至统计截止日未办结的件数；超期 = 在办中办结期限（按统计截止日当时的期限）早于统计截止日的件数"
                     "（中止期间不计超期）。"),
    ("交办件数 / 延期件数", "截至统计截止日已交办的件数；已批准延期的件数。"),
    ("回访满意率", "= （满意 + 基本满意）÷（回访件数 − 未能回访）。"),
    ("追回金额 / 涉及职工人数", "截至统计截止日已办结案件登记的追回金额（元）和受益职工人数之和。"),
    ("按期反馈", "交办督办表中，在反馈期限内（含当日）有办理记录、措施、追回结果或办结的件数。"),
    ("T4 在档户数（期末）", "期末日已审批建档且未出档的档案户数，按困难类别分列；新建档 = 本期审批建档；出档 = 本期出档，"
                        "分脱困、解困（兜底）、撤档（死亡、不再符合条件、迁出/转移、弄虚作假）。"),
    ("T4 帮扶户数 / 人次 / 金额", "本期（按发放日期）已发放的帮扶记录：人次为记录数，户数为不同家庭数（有档案按档案，"
                             "未建档的临时救助按人），金额含物资价值，按帮扶类型分列；与资金支出一致。"),
    ("T4 帮扶资金", "期初 + 拨入 − 支出 = 期末；支出按发放日期，拨入按拨入日期。"),
    ("占比", "本期数 ÷ 本表合计（T1、T2）、受理件数（T3）或期末在档户数（T4）。"),
    ("同比 / 环比", "（本期 − 上年同期）÷ 上年同期、（本期 − 上期）÷ 上期；比率类指标为相差的百分点。"
                 "上年同期按上年同一统计截止日计算；上期：上一日、上月、上季度、上年，其他区间为紧接其前的等长区间。"
                 "日报不计同比、环比。"),
    ("本年累计", "本年 1 月 1 日至本期末。"),
    ("比率", "百分数四舍五入保留两位小数（ROUND_HALF_UP）；分母为 0 时显示「—」，不显示 0%。"),
    ("T5 参保单位 / 人数 / 份数 / 保费收入", "按缴费日期统计：本期缴费的参保批次的单位数（同一单位同一计划只计一次）、"
                                   "参保人数、份数和实收保费。"),
    ("T5 受理申请 / 给付 / 不予给付", "受理申请按收到日期；给付人次和金额按给付日期；不予给付按审批日期，并按原因分列。"),
    ("T5 赔付率", "= 给付金额 ÷ 保费收入（本期数）；没有保费收入时显示「—」。"),
)
