from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from app.domain.errors import ValidationError
from app.domain.money import format_yuan, parse_yuan, to_decimal, yuan_in_words


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


@pytest.mark.parametrize("fen,words", [
    (1_234_500, "壹万贰仟叁佰肆拾伍元整"), (1_234_567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (0, "零元整"), (5, "伍分"), (50, "伍角整"), (1_000, "壹拾元整"), (100_005, "壹仟元零伍分"),
    (100_050, "壹仟元伍角整"), (1_010_100, "壹万零壹佰零壹元整"), (100_010_000, "壹佰万零壹佰元整"),
    (1_000_000_100, "壹仟万零壹元整"), (10_000_000_100, "壹亿零壹元整"), (10_001_000_000, "壹亿零壹万元整"),
    (12_000_000_000, "壹亿贰仟万元整"), (-1_500, "负壹拾伍元整"),
    (12_345_678_901_234, "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分")])
def test_yuan_in_words(fen, words):
    assert yuan_in_words(fen) == words


@given(st.integers(min_value=0, max_value=10**13))
def test_yuan_in_words_never_doubles_a_zero_or_ends_on_one(fen):
    words = yuan_in_words(fen)
    assert "零零" not in words and not words.startswith("零" if fen else "~")
    assert words.endswith(("整", "分")) and not words.endswith("零整")
