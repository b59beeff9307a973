"""The demo cases: an accepted registration's case with its timeline (measures, extension,
suspension, outcome, follow-up).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

from app.domain import case_clock
from app.domain.enums import (AssigneeKind, CaseEventKind, CaseStatus, Category, ExtensionStatus,
                              FollowUp, IssueType, Measure, Outcome, SuspendReason)
from app.domain.money import format_yuan

from .. import numbering
from .run import CASE_COUNTER, GROUP_SIZE
from .words import (DEPARTMENTS, EXTENSION_REASONS, FOLLOWUP_NOTES, LEADERS, MEASURE_TEXTS, NOTES,
                    OUTCOME_TEXTS, STREETS)


class _CaseWriter:
    """The case of an accepted registration, with its timeline (a part of ``_Desk``, which has the
    run, the batches and the counters it writes through)."""

    def _due(self, accepted: date, category: str, extended: bool,
             suspensions: tuple[case_clock.Suspension, ...]) -> date | None:
        if suspensions:
            return case_clock.handling_due(self.cal, accepted, category, self.rules,
                                           extended=extended, suspensions=suspensions)
        key = (accepted, category in case_clock.SHORT_CATEGORIES, extended)
        due = self.due_memo.get(key)
        if due is None:
            due = self.due_memo[key] = case_clock.handling_due(self.cal, accepted, category, self.rules,
                                                               extended=extended)
        return due

    def case(self, reg: dict, cat: Category, issues: list[IssueType], heads: int,
             employer: int | None, person: int | None) -> str:
        """Write the case of an accepted registration as it stands on ``last_day``; return the
        text of its notes (indexed for content search)."""
        rng, cal, last = self.case_rng, self.cal, self.last_day
        received: datetime = reg["received_at"]
        accepted = received.date()
        self.case_id += 1
        cid = self.case_id
        case_no = numbering.case_no(accepted.year, self._next(CASE_COUNTER, accepted.year))
        short = cat.value in case_clock.SHORT_CATEGORIES
        group = heads >= GROUP_SIZE
        handler_id, handler_user, handler_name = (self.handlers[0] if rng.random() < 0.7 or len(self.handlers) < 2
                                                  else self.handlers[1]) if self.handlers else (None, "system", "")
        r = rng.random()
        kind = (AssigneeKind.HANDLER if r < 0.75 else AssigneeKind.DEPARTMENT if r < 0.9
                else AssigneeKind.LOWER_UNION)
        assignee = ("" if kind is AssigneeKind.HANDLER else rng.choice(DEPARTMENTS)
                    if kind is AssigneeKind.DEPARTMENT
                    else f"{self.employer_streets.get(employer) or rng.choice(list(STREETS))}总工会")
        assign_day = cal.add_workdays(cal.next_workday(accepted), rng.choice((0, 0, 1, 1, 2)))
        work_day = cal.add_workdays(assign_day, rng.randint(1, 4))
        extend = not short and rng.random() < 0.07
        suspend = not short and not extend and rng.random() < 0.025
        late = rng.random() < (0.05 if short else 0.08)
        if short:
            k = rng.randint(6, 10) if late else rng.randint(1, 5)
        elif extend:
            k = rng.randint(31, 36) if late else rng.randint(20, 30)
        else:
            k = rng.randint(21, 32) if late else int(rng.triangular(5, 20, 13))
        conclude = cal.add_workdays(accepted, max(k, 1))
        if conclude <= work_day:
            conclude = cal.add_workdays(work_day, 1)
        susp_start = susp_end = None
        if suspend:
            susp_start = cal.add_workdays(accepted, rng.randint(3, 8))
            susp_end = susp_start + timedelta(days=rng.randint(10, 45))
            conclude = cal.add_workdays(cal.next_workday(susp_end + timedelta(days=(conclude - accepted).days)), 0)
        if rng.random() < 0.01:   # a case that drags on
            conclude = cal.next_workday(conclude + timedelta(days=rng.randint(30, 120)))
        ext_req = ext_ok = None
        if extend:
            ext_req = cal.add_workdays(accepted, rng.randint(12, 17))
            ext_ok = cal.add_workdays(ext_req, 1)
        # as it stands on last_day
        extended = bool(extend and ext_ok <= last)
        susps: tuple[case_clock.Suspension, ...] = ()
        suspended = False
        if suspend and susp_start <= last:
            resumed = susp_end if susp_end <= last else None
            susps = (case_clock.Suspension(susp_start, resumed),)
            suspended = resumed is None
        due = self._due(accepted, cat.value, extended, susps)
        concluded = conclude <= last
        followup_day = cal.add_workdays(conclude, rng.randint(2, 8))
        followed = concluded and followup_day <= last and rng.random() < 0.97
        archive_day = cal.next_workday(followup_day + timedelta(days=rng.randint(20, 90)))
        archived = followed and archive_day <= last
        if archived:
            status = CaseStatus.ARCHIVED
        elif followed:
            status = CaseStatus.FOLLOWED_UP
        elif concluded:
            status = CaseStatus.CONCLUDED
        elif last < assign_day:
            status = CaseStatus.ACCEPTED
        elif last < work_day:
            status = CaseStatus.ASSIGNED
        else:
            status = CaseStatus.IN_PROGRESS
        assigned = status is not CaseStatus.ACCEPTED
        wages = IssueType.WAGES in issues
        outcome = None
        recovered = workers = 0
        if concluded:
            o = rng.random()
            if wages or group:
                outcome = (Outcome.SUPPORTED if o < 0.55 else Outcome.PARTLY if o < 0.85
                           else Outcome.EXPLAINED if o < 0.97 else Outcome.NOT_SUPPORTED)
            else:
                outcome = (Outcome.SUPPORTED if o < 0.35 else Outcome.PARTLY if o < 0.6
                           else Outcome.EXPLAINED if o < 0.95 else Outcome.NOT_SUPPORTED)
            money = (wages or IssueType.INJURY in issues or IssueType.CONTRACT in issues)
            if money and outcome in (Outcome.SUPPORTED, Outcome.PARTLY):
                workers = heads if outcome is Outcome.SUPPORTED else max(1, int(heads * rng.uniform(0.6, 1)))
                yuan = math.exp(rng.uniform(math.log(2000), math.log(60000)))
                if group:
                    yuan = min(300_000, workers * rng.uniform(4000, 15000))
                recovered = int(yuan / 10) * 1000   # whole ten yuan, in fen
        followup = None
        if followed:
            f = rng.random()
            followup = (FollowUp.SATISFIED if f < 0.68 else FollowUp.BASICALLY if f < 0.88
                        else FollowUp.DISSATISFIED if f < 0.96 else FollowUp.UNREACHABLE)
        supervised = rng.random() < (0.4 if group else 0.03)
        focus = rng.random() < (0.7 if group else 0.04)
        notice_day = cal.add_workdays(accepted, rng.randint(1, 4))
        feedback = cal.add_workdays(assign_day, self.rules.feedback_workdays)
        if due is not None and feedback > due:
            feedback = max(due, assign_day)
        # the timeline
        events: list[tuple[date, str | None, str, str, dict]] = []
        clerk = ("clerk", self.clerk)
        e_name = self.employer_names.get(employer, "所在单位") if employer else "所在单位"
        events.append((accepted, None, CaseEventKind.OPENED.value,
                       f"受理登记 {reg['reg_no']}", {"reg_no": reg["reg_no"]}))
        who = handler_name if kind is AssigneeKind.HANDLER else assignee
        if assigned:
            events.append((assign_day, "manager", CaseEventKind.ASSIGNED.value,
                           f"交办给{kind.label}「{who}」", {"to": who, "kind": kind.value}))
        notes: list[str] = []
        if status not in (CaseStatus.ACCEPTED, CaseStatus.ASSIGNED):
            note = rng.choice(NOTES).format(e=e_name)
            notes.append(note)
            events.append((work_day, handler_user, CaseEventKind.NOTE.value, note, {}))
            if rng.random() < 0.5:
                m = (Measure.MEDIATION if wages and rng.random() < 0.5 else rng.choice(list(Measure)))
                text_ = rng.choice(MEASURE_TEXTS[m])
                day2 = cal.add_workdays(work_day, rng.randint(1, 3))
                if day2 <= last and (not concluded or day2 < conclude):
                    notes.append(text_)
                    events.append((day2, handler_user, CaseEventKind.MEASURE.value,
                                   f"{m.label}；{text_}", {"measure": m.value, "text": text_}))
        reason = ""
        if extend and ext_req <= last:
            reason = rng.choice(EXTENSION_REASONS)
            events.append((ext_req, handler_user, CaseEventKind.EXTENSION_REQUESTED.value,
                           f"申请延期：{reason}", {"reason": reason}))
            if ext_ok <= last:
                events.append((ext_ok, "manager", CaseEventKind.EXTENSION_APPROVED.value, "批准延期",
                               {"due_date": due}))
        if suspend and susp_start <= last:
            sreason = rng.choice((SuspendReason.HEARING, SuspendReason.APPRAISAL))
            events.append((susp_start, handler_user, CaseEventKind.SUSPENDED.value,
                           f"中止办理：{sreason.label}", {"reason": sreason.value}))
            self.b_susp.append({"case_id": cid, "start": susp_start,
                                "resumed": susp_end if susp_end <= last else None,
                                "reason": sreason.value, "note": ""})
            if susp_end <= last:
                events.append((susp_end, handler_user, CaseEventKind.RESUMED.value, "恢复办理", {}))
        outcome_text = ""
        if concluded:
            outcome_text = rng.choice(OUTCOME_TEXTS[outcome])
            if recovered:
                outcome_text += f"，追回{format_yuan(recovered)}"
            events.append((conclude, handler_user, CaseEventKind.CONCLUDED.value,
                           f"{outcome.label}：{outcome_text}", {"outcome": outcome.value}))
        followup_note = ""
        if followed:
            followup_note = rng.choice(FOLLOWUP_NOTES[followup])
            events.append((followup_day, "clerk", CaseEventKind.FOLLOWED_UP.value,
                           f"{followup.label}：{followup_note}", {"result": followup.value}))
        if archived:
            events.append((archive_day, "manager", CaseEventKind.ARCHIVED.value, "归档", {}))
        at = received + timedelta(minutes=rng.randint(5, 40))
        opened_at = at
        for day, user, ev_kind, text_, detail in events:
            if day > accepted:
                at = max(at + timedelta(minutes=5), self._at(rng, day))
            uname = user or clerk[0]
            uid = self.users.get(uname, (None, ""))[0]
            self.b_events.append({"case_id": cid, "at": at, "user_id": uid, "username": uname,
                                  "kind": ev_kind, "text": text_,
                                  "detail": json.dumps(detail, ensure_ascii=False, default=str)})
        self.b_cases.append({
            "id": cid, "case_no": case_no, "registration_id": reg["id"], "status": status.value,
            "category": cat.value, "accepted_on": accepted,
            "notice_due": case_clock.notice_due(cal, accepted, self.rules),
            "notice_delivered_on": notice_day if notice_day <= last else None,
            "due_date": due,
            "handler_id": handler_id if assigned else None,   # for 部门/下级工会: who follows it up
            "assignee_kind": kind.value if assigned else None,
            "assignee_name": assignee if assigned else "",
            "feedback_due": feedback if assigned else None,
            "extension_status": (ExtensionStatus.APPROVED.value if extended
                                 else ExtensionStatus.REQUESTED.value if extend and ext_req <= last
                                 else None),
            "extension_reason": reason,
            "extension_requested_by": handler_id if extend and ext_req <= last else None,
            "extension_decided_by": self.manager if extended else None,
            "extended": extended, "suspended": suspended, "supervised": supervised, "focus": focus,
            "leader_in_charge": rng.choice(LEADERS) if supervised else "",
            "concluded_on": conclude if concluded else None,
            "on_time": (due is not None and conclude <= due) if concluded else None,
            "outcome": outcome.value if outcome else None, "outcome_text": outcome_text,
            "recovered_fen": recovered, "workers_benefited": workers,
            "followup_result": followup.value if followup else None,
            "followup_on": followup_day if followed else None, "followup_note": followup_note,
            "archived_on": archive_day if archived else None, "reopened_count": 0,
            "created_at": opened_at, "updated_at": at,
        })
        c = self.counts
        c["cases"] += 1
        c["recovered_fen"] += recovered
        c["extended"] += extended
        c["suspended"] += suspended
        if concluded:
            c["concluded"] += 1
            c["followed_up"] += followed
            c["archived"] += archived
        else:
            c["open"] += 1          # 超期 is counted afterwards as the 工作台 counts it
        if person is not None:
            self.recent_cases.append((cid, person, employer, issues[0].value, accepted))
            if len(self.recent_cases) > 2000:
                del self.recent_cases[:1000]
        return "\n".join(notes)
