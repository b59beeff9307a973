"""Pure rules of the hardship-assistance ledger 困难职工帮扶 (DESIGN §4), and its enumerations.

No database: the services (app/services/hardship/) read the numbers and call these. Every number is
an office setting (``HardshipRules.from_settings``: the ``hardship.*`` keys of app.domain.settings).

* ``classify`` — per-head monthly income = (household income − 刚性支出 ÷ 12) ÷ members, compared
  exactly (no rounding) with the 低保 line and the relative line; 意外致困 when one event's cost
  reaches a share of the annual income. Returns the proposed category and the formula as a line.
* ``cap_refusal`` / ``temporary_cap_refusal`` — the yearly caps, refused with what is left.
* ``above_line_since`` / ``out_of_poverty_due`` — 脱困 is proposed after N consecutive months above 低保.
* ``publicity_end`` — 公示 of N working days, the start day counted.
"""
from __future__ import annotations

from calendar import monthrange as _monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .calendar import WorkCalendar
from .enums import LabelledEnum
from .money import format_yuan


class HardshipCategory(LabelledEnum):
    DEEP = ("deep", "深度困难")
    RELATIVE = ("relative", "相对困难")
    ACCIDENT = ("accident", "意外致困")


class Cause(LabelledEnum):
    """致困原因: one main and up to three secondary."""
    NO_WORK_ABILITY = ("no_work_ability", "无劳动能力")
    UNEMPLOYED_ABLE = ("unemployed_able", "有劳动能力未就业")
    LAID_OFF = ("laid_off", "下岗失业")
    NO_INSURANCE = ("no_insurance", "未参加社保")
    INSURANCE_GAP = ("insurance_gap", "社保待遇落实不到位")
    SERIOUS_ILLNESS = ("serious_illness", "患重特大疾病")
    DISASTER = ("disaster", "遭受自然灾害")
    ACCIDENT = ("accident", "遭受意外事故")
    SCHOOLING = ("schooling", "子女上学")
    OTHER = ("other", "其他")


MAX_SECONDARY_CAUSES = 3


class Relation(LabelledEnum):
    """A family member's relation to the applicant."""
    SPOUSE = ("spouse", "配偶")
    SON = ("son", "儿子")
    DAUGHTER = ("daughter", "女儿")
    FATHER = ("father", "父亲")
    MOTHER = ("mother", "母亲")
    PARENT_IN_LAW = ("parent_in_law", "岳父母/公婆")
    GRANDPARENT = ("grandparent", "祖父母/外祖父母")
    GRANDCHILD = ("grandchild", "孙子女/外孙子女")
    SIBLING = ("sibling", "兄弟姐妹")
    OTHER = ("other", "其他")


class Health(LabelledEnum):
    HEALTHY = ("healthy", "健康")
    CHRONIC = ("chronic", "慢性病")
    SERIOUS = ("serious", "重特大疾病")
    DISABLED = ("disabled", "残疾")
    INCAPACITATED = ("incapacitated", "丧失劳动能力")


class MedicalInsurance(LabelledEnum):
    EMPLOYEE = ("employee", "职工医保")
    RESIDENT = ("resident", "城乡居民医保")
    NONE = ("none", "未参保")
    OTHER = ("other", "其他")


class WorkStatus(LabelledEnum):
    """人员身份/工作状态."""
    EMPLOYED = ("employed", "在职")
    FLEXIBLE = ("flexible", "灵活就业")
    UNEMPLOYED = ("unemployed", "失业")
    RETIRED = ("retired", "退休")
    FARMER = ("farmer", "务农")
    STUDENT = ("student", "学生")
    PRESCHOOL = ("preschool", "学龄前")
    NO_WORK_ABILITY = ("no_work_ability", "无劳动能力")
    OTHER = ("other", "其他")


class SchoolLevel(LabelledEnum):
    """在学情况 of a member; the in-school levels are also 金秋助学's levels (``STUDY_LEVELS``)."""
    NONE = ("none", "不在学")
    PRESCHOOL = ("preschool", "学前")
    PRIMARY = ("primary", "小学")
    JUNIOR = ("junior", "初中")
    SENIOR = ("senior", "高中")
    VOCATIONAL = ("vocational", "中职")
    COLLEGE = ("college", "大专/高职")
    UNDERGRADUATE = ("undergraduate", "本科")
    GRADUATE = ("graduate", "研究生")


STUDY_LEVELS = (SchoolLevel.PRIMARY, SchoolLevel.JUNIOR, SchoolLevel.SENIOR, SchoolLevel.VOCATIONAL,
                SchoolLevel.COLLEGE, SchoolLevel.UNDERGRADUATE, SchoolLevel.GRADUATE)


