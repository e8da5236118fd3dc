"""Proposing an inspection report's findings from the structure of its text.

Inspection reports (and the chief constable's and PCC's responses that quote them)
follow house conventions: recommendations open "By <month> <year>, <who> should …",
a cause of concern is named as one ("… - highlighted as a 'cause of concern'") or
heads its own section, areas for improvement and good practice sit under their
headings, and the chief constable's comments and the PCC's response are titled
sections. The result is only a proposal: a person confirms, edits or drops each item
before anything is saved, so the rules favour finding too much over missing a
recommendation. Plain Python: the ingestion job calls it page by page of text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rocu.engines.deadlines import end_of_month

VERSION = "report-structure-v1"

CAUSE_OF_CONCERN = "cause_of_concern"
ACCELERATED_CAUSE_OF_CONCERN = "accelerated_cause_of_concern"
RECOMMENDATION = "recommendation"
AREA_FOR_IMPROVEMENT = "area_for_improvement"
GOOD_PRACTICE = "good_practice"

KIND_LABELS = {
    CAUSE_OF_CONCERN: "Cause of concern",
    ACCELERATED_CAUSE_OF_CONCERN: "Accelerated cause of concern",
    RECOMMENDATION: "Recommendation",
    AREA_FOR_IMPROVEMENT: "Area for improvement",
    GOOD_PRACTICE: "Good practice",
}

MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTH = "(" + "|".join(MONTHS) + ")"

# Whom a recommendation is addressed to, read from its subject ("By …, <subject> should").
ADDRESSEES: list[tuple[str, re.Pattern[str]]] = [
    ("Chief constables", re.compile(r"chief constables?|chief officers?", re.I)),
    ("Home Office", re.compile(r"home office", re.I)),
    ("NPCC", re.compile(r"\bNPCC\b|national police chiefs", re.I)),
    ("NCA", re.compile(r"\bNCA\b|national crime agency", re.I)),
    ("APCC", re.compile(r"\bAPCC\b|association of police and crime commissioners", re.I)),
    ("PCCs", re.compile(r"police and crime commissioners?|\bPCCs?\b", re.I)),
    ("College of Policing", re.compile(r"college of policing", re.I)),
    ("ROCU heads", re.compile(r"heads? of (?:the )?rocus?|rocu heads?", re.I)),
]

_BULLET = re.compile(r"^(?:[•●▪◦▸►*]|[-\u2013\u2014](?=\s))\s*")
_NUMBERED = re.compile(r"^(?:\(?(\d{1,3})[.)]|\(([a-z])\))\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})

_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("findings", re.compile(r"^(key findings|summary of findings|findings)\s*:?$", re.I)),
    ("recommendations", re.compile(r"^(recommendations?|summary of recommendations)\s*:?$", re.I)),
    ("afi", re.compile(r"^areas? for improvement\s*:?$", re.I)),
    ("coc", re.compile(r"^(accelerated )?causes? of concern\s*(\d+)?\s*:?$", re.I)),
    ("good_practice", re.compile(r"^(innovative|good|notable|promising) practice\s*:?$", re.I)),
    ("cc", re.compile(r"^chief constable'?s? (comments|response)\s*:?$", re.I)),
    ("pcc", re.compile(r"^(the )?(police and crime commissioner|pcc)'?s? (response|comments)\s*:?$", re.I)),
]

_COC_INLINE = re.compile(
    r"^(?P<text>.+?)\s*[\u2013\u2014-]\s*(?:highlighted|identified|recorded) as\s+(?:an?\s+)?'?(?P<acc>accelerated\s+)?"
    r"cause of concern'?\.?$",
    re.I | re.S,
)
_REC = re.compile(
    r"^(?:recommendation\s*(?P<num>\d+)\s*[:.\u2013\u2014-]?\s*)?(?P<body>by\s+(?:the end of\s+)?"
    + _MONTH
    + r"\s+(?P<year>\d{4})\s*,\s*(?P<subject>.+?)\s+should\b.*)$",
    re.I | re.S,
)
_REC_NUMBERED = re.compile(
    r"^recommendation\s*(?P<num>\d+)\s*[:.\u2013\u2014-]?\s*(?P<body>.+\bshould\b.*)$", re.I | re.S
)
_AFI = re.compile(r"^area for improvement\s*(?P<num>\d+)?\s*[:.\u2013\u2014-]?\s*(?P<body>.+)$", re.I | re.S)
_LABEL = re.compile(r"^(recommendation|area for improvement)\s*(\d+)\s*[:.]?$", re.I)
_DATE = r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\s+(\d{4})"
_PUBLISHED = re.compile(r"published\s+(?:on\s+)?" + _DATE, re.I)
_RESPONSE_DUE = re.compile(r"response\s+(?:is\s+)?due\s+(?:by|on)\s+" + _DATE, re.I)


@dataclass(frozen=True)
class ProposedFinding:
    kind: str
    reference: str
    text: str
    due_date: dt.date | None = None
    addressed_to: tuple[str, ...] = ()
    paragraph_ref: str = ""


@dataclass
class ReportStructure:
    title: str = ""
    inspecting_body: str = ""
    published: dt.date | None = None
    response_due: dt.date | None = None
    findings: list[ProposedFinding] = field(default_factory=list)
    chief_constable_comments: str = ""
    pcc_response: str = ""
    version: str = VERSION

    def of_kind(self, kind: str) -> list[ProposedFinding]:
        return [f for f in self.findings if f.kind == kind]


@dataclass
class _Item:
    text: str
    page: int
    listed: bool  # opened by a bullet or a number
    number: str = ""
    heading: str | None = None


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), MONTHS[month.lower()], int(day))
    except ValueError:
        return None


def _heading(line: str) -> str | None:
    if len(line) > 80:
        return None
    for name, pattern in _HEADINGS:
        if pattern.match(line):
            return name
    return None


_TERMINAL = (".", "!", "?", "'", '"', ")")


def _breaks_after(previous: str, line: str) -> bool:
    """In text with no blank lines (as pypdf gives it), a new paragraph starts after a
    sentence that ends its line, or after a short unpunctuated line (a heading)."""
    if not previous or not line[:1].isupper():
        return False
    return previous.endswith(_TERMINAL) or (len(previous) < 60 and not previous.endswith((",", ";", ":", "-")))


def _items(pages: Sequence[str]) -> list[_Item]:
    """Paragraphs and list items, with page numbers; a blank line ends an item unless
    the next line carries on a sentence (PDF text breaks lines mid-sentence)."""
    items: list[_Item] = []
    current: list[str] = []
    meta: _Item | None = None
    after_blank = False
    previous = ""

    def close() -> None:
        nonlocal current, meta
        if meta is not None and current:
            meta.text = re.sub(r"\s+", " ", " ".join(current)).strip()
            if meta.text:
                items.append(meta)
        current, meta = [], None

    for page_no, page in enumerate(pages, start=1):
        lines = [raw.translate(_QUOTES).strip() for raw in page.splitlines()]
        content = [i for i, line in enumerate(lines) if line]
        dense = bool(content) and all(lines[i] for i in range(content[0], content[-1] + 1))
        for line in lines:
            if not line:
                after_blank = True
                continue
            heading = _heading(line)
            if heading:
                close()
                items.append(_Item(text=line, page=page_no, listed=False, heading=heading))
                after_blank = False
                previous = ""
                continue
            bullet = _BULLET.match(line)
            numbered = _NUMBERED.match(line)
            starts_item = (
                bullet
                or numbered
                or meta is None
                or (after_blank and not line[0].islower())
                or (dense and _breaks_after(previous, line))
                or line.lower().startswith(("recommendation ", "area for improvement"))
            )
            if starts_item:
                close()
                number = ""
                if bullet:
                    line = line[bullet.end() :]
                elif numbered:
                    number = numbered.group(1) or numbered.group(2) or ""
                    line = line[numbered.end() :]
                meta = _Item(text="", page=page_no, listed=bool(bullet or numbered), number=number)
            current.append(line)
            after_blank = False
            previous = line
    close()
    return items


def _addressees(subject: str) -> tuple[str, ...]:
    found = tuple(name for name, pattern in ADDRESSEES if pattern.search(subject))
    if found:
        return found
    subject = re.sub(r"^the\s+", "", subject.strip(" ,"), flags=re.I)
    return (subject[:1].upper() + subject[1:200],) if subject else ()


def extract(text: str | Sequence[str]) -> ReportStructure:
    """The report's title, dates, proposed findings and response sections.

    `text` is the whole text, or one string per page (pages give paragraph
    references as "page 3, paragraph 2"); form feeds also separate pages.
    """
    pages = text.split("\f") if isinstance(text, str) else list(text)
    result = ReportStructure()
    joined = " ".join(pages).translate(_QUOTES)
    flat = re.sub(r"\s+", " ", joined)
    if m := _PUBLISHED.search(flat):
        result.published = _date(*m.groups())
    if m := _RESPONSE_DUE.search(flat):
        result.response_due = _date(*m.groups())
    if re.search(r"HMICFRS|HM Inspectorate of Constabulary", flat):
        result.inspecting_body = "HMICFRS"

    items = _items(pages)
    result.title = next((i.text[:200] for i in items), "")
    counters: dict[str, int] = {}
    section = ""
    cc: list[str] = []
    pcc: list[str] = []
    pending_coc = ""
    label: dict[str, str] = {}  # "Recommendation 4" on its own line numbers what follows
    used: set[str] = set()
    page_paragraph: dict[int, int] = {}
    multi_page = len(pages) > 1

    def add(kind: str, body: str, item: _Item, number: str = "", **extra: object) -> None:
        n = counters.get(kind, 0) + 1
        if number.isdigit():
            n = max(n, int(number))
        ref = f"{KIND_LABELS[kind]} {number or n}"
        while ref in used:
            n += 1
            ref = f"{KIND_LABELS[kind]} {n}"
        counters[kind] = n
        used.add(ref)
        para = page_paragraph[item.page] if multi_page else sum(page_paragraph.values())
        where = f"page {item.page}, paragraph {para}" if multi_page else f"paragraph {para}"
        result.findings.append(
            ProposedFinding(kind=kind, reference=ref, text=body.strip(), paragraph_ref=where, **extra)  # type: ignore[arg-type]
        )

    for item in items:
        if item.heading:
            section = item.heading
            if section == "coc":
                accelerated = item.text.lower().startswith("accelerated")
                pending_coc = ACCELERATED_CAUSE_OF_CONCERN if accelerated else CAUSE_OF_CONCERN
            continue
        page_paragraph[item.page] = page_paragraph.get(item.page, 0) + 1
        if section == "cc":
            cc.append(item.text)
            continue
        if section == "pcc":
            pcc.append(item.text)
            continue
        text_ = item.text
        if m := _LABEL.match(text_):
            kind = RECOMMENDATION if m.group(1).lower() == "recommendation" else AREA_FOR_IMPROVEMENT
            label[kind] = m.group(2)
            continue
        if m := _REC.match(text_):
            due = end_of_month(int(m.group("year")), MONTHS[m.group(3).lower()])
            add(
                RECOMMENDATION,
                m.group("body"),
                item,
                m.group("num") or label.pop(RECOMMENDATION, ""),
                due_date=due,
                addressed_to=_addressees(m.group("subject")),
            )
            continue
        if m := _REC_NUMBERED.match(text_):
            subject = re.split(r"\bshould\b", m.group("body"), maxsplit=1)[0]
            add(RECOMMENDATION, m.group("body"), item, m.group("num"), addressed_to=_addressees(subject))
            continue
        if section == "recommendations" and item.listed and re.search(r"\bshould\b", text_):
            subject = re.split(r"\bshould\b", text_, maxsplit=1)[0]
            add(RECOMMENDATION, text_, item, item.number, addressed_to=_addressees(subject))
            continue
        if m := _COC_INLINE.match(text_):
            add(ACCELERATED_CAUSE_OF_CONCERN if m.group("acc") else CAUSE_OF_CONCERN, m.group("text"), item)
            continue
        if pending_coc:
            add(pending_coc, text_, item)
            pending_coc = ""
            continue
        if m := _AFI.match(text_):
            add(AREA_FOR_IMPROVEMENT, m.group("body"), item, m.group("num") or label.pop(AREA_FOR_IMPROVEMENT, ""))
            continue
        if section == "afi":
            add(AREA_FOR_IMPROVEMENT, text_, item, item.number)
            continue
        if section == "good_practice":
            add(GOOD_PRACTICE, text_, item, item.number)
    result.chief_constable_comments = "\n\n".join(cc)
    result.pcc_response = "\n\n".join(pcc)
    return result
