"""Mutual aid 职工互助保障 (DESIGN §4): plan types, claim states, refusal reasons and the benefit rule.

Pure: no database, no clock. The services (app/services/mutual_aid/) read a plan, a member's cover
and the claims already approved in the term, build the values below and call ``compute``; a 试算
(quote) calls the same function and saves nothing, so the two can never differ.

Dates follow the plans as published (北京, 广东, 宁波, 杭州, 中国职工保险互助会):
* Cover starts the day after payment (``cover_start``); the waiting period 免责期/观察期 of
  ``waiting_days`` days runs from that day, first enrolment only: its last day ``waiting_end`` is still
  refused, the next day is paid. A renewal paid at the latest ``renewal_grace_days`` days after the
  previous term's end keeps cover: no waiting period, cover from the new term's start.
* An event is covered when it falls on a day from ``max(cover_start, term_start)`` to ``term_end``; a
  hospital stay counts by its admission day (以入院日期为准).
* Stay days = discharge − admission (算入不算出). A readmission for the same cause at most
  ``readmission_days`` days after the earlier discharge counts as one stay with it: the deductible is
  taken once and the per-stay day cap covers the joined stay.
* 份 multiplies the daily amount and the tier sums, and every per-term cap (a member with 2份 is
  covered twice over); a reimbursement is never multiplied (it cannot exceed the bill), only its cap.
Money is integer fen; a ratio is in basis points (8000 = 80%) and its product is rounded
ROUND_HALF_UP to the fen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .enums import Gender, LabelledEnum
from .errors import Collector
from .money import format_yuan


class PlanKind(LabelledEnum):
    DAILY = ("daily", "住院津贴")
    LUMP = ("lump", "定额给付（重大疾病/特殊疾病）")
    REIMBURSE = ("reimburse", "住院医疗")


class ClaimState(LabelledEnum):
    RECEIVED = ("received", "待审批")
    APPROVED = ("approved", "已审批")
    REFUSED = ("refused", "不予给付")
    PAID = ("paid", "已给付")


# Claims whose benefit counts against the term's cap and the once-per-term sums.
COUNTED_STATES = frozenset({ClaimState.APPROVED, ClaimState.PAID})


class Refusal(LabelledEnum):
    """Why a claim gets nothing (coded: lists, exports and statistics count by the code)."""
    NOT_ENROLLED = ("not_enrolled", "未参加该计划")
    NOT_ELIGIBLE = ("not_eligible", "不符合参保条件")
    NOT_PAID = ("not_paid", "保费未缴纳")
    NOT_COVERED = ("not_covered", "不在保障期内")
    WAITING = ("waiting", "观察期内")
    DEDUCTIBLE = ("deductible", "未超过免赔天数")
    STAY_CAP = ("stay_cap", "已达单次住院最高给付天数")
    TERM_CAP = ("term_cap", "已达本期最高给付额")
    ALREADY_PAID = ("already_paid", "本期已给付")
    NOT_LISTED = ("not_listed", "不属于保障病种")
    BELOW_THRESHOLD = ("below_threshold", "未超过起付标准")
    DOCUMENTS = ("documents", "材料不全或不真实")
    OTHER = ("other", "其他原因")


# Refusals a manager may give by hand (the others come from the computation).
MANUAL_REFUSALS = (Refusal.DOCUMENTS, Refusal.NOT_ELIGIBLE, Refusal.OTHER)

BASIS_POINTS = 10_000        # ratio_bp 8000 = 80%


# ------------------------------------------------------------------------------ the plan's rule

@dataclass(frozen=True)
class Tier:
    """A diagnosis tier of a lump-sum plan: 「恶性肿瘤」 → ¥10,000 per 份."""
    name: str
    sum_fen: int


@dataclass(frozen=True)
class PlanRule:
    """What ``compute`` needs of a plan (a plan row's columns, or the plan form's values)."""
    kind: PlanKind
    term_start: date
    term_end: date
    max_shares: int = 1
    waiting_days: int = 0
    renewal_grace_days: int = 30
    # eligibility: age ranges (周岁 on the day cover starts) by gender; None = that gender not eligible
    male_ages: tuple[int, int] | None = (16, 60)
    female_ages: tuple[int, int] | None = (16, 55)
    members_only: bool = True                  # 工会会员 only
    # daily 住院津贴
    deductible_days: int = 0
    daily_fen: int = 0
    stay_day_cap: int | None = None            # paid days per stay (joined readmissions: one stay)
    readmission_days: int = 30
    # lump 定额
    tiers: tuple[Tier, ...] = ()
    # reimburse 住院医疗
    threshold_fen: int = 0                     # 起付
    ratio_bp: int = BASIS_POINTS
    # every kind
    term_cap_fen: int | None = None            # per 份

    def tier(self, name: str | None) -> Tier | None:
        return next((t for t in self.tiers if t.name == (name or "").strip()), None)


def rule_errors(rule: PlanRule) -> list[tuple[str, str]]:
    """Every field of the rule that is wrong, as (field label, what to fix) — all at once."""
    c = Collector()
    c.check(rule.term_start <= rule.term_end, "保障期", "结束日期不能早于开始日期")
    c.check(1 <= rule.max_shares <= 10, "最多份数", "应为 1 至 10 份")
    c.check(0 <= rule.waiting_days <= 365, "观察期", "应为 0 至 365 天")
    c.check(0 <= rule.renewal_grace_days <= 365, "续保宽限期", "应为 0 至 365 天")
    for label, ages in (("男性年龄", rule.male_ages), ("女性年龄", rule.female_ages)):
        if ages is not None:
            lo, hi = ages
            c.check(0 <= lo <= hi <= 120, label, "应为 0 至 120 周岁，且下限不大于上限")
    c.check(rule.male_ages is not None or rule.female_ages is not None, "参保年龄",
            "男女至少一方可以参加")
    if rule.term_cap_fen is not None:
        c.check(rule.term_cap_fen > 0, "本期最高给付额", "应大于 0；不设上限请留空")
    if rule.kind is PlanKind.DAILY:
        c.check(rule.daily_fen > 0, "每日津贴", "应大于 0")
        c.check(0 <= rule.deductible_days <= 365, "免赔天数", "应为 0 至 365 天")
        if rule.stay_day_cap is not None:
            c.check(rule.stay_day_cap > 0, "单次住院最高给付天数", "应大于 0；不设上限请留空")
        c.check(0 <= rule.readmission_days <= 365, "再次住院合并天数", "应为 0 至 365 天")
    elif rule.kind is PlanKind.LUMP:
        c.check(bool(rule.tiers), "病种档次", "至少填写一个病种及其给付金额")
        names = [t.name.strip() for t in rule.tiers]
        c.check(all(names), "病种档次", "病种名称不能为空")
        c.check(len(set(names)) == len(names), "病种档次", "病种名称不能重复")
        c.check(all(t.sum_fen > 0 for t in rule.tiers), "病种档次", "每个病种的给付金额应大于 0")
    elif rule.kind is PlanKind.REIMBURSE:
        c.check(rule.threshold_fen >= 0, "起付标准", "不能为负数")
        c.check(0 < rule.ratio_bp <= BASIS_POINTS, "报销比例", "应大于 0% 且不超过 100%")
    return c.errors


# ------------------------------------------------------------------------------ a member's cover

@dataclass(frozen=True)
class CoverDates:
    cover_start: date               # the day after payment (or the new term's start for a kept renewal)
    waiting_end: date | None        # last day of the waiting period (refused); None: no waiting period
    renewal_kept: bool              # a renewal within the grace: no new waiting period


def renewal_kept(rule: PlanRule, paid_on: date, previous_term_end: date | None) -> bool:
    """Whether a renewal paid on ``paid_on`` keeps cover: paid at the latest on the last day of the
    grace (previous term end + ``renewal_grace_days``)."""
    return (previous_term_end is not None
            and paid_on <= previous_term_end + timedelta(days=rule.renewal_grace_days))


def cover_dates(rule: PlanRule, paid_on: date, previous_term_end: date | None = None) -> CoverDates:
    """A member's cover from the payment date. ``previous_term_end``: the end of the member's
    previous term of this plan (a renewal row), None for a first enrolment."""
    if renewal_kept(rule, paid_on, previous_term_end):
        return CoverDates(min(paid_on + timedelta(days=1), rule.term_start), None, True)
    start = paid_on + timedelta(days=1)
    waiting_end = start + timedelta(days=rule.waiting_days - 1) if rule.waiting_days > 0 else None
    return CoverDates(start, waiting_end, False)


def age_on(birth: date, day: date) -> int:
    """周岁 on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_problem(rule: PlanRule, gender: str | None, birth: date | None, is_member: bool,
                        on: date) -> str | None:
    """Why this person may not join the plan on ``on`` (a sentence), or None."""
    if rule.members_only and not is_member:
        return "不是工会会员"
    if gender is None or birth is None:
        return "缺少性别或出生日期"
    ages = rule.male_ages if gender == Gender.MALE.value else rule.female_ages
    who = Gender.label_of(gender)
    if ages is None:
        return f"本计划不接受{who}性参保"
    age = age_on(birth, on)
    if not ages[0] <= age <= ages[1]:
        return f"{who}性参保年龄为 {ages[0]}–{ages[1]} 周岁，此人为 {age} 周岁"
    return None


