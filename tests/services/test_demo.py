"""Demo data: reproducible, valid, only into an empty database, all or nothing."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from app.cli import main
from app.db import open_database
from app.db.models import AuditLog, Employer, Person, SettingRow, User
from app.domain.enums import Role
from app.domain.errors import Cancelled, UserError
from app.domain.pinyin import initials
from app.services import audit, demo
from app.services.demo import desk, words
from app.services.demo import run as demo_run
from app.services.passwords import verify_password
from tests.databases import new_target

PERSON_COLUMNS = [c for c in Person.__table__.columns]
EMPLOYER_COLUMNS = [c for c in Employer.__table__.columns]


def rows(db, columns, model):
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(*columns).order_by(model.id)).all()]


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def fresh(tmp_path):
    """Open a new empty database by name; all are closed at the end."""
    opened, drops = [], []

    def make(name: str):
        target, drop = new_target(tmp_path, name)
        drops.append(drop)
        d = open_database(target)
        opened.append(d)
        return d
    yield make
    for d in opened:
        d.close()
    for drop in drops:
        drop()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One default-size demo database (2,000 people, seed 1) shared by the read-only checks."""
    target, drop = new_target(tmp_path_factory.mktemp("demo"), "demo")
    d = open_database(target)
    summary = demo.generate(d, seed=1)
    d.summary = summary
    yield d
    d.close()
    drop()


def test_same_seed_gives_identical_data_in_two_databases(fresh):
    a, b = fresh("a"), fresh("b")
    sa = demo.generate(a, seed=7, people=500)
    sb = demo.generate(b, seed=7, people=500)
    assert sa == sb
    ra, rb = rows(a, PERSON_COLUMNS, Person), rows(b, PERSON_COLUMNS, Person)
    assert len(ra) == 500
    assert ra == rb
    assert rows(a, EMPLOYER_COLUMNS, Employer) == rows(b, EMPLOYER_COLUMNS, Employer)
    ua = rows(a, [User.username, User.display_name, User.role, User.created_at], User)
    assert ua == rows(b, [User.username, User.display_name, User.role, User.created_at], User)


def test_different_seed_gives_different_data(fresh):
    a, b = fresh("a"), fresh("b")
    demo.generate(a, seed=1, people=300)
    demo.generate(b, seed=2, people=300)
    cols = [Person.name, Person.id_number, Person.phone, Person.birth_date]
    ra, rb = rows(a, cols, Person), rows(b, cols, Person)
    same = sum(1 for x, y in zip(ra, rb) if x == y)
    assert same == 0
    assert {r[1] for r in ra} != {r[1] for r in rb}


def test_id_numbers_are_valid_unique_and_agree_with_gender_and_birth(demo_db):
    got = rows(demo_db, [Person.id_number, Person.gender, Person.birth_date, Person.hukou_place,
                         Person.is_migrant], Person)
    assert len(got) == demo.DEFAULT_PEOPLE
    assert len({r[0] for r in got}) == len(got)
    for number, gender, birth, place, migrant in got:
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number) == birth
        assert gender == ("M" if int(number[16]) % 2 else "F"), number
        info = ric.get_birth_place(number)
        assert place.startswith(info["province"]), (number, place, info)
        assert 1960 <= birth.year <= 2005
        if migrant:
            assert not number.startswith("11"), "农民工 only with a non-Beijing hukou"


def test_people_look_realistic(demo_db):
    got = rows(demo_db, [Person.name, Person.initials, Person.phone, Person.employer_id,
                         Person.is_migrant, Person.is_model_worker, Person.is_member], Person)
    n = len(got)
    for name, ini, phone, *_ in got:
        assert ini == initials(name)
        assert 2 <= len(name) <= 4
        assert phone is None or (len(phone) == 11 and phone[:3] in words.MOBILE_PREFIXES)
    share = lambda i: sum(1 for r in got if r[i]) / n  # noqa: E731
    assert 0.28 < share(4) < 0.42          # 农民工 ~35 %
    assert 0.45 < share(6) < 0.65          # 工会会员 ~55 %
    assert 0 < sum(1 for r in got if r[5]) < n * 0.02   # 劳模 ~0.5 %
    surnames = [r[0][0] for r in got]
    assert surnames.count("王") > surnames.count("汤")  # weighted by frequency
    rare = set("".join(words.GIVEN_RARE_MALE + words.GIVEN_RARE_FEMALE))
    assert any(set(r[0][1:]) & rare for r in got), "a few rare-character names"
    phones = [r[2] for r in got if r[2]]
    assert len(set(phones)) > len(phones) * 0.99


