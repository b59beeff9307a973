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
