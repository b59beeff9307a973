"""Registration (登记): the clerk's form, repeat detection, hot-spot warnings, outreach events,
drafts and attachments (issue 3, DESIGN §3–§4).

Contract:

* Every function opens its own unit of work and returns frozen dataclasses; no ORM object leaves
  this module. Any thread.
* ``register`` validates every field with one ``Collector`` and reports all bad fields at once
  (by their Chinese label). Nothing is half-written: the registration, its issue types, an inline
  new person, the attachment rows, the case opened on acceptance (``cases.open_case``), the
  hot-spot warnings and every audit row are written in ONE ``db.write()`` transaction. The
  registration number is taken inside that transaction (``numbering.next_number``), so a failed
  save returns its number and two workstations never get the same one.
* Permissions: registering needs ``Perm.REGISTER``; the disposition 受理 also ``Perm.ACCEPT_CASE``;
  creating the petitioner inline also ``Perm.EDIT_PEOPLE``; acknowledging a warning
  ``Perm.ACK_HOTSPOT``.
* Attachments are read, hashed and copied into ``<data_dir>/attachments/<sha[:2]>/<sha>`` BEFORE
  the transaction (content-addressed, so the same file is stored once). When the transaction then
  fails, the files this call newly created are removed again unless some attachment row refers to
  them; nothing is left behind.
* Anonymous contacts: the person may be left blank (anonymous) for calls, letters, online
  messages and questions raised at an outreach event (often answered on the spot without a name);
  a visit always has a person in front of the clerk. An anonymous contact cannot
  be accepted as a case, because the acceptance notice must be delivered to someone. A name typed
  but not picked from the matches (``person_name``) is refused: pick or create the person.
* Representatives (≤ 5 names) only for a group contact (head count ≥ ``hotspot.group_size``).
* A received time up to ``FUTURE_TOLERANCE`` ahead of the clock is accepted (workstation clocks
  differ by a little); later is refused.
* Times are naive local; every function takes ``now=`` so tests can move the clock.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import (Attachment, Case, Draft, Employer, HotspotWarning, OutreachEvent, Person,
                           Registration, RegistrationIssue)
from app.domain import clock
from app.domain.actor import Actor
from app.domain.dates import parse_date
from app.domain.enums import (OPEN_STATUSES, REJECT_REDIRECTS, CaseStatus, Category, Channel,
                              Disposition, HotspotKind, IssueType, LabelledEnum, RejectReason,
                              RepeatMatch)
from app.domain.errors import Collector, Conflict, NotFound, UserError, ValidationError
from app.domain.permissions import Perm
from app.domain.validation import (check_id_number, check_name, check_phone, check_text, checked,
                                   clean_text, is_blank, mask_id_tail)
from app.paths import private_dir

from . import audit, numbering, people
from . import settings as settings_service
from .access import require

# ---------------------------------------------------------------- field labels and limits

LABELS: dict[str, str] = {
    "channel": "渠道", "received_at": "接待时间", "person": "信访人", "head_count": "人数",
    "representatives": "代表", "employer": "用人单位", "category": "诉求类别",
    "issue_types": "问题类型", "summary": "事项摘要", "request": "诉求", "facts": "事实和理由",
    "disposition": "处理方式", "answer": "答复内容", "reject_reason": "不予受理理由",
    "redirect_to": "告知去向", "transfer_to": "转送机关", "transfer_reason": "转送理由",
    "repeat_of": "原案件", "earlier_documents": "此前文书", "outreach_event": "走访活动",
    "leader_name": "接待领导", "attachments": "附件",
}
EVENT_LABELS: dict[str, str] = {
    "theme": "活动主题", "held_on": "活动日期", "place": "活动地点", "departments": "邀请部门",
    "units_present": "到场单位", "workers_present": "到场职工人数", "note": "备注",
}
MAX = {"summary": 500, "request": 2000, "facts": 10000, "answer": 5000, "redirect_to": 200,
       "transfer_to": 200, "transfer_reason": 2000, "earlier_documents": 2000, "leader_name": 40,
       "representative": 40, "ack_note": 500}
HEAD_COUNT_MIN, HEAD_COUNT_MAX = 1, 10000
MAX_REPRESENTATIVES = 5
ANONYMOUS_CHANNELS = frozenset({Channel.CALL, Channel.LETTER, Channel.ONLINE, Channel.OUTREACH})
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
MAX_DRAFT_CHARS = 1_000_000
REGISTRATION_FORM = "registration"


# ---------------------------------------------------------------- inputs and records

@dataclass(frozen=True)
class RegistrationInput:
    """What the registration form holds, as typed. Enumerations may be the enum, its code or its
    Chinese label. ``received_at``: a datetime, a date or text (「2026-11-20 10:30」, 「2026-11-20」);
    blank means now. The person is ``person_id`` (picked from the matches), or ``new_person``
    (created with the registration), or nobody with ``anonymous`` (calls, letters, online only).
    Left blank, it is anonymous (calls, letters, online, outreach only); ``person_name`` is text typed in
    the person field without picking a match (refused with a hint). The employer is
    ``employer_id``, or ``employer_name`` (must be registered, exact name). The earlier case of a
    repeat is ``repeat_of_case_id`` or ``repeat_of_case_no``.
    ``representatives``: a list of names or one text separated by 、，; or new lines.
    ``solved_on_site`` None means "answered on the spot" for an outreach contact."""
    channel: Any = None
    received_at: Any = None
    person_id: int | None = None
    new_person: people.PersonInput | None = None
    person_name: str = ""
    head_count: Any = 1
    representatives: Any = ()
    employer_id: int | None = None
    employer_name: str = ""
    category: Any = None
    issue_types: Sequence[Any] = ()
    summary: str = ""
    request: str = ""
    facts: str = ""
    disposition: Any = None
    answer: str = ""
    reject_reason: Any = None
    redirect_to: str = ""
    transfer_to: str = ""
    transfer_reason: str = ""
    repeat_of_case_id: int | None = None
    repeat_of_case_no: str = ""
    earlier_documents: str = ""
    outreach_event_id: int | None = None
    solved_on_site: bool | None = None
    leader_reception: bool = False
    leader_name: str = ""
    attachments: Sequence[str | os.PathLike] = ()


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    registration_id: int
    sha256: str
    filename: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class HotspotRecord:
    id: int
    kind: str
    kind_label: str
    employer_id: int | None
    employer_name: str
    registration_id: int | None
    reg_no: str
    count: int
    first_at: datetime
    last_at: datetime
    created_at: datetime
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    note: str

    @property
    def text(self) -> str:
        """One line for the workbench, after the kind's label."""
        if self.kind == HotspotKind.GROUP_VISIT.value:
            who = f"（{self.employer_name}）" if self.employer_name else ""
            return f"{self.count}人集体来访{who}，登记号 {self.reg_no}"
        return (f"{self.employer_name} 自 {self.first_at:%m-%d} 起已登记 "
                f"{self.count} 次，最近 {self.last_at:%m-%d %H:%M}（{self.reg_no}）")


