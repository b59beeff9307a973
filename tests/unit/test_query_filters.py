"""The filter registry of app.services.query: saved filters find a list's filter class by its name."""
from dataclasses import dataclass
from datetime import date

import pytest

from app.services.petitions.lists import CaseFilter, RegistrationFilter
from app.services.query.filters import filter_class, filter_from_dict, filter_to_dict, register_filter


def test_the_petition_lists_register_their_filters():
    assert filter_class("registrations") is RegistrationFilter
    assert filter_class("cases") is CaseFilter


def test_a_second_filter_for_the_same_list_is_refused():
    @dataclass(frozen=True)
    class Other:
        LIST = "cases"
    with pytest.raises(ValueError):
        register_filter(Other)
    assert filter_class("cases") is CaseFilter


def test_a_filter_survives_its_json_form():
    f = CaseFilter(date_from=date(2026, 1, 2), flags=("supervised",), status="open")
    data = filter_to_dict(f)
    assert data["date_from"] == "2026-01-02" and data["flags"] == ["supervised"]
    assert filter_from_dict(filter_class(f.LIST), {**data, "gone": 1}) == f
