"""Office settings, declared once with type, default and Chinese label (DESIGN §4 numbers live here).

Stored as JSON values in the ``settings`` table by ``app.services.settings``; anything not stored
takes its default. The office profile is the ``office.*`` group.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .hardship import CAP_SETTING, DEFAULT_CAPS_YUAN
from .notices import DOC_PREFIX_SETTING, DOC_WORDS
from .permissions import FULL_ID_ROLES_DEFAULT, FULL_ID_ROLES_KEY, roles_from_text


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str
    group: str
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None


OFFICE = "office"
DEADLINES = "deadlines"
SECURITY = "security"
BACKUP = "backup"
DOC_NUMBERS = "doc_numbers"
HARDSHIP = "hardship"
MUTUAL_AID = "mutual_aid"

SETTINGS: tuple[Setting, ...] = (
    # office profile
    Setting("office.name", str, "", "单位名称", OFFICE, required=True, max_length=60),
    Setting("office.doc_prefix", str, "", "文号代字", OFFICE, required=True, max_length=10),
    Setting("office.address", str, "", "地址", OFFICE, max_length=120),
    Setting("office.phone", str, "", "联系电话", OFFICE, max_length=40),
    Setting("office.postcode", str, "", "邮政编码", OFFICE, max_length=6),
    Setting("office.contact", str, "", "联系人", OFFICE, max_length=30),
    # notices 告知书: a TrueType 仿宋/宋体 file (empty: the bundled font); the date in Chinese numerals
    Setting("office.notice_font", str, "", "文书字体文件", OFFICE, max_length=500),
    Setting("office.notice_date_chinese", bool, False, "文书日期用汉字（二〇二六年十一月二十三日）", OFFICE),
    # each notice kind's own 代字 (blank: the office's 文号代字 + the kind's word), app.domain.notices
    *(Setting(DOC_PREFIX_SETTING + kind.value, str, "", f"{kind.title}代字（不填：文号代字＋{word}）",
              DOC_NUMBERS, max_length=12) for kind, word in DOC_WORDS.items()),
    # deadlines (DESIGN §4)
    Setting("deadline.accept_notice_days", int, 15, "书面受理告知期限(自然日)", DEADLINES, minimum=1, maximum=15),
    Setting("deadline.reply_workdays", int, 5, "咨询/建议答复期限(工作日)", DEADLINES, minimum=1, maximum=60),
    Setting("deadline.handle_workdays", int, 20, "求助/投诉办结期限(工作日)", DEADLINES, minimum=1, maximum=60),
    Setting("deadline.extended_workdays", int, 30, "延期后办结上限(工作日)", DEADLINES, minimum=1, maximum=60),
    Setting("deadline.statutory_days", int, 60, "法定办理上限(自然日)", DEADLINES, minimum=1, maximum=60),
    Setting("deadline.extension_days", int, 30, "延期上限(自然日)", DEADLINES, minimum=1, maximum=30),
    Setting("deadline.warn_workdays", int, 2, "即将到期提示(工作日)", DEADLINES, minimum=0, maximum=10),
    Setting("deadline.feedback_workdays", int, 10, "交办反馈期限(工作日)", DEADLINES, minimum=1, maximum=60),
    Setting("deadline.review_days", int, 30, "复查/复核申请期限(日)", DEADLINES, minimum=1, maximum=60),
    Setting("hotspot.employer_count", int, 3, "同一单位预警登记数", DEADLINES, minimum=2, maximum=100),
    Setting("hotspot.window_days", int, 7, "预警统计天数", DEADLINES, minimum=1, maximum=90),
    Setting("hotspot.group_size", int, 5, "集体访人数", DEADLINES, minimum=2, maximum=1000),
    Setting("repeat.lookback_months", int, 12, "重复信访回溯月数", DEADLINES, minimum=1, maximum=60),
    # security
    Setting("security.max_failures", int, 5, "连续输错密码锁定次数", SECURITY, minimum=3, maximum=20),
    Setting("security.lock_minutes", int, 15, "锁定时长(分钟)", SECURITY, minimum=1, maximum=1440),
    Setting("security.min_password_length", int, 8, "密码最短长度", SECURITY, minimum=6, maximum=64),
    Setting(FULL_ID_ROLES_KEY, str, FULL_ID_ROLES_DEFAULT, "可导出完整身份证号的角色（用、分隔；留空则都隐藏）",
            SECURITY, max_length=60),
    # backup
    Setting("backup.keep", int, 30, "自动备份保留份数", BACKUP, minimum=1, maximum=365),
    # ---- hardship ledger 困难职工帮扶 (DESIGN §4; read by app.domain.hardship.HardshipRules) ----
    Setting("hardship.dibao_yuan", int, 1200, "当地低保标准(元/人·月)", HARDSHIP, minimum=1,
            maximum=100_000),
    Setting("hardship.relative_percent", int, 200, "相对困难线(低保标准的%)", HARDSHIP, minimum=100,
            maximum=1000),
    Setting("hardship.line_inclusive", bool, False, "人均收入等于标准线也认定为困难(≤)", HARDSHIP),
    Setting("hardship.accident_percent", int, 50, "意外致困：单次事件支出占家庭年收入比例(%)", HARDSHIP,
            minimum=1, maximum=1000),
    *(Setting(CAP_SETTING + kind.value, int, yuan, f"{kind.label}每户每年上限(元，0为不限)", HARDSHIP,
              minimum=0, maximum=10_000_000) for kind, yuan in DEFAULT_CAPS_YUAN.items()),
    Setting("hardship.temporary_cap_yuan", int, 3000, "未建档临时救助每人每年上限(元)", HARDSHIP,
            minimum=0, maximum=10_000_000),
    Setting("hardship.publicity_workdays", int, 5, "公示期(工作日)", HARDSHIP, minimum=1, maximum=30),
    Setting("hardship.review_months", int, 12, "复核周期(月)", HARDSHIP, minimum=1, maximum=60),
    Setting("hardship.out_of_poverty_months", int, 6, "连续高于低保几个月提示脱困", HARDSHIP, minimum=1,
            maximum=60),
    # mutual-aid ledger 职工互助保障: the defaults of a new plan (each plan keeps its own numbers)
    Setting("mutual_aid.waiting_days", int, 90, "新计划观察期(天)", MUTUAL_AID, minimum=0, maximum=365),
    Setting("mutual_aid.renewal_grace_days", int, 30, "新计划续保宽限期(天)", MUTUAL_AID, minimum=0, maximum=365),
    Setting("mutual_aid.readmission_days", int, 30, "同病因再次住院合并天数", MUTUAL_AID, minimum=0, maximum=365),
    Setting("mutual_aid.max_shares", int, 3, "新计划最多份数", MUTUAL_AID, minimum=1, maximum=10),
    Setting("mutual_aid.min_age", int, 16, "参保最低年龄(周岁)", MUTUAL_AID, minimum=0, maximum=120),
    Setting("mutual_aid.male_max_age", int, 60, "男性参保最高年龄(周岁)", MUTUAL_AID, minimum=0, maximum=120),
    Setting("mutual_aid.female_max_age", int, 55, "女性参保最高年龄(周岁)", MUTUAL_AID, minimum=0, maximum=120),
)

# A yes/no setting typed as text (a form field, a script) is understood in either language.
TRUE_TEXTS = frozenset({"true", "1", "yes", "y", "on", "是", "对", "√"})
FALSE_TEXTS = frozenset({"false", "0", "no", "n", "off", "否", "不", ""})

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}
GROUP_LABELS = {OFFICE: "单位信息", DOC_NUMBERS: "文书文号", DEADLINES: "期限与预警", SECURITY: "账户安全",
                BACKUP: "备份", HARDSHIP: "困难职工帮扶", MUTUAL_AID: "互助保障"}


def validate(setting: Setting, value: Any) -> tuple[Any, str | None]:
    """Coerce ``value`` to the setting's type; return (value, error message or None)."""
    if setting.type is int:
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            v = int(str(value).strip()) if not isinstance(value, int) else value
        except (TypeError, ValueError):
            return value, "请输入整数"
        if setting.minimum is not None and v < setting.minimum:
            return v, f"不能小于 {setting.minimum}"
        if setting.maximum is not None and v > setting.maximum:
            return v, f"不能大于 {setting.maximum}"
        return v, None
    if setting.type is bool:
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int) and value in (0, 1):
            return bool(value), None
        text = "" if value is None else str(value).strip().lower()
        if text in TRUE_TEXTS:
            return True, None
        if text in FALSE_TEXTS:
            return False, None
        return value, "请填写“是”或“否”"
    v = "" if value is None else str(value).strip()
    if setting.key == FULL_ID_ROLES_KEY:
        try:
            return "、".join(r.label for r in roles_from_text(v)), None
        except ValueError as e:
            return v, str(e)
    if setting.required and not v:
        return v, "不能为空"
    if setting.max_length is not None and len(v) > setting.max_length:
        return v, f"不能超过 {setting.max_length} 个字"
    return v, None