@dataclass(frozen=True)
class RegistrationRecord:
    id: int
    reg_no: str
    channel: str
    channel_label: str
    received_at: datetime
    person_id: int | None
    person_name: str
    person_id_tail: str
    person_phone: str
    head_count: int
    is_group: bool
    representatives: tuple[str, ...]
    employer_id: int | None
    employer_name: str
    category: str
    category_label: str
    issue_types: tuple[str, ...]
    summary: str
    request: str
    facts: str
    disposition: str
    disposition_label: str
    answer: str
    reject_reason: str | None
    reject_reason_label: str
    redirect_to: str
    transfer_to: str
    transfer_reason: str
    repeat_of_case_id: int | None
    repeat_of_case_no: str
    earlier_documents: str
    outreach_event_id: int | None
    outreach_theme: str
    solved_on_site: bool
    leader_reception: bool
    leader_name: str
    case_id: int | None
    case_no: str
    case_status: str | None
    attachments: tuple[AttachmentRecord, ...]
    created_by: int | None
    created_at: datetime
    warnings: tuple[HotspotRecord, ...] = ()   # raised by this save (``register`` only)

    @property
    def issue_labels(self) -> str:
        return "、".join(IssueType.label_of(t) for t in self.issue_types)

    @property
    def case_status_label(self) -> str:
        return CaseStatus.label_of(self.case_status)

    @property
    def person_label(self) -> str:
        """「张三」, 「张三等12人」, or 匿名 when nobody was recorded."""
        name = self.person_name or "匿名"
        return f"{name}等{self.head_count}人" if self.head_count > 1 else name


@dataclass(frozen=True)
class HistoryItem:
    """One earlier contact: the side panel of the form and the person page."""
    registration_id: int
    reg_no: str
    received_at: datetime
    channel: str
    channel_label: str
    person_name: str
    summary: str
    disposition: str
    disposition_label: str
    case_id: int | None
    case_no: str
    case_status: str | None
    case_status_label: str


@dataclass(frozen=True)
class RepeatCase:
    """A case that makes a new contact a repeat (DESIGN §4)."""
    case_id: int
    case_no: str
    registration_id: int
    reg_no: str
    received_at: datetime
    accepted_on: date
    status: str
    status_label: str
    concluded_on: date | None
    summary: str
    matched_by: str
    matched_label: str

    @property
    def is_open(self) -> bool:
        return self.status in {s.value for s in OPEN_STATUSES}


@dataclass(frozen=True)
class RepeatCheck:
    person_ids: tuple[int, ...]                 # the people the typed details match
    person_contacts: tuple[HistoryItem, ...]    # their earlier contacts, newest first
    employer_contacts: tuple[HistoryItem, ...]  # the employer's earlier contacts, newest first
    cases: tuple[RepeatCase, ...]               # open or recently concluded cases that match
    is_repeat: bool
    suggested_case_id: int | None

    @property
    def suggested(self) -> RepeatCase | None:
        return next((c for c in self.cases if c.case_id == self.suggested_case_id), None)


@dataclass(frozen=True)
class OutreachInput:
    theme: str
    held_on: Any
    place: str = ""
    departments: Any = ""           # text or a list of names
    units_present: Any = ""         # text or a list of names
    workers_present: Any = 0
    note: str = ""


@dataclass(frozen=True)
class OutreachRecord:
    id: int
    theme: str
    held_on: date
    place: str
    departments: str
    units_present: str
    workers_present: int
    note: str
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class EventSummary:
    event: OutreachRecord
    registrations: int        # problems raised (registrations linked to the event)
    solved_on_site: int       # solved on the spot
    accepted: int             # accepted as cases
    head_count: int           # people who raised them (人次)


@dataclass(frozen=True)
class DraftRecord:
    form: str
    payload: dict
    updated_at: datetime


# ---------------------------------------------------------------- parsing helpers

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


# ---------------------------------------------------------------- attachments (files)

def attachments_dir(db: Database) -> Path:
    return db.data_dir / "attachments"


def _stored_path(db: Database, sha: str) -> Path:
    return attachments_dir(db) / sha[:2] / sha


@dataclass
class _Staged:
    source: Path
    filename: str
    sha256: str
    size: int
    tmp: Path | None


def _stage(db: Database, raw: str | os.PathLike, errors: Collector) -> _Staged | None:
    """Read one file, hashing it into a temporary file beside the store. Unreadable → error."""
    field = LABELS["attachments"]
    path = Path(os.fspath(raw)).expanduser()
    name = path.name or str(path)
    if not path.exists():
        errors.add(field, f"文件「{name}」不存在（{path}），请重新选择")
        return None
    if path.is_dir():
        errors.add(field, f"「{name}」是文件夹，请选择文件")
        return None
    tmp_dir = private_dir(private_dir(attachments_dir(db)) / "tmp")   # owner only (app.paths)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="in-")
    tmp = Path(tmp_name)
    h, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(1 << 20):
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise _TooBig()
                h.update(chunk)
                out.write(chunk)
    except _TooBig:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，"
                          "请压缩或分开扫描后再添加")
        return None
    except PermissionError:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」无法读取（没有读取权限），请检查文件后重新选择")
        return None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」无法读取（{e.strerror or e}），请检查文件后重新选择")
        return None
    return _Staged(path, name[:255], h.hexdigest(), size, tmp)


class _TooBig(Exception):
    pass


