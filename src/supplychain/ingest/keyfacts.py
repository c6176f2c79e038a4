"""Figures of a note's numbered key facts: numbers with units, ranges, YoY changes, the
period and a name from the concept words around each number.

Where each figure goes (the driver it is about, or the report) is :mod:`.figures`.

>>> parse_metrics("FY2026Q2资本开支315.01亿元，同比增长80.10%，显示强劲投入力度。")
[MetricFact(name='资本开支', value=315.01, unit='亿元', period='FY2026Q2', yoy=80.1, qualifier='=', low=None, high=None)]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def nfkc(text: str) -> str:
    """Width-fold, as :func:`.parse.nfkc`."""
    return unicodedata.normalize("NFKC", text)


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


_UNITS = sorted(
    "万亿元 亿美元 万美元 亿港元 亿元 万元 千元 元 美元 亿次 万次 次 亿个 万个 个季度 个 家 万台 台 万张 张 座 "
    "万片 片 亿人 万人 人 GW MW kW EFLOPS PFLOPS TB PB % 倍".split(),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_QUALIFIERS = {"超过": ">", "超": ">", "逾": ">", "突破": ">", "高于": ">", "不低于": ">=", "至少": ">=", "不少于": ">=",
               "达到": "=", "达": "=", "约": "~", "接近": "~", "近": "~", "扩至": "=", "至": "="}
_QUAL_RE = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
"""A number, with thousands separators (3,800; 1,250.5; a full-width ， is folded to , first)."""
_RANGE_SEP = r"\s*(?:-|~|–|—|至|到)\s*"
_SIGN = r"(?<![0-9A-Za-z.%])[-−]"
"""A minus sign directly before a number (净利润-5.2亿元), never a range dash after a number."""
_VALUE = re.compile(
    rf"({_QUAL_RE})?\s*({_SIGN})?({_NUM})(?:\s*(万亿|亿|万|{_UNIT_RE})?{_RANGE_SEP}({_SIGN})?({_NUM}))?\s*({_UNIT_RE})"
)
"""qualifier, sign, number, [the low end's unit (910亿-930亿美元), range separator, sign, number], unit."""
_CHANGE_VERB = r"(?:增长|增加|上升|提升|提高|上涨|回升|扩大|下降|减少|下滑|下跌|回落|降低|收窄)"
_DOWN = ("下降", "减少", "下滑", "下跌", "回落", "降低", "收窄", "-", "−")
_PP = re.compile(rf"(?:同比|环比|较上年|YoY|QoQ)?\s*{_CHANGE_VERB}?\s*(?:约|近|超过|超|逾)?\s*[-−+]?\d+(?:\.\d+)?\s*(?:个)?(?:百分点|pct|pp|bp|个基点|基点)")
"""A change in percentage points (提升2.3个百分点): not a level, left out (the level after 至 is the figure)."""
_QOQ = re.compile(rf"(?:环比|QoQ|qoq)\s*{_CHANGE_VERB}?\s*(?:约|近|超过|超|逾)?\s*[-−+]?\s*\d+(?:\.\d+)?\s*%")
"""A quarter-on-quarter change (环比下降10%): not a YoY and not a level, left out."""
_YOY = re.compile(r"(?:同比|YoY|yoy)\s*(增长|增加|上升|提升|提高|上涨|下降|减少|下滑|下跌|降低|\+|-|−)?\s*(?:约|近|超过|超|逾)?\s*(\d+(?:\.\d+)?)\s*%")
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
_UNIT_WORDS = re.compile(rf"^(?:{_UNIT_RE}|百分点|个百分点|基点|数|至)+$")
"""A "name" made only of unit words (百分点, 个): never a figure's name."""
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
    """Whether ``text`` is only companies of :data:`~.subjects.SUBJECTS` and connectors
    (亚马逊与Meta): who the figure is about, not what it measures."""
    from ..names import normalize
    from .subjects import SUBJECTS

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
        yoys = [(m.start(), m.end(), float(m.group(2)) * (-1 if m.group(1) in _DOWN else 1)) for m in _YOY.finditer(sentence)]
        masks = [(m.start(), m.end(), "") for m in _PP.finditer(sentence)]
        masks += [(m.start(), m.end(), ",") for r in (_QOQ, _YOY) for m in r.finditer(sentence)]

        def words(a: int, b: int) -> str:
            """sentence[a:b] without the changes (同比…%, 环比…%, …个百分点) in it."""
            out, i = [], a
            for s, e, sep in sorted(masks):
                if e <= a or s >= b:
                    continue
                out.append(sentence[i:max(s, a)] + sep)
                i = max(i, min(e, b))
            return "".join(out) + sentence[i:b] if i < b else "".join(out)

        values = []
        for m in _VALUE.finditer(sentence):
            if any(s <= m.start(3) < e for s, e, _ in masks):
                continue  # the percent of a YoY or a QoQ, a change in percentage points
            if m.group(4) and not m.group(7).startswith(m.group(4)):
                continue  # 3亿次至5亿元: two units, no range
            values.append(m)
        fallback = concept_word(words(0, len(sentence))) or ""
        items: list[tuple[int, dict]] = []
        for i, m in enumerate(values):
            start = values[i - 1].end() if i else 0
            name = _name(words(start, m.start()))
            unit = m.group(7)
            after = re.match(r"([^\s,;:，；：、。0-9]{1,6})", sentence[m.end():])
            if unit in _COUNTERS and after and (not name or unit == "个") and not _UNIT_WORDS.match(after.group(1)):
                name = after.group(1) + "数"
            name = name or _concept_after(sentence[m.end():]) or fallback
            if not name or _UNIT_WORDS.match(name):
                continue  # a number nothing names is no figure
            first = float(m.group(3).replace(",", "")) * (-1 if m.group(2) else 1)
            verb = (re.search(_CHANGE_VERB + r"\s*$", sentence[start:m.start()])
                    if unit == "%" and (m.group(1) or "") not in ("至", "扩至", "达", "达到") else None)  # 提升至35%: a level
            if verb:  # 营收下降10% (no 同比 / 环比): a rate of change, not a level of 10%
                name = name if name.endswith("增速") else name + "增速"
                first = -first if verb.group(0).strip() in _DOWN else first
            low, high = (first, float(m.group(6).replace(",", "")) * (-1 if m.group(5) else 1)) if m.group(6) else (None, None)
            if low is not None and low > high:
                low, high = high, low  # written high first (930-910): the range is the same
            items.append((m.start(), {"name": name, "value": None if low is not None else first, "unit": unit,
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
                name = _name(words(prev_end, s)) or fallback
                if not name:
                    continue
                items.append((s, {"name": name, "value": None, "unit": None, "yoy": yoy, "qualifier": "=", "end": e,
                                  "low": None, "high": None, "context": sentence[:s],
                                  "period": _period(sentence[:s]) or period}))
        for _, it in sorted(items, key=lambda x: x[0]):
            out.append(MetricFact(it["name"], it["value"], it["unit"], it["period"], it["yoy"], it["qualifier"],
                                  it["low"], it["high"], it["context"]))
    return out
