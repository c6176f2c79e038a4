"""Figures belong to their subject: which node a note's number goes on, under what name,
and when it is a figure the graph already holds.

A key fact's number is about someone: 北美四大云厂商2025Q3资本开支 is the note's driver's,
微软FY2026Q1资本开支 is Microsoft's, GB300机柜功率 is a product's. :func:`place` reads the
sentence up to the number for the nearest thing it names (a driver of the graph by its
name or alias, a subject of :data:`~.subjects.SUBJECTS`, a product code such as GB300) and the
figure's concept (:data:`FIGURE_CONCEPTS`), and puts the figure

1. on the driver the sentence names (物业与设备购置支出, 通义大模型…);
2. else, for the note's own subject (or none named), on the note's driver when the concept
   is the driver's own (资本开支 in a capex note) or there is none;
3. else on an existing driver matched by subject and concept, the way a note's driver is
   inferred (阿里云 + 营收 → 阿里云营收; 微软 + 资本开支 → 微软资本开支 when the graph has it);
4. else on the report node: a figure about another company or a product (GB300) is kept
   with the note that gave it, never on an unrelated driver.

On a driver the name drops the driver's subject (北美四大云厂商资本开支 → 资本开支 on
北美云厂商资本开支); on the report it keeps it (微软资本开支).

**The same figure** is one metric: same node, name, period, value or range, unit and
qualifier, with YoY changes that agree (equal, or given by one note only). A later note
giving it again adds itself as a source (``also``); the metric's ``source`` is the
earliest note that states its YoY (the earliest note when it has none), so a YoY is never
cited from a note that does not give it and the order in which notes are ingested does not
change the file. The same name, period, unit and subject with another value is a
revision (:func:`revision_of`); another unit or subject is another figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import normalize
from ..schema import Evidence, Metric

FIGURE_CONCEPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("资本开支", ("资本开支", "资本支出", "capex", "capitalexpenditure", "投入")),
    ("营收", ("营收", "营业收入", "收入", "revenue")),
    ("出口政策", ("出口政策", "出口管制", "出口限制")),
    ("数据中心", ("数据中心", "地域", "可用区")),
    ("上架率", ("上架率",)),
    ("利用率", ("利用率",)),
    ("出租率", ("出租率",)),
    ("机柜功率", ("机柜功率", "单柜功率", "功率")),
    ("出货量", ("出货量", "出货")),
    ("订单", ("订单",)),
    ("调用量", ("调用量",)),
    ("下载量", ("下载量",)),
    ("衍生模型", ("衍生模型",)),
    ("毛利率", ("毛利率",)),
    ("净利润", ("净利润",)),
    ("渗透率", ("渗透率",)),
    ("市场份额", ("市场份额", "市占率")),
)
"""What a figure measures, and the words that say it (normalised). A driver's concepts
are the rows its names hold (阿里云资本开支: 资本开支; 阿里云全球数据中心扩张: 数据中心)."""

_THING = re.compile(r"(?<![a-z0-9])(?!fy)[a-z]{1,4}\d{2,4}[a-z]*")
"""A product code in a normalised sentence: gb300, h200, b200, nvl72 (not fy2026)."""


def concept_word(text: str) -> str | None:
    """The first concept word :data:`FIGURE_CONCEPTS` finds in ``text`` (as written there).

    >>> concept_word("北美四大云厂商2025Q3资本开支合计"), concept_word("GB300机柜功率约"), concept_word("同比")
    ('资本开支', '机柜功率', None)
    """
    key = normalize(text)
    best = None
    for _, words in FIGURE_CONCEPTS:
        for w in words:
            i = key.find(w)
            if i >= 0 and (best is None or (i, -len(w)) < best[0]):
                best = ((i, -len(w)), w)
    return best[1] if best else None


def concepts_of(*texts: str | None) -> set[str]:
    """The concepts (first column of :data:`FIGURE_CONCEPTS`) the texts hold."""
    keys = [normalize(t) for t in texts if t]
    return {c for c, words in FIGURE_CONCEPTS if any(w in k for w in words for k in keys)}


_SUBJECT_WORDS: list[tuple[str, tuple[str, ...]]] = []


def _subject_words() -> list[tuple[str, tuple[str, ...]]]:
    """(subject, its normalised words and name) of :data:`~.subjects.SUBJECTS`, made once."""
    if not _SUBJECT_WORDS:
        from .subjects import SUBJECTS

        _SUBJECT_WORDS.extend((s, tuple(sorted({normalize(w) for w in (*words, s)}, key=lambda w: (-len(w), w))))
                              for s, _, words in SUBJECTS)
    return _SUBJECT_WORDS


def subjects_of(*texts: str | None) -> set[str]:
    """The subjects (first column of :data:`~.subjects.SUBJECTS`) the texts hold."""
    keys = [normalize(t) for t in texts if t]
    return {s for s, words in _subject_words() if any(w in k for w in words for k in keys)}


def _names(node) -> list[str]:
    return [t for t in (node.name, node.name_en, *node.aliases) if t]


@dataclass(frozen=True)
class Placement:
    node: str
    """The node the figure goes on: a driver, or the report."""
    name: str
    why: str
    """``note's driver``, ``named``, ``subject and concept`` or ``about 微软, no driver``."""