def _discard_staged(staged: Iterable[_Staged]) -> None:
    for st in staged:
        if st.tmp is not None:
            st.tmp.unlink(missing_ok=True)
            st.tmp = None


def _place(db: Database, staged: Iterable[_Staged]) -> list[Path]:
    """Move staged files to their content address; return the paths this call created."""
    created: list[Path] = []
    for st in staged:
        if st.tmp is None:
            continue
        final = _stored_path(db, st.sha256)
        if final.exists():
            st.tmp.unlink(missing_ok=True)
        else:
            private_dir(final.parent)
            os.replace(st.tmp, final)                      # mkstemp made it 0600
            created.append(final)
        st.tmp = None
    return created


def _remove_unreferenced(db: Database, created: list[Path]) -> None:
    """After a failed save: delete the files this call created unless a row refers to them."""
    if not created:
        return
    try:
        with db.read() as s:
            used = set(s.scalars(select(Attachment.sha256)
                                 .where(Attachment.sha256.in_([p.name for p in created]))))
    except Exception:  # cannot tell: keeping a content-addressed file is harmless
        return
    for p in created:
        if p.name not in used:
            p.unlink(missing_ok=True)


def _stage_all(db: Database, paths: Sequence[str | os.PathLike], errors: Collector) -> list[_Staged]:
    staged: list[_Staged] = []
    seen: set[str] = set()
    for raw in paths or ():
        if is_blank(raw):
            continue
        st = _stage(db, raw, errors)
        if st is None:
            continue
        if st.sha256 in seen:   # the same file twice on one registration: keep one
            _discard_staged([st])
            continue
        seen.add(st.sha256)
        staged.append(st)
    return staged


def _attachment_record(a: Attachment) -> AttachmentRecord:
    return AttachmentRecord(id=a.id, registration_id=a.registration_id, sha256=a.sha256,
                            filename=a.filename, size=a.size, added_at=a.added_at)


# ---------------------------------------------------------------- register

@dataclass
class _Clean:
    values: dict[str, Any]
    issue_types: list[str]
    disposition: Disposition | None
    channel: Channel | None


def _clean(data: RegistrationInput, cfg: dict[str, Any], now: datetime,
           errors: Collector) -> _Clean:
    """Every check that needs no database."""
    L = LABELS
    channel = _enum(errors, Channel, data.channel, L["channel"])
    received = checked(errors, parse_received, data.received_at, now)
    head = checked(errors, _int_in_range, data.head_count, L["head_count"], HEAD_COUNT_MIN,
                   HEAD_COUNT_MAX)
    is_group = head is not None and head >= int(cfg["hotspot.group_size"])
    reps = _names(data.representatives)
    if reps and not is_group:
        errors.add(L["representatives"], f"只有集体访（{cfg['hotspot.group_size']}人及以上）才填写代表；"
                                         "请先填写人数，或清空代表")
    if len(reps) > MAX_REPRESENTATIVES:
        errors.add(L["representatives"], f"代表最多 {MAX_REPRESENTATIVES} 人，现有 {len(reps)} 人，请删减")
    reps = [checked(errors, check_name, r, L["representatives"], MAX["representative"], default=r)
            for r in reps]
    category = _enum(errors, Category, data.category, L["category"])
    issues: list[str] = []
    for raw in data.issue_types or ():
        it = _enum(errors, IssueType, raw, L["issue_types"], required=False)
        if it is not None and it.value not in issues:
            issues.append(it.value)
    if not issues and not any(not is_blank(r) for r in data.issue_types or ()):
        errors.add(L["issue_types"], "请至少选择一个问题类型")
    text = {k: checked(errors, check_text, getattr(data, k), L[k], MAX[k], default="")
            for k in ("summary", "request", "facts")}
    if not text["summary"] and not any(f == L["summary"] for f, _ in errors.errors):
        errors.add(L["summary"], f"请填写{L['summary']}")

    disposition = _enum(errors, Disposition, data.disposition, L["disposition"])
    v: dict[str, Any] = {"answer": "", "reject_reason": None, "redirect_to": "", "transfer_to": "",
                         "transfer_reason": "", "repeat_of_case_id": None, "earlier_documents": ""}

    def need(key: str, label_key: str, why: str) -> str:
        got = checked(errors, check_text, getattr(data, key), L[label_key], MAX[key], default="")
        if not got and not any(f == L[label_key] for f, _ in errors.errors):
            errors.add(L[label_key], f"处理方式为「{why}」时请填写{L[label_key]}")
        return got

    if disposition is Disposition.ANSWERED:
        v["answer"] = need("answer", "answer", Disposition.ANSWERED.label)
    elif disposition is Disposition.NOT_ACCEPTED:
        reason = _enum(errors, RejectReason, data.reject_reason, L["reject_reason"], required=False)
        if reason is None and is_blank(data.reject_reason):
            errors.add(L["reject_reason"], f"处理方式为「{Disposition.NOT_ACCEPTED.label}」时请选择"
                                           f"{L['reject_reason']}")
        v["reject_reason"] = reason.value if reason else None
        redirect = checked(errors, check_text, data.redirect_to, L["redirect_to"], MAX["redirect_to"],
                           default="")
        v["redirect_to"] = redirect or (REJECT_REDIRECTS[reason] if reason else "")
    elif disposition is Disposition.TRANSFERRED:
        v["transfer_to"] = need("transfer_to", "transfer_to", Disposition.TRANSFERRED.label)
        v["transfer_reason"] = need("transfer_reason", "transfer_reason", Disposition.TRANSFERRED.label)
    elif disposition is Disposition.REPEAT:
        if data.repeat_of_case_id is None and is_blank(data.repeat_of_case_no):
            errors.add(L["repeat_of"], f"处理方式为「{Disposition.REPEAT.label}」时请选择原案件"
                                       "（侧栏中的已有案件）")
        v["repeat_of_case_id"] = data.repeat_of_case_id
    elif disposition is Disposition.NO_MORE:
        v["earlier_documents"] = need("earlier_documents", "earlier_documents",
                                      Disposition.NO_MORE.label)

    # the person
    has_new = data.new_person is not None
    if data.person_id is not None and has_new:
        errors.add(L["person"], "已选择了已登记的信访人，又填写了新信访人，请只保留一个")
    if data.person_id is None and not has_new:
        typed = clean_text(data.person_name)
        if typed:
            errors.add(L["person"], f"「{typed}」尚未从匹配列表中选定，请用 ↑↓ 选择已登记的人员，"
                                    "或点「新建」登记该信访人")
        elif channel is None:
            errors.add(L["person"], "请选择或新建信访人（只有来电、来信、网上反映和走访活动现场可以匿名）")
        elif channel is not None and channel not in ANONYMOUS_CHANNELS:
            errors.add(L["person"], f"渠道为「{channel.label}」时须登记信访人，请选择或新建信访人"
                                    "（只有来电、来信、网上反映和走访活动现场可以匿名）")
        elif disposition is Disposition.ACCEPTED:
            errors.add(L["person"], "匿名反映不能受理（受理告知书须送达本人），请登记信访人，"
                                    "或选择其他处理方式")

    # outreach and leader reception
    if channel is Channel.OUTREACH and data.outreach_event_id is None:
        errors.add(L["outreach_event"], f"渠道为「{Channel.OUTREACH.label}」时请选择走访活动")
    if channel is not None and channel is not Channel.OUTREACH and data.outreach_event_id is not None:
        errors.add(L["outreach_event"], f"只有渠道为「{Channel.OUTREACH.label}」的登记才能关联走访活动")
    leader = ""
    if data.leader_reception:
        if channel is not None and channel is not Channel.VISIT:
            errors.add(L["leader_name"], f"领导接待日只适用于「{Channel.VISIT.label}」")
        leader = checked(errors, check_name, data.leader_name, L["leader_name"], MAX["leader_name"],
                         default="")
    solved = data.solved_on_site
    if solved is None:
        solved = channel is Channel.OUTREACH and disposition is Disposition.ANSWERED

    values = {
        "channel": channel.value if channel else None,
        "received_at": received,
        "head_count": head if head is not None else 1,
        "is_group": is_group,
        "representatives": json.dumps(reps, ensure_ascii=False),
        "employer_id": data.employer_id,
        "category": category.value if category else None,
        **text,
        "disposition": disposition.value if disposition else None,
        **v,
        "outreach_event_id": data.outreach_event_id,
        "solved_on_site": bool(solved),
        "leader_reception": bool(data.leader_reception),
        "leader_name": leader,
    }
    return _Clean(values, issues, disposition, channel)


