"""The demo office, its accounts, employers and people (the first steps of a demo run).
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from app.db.models import Employer, EmployerInitials, Person, User
from app.domain.actor import SYSTEM_ACTOR
from app.domain.enums import Gender, Role
from app.domain.pinyin import initials, inner_suffixes

from .. import settings as settings_service
from ..passwords import hash_password
from .run import BATCH, DemoRun, _cumulative
from .words import (BEIJING, BUSINESSES, COMPANY_SUFFIXES, COMPOUNDS, GIVEN_FEMALE_1,
                    GIVEN_FEMALE_2, GIVEN_MALE_1, GIVEN_MALE_2, GIVEN_RARE_FEMALE, GIVEN_RARE_MALE,
                    MOBILE_PREFIXES, PROVINCE_WEIGHTS, REGIONS, STREETS, SURNAMES, TRADE_NAMES,
                    VILLAGES)


DEFAULT_PEOPLE = 2000


DEFAULT_EMPLOYERS = 200


MAX_PEOPLE = 5_000_000


DEMO_PASSWORD = "demo1234"


OFFICE_PROFILE = {
    "office.name": "北京市朝阳区总工会",
    "office.doc_prefix": "朝工信",
    "office.address": "北京市朝阳区朝阳北路101号",
    "office.phone": "010-65012351",
    "office.postcode": "100020",
    "office.contact": "李晓燕",
}


ACCOUNTS = (
    ("admin", Role.ADMIN, "王建华"),
    ("clerk", Role.CLERK, "李晓燕"),
    ("caseworker", Role.CASEWORKER, "张志强"),
    ("manager", Role.MANAGER, "刘淑芬"),
)


BIRTH_FIRST = date(1960, 1, 1)


BIRTH_LAST = date(2005, 12, 31)


def _office(run: DemoRun) -> str:
    run.report(0.0, "正在写入单位信息")
    clean = settings_service.validated(dict(OFFICE_PROFILE))
    settings_service.write_values(run.session, SYSTEM_ACTOR, clean)
    run.counts["settings"] = len(clean)
    return f"单位信息「{OFFICE_PROFILE['office.name']}」（文号代字「{OFFICE_PROFILE['office.doc_prefix']}」）"


def _accounts(run: DemoRun) -> str:
    run.report(0.0, "正在创建账号")
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    for username, role, display_name in ACCOUNTS:
        run.session.add(User(username=username, display_name=display_name, role=role.value,
                             password_hash=password_hash, active=True, failed_count=0,
                             must_change_password=False, created_at=run.base_time))
    run.session.flush()
    run.state["users"] = {u.username: (u.id, u.display_name) for u in run.session.execute(
        select(User.username, User.id, User.display_name)).all()}
    run.counts["users"] = len(ACCOUNTS)
    who = "、".join(f"{role.label}{display_name}（{username}）" for username, role, display_name in ACCOUNTS)
    return f"账号 {len(ACCOUNTS)} 个：{who}，密码均为 {DEMO_PASSWORD}"


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    body = [rng.randrange(10) for _ in range(8)]
    body[0] = rng.randrange(1, 10)
    total = sum(d * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - total % 11
    check = "X" if c == 10 else "0" if c == 11 else str(c)
    return "".join(map(str, body)) + check


def uscc_for(prefix: str, org_code: str) -> str:
    """A unified social credit code from its first 17 characters' parts, with the check digit."""
    from app.domain.validation import uscc_check_character
    body = prefix + org_code
    return body + uscc_check_character(body)


def _landline(rng: random.Random) -> str:
    return f"010-{rng.choice('5668')}{rng.randrange(10**7):07d}"


