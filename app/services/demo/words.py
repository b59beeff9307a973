"""The demo's word lists and text tables, read from the data files in ``resources/demo/``
(``people.json``: names, hukou regions, streets; ``employers.json``: kinds of business and trade
names; ``texts.json``: what registrations, cases and outreach events say). Each file says what its
tables mean under ``_about``.

Lists come back as tuples (the generator draws from them by index, so their order is part of a
seed's result); the text tables keyed by an enumeration come back keyed by its members.
"""
from __future__ import annotations

import json
from typing import Any

from app.domain.enums import FollowUp, IssueType, Measure, Outcome
from app.paths import resource_path


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _load(name: str) -> dict[str, Any]:
    with open(resource_path("demo", f"{name}.json"), encoding="utf-8") as fh:
        return {k: _frozen(v) for k, v in json.load(fh).items() if not k.startswith("_")}


def _by(enum: type, table: dict[str, Any]) -> dict:
    return {enum(code): value for code, value in table.items()}


_PEOPLE = _load("people")
SURNAMES: tuple[tuple[str, float], ...] = _PEOPLE["SURNAMES"]
GIVEN_MALE_2: tuple[str, ...] = _PEOPLE["GIVEN_MALE_2"]
GIVEN_FEMALE_2: tuple[str, ...] = _PEOPLE["GIVEN_FEMALE_2"]
GIVEN_MALE_1: tuple[str, ...] = _PEOPLE["GIVEN_MALE_1"]
GIVEN_FEMALE_1: tuple[str, ...] = _PEOPLE["GIVEN_FEMALE_1"]
GIVEN_RARE_MALE: tuple[str, ...] = _PEOPLE["GIVEN_RARE_MALE"]
GIVEN_RARE_FEMALE: tuple[str, ...] = _PEOPLE["GIVEN_RARE_FEMALE"]
BEIJING = "北京市"
REGIONS: dict[str, tuple[tuple[str, str, int, int], ...]] = _PEOPLE["REGIONS"]
PROVINCE_WEIGHTS: tuple[tuple[str, int], ...] = _PEOPLE["PROVINCE_WEIGHTS"]
MOBILE_PREFIXES: tuple[str, ...] = _PEOPLE["MOBILE_PREFIXES"]
STREETS: dict[str, tuple[str, ...]] = _PEOPLE["STREETS"]
COMPOUNDS: tuple[str, ...] = _PEOPLE["COMPOUNDS"]
VILLAGES: tuple[str, ...] = _PEOPLE["VILLAGES"]

_EMPLOYERS = _load("employers")
BUSINESSES: dict[str, tuple[str, int, tuple[str, ...]]] = _EMPLOYERS["BUSINESSES"]
TRADE_NAMES: tuple[str, ...] = _EMPLOYERS["TRADE_NAMES"]
COMPANY_SUFFIXES: tuple[str, ...] = _EMPLOYERS["COMPANY_SUFFIXES"]

_TEXTS = _load("texts")
TRANSFER_BODIES: tuple[str, ...] = _TEXTS["TRANSFER_BODIES"]
TRANSFER_REASONS: tuple[str, ...] = _TEXTS["TRANSFER_REASONS"]
DEPARTMENTS: tuple[str, ...] = _TEXTS["DEPARTMENTS"]
LEADERS: tuple[str, ...] = _TEXTS["LEADERS"]          # 区总工会主席、副主席 (包案领导, 领导接待日)
JOBS: tuple[str, ...] = _TEXTS["JOBS"]
SUMMARIES: dict[IssueType, tuple[str, ...]] = _by(IssueType, _TEXTS["SUMMARIES"])
GROUP_SUMMARIES: tuple[str, ...] = _TEXTS["GROUP_SUMMARIES"]
REQUESTS: dict[IssueType, tuple[str, ...]] = _by(IssueType, _TEXTS["REQUESTS"])
REQUEST_DEFAULT: tuple[str, ...] = _TEXTS["REQUEST_DEFAULT"]
FACTS: dict[IssueType, tuple[str, ...]] = _by(IssueType, _TEXTS["FACTS"])
FACTS_DEFAULT: tuple[str, ...] = _TEXTS["FACTS_DEFAULT"]
ANSWERS: tuple[str, ...] = _TEXTS["ANSWERS"]
NOTES: tuple[str, ...] = _TEXTS["NOTES"]
MEASURE_TEXTS: dict[Measure, tuple[str, ...]] = _by(Measure, _TEXTS["MEASURE_TEXTS"])
OUTCOME_TEXTS: dict[Outcome, tuple[str, ...]] = _by(Outcome, _TEXTS["OUTCOME_TEXTS"])
FOLLOWUP_NOTES: dict[FollowUp, tuple[str, ...]] = _by(FollowUp, _TEXTS["FOLLOWUP_NOTES"])
EXTENSION_REASONS: tuple[str, ...] = _TEXTS["EXTENSION_REASONS"]
OUTREACH_THEMES: tuple[str, ...] = _TEXTS["OUTREACH_THEMES"]
OUTREACH_DEPARTMENTS: str = _TEXTS["OUTREACH_DEPARTMENTS"]
