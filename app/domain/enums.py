"""Enumerations with their Chinese labels, defined once (DESIGN §3). The UI never hard-codes a label."""
from __future__ import annotations

from enum import Enum


class LabelledEnum(str, Enum):
    """A str enum whose members carry a Chinese label: ``Role.CLERK.label == "登记员"``."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label  # type: ignore[attr-defined]
        return obj

    def __str__(self) -> str:  # the code value, for storage and the CLI
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)


class Role(LabelledEnum):
    CLERK = ("clerk", "登记员")
    CASEWORKER = ("caseworker", "承办人")
    MANAGER = ("manager", "负责人")
    ADMIN = ("admin", "系统管理员")


class Gender(LabelledEnum):
    MALE = ("M", "男")
    FEMALE = ("F", "女")


class DayKind(LabelledEnum):
    HOLIDAY = ("holiday", "法定节假日")
    WORKDAY = ("workday", "调休上班")


class DeadlineUnit(LabelledEnum):
    WORKDAY = ("workday", "工作日")
    CALENDAR = ("calendar", "自然日")


class PersonFlag(LabelledEnum):
    MIGRANT = ("migrant", "农民工")
    MODEL_WORKER = ("model_worker", "劳模")
    MEMBER = ("member", "工会会员")


# ---- petition desk (DESIGN §3) -------------------------------------------------------------

class Channel(LabelledEnum):
    VISIT = ("visit", "来访")
    CALL = ("call", "来电（12351热线）")
    LETTER = ("letter", "来信")
    ONLINE = ("online", "网上（主席信箱/工人在线）")
    REFERRAL = ("referral", "上级转交/交办")
    OUTREACH = ("outreach", "走访活动现场")
    OTHER = ("other", "其他")


class Category(LabelledEnum):
    CONSULT = ("consult", "咨询")
    SUGGEST = ("suggest", "建议意见")
    HELP = ("help", "求助")
    COMPLAINT = ("complaint", "投诉/申诉")
    REPORT = ("report", "检举控告")
    LEGAL_AID = ("legal_aid", "法律援助申请")
    THANKS = ("thanks", "感谢")
    OTHER = ("other", "其他")


class IssueType(LabelledEnum):
    WAGES = ("wages", "劳动报酬/欠薪")
    CONTRACT = ("contract", "劳动合同")
    SOCIAL_INSURANCE = ("social_insurance", "社会保险")
    INJURY = ("injury", "工伤/职业病")
    HOURS = ("hours", "工时休假")
    WOMEN = ("women", "女职工/未成年工权益")
    RESTRUCTURING = ("restructuring", "企业改制")
    BARGAINING = ("bargaining", "集体协商/民主管理")
    UNION_BUILDING = ("union_building", "工会组建/会员权益")
    UNION_FUNDS = ("union_funds", "工会经费资产")
    MODEL_WORKER = ("model_worker", "劳模待遇")
    HARDSHIP = ("hardship", "生活困难")
    MUTUAL_AID = ("mutual_aid", "互助保障")
    SAFETY = ("safety", "安全生产/突发事件")
    OTHER = ("other", "其他")


class Disposition(LabelledEnum):
    ANSWERED = ("answered", "当场答复")
    ACCEPTED = ("accepted", "受理")
    NOT_ACCEPTED = ("not_accepted", "不予受理")
    TRANSFERRED = ("transferred", "转送")
    REPEAT = ("repeat", "重复信访")
    NO_MORE = ("no_more", "不再受理")


class RejectReason(LabelledEnum):
    """Fixed list of reasons for 不予受理, each with where to go instead (notices use both)."""
    ARBITRATION = ("arbitration", "属于劳动人事争议仲裁范围")
    LITIGATION = ("litigation", "已经或者依法应当通过诉讼途径解决")
    INSPECTION = ("inspection", "属于劳动保障监察职责范围")
    OTHER_AGENCY = ("other_agency", "属于其他行政机关法定职责范围")
    PENDING = ("pending", "已由有关机关受理、正在办理")
    NOT_UNION = ("not_union", "不属于工会职责范围")
    NO_FACTS = ("no_facts", "诉求不明确或缺少基本事实")


REJECT_REDIRECTS = {
    RejectReason.ARBITRATION: "劳动人事争议仲裁委员会",
    RejectReason.LITIGATION: "人民法院",
    RejectReason.INSPECTION: "人力资源和社会保障局劳动保障监察机构",
    RejectReason.OTHER_AGENCY: "有关行政机关",
    RejectReason.PENDING: "正在办理的机关",
    RejectReason.NOT_UNION: "有权处理的机关或单位",
    RejectReason.NO_FACTS: "补充材料后重新提出",
}


class CaseStatus(LabelledEnum):
    ACCEPTED = ("accepted", "已受理")
    ASSIGNED = ("assigned", "已交办")
    IN_PROGRESS = ("in_progress", "办理中")
    CONCLUDED = ("concluded", "已办结")
    FOLLOWED_UP = ("followed_up", "已回访")
    ARCHIVED = ("archived", "已归档")


OPEN_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS})


class AssigneeKind(LabelledEnum):
    HANDLER = ("handler", "承办人")
    DEPARTMENT = ("department", "部门")
    LOWER_UNION = ("lower_union", "下级工会")


class Measure(LabelledEnum):
    GUIDANCE = ("guidance", "政策解答")
    LEGAL_AID = ("legal_aid", "法律援助")
    MEDIATION = ("mediation", "调解")
    ASSISTANCE = ("assistance", "经济帮扶")
    COUNSELING = ("counseling", "心理关爱")
    COORDINATION = ("coordination", "协调")


class Outcome(LabelledEnum):
    SUPPORTED = ("supported", "支持")
    PARTLY = ("partly", "部分支持")
    EXPLAINED = ("explained", "解释说明")
    NOT_SUPPORTED = ("not_supported", "不予支持")


class FollowUp(LabelledEnum):
    SATISFIED = ("satisfied", "满意")
    BASICALLY = ("basically", "基本满意")
    DISSATISFIED = ("dissatisfied", "不满意")
    UNREACHABLE = ("unreachable", "未能回访")


class SuspendReason(LabelledEnum):
    HEARING = ("hearing", "听证")
    APPRAISAL = ("appraisal", "鉴定")
    OTHER = ("other", "其他")


class HotspotKind(LabelledEnum):
    EMPLOYER = ("employer", "同一单位集中反映")
    GROUP_VISIT = ("group_visit", "集体访")


class ExtensionStatus(LabelledEnum):
    REQUESTED = ("requested", "待审批")
    APPROVED = ("approved", "已批准")
    REJECTED = ("rejected", "未批准")


class CaseEventKind(LabelledEnum):
    """Kinds of entries on a case's timeline (case_events.kind)."""
    OPENED = ("opened", "受理")
    ASSIGNED = ("assigned", "交办")
    REASSIGNED = ("reassigned", "改派")
    NOTE = ("note", "办理记录")
    MEASURE = ("measure", "办理措施")
    RESULT = ("result", "追回金额和受益人数")
    EXTENSION_REQUESTED = ("extension_requested", "申请延期")
    EXTENSION_APPROVED = ("extension_approved", "批准延期")
    EXTENSION_REJECTED = ("extension_rejected", "不批准延期")
    SUSPENDED = ("suspended", "中止办理")
    RESUMED = ("resumed", "恢复办理")
    FLAGS = ("flags", "督办和关注")
    CONCLUDED = ("concluded", "办结")
    FOLLOWED_UP = ("followed_up", "回访")
    REOPENED = ("reopened", "重新办理")
    ARCHIVED = ("archived", "归档")


