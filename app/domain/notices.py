"""Notices 告知书 (DESIGN §4): the kinds, what each is issued for, placeholders and templates.

Pure rules; the service (``app.services.petitions.notices``) fetches the case / registration, asks
``refusal`` whether the kind fits, fills the template and keeps the snapshot.

Template format (``resources/notices/<kind>.txt``, editable by the office): one paragraph per
non-empty line; lines starting with ``#`` are comments; ``{name}`` is a placeholder from
``PLACEHOLDERS`` (``{{`` / ``}}`` for literal braces). The title, document number, addressee
line (「张三：」), issuer, seal and date are laid out by the PDF (``app.output.pdf``), not written in
the template.

Filling (:func:`fill`) also mends what plain substitution gets wrong, in every template, shipped or
edited: a value ending with a sentence mark (「依法转送处理。」) before a mark of the template
(「，依据」) loses its own mark, so no 「。，」 or 「。。」 is printed; 「你（们）」 becomes 「你」 for one
person and 「你们」 for a group (:func:`is_group`).
"""
from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .enums import CaseStatus, Disposition, LabelledEnum


class NoticeKind(LabelledEnum):
    ACCEPT = ("accept", "受理告知书")
    REJECT = ("reject", "不予受理告知书")
    TRANSFER = ("transfer", "转送告知书")
    ASSIGN = ("assign", "交办单")
    EXTEND = ("extend", "延期告知书")
    REPLY = ("reply", "信访事项处理意见书")
    REPEAT = ("repeat", "不予重复受理告知书")
    NO_MORE = ("no_more", "不再受理告知书")
    REGISTER_SHEET = ("register_sheet", "信访事项登记表")

    @property
    def title(self) -> str:
        return self.label

    @property
    def is_sheet(self) -> bool:
        """A form laid out as a table (the registration sheet), not a letter to the petitioner."""
        return self is NoticeKind.REGISTER_SHEET

    @property
    def numbered(self) -> bool:
        """The eight notices carry a document number; the registration sheet does not."""
        return self is not NoticeKind.REGISTER_SHEET


class DeliveryMethod(LabelledEnum):
    IN_PERSON = ("in_person", "当面")
    POST = ("post", "邮寄")
    PHONE = ("phone", "电话告知")
    SMS = ("sms", "短信")


# Which record a kind is issued for: "case" (needs an accepted case) or "registration".
SUBJECT = {
    NoticeKind.ACCEPT: "case",
    NoticeKind.REJECT: "registration",
    NoticeKind.TRANSFER: "registration",
    NoticeKind.ASSIGN: "case",
    NoticeKind.EXTEND: "case",
    NoticeKind.REPLY: "case",
    NoticeKind.REPEAT: "registration",
    NoticeKind.NO_MORE: "registration",
    NoticeKind.REGISTER_SHEET: "registration",
}

_DISPOSITION_OF = {
    NoticeKind.REJECT: Disposition.NOT_ACCEPTED,
    NoticeKind.TRANSFER: Disposition.TRANSFERRED,
    NoticeKind.REPEAT: Disposition.REPEAT,
    NoticeKind.NO_MORE: Disposition.NO_MORE,
}

_CONCLUDED = frozenset({CaseStatus.CONCLUDED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED})


@dataclass(frozen=True)
class SubjectState:
    """What the rules look at: the registration's disposition and, when it has one, its case."""
    disposition: str
    has_case: bool = False
    case_status: str | None = None
    assigned: bool = False          # the case went to a handler, department or lower-level union
    extended: bool = False          # an extension was approved
    concluded: bool = False


def refusal(kind: NoticeKind, st: SubjectState) -> str | None:
    """None when ``kind`` may be issued for this registration/case, else the Chinese reason."""
    title = kind.title
    if kind in _DISPOSITION_OF:
        want = _DISPOSITION_OF[kind]
        if st.disposition != want.value:
            return (f"该登记的处理方式是「{Disposition.label_of(st.disposition)}」，"
                    f"不是「{want.label}」，不能出具{title}")
        return None
    if kind is NoticeKind.REGISTER_SHEET:
        return None
    if not st.has_case:
        return f"该登记未受理，没有案件，不能出具{title}"
    if kind is NoticeKind.ACCEPT:
        return None
    if kind is NoticeKind.ASSIGN:
        return None if st.assigned else "案件尚未交办，不能出具交办单"
    if kind is NoticeKind.EXTEND:
        return None if st.extended else "该案件未延期，不能出具延期告知书"
    if kind is NoticeKind.REPLY:
        concluded = st.concluded and st.case_status is not None \
            and CaseStatus(st.case_status) in _CONCLUDED
        return None if concluded else "案件尚未办结，不能出具处理意见书"
    return None  # pragma: no cover - every kind handled above