def place(drivers: list, note_driver: str, report_id: str, fact) -> Placement:
    """Where ``fact`` (a :class:`~.parse.MetricFact`) goes, among ``drivers`` (the graph's
    and the plan's driver nodes), for a note about ``note_driver`` (the module's rules).

    >>> from supplychain.graph import load_graph
    >>> from supplychain.ingest.parse import parse_metrics
    >>> g = load_graph("data/graph.yaml")
    >>> ds = [n for n in g.nodes.values() if n.type == "driver"]
    >>> [(x.node, x.name) for x in (place(ds, "alibaba-capex", "r", f) for f in parse_metrics("阿里云Q2营收398.24亿元，同比增长34%。"))]
    [('alibaba-cloud-revenue', '营收')]
    >>> [(x.node, x.name) for x in (place(ds, "alibaba-capex", "r", f) for f in parse_metrics("GB300机柜功率约135kW。"))]
    [('r', 'GB300机柜功率')]
    """
    by_id = {d.id: d for d in drivers}
    ctx = normalize(fact.context)
    best = None  # (end, rank, kind, what, text)
    for d in drivers:
        for text in _names(d):
            k = normalize(text)
            if len(k) >= 4:
                i = ctx.rfind(k)
                if i >= 0:
                    cand = (i + len(k), 2, "driver", d.id, k)
                    best = cand if best is None or cand[:2] > best[:2] else best
    for subject, words in _subject_words():
        for k in words:
            i = ctx.rfind(k)
            if i >= 0:
                cand = (i + len(k), 1, "subject", subject, k)
                best = cand if best is None or cand[:2] > best[:2] else best
    for m in _THING.finditer(ctx):
        cand = (m.end(), 0, "thing", m.group(0), m.group(0))
        best = cand if best is None or cand[:2] > best[:2] else best

    note = by_id.get(note_driver)
    note_subjects = subjects_of(*_names(note)) if note else set()
    note_concepts = concepts_of(*_names(note)) if note else set()
    concept = next(iter(sorted(concepts_of(concept_word(fact.name) or ""))), None)

    if best and best[2] == "driver":
        return Placement(best[3], _strip(fact.name, by_id[best[3]], best[4]), "named")
    if best and best[2] == "thing":
        return Placement(report_id, _with_subject(fact.name, fact.context, best[4]), f"about {best[4].upper()}, no driver names it")
    subject = best[3] if best else None
    own = subject is None or subject in note_subjects
    if own and note is not None and (concept is None or concept in note_concepts or (not note_subjects and subject is None)):
        return Placement(note_driver, _strip(fact.name, note), "note's driver")
    wanted = {subject} if subject else note_subjects
    if concept and wanted:
        matches = [d for d in drivers if subjects_of(*_names(d)) & wanted and concept in concepts_of(*_names(d))]
        if matches:
            word = normalize(concept_word(fact.name) or "")
            d = min(matches, key=lambda d: (word not in normalize(d.name), len(d.name), d.id))
            return Placement(d.id, _strip(fact.name, d), "subject and concept")
    if subject:
        return Placement(report_id, _with_subject(fact.name, fact.context, best[4]), f"about {subject}, no driver of the graph")
    return Placement(report_id, fact.name, f"{concept}: no driver of the graph measures it")


def _with_subject(name: str, context: str, word: str) -> str:
    """A figure kept on the report says whose it is: the subject the sentence names
    (as written there) before a name that lacks it (资本开支 → 微软资本开支)."""
    if word in normalize(name):
        return name
    key = normalize(context)
    i = key.rfind(word)
    if i >= 0 and len(key) == len(context):
        return context[i:i + len(word)] + name
    return name


