"""Note formats, each recognised by its structure (never by the file name).

``family``
    the ``industry_research`` notes: front matter, ``重点受益行业与标的`` bullets with
    （推荐）/（受益） group markers (:mod:`supplychain.ingest.parse`).
``broker``
    sell-side notes: 投资要点 / 投资建议 / 风险提示, 建议关注… name lists (:mod:`.broker`).
``english``
    English notes: ratings, "Top picks", names with codes (:mod:`.english`).
``general``
    anything else, read sentence by sentence; names found with a gazetteer when planning
    (:mod:`.fallback`, :mod:`.gazetteer`).

Every format also reads rating tables (:mod:`.tables`: the table's rating wins over a
list position, and the plan says so), ETF mentions with codes, and traditional Chinese
(read through OpenCC t2s, quoted as written: :mod:`.script`). :func:`parse_note` is the
one entry point.
"""

from __future__ import annotations

import dataclasses
import re

from ...errors import FileFormatError
from ..parse import SECTOR_LIST_HEADING, Mention, ParsedReport, parse_text, split_lines
from ...names import normalize
from . import broker, english, fallback
from .dropped import mark_dropped
from .script import is_traditional, restore, to_simplified
from .tables import rating_rows

FORMATS = ("family", "broker", "english", "general")


def detect(lines: list[str]) -> tuple[str, str]:
    """(format, why) from the note's structure (lines already in simplified Chinese)."""
    text = "\n".join(lines)
    if SECTOR_LIST_HEADING in text:
        return "family", f"a '{SECTOR_LIST_HEADING}' list"
    m = broker.SIGNALS.search(text)
    if m:
        return "broker", f"'{m.group(0)}'"
    letters = re.findall(r"[A-Za-z\u4e00-\u9fff]", text)
    ascii_share = sum(c.isascii() for c in letters) / max(1, len(letters))
    m = english.SIGNALS.search(text)
    if m and ascii_share > 0.8:
        return "english", f"'{m.group(0)}'"
    if lines and lines[0].strip() == "---":
        return "family", "front matter"
    return "general", "no known structure"


def parse_note(text: str, file: str, filename: str | None = None) -> ParsedReport:
    """The note ``text`` (named ``file`` in messages, ``filename`` for its id and date)."""
    filename = filename or file
    original = split_lines(text)
    traditional = is_traditional(text)
    lines = [to_simplified(x) for x in original] if traditional else original
    fmt, why = detect(lines)
    if fmt == "family":
        report = parse_text("\n".join(lines), file, filename)
    else:
        report = {"broker": broker.parse, "english": english.parse, "general": fallback.parse}[fmt](lines, file, filename)
    if fmt != "family" or traditional:
        report.notes.append(f"format {fmt} ({why}){', read through OpenCC t2s' if traditional else ''}")
    _apply_tables(report, rating_rows(lines))
    mark_dropped(report, lines)
    if traditional:
        _restore(report, original, lines)
    if fmt == "general" and not (report.sentences or report.mentions or report.risks or report.etfs):
        raise FileFormatError(file, 1, "nothing could be read: no known format and no sentence, table, risk or ETF")
    return report


def mention_key(name: str, code: str | None) -> set[str]:
    """The keys one company is known by in a note: its normalised name and its bare code.

    >>> sorted(mention_key("紫光股份", "000938.SZ"))
    ['000938', '紫光股份']
    """
    keys = {normalize(name)} if name else set()
    if code:
        keys.add(re.sub(r"\D", "", code) or normalize(code))
    return keys


def _apply_tables(report: ParsedReport, rows: list[Mention]) -> None:
    """Rating-table rows: the table's rating wins over a list position (noted); rows
    naming companies nothing else named are mentions of their own."""
    by_key: dict[str, Mention] = {}
    for row in rows:
        for k in mention_key(row.name, row.code):
            by_key.setdefault(k, row)
    used: set[int] = set()

    def override(m: Mention, line: int) -> Mention:  # line: where the list names m
        row = next((by_key[k] for k in mention_key(m.name, m.code) if k in by_key), None)
        if row is None:
            return m
        used.add(id(row))
        if row.stance != m.stance:
            report.notes.append(
                f"{m.name}: the rating table's {row.rating or row.stance} ({row.stance}, line {row.line}) wins over "
                f"the list's {m.stance} (line {m.line or line})"
            )
        return dataclasses.replace(m, stance=row.stance, quote=row.quote, line=row.line, rule=row.rule,
                                   rating=row.rating, code=m.code or row.code)

    report.sectors = [
        dataclasses.replace(s, mentions=tuple(override(m, s.line) for m in s.mentions)) for s in report.sectors
    ]
    in_sectors = {k for s in report.sectors for m in s.mentions for k in mention_key(m.name, m.code)}
    seen: dict[str, Mention] = {}
    mentions = []
    for m in report.mentions:
        if mention_key(m.name, m.code) & in_sectors:
            continue  # claimed by its sub-sector line
        m = override(m, m.line or 0)
        keys = mention_key(m.name, m.code)
        if any(k in seen for k in keys):
            continue  # named again: the first mention (or the table's row) stands
        for k in keys:
            seen[k] = m
        mentions.append(m)
    for row in rows:
        keys = mention_key(row.name, row.code)
        if id(row) not in used and not (keys & in_sectors) and not any(k in seen for k in keys):
            for k in keys:
                seen[k] = row
            mentions.append(row)
    report.mentions = mentions


def _restore(report: ParsedReport, original: list[str], lines: list[str]) -> None:
    """Quotes back in the note's own script."""
    def r(quote, line):
        return restore(quote, line, original, lines) if quote else quote

    report.sectors = [
        dataclasses.replace(s, quote=r(s.quote, s.line),
                            mentions=tuple(dataclasses.replace(m, quote=r(m.quote, m.line)) for m in s.mentions))
        for s in report.sectors
    ]
    report.mentions = [dataclasses.replace(m, quote=r(m.quote, m.line)) for m in report.mentions]
    report.etfs = [dataclasses.replace(e, quote=r(e.quote, e.line)) for e in report.etfs]
    report.risks = [dataclasses.replace(x, quote=r(x.quote, x.line)) for x in report.risks]
    report.facts = [dataclasses.replace(f, quote=r(f.quote, f.line)) for f in report.facts]
    report.sentences = [(n, r(s, n)) for n, s in report.sentences]
    # the title stays simplified: the driver is matched on it like any other name
