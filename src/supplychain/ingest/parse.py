"""Parse a research note of the ``industry_research`` family into facts with line numbers.

A note has YAML-ish front matter (``title``, ``date``), an H1 title, a
``重点受益行业与标的`` list of ``- **sub-sector**：names…`` lines whose names carry
``（推荐）`` / ``（受益）`` group markers, ETF mentions written ``NAME（CODE）``, a risk
section of ``- **risk**：text`` bullets and numbered key facts with numbers and YoY.

The group rule: a marker applies to every name before it back to the previous marker,
``；`` or the start of the line; names after the last marker are ``listed``.

>>> [(m.name, m.stance) for m in parse_names("英维克（推荐）、思泉新材、同飞股份", "x.md", 1)]
[('英维克', 'recommended'), ('思泉新材', 'listed'), ('同飞股份', 'listed')]
>>> [(m.name, m.stance) for m in parse_names("A、B（推荐）；C、D等（受益）", "x.md", 1)]
[('A', 'recommended'), ('B', 'recommended'), ('C', 'beneficiary'), ('D', 'beneficiary')]
>>> [(m.name, m.code, m.stance) for m in parse_names("推荐:中际旭创(300308)、新易盛;受益:永鼎股份", "x.md", 1)]
[('中际旭创', '300308', 'recommended'), ('新易盛', None, 'recommended'), ('永鼎股份', None, 'beneficiary')]
>>> [(m.name, m.code, m.stance) for m in parse_names("建议关注紫光股份（买入）、Sugon (603019 CH, Buy)、锐捷网络（增持）", "x.md", 1)]
[('紫光股份', None, 'recommended'), ('Sugon', '603019', 'recommended'), ('锐捷网络', None, 'beneficiary')]
>>> parse_metrics("FY2026Q2资本开支315.01亿元，同比增长80.10%，显示强劲投入力度。")
[MetricFact(name='资本开支', value=315.01, unit='亿元', period='FY2026Q2', yoy=80.1, qualifier='=', low=None, high=None)]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FileFormatError
from ..names import slug as readable_slug
from .keyfacts import MetricFact, parse_metrics  # noqa: F401 (re-exported: the figures of a key fact)

SECTOR_LIST_HEADING = "重点受益行业与标的"

_MARKERS = {"推荐": "recommended", "受益": "beneficiary"}
_MARKER_TEXT = re.compile(r"(?:重点|强烈|均|建议|有望)?(推荐|受益)(?:标的)?")
_PREFIX = re.compile(r"^(?:重点|建议)?(推荐|受益)(?:标的)?\s*:\s*")


_LEAD_PHRASE = re.compile(r"^(建议关注|重点关注|推荐关注|重点推荐|强烈推荐|受益标的|相关标的|相关公司)\s*:?\s*")


def _marker(content: str) -> str | None:
    """The stance a parenthesised marker gives: （推荐）, （受益）, and any rating word of
    :data:`~supplychain.schema.RATINGS` (（买入）, （增持）, (Buy)…)."""
    mk = _MARKER_TEXT.fullmatch(content)
    if mk:
        return _MARKERS[mk.group(1)]
    from .formats.ratings import rating_stance

    return rating_stance(content)
_CODE = re.compile(r"(?i)(?:[0-9]{4,6}(?:\.(?:sh|sz|bj|hk|ss))?|(?:sh|sz|bj|hk)[0-9]{4,6}|[a-z]{1,5}(?:\.[a-z]{1,2})?)")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.、)]\s*(\S.*)$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ETF = re.compile(r"(?i)([^\s,、;:。()]*?etf[^\s,、;:。()]*?)\s*\(\s*((?:sh|sz)?\d{6}(?:\.(?:sh|sz|ss))?)\s*\)")
_ETF_LEAD = re.compile(r"^(?:以及|包括|例如|比如|及|和|与|或|如)")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[\sT])")


@dataclass(frozen=True)
class Mention:
    """A company named by a note: the name, a listing code if one followed it, its stance.

    In a sub-sector line the line is the quote; a name found elsewhere (a broker's
    "建议关注…", an English "Top picks:", a rating-table row, a sentence the fallback
    read) carries its own ``quote``, ``line``, the ``rule`` that found it, the rating
    word it rests on and, when the note gives one, its ``sector``.
    """

    name: str
    code: str | None
    stance: str
    quote: str | None = None
    line: int | None = None
    rule: str | None = None
    rating: str | None = None
    sector: str | None = None


@dataclass(frozen=True)
class SectorLine:
    """One ``- **sub-sector**：names…`` bullet."""

    name: str
    line: int
    quote: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class EtfMention:
    name: str
    code: str
    stance: str
    line: int
    quote: str


@dataclass(frozen=True)
class RiskLine:
    name: str
    text: str
    line: int
    quote: str


@dataclass(frozen=True)
class KeyFact:
    """A numbered key fact with the metrics found in it."""

    line: int
    quote: str
    metrics: tuple[MetricFact, ...]


@dataclass
class ParsedReport:
    """Everything a note says that the graph can hold, each fact with its line."""

    file: str
    id: str
    name: str
    title: str
    date: dt.date
    date_line: int
    title_line: int
    sectors: list[SectorLine] = field(default_factory=list)
    etfs: list[EtfMention] = field(default_factory=list)
    risks: list[RiskLine] = field(default_factory=list)
    facts: list[KeyFact] = field(default_factory=list)
    format: str = "family"
    mentions: list[Mention] = field(default_factory=list)
    """Companies named outside sub-sector lines (other formats, rating tables)."""
    sentences: list[tuple[int, str]] = field(default_factory=list)
    """(line, sentence) for the general fallback: names are found in them when planning."""
    notes: list[str] = field(default_factory=list)
    """What the parser decided that the plan should say (format, table overrides)."""
    industry: str | None = None
    """The industry the note is about (通信 for 通信行业点评): the sub-sector of names it gives none."""


# --------------------------------------------------------------------------- helpers


def nfkc(text: str) -> str:
    """Width-fold (``（推荐）`` → ``(推荐)``, ``：`` → ``:``, ``；`` → ``;``) keeping spaces."""
    return unicodedata.normalize("NFKC", text)


def slugify(text: str) -> str:
    """Lowercase ASCII slug; anything else becomes a hyphen.

    >>> slugify("industry_research_2025-11-26")
    'industry-research-2025-11-26'
    >>> slugify("Zhongji Innolight Co., Ltd.")
    'zhongji-innolight-co-ltd'
    """
    return re.sub(r"[^a-z0-9]+", "-", nfkc(text).lower()).strip("-")


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def report_id(path: Path | str) -> str:
    """The report node id: the file name without extension, slugified.

    >>> report_id("data/reports/industry_research_2025-11-26.md")
    'industry-research-2025-11-26'
    >>> report_id("notes/通信行业点评_20251212.md")
    'tongxin-hangye-dianping-20251212'
    """
    stem = Path(path).stem
    slug = slugify(stem) if stem.isascii() else readable_slug(stem, max_words=12)
    if not slug:  # no letter, digit or Chinese character at all
        slug = f"report-{short_hash(stem)}"
    return slug[:120].strip("-")


def quote_of(line: str) -> str:
    """A bullet line as quoted in claims: no leading ``- ``, no ``**``, no trailing space."""
    return _BULLET.sub("", line.strip()).replace("**", "").rstrip()


def _heading(line: str) -> str | None:
    m = _HEADING.match(line)
    return m.group(2) if m else None


# --------------------------------------------------------------------------- names


def _check_balance(body: str, file: str, line: int) -> None:
    """Refuse ``（推荐`` without its ``）`` and ``推荐）`` without its ``（`` (within one ``；`` group)."""
    for segment in body.split(";"):
        _check_segment(segment, file, line)


def _check_segment(body: str, file: str, line: int) -> None:
    depth, opened = 0, -1
    for i, ch in enumerate(body):
        if ch == "(":
            m = re.match(r"\(\s*(推荐|受益)\s*([^)\s]|$)", body[i:])
            if m:
                raise FileFormatError(file, line, f"unbalanced marker '（{m.group(1)}': write it as '（{m.group(1)}）'")
            if depth:
                raise FileFormatError(file, line, f"nested '（' in {_show(body[opened:])!r}; close the first one")
            depth, opened = 1, i
        elif ch == ")":
            if not depth:
                m = re.search(r"(推荐|受益)\s*$", body[:i])
                if m:
                    raise FileFormatError(file, line, f"unbalanced marker '{m.group(1)}）': write it as '（{m.group(1)}）'")
                raise FileFormatError(file, line, f"unbalanced '）' after {_show(body[max(0, i - 8):i])!r}")
            depth = 0
    if depth:
        m = re.match(r"\(\s*(推荐|受益)", body[opened:])
        if m:
            raise FileFormatError(file, line, f"unbalanced marker '（{m.group(1)}': write it as '（{m.group(1)}）'")
        raise FileFormatError(file, line, f"unbalanced '（' in {_show(body[opened:opened + 12])!r}")


def _show(text: str) -> str:
    return text.replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；").strip()


def parse_names(body: str, file: str, line: int) -> list[Mention]:
    """The names of a sub-sector line's body with the stance the group rule gives each."""
    body = nfkc(body)
    _check_balance(body, file, line)
    out: list[Mention] = []
    for segment in body.split(";"):
        segment = segment.strip()
        prefix = _PREFIX.match(segment)
        default = "listed"
        if prefix:
            default = _MARKERS[prefix.group(1)]
            segment = segment[prefix.end():]
        lead = _LEAD_PHRASE.match(segment)
        if lead:  # 建议关注A、B: the phrase is no part of a name, its rating word is the default
            from .formats.broker import phrase_stance

            default, segment = phrase_stance(lead.group(1)), segment[lead.end():]
        pending: list[tuple[str, str | None]] = []
        for raw in re.split(r"[、,](?![^()]*\))|以及|及", segment):  # not the comma of "(603019 CH, Buy)"
            item, marker, code = raw.strip(), None, None
            while True:  # peel trailing parentheticals: markers, codes, notes
                m = re.search(r"\(([^()]*)\)\s*$", item)
                if not m:
                    break
                item = item[: m.start()].rstrip()
                for content in (x.strip() for x in m.group(1).split(",")):
                    mk = _marker(content)
                    if mk:
                        marker = mk
                    elif _CODE.fullmatch(content):
                        code = content.upper()
                    elif re.fullmatch(r"(?i)\d{6}\s+C[H12]", content):
                        code = content[:6]
            m = re.match(r"^\(([^()]*)\)\s*", item)  # a leading code: (300308)中际旭创
            if m and _CODE.fullmatch(m.group(1).strip()):
                code, item = code or m.group(1).strip().upper(), item[m.end():]
            item = re.sub(r"\s+", " ", re.sub(r"等+$", "", item)).strip()
            if item:
                pending.append((item, code))
            if marker:
                out += [Mention(n, c, marker) for n, c in pending]
                pending = []
        out += [Mention(n, c, default) for n, c in pending]
    return out


