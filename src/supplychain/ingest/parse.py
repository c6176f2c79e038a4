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
class MetricFact:
    """A number (with unit) and/or a YoY change found in a key fact."""

    name: str
    value: float | None
    unit: str | None
    period: str | None
    yoy: float | None
    qualifier: str = "="
    low: float | None = None
    high: float | None = None
    """A range (910-930亿美元) keeps both ends; its ``value`` is None."""
    context: str = field(default="", repr=False, compare=False)
    """The sentence up to the number: where the plan looks for whom the figure is about."""


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


# --------------------------------------------------------------------------- metrics

_UNITS = sorted(
    "万亿元 亿美元 万美元 亿港元 亿元 万元 千元 元 美元 亿次 万次 次 亿个 万个 个季度 个 家 万台 台 万张 张 座 "
    "万片 片 亿人 万人 人 GW MW kW EFLOPS PFLOPS TB PB % 倍".split(),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_QUALIFIERS = {"超过": ">", "超": ">", "逾": ">", "突破": ">", "达到": "=", "达": "=", "约": "~", "近": "~", "扩至": "=", "至": "="}
_QUAL_RE = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))
_NUM = r"\d+(?:\.\d+)?"
_RANGE_SEP = r"\s*(?:-|~|–|—|至|到)\s*"
_VALUE = re.compile(rf"({_QUAL_RE})?\s*({_NUM})(?:{_RANGE_SEP}({_NUM}))?\s*({_UNIT_RE})")
_YOY = re.compile(r"(?:同比|YoY|yoy)\s*(增长|增加|上升|提升|提高|下降|减少|下滑|\+|-|−)?\s*(?:约|近|超过|超|逾)?\s*(\d+(?:\.\d+)?)\s*%")
_PERIOD = re.compile(
    r"(?i)FY\s*(\d{4})\s*Q([1-4])|(\d{4})\s*财年\s*(?:第?([一二三四1-4])季度|Q([1-4]))"
    r"|(?<![0-9A-Za-z])(\d{4})\s*(?:Q([1-4])|年\s*第?([一二三四1-4])季度)"
    r"|(?<![0-9A-Za-z])(\d{4})\s*年(?!\s*\d{1,2}\s*月)(?!\s*第?[一二三四1-4]季度)"
)
_YEARS = re.compile(r"(?<![0-9A-Za-z])(\d{4})\s*(?:-|~|–|—|至|到)\s*(\d{4})\s*年")
_TIME_WORDS = (
    r"(?<![0-9A-Za-z])\d{4}\s*(?:-|~|–|—|至|到)\s*\d{4}\s*年|FY\s*\d{4}\s*Q[1-4]|\d{4}\s*财年(?:第?[一二三四1-4]季度|Q[1-4])?|(?<![0-9A-Za-z])\d{4}\s*(?:Q[1-4]|年\s*第?[一二三四1-4]季度|年(?:全年|度)?)"
    r"|(?<![A-Za-z0-9])Q[1-4]|第?[一二三四]季度|当季|同期|全年|今年|明年|本季度"
)
_NOISE = re.compile(
    rf"(?i){_TIME_WORDS}|实现|为$|(?:(?:回升|回落|提升|提高|增长|增加|下降|减少|降低|扩大|增|升|降|扩|回)至?|至)$"
    r"|达到$|达$|共计$|共$|合计$|累计$|有望$|或$|约$|^(?:其中|公司|管理层|同时|此外|与此同时)"
    r"|预计|计划|将|上调|下调|上修|下修|收窄|调整"
)
_HORIZON = re.compile(r"(?:未来|过去|近)?(?<!\d)(?:[一二三四五六七八九十两]+|\d{1,2})(?:年|个季度|个月)(?!\d)")
_EMPTY_NAME = re.compile(r"^(?:[一二三四五六七八九十两\d]+(?:年|个月|季度)|合计|总计|其中|同比|环比)?$")
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4"}
_COUNTERS = ("个", "家", "台", "张", "座", "片")


def _period(text: str) -> str | None:
    """The period a text names: ``FY2026Q2`` (fiscal), ``2025Q3`` (calendar quarter),
    ``2025`` (a year not followed by a month), ``未来三年`` (a horizon).

    >>> [_period(t) for t in ("FY2026Q2资本开支", "2026财年Q2", "2025年第三季度", "2025Q3", "2025年资本开支", "2025年11月13日", "未来三年", "2025-2026年")]
    ['FY2026Q2', 'FY2026Q2', '2025Q3', '2025Q3', '2025', None, '未来三年', '2025-2026']
    """
    span = _YEARS.search(text)
    if span:
        return f"{span.group(1)}-{span.group(2)}"
    m = _PERIOD.search(text)
    if not m:
        h = _HORIZON.search(text)
        return h.group(0) if h else None
    if m.group(1):
        return f"FY{m.group(1)}Q{m.group(2)}"
    if m.group(3):
        q = m.group(4) or m.group(5)
        return f"FY{m.group(3)}Q{_CN_DIGIT.get(q, q)}"
    if m.group(6):
        q = m.group(7) or m.group(8)
        return f"{m.group(6)}Q{_CN_DIGIT.get(q, q)}"
    return m.group(9)