@dataclass(frozen=True)
class Cover:
    """One member's enrollment in one plan-year, as ``compute`` needs it."""
    shares: int
    cover_start: date | None            # None: premium not paid yet
    waiting_end: date | None
    eligible: bool = True
    ineligible_reason: str = ""


# ------------------------------------------------------------------------------ the claim

@dataclass(frozen=True)
class PriorStay:
    """An earlier counted claim of the same cover (daily plans), for the readmission rule."""
    admission: date
    discharge: date
    cause: str
    stay_days: int          # days of the stay up to that discharge (joined stays: all of them)
    stay_paid_days: int     # days paid for that stay so far (joined stays: all of them)


@dataclass(frozen=True)
class ClaimFacts:
    event: date                             # admission, or the diagnosis / event day
    until: date | None = None               # discharge (daily, reimburse)
    tier: str | None = None                 # lump
    out_of_pocket_fen: int | None = None    # reimburse: the member's own expense
    cause: str = ""                         # diagnosis / cause (readmission rule)


@dataclass(frozen=True)
class History:
    """What the term already holds for this cover: counted (approved/paid) claims only."""
    paid_fen: int = 0                       # benefits approved or paid this term
    counted_claims: int = 0
    stays: tuple[PriorStay, ...] = ()


@dataclass(frozen=True)
class Result:
    amount_fen: int
    line: str                               # the explanation a member can follow
    refusal: Refusal | None = None
    stay_days: int | None = None            # daily: days of the (joined) stay
    paid_days: int | None = None            # daily: days this claim pays
    stay_paid_days: int | None = None       # daily: days paid for the (joined) stay, this claim included
    joined: bool = False                    # daily: joined to an earlier stay (readmission)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def refused(self) -> bool:
        return self.refusal is not None