class RepeatMatch(LabelledEnum):
    """Why repeat detection (DESIGN §4) linked an earlier case to a new contact."""
    PERSON = ("person", "同一信访人")
    EMPLOYER = ("employer", "同一单位同类问题")


# ---- lists (filters of the registration and case lists) --------------------------------------

class Period(LabelledEnum):
    """Relative periods of a list filter; saved filters store the code, so 本月 stays "this month"."""
    TODAY = ("today", "今天")
    THIS_WEEK = ("this_week", "本周")
    THIS_MONTH = ("this_month", "本月")
    LAST_MONTH = ("last_month", "上月")
    THIS_QUARTER = ("this_quarter", "本季度")
    LAST_QUARTER = ("last_quarter", "上季度")
    THIS_YEAR = ("this_year", "本年")
    LAST_YEAR = ("last_year", "去年")
    LAST_7_DAYS = ("last_7_days", "近7天")
    LAST_30_DAYS = ("last_30_days", "近30天")


class ListFlag(LabelledEnum):
    """Flags a list can be narrowed by."""
    SUPERVISED = ("supervised", "督办")
    FOCUS = ("focus", "重点关注")
    GROUP_VISIT = ("group_visit", "集体访")
    LEADER_RECEPTION = ("leader_reception", "领导接待日")
    EXTENSION_REQUESTED = ("extension_requested", "延期待审批")
    NOTICE_PENDING = ("notice_pending", "告知书未送达")    # the 受理告知书 not delivered yet


LEADER_IN_CHARGE_LABEL = "包案领导"   # Case.leader_in_charge: the leader who took the case on (a name)
OPEN_STATUSES_LABEL = "未办结"   # the case-list status choice meaning any of OPEN_STATUSES
