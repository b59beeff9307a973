"""Enrollment (参保) by employer union: the roster import, the premium batch and its payment.

Contract:
* ``check_roster`` reads an xlsx roster (``roster.ROSTER``: 姓名, 性别, 身份证号, 份数) for one employer
  union and one plan and checks every row — the file-only checks of ``roster.check_rows`` plus what
  the database knows: the same ID already enrolled in this plan (this plan-year), and an ID
  registered in the people registry under another name. It writes nothing and returns a frozen
  ``RosterCheck`` (good rows as a preview with 份, premium and whether the row renews last year's
  cover; bad rows with their sheet row number and reason, IDs masked).
* ``import_roster`` checks again inside ONE write transaction and imports all rows or none: people
  not yet in the registry are created (with birth date and gender from the ID, marked 工会会员, at the
  employer), each row becomes an enrollment of the plan, and the rows together make one premium
  batch (缴费批次: members, 份, premium total). Any bad row → ``RosterRejected`` (a ``UserError``
  carrying the check) and nothing is written. ``dry_run=True`` stops after the check.
* ``record_payment`` records the batch's payment (date, amount, voucher): each member's cover and
  waiting end follow ``app.domain.mutual_aid.cover_dates`` — cover from the day after payment with
  the waiting period from that day; a renewal (covered by last year's plan of the same code) paid
  no later than that term's end + the plan's grace days keeps cover with no new waiting period.
  The payment date cannot change once the batch's members have claims.
* Writes take the acting user (``Perm.MA_ENROLL``), are audited with before/after, and use bulk
  inserts (a 10,000-row roster is checked and imported in well under 5 s). Any thread; one Session
  per call; no ORM object leaves this module.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
from app.domain import clock
from app.domain.actor import CLI_ACTOR, Actor
from app.domain.enums import Gender
from app.domain.errors import Conflict, NotFound, UserError
from app.domain.money import format_yuan
from app.domain.mutual_aid import cover_dates
from app.domain.permissions import Perm
from app.domain.pinyin import initials
from app.output.xlsx_read import read_sheet

from .. import audit
from ..access import require
from ..people import normalize_employer_name
from . import roster
from .cover import plan_rule
from .roster import BadRow, RowCheck

_CHUNK = 500


def _require_enroll(actor: Actor) -> None:
    """Perm.MA_ENROLL; the command line's operator (CLI_ACTOR, DESIGN §5 ``import-roster``) may too."""
    if actor == CLI_ACTOR:
        return
    require(actor, Perm.MA_ENROLL)


@dataclass(frozen=True)
class RosterLine:
    """A good row as the preview shows it."""
    row: int
    name: str
    id_masked: str
    gender: str                 # label
    age: int
    shares: int
    premium_fen: int
    renewal: bool               # covered by the same plan code last year (keeps cover if paid in grace)
    new_person: bool            # not yet in the people registry: created on import


@dataclass(frozen=True)
class RosterCheck:
    plan_id: int
    plan_code: str
    plan_name: str
    employer_id: int
    employer_name: str
    file_error: str | None
    good: tuple[RosterLine, ...]
    bad: tuple[BadRow, ...]

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.bad and bool(self.good)

    @property
    def members(self) -> int:
        return len(self.good)

    @property
    def shares(self) -> int:
        return sum(x.shares for x in self.good)

    @property
    def premium_fen(self) -> int:
        return sum(x.premium_fen for x in self.good)

    @property
    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        if self.bad:
            return (f"共{len(self.good) + len(self.bad)}行，其中{len(self.bad)}行未通过检查，"
                    f"整份名单未导入；请按各行原因改正后重新导入")
        renew = sum(1 for x in self.good if x.renewal)
        return (f"共{self.members}人，{self.shares}份，保费合计{format_yuan(self.premium_fen)}"
                f"（其中续保{renew}人，新登记人员{sum(1 for x in self.good if x.new_person)}人）")

    def lines(self) -> list[str]:
        """``row N: reason`` per bad row (DESIGN §5), or the file's problem as ``row 0``."""
        if self.file_error:
            return [f"row 0: {self.file_error}"]
        return [b.line() for b in self.bad]


class RosterRejected(UserError):
    """The roster has bad rows or cannot be read: nothing was imported. ``check`` has every reason."""

    english = "roster refused: nothing imported"

    def __init__(self, check: RosterCheck):
        self.check = check
        super().__init__(check.summary, "roster refused, nothing imported: " + (
            "the file cannot be read" if check.file_error else f"{len(check.bad)} bad row(s)"))


