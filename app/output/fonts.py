"""Which font files the notices are printed in: the one home of the font choice (DESIGN §4,
GB/T 9704: 仿宋 for the body, 小标宋 for the title).

* :func:`choose` answers the :class:`FontSet` for an office setting (``office.notice_font``):
  the office's file when set and usable; else the machine's own 仿宋/宋体 without being asked —
  on Windows ``simfang.ttf`` (仿宋), then ``simsun.ttc`` (宋体); on Linux an installed TrueType
  宋体 such as Debian's AR PL UMing (package ``fonts-arphic-uming``) — and only then the bundled
  sans (:func:`app.paths.bundled_font`). The title takes a 小标宋 file when the machine has one
  (方正小标宋), else 宋体, else the body's font. A set office file that is gone or unusable gives a
  Chinese warning and the next choice.
* :func:`check_font` refuses, with a Chinese reason, a file that cannot be embedded.
* :func:`fallback_fonts`: fonts with CJK Extension A/B for rare characters in names.

Only TrueType outlines (glyf) are usable: reportlab embeds those, as subsets.
"""
from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.domain.errors import ValidationError
from app.paths import bundled_font

_FONT_FIELD = "字体文件"
BUNDLED_LABEL = "内置字体（文泉驿微米黑）"


def _font_error(path: Path, reason: str) -> ValidationError:
    return ValidationError(f"{reason}：{path}", field=_FONT_FIELD)


def _sfnt_tables(data: bytes, offset: int) -> set[bytes]:
    num = struct.unpack_from(">H", data, offset + 4)[0]
    return {data[offset + 12 + 16 * i: offset + 16 + 16 * i] for i in range(num)}


def check_font(path: str | os.PathLike) -> None:
    """Refuse, with a Chinese reason, a file that cannot serve as the notices' font: missing,
    not a font, an OpenType font with CFF outlines (reportlab embeds TrueType outlines only), or a
    TrueType font whose licence forbids embedding."""
    path = Path(path)
    _check_header(path)
    try:
        _load_font(str(path.resolve()))
    except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError and assorted parse errors
        text = str(exc)
        if "embed" in text.lower():
            raise _font_error(path, "字体文件的授权不允许嵌入到 PDF 中，请换一个字体") from exc
        raise _font_error(path, f"字体文件不是可用的 TrueType 字体（{text}）") from exc


def _check_header(path: Path) -> None:
    """The cheap part of :func:`check_font`: the file's sfnt header and table directory."""
    if not path.is_file():
        raise _font_error(path, "字体文件不存在")
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise _font_error(path, f"字体文件无法读取（{exc.strerror or exc}）") from exc
    magic = head[:4]
    try:
        if magic == b"OTTO":
            raise _font_error(path, "字体文件不是 TrueType 格式（OpenType/CFF 轮廓的字体不能嵌入），"
                                    "请选择 .ttf 或 .ttc 的仿宋或宋体")
        if magic == b"ttcf":
            first = struct.unpack_from(">I", head, 12)[0]
            if head[first:first + 4] == b"OTTO" or b"CFF " in _sfnt_tables(head, first):
                raise _font_error(path, "字体文件不是 TrueType 格式（字体集中的字体是 CFF 轮廓），"
                                        "请选择 .ttf 或 .ttc 的仿宋或宋体")
            tables = _sfnt_tables(head, first)
        elif magic in (b"\x00\x01\x00\x00", b"true"):
            tables = _sfnt_tables(head, 0)
        else:
            raise _font_error(path, "字体文件不是 TrueType 格式（不是字体文件），请选择 .ttf 或 .ttc 的仿宋或宋体")
    except struct.error as exc:
        raise _font_error(path, "字体文件不是 TrueType 格式（文件已损坏或不完整）") from exc
    if b"glyf" not in tables or b"cmap" not in tables:
        raise _font_error(path, "字体文件不是 TrueType 格式（缺少 glyf/cmap 表），请选择 .ttf 或 .ttc 的仿宋或宋体")


# Fonts with CJK Extension A / B (and more) that a machine may have, tried in this order after the
# bundled font (which lacks nearly all of Extension A, e.g. 䶮, and all of B, e.g. 𠮷). Only
# TrueType outlines are usable (reportlab embeds glyf fonts only).
def _fallback_candidates() -> list[Path]:
    out: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        fonts = Path(windir) / "Fonts"
        out += [fonts / "simsun.ttc", fonts / "simsunb.ttf", fonts / "SimsunExtG.ttf",
                fonts / "mingliub.ttc"]
    local = os.environ.get("LOCALAPPDATA")
    if local:   # fonts installed for the current user only (Windows 10 1809+)
        fonts = Path(local) / "Microsoft" / "Windows" / "Fonts"
        out += [fonts / "simsunb.ttf", fonts / "SimsunExtG.ttf", fonts / "mingliub.ttc",
                fonts / "HanaMinA.ttf", fonts / "HanaMinB.ttf"]
    out += [Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
            Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
            Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"),
            *(folder / name for folder in (Path("/usr/local/share/fonts"),
                                            Path.home() / ".local" / "share" / "fonts",
                                            Path.home() / "Library" / "Fonts", Path("/Library/Fonts"))
              for name in ("HanaMinA.ttf", "HanaMinB.ttf"))]
    return out