# ---- placeholders -------------------------------------------------------------------------

PLACEHOLDERS: dict[str, str] = {
    # common
    "issuer": "出具单位（单位名称）",
    "doc_no": "文号",
    "addressee": "收件人（张三 / 张三等12人）",
    "petitioner": "信访人姓名",
    "head_count": "人数",
    "representatives": "代表姓名",
    "issue_date": "出具日期",
    "office_address": "单位地址",
    "office_phone": "联系电话",
    "office_contact": "联系人",
    "office_postcode": "邮政编码",
    # registration
    "reg_no": "登记号",
    "id_number": "信访人身份证号",
    "phone": "信访人联系电话",
    "address": "信访人住址",
    "disposition": "处理方式",
    "registrar": "登记人",
    "received_date": "收到日期",
    "channel": "信访方式",
    "category": "类别",
    "issue_types": "问题类型",
    "employer": "涉及单位",
    "summary": "事项摘要",
    "request": "诉求",
    "facts": "事实和理由",
    "reason": "不予受理理由",
    "basis": "依据",
    "redirect_to": "建议途径（仲裁委/法院/劳动监察…）",
    "transfer_to": "转送机关",
    "transfer_reason": "转送理由",
    "original_case_no": "原案件编号",
    "original_stage": "原案件办理阶段",
    "earlier_documents": "此前文书文号和日期",
    "review_days": "复查/复核申请期限(日)",
    "notice_days": "书面告知期限(日)",
    # case
    "case_no": "案件编号",
    "accepted_date": "受理日期",
    "due_date": "办结期限",
    "handler": "承办人",
    "assignee": "承办单位/承办人",
    "feedback_due": "反馈期限",
    "original_due_date": "原办结期限",
    "new_due_date": "延期后办结期限",
    "extension_reason": "延期理由",
    "outcome": "处理结果（支持/部分支持/解释说明/不予支持）",
    "outcome_text": "处理意见",
    "concluded_date": "办结日期",
    "assign_requirements": "交办要求（负责人交办时填写的要求）",
    "assignee_you": "对承办方的称呼（承办人：你；部门或下级工会：你单位）",
}

# 办理要求 printed on a 交办单 when the manager wrote none when assigning.
ASSIGN_DEFAULT_REQUIREMENTS = ("请依照{basis}和有关法律法规及政策规定，认真调查核实，依法依规妥善处理，"
                               "做好信访人的解释疏导工作，防止矛盾激化。")


def assignee_you(assignee_kind: str | None) -> str:
    """How a 交办单 addresses who the case went to: a person (承办人) as 「你」, a department or a
    lower-level union as 「你单位」."""
    return "你" if assignee_kind in (None, "handler") else "你单位"


def is_group(head_count: int | None) -> bool:
    """More than one person raised the matter (a group visit): 「你们」, 「张三等12人」."""
    return bool(head_count and head_count > 1)

# What each kind's template must mention (DESIGN §4 table): a template missing one of these is
# still accepted (the office may word it otherwise), but ``missing_required`` names them.
REQUIRED: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.ACCEPT: ("received_date", "channel", "summary", "due_date", "office_phone"),
    NoticeKind.REJECT: ("summary", "reason", "basis", "redirect_to"),
    NoticeKind.TRANSFER: ("summary", "transfer_to", "transfer_reason", "notice_days"),
    NoticeKind.ASSIGN: ("summary", "request", "assign_requirements", "due_date", "feedback_due"),
    NoticeKind.EXTEND: ("accepted_date", "extension_reason", "new_due_date"),
    NoticeKind.REPLY: ("request", "facts", "basis", "outcome", "review_days"),
    NoticeKind.REPEAT: ("summary", "original_case_no", "original_stage", "basis"),
    NoticeKind.NO_MORE: ("summary", "earlier_documents", "basis"),
    NoticeKind.REGISTER_SHEET: ("reg_no", "petitioner", "summary"),
}

