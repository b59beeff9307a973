"""The demo petition desk: registrations over the three years before the demo's "today", with the
rhythm of a real desk (working days, the weeks before 春节), their cases, outreach events and
hot-spot warnings.
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.db.models import (CalendarDay, Case, CaseEvent, CaseSuspension, Counter, Employer,
                           HotspotWarning, OutreachEvent, Person, Registration, RegistrationIssue,
                           User)
from app.domain import case_clock
from app.domain.case_clock import DeadlineRules
from app.domain.enums import (REJECT_REDIRECTS, Category, Channel, DayKind, Disposition,
                              HotspotKind, IssueType)
from app.domain.money import format_yuan

from .. import calendar as calendar_service
from .. import numbering
from .people import OFFICE_PROFILE, _full_name
from .run import BATCH, DemoRun, GROUP_SIZE, REGISTRATION_COUNTER, _cumulative, _pick, _weighted
from .timelines import _CaseWriter
from .weights import (CATEGORIES_BY_CHANNEL, CHANNELS_RESTDAY, CHANNELS_WORKDAY, DISPOSITIONS,
                      HISTORY_DAYS, ISSUES_BASE, ISSUE_BOOST, PEAK_DAYS, REJECT_WEIGHTS,
                      SECOND_ISSUE, SHOULDER_DAYS)
from .words import (ANSWERS, FACTS, FACTS_DEFAULT, GROUP_SUMMARIES, JOBS, LEADERS,
                    OUTREACH_DEPARTMENTS, OUTREACH_THEMES, REQUESTS, REQUEST_DEFAULT, STREETS,
                    SUMMARIES, TRANSFER_BODIES, TRANSFER_REASONS)


DEFAULT_REGISTRATIONS = 3000


MAX_REGISTRATIONS = 5_000_000


def _spring_festivals(session: Session) -> list[date]:
    """The first 春节 holiday of each year in the calendar table (the seed covers 2004–2026)."""
    rows = session.execute(select(CalendarDay.day).where(CalendarDay.name == "春节",
                                                         CalendarDay.kind == DayKind.HOLIDAY.value)
                           .order_by(CalendarDay.day)).scalars().all()
    first: dict[int, date] = {}
    for d in rows:
        first.setdefault(d.year, d)
    return sorted(first.values())


def spring_peak(day: date, festivals: list[date]) -> float:
    """1 in the 4 weeks before 春节, 0.4 in the two weeks before those, else 0."""
    i = bisect.bisect_right(festivals, day)
    if i == len(festivals):
        return 0.0
    left = (festivals[i] - day).days
    return 1.0 if left <= PEAK_DAYS else 0.4 if left <= SHOULDER_DAYS else 0.0


@dataclass
class _Plan:
    """What the registrations step is asked to inject on a day besides the ordinary flow."""
    outreach: list[tuple[int, int]] = field(default_factory=list)   # (event id, rows)
    cluster: list[int] = field(default_factory=list)                # employer ids, one row each
    group: int = 0                                                  # forced group visits


class _Desk(_CaseWriter):
    """Generates the registrations and cases of one demo run. Not thread-safe; one use."""

    def __init__(self, run: DemoRun):
        self.run = run
        s = run.session
        self.s = s
        self.rng = run.rng("registrations")
        self.case_rng = run.rng("cases")
        self.n = run.registrations
        self.last_day = run.base_time.date() - timedelta(days=1)
        self.first_day = self.last_day - timedelta(days=HISTORY_DAYS - 1)
        self.cal = calendar_service._load(s, self.first_day.year - 1, self.last_day.year + 1)
        self.rules = DeadlineRules()
        self.festivals = _spring_festivals(s)
        users = run.state.get("users") or {u.username: (u.id, u.display_name) for u in s.execute(
            select(User.username, User.id, User.display_name)).all()}
        self.users = users
        self.clerk = users.get("clerk", (None, "clerk"))[0]
        self.handlers = [(users[u][0], u, users[u][1]) for u in ("caseworker", "manager") if u in users]
        self.manager = users["manager"][0] if "manager" in users else None
        persons = s.execute(select(Person.id, Person.employer_id).order_by(Person.id)).all()
        self.person_ids = [p.id for p in persons]
        self.person_employer = {p.id: p.employer_id for p in persons} if len(persons) < 200_000 else None
        if self.person_employer is None:   # big runs: an array indexed by id - first id
            self.person_base = persons[0].id if persons else 0
            self.person_emp_arr = [p.employer_id or 0 for p in persons]
        del persons
        names = run.state.get("employer_names")
        if names is None:
            names = {r.id: r.name for r in s.execute(select(Employer.id, Employer.name)).all()}
        self.employer_names: dict[int, str] = names
        self.employer_streets: dict[int, str] = run.state.get("employer_streets") or {}
        self.employer_ids = sorted(names)
        emp_cum = run.state.get("employer_cum")
        self.employer_cum = emp_cum if emp_cum and len(emp_cum) == len(self.employer_ids) \
            else _cumulative(1.0 for _ in self.employer_ids)
        self.reg_id = (s.scalar(select(func.max(Registration.id))) or 0)
        self.case_id = (s.scalar(select(func.max(Case.id))) or 0)
        self.counters: dict[tuple[str, int], int] = {}
        self.recent_cases: list[tuple[int, int, int | None, str, date]] = []
        self.groups: list[tuple[int, int | None, datetime, int]] = []     # for hot-spot warnings
        self.clusters: list[tuple[int, list[tuple[int, datetime]]]] = []
        self.due_memo: dict[tuple[date, bool, bool], date | None] = {}
        self.counts = {"cases": 0, "open": 0, "overdue": 0, "concluded": 0, "followed_up": 0,
                       "archived": 0, "group_visits": 0, "repeats": 0, "answered": 0,
                       "extended": 0, "suspended": 0, "recovered_fen": 0}
        self.ch_work = _weighted(CHANNELS_WORKDAY)
        self.ch_rest = _weighted(CHANNELS_RESTDAY)
        self.cat_by_channel = {c: _weighted(w) for c, w in CATEGORIES_BY_CHANNEL.items()}
        self.disp_by_cat = {c: _weighted(w) for c, w in DISPOSITIONS.items()}
        self.reject_table = _weighted(REJECT_WEIGHTS)
        self.nonwage: dict[Category, tuple[list, list[float]]] = {}
        self.wage_share: dict[Category, float] = {}
        for cat in Category:
            boost = ISSUE_BOOST.get(cat, {})
            w = {t: base * boost.get(t, 1.0) for t, base in ISSUES_BASE.items()}
            total = sum(w.values())
            self.wage_share[cat] = w[IssueType.WAGES] / total
            self.nonwage[cat] = _weighted((t, v) for t, v in w.items() if t is not IssueType.WAGES and v > 0)
        self.fts_direct = s.get_bind().dialect.name == "sqlite"
        self._reset_batch()

    # ------------------------------------------------------------------------ small helpers
    def _reset_batch(self) -> None:
        self.b_regs: list[dict] = []
        self.b_issues: list[dict] = []
        self.b_fts: list[dict] = []
        self.b_cases: list[dict] = []
        self.b_events: list[dict] = []
        self.b_susp: list[dict] = []

    def _next(self, name: str, year: int) -> int:
        n = self.counters.get((name, year), 0) + 1
        self.counters[(name, year)] = n
        return n

    def _employer_of(self, person_id: int | None) -> int | None:
        if person_id is None:
            return None
        if self.person_employer is not None:
            return self.person_employer.get(person_id)
        return self.person_emp_arr[person_id - self.person_base] or None

    def _random_employer(self, rng: random.Random) -> int | None:
        if not self.employer_ids:
            return None
        return self.employer_ids[bisect.bisect(self.employer_cum, rng.random() * self.employer_cum[-1])]

    def _random_person(self, rng: random.Random) -> int | None:
        return rng.choice(self.person_ids) if self.person_ids else None

    def _at(self, rng: random.Random, day: date, lo_h: float = 8.75, hi_h: float = 17.25) -> datetime:
        return datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=int((lo_h + rng.random() * (hi_h - lo_h)) * 3600))

    @staticmethod
    def _seconds(rng: random.Random, channel: Channel, workday: bool) -> int:
        """Second of the day a contact arrives: office hours mostly; calls also in the evening
        (12351 hotline), online messages at any waking hour."""
        r = rng.random()
        if channel is Channel.CALL:
            lo, hi = (8.5, 17.5) if (workday and r < 0.72) or (not workday and r < 0.5) else (17.5, 21.5)
        elif channel is Channel.ONLINE:
            lo, hi = (7.0, 23.9)
        elif channel is Channel.VISIT:
            lo, hi = (8.75, 11.75) if r < 0.6 else (13.5, 17.0)
        else:
            lo, hi = (9.0, 17.0)
        return int((lo + rng.random() * (hi - lo)) * 3600)

    # ------------------------------------------------------------------------ planning
    def plan(self) -> tuple[list[date], list[int], dict[date, _Plan]]:
        rng = self.rng
        days = [self.first_day + timedelta(days=i) for i in range(HISTORY_DAYS)]
        plans: dict[date, _Plan] = {}
        injected = 0
        if self.n >= 200:   # an open employer hot spot and a group visit in the last days
            recent_work = [d for d in days[-10:] if self.cal.is_workday(d)][-5:]
            emp = self._random_employer(rng)
            if emp is not None and recent_work:
                for d in sorted(rng.sample(recent_work, min(3, len(recent_work)))):
                    plans.setdefault(d, _Plan()).cluster.append(emp)
                    injected += 1
                self.clusters.append((emp, []))
            if recent_work:
                plans.setdefault(recent_work[-1], _Plan()).group += 1
                injected += 1
        weights = []
        span = len(days)
        for i, d in enumerate(days):
            w = 1.0 if self.cal.is_workday(d) else 0.15
            w *= 1.0 + 0.25 * i / span                       # the hotline becomes better known
            w *= 1.0 + 0.7 * spring_peak(d, self.festivals)  # the rush before 春节
            w *= rng.uniform(0.8, 1.2)
            weights.append(w)
        outreach_rows = round(self.n * 0.02) if self.n >= 100 else 0
        self.events: list[dict] = []
        if outreach_rows:
            n_events = max(2, round(outreach_rows / 14))
            work_days = [d for d in days if self.cal.is_workday(d)]
            chosen = sorted(rng.sample(work_days, min(n_events, len(work_days))))
            sizes = [1] * len(chosen)
            for _ in range(outreach_rows - len(chosen)):
                sizes[rng.randrange(len(chosen))] += 1
            event_id0 = self.s.scalar(select(func.max(OutreachEvent.id))) or 0
            streets = list(STREETS)
            for k, (d, size) in enumerate(zip(chosen, sizes)):
                eid = event_id0 + k + 1
                street = rng.choice(streets)
                units = [self.employer_names[e] for e in
                         {self._random_employer(rng) for _ in range(rng.randint(3, 8))} if e is not None]
                self.events.append({
                    "id": eid, "theme": rng.choice(OUTREACH_THEMES).format(s=street),
                    "held_on": d, "place": f"{street}{rng.choice(STREETS[street])}职工之家",
                    "departments": OUTREACH_DEPARTMENTS, "units_present": "、".join(sorted(units)),
                    "workers_present": rng.randint(40, 300), "note": "",
                    "created_by": self.manager, "created_at": self._at(rng, d, 16.5, 18.0)})
                plans.setdefault(d, _Plan()).outreach.append((eid, size))
                injected += size
        main = max(0, self.n - injected)
        counts, acc, done = [], 0.0, 0
        total = sum(weights) or 1.0
        for w in weights:
            acc += w
            upto = round(acc / total * main)
            counts.append(upto - done)
            done = upto
        if injected > self.n:   # tiny runs: nothing injected beyond the total
            plans = {}
        return days, counts, plans

    # ------------------------------------------------------------------------ one registration
    def _issues(self, rng: random.Random, cat: Category, peak: float) -> list[IssueType]:
        share = self.wage_share[cat]
        if share > 0:
            m = 1.0 + 1.6 * peak
            share = share * m / (share * m + 1.0 - share)
        first = IssueType.WAGES if rng.random() < share else _pick(rng, self.nonwage[cat])
        out = [first]
        if rng.random() < 0.2 and first in SECOND_ISSUE:
            second = rng.choice(SECOND_ISSUE[first])
            out.append(second)
            if rng.random() < 0.1 and second in SECOND_ISSUE:
                third = rng.choice(SECOND_ISSUE[second])
                if third not in out:
                    out.append(third)
        return out

    def _texts(self, rng: random.Random, issue: IssueType, emp: int | None, day: date,
               heads: int) -> tuple[str, str, str]:
        e = self.employer_names.get(emp, "所在单位") if emp else "所在单位"
        months = rng.choice((1, 2, 2, 3, 3, 4, 6))
        start = (day.replace(day=1) - timedelta(days=30 * months))
        end = day.replace(day=1) - timedelta(days=1)
        p = month_span(start, end)
        per = rng.randrange(30, 180) * 100
        a = per * months * max(1, heads)
        j = rng.choice(JOBS)
        hired = start - timedelta(days=rng.randrange(0, 1500))
        s_ = f"{hired.year}年{hired.month}月"
        # one variant index for the three texts, so summary, request and facts tell one story
        v = rng.randrange(12)
        if heads >= GROUP_SIZE:
            summary = GROUP_SUMMARIES[v % len(GROUP_SUMMARIES)].format(e=e, j=j, p=p, a=a, n=heads)
        else:
            options = SUMMARIES[issue]
            summary = options[v % len(options)].format(e=e, j=j, p=p, a=a)
        options = REQUESTS.get(issue, REQUEST_DEFAULT)
        request = options[v % len(options)].format(e=e)
        options = FACTS.get(issue, FACTS_DEFAULT)
        fact = options[v % len(options)].format(p=p)
        facts = f"本人于{s_}入职{e}从事{j}工作，{fact}" if emp else fact
        return summary, request, facts

    def registration(self, day: date, secs: int, channel: Channel, *, employer: int | None = None,
                     event_id: int | None = None, group: bool = False, cluster: bool = False) -> dict:
        rng = self.rng
        workday = self.cal.is_workday(day)
        received = datetime.combine(day, datetime.min.time()) + timedelta(seconds=secs)
        peak = spring_peak(day, self.festivals)
        self.reg_id += 1
        rid = self.reg_id
        no = self._next(REGISTRATION_COUNTER, day.year)
        heads, is_group, reps = 1, False, "[]"
        if channel is Channel.VISIT and (group or rng.random() < 0.06):
            r = rng.random()
            heads = rng.randint(5, 10) if r < 0.6 else rng.randint(11, 30) if r < 0.9 else rng.randint(31, 60)
            is_group = True
        person = self._random_person(rng)
        if channel is Channel.CALL and not is_group and rng.random() < 0.08:
            person = None   # anonymous hotline consultation
        repeat_of = None
        disposition = None
        # a contact about an earlier case of the same person (重复信访), or a 不再受理
        if not is_group and event_id is None and not cluster and self.recent_cases and rng.random() < 0.04:
            case_id, p_id, emp_id, issue_code, accepted = rng.choice(self.recent_cases[-400:])
            if (day - accepted).days <= 365 and p_id is not None:
                person, employer, repeat_of = p_id, emp_id, case_id
                issues = [IssueType(issue_code)]
                cat = Category.COMPLAINT
                disposition = Disposition.NO_MORE if rng.random() < 0.06 else Disposition.REPEAT
        if repeat_of is None:
            if is_group or cluster:
                cat = Category.COMPLAINT
                issues = [IssueType.WAGES] + ([IssueType.SOCIAL_INSURANCE] if rng.random() < 0.2 else [])
            else:
                cat = _pick(rng, self.cat_by_channel[channel])
                issues = self._issues(rng, cat, peak)
            if employer is None:
                employer = self._employer_of(person) if rng.random() < 0.85 else None
                if employer is None and rng.random() < 0.7:
                    employer = self._random_employer(rng)
        leader = ""
        if channel is Channel.VISIT and workday and day.day <= 7 and day.weekday() == 2 and rng.random() < 0.5:
            leader = LEADERS[(day.month + day.year) % len(LEADERS)]   # 领导接待日: first Wednesday
        if is_group:
            reps = json.dumps([_full_name(rng, rng.random() < 0.6)
                               for _ in range(min(5, max(1, heads // 5)))], ensure_ascii=False)
        summary, request, facts = self._texts(rng, issues[0], employer, day, heads)
        solved = False
        if disposition is None:
            if event_id is not None:
                r = rng.random()
                disposition = (Disposition.ANSWERED if r < 0.55 else Disposition.ACCEPTED if r < 0.85
                               else Disposition.TRANSFERRED)
                solved = disposition is Disposition.ANSWERED
            elif is_group:
                disposition = Disposition.ACCEPTED if rng.random() < 0.85 else Disposition.TRANSFERRED
            elif cluster:
                disposition = Disposition.ACCEPTED
            else:
                disposition = _pick(rng, self.disp_by_cat[cat])
        row = {
            "id": rid, "reg_no": numbering.registration_no(day.year, no), "channel": channel.value,
            "received_at": received, "person_id": person, "head_count": heads, "is_group": is_group,
            "representatives": reps, "employer_id": employer, "category": cat.value,
            "summary": summary, "request": request, "facts": facts, "disposition": disposition.value,
            "answer": "", "reject_reason": None, "redirect_to": "", "transfer_to": "",
            "transfer_reason": "", "repeat_of_case_id": repeat_of, "earlier_documents": "",
            "outreach_event_id": event_id, "solved_on_site": solved,
            "leader_reception": bool(leader), "leader_name": leader, "created_by": self.clerk,
            "created_at": received + timedelta(minutes=rng.randint(2, 30)),
        }
        row["updated_at"] = row["created_at"]
        if disposition is Disposition.ANSWERED:
            row["answer"] = rng.choice(ANSWERS)
            self.counts["answered"] += 1
        elif disposition is Disposition.NOT_ACCEPTED:
            reason = _pick(rng, self.reject_table)
            row["reject_reason"] = reason.value
            row["redirect_to"] = REJECT_REDIRECTS[reason]
        elif disposition is Disposition.TRANSFERRED:
            row["transfer_to"] = rng.choice(TRANSFER_BODIES)
            row["transfer_reason"] = rng.choice(TRANSFER_REASONS)
        elif disposition is Disposition.REPEAT:
            self.counts["repeats"] += 1
        elif disposition is Disposition.NO_MORE:
            prefix = OFFICE_PROFILE["office.doc_prefix"]
            row["earlier_documents"] = (f"{prefix}〔{day.year - 1}〕{rng.randint(1, 400)}号、"
                                        f"{prefix}〔{day.year}〕{rng.randint(1, 200)}号")
        self.b_regs.append(row)
        for t in issues:
            self.b_issues.append({"registration_id": rid, "issue_type": t.value})
        notes = ""
        if disposition is Disposition.ACCEPTED:
            notes = self.case(row, cat, issues, heads, employer, person)
        if is_group:
            self.counts["group_visits"] += 1
            if day >= self.last_day - timedelta(days=30):
                self.groups.append((rid, employer, received, heads))
        if self.fts_direct:
            self.b_fts.append({"id": rid, "s": summary, "r": request, "f": facts, "n": notes})
        return row

    # ------------------------------------------------------------------------ its case
    def flush(self) -> None:
        s = self.s
        if self.b_regs:
            s.execute(insert(Registration.__table__), self.b_regs)
        if self.b_fts:
            s.execute(text("INSERT INTO registration_fts(rowid, summary, request, facts, notes) "
                           "VALUES (:id, :s, :r, :f, :n)"), self.b_fts)
        if self.b_issues:
            s.execute(insert(RegistrationIssue.__table__), self.b_issues)
        if self.b_cases:
            s.execute(insert(Case.__table__), self.b_cases)
        if self.b_events:
            s.execute(insert(CaseEvent.__table__), self.b_events)
        if self.b_susp:
            s.execute(insert(CaseSuspension.__table__), self.b_susp)
        self._reset_batch()

    def generate(self) -> None:
        run, rng = self.run, self.rng
        days, counts, plans = self.plan()
        if self.events:
            self.s.execute(insert(OutreachEvent.__table__), self.events)
        trigger = None
        if self.fts_direct:   # SQLite only: write the FTS rows with their notes directly
            trigger = self.s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                          "AND name = 'registration_fts_ai'")).scalar()
            if trigger is None:
                self.fts_direct = False
            else:
                self.s.execute(text("DROP TRIGGER registration_fts_ai"))
        cluster_regs: list[tuple[int, datetime]] = []
        done = 0
        for day, n in zip(days, counts):
            plan = plans.get(day)
            workday = self.cal.is_workday(day)
            table = self.ch_work if workday else self.ch_rest
            todo: list[tuple[int, Channel, dict]] = []
            for _ in range(n):
                ch = _pick(rng, table)
                todo.append((self._seconds(rng, ch, workday), ch, {}))
            if plan is not None:
                for eid, size in plan.outreach:
                    for _ in range(size):
                        todo.append((int((9.5 + rng.random() * 2.5) * 3600), Channel.OUTREACH,
                                     {"event_id": eid}))
                for emp in plan.cluster:
                    ch = Channel.CALL if rng.random() < 0.5 else Channel.VISIT
                    todo.append((self._seconds(rng, ch, True), ch, {"employer": emp, "cluster": True}))
                for _ in range(plan.group):
                    todo.append((int((9 + rng.random() * 2) * 3600), Channel.VISIT, {"group": True}))
            todo.sort(key=lambda t: t[0])
            for secs, ch, extra in todo:
                row = self.registration(day, secs, ch, **extra)
                if extra.get("cluster"):
                    cluster_regs.append((row["id"], row["received_at"]))
                done += 1
                if len(self.b_regs) >= BATCH:
                    self.flush()
                    run.report(done / max(1, self.n), f"正在生成登记和案件 {done}/{self.n}")
        self.flush()
        run.report(1.0, f"正在生成登记和案件 {done}/{self.n}")
        if trigger is not None:
            self.s.execute(text(trigger))
        if self.clusters:
            self.clusters[0] = (self.clusters[0][0], cluster_regs)
        self._warnings()
        self._counters()
        self.total = done

    def _warnings(self) -> None:
        """预警 for the group visits and the employer cluster of the last 30 days; those older
        than three days were acknowledged by the manager, the newest are still open."""
        rows = []
        recent = self.last_day - timedelta(days=3)
        created_at = lambda t: t + timedelta(minutes=30)  # noqa: E731
        for rid, emp, at, heads in self.groups:
            ack = at.date() < recent
            rows.append({"kind": HotspotKind.GROUP_VISIT.value, "employer_id": emp,
                         "registration_id": rid, "count": heads, "first_at": at, "last_at": at,
                         "created_at": created_at(at),
                         "acknowledged_by": self.manager if ack else None,
                         "acknowledged_at": at + timedelta(days=1) if ack else None,
                         "note": f"已了解，{heads}人集体访已安排专人接待" if ack else ""})
        for emp, regs in self.clusters:
            if len(regs) >= 3:
                rows.append({"kind": HotspotKind.EMPLOYER.value, "employer_id": emp,
                             "registration_id": regs[-1][0], "count": len(regs),
                             "first_at": regs[0][1], "last_at": regs[-1][1],
                             "created_at": created_at(regs[2][1]), "acknowledged_by": None,
                             "acknowledged_at": None, "note": ""})
        if rows:
            self.s.execute(insert(HotspotWarning.__table__), rows)
        self.counts["warnings"] = len(rows)
        self.counts["warnings_open"] = sum(1 for r in rows if r["acknowledged_at"] is None)

    def _counters(self) -> None:
        """The counters table holds the last numbers used, so later registrations continue."""
        for (name, year), last in sorted(self.counters.items()):
            row = self.s.get(Counter, (name, year))
            if row is None:
                self.s.add(Counter(name=name, year=year, last=last))
            else:
                row.last = max(row.last or 0, last)
        self.s.flush()


def month_span(start: date, end: date) -> str:
    """「2026年8月至10月」, 「2025年11月至2026年2月」, and one month as 「2026年10月」 (never 「10月至10月」)."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月"
    if start.year == end.year:
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def _overdue_now(run: DemoRun) -> int:
    """超期 as the 工作台 counts it on the demo's today (``lists.case_conditions`` of the 已超期
    filter), read in the demo's own transaction: one definition, one number."""
    from ..petitions.lists import CaseFilter, case_conditions
    run.session.flush()
    f = CaseFilter(deadline=case_clock.DeadlineState.OVERDUE.value)
    return run.session.execute(select(func.count(Case.id))
                               .where(*case_conditions(f, run.base_time.date()))).scalar_one()


def _registrations(run: DemoRun) -> str:
    if run.registrations <= 0:
        return "登记 0 件"
    desk = _Desk(run)
    desk.generate()
    c = desk.counts
    c["overdue"] = _overdue_now(run)
    run.counts["registrations"] = desk.total
    run.counts["outreach_events"] = len(desk.events)
    run.counts.update({k: v for k, v in c.items()})
    return (f"登记 {desk.total:,} 件（集体访 {c['group_visits']:,} 批、重复信访 {c['repeats']:,} 件、"
            f"当场答复 {c['answered']:,} 件）；受理案件 {c['cases']:,} 件（在办 {c['open']:,} 件，"
            f"其中超期 {c['overdue']:,} 件；已办结 {c['concluded']:,} 件，已回访 {c['followed_up']:,} 件，"
            f"已归档 {c['archived']:,} 件；追回金额 {format_yuan(c['recovered_fen'])}）；"
            f"走访活动 {len(desk.events)} 场；预警 {c['warnings']} 条（待确认 {c['warnings_open']} 条）")