class AssistanceKind(LabelledEnum):
    LIVING = ("living", "生活救助")
    MEDICAL = ("medical", "医疗救助")
    STUDY = ("study", "助学/金秋助学")
    WARMTH = ("warmth", "送温暖慰问")
    EMPLOYMENT = ("employment", "就业帮扶")
    TEMPORARY = ("temporary", "临时救助")
    OTHER = ("other", "其他")


class PayMethod(LabelledEnum):
    CARD = ("card", "打卡")
    CASH = ("cash", "现金")


class FileState(LabelledEnum):
    """Where a file is in 申请 → 初审 → 入户调查 → 公示 → 审批建档 → 在档 (the label says what is next)."""
    APPLIED = ("applied", "待初审")
    SCREENED = ("screened", "待入户调查")
    INVESTIGATED = ("investigated", "待公示")
    PUBLICIZING = ("publicizing", "公示中")
    ACTIVE = ("active", "在档")
    REJECTED = ("rejected", "不予建档")
    CLOSED = ("closed", "已出档")


PENDING_FILE_STATES = frozenset({FileState.APPLIED, FileState.SCREENED, FileState.INVESTIGATED,
                                 FileState.PUBLICIZING})
OPEN_FILE_STATES = PENDING_FILE_STATES | {FileState.ACTIVE}   # 一户一档: one open file a person


class FileStep(LabelledEnum):
    """Entries of a file's timeline (hardship_steps.step)."""
    APPLY = ("apply", "申请")
    EDIT = ("edit", "修改")
    SCREEN = ("screen", "初审")
    INVESTIGATE = ("investigate", "入户调查")
    PUBLICIZE = ("publicize", "公示")
    OBJECTION = ("objection", "公示异议")
    APPROVE = ("approve", "审批建档")
    SEND_BACK = ("send_back", "退回")
    REJECT = ("reject", "不予建档")
    CONFIRM_CATEGORY = ("confirm_category", "确认困难类别")
    REVIEW = ("review", "复核")
    CHANGE_CATEGORY = ("change_category", "类别变更")
    CLOSE = ("close", "出档")


class ClosureReason(LabelledEnum):
    """Why a file was closed: 脱困, 解困(兜底), or 撤档 for one of the others."""
    OUT_OF_POVERTY = ("out_of_poverty", "脱困")
    GUARANTEED = ("guaranteed", "解困（兜底）")
    DEATH = ("death", "死亡")
    INELIGIBLE = ("ineligible", "不再符合条件")
    MOVED = ("moved", "迁出/转移")
    FRAUD = ("fraud", "弄虚作假")


class ReviewDecision(LabelledEnum):
    KEEP = ("keep", "维持")
    CHANGE = ("change", "变更类别")
    CLOSE = ("close", "出档（脱困/解困/撤档）")


class PaymentState(LabelledEnum):
    PROPOSED = ("proposed", "待审批")
    APPROVED = ("approved", "已批准")
    REFUSED = ("refused", "未批准")
    PAID = ("paid", "已发放")


COUNTED_PAYMENT_STATES = frozenset({PaymentState.PROPOSED, PaymentState.APPROVED, PaymentState.PAID})
"""States whose amount counts against a cap (a refused proposal does not)."""


class CampaignKind(LabelledEnum):
    WARMTH = ("warmth", "送温暖")
    STUDY = ("study", "金秋助学")


CAMPAIGN_PAYMENT_KIND = {CampaignKind.WARMTH: AssistanceKind.WARMTH,
                         CampaignKind.STUDY: AssistanceKind.STUDY}


class CampaignState(LabelledEnum):
    DRAFT = ("draft", "待审批")
    APPROVED = ("approved", "已审批")
    CLOSED = ("closed", "已结束")


class MaterialKind(LabelledEnum):
    APPLICATION = ("application", "申请书")
    INCOME_PROOF = ("income_proof", "收入证明")
    ID_CARD = ("id_card", "身份证")
    HUKOU = ("hukou", "户口本")
    DIBAO = ("dibao", "低保证明")
    DIAGNOSIS = ("diagnosis", "诊断书")
    PUBLICITY = ("publicity", "公示材料")
    OTHER = ("other", "其他")


# ------------------------------------------------------------------------------ settings

SETTING_PREFIX = "hardship."
CAP_SETTING = "hardship.cap."          # + AssistanceKind value: yearly cap per household, yuan

DEFAULT_CAPS_YUAN: dict[AssistanceKind, int] = {
    AssistanceKind.LIVING: 10_000, AssistanceKind.MEDICAL: 20_000, AssistanceKind.STUDY: 10_000,
    AssistanceKind.WARMTH: 3_000, AssistanceKind.EMPLOYMENT: 5_000,
    AssistanceKind.TEMPORARY: 5_000, AssistanceKind.OTHER: 5_000,
}


