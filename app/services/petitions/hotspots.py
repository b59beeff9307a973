"""Hot-spot warnings (热点预警): raised while a registration is saved (group contacts, many contacts
about one employer or one issue), listed on the workbench, acknowledged with a note by a manager
(``Perm.ACK_HOTSPOT``, audited).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, HotspotWarning, Registration
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import Channel, HotspotKind
from app.domain.errors import Conflict, NotFound, ValidationError
from app.domain.permissions import Perm
from app.domain.validation import check_text, is_blank

from .. import audit
from ..access import require
from .fields import MAX


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
