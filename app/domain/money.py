"""Money: integer fen (分) in the database, Decimal at the edges, shown as ¥12,345.00."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import ValidationError

MAX_FEN = 10**13  # ¥100 billion: far beyond any real amount, catches typing accidents
_CLEAN = re.compile(r"[\s,，¥￥元]")


def parse_yuan(text: str | int | Decimal | None, field: str = "金额", *,
               allow_zero: bool = True) -> int:
    """「86000」「86,000.00」「¥1,234.5」→ fen. Refuses negatives, fractions of a fen, junk."""
    if text is None or (isinstance(text, str) and not text.strip()):
        if allow_zero:
            return 0
        raise ValidationError([(field, "不能为空，请填写金额（元）")])
    try:
        value = Decimal(_CLEAN.sub("", str(text)))
    except InvalidOperation:
        raise ValidationError([(field, f"「{text}」不是金额，请填写数字，例如 86000 或 1234.50")]) from None
    if not value.is_finite():
        raise ValidationError([(field, f"「{text}」不是金额")])
    if value < 0:
        raise ValidationError([(field, "不能为负数")])
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValidationError([(field, "最多保留两位小数（精确到分）")])
    if fen > MAX_FEN:
        raise ValidationError([(field, "金额过大，请核对")])
    if fen == 0 and not allow_zero:
        raise ValidationError([(field, "必须大于 0")])
    return int(fen)


def to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_yuan(fen: int | None) -> str:
    """¥12,345.00"""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(to_decimal(fen)):,.2f}"


_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_PLACES = ("", "拾", "佰", "仟")
_CN_GROUPS = ("", "万", "亿", "万亿")


def _cn_group(n: int) -> str:
    """0 < n < 10000 → 「壹仟零伍」: a run of zeros inside is one 零, zeros at the end are dropped."""
    out: list[str] = []
    zero = False
    for place in range(3, -1, -1):
        d = n // 10**place % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_CN_DIGITS[d] + _CN_PLACES[place])
    return "".join(out)


def yuan_in_words(fen: int) -> str:
    """Integer fen → the amount in 大写 as written on vouchers and 签领表 (会计基础工作规范 §52):
    12_345_00 → 「壹万贰仟叁佰肆拾伍元整」, 1000_05 → 「壹仟元零伍分」, 0.50 → 「伍角整」, 0 → 「零元整」;
    「整」 after 元 or 角, none after 分; one 零 for a run of zeros; 拾 always with its digit (壹拾元整);
    a negative amount starts with 「负」."""
    if fen < 0:
        return "负" + yuan_in_words(-fen)
    yuan, cents = divmod(int(fen), 100)
    jiao, fen_ = divmod(cents, 10)
    parts: list[str] = []
    group_no = 0
    pending_zero = False            # a lower group was short of four digits or empty
    while yuan:
        yuan, group = divmod(yuan, 10000)
        if group:
            if group_no >= len(_CN_GROUPS):
                raise ValueError("amount too large for 大写")
            text = _cn_group(group) + _CN_GROUPS[group_no]
            if pending_zero:
                text += "零"
            parts.insert(0, text)
            pending_zero = group < 1000
        else:
            pending_zero = bool(parts)
        group_no += 1
    words = "".join(parts)
    if words.startswith("零"):
        words = words[1:]
    if words:
        words += "元"
    if jiao:
        words += _CN_DIGITS[jiao] + "角"
    elif fen_ and words:
        words += "零"
    if fen_:
        return words + _CN_DIGITS[fen_] + "分"
    return (words or "零元") + "整"