@dataclass(frozen=True)
class HardshipRules:
    """The office's numbers (DESIGN §4), in fen where money. A cap of 0 means no cap."""
    dibao_fen: int = 1_200_00                 # 低保标准 (per head per month)
    relative_percent: int = 200               # 相对困难线 = 低保 × this %
    inclusive: bool = False                   # True: 「≤」 the line counts as below it
    accident_percent: int = 50                # 意外致困: one event ≥ this % of annual income
    caps_fen: Mapping[str, int] | None = None  # AssistanceKind value → yearly cap per household
    temporary_cap_fen: int = 3_000_00         # 临时救助 without a file, per person per year
    publicity_workdays: int = 5
    review_months: int = 12
    out_of_poverty_months: int = 6

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> "HardshipRules":
        """From ``app.services.settings.load(db)`` (keys ``hardship.*``; money settings in yuan)."""
        return cls(
            dibao_fen=int(values["hardship.dibao_yuan"]) * 100,
            relative_percent=int(values["hardship.relative_percent"]),
            inclusive=bool(values["hardship.line_inclusive"]),
            accident_percent=int(values["hardship.accident_percent"]),
            caps_fen={k.value: int(values[CAP_SETTING + k.value]) * 100 for k in AssistanceKind},
            temporary_cap_fen=int(values["hardship.temporary_cap_yuan"]) * 100,
            publicity_workdays=int(values["hardship.publicity_workdays"]),
            review_months=int(values["hardship.review_months"]),
            out_of_poverty_months=int(values["hardship.out_of_poverty_months"]),
        )

    def cap_fen(self, kind: AssistanceKind | str) -> int:
        kind = AssistanceKind(kind)
        caps = self.caps_fen if self.caps_fen is not None else {
            k.value: v * 100 for k, v in DEFAULT_CAPS_YUAN.items()}
        return int(caps.get(kind.value, 0))

    @property
    def relative_fen(self) -> int:
        """The relative line in fen (rounded half up to the fen: what the formula shows)."""
        return (self.dibao_fen * self.relative_percent + 50) // 100


# ------------------------------------------------------------------------------ classification

@dataclass(frozen=True)
class Classification:
    category: HardshipCategory | None     # None: above both lines, no qualifying accident
    per_head_fen: int                     # rounded half up to the fen (display, lists)
    formula: str                          # the Chinese line shown beside the proposal


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator) * 2 + denominator, denominator * 2)
    return q if numerator >= 0 else -q


def per_head_fen(household_income_fen: int, rigid_annual_fen: int, members: int) -> int:
    """(monthly income − annual 刚性支出 ÷ 12) ÷ members, in fen, rounded half up."""
    if members < 1:
        raise ValueError("a household has at least one member")
    return round_half_up(12 * household_income_fen - rigid_annual_fen, 12 * members)


def _below(numerator: int, denominator: int, line_fen: int, inclusive: bool) -> bool:
    """numerator ÷ denominator (exact) below the line (or on it, when inclusive)."""
    lhs, rhs = numerator, line_fen * denominator
    return lhs <= rhs if inclusive else lhs < rhs


def classify(household_income_fen: int, rigid_annual_fen: int, members: int, rules: HardshipRules,
             accident_cost_fen: int = 0) -> Classification:
    """The category the numbers propose (DESIGN §4), with the formula as one Chinese line:

    「人均月收入 =（家庭月收入 ¥2,000.00 − 刚性支出 ¥500.00）÷ 3人 = ¥500.00 < 低保标准 ¥1,200.00 → 深度困难」

    深度 below 低保, else 相对 below 低保 × relative_percent, else 意外致困 when one event's cost is at
    least accident_percent of the annual income (monthly × 12), else None. Compared exactly: a
    per-head income of ¥1,199.996 is below a line of ¥1,200.00 even though it shows as ¥1,200.00."""
    if members < 1:
        raise ValueError("a household has at least one member")
    if household_income_fen < 0 or rigid_annual_fen < 0 or accident_cost_fen < 0:
        raise ValueError("amounts must not be negative")
    num, den = 12 * household_income_fen - rigid_annual_fen, 12 * members
    head = round_half_up(num, den)
    rigid_text = format_yuan(round_half_up(rigid_annual_fen, 12))
    if rigid_annual_fen % 12:
        rigid_text += f"（年{format_yuan(rigid_annual_fen)}÷12）"
    start = (f"人均月收入 =（家庭月收入 {format_yuan(household_income_fen)} − 刚性支出 {rigid_text}）"
             f"÷ {members}人 = {format_yuan(head)}")
    lt = "≤" if rules.inclusive else "<"
    ge = ">" if rules.inclusive else "≥"
    if _below(num, den, rules.dibao_fen, rules.inclusive):
        return Classification(HardshipCategory.DEEP, head,
                              f"{start} {lt} 低保标准 {format_yuan(rules.dibao_fen)} → 深度困难")
    relative_num = rules.dibao_fen * rules.relative_percent        # line × 100, exact
    if _below(num * 100, den, relative_num, rules.inclusive):
        return Classification(
            HardshipCategory.RELATIVE, head,
            f"{start} {lt} 低保标准的{rules.relative_percent}% {format_yuan(rules.relative_fen)}"
            " → 相对困难")
    line_text = (f"{start} {ge} 低保标准的{rules.relative_percent}% "
                 f"{format_yuan(rules.relative_fen)}")
    annual = 12 * household_income_fen
    if accident_cost_fen > 0 and accident_cost_fen * 100 >= annual * rules.accident_percent:
        return Classification(
            HardshipCategory.ACCIDENT, head,
            f"{line_text}；意外事件支出 {format_yuan(accident_cost_fen)} ≥ 家庭年收入 "
            f"{format_yuan(annual)} 的{rules.accident_percent}% → 意外致困")
    return Classification(None, head, f"{line_text} → 不符合困难职工认定条件")