def _employers(run: DemoRun) -> str:
    rng = run.rng("employers")
    kinds = list(BUSINESSES)
    cum = _cumulative(BUSINESSES[k][1] for k in kinds)
    streets = list(STREETS)
    names: set[str] = set()
    codes: set[str] = set()
    rows = []
    n = run.employers
    for i in range(n):
        kind = kinds[bisect.bisect(cum, rng.random() * cum[-1])]
        industry, _, scopes = BUSINESSES[kind]
        scope = rng.choice(scopes)
        for attempt in range(50):
            trade = rng.choice(TRADE_NAMES)
            form = rng.random()
            if form < 0.55:
                name = f"北京{trade}{scope}{rng.choice(COMPANY_SUFFIXES)}"
            elif form < 0.75:
                name = f"北京市{trade}{scope}有限公司"
            elif form < 0.9:
                name = f"北京市朝阳区{trade}{scope}有限公司"
            else:
                name = f"{trade}（北京）{scope}有限公司"
            if attempt >= 10:
                name = name.replace("有限公司", f"朝阳第{attempt - 9}分公司")
            if name not in names:
                break
        names.add(name)
        small = kind in ("餐饮", "居民服务") and rng.random() < 0.3
        while True:  # 92 = individually owned business, 91 = company
            code = uscc_for(("92" if small else "91") + "110105", _org_code(rng))
            if code not in codes:
                break
        codes.add(code)
        street = rng.choice(streets)
        road = rng.choice(STREETS[street])
        contact = _full_name(rng, rng.random() < 0.5)
        rows.append({
            "name": name, "uscc": code, "industry": industry, "street": street,
            "has_union": rng.random() < 0.6,
            "address": f"北京市朝阳区{road}{rng.randrange(1, 300)}号",
            "contact": contact, "phone": _landline(rng),
            "initials": initials(name, surname=False)[:100],
            "created_at": run.base_time, "updated_at": run.base_time,
        })
        if (i + 1) % 500 == 0:
            run.report((i + 1) / n, f"正在生成用人单位 {i + 1}/{n}")
    if rows:
        run.session.execute(insert(Employer.__table__), rows)
    got = run.session.execute(select(Employer.id, Employer.has_union, Employer.address,
                                     Employer.name, Employer.street, Employer.initials)
                              .order_by(Employer.id)).all()
    suffixes = [{"suffix": x, "employer_id": r.id} for r in got for x in sorted(inner_suffixes(r.initials))]
    for start in range(0, len(suffixes), 20_000):
        run.session.execute(insert(EmployerInitials.__table__), suffixes[start:start + 20_000])
    # Bigger and smaller employers: a long-tailed size per employer.
    sizes = [min(rng.paretovariate(1.5), 40.0) for _ in got]
    run.state["employers"] = [(r.id, r.has_union, r.address) for r in got]
    run.state["employer_cum"] = _cumulative(sizes)
    run.state["employer_names"] = {r.id: r.name for r in got}
    run.state["employer_streets"] = {r.id: r.street for r in got}
    unions = sum(1 for r in got if r.has_union)
    run.counts["employers"] = len(got)
    run.counts["employers_with_union"] = unions
    return f"用人单位 {len(got):,} 家（已建工会 {unions:,} 家）"


_SURNAME_LIST = [s for s, _ in SURNAMES]


_SURNAME_CUM = _cumulative(w for _, w in SURNAMES)


