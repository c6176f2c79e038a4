"""What every note format shares: dates, titles, codes, name lists, risk lists, ETFs.

>>> clean_code("603019 CH"), clean_code("000938.SZ"), clean_code("0700 HK"), clean_code("NVDA US"), clean_code("Buy")
('603019', '000938.SZ', '0700.HK', 'NVDA', None)
>>> [(m.name, m.code, m.stance) for m in name_list("紫光股份（买入）、锐捷网络(301165)和菲菱科思等", "beneficiary", "q", 3, "r")]
[('紫光股份', None, 'recommended'), ('锐捷网络', '301165', 'beneficiary'), ('菲菱科思', None, 'beneficiary')]
>>> [m.name for m in name_list("估值修复机会", "beneficiary", "q", 3, "r")], looks_like_name("海外云厂商")
([], False)
>>> first_date(["通信行业点评", "2025年12月12日"], "x.md", "x.md")
(datetime.date(2025, 12, 12), 2)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ...errors import FileFormatError
from ..parse import _ETF, _ETF_LEAD, EtfMention, Mention, RiskLine, _heading, nfkc
from .ratings import rating_stance

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATES = (
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), lambda m: (m[1], m[2], m[3])),
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), lambda m: (m[1], m[2], m[3])),
    (re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b"),
     lambda m: (m[3], _MONTHS[m[1].lower()], m[2])),
    (re.compile(r"(?i)\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b"),
     lambda m: (m[3], _MONTHS[m[2].lower()], m[1])),
)
_FILE_DATE = re.compile(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def first_date(lines: list[str], file: str, filename: str, within: int = 15) -> tuple[dt.date, int]:
    """The note's date: the first date in its first ``within`` lines (2025年12月12日,
    2025-12-12, December 12, 2025), else one in the file name (20251212); line 0 then."""
    for i, line in enumerate(lines[:within]):
        for rx, parts in _DATES:
            m = rx.search(line)
            if m:
                y, mo, d = (int(x) for x in parts(m))
                try:
                    return dt.date(y, mo, d), i + 1
                except ValueError:
                    raise FileFormatError(file, i + 1, f"date {m.group(0)!r} is not a date") from None
    m = _FILE_DATE.search(Path(filename).stem)
    if m:
        try:
            return dt.date(*(int(x) for x in m.groups())), 0
        except ValueError:
            pass
    raise FileFormatError(
        file, 1, "no date: write it in the first lines (2025年12月18日, 2025-12-18 or December 18, 2025) "
        "or in the file name (…_20251218.md)"
    )


def first_title(lines: list[str], date_line: int) -> tuple[str, int]:
    """The ``# H1``, else the first substantial line that is not the date line."""
    for i, line in enumerate(lines):
        h = _heading(line)
        if h is not None and line.lstrip().startswith("# "):
            return h.strip(), i + 1
    candidates = [(i + 1, x.strip().strip("#").strip()) for i, x in enumerate(lines[:10])]
    candidates = [(n, t) for n, t in candidates if n != date_line and len(t) >= 4 and not t.startswith("|")]
    titled = [(n, t) for n, t in candidates if re.search(r"[:：]", t) and len(t) >= 8]
    if titled:  # 通信行业点评：… is a title; 证券研究报告 above it is not
        return titled[0][1], titled[0][0]
    return (candidates[0][1], candidates[0][0]) if candidates else ("", 0)


def clean_code(text: str) -> str | None:
    """A listing code as the graph looks it up, from the spellings notes use."""
    t = nfkc(text).strip().upper()
    m = re.fullmatch(r"(\d{6})(?:\s*(?:CH|C1|C2|CS|CG|CN))?", t)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(\d{6})\.(SH|SZ|BJ|SS)", t)
    if m:
        return f"{m.group(1)}.{'SH' if m.group(2) == 'SS' else m.group(2)}"
    m = re.fullmatch(r"(SH|SZ|BJ)(\d{6})", t)
    if m:
        return f"{m.group(2)}.{m.group(1)}"
    m = re.fullmatch(r"(\d{1,5})(?:\s+HK|\.HK)", t)
    if m:
        return f"{m.group(1).lstrip('0').zfill(4)}.HK"
    m = re.fullmatch(r"([A-Z]{1,5})(?:\s+(?:US|UW|UN|UQ)|\.(?:O|N|OQ))", t)
    if m:
        return m.group(1)
    return None


