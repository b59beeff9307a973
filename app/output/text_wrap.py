"""Line breaking for Chinese text on a character grid: where a line may end (never inside a Latin
word, a number or an amount such as ¥10,230.00), and how wide a piece of text is.
"""

from __future__ import annotations

from collections.abc import Callable


NO_LINE_START = set("，。、；：？！）」』》〉】〕”’…—·,.;:?!)]}%～")


NO_LINE_END = set("（「『《〈【〔“‘([{")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./%@:+#")


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: one CJK character or mark each; runs of Latin letters and digits whole,
    with a thousands comma inside a number (10,230.00) and a currency sign before it (¥10)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prev = out[-1] if out else ""
        if prev and _is_word_char(ch) and (_is_word_char(prev[-1]) or prev in "¥￥$"
                                           or (prev.endswith(",") and ch.isdigit())):
            out[-1] += ch
        elif out and ch == "," and out[-1][-1].isdigit() and nxt.isdigit():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap_width(text: str, width: float, advance: Callable[[str], float], indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (the first line starts ``indent`` in),
    measuring each character with ``advance``. See the module text for the rules."""
    eps = 1e-6
    toks: list[str] = []
    for tok in _tokens(text):           # a word longer than a whole line is split by characters
        if len(tok) > 1 and sum(advance(c) for c in tok) > width - indent + eps:
            toks.extend(tok)
        else:
            toks.append(tok)
    lines: list[list[str]] = []
    cur: list[str] = []
    used = indent
    i = 0
    while i < len(toks):
        tok = toks[i]
        w = sum(advance(c) for c in tok)
        if used + w <= width + eps or not cur:
            cur.append(tok)
            used += w
            i += 1
            continue
        # the token does not fit: close the line
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if tok in NO_LINE_START and cur[-1] not in NO_LINE_START and nxt not in NO_LINE_START:
            cur.append(tok)                  # one closing mark joins the line (squeezed when drawn)
            lines.append(cur)
            cur, used = [], 0.0
            i += 1
            continue
        carry: list[str] = []
        while len(cur) > 1 and (cur[-1] in NO_LINE_END or (carry or [tok])[0] in NO_LINE_START):
            carry.insert(0, cur.pop())
        lines.append(cur)
        cur = carry
        used = sum(advance(c) for t in cur for c in t)
        if used + w > width + eps and cur:   # carried text and the token cannot share a line
            lines.append(cur)
            cur, used = [], 0.0
    if cur or not lines:
        lines.append(cur)
    return ["".join(line) for line in lines]