def _refuse(refusal: Refusal, why: str, **kw) -> Result:
    return Result(0, f"{refusal.label}：{why}", refusal, **kw)


def yuan_short(fen: int) -> str:
    """¥40 for whole yuan, ¥40.50 otherwise (the rule's own numbers in an explanation line)."""
    return f"¥{fen // 100:,}" if fen % 100 == 0 else format_yuan(fen)


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def round_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def compute(rule: PlanRule, cover: Cover | None, claim: ClaimFacts, history: History = History()
            ) -> Result:
    """The benefit of one claim by the plan's rule: an amount with its explanation line, or a coded
    refusal. ``cover`` None: the person is not enrolled in the plan. The caller has checked the
    input (discharge not before admission, amounts not negative)."""
    if cover is None:
        return _refuse(Refusal.NOT_ENROLLED, "此人没有参加本计划（或本年度未参保）")
    if not cover.eligible:
        return _refuse(Refusal.NOT_ELIGIBLE, cover.ineligible_reason or "参保时不符合本计划的参保条件")
    if cover.cover_start is None:
        return _refuse(Refusal.NOT_PAID, "所在单位的保费尚未缴纳，保障尚未开始")
    start = max(cover.cover_start, rule.term_start)
    if not start <= claim.event <= rule.term_end:
        return _refuse(Refusal.NOT_COVERED,
                       f"{_d(claim.event)}不在保障期 {_d(start)}至{_d(rule.term_end)} 内")
    if cover.waiting_end is not None and claim.event <= cover.waiting_end:
        return _refuse(Refusal.WAITING, f"{_d(claim.event)}在观察期内（观察期至{_d(cover.waiting_end)}，"
                                        f"{_d(cover.waiting_end + timedelta(days=1))}起的事件可以给付）")
    if rule.kind is PlanKind.DAILY:
        return _daily(rule, cover, claim, history)
    if rule.kind is PlanKind.LUMP:
        return _lump(rule, cover, claim, history)
    return _reimburse(rule, cover, claim, history)