def test_employers_have_valid_credit_codes(demo_db):
    got = rows(demo_db, [Employer.id, Employer.name, Employer.uscc, Employer.industry,
                         Employer.street, Employer.has_union, Employer.initials], Employer)
    assert len(got) == demo.DEFAULT_EMPLOYERS
    for _id, name, code, industry, street, _union, ini in got:
        assert uscc.is_valid(code), code
        assert name.endswith("公司") and industry and street in words.STREETS
        assert ini == initials(name, surname=False)[:100]
    assert 0.45 < sum(1 for r in got if r[5]) / len(got) < 0.75
    with demo_db.read() as s:
        orphans = s.scalar(select(func.count()).select_from(Person)
                           .where(Person.employer_id.is_not(None),
                                  Person.employer_id.not_in(select(Employer.id))))
    assert orphans == 0


def test_accounts_one_per_role_with_demo_password(demo_db):
    with demo_db.read() as s:
        users = s.execute(select(User)).scalars().all()
    assert sorted(u.role for u in users) == sorted(r.value for r in Role)
    for u in users:
        assert u.active and not u.must_change_password
        assert len(u.display_name) >= 2
    assert all(verify_password(u.password_hash, "demo1234") for u in users[:1])
    # one hash for all: checking one checks them all (argon2 is slow on purpose)
    assert len({u.password_hash for u in users}) == 1


def test_office_profile_and_audit(demo_db):
    from app.services import settings
    office = settings.office(demo_db)
    assert office.name == "北京市朝阳区总工会" and office.doc_prefix == "朝工信"
    assert office.address and office.phone and office.postcode and office.contact
    with demo_db.read() as s:
        rows_ = s.execute(select(AuditLog).where(AuditLog.entity == "demo")).scalars().all()
    assert len(rows_) == 1
    row = rows_[0]
    assert row.action == "generate" and row.username == "system"
    after = json.loads(row.after)
    assert after["people"] == demo.DEFAULT_PEOPLE and after["users"] == 4
    assert after["employers"] == demo.DEFAULT_EMPLOYERS
    assert audit.verify(demo_db) == []
    assert "北京市朝阳区总工会" in demo_db.summary and "2,000" in demo_db.summary


def test_refuses_a_database_that_is_not_empty(fresh):
    d = fresh("a")
    demo.generate(d, seed=1, people=50)
    before = count(d, Person)
    with pytest.raises(UserError) as e:
        demo.generate(d, seed=2, people=50)
    assert "空数据库" in e.value.message
    assert count(d, Person) == before

    only_user = fresh("b")
    with only_user.write() as s:
        s.add(User(username="x", display_name="某人", role="admin", password_hash="-",
                   active=True, failed_count=0, must_change_password=False,
                   created_at=demo.base_time(1)))
    with pytest.raises(UserError):
        demo.generate(only_user, seed=1, people=10)
    assert count(only_user, Person) == 0


def test_bad_sizes_are_user_errors(fresh):
    with pytest.raises(UserError):
        demo.generate(fresh("a"), people=-1)