def _full_name(rng: random.Random, male: bool) -> str:
    surname = _SURNAME_LIST[bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    r = rng.random()
    if r < 0.004:
        given = rng.choice(GIVEN_RARE_MALE if male else GIVEN_RARE_FEMALE)
    elif r < 0.25:
        given = rng.choice(GIVEN_MALE_1 if male else GIVEN_FEMALE_1)
    else:
        given = rng.choice(GIVEN_MALE_2 if male else GIVEN_FEMALE_2)
    return surname + given


def id_number(region: str, birth: date, seq: int) -> str:
    """An 18-digit resident ID number with a valid check digit; ``seq`` odd = male."""
    from stdnum.cn import ric
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _people(run: DemoRun) -> str:
    from stdnum.cn import ric
    rng = run.rng("people")
    n = run.people
    employers = run.state.get("employers") or []
    emp_cum = run.state.get("employer_cum") or []
    provinces = [p for p, _ in PROVINCE_WEIGHTS]
    prov_cum = _cumulative(w for _, w in PROVINCE_WEIGHTS)
    # regions valid per (province, birth year)
    by_year: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for prov, entries in REGIONS.items():
        for year in range(BIRTH_FIRST.year, BIRTH_LAST.year + 1):
            by_year[(prov, year)] = [(c, place) for c, place, lo, hi in entries if lo <= year <= hi]
    first_day, span = BIRTH_FIRST.toordinal(), BIRTH_LAST.toordinal() - BIRTH_FIRST.toordinal() + 1
    base = run.base_time
    table = Person.__table__
    names_initials: dict[str, str] = {}
    used_ids: set[int] = set()
    calc = ric.calc_check_digit
    counts = {"migrants": 0, "model_workers": 0, "members": 0, "women": 0, "beijing_hukou": 0}
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows = []
        for _ in range(size):
            male = rng.random() < 0.56
            name = _full_name(rng, male)
            ini = names_initials.get(name)
            if ini is None:
                ini = names_initials[name] = initials(name)
            birth = date.fromordinal(first_day + rng.randrange(span))
            province = provinces[bisect.bisect(prov_cum, rng.random() * prov_cum[-1])]
            region, place = rng.choice(by_year[(province, birth.year)])
            stem = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
            while True:
                seq = rng.randrange(1, 500) * 2 + (1 if male else 0)
                body = f"{stem}{seq:03d}"
                key = int(body)
                if key not in used_ids:
                    used_ids.add(key)
                    break
            number = body + calc(body + "0")
            beijing = province == BEIJING
            migrant = not beijing and rng.random() < 0.64
            if employers and rng.random() < 0.95:
                emp_id, has_union, emp_address = employers[
                    bisect.bisect(emp_cum, rng.random() * emp_cum[-1])]
            else:
                emp_id, has_union, emp_address = None, False, ""
            member = rng.random() < (0.75 if has_union else 0.3 if emp_id else 0.2)
            model = rng.random() < 0.005
            r = rng.random()
            if migrant and r < 0.25 and emp_address:
                address = f"{emp_address}（单位宿舍）"
            elif migrant and r < 0.6:
                address = f"北京市朝阳区{rng.choice(VILLAGES)}{rng.randrange(1, 400)}号"
            else:
                address = (f"北京市朝阳区{rng.choice(COMPOUNDS)}{rng.randrange(1, 30)}号楼"
                           f"{rng.randrange(1, 7)}单元{rng.randrange(1, 25)}{rng.randrange(1, 9):02d}")
            phone = (f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
                     if rng.random() < 0.98 else None)
            created = base - timedelta(seconds=rng.randrange(3 * 365 * 86400))
            rows.append({
                "name": name, "initials": ini,
                "gender": Gender.MALE.value if male else Gender.FEMALE.value,
                "id_number": number, "birth_date": birth, "phone": phone,
                "hukou_place": place, "address": address, "employer_id": emp_id,
                "is_migrant": migrant, "is_model_worker": model, "is_member": member,
                "note": "", "created_at": created, "updated_at": created,
            })
            counts["migrants"] += migrant
            counts["model_workers"] += model
            counts["members"] += member
            counts["women"] += not male
            counts["beijing_hukou"] += beijing
        run.session.execute(insert(table), rows)
        done += size
        run.report(done / n, f"正在生成人员 {done}/{n}")
    run.counts["people"] = n
    run.counts.update(counts)
    return (f"人员 {n:,} 人（女职工 {counts['women']:,} 人、农民工 {counts['migrants']:,} 人、"
            f"劳模 {counts['model_workers']:,} 人、工会会员 {counts['members']:,} 人）")