def _shares(cover: Cover) -> str:
    return f" × {cover.shares}份" if cover.shares > 1 else ""


def _term_cap(rule: PlanRule, cover: Cover, history: History, amount: int, line: str,
              **kw) -> Result:
    """Apply the per-term cap to ``amount`` (whose computation ``line`` shows, ending in its value)."""
    if rule.term_cap_fen is None:
        return Result(amount, line, **kw)
    cap = rule.term_cap_fen * cover.shares
    left = max(0, cap - history.paid_fen)
    cap_text = f"本期最高 {format_yuan(cap)}" + (f"（{yuan_short(rule.term_cap_fen)}{_shares(cover)}）"
                                                  if cover.shares > 1 else "")
    if left == 0:
        return _refuse(Refusal.TERM_CAP, f"{cap_text}，已给付 {format_yuan(history.paid_fen)}", **kw)
    if amount <= left:
        return Result(amount, line, **kw)
    return Result(left, f"{line}；{cap_text}，已给付 {format_yuan(history.paid_fen)}，"
                        f"本次给付余额 {format_yuan(left)}", **kw)


def _joined_before(rule: PlanRule, claim: ClaimFacts, history: History) -> PriorStay | None:
    """The latest earlier stay this admission joins (same cause, within the readmission window)."""
    cause = claim.cause.strip()
    if not cause:
        return None
    best = None
    for st in history.stays:
        if (st.cause.strip() == cause and st.discharge <= claim.event
                and (claim.event - st.discharge).days <= rule.readmission_days
                and (best is None or st.discharge > best.discharge)):
            best = st
    return best


def _daily(rule: PlanRule, cover: Cover, claim: ClaimFacts, history: History) -> Result:
    until = claim.until or claim.event
    days = (until - claim.event).days                       # 算入不算出
    prior = _joined_before(rule, claim, history)
    before_days = prior.stay_days if prior else 0
    before_paid = prior.stay_paid_days if prior else 0
    stay = before_days + days
    over = max(0, stay - rule.deductible_days)
    capped = min(over, rule.stay_day_cap) if rule.stay_day_cap is not None else over
    pay_days = max(0, capped - before_paid)
    kw = dict(stay_days=stay, joined=prior is not None, stay_paid_days=max(capped, before_paid))
    if prior:
        head = (f"住院{days}天，与{_d(prior.admission)}入院的同病因住院合并为一次（"
                f"{before_days}天 + {days}天 = {stay}天）")
    else:
        head = f"住院{days}天"
    if over == 0:
        return _refuse(Refusal.DEDUCTIBLE, f"{head}，未超过免赔{rule.deductible_days}天",
                       paid_days=0, **kw)
    calc = f"{head} − 免赔{rule.deductible_days}天 = {over}天"
    if capped < over:
        calc += f"，单次住院最多给付{rule.stay_day_cap}天"
    if prior:
        calc += f"，前次已给付{before_paid}天"
    if pay_days == 0:
        return _refuse(Refusal.STAY_CAP, calc, paid_days=0, **kw)
    amount = pay_days * rule.daily_fen * cover.shares
    times = f" × {yuan_short(rule.daily_fen)}{_shares(cover)} = {format_yuan(amount)}"
    line = calc + times if not prior and capped == over else f"{calc}；本次{pay_days}天{times}"
    return _term_cap(rule, cover, history, amount, line, paid_days=pay_days, **kw)