def _check_references(s: Session, data: RegistrationInput, c: _Clean, errors: Collector) -> None:
    """Checks against the database; fills in ``employer_id`` and ``repeat_of_case_id`` resolved
    from a typed name or number."""
    L = LABELS
    if data.person_id is not None and s.get(Person, data.person_id) is None:
        errors.add(L["person"], "所选信访人已不存在，请重新查找")
    if data.employer_id is not None:
        if s.get(Employer, data.employer_id) is None:
            errors.add(L["employer"], "所选单位已不存在，请重新选择")
    elif not is_blank(data.employer_name):
        name = people.normalize_employer_name(clean_text(data.employer_name))
        found = s.scalar(select(Employer.id).where(Employer.name == name).limit(1))
        if found is None:
            errors.add(L["employer"], f"单位「{name}」尚未登记，请从匹配列表中选择，或点「新增单位」登记")
        c.values["employer_id"] = found
    if data.outreach_event_id is not None and s.get(OutreachEvent, data.outreach_event_id) is None:
        errors.add(L["outreach_event"], "所选走访活动已不存在，请重新选择")
    if c.disposition is Disposition.REPEAT:
        if data.repeat_of_case_id is not None:
            if s.get(Case, data.repeat_of_case_id) is None:
                errors.add(L["repeat_of"], f"找不到编号为 {data.repeat_of_case_id} 的案件，"
                                           "请在侧栏中重新选择")
        elif not is_blank(data.repeat_of_case_no):
            no = clean_text(data.repeat_of_case_no).upper()
            found = s.scalar(select(Case.id).where(Case.case_no == no))
            if found is None:
                errors.add(L["repeat_of"], f"找不到案件编号「{no}」，请核对（如 C2026-000045）")
            c.values["repeat_of_case_id"] = found


_AUDITED = ("reg_no", "channel", "received_at", "person_id", "head_count", "is_group",
            "representatives", "employer_id", "category", "summary", "request", "facts",
            "disposition", "answer", "reject_reason", "redirect_to", "transfer_to",
            "transfer_reason", "repeat_of_case_id", "earlier_documents", "outreach_event_id",
            "solved_on_site", "leader_reception", "leader_name")


