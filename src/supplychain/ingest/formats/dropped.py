"""Names a note takes off its list: 调出, 剔除, 移出, 移除, 不再推荐, "removed from our picks".

A drop word speaks about a *scope* of the sentence it is in (offsets into the text
given, which the caller folds as it reads names):

- a marker in parentheses after names, ``浪潮信息（调出）``: the names back to the
  previous parenthesis or the start of the clause (the group rule of （推荐）/（受益）);
- Chinese prose: the whole clause holding the word (between ，；。), names before it
  (将浪潮信息调出推荐组合) or after it (调出浪潮信息、欧陆通). 调出, 剔除, 移出 and 移除 count
  only when the clause also speaks of a list (组合, 名单, 推荐, 标的, 股票池, 重点, 关注…):
  剔除汇兑影响后 drops nobody;
- English: from the start of the clause to the end of the phrase, so a name added after
  it is not dropped ("we remove Inspur (000977 CH) from our top picks and add …").

A name in a scope gets the stance ``dropped`` (:data:`supplychain.schema.STANCES`).

>>> text = "本期将浪潮信息、欧陆通调出推荐组合，新增推荐工业富联。"
>>> [(text[a:b], w) for a, b, w in drop_spans(text)]
[('本期将浪潮信息、欧陆通调出推荐组合', '调出')]
>>> [(t[a:b], w) for t in ["中际旭创(推荐)、浪潮信息(调出)"] for a, b, w in drop_spans(t)]
[('、浪潮信息', '调出')]
>>> drop_spans("剔除汇兑影响后,中际旭创净利润增长20%。")
[]
>>> [(t[a:b], w) for t in ["组合调整:调出:浪潮信息、光环新网;调入:工业富联"] for a, b, w in drop_spans(t)]
[('调出:浪潮信息、光环新网', '调出')]
>>> t = "We remove Inspur (000977 CH) from our top picks and add Sugon (603019 CH)."
>>> [(t[a:b], w) for a, b, w in drop_spans(t)]
[('We remove Inspur (000977 CH) from our top picks', 'remove')]
"""

from __future__ import annotations

import bisect
import re

_MARKER = re.compile(r"[(（]\s*(调出|剔除|移出|移除|不再推荐)\s*[)）]")
_WORD = re.compile(r"不再推荐|不再列入|调出|剔除|移出|移除")
_NEEDS_LIST = {"调出", "剔除", "移出", "移除"}
_LIST = re.compile(r"组合|名单|推荐|标的|股票池|重点|关注|清单|核心|金股")
_EN = re.compile(
    r"(?i)\b(remov(?:e|es|ed|ing)|drop(?:s|ped|ping)?|tak(?:e|es|en|ing)|took|exclud(?:e|es|ed|ing))\b"
    r"[^.;]{0,200}?\b(?:from|off|out\s+of)\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}?(?:picks?|list|portfolio|basket)\b"
    r"|\b(no\s+longer)\s+(?:a\s+|one\s+of\s+our\s+|among\s+our\s+|in\s+our\s+)?(?:top\s+|key\s+)?picks?\b"
)
_CLAUSE_END = "，,；;。！？!?:："
_PUNCT = re.compile("[(（)）" + _CLAUSE_END + "]")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: split at ，；。！？： outside parentheses."""
    out, start, depth = [], 0, 0
    for m in _PUNCT.finditer(text):
        ch, i = m.group(0), m.start()
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(text)))
    return out


def _clause_of(clauses, i: int) -> tuple[int, int]:
    return clauses[bisect.bisect_right(clauses, (i, float("inf"))) - 1]


def drop_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, drop word) of every drop scope in ``text`` (module docstring)."""
    clauses = _clauses(text)
    out: list[tuple[int, int, str]] = []
    in_marker: set[int] = set()
    closes = [m.start() for m in re.finditer(r"[)）]", text)]
    for m in _MARKER.finditer(text):
        in_marker.update(range(m.start(), m.end()))
        a, _ = _clause_of(clauses, m.start())
        k = bisect.bisect_left(closes, m.start()) - 1  # the group starts after the previous parenthesis
        out.append((closes[k] + 1 if k >= 0 and closes[k] >= a else a, m.start(), m.group(1)))
    for m in _WORD.finditer(text):
        if m.start() in in_marker:
            continue
        a, b = _clause_of(clauses, m.start())
        labelled = b < len(text) and text[b] in ":：" and not text[m.end():b].strip(" *")
        if labelled:  # 调出：浪潮信息、光环新网 (a label is a list of its own)
            b = _clause_of(clauses, b + 1)[1]
        elif m.group(0) in _NEEDS_LIST and not _LIST.search(text[a:b]):
            continue
        out.append((a, b, m.group(0)))
    for m in _EN.finditer(text):
        a, _ = _clause_of(clauses, m.start())
        out.append((a, m.end(), m.group(1) or m.group(2)))
    return sorted(set(out))