# --------------------------------------------------------------------------- the note


def _front_matter(lines: list[str], file: str) -> tuple[dict[str, tuple[str, int]], int]:
    """Keys of the ``---`` block at the top: ``{key: (value, line)}`` and the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    out: dict[str, tuple[str, int]] = {}
    for i in range(1, len(lines)):
        text = lines[i].strip()
        if text in ("---", "..."):
            return out, i + 1
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", text)
        if m:
            value = m.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            out[m.group(1).lower()] = (value, i + 1)
    raise FileFormatError(file, 1, "front matter opened with '---' is never closed")


def parse_date(value: str, file: str, line: int) -> dt.date:
    """``2025-11-26 15:41:22 +0800`` → 2025-11-26; anything else is an error at ``line``.

    >>> parse_date("2025-11-26 15:41:22 +0800", "x.md", 3)
    datetime.date(2025, 11, 26)
    """
    m = _DATE.match(value.strip())
    try:
        if not m:
            raise ValueError
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise FileFormatError(file, line, f"date {value!r} is not a date; write it as YYYY-MM-DD") from None


NOTE_LIMIT = 20_000_000
"""The largest note read, in bytes (a long note is ~10 kB; a bigger file is not a note)."""


def split_lines(text: str) -> list[str]:
    r"""Lines split at ``\n`` or ``\r\n`` only, so that line numbers are an editor's.

    :meth:`str.splitlines` also splits at U+2028, U+2029, U+0085, form feed and vertical
    tab, which would cut a bullet in two and shift every later line number.

    >>> split_lines("- a\u2028b\x0cc\r\n- d\n")
    ['- a\u2028b\x0cc', '- d']
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_note(path: Path | str) -> str:
    """The note's text; missing, binary, non-UTF-8, empty, non-regular (a FIFO, a
    device) or oversized (over :data:`NOTE_LIMIT`) files are one-line errors."""
    from ..files import read_text

    path = Path(path)
    if not path.exists():
        raise FileFormatError(str(path), 0, "file not found")
    text = read_text(path, limit=NOTE_LIMIT, what="the note")
    if not text.strip():
        raise FileFormatError(str(path), 1, "empty file; expected a research note")
    return text