@dataclass(frozen=True)
class BatchRecord:
    """A premium batch (缴费批次): one roster of one employer union for one plan."""
    id: int
    plan_id: int
    plan_code: str
    employer_id: int
    employer_name: str
    members: int
    shares: int
    premium_fen: int            # due
    paid_fen: int               # received
    paid_on: date | None
    payment_ref: str
    source_file: str
    created_at: datetime


# ------------------------------------------------------------------ plan, employer, reading

def _plan(s: Session, plan: int | str) -> MaPlan:
    """A plan by id, or by code (the newest year of that code; ``CODE/2026`` names the year)."""
    P = MaPlan
    if isinstance(plan, int):
        row = s.get(P, plan)
    else:
        code, _, year = str(plan).strip().partition("/")
        q = select(P).where(P.code == code.strip())
        if year.strip().isdigit():
            q = q.where(P.year == int(year))
        row = s.execute(q.order_by(P.year.desc()).limit(1)).scalars().first()
    if row is None:
        raise NotFound(f"没有代码为「{plan}」的互助计划，请检查计划代码", f"no plan {plan!r}")
    return row


def _employer(s: Session, employer: int | str) -> Employer:
    if isinstance(employer, int):
        row = s.get(Employer, employer)
    else:
        name = normalize_employer_name(str(employer).strip())
        row = s.execute(select(Employer).where(Employer.name == name)).scalars().first()
    if row is None:
        raise NotFound(f"单位「{employer}」尚未登记，请先在单位列表中登记或检查名称", "employer not found")
    if not row.has_union:
        raise UserError(f"单位「{row.name}」未建工会，不能以单位工会名义参加互助保障；"
                        "请先在单位信息中标明「已建工会」", "employer has no union")
    return row


def _in_chunks(s: Session, stmt_for, values: Sequence) -> list:
    out: list = []
    for i in range(0, len(values), _CHUNK):
        out.extend(s.execute(stmt_for(values[i:i + _CHUNK])).all())
    return out


@dataclass
class _Checked:
    check: RosterCheck
    rows: list[RowCheck]
    people: dict[str, int]          # ID → person id (registered already)
    renewals: set[str]              # IDs covered by the same plan code the previous year
    not_members: set[int]           # registered people not yet marked 工会会员


def _check(s: Session, path: Path, plan: MaPlan, employer: Employer) -> _Checked:
    result = read_sheet(path, roster.ROSTER)
    empty = RosterCheck(plan.id, plan.code, plan.name, employer.id, employer.name,
                        result.file_error, (), ())
    if result.file_error:
        return _Checked(empty, [], {}, set(), set())
    rows = roster.check_rows(result, plan_rule(plan))
    ids = sorted({r.id_number for r in rows if r.id_ok})
    P, E = Person, MaEnrollment
    known = {n: (pid, name, member) for n, pid, name, member in _in_chunks(
        s, lambda c: select(P.id_number, P.id, P.name, P.is_member).where(P.id_number.in_(c)), ids)}
    person_ids = [pid for pid, _name, _m in known.values()]
    enrolled = {pid: (emp, shares) for pid, emp, shares in _in_chunks(
        s, lambda c: (select(E.person_id, Employer.name, E.shares)
                      .join(Employer, Employer.id == E.employer_id)
                      .where(E.plan_id == plan.id, E.person_id.in_(c))), person_ids)}
    last = _previous_plan(s, plan)
    covered_last = set()
    if last is not None:
        covered_last = {pid for (pid,) in _in_chunks(
            s, lambda c: select(E.person_id).where(E.plan_id == last.id, E.person_id.in_(c)), person_ids)}
    good: list[RosterLine] = []
    bad: list[BadRow] = []
    renewals: set[str] = set()
    for r in rows:
        extra: list[str] = []
        pid = None
        if r.id_ok and r.id_number in known:
            pid, registered, _member = known[r.id_number]
            if r.name and registered != r.name:
                extra.append(f"该身份证号已登记为「{registered}」，与名单中的姓名「{r.name}」不一致，请核对")
            if pid in enrolled:
                emp, n = enrolled[pid]
                extra.append(f"已参加本计划（{emp}，{n}份），不能重复参保")
        if r.reasons or extra:
            bad.append(roster.bad_row(r, extra))
            continue
        renewal = pid is not None and pid in covered_last
        if renewal:
            renewals.add(r.id_number)
        good.append(RosterLine(r.row, r.name, r.id_masked, Gender.label_of(r.gender), r.age or 0,
                               r.shares or 0, (r.shares or 0) * plan.premium_fen, renewal, pid is None))
    check = RosterCheck(plan.id, plan.code, plan.name, employer.id, employer.name, None,
                        tuple(good), tuple(bad))
    return _Checked(check, rows, {n: pid for n, (pid, _n, _m) in known.items()}, renewals,
                    {pid for pid, _n, member in known.values() if not member})