_CELL = re.compile(r"(?i)^\s*(?:" + _WORD.pattern + r"|调出组合|removed?|dropped?|taken off)\s*$")


def drop_rating(cell: str) -> bool:
    """Whether a rating table's cell says the name is off the list (``调出``, ``剔除``, ``Removed``).

    >>> drop_rating("调出"), drop_rating("Removed"), drop_rating("买入")
    (True, True, False)
    """
    return bool(_CELL.match(cell or ""))


def covers(span_text: str, name: str, code: str | None) -> bool:
    """Whether a scope's text (folded as the caller folds it) names ``name`` or its ``code``."""
    folded = span_text.lower()
    if name and name.lower() in folded:
        return True
    digits = re.sub(r"\D", "", code or "")
    return bool(digits) and digits in re.sub(r"\s", "", folded)


RULE = "dropped"


def mark_dropped(report, lines: list[str]) -> None:
    """Give ``dropped`` to the names the note's parsers found inside a drop scope (a broker
    "不再推荐浪潮信息" read as a 推荐 list, an English "remove … from our top picks" read as a
    pick, a sub-sector line's ``浪潮信息（调出）``), and hand every other sentence holding a
    drop word to the gazetteer (``report.sentences``), which finds the names in it when
    planning and gives those in a scope ``dropped`` too (:mod:`.gazetteer`)."""
    import dataclasses

    from ..parse import nfkc
    from .common import sentences

    skip = {r.line for r in report.risks} | {report.title_line}
    sector_lines = {s.line for s in report.sectors}
    found: dict[int, list[tuple[str, str, str]]] = {}
    for i, raw in enumerate(lines):
        n = i + 1
        if n in skip or not (_WORD.search(raw) or _EN.search(nfkc(raw))):
            continue
        for sentence in sentences(raw):
            folded = nfkc(sentence)
            for a, b, word in drop_spans(folded):
                found.setdefault(n, []).append((sentence, folded[a:b], word))
    if not found:
        return

    def mark(m, line: int | None, keep_quote: bool):
        for sentence, scope, word in found.get(line, ()):
            if m.stance != "dropped" and covers(scope, nfkc(m.name), m.code):
                return dataclasses.replace(m, stance="dropped", rating=word, rule=f"{RULE} “{word}”",
                                           quote=m.quote if keep_quote else sentence)
        return m

    report.sectors = [
        dataclasses.replace(s, mentions=tuple(mark(m, m.line or s.line, True) for m in s.mentions))
        for s in report.sectors
    ]
    report.mentions = [mark(m, m.line, False) for m in report.mentions]
    if report.format != "general":
        have = set(report.sentences)
        for n, items in sorted(found.items()):
            if n in sector_lines:
                continue
            for sentence, _, _ in items:
                if (n, sentence) not in have:
                    have.add((n, sentence))
                    report.sentences.append((n, sentence))
