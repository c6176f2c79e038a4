"""The sell-side broker format (Chinese): a title, a date in the first lines or the file
name, 投资要点 / 投资建议 / 风险提示 sections, phrases such as 建议关注 / 重点推荐 /
受益标的 / 相关标的 followed by lists of names, and rating tables (:mod:`.tables`).

A phrase's stance is the stance of the rating word in it (建议关注 → 关注 → beneficiary,
重点推荐 → 推荐 → recommended, 受益标的 → beneficiary, 相关标的 → listed); a rating written
after a name (紫光股份（买入）) is that name's own. A list ends at ``；``/``。``, at the
next phrase, or at the first item that is no name. A bullet ``- **交换机**：…`` gives its
names that sub-sector.

>>> r = parse(["通信行业点评：AI交换机需求旺盛", "2025年12月12日", "投资建议：建议关注紫光股份、锐捷网络；受益标的菲菱科思。",
...            "风险提示：AI需求不及预期；行业竞争加剧。"], "n.txt", "n.txt")
>>> [(m.name, m.stance) for m in r.mentions], [x.name for x in r.risks], r.industry
([('紫光股份', 'beneficiary'), ('锐捷网络', 'beneficiary'), ('菲菱科思', 'beneficiary')], ['AI需求不及预期', '行业竞争加剧'], '通信')
"""

from __future__ import annotations

import re

from ..parse import _BULLET, ParsedReport, RiskLine, SectorLine, _heading, _split_label, nfkc, quote_of, report_id
from .common import etf_mentions, first_date, first_title, name_list, risk_lines, sentences
from .ratings import rating_stance

SIGNALS = re.compile(r"投资要点|投资建议|风险提示|建议关注|重点推荐|受益标的|相关标的|相关公司|证券简称")

PHRASES = sorted(
    "建议关注 重点关注 推荐关注 重点推荐 强烈推荐 谨慎推荐 维持推荐 受益标的 受益公司 相关标的 相关公司 标的公司 "
    "推荐标的 关注标的 推荐 受益于".split(),  # not a bare 关注: 建议投资者关注估值修复 names nobody
    key=len, reverse=True,
)
_PHRASE = re.compile(r"(" + "|".join(PHRASES) + r")(?!组合|名单|清单|列表|池)(?:标的|公司|个股)?\s*(?:主要包括|包括|主要有|有|为|如)?\s*:?\s*")
"""A phrase, then the names after it; not 推荐组合 / 推荐名单 (the list itself, no name follows)."""
_SECTION = re.compile(
    r"^[#\s]*[【\[]?\s*(?:[一二三四五六七八九十]+、|\d+[.、]\s*)?"
    r"(投资要点|投资建议|核心观点|投资策略|风险提示|风险因素|主要风险|风险|推荐标的|受益标的|相关标的)[】\]]?\s*(?::\s*(.*))?$"
)
_STOP = re.compile(r"分析师|声明|免责|评级说明|投资评级说明|重要声明|法律声明")
RULE_PHRASE = "name list"
RULE_SECTOR = "sub-sector line"


def phrase_stance(phrase: str) -> str:
    core = re.sub(r"^(?:建议|重点|维持)|(?:标的|公司|于)$", "", phrase)
    if phrase in ("受益于",):
        return "beneficiary"
    return rating_stance(core) or rating_stance(phrase) or "listed"


def parse(lines: list[str], file: str, filename: str) -> ParsedReport:
    date, date_line = first_date(lines, file, filename)
    title, title_line = first_title(lines, date_line)
    m = re.search(r"([\u4e00-\u9fffA-Za-z]{2,6}?)行业", title)
    report = ParsedReport(file=file, id=report_id(filename), name=title or report_id(filename), title=title or filename,
                          date=date, date_line=date_line, title_line=title_line, format="broker",
                          industry=m.group(1) if m else None)
    section = None
    for i, raw in enumerate(lines):
        n = i + 1
        norm = nfkc(raw).strip()
        if not norm or norm.startswith("|"):
            continue
        if _STOP.match(norm.lstrip("#【[ ")):
            section = "stop"
            continue
        sec = _SECTION.match(norm)
        heading = _heading(raw)
        if sec:
            section = "risks" if "风险" in sec.group(1) else "advice"
            rest = (sec.group(2) or "").strip()
            if not rest:
                continue
            if section == "risks":
                report.risks += risk_lines(rest, raw.strip(), n)
                section = "after-risks"  # an inline 风险提示：… is one paragraph
                continue
        elif heading is not None:
            section = "risks" if "风险" in heading else None
            continue
        if section == "stop":
            continue
        if section == "risks":
            if _BULLET.match(raw) and (":" in norm or "**" in norm):
                label, text = _split_label(raw, file, n, "risk")
                report.risks.append(RiskLine(label, text, n, quote_of(raw)))
            else:
                body = re.sub(r"^(?:[-*+]|\d+[.、)])\s*", "", norm)
                report.risks += risk_lines(body, raw.strip(), n)
            continue
        report.etfs += etf_mentions(raw, n)
        if _BULLET.match(raw) and ":" in norm:
            label, body = _split_label(raw, file, n, "sub-sector")
            if not _PHRASE.match(nfkc(label)) and len(label) <= 12:
                mentions = _phrase_names(body, quote_of(raw), n, label) or name_list(body, "listed", quote_of(raw), n, RULE_SECTOR, label)
                if mentions:
                    report.sectors.append(SectorLine(label, n, quote_of(raw), tuple(mentions)))
                    continue
        for sentence in sentences(raw):
            report.mentions += _phrase_names(sentence, sentence, n, None)
    return report


def _phrase_names(text: str, quote: str, line: int, sector: str | None):
    folded = nfkc(text)
    found = list(_PHRASE.finditer(folded))
    out = []
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(folded)
        body = re.split(r"[;。!?]", folded[m.end(): end])[0]
        out += name_list(body, phrase_stance(m.group(1)), quote, line, f"{RULE_PHRASE} “{m.group(1)}”", sector)
    return out