def register(db: Database, actor: Actor, data: RegistrationInput,
             now: datetime | None = None) -> RegistrationRecord:
    """Save one registration (and, for 受理, open its case). All or nothing; ValidationError lists
    every bad field. Returns the saved record with its number, the case and any warnings raised."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    cfg = settings_service.load(db)
    errors = Collector()
    c = _clean(data, cfg, now, errors)
    if c.disposition is Disposition.ACCEPTED:
        require(actor, Perm.ACCEPT_CASE)
    if data.new_person is not None:
        require(actor, Perm.EDIT_PEOPLE)
    staged = _stage_all(db, data.attachments, errors)
    if errors.errors:
        _discard_staged(staged)
        # the database-dependent checks too, so the clerk sees every problem at once
        with db.read() as s:
            _check_references(s, data, c, errors)
            if data.new_person is not None:
                people.prepare_person(s, data.new_person, errors)
        errors.raise_if_any()
    created: list[Path] = []
    try:
        created = _place(db, staged)
        with db.write() as s:
            _check_references(s, data, c, errors)
            prepared = people.prepare_person(s, data.new_person, errors) \
                if data.new_person is not None else None
            errors.raise_if_any()
            person_id = data.person_id
            if prepared is not None:
                person_id = people.insert_person(s, actor, prepared).id
            rec = _insert(s, actor, c, person_id, staged, now)
            warnings = _hotspots(s, actor, rec, cfg, now)
            out = _record(s, rec)
    except BaseException:
        _discard_staged(staged)
        _remove_unreferenced(db, created)
        raise
    return _replace_warnings(out, warnings)


def _replace_warnings(rec: RegistrationRecord, warnings: list[HotspotRecord]) -> RegistrationRecord:
    return replace(rec, warnings=tuple(warnings))


def _insert(s: Session, actor: Actor, c: _Clean, person_id: int | None, staged: list[_Staged],
            now: datetime) -> Registration:
    received: datetime = c.values["received_at"]
    n = numbering.next_number(s, "registration", received.year)
    reg = Registration(reg_no=numbering.registration_no(received.year, n), person_id=person_id,
                       created_by=actor.user_id, created_at=now, updated_at=now, **c.values)
    s.add(reg)
    s.flush()
    s.add_all(RegistrationIssue(registration_id=reg.id, issue_type=t) for t in c.issue_types)
    atts = [Attachment(registration_id=reg.id, sha256=st.sha256, filename=st.filename,
                       size=st.size, added_by=actor.user_id, added_at=now) for st in staged]
    s.add_all(atts)
    s.flush()
    after = {k: getattr(reg, k) for k in _AUDITED}
    after["representatives"] = json.loads(reg.representatives)
    after["issue_types"] = list(c.issue_types)
    after["attachments"] = [{"sha256": a.sha256, "filename": a.filename, "size": a.size} for a in atts]
    audit.record(s, actor, "registration", reg.id, "create", None, after)
    if c.disposition is Disposition.ACCEPTED:
        from . import cases  # the cases service opens the case, its timeline and its audit row
        cases.open_case(s, actor, reg, now)
    return reg


# ---------------------------------------------------------------- reading registrations

def _record(s: Session, reg: Registration) -> RegistrationRecord:
    person = s.get(Person, reg.person_id) if reg.person_id else None
    employer = s.get(Employer, reg.employer_id) if reg.employer_id else None
    case = s.execute(select(Case).where(Case.registration_id == reg.id)).scalar_one_or_none()
    repeat_no = ""
    if reg.repeat_of_case_id:
        repeat_no = s.scalar(select(Case.case_no).where(Case.id == reg.repeat_of_case_id)) or ""
    theme = ""
    if reg.outreach_event_id:
        theme = s.scalar(select(OutreachEvent.theme).where(OutreachEvent.id == reg.outreach_event_id)) or ""
    issues = tuple(s.scalars(select(RegistrationIssue.issue_type)
                             .where(RegistrationIssue.registration_id == reg.id)))
    order = {t.value: i for i, t in enumerate(IssueType)}
    issues = tuple(sorted(issues, key=lambda t: order.get(t, 99)))
    atts = tuple(_attachment_record(a) for a in s.scalars(
        select(Attachment).where(Attachment.registration_id == reg.id).order_by(Attachment.id)))
    return RegistrationRecord(
        id=reg.id, reg_no=reg.reg_no, channel=reg.channel, channel_label=Channel.label_of(reg.channel),
        received_at=reg.received_at, person_id=reg.person_id,
        person_name=person.name if person else "",
        person_id_tail=mask_id_tail(person.id_number) if person else "",
        person_phone=(person.phone or "") if person else "",
        head_count=reg.head_count, is_group=bool(reg.is_group),
        representatives=tuple(json.loads(reg.representatives or "[]")),
        employer_id=reg.employer_id, employer_name=employer.name if employer else "",
        category=reg.category, category_label=Category.label_of(reg.category), issue_types=issues,
        summary=reg.summary, request=reg.request, facts=reg.facts, disposition=reg.disposition,
        disposition_label=Disposition.label_of(reg.disposition), answer=reg.answer,
        reject_reason=reg.reject_reason, reject_reason_label=RejectReason.label_of(reg.reject_reason),
        redirect_to=reg.redirect_to, transfer_to=reg.transfer_to,
        transfer_reason=reg.transfer_reason, repeat_of_case_id=reg.repeat_of_case_id,
        repeat_of_case_no=repeat_no, earlier_documents=reg.earlier_documents,
        outreach_event_id=reg.outreach_event_id, outreach_theme=theme,
        solved_on_site=bool(reg.solved_on_site), leader_reception=bool(reg.leader_reception),
        leader_name=reg.leader_name, case_id=case.id if case else None,
        case_no=case.case_no if case else "", case_status=case.status if case else None,
        attachments=atts, created_by=reg.created_by, created_at=reg.created_at)


def get_registration(db: Database, registration_id: int) -> RegistrationRecord:
    with db.read() as s:
        reg = s.get(Registration, registration_id)
        if reg is None:
            raise NotFound(f"找不到编号为 {registration_id} 的登记，可能已被删除", "registration not found")
        return _record(s, reg)


def get_registration_by_no(db: Database, reg_no: str) -> RegistrationRecord:
    with db.read() as s:
        reg = s.execute(select(Registration).where(Registration.reg_no == clean_text(reg_no))
                        ).scalar_one_or_none()
        if reg is None:
            raise NotFound(f"找不到登记号为「{reg_no}」的登记，请核对", "registration not found")
        return _record(s, reg)


def _history_rows(s: Session, where, limit: int) -> list[HistoryItem]:
    rows = s.execute(
        select(Registration.id, Registration.reg_no, Registration.received_at, Registration.channel,
               Registration.summary, Registration.disposition, Person.name,
               Case.id.label("case_id"), Case.case_no, Case.status)
        .outerjoin(Person, Person.id == Registration.person_id)
        .outerjoin(Case, Case.registration_id == Registration.id)
        .where(where)
        .order_by(Registration.received_at.desc(), Registration.id.desc())
        .limit(max(1, int(limit)))).all()
    return [HistoryItem(registration_id=r.id, reg_no=r.reg_no, received_at=r.received_at,
                        channel=r.channel, channel_label=Channel.label_of(r.channel),
                        person_name=r.name or "", summary=r.summary, disposition=r.disposition,
                        disposition_label=Disposition.label_of(r.disposition),
                        case_id=r.case_id, case_no=r.case_no or "", case_status=r.status,
                        case_status_label=CaseStatus.label_of(r.status))
            for r in rows]


def history(db: Database, person_id: int | None = None, employer_id: int | None = None,
            limit: int = 20) -> list[HistoryItem]:
    """Earlier contacts of a person and/or an employer, newest first (indexed: person/employer
    + received_at)."""
    conds = []
    if person_id is not None:
        conds.append(Registration.person_id == person_id)
    if employer_id is not None:
        conds.append(Registration.employer_id == employer_id)
    if not conds:
        return []
    with db.read() as s:
        return _history_rows(s, or_(*conds), limit)


# ---------------------------------------------------------------- repeat detection

def _matching_people(s: Session, person_id, id_number, name, phone) -> list[int]:
    ids: list[int] = []
    if person_id is not None:
        ids.append(person_id)
    if not is_blank(id_number):
        try:
            number = check_id_number(id_number)[0]
        except ValidationError:
            number = unicodedata.normalize("NFKC", clean_text(id_number)).upper()
        ids += s.scalars(select(Person.id).where(Person.id_number == number).limit(5))
    elif not is_blank(name) and not is_blank(phone):
        try:
            ph = check_phone(phone)
        except ValidationError:
            ph = None
        if ph:
            ids += s.scalars(select(Person.id).where(Person.name == clean_text(name),
                                                     Person.phone == ph).limit(20))
    return list(dict.fromkeys(ids))


def repeat_check(db: Database, *, person_id: int | None = None, id_number: str | None = None,
                 name: str | None = None, phone: str | None = None, employer_id: int | None = None,
                 issue_types: Iterable[Any] = (), now: datetime | None = None,
                 limit: int = 20) -> RepeatCheck:
    """DESIGN §4: the same person (picked, or by ID number, else name + phone) or the same employer
    with one of these issue types, having an open case or a case concluded within the last
    ``repeat.lookback_months`` months → ``is_repeat`` and the case to link (``suggested_case_id``:
    open before concluded, the person before the employer, newest first)."""
    now = now or clock.now()
    months = int(settings_service.get(db, "repeat.lookback_months"))
    cutoff = _months_before(now.date(), months)
    issues = []
    for t in issue_types or ():
        try:
            issues.append(IssueType(t).value if not isinstance(t, IssueType) else t.value)
        except ValueError:
            continue
    open_values = [st.value for st in OPEN_STATUSES]
    relevant = or_(Case.status.in_(open_values),
                   and_(Case.concluded_on.is_not(None), Case.concluded_on >= cutoff))
    cols = (Case.id, Case.case_no, Case.registration_id, Registration.reg_no,
            Registration.received_at, Case.accepted_on, Case.status, Case.concluded_on,
            Registration.summary)
    with db.read() as s:
        pids = _matching_people(s, person_id, id_number, name, phone)
        found: dict[int, RepeatCase] = {}

        def add(rows, how: RepeatMatch) -> None:
            for r in rows:
                if r.id not in found:
                    found[r.id] = RepeatCase(
                        case_id=r.id, case_no=r.case_no, registration_id=r.registration_id,
                        reg_no=r.reg_no, received_at=r.received_at, accepted_on=r.accepted_on,
                        status=r.status, status_label=CaseStatus.label_of(r.status),
                        concluded_on=r.concluded_on, summary=r.summary, matched_by=how.value,
                        matched_label=how.label)

        person_contacts: list[HistoryItem] = []
        employer_contacts: list[HistoryItem] = []
        if pids:
            add(s.execute(select(*cols).join(Registration, Registration.id == Case.registration_id)
                          .where(Registration.person_id.in_(pids), relevant)
                          .order_by(Registration.received_at.desc()).limit(limit)).all(),
                RepeatMatch.PERSON)
            person_contacts = _history_rows(s, Registration.person_id.in_(pids), limit)
        if employer_id is not None:
            if issues:
                add(s.execute(select(*cols).join(Registration, Registration.id == Case.registration_id)
                              .where(Registration.employer_id == employer_id, relevant,
                                     Registration.id.in_(
                                         select(RegistrationIssue.registration_id)
                                         .where(RegistrationIssue.issue_type.in_(issues))))
                              .order_by(Registration.received_at.desc()).limit(limit)).all(),
                    RepeatMatch.EMPLOYER)
            employer_contacts = _history_rows(s, Registration.employer_id == employer_id, limit)
    cases = sorted(found.values(), key=lambda c: (c.matched_by != RepeatMatch.PERSON.value,
                                                  not c.is_open, -c.received_at.timestamp()))
    suggested = cases[0].case_id if cases else None
    return RepeatCheck(person_ids=tuple(pids), person_contacts=tuple(person_contacts),
                       employer_contacts=tuple(employer_contacts), cases=tuple(cases),
                       is_repeat=bool(cases), suggested_case_id=suggested)


# ---------------------------------------------------------------- hot spots

def _hotspots(s: Session, actor: Actor, reg: Registration, cfg: dict[str, Any],
              now: datetime) -> list[HotspotRecord]:
    """DESIGN §4, inside the registration's transaction: ≥ ``hotspot.employer_count``
    registrations about one employer within ``hotspot.window_days`` days → one open employer
    warning (created, or its count and last time updated); a group visit → its own warning."""
    raised: list[HotspotWarning] = []
    if reg.employer_id is not None:
        window = timedelta(days=int(cfg["hotspot.window_days"]))
        since = reg.received_at - window
        in_window = s.execute(
            select(func.count(), func.min(Registration.received_at), func.max(Registration.received_at))
            .where(Registration.employer_id == reg.employer_id, Registration.received_at > since,
                   Registration.received_at <= reg.received_at)).one()
        open_w = s.execute(select(HotspotWarning)
                           .where(HotspotWarning.acknowledged_at.is_(None),
                                  HotspotWarning.kind == HotspotKind.EMPLOYER.value,
                                  HotspotWarning.employer_id == reg.employer_id)
                           .order_by(HotspotWarning.id.desc()).limit(1)).scalar_one_or_none()
        if open_w is not None:
            open_w.count = s.scalar(select(func.count()).where(
                Registration.employer_id == reg.employer_id,
                Registration.received_at >= open_w.first_at)) or open_w.count
            if reg.received_at >= open_w.last_at:
                open_w.last_at = reg.received_at
                open_w.registration_id = reg.id
            audit.record(s, actor, "warning", open_w.id, "update", None,
                         {"count": open_w.count, "registration_id": open_w.registration_id,
                          "last_at": open_w.last_at})
            raised.append(open_w)
        elif in_window[0] >= int(cfg["hotspot.employer_count"]):
            raised.append(_new_warning(s, actor, HotspotKind.EMPLOYER, reg, in_window[0],
                                       in_window[1], in_window[2], now))
    if reg.is_group and reg.channel == Channel.VISIT.value:
        raised.append(_new_warning(s, actor, HotspotKind.GROUP_VISIT, reg, reg.head_count,
                                   reg.received_at, reg.received_at, now))
    return [_warning_record(s, w) for w in raised]


def _new_warning(s: Session, actor: Actor, kind: HotspotKind, reg: Registration, count: int,
                 first_at: datetime, last_at: datetime, now: datetime) -> HotspotWarning:
    w = HotspotWarning(kind=kind.value, employer_id=reg.employer_id, registration_id=reg.id,
                       count=count, first_at=first_at, last_at=last_at, created_at=now)
    s.add(w)
    s.flush()
    audit.record(s, actor, "warning", w.id, "create", None,
                 {"kind": w.kind, "employer_id": w.employer_id, "count": w.count,
                  "registration_id": reg.id})
    return w


def _warning_record(s: Session, w: HotspotWarning) -> HotspotRecord:
    name = s.scalar(select(Employer.name).where(Employer.id == w.employer_id)) if w.employer_id else ""
    reg_no = s.scalar(select(Registration.reg_no).where(Registration.id == w.registration_id)) \
        if w.registration_id else ""
    return HotspotRecord(id=w.id, kind=w.kind, kind_label=HotspotKind.label_of(w.kind),
                         employer_id=w.employer_id, employer_name=name or "",
                         registration_id=w.registration_id, reg_no=reg_no or "", count=w.count,
                         first_at=w.first_at, last_at=w.last_at, created_at=w.created_at,
                         acknowledged_by=w.acknowledged_by, acknowledged_at=w.acknowledged_at,
                         note=w.note)


def open_warnings(db: Database, limit: int = 200) -> list[HotspotRecord]:
    """Warnings not yet acknowledged, newest first (for the workbench)."""
    with db.read() as s:
        rows = s.scalars(select(HotspotWarning).where(HotspotWarning.acknowledged_at.is_(None))
                         .order_by(HotspotWarning.last_at.desc(), HotspotWarning.id.desc())
                         .limit(limit)).all()
        return [_warning_record(s, w) for w in rows]


ACK_NOTE_LABEL = "处理情况"


def acknowledge_warnings(db: Database, actor: Actor, warning_ids: Iterable[int], note: str,
                         now: datetime | None = None) -> list[HotspotRecord]:
    """A manager has dealt with one or more warnings and says what was done (``note``, required):
    they leave the workbench together, each with an audit row carrying the note. All or none: an
    unknown or already acknowledged warning refuses the whole batch (NotFound / Conflict naming
    it). Returns the acknowledged warnings in the order given."""
    require(actor, Perm.ACK_HOTSPOT)
    ids = list(dict.fromkeys(int(i) for i in warning_ids))
    if not ids:
        raise ValidationError([("预警", "请先在预警列表中选择要确认的预警（可按住 Ctrl 或 Shift 多选）")])
    if is_blank(note):
        raise ValidationError([(ACK_NOTE_LABEL, "请填写对预警做了什么处理，例如「已安排专人接待，约谈单位负责人」")])
    text = check_text(note, ACK_NOTE_LABEL, MAX["ack_note"])
    now = now or clock.now()
    with db.write() as s:
        rows = {w.id: w for w in s.scalars(select(HotspotWarning).where(HotspotWarning.id.in_(ids)))}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFound(f"找不到编号为 {'、'.join(map(str, missing))} 的预警，请刷新后重试",
                           "warning not found")
        done = [rows[i] for i in ids if rows[i].acknowledged_at is not None]
        if done:
            w = done[0]
            raise Conflict(f"编号 {w.id} 的预警已于 {w.acknowledged_at:%Y-%m-%d %H:%M} 确认，"
                           "请刷新后只选择未确认的预警")
        out = []
        for i in ids:
            w = rows[i]
            w.acknowledged_by, w.acknowledged_at, w.note = actor.user_id, now, text
            after = {"acknowledged_at": now, "note": text}
            if len(ids) > 1:
                after["batch_size"] = len(ids)
            audit.record(s, actor, "warning", w.id, "acknowledge", None, after)
            out.append(_warning_record(s, w))
        return out


def acknowledge_warning(db: Database, actor: Actor, warning_id: int, note: str,
                        now: datetime | None = None) -> HotspotRecord:
    """One warning (see ``acknowledge_warnings``)."""
    return acknowledge_warnings(db, actor, [warning_id], note, now)[0]


# ---------------------------------------------------------------- outreach events

def _event_record(e: OutreachEvent) -> OutreachRecord:
    return OutreachRecord(id=e.id, theme=e.theme, held_on=e.held_on, place=e.place,
                          departments=e.departments, units_present=e.units_present,
                          workers_present=e.workers_present, note=e.note, created_by=e.created_by,
                          created_at=e.created_at)


def create_event(db: Database, actor: Actor, data: OutreachInput,
                 now: datetime | None = None) -> OutreachRecord:
    """Record an on-site outreach event (「工情直通车」…). ValidationError names every bad field."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    L = EVENT_LABELS
    errors = Collector()
    theme = checked(errors, check_text, data.theme, L["theme"], 200, required=True, default="")
    held_on = None
    if is_blank(data.held_on):
        errors.add(L["held_on"], f"请填写{L['held_on']}")
    else:
        held_on = checked(errors, lambda v, f: check_happened(parse_date(v, f), now, f),
                          data.held_on, L["held_on"])
    values = {
        "theme": theme, "held_on": held_on,
        "place": checked(errors, check_text, data.place, L["place"], 200, default=""),
        "departments": checked(errors, check_text, _text_list(data.departments), L["departments"],
                               500, default=""),
        "units_present": checked(errors, check_text, _text_list(data.units_present),
                                 L["units_present"], 5000, default=""),
        "workers_present": checked(errors, _int_in_range, data.workers_present if not
                                   is_blank(data.workers_present) else 0, L["workers_present"],
                                   0, 100000, default=0),
        "note": checked(errors, check_text, data.note, L["note"], 2000, default=""),
    }
    errors.raise_if_any()
    with db.write() as s:
        e = OutreachEvent(**values, created_by=actor.user_id, created_at=now)
        s.add(e)
        s.flush()
        audit.record(s, actor, "outreach_event", e.id, "create", None, values)
        return _event_record(e)


