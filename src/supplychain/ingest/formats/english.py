"""English notes: ratings (Buy / Overweight / Outperform / Neutral / Underweight / Sell),
"Top picks", "Other beneficiaries", names followed by a Bloomberg or exchange code in
parentheses — ``Sugon (603019 CH, Buy)``, ``Foxconn Industrial Internet (601138.SH)`` —
and a "Key risks" / "Risks" section.

A name's stance is the rating in its parentheses, else that of the nearest phrase before
it on the line ("Top picks" → recommended, "beneficiaries" → beneficiary), else that of
its section, else ``listed``. A bullet ``- **Servers**: …`` gives its names that
sub-sector.

>>> r = parse(["# China AI servers: capex upcycle", "December 12, 2025",
...            "Top picks: Sugon (603019 CH, Buy), Range Intelligent Computing (300442 CH, Overweight).",
...            "Other beneficiaries we track but do not rate: Foxconn Industrial Internet (601138 CH).",
...            "Key risks: slower AI capex; tighter export controls."], "n.md", "n.md")
>>> [(m.name, m.code, m.stance) for m in r.mentions]
[('Sugon', '603019', 'recommended'), ('Range Intelligent Computing', '300442', 'recommended'), ('Foxconn Industrial Internet', '601138', 'beneficiary')]
>>> [x.name for x in r.risks]
['slower AI capex', 'tighter export controls']
"""

from __future__ import annotations

import re

from ..parse import _BULLET, Mention, ParsedReport, RiskLine, SectorLine, _heading, nfkc, quote_of, report_id
from .common import clean_code, etf_mentions, first_date, first_title, sentences, split_risks
from .ratings import find_ratings

SIGNALS = re.compile(r"(?i)top picks?|other beneficiaries|\b(?:overweight|outperform|underweight|underperform)\b|"
                     r"\(\s*\d{6}\s+C[H12]\b|key risks")

PHRASES = {
    "top pick": "recommended", "top picks": "recommended", "our picks": "recommended", "key picks": "recommended",
    "preferred names": "recommended", "we prefer": "recommended", "we like": "recommended",
    "other beneficiaries": "beneficiary", "beneficiaries": "beneficiary", "also benefit": "beneficiary",
    "names to watch": "listed", "other names": "listed", "we avoid": "negative", "avoid": "negative",
}
_PHRASE = re.compile(r"(?i)\b(" + "|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)) + r")\b")
_RISKS = re.compile(
    r"(?i)^[#\s*]*(key risks|investment risks|risk factors|risks)(?:\s+to\s+[\w\s']{1,30}?)?\s*\**\s*(?::\s*(.*))?$"
)
"""A risk heading or label (``## Key risks``, ``Risks to our view:``, ``Key risks: A; B``), not prose that starts with "Risks"."""
_CODE_IN = r"(?:\d{6}(?:\s*(?:CH|C1|C2|CN)|\.(?:SH|SZ|SS|BJ))?|\d{1,5}(?:\s*HK|\.HK)|[A-Z]{1,5}(?:\s+(?:US|UW|UN|UQ)|\.(?:O|N|OQ)))"
_NAMED = re.compile(
    r"(?P<name>[A-Z][\w&.'\-]*(?:\s+(?:[A-Z][\w&.'\-]*|&|of|de))*?)\s*"
    r"\((?P<inner>\s*(?P<code>" + _CODE_IN + r")\b[^()]*)\)"
)
RULE = "named with a code"


def parse(lines: list[str], file: str, filename: str) -> ParsedReport:
    date, date_line = first_date(lines, file, filename)
    title, title_line = first_title(lines, date_line)
    m = re.search(r"(?i)\bsector\s*:\s*([A-Za-z &-]{3,30})", "\n".join(lines[:12]))
    report = ParsedReport(file=file, id=report_id(filename), name=title or report_id(filename), title=title or filename,
                          date=date, date_line=date_line, title_line=title_line, format="english",
                          industry=m.group(1).strip() if m else None)
    section, section_stance = None, None
    for i, raw in enumerate(lines):
        n = i + 1
        norm = nfkc(raw).strip()
        if not norm or norm.startswith("|"):
            continue
        risks = _RISKS.match(norm)
        heading = _heading(raw)
        if risks:
            section = "risks"
            if risks.group(2):
                report.risks += [RiskLine(x, risks.group(2), n, raw.strip()) for x in split_risks(risks.group(2))]
                section = None
            continue
        if heading is not None:
            section = None
            p = _PHRASE.search(heading)
            section_stance = PHRASES[p.group(1).lower()] if p else None
            continue
        if section == "risks":
            body = _BULLET.sub("", norm).replace("**", "")
            label, sep, rest = body.partition(":")
            names = [label.strip()] if sep and len(label) <= 60 else split_risks(body)
            report.risks += [RiskLine(x, body, n, quote_of(raw)) for x in names if x]
            continue
        report.etfs += etf_mentions(raw, n)
        sector = None
        if _BULLET.match(raw):
            label, sep, _ = _BULLET.sub("", norm).replace("**", "").partition(":")
            if sep and len(label.split()) <= 4 and not _PHRASE.search(label) and not _NAMED.search(label):
                sector = label.strip()
        found = []
        for sentence in sentences(raw):
            found += _names(sentence, section_stance, n, sector)
        if sector and found:
            report.sectors.append(SectorLine(sector, n, quote_of(raw), tuple(found)))
        else:
            report.mentions += found
    return report


def _names(sentence: str, default: str | None, line: int, sector: str | None) -> list[Mention]:
    out = []
    text = nfkc(sentence)
    for m in _NAMED.finditer(text):
        name = re.sub(r"^(?:The|And|Including|Such as|With)\s+", "", m.group("name")).strip()
        if (name.isupper() and len(name) <= 2) or re.search(r"\bETF$", name):
            continue  # an ETF is read as an ETF (common.etf_mentions)
        ratings = find_ratings(m.group("inner"))
        if ratings:
            stance, rating = ratings[0][3], ratings[0][2]
        else:
            phrases = list(_PHRASE.finditer(text[: m.start()]))
            stance = PHRASES[phrases[-1].group(1).lower()] if phrases else (default or "listed")
            rating = phrases[-1].group(1) if phrases else None
        out.append(Mention(name, clean_code(m.group("code")), stance, sentence.strip(), line, RULE, rating, sector))
    return out