def test_cancel_rolls_everything_back(fresh):
    d = fresh("a")
    seen = []

    def progress(frac, message):
        seen.append((frac, message))
        if message.startswith("正在生成人员"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        demo.generate(d, seed=1, people=45_000, progress=progress)
    for model in (Person, Employer, User, AuditLog, SettingRow):
        assert count(d, model) == 0, model
    # and the database is still usable, and still empty enough for demo data
    demo.generate(d, seed=1, people=10)
    assert count(d, Person) == 10


def test_progress_is_reported_per_batch_and_rises(fresh):
    d = fresh("a")
    seen = []
    demo.generate(d, seed=3, people=45_000, progress=lambda f, m: seen.append((f, m)))
    fracs = [f for f, _ in seen]
    assert fracs == sorted(fracs) and 0 <= fracs[0] and fracs[-1] <= 1
    people_msgs = [m for _, m in seen if m.startswith("正在生成人员")]
    assert people_msgs == ["正在生成人员 20000/45000", "正在生成人员 40000/45000",
                           "正在生成人员 45000/45000"]


def test_cli_demo_then_check(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert main(["--db", str(path), "demo", "--seed", "1"]) == 0
    out = capsys.readouterr()
    assert "已生成演示数据" in out.out and "正在生成人员" in out.err
    assert main(["--db", str(path), "check"]) == 0
    # a second run refuses: exit 2, one line, no traceback
    capsys.readouterr()
    assert main(["--db", str(path), "demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# The petition desk: registrations, cases, timelines, outreach events, hot spots

from collections import Counter as Tally  # noqa: E402
from datetime import timedelta  # noqa: E402

from sqlalchemy import text  # noqa: E402

from app.db.models import (Case, CaseEvent, CaseSuspension, Counter, HotspotWarning,  # noqa: E402
                           OutreachEvent, Registration, RegistrationIssue)
from app.domain import case_clock  # noqa: E402
from app.domain.actor import Actor  # noqa: E402
from app.domain.enums import (CaseEventKind, CaseStatus, Channel, Disposition, FollowUp,  # noqa: E402
                              IssueType, OPEN_STATUSES)
from app.services import calendar as calendar_service  # noqa: E402
from app.services import numbering  # noqa: E402

REG_COLUMNS = [c for c in Registration.__table__.columns]
CASE_COLUMNS = [c for c in Case.__table__.columns]
EVENT_COLUMNS = [c for c in CaseEvent.__table__.columns]


def all_of(db, model, *where):
    with db.read() as s:
        return s.execute(select(model).where(*where)).scalars().all()


def test_desk_same_seed_gives_identical_registrations_and_cases(fresh):
    a, b = fresh("a"), fresh("b")
    assert demo.generate(a, seed=5, people=300, registrations=1500) == \
        demo.generate(b, seed=5, people=300, registrations=1500)
    for cols, model in ((REG_COLUMNS, Registration), (CASE_COLUMNS, Case), (EVENT_COLUMNS, CaseEvent)):
        ra, rb = rows(a, cols, model), rows(b, cols, model)
        assert ra == rb and ra, model
    issues = [RegistrationIssue.registration_id, RegistrationIssue.issue_type]
    with a.read() as sa, b.read() as sb:
        q = select(*issues).order_by(*issues)
        assert sa.execute(q).all() == sb.execute(q).all()
    c = fresh("c")
    demo.generate(c, seed=6, people=300, registrations=1500)
    assert rows(c, [Registration.summary], Registration) != rows(a, [Registration.summary], Registration)


def test_desk_numbers_are_gap_free_per_year_and_counters_continue(demo_db):
    regs = rows(demo_db, [Registration.id, Registration.reg_no, Registration.received_at], Registration)
    assert len(regs) == demo.DEFAULT_REGISTRATIONS
    assert [r[2] for r in regs] == sorted(r[2] for r in regs), "numbers rise with time"
    with demo_db.read() as s:
        counters = {(c.name, c.year): c.last for c in s.execute(select(Counter)).scalars()}
        cases = s.execute(select(Case.case_no, Case.accepted_on).order_by(Case.id)).all()
    for name, numbers, fmt in (
            (demo_run.REGISTRATION_COUNTER, [(r[2].year, r[1]) for r in regs], numbering.registration_no),
            (demo_run.CASE_COUNTER, [(c.accepted_on.year, c.case_no) for c in cases], numbering.case_no)):
        by_year: dict[int, list[str]] = {}
        for year, no in numbers:
            by_year.setdefault(year, []).append(no)
        assert len(by_year) >= 3
        for year, got in by_year.items():
            assert got == [fmt(year, i) for i in range(1, len(got) + 1)], (name, year)
            assert counters[(name, year)] == len(got)
    # the next number taken the way intake and cases take it continues without a gap
    last_year = regs[-1][2].year
    with demo_db.write() as s:
        n = numbering.next_number(s, demo_run.REGISTRATION_COUNTER, last_year)
        s.rollback()
    assert n == counters[(demo_run.REGISTRATION_COUNTER, last_year)] + 1


def test_desk_a_registration_made_afterwards_gets_the_next_number(fresh):
    from app.services.petitions import registration
    d = fresh("next")
    demo.generate(d, seed=2, people=200, registrations=400)
    with d.read() as s:
        last = s.execute(select(Registration.reg_no, Registration.received_at)
                         .order_by(Registration.id.desc())).first()
        cases_last = s.execute(select(Case.case_no).order_by(Case.id.desc())).scalar()
        manager = s.execute(select(User).where(User.username == "manager")).scalar_one()
        person = s.execute(select(Person.id, Person.employer_id).where(Person.employer_id.is_not(None))
                           .order_by(Person.id)).first()
    actor = Actor(user_id=manager.id, username=manager.username, display_name=manager.display_name,
                  role=Role(manager.role))
    now = demo.base_time(2)
    assert now.year == last.received_at.year
    rec = registration.register(d, actor, registration.RegistrationInput(
        channel=Channel.VISIT, received_at=now - timedelta(minutes=5), person_id=person.id,
        employer_id=person.employer_id, category="complaint", issue_types=[IssueType.WAGES],
        summary="反映单位拖欠三个月工资", request="要求支付工资", facts="单位以资金紧张为由拖欠",
        disposition=Disposition.ACCEPTED), now=now)
    year, n = last.reg_no.split("-")
    assert rec.reg_no == numbering.registration_no(int(year), int(n) + 1)
    cyear, cn = cases_last[1:].split("-")
    if int(cyear) == now.year:
        assert rec.case_no == numbering.case_no(now.year, int(cn) + 1)


def test_desk_every_accepted_registration_has_exactly_one_case(demo_db):
    with demo_db.read() as s:
        accepted = set(s.execute(select(Registration.id).where(
            Registration.disposition == Disposition.ACCEPTED.value)).scalars())
        with_case = s.execute(select(Case.registration_id)).scalars().all()
    assert len(with_case) == len(set(with_case))
    assert set(with_case) == accepted
    share = len(accepted) / demo.DEFAULT_REGISTRATIONS
    assert 0.28 < share < 0.42, share   # 受理 about 35 %


def _calendar(db):
    return calendar_service.load(db, 2020, 2028)


def test_desk_case_statuses_agree_with_their_dates_and_deadlines(demo_db):
    cal, rules = _calendar(demo_db), case_clock.DeadlineRules()
    last_day = demo.base_time(1).date() - timedelta(days=1)
    cases = all_of(demo_db, Case)
    regs = {r.id: r for r in all_of(demo_db, Registration)}
    susp = {}
    for sp in all_of(demo_db, CaseSuspension):
        susp.setdefault(sp.case_id, []).append(case_clock.Suspension(sp.start, sp.resumed))
    statuses = Tally(c.status for c in cases)
    for st in CaseStatus:
        assert statuses[st.value] > 0, (st, statuses)
    assert statuses[CaseStatus.ARCHIVED.value] > len(cases) / 2   # most older cases are closed
    overdue = 0
    for c in cases:
        reg = regs[c.registration_id]
        assert c.category == reg.category and c.accepted_on == reg.received_at.date()
        assert c.notice_due == case_clock.notice_due(cal, c.accepted_on, rules)
        expected = case_clock.handling_due(cal, c.accepted_on, c.category, rules, extended=c.extended,
                                           suspensions=tuple(susp.get(c.id, ())))
        assert c.due_date == expected, c.case_no
        assert (c.due_date is None) == c.suspended
        if c.extended:
            assert c.extension_status == "approved" and c.extension_decided_by
        status = CaseStatus(c.status)
        if status in OPEN_STATUSES:
            assert c.concluded_on is None and c.outcome is None and c.on_time is None
            assert (c.handler_id is None) == (status is CaseStatus.ACCEPTED)
            overdue += c.due_date is not None and c.due_date < last_day
        else:
            assert c.accepted_on <= c.concluded_on <= last_day
            assert c.outcome and c.outcome_text and c.handler_id
            assert c.on_time == (c.concluded_on <= c.due_date)
        if status in (CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED):
            assert c.concluded_on <= c.followup_on <= last_day and c.followup_result
        else:
            assert c.followup_result is None
        if status is CaseStatus.ARCHIVED:
            assert c.followup_on <= c.archived_on <= last_day
        if c.recovered_fen:
            assert 2000_00 <= c.recovered_fen <= 300_000_00 and c.workers_benefited >= 1
    assert overdue >= 1
    concluded = [c for c in cases if c.on_time is not None]
    assert 0.8 < sum(c.on_time for c in concluded) / len(concluded) < 0.97
    results = Tally(c.followup_result for c in cases if c.followup_result)
    assert results[FollowUp.SATISFIED.value] + results[FollowUp.BASICALLY.value] > 0.8 * sum(results.values())
    assert results[FollowUp.DISSATISFIED.value] and results[FollowUp.UNREACHABLE.value]


def test_desk_timelines_are_short_ordered_and_match_the_status(demo_db):
    events: dict[int, list] = {}
    for e in all_of(demo_db, CaseEvent):
        events.setdefault(e.case_id, []).append(e)
    cases = all_of(demo_db, Case)
    assert set(events) == {c.id for c in cases}
    for c in cases:
        evs = sorted(events[c.id], key=lambda e: e.id)
        kinds = [e.kind for e in evs]
        assert kinds[0] == CaseEventKind.OPENED.value
        assert [e.at for e in evs] == sorted(e.at for e in evs)
        assert 1 <= len(evs) <= 10
        assert (CaseEventKind.CONCLUDED.value in kinds) == (c.concluded_on is not None)
        assert (CaseEventKind.ARCHIVED.value in kinds) == (c.archived_on is not None)
        assert evs[-1].at <= demo.base_time(1)
    total = sum(len(v) for v in events.values())
    assert 3 <= total / len(cases) <= 7


def test_desk_channel_category_and_disposition_mix(demo_db):
    regs = all_of(demo_db, Registration)
    n = len(regs)
    ch = Tally(r.channel for r in regs)
    share = {k: v / n for k, v in ch.items()}
    assert 0.40 < share["call"] < 0.51
    assert 0.19 < share["visit"] < 0.30
    assert 0.11 < share["online"] < 0.21
    assert 0.05 < share["letter"] < 0.11
    assert 0.01 < share["outreach"] < 0.04 and share["referral"] > 0 and share["other"] > 0
    cats = Tally(r.category for r in regs)
    assert cats.most_common(1)[0][0] == "consult"
    assert cats["complaint"] > cats["help"] > cats["suggest"]
    consult = [r for r in regs if r.category == "consult"]
    assert sum(r.disposition == "answered" for r in consult) / len(consult) > 0.75
    for r in regs:
        if r.disposition == "not_accepted":
            assert r.reject_reason and r.redirect_to
        if r.disposition == "transferred":
            assert r.transfer_to and r.transfer_reason
        if r.disposition == "answered":
            assert r.answer
        assert 8 <= len(r.summary) <= 70 and 5 <= len(r.request) <= 40 and 5 <= len(r.facts) <= 90
    # office hours mostly; calls also in the evening
    office = sum(1 for r in regs if 8 <= r.received_at.hour < 18) / n
    assert 0.75 < office < 0.95
    assert any(r.received_at.hour >= 19 for r in regs if r.channel == "call")
    assert not any(r.received_at.hour >= 18 for r in regs if r.channel == "visit")


def test_desk_wage_complaints_peak_before_the_spring_festival(demo_db):
    with demo_db.read() as s:
        festivals = desk._spring_festivals(s)
        wage_days = s.execute(select(Registration.received_at).join(
            RegistrationIssue, RegistrationIssue.registration_id == Registration.id)
            .where(RegistrationIssue.issue_type == IssueType.WAGES.value)).scalars().all()
    days = [t.date() for t in wage_days]
    first, last = min(days), max(days)
    inside = [f for f in festivals if first + timedelta(days=28) <= f <= last]
    assert len(inside) >= 2
    before = [sum(1 for d in days if f - timedelta(days=28) <= d < f) for f in inside]
    per_month = len(days) / ((last - first).days / 30.4)
    assert min(before) > 1.4 * per_month, (before, per_month)
    # and the peak is wage complaints, not only more contacts of every kind
    regs = all_of(demo_db, Registration)
    with demo_db.read() as s:
        wage_ids = set(s.execute(select(RegistrationIssue.registration_id).where(
            RegistrationIssue.issue_type == "wages")).scalars())
    peak = [r for r in regs if any(f - timedelta(days=28) <= r.received_at.date() < f for f in inside)]
    share_peak = sum(r.id in wage_ids for r in peak) / len(peak)
    share_all = len(wage_ids) / len(regs)
    assert share_peak > share_all * 1.2


def test_desk_group_visits_repeats_and_outreach(demo_db):
    regs = all_of(demo_db, Registration)
    by_id = {r.id: r for r in regs}
    case_reg = {c.id: by_id[c.registration_id] for c in all_of(demo_db, Case)}
    groups = [r for r in regs if r.is_group]
    assert groups and all(r.channel == "visit" and 5 <= r.head_count <= 60 for r in groups)
    for r in groups:
        reps = json.loads(r.representatives)
        assert 1 <= len(reps) <= 5 and all(2 <= len(x) <= 4 for x in reps)
    assert all(r.head_count == 1 and r.representatives == "[]" for r in regs if not r.is_group)
    repeats = [r for r in regs if r.disposition == "repeat"]
    assert 0.01 < len(repeats) / len(regs) < 0.08
    for r in repeats:
        earlier = case_reg[r.repeat_of_case_id]
        assert earlier.person_id == r.person_id and earlier.received_at < r.received_at
        assert (r.received_at - earlier.received_at).days <= 366
    assert all(r.earlier_documents for r in regs if r.disposition == "no_more")
    events = all_of(demo_db, OutreachEvent)
    outreach = [r for r in regs if r.channel == "outreach"]
    assert events and outreach
    assert {r.outreach_event_id for r in outreach} == {e.id for e in events}
    assert all(r.outreach_event_id is None for r in regs if r.channel != "outreach")
    held = {e.id: e.held_on for e in events}
    assert all(r.received_at.date() == held[r.outreach_event_id] for r in outreach)
    solved = sum(r.solved_on_site for r in outreach)
    assert 0 < solved < len(outreach)
    assert all(r.disposition == "answered" for r in outreach if r.solved_on_site)
    assert any(r.leader_reception and r.leader_name for r in regs)


def test_desk_hot_spot_warnings_some_open(demo_db):
    warnings = all_of(demo_db, HotspotWarning)
    open_ = [w for w in warnings if w.acknowledged_at is None]
    assert len(open_) >= 2
    kinds = {w.kind for w in warnings}
    assert kinds == {"group_visit", "employer"}
    regs = {r.id: r for r in all_of(demo_db, Registration)}
    for w in warnings:
        if w.kind == "group_visit":
            assert regs[w.registration_id].is_group
        else:
            assert w.count >= 3 and (w.last_at - w.first_at) <= timedelta(days=7)
            assert regs[w.registration_id].employer_id == w.employer_id


@pytest.mark.sqlite_only("the FTS5 table and its trigger (PostgreSQL searches the columns)")
def test_desk_content_search_index_has_every_registration_and_case_notes(demo_db):
    with demo_db.read() as s:
        n_fts = s.execute(text("SELECT count(*) FROM registration_fts")).scalar()
        with_notes = s.execute(text("SELECT count(*) FROM registration_fts WHERE notes <> ''")).scalar()
        hit = s.execute(text("SELECT rowid FROM registration_fts WHERE registration_fts MATCH :q "
                             "LIMIT 5"), {"q": '"拖欠工资"'}).scalars().all()
        trigger = s.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = 'registration_fts_ai'")).scalar()
        summary = s.execute(select(Registration.summary).where(Registration.id == 1)).scalar()
        indexed = s.execute(text("SELECT summary FROM registration_fts WHERE rowid = 1")).scalar()
    assert n_fts == demo.DEFAULT_REGISTRATIONS and indexed == summary
    assert with_notes > 0 and hit
    assert trigger == 1, "the insert trigger is back after the bulk load"


def test_desk_cancel_during_registrations_rolls_everything_back(fresh):
    d = fresh("cancel")

    def progress(frac, message):
        if message.startswith("正在生成登记"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        demo.generate(d, seed=1, people=100, registrations=25_000, progress=progress)
    for model in (Registration, Case, CaseEvent, Person, Counter):
        assert count(d, model) == 0, model
    if d.is_sqlite:     # the FTS insert trigger the bulk load drops is back
        with d.read() as s:
            assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name = 'registration_fts_ai'")).scalar() == 1


def test_desk_small_and_empty_sizes(fresh):
    d = fresh("none")
    summary = demo.generate(d, seed=1, people=20, registrations=0)
    assert count(d, Registration) == 0 and "登记 0 件" in summary
    e = fresh("few")
    demo.generate(e, seed=1, people=0, employers=0, registrations=30)
    assert count(e, Registration) == 30
    with pytest.raises(UserError):
        demo.generate(fresh("bad"), registrations=-1)


def test_cli_demo_with_registrations_then_check(tmp_path, capsys):
    path = tmp_path / "desk.db"
    assert main(["--db", str(path), "demo", "--seed", "3", "--people", "300",
                 "--registrations", "800"]) == 0
    out = capsys.readouterr()
    assert "登记 800 件" in out.out and "正在生成登记和案件" in out.err
    assert main(["--db", str(path), "check"]) == 0


def test_demo_can_end_today(tmp_path):
    """The GUI's demo office is current: its data ends the day before the given today."""
    from datetime import date

    from sqlalchemy import func, select

    from app.db import open_database
    from app.db.models import Registration
    from app.services import demo
    db = open_database(tmp_path / "today.db")
    try:
        demo.generate(db, seed=3, people=50, registrations=300, today=date(2026, 11, 22))
        with db.read() as s:
            last = s.scalar(select(func.max(Registration.received_at)))
        assert date(2026, 11, 14) <= last.date() <= date(2026, 11, 21)
    finally:
        db.close()


@pytest.mark.parametrize("today", [date(2026, 11, 18), date(2026, 12, 1)])
def test_summary_overdue_is_the_workbench_number(fresh, today):
    """One definition of 超期: the summary says what the 工作台 shows on the demo's today."""
    import re

    from app.domain.actor import Actor
    from app.services.petitions import workbench
    db = fresh(f"overdue-{today:%m%d}")
    summary = demo.generate(db, seed=3, people=300, registrations=4000, today=today)
    manager = Actor(user_id=None, username="m", display_name="负责人", role=Role.MANAGER)
    said = int(re.search(r"其中超期 ([\d,]+) 件", summary).group(1).replace(",", ""))
    assert said == workbench.workbench_counts(db, manager, today=today).overdue
    assert said >= 1


def test_month_span_never_repeats_a_month():
    d = date
    assert desk.month_span(d(2026, 10, 2), d(2026, 10, 31)) == "2026年10月"
    assert desk.month_span(d(2026, 8, 1), d(2026, 10, 31)) == "2026年8月至10月"
    assert desk.month_span(d(2025, 11, 3), d(2026, 2, 28)) == "2025年11月至2026年2月"


def test_no_demo_text_names_the_same_month_twice(demo_db):
    with demo_db.read() as s:
        texts = s.execute(select(Registration.summary, Registration.request, Registration.facts)).all()
    import re
    same = re.compile(r"(\d+)月至\1月")
    assert not [t for row in texts for t in row if t and same.search(t)]