_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9·\-]{2,12}$")
_NOT_NAME = re.compile(
    r"[的了在将有为是等把被]|公司$|行业|板块|龙头|产业链|厂商|机会|估值|需求|方向|环节|主线|个股|领域|产品|业务|市场|投资|配置|"
    r"弹性|景气|标的|赛道|相关|受益|上游|下游|国产|海外|整体|核心|调出|剔除|移出|移除|不再"
)


def looks_like_name(text: str) -> bool:
    """A short run of characters with no particle or generic word: a company's short name."""
    return bool(_NAME.match(text)) and not _NOT_NAME.search(text) and not re.fullmatch(r"[\d.]+", text)


def peel(item: str) -> tuple[str, str | None, str | None, str | None]:
    """``紫光股份(000938.SZ, 买入)`` → (name, code, stance, rating word) from trailing parentheticals."""
    item = nfkc(item).strip()
    code = stance = rating = None
    while True:
        m = re.search(r"\(([^()]*)\)\s*$", item)
        if not m:
            break
        item = item[: m.start()].rstrip()
        for part in re.split(r"[,，;/]", m.group(1)):
            part = part.strip()
            s = rating_stance(part)
            if s:
                stance, rating = s, part
            elif clean_code(part):
                code = clean_code(part)
    m = re.match(r"^\(([^()]*)\)\s*", item)
    if m and clean_code(m.group(1)):
        code, item = code or clean_code(m.group(1)), item[m.end():]
    return item.strip(), code, stance, rating


def name_list(body: str, stance: str, quote: str, line: int, rule: str, sector: str | None = None) -> list[Mention]:
    """The names of a list (``A、B(300308)和C等``) up to the first item that is no name."""
    out = []
    for raw in re.split(r"[、,，/]|以及|(?<=[\u4e00-\u9fff)\d]{2})[及和](?=[\u4e00-\u9fff]{2})", nfkc(body)):
        ends = "等" in raw
        name, code, own, rating = peel(raw.split("等")[0])
        if not looks_like_name(name):
            break
        out.append(Mention(name, code, own or stance, quote, line, rule, rating, sector))
        if ends:
            break
    return out


def split_risks(body: str) -> list[str]:
    """``A；B；C。`` → [A, B, C]: ``；`` first, else ``、``/``,``; each item cut at its first comma."""
    body = nfkc(body).strip().rstrip("。.")
    parts = re.split(r";", body) if ";" in body else re.split(r"[、,]", body)
    out = []
    for p in parts:
        p = re.split(r"[,:]", p.strip())[0].strip().rstrip("。.")
        p = re.sub(r"^(?:\d+[.)、]|[一二三四五六七八九十]+、|\(\d+\))\s*", "", p)
        if 2 <= len(p) <= 40:
            out.append(p)
    return out


def risk_lines(body: str, quote: str, line: int) -> list[RiskLine]:
    return [RiskLine(name, body, line, quote) for name in split_risks(body)]


_EN_ETF = re.compile(r"([A-Z][\w&.'-]*(?:\s+[\w&.'-]+){0,6}?\s+ETF)\s*\(\s*(\d{6})(?:\s*(?:CH|C1|C2|CN))?\s*(?:,[^)]*)?\)")


def etf_mentions(raw: str, line: int) -> list[EtfMention]:
    """``NAME（CODE）`` with ETF in the name, in Chinese or English notes, per sentence."""
    out = []
    for sentence in re.split(r"(?<=[。！？!?])|(?<=\.)\s", raw.strip()):
        folded = nfkc(sentence)
        stance = rating_stance(next((w for w in ("推荐", "受益") if w in folded), None)) \
            or ("beneficiary" if re.search(r"(?i)\bbenefit", folded) else "listed")
        for m in _ETF.finditer(folded):
            name = _ETF_LEAD.sub("", m.group(1)).strip()
            out.append(EtfMention(name, re.sub(r"\D", "", m.group(2)), stance, line, sentence.strip()))
        for m in _EN_ETF.finditer(folded):
            if not any(e.code == m.group(2) for e in out):
                out.append(EtfMention(m.group(1).strip(), m.group(2), stance, line, sentence.strip()))
    return out


def sentences(raw: str) -> list[str]:
    """A line's sentences (Chinese 。！？ and English '. ')."""
    parts = re.split(r"(?<=[。！？!?；])|(?<=[.;])\s+(?=[A-Z\u4e00-\u9fff])", raw.strip())
    return [p.strip() for p in parts if p and p.strip()]