def list_events(db: Database, limit: int = 200) -> list[OutreachRecord]:
    """Events, newest first."""
    with db.read() as s:
        return [_event_record(e) for e in s.scalars(
            select(OutreachEvent).order_by(OutreachEvent.held_on.desc(), OutreachEvent.id.desc())
            .limit(limit))]


def event_summary(db: Database, event_id: int) -> EventSummary:
    with db.read() as s:
        e = s.get(OutreachEvent, event_id)
        if e is None:
            raise NotFound(f"找不到编号为 {event_id} 的走访活动", "event not found")
        r = s.execute(select(
            func.count(),
            func.coalesce(func.sum(case((Registration.solved_on_site.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Registration.disposition == Disposition.ACCEPTED.value, 1),
                                        else_=0)), 0),
            func.coalesce(func.sum(Registration.head_count), 0))
            .where(Registration.outreach_event_id == event_id)).one()
        return EventSummary(event=_event_record(e), registrations=r[0], solved_on_site=int(r[1]),
                            accepted=int(r[2]), head_count=int(r[3]))


def event_registrations(db: Database, event_id: int, limit: int = 500) -> list[HistoryItem]:
    """The problems raised at an event, newest first."""
    with db.read() as s:
        return _history_rows(s, Registration.outreach_event_id == event_id, limit)