@lru_cache(maxsize=1)
def fallback_fonts() -> tuple[Path, ...]:
    """The fallback fonts present on this machine that pass :func:`check_font` (cheap: each file's
    header is read; a font is parsed only when a character first needs it)."""
    found: list[Path] = []
    seen: set[str] = set()
    for path in _fallback_candidates():
        try:
            if not path.is_file():
                continue
            key = str(path.resolve()).lower()
            if key in seen:
                continue
            seen.add(key)
            _check_header(path)
        except (OSError, ValidationError):
            continue
        found.append(path)
    return tuple(found)




@lru_cache(maxsize=16)
def _load_font(resolved: str) -> tuple[str, frozenset[int], dict[int, float]]:
    """Register the font once; returns (reportlab name, code points in its cmap, widths in em)."""
    name = "UD-" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:12]
    font = TTFont(name, resolved, subfontIndex=0) if resolved.lower().endswith((".ttc", ".otc")) \
        else TTFont(name, resolved)
    pdfmetrics.registerFont(font)
    face = font.face
    widths = {cp: w / 1000.0 for cp, w in face.charWidths.items()}
    return name, frozenset(face.charToGlyph), widths


# --- the machine's own 仿宋 / 宋体 / 小标宋 -----------------------------------------------------------
def _windows_font_dirs() -> list[Path]:
    out: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        out.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:   # fonts installed for the current user only (Windows 10 1809+)
        out.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return out


_LINUX_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"),
               Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts")


def _body_candidates() -> list[tuple[Path, str]]:
    """(file, label) of the body faces to try, best first: 仿宋 before 宋体, Windows' own files
    before Linux packages (a simfang.ttf copied onto a Linux machine counts too)."""
    out: list[tuple[Path, str]] = []
    for folder in _windows_font_dirs():
        out += [(folder / "simfang.ttf", "仿宋（simfang.ttf）"), (folder / "simsun.ttc", "宋体（simsun.ttc）")]
    for folder in _LINUX_DIRS:
        out += [(folder / "simfang.ttf", "仿宋（simfang.ttf）")]
    out += [(Path("/usr/share/fonts/truetype/arphic/uming.ttc"), "宋体（AR PL UMing）"),
            (Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"), "宋体（AR PL SungtiL GB）")]
    for folder in _LINUX_DIRS[1:]:
        out += [(folder / "simsun.ttc", "宋体（simsun.ttc）")]
    return out


def _title_candidates() -> list[tuple[Path, str]]:
    """小标宋 first (方正小标宋简体, where the office installed it), then 宋体."""
    out: list[tuple[Path, str]] = []
    for folder in [*_windows_font_dirs(), *_LINUX_DIRS[1:]]:
        out += [(folder / "FZXBSJW.TTF", "方正小标宋简体"), (folder / "方正小标宋简体.ttf", "方正小标宋简体"),
                (folder / "simsun.ttc", "宋体（simsun.ttc）")]
    out += [(Path("/usr/share/fonts/truetype/arphic/uming.ttc"), "宋体（AR PL UMing）")]
    return out


def _first_usable(candidates: list[tuple[Path, str]]) -> tuple[Path, str] | None:
    """The first candidate that exists and passes :func:`check_font` (parsed once per process)."""
    for path, label in candidates:
        try:
            if path.is_file():
                check_font(path)
                return path, label
        except (OSError, ValidationError):
            continue
    return None


@lru_cache(maxsize=1)
def system_fonts() -> tuple[tuple[Path, str] | None, tuple[Path, str] | None]:
    """(body, title) faces found on this machine, each (file, label) or None; looked for once per
    process (a font installed later counts after a restart)."""
    return _first_usable(_body_candidates()), _first_usable(_title_candidates())


@dataclass(frozen=True)
class FontSet:
    """The files a notice is printed in, and what to tell the person: ``body`` / ``title`` are None
    for the bundled font; ``label`` names the body face in Chinese (shown in settings);
    ``warnings`` say why an office-chosen file was not used."""
    body: Path | None
    title: Path | None
    label: str
    title_label: str
    warnings: tuple[str, ...] = ()


def choose(office_value: str | os.PathLike | None) -> FontSet:
    """The fonts for the notices (see the module text)."""
    warnings: list[str] = []
    value = str(office_value or "").strip()
    body: tuple[Path, str] | None = None
    if value:
        path = Path(value)
        if not path.is_file():
            warnings.append(f"文书字体文件「{value}」已不存在，本次使用{{fallback}}。"
                            "请在「设置 → 单位信息」中重新选择文书字体文件。")
        else:
            try:
                check_font(path)
                body = (path, f"单位选定的字体（{path.name}）")
            except ValidationError as e:
                why = "；".join(m for _f, m in e.errors)
                warnings.append(f"文书字体文件不能使用（{why}），本次使用{{fallback}}。")
    sys_body, sys_title = system_fonts()
    if body is None:
        body = sys_body
    label = body[1] if body else BUNDLED_LABEL
    warnings = [w.replace("{fallback}", label) for w in warnings]
    title = sys_title or body
    return FontSet(body=body[0] if body else None, title=title[0] if title else None,
                   label=label, title_label=title[1] if title else BUNDLED_LABEL,
                   warnings=tuple(warnings))