def _lump(rule: PlanRule, cover: Cover, claim: ClaimFacts, history: History) -> Result:
    tier = rule.tier(claim.tier)
    if tier is None:
        listed = "、".join(t.name for t in rule.tiers)
        return _refuse(Refusal.NOT_LISTED, f"「{claim.tier or '（未填写）'}」不在本计划的病种中（{listed}）")
    if history.counted_claims > 0:
        return _refuse(Refusal.ALREADY_PAID, "本计划每个保障期给付一次，本期已给付过")
    amount = tier.sum_fen * cover.shares
    line = f"{tier.name} {yuan_short(tier.sum_fen)}{_shares(cover)} = {format_yuan(amount)}"
    return _term_cap(rule, cover, history, amount, line)


def _reimburse(rule: PlanRule, cover: Cover, claim: ClaimFacts, history: History) -> Result:
    spent = claim.out_of_pocket_fen or 0
    if spent <= rule.threshold_fen:
        return _refuse(Refusal.BELOW_THRESHOLD,
                       f"自付 {format_yuan(spent)}，未超过起付标准 {format_yuan(rule.threshold_fen)}")
    base = spent - rule.threshold_fen
    amount = round_fen(Decimal(base) * rule.ratio_bp / BASIS_POINTS)
    line = (f"(自付 {format_yuan(spent)} − 起付 {yuan_short(rule.threshold_fen)}) × {ratio_text(rule.ratio_bp)} = "
            f"{format_yuan(amount)}")
    return _term_cap(rule, cover, history, amount, line)



def ratio_text(ratio_bp: int) -> str:
    """8000 → 「80%」, 8250 → 「82.5%」."""
    return f"{(Decimal(ratio_bp) / 100).normalize():f}%"


def rule_summary(rule: PlanRule) -> str:
    """The rule in one line, as printed on the plan's rule sheet (lists, the claim form, 试算)."""
    cap = f"，本期最高{yuan_short(rule.term_cap_fen)}/份" if rule.term_cap_fen is not None else ""
    if rule.kind is PlanKind.DAILY:
        stay_cap = f"，单次住院最多给付{rule.stay_day_cap}天" if rule.stay_day_cap is not None else ""
        return (f"住院津贴：免赔{rule.deductible_days}天，每天{yuan_short(rule.daily_fen)}/份{stay_cap}"
                f"，{rule.readmission_days}天内同病因再次住院合并计算{cap}")
    if rule.kind is PlanKind.LUMP:
        tiers = "、".join(f"{t.name}{yuan_short(t.sum_fen)}" for t in rule.tiers)
        return f"定额给付（每期一次）：{tiers}（每份）{cap}"
    return (f"住院医疗：(自付 − 起付{yuan_short(rule.threshold_fen)}) × {ratio_text(rule.ratio_bp)}"
            f"{cap}")


# ------------------------------------------------------------------------------ a member's cover state
# (the member lists' and the member page's 状态; added with the roster import and member lists)

class CoverState(LabelledEnum):
    UNPAID = ("unpaid", "未缴费")
    PENDING = ("pending", "待生效")          # paid, cover starts later
    WAITING = ("waiting", "观察期")
    COVERED = ("covered", "保障中")
    ENDED = ("ended", "已到期")


def cover_state(cover_start: date | None, waiting_end: date | None, term_end: date,
                today: date) -> CoverState:
    """A member's cover on ``today``: unpaid, not yet started, in the waiting period (its last day
    included), covered, or the term has ended."""
    if cover_start is None:
        return CoverState.UNPAID
    if today > term_end:
        return CoverState.ENDED
    if today < cover_start:
        return CoverState.PENDING
    if waiting_end is not None and today <= waiting_end:
        return CoverState.WAITING
    return CoverState.COVERED