def _previous_plan(s: Session, plan: MaPlan) -> MaPlan | None:
    """Last year's plan of the same code (its members renew), as ``cover.previous_term_end`` reads it."""
    P = MaPlan
    return s.execute(select(P).where(P.code == plan.code, P.year == plan.year - 1)).scalars().first()


def check_roster(db: Database, path: str | os.PathLike, *, employer: int | str,
                 plan: int | str) -> RosterCheck:
    """Check a roster without writing anything (the preview, and ``--dry-run``)."""
    with db.read() as s:
        p = _plan(s, plan)
        e = _employer(s, employer)
        return _check(s, Path(path), p, e).check


# ------------------------------------------------------------------ import

def import_roster(db: Database, actor: Actor, path: str | os.PathLike, *, employer: int | str,
                  plan: int | str, paid_on: date | None = None, paid_fen: int | None = None,
                  payment_ref: str = "", dry_run: bool = False) -> RosterCheck:
    """Check and import the roster, all rows or none (see the module text); with ``paid_on`` the
    payment is recorded in the same transaction. Returns the check (``dry_run``: nothing written).
    Raises RosterRejected when any row is bad or the file cannot be read."""
    _require_enroll(actor)
    path = Path(path)
    if dry_run:
        check = check_roster(db, path, employer=employer, plan=plan)
        if not check.ok:
            raise RosterRejected(check)
        return check
    with db.write() as s:
        p = _plan(s, plan)
        e = _employer(s, employer)
        done = _check(s, path, p, e)
        check = done.check
        if not check.ok:
            raise RosterRejected(check)
        now = clock.now()
        by_row = {r.row: r for r in done.rows}
        new_people = [by_row[x.row] for x in check.good if x.new_person]
        people = dict(done.people)
        if new_people:
            s.execute(insert(Person), [{
                "name": r.name, "initials": initials(r.name)[:50], "gender": r.gender,
                "id_number": r.id_number, "birth_date": r.birth_date, "phone": None,
                "hukou_place": "", "address": "", "employer_id": e.id, "is_migrant": False,
                "is_model_worker": False, "is_member": True, "note": "", "created_at": now,
                "updated_at": now} for r in new_people])
            got = _in_chunks(s, lambda c: select(Person.id_number, Person.id).where(Person.id_number.in_(c)),
                             [r.id_number for r in new_people])
            people.update(dict(got))
        marked = sorted(done.not_members & {people[by_row[x.row].id_number] for x in check.good})
        for i in range(0, len(marked), _CHUNK):       # the union's roster says they are members
            s.execute(update(Person).where(Person.id.in_(marked[i:i + _CHUNK]))
                      .values(is_member=True, updated_at=now))
        batch = MaBatch(plan_id=p.id, employer_id=e.id, members=check.members, shares=check.shares,
                        premium_fen=check.premium_fen, paid_fen=0, paid_on=None,
                        source_file=path.name[:255], created_by=actor.user_id, created_at=now,
                        updated_at=now)
        s.add(batch)
        s.flush()
        s.execute(insert(MaEnrollment), [{
            "plan_id": p.id, "person_id": people[by_row[x.row].id_number], "batch_id": batch.id,
            "employer_id": e.id, "shares": x.shares, "renewal": x.renewal,
            "premium_fen": x.premium_fen, "cover_start": None, "waiting_end": None,
            "eligible": True, "ineligible_reason": "", "created_at": now} for x in check.good])
        audit.record(s, actor, "ma_batch", batch.id, "import", None, {
            "plan": p.code, "year": p.year, "employer": e.name, "file": path.name,
            "members": check.members, "shares": check.shares, "premium_fen": check.premium_fen,
            "renewals": sum(1 for x in check.good if x.renewal),
            "people_created": [people[r.id_number] for r in new_people],
            "people_marked_member": marked})
        if paid_on is not None:
            _pay(s, actor, batch, p, paid_on, check.premium_fen if paid_fen is None else paid_fen,
                 payment_ref)
        return check


# ------------------------------------------------------------------ payment