def _strip(name: str, driver, mention: str | None = None) -> str:
    """``name`` without the driver's subject words (and the driver's own name or alias it
    starts with), unless nothing would be left."""
    from .subjects import SUBJECTS

    out = name
    for text in sorted({*(t for t in _names(driver)), *([mention] if mention else [])}, key=len, reverse=True):
        k = normalize(text)
        if len(k) >= 4 and normalize(out).startswith(k) and k != normalize(out):  # 通义大模型衍生模型 → 衍生模型
            out = _remove(out, text)
    subjects = subjects_of(*_names(driver))
    for subject, _, words in SUBJECTS:
        if subject in subjects:
            for w in sorted((*words, subject), key=len, reverse=True):
                out = _remove(out, w)
    out = out.strip(" -·的")
    if len(out) < 2:
        return name
    for concept, words in FIGURE_CONCEPTS:  # a bare synonym (投入) reads as its concept (资本开支)
        if normalize(out) in words:
            return concept
    return out


def _remove(text: str, word: str) -> str:
    """``text`` without ``word`` (compared as :func:`normalize` does, case and width folded)."""
    i = normalize(text).find(normalize(word))
    if i < 0 or len(normalize(text)) != len(text):
        return text.replace(word, "") if word in text else text
    return text[:i] + text[i + len(word):]


# --------------------------------------------------------------------------- the same figure


def figure_key(m: Metric) -> tuple:
    """What makes two metrics of one node the same figure (the YoY aside)."""
    return (m.name, m.period, m.value, m.low, m.high, m.unit, m.qualifier)


def same_figure(a: Metric, b: Metric) -> bool:
    """Same name, period, value or range, unit and qualifier; YoY equal or given once.

    >>> e = Evidence(report="r1", date="2025-11-05", quote="q")
    >>> a = Metric(name="资本开支", value=1130, unit="亿美元", period="2025Q3", qualifier="~", source=e)
    >>> same_figure(a, a.model_copy(update={"yoy": 75.0})), same_figure(a, a.model_copy(update={"value": 1150.0}))
    (True, False)
    """
    return figure_key(a) == figure_key(b) and (a.yoy is None or b.yoy is None or a.yoy == b.yoy)


def revision_of(old: Metric, new: Metric) -> bool:
    """Whether ``new`` revises ``old``: same name, period and unit, about the same subject
    (the subjects the two quotes name, when both name some, overlap). 129.83 亿元 does not
    revise ~1130 亿美元: another unit, or another company, is another figure.

    >>> e = Evidence(report="r1", date="2025-11-05", quote="北美四大云厂商2025Q3资本开支合计约1130亿美元")
    >>> a = Metric(name="资本开支", value=1130, unit="亿美元", period="2025Q3", qualifier="~", source=e)
    >>> b = a.model_copy(update={"value": 129.83, "unit": "亿元", "qualifier": "="})
    >>> revision_of(a, b), revision_of(a, a.model_copy(update={"value": 1150.0}))
    (False, True)
    """
    if old.name != new.name or not old.period or old.period != new.period or old.unit != new.unit:
        return False
    a, b = subjects_of(old.source.quote), subjects_of(new.source.quote)
    return not (a and b and not a & b)


def has_source(m: Metric, report: str) -> bool:
    return any(s.report == report for s in m.sources)


def states_yoy(quote: str, yoy: float | None) -> bool:
    """Whether a quote states the YoY ``yoy`` (its digits, 24.05 for -24.05%)."""
    return yoy is not None and f"{abs(yoy):g}" in quote


def ordered_sources(sources, yoy: float | None) -> list[Evidence]:
    """The sources of a figure in the order the metric keeps them: a note whose quote states
    the figure's YoY first (a YoY is never cited from a note that does not give it), then
    by (date, report); the same whatever order the notes arrived in.

    >>> a = Evidence(report="a", date="2025-11-14", quote="2025Q3资本开支129.83亿元")
    >>> b = Evidence(report="b", date="2025-12-05", quote="资本开支129.83亿元，同比下降24.05%")
    >>> [s.report for s in ordered_sources([a, b], -24.05)], [s.report for s in ordered_sources([b, a], None)]
    (['b', 'a'], ['a', 'b'])
    """
    return sorted(sources, key=lambda s: (yoy is not None and not states_yoy(s.quote, yoy), s.date, s.report, s.quote))


def merged(m: Metric, new: Metric) -> Metric:
    """``m`` with ``new``'s source added: a YoY only one of them gives is kept, and the
    sources are :func:`ordered_sources` (``source`` is the earliest note that states the
    YoY, or the earliest when there is none)."""
    yoy = m.yoy if m.yoy is not None else new.yoy
    sources = ordered_sources([*m.sources, *new.sources], yoy)
    return m.model_copy(update={"source": sources[0], "also": sources[1:], "yoy": yoy})