# ---------------------------------------------------------------- drafts

def _draft_user(actor: Actor) -> int:
    return actor.user_id if actor.user_id is not None else 0


def save_draft(db: Database, actor: Actor, form: str, payload: dict,
               now: datetime | None = None) -> DraftRecord:
    """Keep a half-typed form of this user (one per form), replacing the previous one.

    Drafts are scratch copies of what is on the screen, not records: no audit row is written
    (the saved registration is audited). Raises UserError when the payload cannot be stored."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    try:
        text = json.dumps(payload, ensure_ascii=False, default=audit._default)
    except (TypeError, ValueError) as e:
        raise UserError("草稿内容无法保存（含有不支持的数据）", f"draft not serialisable: {e}") from e
    if len(text) > MAX_DRAFT_CHARS:
        raise UserError("草稿内容过长，无法保存", "draft too large")
    uid = _draft_user(actor)
    with db.write() as s:
        row = s.execute(select(Draft).where(Draft.user_id == uid, Draft.form == form)
                        ).scalar_one_or_none()
        if row is None:
            s.add(Draft(user_id=uid, form=form, payload=text, updated_at=now))
        else:
            row.payload, row.updated_at = text, now
    return DraftRecord(form=form, payload=json.loads(text), updated_at=now)


def load_draft(db: Database, actor: Actor, form: str) -> DraftRecord | None:
    """This user's draft of ``form``, or None."""
    with db.read() as s:
        row = s.execute(select(Draft).where(Draft.user_id == _draft_user(actor), Draft.form == form)
                        ).scalar_one_or_none()
        if row is None:
            return None
        try:
            payload = json.loads(row.payload)
        except ValueError:
            return None
        return DraftRecord(form=row.form, payload=payload, updated_at=row.updated_at)