def _name(before: str) -> str:
    """A metric's name from the words before its number, without periods, horizons,
    verbs and fillers (never a bare time word such as ``三年``).

    >>> [_name(t) for t in ("光环新网上架率回升至", "北美四大云厂商2025Q3资本开支合计约", "阿里巴巴未来三年将投入", "，三年", "亚马逊与Meta三季度合计", "微软、谷歌与Meta资本开支")]
    ['光环新网上架率', '北美四大云厂商资本开支', '阿里巴巴投入', '', '', '微软、谷歌与Meta资本开支']
    """
    parts = re.split(r"[,;:，；：。]", before)[-1].split("、")
    keep = [parts.pop()]
    while parts and _only_subjects(parts[-1]):  # 微软、谷歌、亚马逊与Meta资本开支: one name
        keep.insert(0, parts.pop())
    before = _HORIZON.sub("", "、".join(keep))
    prev = None
    while prev != before:
        prev, before = before, _NOISE.sub("", before).strip()
    return "" if _EMPTY_NAME.match(before) or _only_subjects(before) else before


def _only_subjects(text: str) -> bool:
    """Whether ``text`` is only companies of :data:`~.plan.SUBJECTS` and connectors
    (亚马逊与Meta): who the figure is about, not what it measures."""
    from ..names import normalize
    from .plan import SUBJECTS

    rest = normalize(text)
    for word in sorted({normalize(w) for _, _, words in SUBJECTS for w in words}, key=len, reverse=True):
        rest = rest.replace(word, "")
    return bool(text) and not re.sub(r"[与和及、,]", "", rest)


def _concept_after(after: str) -> str:
    """A name from the words right after a number whose clause names nothing before it
    (``1130亿美元的资本开支`` → 资本开支)."""
    m = re.match(r"\s*(?:的|用于|投向)?\s*([^\s,;:，；：、。0-9]{2,12})", after)
    if not m:
        return ""
    from .figures import concept_word

    word = concept_word(m.group(1))
    return word or ""


def parse_metrics(text: str) -> list[MetricFact]:
    """The numbers with units and the YoY changes of one key fact.

    A YoY follows the value it qualifies (in the same sentence); a YoY with no value
    before it is a metric of its own, named by the words before it. A range
    (``910-930亿美元``, ``910~930``, ``9.1–9.3``) keeps its low and high ends.
    A number no words name (``，约1130亿美元``) takes the concept word of its sentence
    (资本开支); with none it is not a figure and is left out.

    >>> [(m.name, m.value, m.unit, m.qualifier) for m in parse_metrics("通义大模型衍生模型超18万个，全球下载量超7亿次")]
    [('通义大模型衍生模型', 18.0, '万个', '>'), ('全球下载量', 7.0, '亿次', '>')]
    >>> [(m.name, m.value, m.yoy) for m in parse_metrics("物业与设备购置支出同比增长85.12%")]
    [('物业与设备购置支出', None, 85.12)]
    >>> [(m.name, m.low, m.high, m.unit, m.period) for m in parse_metrics("谷歌将2025年资本开支指引上调至910-930亿美元。")]
    [('谷歌资本开支指引', 910.0, 930.0, '亿美元', '2025')]
    """
    from .figures import concept_word

    text = nfkc(text)
    period = _period(text)
    out: list[MetricFact] = []
    for sentence in re.split(r"(?<=[。!?;])", text):
        yoys = [(m.start(), m.end(), float(m.group(2)) * (-1 if m.group(1) in ("下降", "减少", "下滑", "-", "−") else 1)) for m in _YOY.finditer(sentence)]
        values = []
        for m in _VALUE.finditer(sentence):
            if any(s <= m.start() < e for s, e, _ in yoys):
                continue  # the percent of a YoY
            values.append(m)
        fallback = concept_word(sentence) or ""
        items: list[tuple[int, dict]] = []
        for i, m in enumerate(values):
            start = values[i - 1].end() if i else 0
            name = _name(sentence[start: m.start()])
            unit = m.group(4)
            after = re.match(r"([^\s,;:，；：、。0-9]{1,6})", sentence[m.end():])
            if unit in _COUNTERS and after and (not name or unit == "个"):
                name = after.group(1) + "数"
            name = name or _concept_after(sentence[m.end():]) or fallback
            if not name:
                continue  # a number nothing names is no figure
            low, high = (float(m.group(2)), float(m.group(3))) if m.group(3) else (None, None)
            if low is not None and low > high:
                low, high = high, low  # written high first (930-910): the range is the same
            items.append((m.start(), {"name": name, "value": None if low is not None else float(m.group(2)), "unit": unit,
                                      "yoy": None, "qualifier": _QUALIFIERS.get(m.group(1) or "", "="), "end": m.end(),
                                      "low": low, "high": high, "context": sentence[: m.start()],
                                      "period": _period(sentence[: m.start()]) or period}))
        for s, e, yoy in yoys:
            owner = None
            for pos, item in items:
                if item["end"] <= s and item["yoy"] is None and not any(item["end"] <= s2 < s for s2, _, _ in yoys if s2 != s):
                    owner = item
            if owner is not None:
                owner["yoy"] = yoy
            else:
                prev_end = max([it["end"] for _, it in items if it["end"] <= s] + [0])
                name = _name(sentence[prev_end:s]) or fallback
                if not name:
                    continue
                items.append((s, {"name": name, "value": None, "unit": None, "yoy": yoy, "qualifier": "=", "end": e,
                                  "low": None, "high": None, "context": sentence[:s],
                                  "period": _period(sentence[:s]) or period}))
        for _, it in sorted(items, key=lambda x: x[0]):
            out.append(MetricFact(it["name"], it["value"], it["unit"], it["period"], it["yoy"], it["qualifier"],
                                  it["low"], it["high"], it["context"]))
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