def place_in_order(metrics: list[Metric], m: Metric) -> None:
    """Insert ``m`` after every metric whose first source is not later than its own (by
    date, then report), leaving the others where they are: a node's figures read oldest
    first, whatever the order the notes were ingested in."""
    key = (m.source.date, m.source.report)
    k = len(metrics)
    while k and (metrics[k - 1].source.date, metrics[k - 1].source.report) > key:
        k -= 1
    metrics.insert(k, m)


def without_source(m: Metric, report: str) -> Metric | None:
    """``m`` without report ``report`` among its sources (None when it was the only one).

    A YoY that no remaining source's quote states is dropped with the source that gave it.
    """
    rest = [s for s in m.sources if s.report != report]
    if not rest:
        return None
    yoy = m.yoy
    if yoy is not None and not any(states_yoy(s.quote, yoy) for s in rest):
        yoy = None
        if m.value is None and m.low is None:
            return None
    rest = ordered_sources(rest, yoy)
    return m.model_copy(update={"source": rest[0], "also": rest[1:], "yoy": yoy})


def describe_sources(m: Metric) -> str:
    """``industry-research-2025-11-05 (2025-11-05), industry-research-2025-11-07 (2025-11-07)``."""
    return ", ".join(f"{s.report} ({s.date})" for s in m.sources)


# --------------------------------------------------------------------------- planning


def plan_figures(p, report, driver: str) -> None:
    """Plan every figure of ``report``'s key facts (a :class:`~.parse.ParsedReport`) on the
    node it is about (:func:`place`), for a note about ``driver``; ``p`` is the
    :class:`~.plan.Planner`."""
    import math

    from ..errors import FileFormatError

    drivers = [n for n in p.g.nodes.values() if n.type == "driver"] + [n.node for n in p.plan.nodes if n.node.type == "driver"]
    for fact in report.facts:
        for m in fact.metrics:
            if not all(math.isfinite(x) for x in (m.value, m.yoy, m.low, m.high) if x is not None):
                raise FileFormatError(
                    report.file, fact.line, f"metric {m.name!r}: the number is too large to be a figure; check the note"
                )
            where = place(drivers, driver, report.id, m)
            metric = Metric(
                name=where.name, value=m.value, low=m.low, high=m.high, unit=m.unit, period=m.period, yoy=m.yoy,
                qualifier=m.qualifier, source=Evidence(report=report.id, date=report.date, quote=fact.quote),
            )
            p.add_metric(where.node, metric, where.why)


def plan_figure(p, node_id: str, metric: Metric, why: str = "") -> bool:
    """Plan ``metric`` on node ``node_id``: nothing when its report already gave it, one
    more source of the same figure (:func:`same_figure`), else a new metric (a revision
    when the node has its name and period with another value). False when nothing is new."""
    from .plan import NewMetric

    key = (metric.source.report, metric.value, metric.low, metric.high, metric.unit, metric.yoy)
    if key in p.metric_keys:
        p.plan.unchanged += 1
        return False
    p.metric_keys.add(key)
    node = p.new_nodes.get(node_id) or p.g.nodes.get(node_id)
    held = list(getattr(node, "metrics", ())) + [m.metric for m in p.plan.metrics if m.driver == node_id and m.same_as is None]
    same = next((m for m in held if same_figure(m, metric)), None)
    if same is not None:
        if has_source(same, metric.source.report):
            p.plan.unchanged += 1
            return False
        p.plan.metrics.append(NewMetric(node_id, metric, same_as=same, why=why))
        return True
    revises = next((m for m in held if revision_of(m, metric)), None)
    p.plan.metrics.append(NewMetric(node_id, metric, revises=revises, why=why))
    return True


def describe_new_metric(m, node_name: str) -> str:
    """One line of the plan for a :class:`~.plan.NewMetric` on the node named ``node_name``."""
    from .plan import describe_metric

    if m.same_as is not None:
        return (f"  same figure   {node_name}: {describe_metric(m.same_as)} — already from "
                f"{', '.join(s.report for s in m.same_as.sources)}; this note is one more source")
    extra = f" — {m.why}" if m.why and m.why not in ("note's driver", "named") else ""
    if m.revises is not None:
        r = m.revises
        extra += f" — revises {describe_metric(r)} ({r.source.report}, {r.source.date})"
    return f"  new metric    {node_name}: {describe_metric(m.metric)}{extra}"


__all__ = ["FIGURE_CONCEPTS", "Placement", "place", "plan_figures", "plan_figure", "same_figure", "revision_of", "ordered_sources", "merged", "without_source", "concept_word"]
