from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from app.domain.errors import ValidationError
from app.domain.money import format_yuan, parse_yuan, to_decimal


@pytest.mark.parametrize("text,fen", [("86000", 8_600_000), ("86,000.00", 8_600_000),
                                      ("¥1,234.5", 123_450), ("0.01", 1), ("", 0), ("12元", 1200)])
def test_parse(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text,msg", [("-5", "负数"), ("1.005", "两位小数"), ("abc", "不是金额"),
                                      ("1e20", "过大"), ("NaN", "不是金额")])
def test_refused(text, msg):
    with pytest.raises(ValidationError, match=msg):
        parse_yuan(text, "追回金额")


def test_required():
    with pytest.raises(ValidationError, match="追回金额：不能为空"):
        parse_yuan("", "追回金额", allow_zero=False)


def test_format():
    assert format_yuan(8_600_000) == "¥86,000.00"
    assert format_yuan(5) == "¥0.05"
    assert format_yuan(None) == ""


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip(fen):
    assert parse_yuan(format_yuan(fen)) == fen
    assert to_decimal(fen) * 100 == Decimal(fen)