# ------------------------------------------------------------------------------ caps

def cap_refusal(kind: AssistanceKind | str, cap_fen: int, used_fen: int, amount_fen: int,
                year: int) -> str | None:
    """Why ``amount_fen`` more of ``kind`` for one household in ``year`` is over the cap, naming
    what is left; None when it fits (or the cap is 0: none)."""
    kind = AssistanceKind(kind)
    if cap_fen <= 0 or used_fen + amount_fen <= cap_fen:
        return None
    left = max(0, cap_fen - used_fen)
    return (f"{kind.label}每户每年最高 {format_yuan(cap_fen)}，该户{year}年已安排 "
            f"{format_yuan(used_fen)}，还可安排 {format_yuan(left)}；本次 {format_yuan(amount_fen)} "
            f"超出 {format_yuan(used_fen + amount_fen - cap_fen)}")


def temporary_cap_refusal(cap_fen: int, used_fen: int, amount_fen: int, year: int) -> str | None:
    """临时救助 for a person without a file: at most ``cap_fen`` a person a year."""
    if cap_fen <= 0 or used_fen + amount_fen <= cap_fen:
        return None
    left = max(0, cap_fen - used_fen)
    return (f"未建档人员的临时救助每人每年最高 {format_yuan(cap_fen)}，此人{year}年已安排 "
            f"{format_yuan(used_fen)}，还可安排 {format_yuan(left)}；本次 {format_yuan(amount_fen)} "
            f"超出 {format_yuan(used_fen + amount_fen - cap_fen)}")


def same_month_warning(kind: AssistanceKind | str, assist_on: date,
                       earlier: Iterable[date]) -> str | None:
    """The same kind twice in one calendar month (outside a campaign) is a warning the person must
    acknowledge; ``earlier`` are that household's (or person's) other dates of the kind."""
    kind = AssistanceKind(kind)
    same = sorted(d for d in earlier if (d.year, d.month) == (assist_on.year, assist_on.month))
    if not same:
        return None
    days = "、".join(f"{d.month}月{d.day}日" for d in same)
    return (f"该户{assist_on.year}年{assist_on.month}月已有{kind.label}（{days}），"
            "同一月内再次发放同类帮扶，请确认确有需要")


# ------------------------------------------------------------------------------ dates

def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (Jan 31 + 1 → Feb 28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _monthrange(year, month)[1]))


def next_review_due(reviewed_on: date, rules: HardshipRules) -> date:
    return add_months(reviewed_on, rules.review_months)


def publicity_end(cal: WorkCalendar, start: date, workdays: int) -> date:
    """The last day of a 公示 of ``workdays`` working days starting on ``start`` (counted when it
    is a working day)."""
    if workdays < 1:
        raise ValueError("at least one working day")
    return cal.add_workdays(start - timedelta(days=1), workdays)


def above_line_since(observations: Iterable[tuple[date, int]], dibao_fen: int) -> date | None:
    """The first day of the unbroken run of per-head incomes above 低保 that reaches the newest
    observation (date, per-head fen); None when the newest is not above it."""
    since = None
    for day, head in sorted(observations):
        if head > dibao_fen:
            since = since or day
        else:
            since = None
    return since


def out_of_poverty_due(since: date | None, today: date, rules: HardshipRules) -> bool:
    """脱困 is proposed once per-head income has stayed above 低保 for the set consecutive months."""
    return since is not None and add_months(since, rules.out_of_poverty_months) <= today


def causes_text(codes: str) -> tuple[Cause, ...]:
    """「,laid_off,schooling,」 (the stored form) → the causes."""
    return tuple(Cause(c) for c in codes.split(",") if c)


def causes_code(causes: Iterable[Cause | str]) -> str:
    codes = [Cause(c).value for c in causes]
    return "," + ",".join(codes) + "," if codes else ""