# Legal basis written into {basis}: 《信访工作条例》(2022) as DESIGN §4 cites it — §23 (written notice of
# receipt within 15 days, transfer to the body in charge), §34 (60 days, one extension ≤ 30 days),
# §36 (no more acceptance after 复核). Where the article could not be checked here (分类处理 for
# 不予受理, 重复信访) the rule is named without a number; an office edits the template if its
# practice cites one.
BASIS: dict[NoticeKind, str] = {
    NoticeKind.ACCEPT: "《信访工作条例》第二十三条",
    NoticeKind.REJECT: "《信访工作条例》关于依法分类处理信访诉求的规定，"
                       "应当通过仲裁、诉讼、行政执法等法定途径解决的事项，按照法定途径办理",
    NoticeKind.TRANSFER: "《信访工作条例》第二十二条、第二十三条",
    NoticeKind.ASSIGN: "《信访工作条例》",
    NoticeKind.EXTEND: "《信访工作条例》第三十四条（情况复杂的，经负责人批准可以适当延长办理期限，"
                       "延长期限不得超过30日）",
    NoticeKind.REPLY: "《信访工作条例》及有关劳动法律法规",
    NoticeKind.REPEAT: "《信访工作条例》关于同一信访事项已受理或者正在办理的不再重复受理的规定",
    NoticeKind.NO_MORE: "《信访工作条例》第三十六条",
    NoticeKind.REGISTER_SHEET: "",
}