def parse_report(path: Path | str, file: str | None = None) -> ParsedReport:
    """Parse the note at ``path`` (named ``file`` in messages and in the report node).

    ``path`` may be a Markdown or text file, an HTML page, a text PDF, or ``-`` for
    standard input; the format is recognised from the structure
    (:func:`supplychain.ingest.formats.parse_note`).
    """
    from .formats import parse_note
    from .formats.read import STDIN, read_source

    text, _kind = read_source(path)
    if str(path) == STDIN:
        report = parse_note(text, file or "<stdin>", "stdin")
        slug = readable_slug(report.title, max_words=8)
        report.id = f"note-{report.date.isoformat()}-{slug[:60].strip('-') or short_hash(report.title)}"
        return report
    return parse_note(text, file or str(path), Path(path).name)


def parse_text(text: str, file: str, filename: str | None = None) -> ParsedReport:
    """Parse a note's text. ``filename`` gives the report id (default: ``file``'s name)."""
    lines = split_lines(text)
    meta, body_start = _front_matter(lines, file)
    title_line = 0
    h1 = None
    for i in range(body_start, len(lines)):
        m = _HEADING.match(lines[i])
        if m and len(m.group(1)) == 1:
            h1, title_line = m.group(2).strip(), i + 1
            break
    name = meta.get("title", (None, 0))[0] or Path(filename or file).stem
    if "date" in meta:
        date_value, date_line = meta["date"]
        date = parse_date(date_value, file, date_line)
    else:
        m = re.search(r"(\d{4})[-_](\d{2})[-_](\d{2})", Path(filename or file).stem)
        if not m:
            raise FileFormatError(file, 1, "no date: add 'date: YYYY-MM-DD' to the front matter")
        date, date_line = parse_date("-".join(m.groups()), file, 1), 0
    report = ParsedReport(
        file=file,
        id=report_id(filename or file),
        name=name,
        title=h1 or name,
        date=date,
        date_line=date_line,
        title_line=title_line or meta.get("title", (None, 1))[1],
    )

    section = None  # "sectors" | "risks" | None
    for i in range(body_start, len(lines)):
        raw, n = lines[i], i + 1
        norm = nfkc(raw).strip()
        if not norm:
            continue
        heading = _heading(raw)
        if heading is not None:
            section = "risks" if "风险" in heading else ("sectors" if SECTOR_LIST_HEADING in heading else None)
            continue
        if SECTOR_LIST_HEADING in norm and not _BULLET.match(raw):
            section = "sectors"
            continue
        if _BULLET.match(raw) and section == "sectors":
            report.sectors.append(_sector_line(raw, file, n))
            continue
        if _BULLET.match(raw) and section == "risks":
            report.risks.append(_risk_line(raw, file, n))
            continue
        if section == "sectors":
            section = None  # the list ended with the first paragraph after it
        m = _NUMBERED.match(raw)
        if m and heading is None:
            metrics = parse_metrics(m.group(2))
            if metrics:
                report.facts.append(KeyFact(n, m.group(2).strip(), tuple(metrics)))
        for sentence in re.split(r"(?<=[。！？!?])", raw.strip()):
            folded = nfkc(sentence)
            for m in _ETF.finditer(folded):
                name = _ETF_LEAD.sub("", m.group(1)).strip()
                code = re.sub(r"\D", "", m.group(2))
                stance = "recommended" if "推荐" in folded else ("beneficiary" if "受益" in folded else "listed")
                report.etfs.append(EtfMention(name, code, stance, n, sentence.strip()))
    if not (report.sectors or report.etfs or report.risks or report.facts):
        raise FileFormatError(
            file, 1,
            f"no recognisable sections: expected a '{SECTOR_LIST_HEADING}' list of '- **sub-sector**：names' lines, "
            "a risk section, ETF mentions 'NAME（CODE）' or numbered key facts",
        )
    return report