def discard_draft(db: Database, actor: Actor, form: str) -> None:
    """Forget this user's draft of ``form`` (after saving, or when the clerk declines it)."""
    with db.write() as s:
        row = s.execute(select(Draft).where(Draft.user_id == _draft_user(actor), Draft.form == form)
                        ).scalar_one_or_none()
        if row is not None:
            s.delete(row)


# ---------------------------------------------------------------- attachments (records)

def add_attachments(db: Database, actor: Actor, registration_id: int,
                    paths: Sequence[str | os.PathLike], now: datetime | None = None
                    ) -> list[AttachmentRecord]:
    """Attach more files to a saved registration (each copied into the store under its SHA-256),
    all in one transaction: a file that cannot be read refuses the lot, naming it."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    errors = Collector()
    staged = _stage_all(db, list(paths), errors)
    if errors.errors or not staged:
        _discard_staged(staged)
        errors.raise_if_any()
        raise ValidationError([(LABELS["attachments"], "请选择文件")])
    created: list[Path] = []
    try:
        created = _place(db, staged)
        with db.write() as s:
            if s.get(Registration, registration_id) is None:
                raise NotFound(f"找不到编号为 {registration_id} 的登记", "registration not found")
            out = []
            for st in staged:
                a = Attachment(registration_id=registration_id, sha256=st.sha256,
                               filename=st.filename, size=st.size, added_by=actor.user_id,
                               added_at=now)
                s.add(a)
                s.flush()
                audit.record(s, actor, "registration", registration_id, "attach", None,
                             {"attachment_id": a.id, "sha256": a.sha256, "filename": a.filename,
                              "size": a.size})
                out.append(_attachment_record(a))
            return out
    except BaseException:
        _discard_staged(staged)
        _remove_unreferenced(db, created)
        raise


def add_attachment(db: Database, actor: Actor, registration_id: int, path: str | os.PathLike,
                   now: datetime | None = None) -> AttachmentRecord:
    """Attach one more file to a saved registration (see ``add_attachments``)."""
    return add_attachments(db, actor, registration_id, [path], now)[0]


def attachments(db: Database, registration_id: int) -> list[AttachmentRecord]:
    with db.read() as s:
        return [_attachment_record(a) for a in s.scalars(
            select(Attachment).where(Attachment.registration_id == registration_id)
            .order_by(Attachment.id))]


def attachment_file(db: Database, attachment_id: int) -> Path:
    """Where the stored copy is, to open it. UserError when the record or the file is missing."""
    with db.read() as s:
        a = s.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(f"找不到编号为 {attachment_id} 的附件", "attachment not found")
        path = _stored_path(db, a.sha256)
        name = a.filename
    if not path.is_file():
        raise UserError(f"附件「{name}」的文件在数据文件夹中找不到（{path}），请从备份恢复",
                        "attachment file missing")
    return path
