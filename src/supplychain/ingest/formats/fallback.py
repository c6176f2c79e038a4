"""The general fallback: a note in no known format is read sentence by sentence.

Parsing keeps the date, the title, the risk section (风险 / Risks headings), rating tables
and ETF mentions, and every other sentence with its line. The names in those sentences
are found when the plan is made, with a gazetteer of the graph's and the reference's
names (:mod:`.gazetteer`), because only then are the names known.

>>> r = parse(["周度观察", "2025-12-15", "本周服务器板块走强，浪潮信息维持买入评级。"], "n.txt", "n.txt")
>>> r.format, r.sentences
('general', [(1, '周度观察'), (3, '本周服务器板块走强，浪潮信息维持买入评级。')])
"""

from __future__ import annotations

import re

from ..parse import _BULLET, ParsedReport, RiskLine, _heading, _split_label, nfkc, quote_of, report_id
from .common import etf_mentions, first_date, first_title, risk_lines, sentences

_RISK_HEADING = re.compile(r"(?i)^[#\s*【\[]*(风险提示|风险因素|主要风险|风险|key risks|risks|risk factors)[】\]*\s]*(?::\s*(.*))?$")


def parse(lines: list[str], file: str, filename: str) -> ParsedReport:
    date, date_line = first_date(lines, file, filename)
    title, title_line = first_title(lines, date_line)
    report = ParsedReport(file=file, id=report_id(filename), name=title or report_id(filename), title=title or filename,
                          date=date, date_line=date_line, title_line=title_line, format="general")
    in_risks = False
    for i, raw in enumerate(lines):
        n = i + 1
        norm = nfkc(raw).strip()
        if not norm or norm.startswith("|") or n == date_line:
            continue
        risk = _RISK_HEADING.match(norm)
        heading = _heading(raw)
        if risk:
            if risk.group(2):
                report.risks += risk_lines(risk.group(2), raw.strip(), n)
            else:
                in_risks = True
            continue
        if heading is not None:
            in_risks = False
            continue
        if in_risks:
            if _BULLET.match(raw) and ":" in norm:
                label, text = _split_label(raw, file, n, "risk")
                report.risks.append(RiskLine(label, text, n, quote_of(raw)))
            else:
                report.risks += risk_lines(re.sub(r"^(?:[-*+]|\d+[.、)])\s*", "", norm), raw.strip(), n)
            continue
        report.etfs += etf_mentions(raw, n)
        report.sentences += [(n, s) for s in sentences(quote_of(raw))]
    return report