def _split_label(raw: str, file: str, line: int, what: str) -> tuple[str, str]:
    """``- **label**：rest`` (or ``- label：rest``) → (label, rest), width-folded."""
    text = nfkc(_BULLET.sub("", raw.strip()))
    m = re.match(r"^\*\*(.+?)\*\*\s*:?\s*(.*)$", text)
    if m:
        label, rest = m.group(1).strip(), m.group(2).strip()
        if label.endswith(":"):
            label = label[:-1].strip()
    elif ":" in text:
        label, rest = (s.strip() for s in text.split(":", 1))
        label = label.replace("**", "")
    else:
        raise FileFormatError(file, line, f"expected '- **{what}**：…', got {raw.strip()!r}")
    if not label:
        raise FileFormatError(file, line, f"the {what} name is empty")
    return label, rest


def _sector_line(raw: str, file: str, line: int) -> SectorLine:
    label, body = _split_label(raw, file, line, "sub-sector")
    mentions = parse_names(body, file, line)
    if not mentions:
        raise FileFormatError(file, line, f"sub-sector {label!r} names no company")
    return SectorLine(label, line, quote_of(raw), tuple(mentions))


def _risk_line(raw: str, file: str, line: int) -> RiskLine:
    label, text = _split_label(raw, file, line, "risk")
    return RiskLine(label, text, line, quote_of(raw))