def _pay(s: Session, actor: Actor, batch: MaBatch, plan: MaPlan, paid_on: date, paid_fen: int,
         payment_ref: str) -> None:
    if paid_on > plan.term_end:
        raise UserError(f"缴费日期 {paid_on.isoformat()} 晚于保障期结束日 {plan.term_end.isoformat()}，请核对",
                        "payment after the term ends")
    if paid_fen < 0:
        raise UserError("缴费金额不能为负数", "negative payment")
    E = MaEnrollment
    if batch.paid_on is not None and batch.paid_on != paid_on and s.execute(
            select(exists().where(MaClaim.enrollment_id == E.id, E.batch_id == batch.id))).scalar():
        raise Conflict(f"该批次已有会员提出给付申请，不能再更改缴费日期（现为 {batch.paid_on.isoformat()}）",
                       "batch has claims: payment date fixed")
    before = {"paid_on": batch.paid_on, "paid_fen": batch.paid_fen, "payment_ref": batch.payment_ref}
    rule = plan_rule(plan)
    last = _previous_plan(s, plan)
    for renewal in (True, False):
        dates = cover_dates(rule, paid_on, last.term_end if renewal and last is not None else None)
        s.execute(update(E).where(E.batch_id == batch.id, E.renewal.is_(renewal))
                  .values(cover_start=dates.cover_start, waiting_end=dates.waiting_end))
    batch.paid_on, batch.paid_fen = paid_on, paid_fen
    batch.payment_ref = (payment_ref or "").strip()[:60]
    batch.updated_at = clock.now()
    after = {"paid_on": paid_on, "paid_fen": paid_fen, "payment_ref": batch.payment_ref}
    audit.record(s, actor, "ma_batch", batch.id, "pay", before, after)


def record_payment(db: Database, actor: Actor, batch_id: int, paid_on: date, *,
                   paid_fen: int | None = None, payment_ref: str = "") -> BatchRecord:
    """Record (or correct, before any claim) the batch's payment; ``paid_fen`` defaults to the
    premium due. See the module text for the cover dates."""
    _require_enroll(actor)
    with db.write() as s:
        batch = s.get(MaBatch, batch_id)
        if batch is None:
            raise NotFound(f"找不到编号为 {batch_id} 的缴费批次", "batch not found")
        plan = s.get(MaPlan, batch.plan_id)
        _pay(s, actor, batch, plan, paid_on, batch.premium_fen if paid_fen is None else paid_fen,
             payment_ref)
        s.flush()
        return _batches(s, [MaBatch.id == batch_id])[0]


def _batches(s: Session, where: list) -> list[BatchRecord]:
    B, P = MaBatch, MaPlan
    q = (select(B.id, B.plan_id, P.code, B.employer_id, Employer.name, B.members, B.shares,
                B.premium_fen, B.paid_fen, B.paid_on, B.payment_ref, B.source_file, B.created_at)
         .join(P, P.id == B.plan_id).join(Employer, Employer.id == B.employer_id)
         .where(*where).order_by(B.id))
    return [BatchRecord(*row) for row in s.execute(q)]


def batches(db: Database, *, plan: int | None = None, employer_id: int | None = None) -> list[BatchRecord]:
    """The premium batches (premium total per union), oldest first; optionally of one plan / union."""
    B = MaBatch
    where = []
    if plan is not None:
        where.append(B.plan_id == plan)
    if employer_id is not None:
        where.append(B.employer_id == employer_id)
    with db.read() as s:
        return _batches(s, where)


def save_report(check: RosterCheck, path: str | os.PathLike) -> int:
    """The bad rows of ``check`` as an xlsx (reason first, IDs masked)."""
    title = f"参保名单检查结果：{check.employer_name}　{check.plan_code} {check.plan_name}"
    if check.file_error:
        bad = (BadRow(0, "", "", "", "", check.file_error),)
    else:
        bad = check.bad
    return roster.save_report(path, bad, title=title)


def write_template(path: str | os.PathLike, *, plan_name: str = "") -> Path:
    return roster.write_template(path, plan=plan_name)


def union_choices(db: Database) -> list[tuple[int, str]]:
    """(employer id, name) of every union that has sent a roster, by name: a list filter's choices
    (read from the batches, one row per union, plan and year)."""
    with db.read() as s:
        rows = s.execute(select(Employer.id, Employer.name)
                         .where(Employer.id.in_(select(MaBatch.employer_id).distinct()))
                         .order_by(Employer.name)).all()
    return [(eid, name) for eid, name in rows]
