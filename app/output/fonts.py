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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts as _ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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


# --- drawing text in a chain of fonts (the chosen face, the bundled font, rare-character fallbacks) ---
PLACEHOLDER = "〓"        # drawn for a character no font has
def _utf16_hex(cp: int) -> str:
    return "".join(f"{unit:04X}" for unit in struct.unpack(f">{len(chr(cp).encode('utf-16-be')) // 2}H",
                                                         chr(cp).encode("utf-16-be")))


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap with code points above U+FFFF written as UTF-16 surrogate pairs
    (as the PDF reference requires), so 𠮷 reads back from the PDF."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname, "/Supplement 0", ">> def",
        "/CMapName /%s def" % fontname, "/CMapType 2 def", "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", "%d beginbfchar" % len(subset),
        *("<%02X> <%s>" % (i, _utf16_hex(v)) for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


_ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@dataclass
class Font:
    name: str
    cmap: frozenset[int]
    widths: dict[int, float]
    default_width: float

    @classmethod
    def load(cls, path: Path) -> Font:
        name, cmap, widths = _load_font(str(path.resolve()))
        return cls(name, cmap, widths, widths.get(ord("中"), 1.0))

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def width(self, ch: str) -> float:
        return self.widths.get(ord(ch), self.default_width)


class FontChain:
    """The chosen font with the bundled font behind it, then the machine's fallback fonts (loaded
    when first needed); maps characters to (font, drawn char)."""

    def __init__(self, font_path: Path | None, missing: list[str] | None,
                 title_path: Path | None = None):
        self.bundled = Font.load(bundled_font())
        if font_path is not None and Path(font_path).resolve() != bundled_font().resolve():
            check_font(font_path)
            self.primary = Font.load(Path(font_path))
            self.chain = [self.primary, self.bundled]
        else:
            self.primary = self.bundled
            self.chain = [self.bundled]
        self._pending: list[Path] | None = None      # fallback fonts not yet loaded
        self.missing = missing if missing is not None else []
        self._seen = set(self.missing)
        self._cache: dict[str, tuple[Font, str]] = {}
        # the title's face (小标宋/宋体) with this body chain behind it; the body's when not given
        self.title: FontChain = self
        if title_path is not None and Path(title_path).resolve() != Path(font_path or bundled_font()).resolve():
            check_font(title_path)
            self.title = FontChain.__new__(FontChain)
            self.title.__dict__.update(self.__dict__)
            self.title.primary = Font.load(Path(title_path))
            self.title.chain = [self.title.primary, *self.chain]
            self.title._cache = {}
            self.title.title = self.title

    def _fallback(self, ch: str) -> Font | None:
        """Load the machine's fallback fonts one by one until one has ``ch`` (the fonts already
        loaded were tried by :meth:`pick`). A font reportlab cannot use is skipped."""
        if self._pending is None:
            self._pending = list(fallback_fonts())
        while self._pending:
            path = self._pending.pop(0)
            try:
                font = Font.load(path)
            except Exception:  # noqa: BLE001 - reportlab raises assorted parse errors
                continue
            if any(f.name == font.name for f in self.chain):
                continue
            self.chain.append(font)
            if font.has(ch):
                return font
        return None

    def pick(self, ch: str) -> tuple[Font, str]:
        hit = self._cache.get(ch)
        if hit is not None:
            return hit
        if ch in " \u3000":
            hit = (self.primary, ch)
        else:
            font = next((f for f in self.chain if f.has(ch)), None)
            if font is None and ch.isprintable():
                font = self._fallback(ch)
            if font is not None:
                hit = (font, ch)
            else:
                if ch not in self._seen:
                    self._seen.add(ch)
                    self.missing.append(ch)
                font = next((f for f in self.chain if f.has(PLACEHOLDER)), self.primary)
                hit = (font, PLACEHOLDER)
        self._cache[ch] = hit
        return hit

    def runs(self, text: str) -> list[tuple[Font, str]]:
        out: list[tuple[Font, list[str]]] = []
        for ch in text:
            font, drawn = self.pick(ch)
            if out and out[-1][0] is font:
                out[-1][1].append(drawn)
            else:
                out.append((font, [drawn]))
        return [(f, "".join(chars)) for f, chars in out]

    def advance(self, ch: str, size: float, char_space: float) -> float:
        font, drawn = self.pick(ch)
        return font.width(drawn) * size + char_space


def missing_glyphs(texts: Sequence[str], font_path: Path | None = None) -> list[str]:
    """The characters of ``texts`` that neither the chosen font nor the bundled font can draw."""
    fonts = FontChain(font_path, None)
    for text in texts:
        for ch in text:
            fonts.pick(ch)
    return list(fonts.missing)


def draw_runs(c: Canvas, fonts: FontChain, text: str, x: float, y: float, size: float,
               char_space: float, bold: bool = False) -> None:
    t = c.beginText(x, y)
    t.setCharSpace(char_space)
    if bold:
        c.setLineWidth(size * 0.03)
        t.setTextRenderMode(2)
    for font, run in fonts.runs(text):
        t.setFont(font.name, size)
        t.textOut(run)
    if bold:
        t.setTextRenderMode(0)
    c.drawText(t)


def text_width(fonts: FontChain, text: str, size: float, char_space: float) -> float:
    return sum(fonts.advance(ch, size, char_space) for ch in text) - char_space
