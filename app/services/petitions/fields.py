"""The registration form's fields (登记): their Chinese labels, limits, and the parsing shared by
registration, repeat detection and outreach events.

* A received time up to ``FUTURE_TOLERANCE`` ahead of the clock is accepted (workstation clocks
  differ by a little); later is refused.
* Representatives (≤ ``MAX_REPRESENTATIVES`` names) only for a group contact.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.enums import Channel, LabelledEnum
from app.domain.errors import Collector, ValidationError, labels
from app.domain.validation import clean_text, is_blank

from ..attachments import FIELD as ATTACHMENTS_FIELD


LABELS = labels({
    "channel": "渠道", "received_at": "接待时间", "person": "信访人", "head_count": "人数",
    "representatives": "代表", "employer": "用人单位", "category": "诉求类别",
    "issue_types": "问题类型", "summary": "事项摘要", "request": "诉求", "facts": "事实和理由",
    "disposition": "处理方式", "answer": "答复内容", "reject_reason": "不予受理理由",
    "redirect_to": "告知去向", "transfer_to": "转送机关", "transfer_reason": "转送理由",
    "repeat_of": "原案件", "earlier_documents": "此前文书", "outreach_event": "走访活动",
    "leader_name": "接待领导", "attachments": ATTACHMENTS_FIELD,
})


MAX = {"summary": 500, "request": 2000, "facts": 10000, "answer": 5000, "redirect_to": 200,
       "transfer_to": 200, "transfer_reason": 2000, "earlier_documents": 2000, "leader_name": 40,
       "representative": 40, "ack_note": 500}


HEAD_COUNT_MIN, HEAD_COUNT_MAX = 1, 10000


MAX_REPRESENTATIVES = 5


ANONYMOUS_CHANNELS = frozenset({Channel.CALL, Channel.LETTER, Channel.ONLINE, Channel.OUTREACH})


FUTURE_TOLERANCE = timedelta(minutes=5)


def _enum(errors: Collector, cls: type[LabelledEnum], value: Any, field: str,
          required: bool = True) -> Any:
    """An enum member from a member, its code or its label; None when blank (error if required)."""
    if isinstance(value, cls):
        return value
    text = clean_text(value)
    if not text:
        if required:
            errors.add(field, f"请选择{field}")
        return None
    wide = text.replace("(", "（").replace(")", "）")     # labels use full-width brackets
    for m in cls:
        if text == m.value or wide == m.label:
            return m
    errors.add(field, f"「{text}」不是有效的{field}，请从列表中选择")
    return None


_DATETIME = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                       r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?分?(?:秒)?)?\s*$")


def parse_received(value: Any, now: datetime, field: str = LABELS["received_at"]) -> datetime:
    """A datetime, a date (midnight) or text 「2026-11-20 10:30」/「2026-11-20」; blank → ``now``.
    Refuses dates that do not exist (2月30日) and times later than now (+ ``FUTURE_TOLERANCE``)."""
    if isinstance(value, datetime):
        at = value.replace(tzinfo=None)
    elif isinstance(value, date):
        at = datetime.combine(value, time.min)
    elif is_blank(value):
        return now.replace(microsecond=0)
    else:
        text = unicodedata.normalize("NFKC", clean_text(value))
        m = _DATETIME.match(text)
        if not m:
            raise ValidationError([(field, f"「{value}」不是时间，请按 YYYY-MM-DD HH:MM 填写，"
                                           "例如 2026-11-20 10:30")])
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = date(y, mo, d)
        except ValueError:
            raise ValidationError([(field, f"{y}年{mo}月{d}日 不存在，请检查月份和日期")]) from None
        hh, mm, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        if hh > 23 or mm > 59 or ss > 59:
            raise ValidationError([(field, f"{hh}:{mm:02d} 不是有效的时刻，请填写 00:00 至 23:59")])
        at = datetime.combine(day, time(hh, mm, ss))
    return check_happened(at, now, field)


def check_happened(at: datetime | date, now: datetime, field: str) -> datetime | date:
    """The one rule for what is recorded after the fact (a registration's received time, an
    outreach event's day): not later than ``now`` (+ ``FUTURE_TOLERANCE`` for a clock a little
    ahead; a day: not after that day) and not before 2000. Answers ``at``; ValidationError
    naming ``field`` otherwise."""
    if isinstance(at, datetime):
        if at > now + FUTURE_TOLERANCE:
            raise ValidationError([(field, f"{field}不能晚于现在（填写的是 {at:%Y-%m-%d %H:%M}，"
                                           f"现在是 {now:%Y-%m-%d %H:%M}），请核对")])
    elif at > (now + FUTURE_TOLERANCE).date():
        raise ValidationError([(field, f"{field}不能晚于今天（填写的是 {at:%Y-%m-%d}，"
                                       f"今天是 {now:%Y-%m-%d}），请核对；尚未发生的事在发生后登记")])
    if at.year < 2000:
        raise ValidationError([(field, f"{at:%Y-%m-%d} 太早了，请核对年份")])
    return at


def _int_in_range(value: Any, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise ValidationError([(field, "请填写整数")])
    if isinstance(value, int):
        n = value
    else:
        text = unicodedata.normalize("NFKC", clean_text(value))
        if not text:
            raise ValidationError([(field, f"请填写{field}")])
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValidationError([(field, f"「{value}」不是整数，请填写数字")])
        n = int(text)
    if not lo <= n <= hi:
        raise ValidationError([(field, f"应在 {lo} 至 {hi} 之间，现为 {n}，请核对")])
    return n


def _names(value: Any) -> list[str]:
    """A list of names, or one text separated by 、，,;； or new lines; blanks dropped."""
    if value is None:
        return []
    parts = re.split(r"[、，,;；\n]+", clean_text(value)) if isinstance(value, str) else \
        [clean_text(v) for v in value]
    return [p.strip() for p in parts if p and p.strip()]


def _text_list(value: Any) -> str:
    return "、".join(_names(value)) if not isinstance(value, str) else clean_text(value)


def _months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))