_FORMATTER = string.Formatter()


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a template uses, in order of first use. Raises ValueError on a
    malformed brace (``{`` without ``}``)."""
    names: list[str] = []
    for _lit, name, _spec, _conv in _FORMATTER.parse(text):
        if name is None:
            continue
        base = name.split(".")[0].split("[")[0]
        if base not in names:
            names.append(base)
    return names


def validate_template(text: str) -> list[str]:
    """Unknown placeholder names in ``text`` (empty list: the template is fine). A malformed
    brace is reported as the text 「{」 so the caller can name it."""
    try:
        used = placeholders_in(text)
    except ValueError:
        return ["{"]
    return [n for n in used if n not in PLACEHOLDERS]


def missing_required(kind: NoticeKind, text: str) -> list[str]:
    try:
        used = set(placeholders_in(text))
    except ValueError:
        used = set()
    return [n for n in REQUIRED[kind] if n not in used]


def paragraphs(text: str) -> list[str]:
    """The template's paragraphs (non-empty, non-comment lines), unfilled."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            out.append(s)
    return out


# Marks that end a clause or a sentence, and what may follow a placeholder in a template.
SENTENCE_MARKS = "。；，、：！？.;,:!?"
_CLOSERS = "”’」』）)》〉】〕"
_YOU = ("你（们）", "你(们)")


def join_value(value: str, following: str) -> str:
    """``value`` as it reads before the template text ``following``: its trailing sentence marks
    dropped when the template goes on with a mark of its own (「处理。」 + 「，依据」 → 「处理，依据」), and
    a full stop or comma dropped before a closing quote or bracket (「“拖欠工资。”」 → 「“拖欠工资”」)."""
    nxt = following[:1]
    if not nxt:
        return value
    if nxt in SENTENCE_MARKS:
        return value.rstrip().rstrip(SENTENCE_MARKS + " \u3000") or value
    if nxt in _CLOSERS:
        return value.rstrip().rstrip("。；，、：.;,: \u3000") or value
    return value


def fill(text: str, values: dict[str, str], *, plural: bool | None = None) -> list[str]:
    """The filled paragraphs. Every placeholder must be known (``validate_template`` first);
    values missing from ``values`` become empty text. See the module text for the marks;
    ``plural`` True/False turns 「你（们）」 into 「你们」/「你」 (None: left as written)."""
    full = {k: "" for k in PLACEHOLDERS}
    full.update({k: ("" if v is None else str(v)) for k, v in values.items()})
    out = []
    for para in paragraphs(text):
        parts = list(_FORMATTER.parse(para))
        pieces: list[str] = []
        for i, (lit, name, spec, conv) in enumerate(parts):
            pieces.append(lit)
            if name is None:
                continue
            obj, _key = _FORMATTER.get_field(name, (), full)
            value = _FORMATTER.format_field(_FORMATTER.convert_field(obj, conv), spec or "")
            following = parts[i + 1][0] if i + 1 < len(parts) else ""
            pieces.append(join_value(value, following))
        filled = "".join(pieces)
        if plural is not None:
            for you in _YOU:
                filled = filled.replace(you, "你们" if plural else "你")
        out.append(filled)
    return out


def addressee(name: str, head_count: int) -> str:
    """「张三」 or 「张三等12人」 for a group."""
    name = name or "匿名"
    return f"{name}等{head_count}人" if is_group(head_count) else name


def doc_number(prefix: str, year: int, serial: int) -> str:
    """``朝工信〔2026〕1号`` — no zero padding."""
    return f"{prefix}〔{year}〕{serial}号"


_DOC_NO = re.compile(r"^(\S+?)\s*[〔［\[（(【]\s*(\d{4})\s*[〕］\]）)】]\s*第?0*(\d+)\s*号?$")


def normalize_doc_number(text: str) -> str | None:
    """A document number as typed — 「朝工信受〔2026〕1号」, 「朝工信受[2026]1号」, 「朝工信受（2026）01」 —
    written the way ``doc_number`` writes it; None when the text is not a document number."""
    m = _DOC_NO.match(unicodedata.normalize("NFKC", text or "").strip().replace("〔", "[")
                      .replace("〕", "]"))
    if not m:
        return None
    return doc_number(m[1], int(m[2]), int(m[3]))


# ---------------------------------------------------------------- 代字 per kind
# Every numbered kind has its own 代字, so that its own serial (per kind per year) makes a number no
# other notice of the office has: 「朝工信受〔2026〕1号」 and 「朝工信转〔2026〕1号」, never two
# 「朝工信〔2026〕1号」. By default the kind's 代字 is the office's 文号代字 followed by one word for
# the kind — the way an office marks its series of outgoing documents (机关代字 + 类别字); the
# office may set its own per kind (settings ``doc_prefix.<kind>``), as long as no two kinds share one.
DOC_WORDS: dict[NoticeKind, str] = {
    NoticeKind.ACCEPT: "受",          # 受理
    NoticeKind.REJECT: "不受",        # 不予受理
    NoticeKind.TRANSFER: "转",        # 转送
    NoticeKind.ASSIGN: "交",          # 交办
    NoticeKind.EXTEND: "延",          # 延期
    NoticeKind.REPLY: "复",           # 答复 (处理意见书)
    NoticeKind.REPEAT: "重",          # 不予重复受理
    NoticeKind.NO_MORE: "不再",       # 不再受理
}
DOC_PREFIX_SETTING = "doc_prefix."    # + kind code: the kind's own 代字 (blank: derived)


def doc_prefix(kind: NoticeKind, office_prefix: str, own: str = "") -> str:
    """The kind's 代字: its own when set, else the office's 文号代字 + ``DOC_WORDS[kind]``; "" when
    neither is set (the office profile is then incomplete)."""
    own, office_prefix = (own or "").strip(), (office_prefix or "").strip()
    if own:
        return own
    return office_prefix + DOC_WORDS[kind] if office_prefix else ""


def doc_prefixes(setting: Callable[[str], Any]) -> dict[NoticeKind, str]:
    """Every numbered kind's 代字, from ``setting(key)`` (the stored or default value)."""
    office = str(setting("office.doc_prefix") or "")
    return {k: doc_prefix(k, office, str(setting(DOC_PREFIX_SETTING + k.value) or ""))
            for k in DOC_WORDS}


def shared_doc_prefixes(prefixes: dict[NoticeKind, str]) -> list[tuple[str, list[NoticeKind]]]:
    """The 代字 used by more than one kind (with those kinds): each would number the same
    「代字〔年〕n号」 twice."""
    by_prefix: dict[str, list[NoticeKind]] = {}
    for kind, prefix in prefixes.items():
        if prefix:
            by_prefix.setdefault(prefix, []).append(kind)
    return [(p, kinds) for p, kinds in by_prefix.items() if len(kinds) > 1]
