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

Not a drop: a negation before the word (暂不将…调出, "do not remove"), a move out of a
watch list (从观察名单移出), an earlier drop (此前/已于…), a list named after a subject the
note is not about (``subject``). 调入/纳入/新增/加入 add names (:func:`kept_spans`).

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
_ADD = re.compile(r"调入|纳入|新增|加入")
_ADD_LIST = re.compile(r"组合|名单|推荐|标的|股票池|清单|金股")  # stricter: 新增重点客户 adds nobody
_WATCH = re.compile(r"(?i)观察名单|观察池|观察列表|观察组合|跟踪名单|跟踪池|跟踪列表|备选池|备选名单|watch\s*-?\s*list")
_NEG_ZH = re.compile(
    r"(?:暂不|暂未|并未|尚未|未曾|未|无意|不会|不拟|不打算|不考虑|没有|无需|不必|不)"
    r"(?:会|拟|打算|考虑|予以|计划)?(?:(?:将|把|从)[^，,；;。]*)?$"
)
_EARLIER_ZH = re.compile(r"此前|之前|前期|早前|已于|上期|上次|前次|上月|上周")
_NEG_EN = re.compile(r"(?i)(?:\bnot|n[’']t|\bnever|\bno\s+plans?\s+to|\bno\s+intention\s+(?:of|to))(?:\s+[\w-]+){0,2}\s*$")
_EARLIER_EN = re.compile(r"(?i)\b(?:previously|earlier|already|had)\b")
_GENERIC = re.compile(
    r"推荐|重点|核心|本期|本月|本周|当月|月度|年度|季度|金股|我们的|我们|我方|公司|相关|投资|股票|优选|精选|关注|行业|"
    r"板块|十大|前十|组合|名单|股票池|清单|标的|列表|[的中内之与和及、]|\s"
)
_EN = re.compile(
    r"(?i)\b(remov(?:e|es|ed|ing)|drop(?:s|ped|ping)?|tak(?:e|es|en|ing)|took|exclud(?:e|es|ed|ing))\b"
    r"[^.;]{0,200}?\b(?:from|off|out\s+of)\s+(?:our|the)\s+(?P<list>(?:[\w-]+\s+){0,3}?(?:picks?|list|portfolio|basket))\b"
    r"|\b(no\s+longer)\s+(?:a\s+|one\s+of\s+our\s+|among\s+our\s+|in\s+our\s+)?(?:top\s+|key\s+)?picks?\b"
)
_PICKS = re.compile(r"推荐|金股")
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


def _source(text: str, a: int, b: int, m) -> str:
    """The list a Chinese drop (or add) word speaks of: 从<list>移出, else the words after it
    (调出<list>), up to 并/同时/、."""
    came = re.search(r"从([^从]*)$", text[a:m.start()])
    if came:
        return came.group(1)
    return re.split(r"[并及和与、]|同时|纳入|调入|列入|加入", text[m.end():b], maxsplit=1)[0]


def _heading_lists(text: str, clauses, a: int) -> bool:
    """Whether a label before the clause, in the same sentence, speaks of a list (本期金股调整：调出…)."""
    for ca, cb in reversed(clauses):
        if cb >= a:
            continue
        if text[cb] in "。！？!?；;":
            return False
        if text[cb] in ":：" and _LIST.search(text[ca:cb]):
            return True
    return False


def _foreign(source: str, subject: str | None) -> bool:
    """Whether the list a drop names belongs to a subject the note is not about (调出阿里云相关组合
    in a note about North-American capex): what is left of the list's name without its
    generic words is not in ``subject`` (the note's title and driver names)."""
    if subject is None:
        return False
    cut = re.search(r"组合|名单|股票池|清单|标的|列表", source)
    if not cut:
        return False
    owner = _GENERIC.sub("", source[:cut.start()])
    return len(owner) >= 2 and owner.lower() not in subject.lower()


def _moves(text: str, subject: str | None = None):
    """Every list move of ``text``: (start, end, word, kind), kind ``drop``, ``kept`` (a
    negated drop: 暂不将…调出推荐组合, "we do not remove …") or ``add`` (调入/纳入/新增)."""
    clauses = _clauses(text)
    in_marker: set[int] = set()
    closes = [m.start() for m in re.finditer(r"[)）]", text)]
    for m in _MARKER.finditer(text):
        in_marker.update(range(m.start(), m.end()))
        a, _ = _clause_of(clauses, m.start())
        k = bisect.bisect_left(closes, m.start()) - 1  # the group starts after the previous parenthesis
        yield closes[k] + 1 if k >= 0 and closes[k] >= a else a, m.start(), m.group(1), "drop"
    for m in _WORD.finditer(text):
        if m.start() in in_marker:
            continue
        a, b = _clause_of(clauses, m.start())
        before = text[a:m.start()]
        labelled = b < len(text) and text[b] in ":：" and not text[m.end():b].strip(" *")
        if labelled:  # 调出：浪潮信息、光环新网 (a label is a list of its own)
            b = _clause_of(clauses, b + 1)[1]
        elif m.group(0) in _NEEDS_LIST and not (_LIST.search(text[a:b]) or _heading_lists(text, clauses, a)):
            continue
        source = "" if labelled else _source(text, a, b, m)
        if _WATCH.search(source) or _EARLIER_ZH.search(before) or _foreign(source, subject):
            continue  # 从观察名单移出 is a promotion; 此前已…调出 an earlier note's drop; 调出阿里云相关组合 another list
        yield a, b, m.group(0), ("kept" if _PICKS.search(source) else "kept-as-rated") if _NEG_ZH.search(before) else "drop"
    for m in _ADD.finditer(text):
        a, b = _clause_of(clauses, m.start())
        before, after = text[a:m.start()], text[m.end():b]
        labelled = b < len(text) and text[b] in ":：" and not after.strip(" *")
        if labelled:  # 调入：工业富联
            b = _clause_of(clauses, b + 1)[1]
        elif not (_ADD_LIST.search(text[a:b]) or _heading_lists(text, clauses, a)):
            continue
        if _WATCH.search(after) or _NEG_ZH.search(before) or _EARLIER_ZH.search(before):
            continue  # 纳入观察名单 is no pick; 暂不纳入 adds nobody
        if (not labelled and re.fullmatch(r"(?:正式|同时|并且|并|再|予以|将其|亦|也|随后|均)*", before)
                and _ADD_LIST.search(after) and a > 0 and text[a - 1] in "，,"):
            a = _clause_of(clauses, a - 1)[0]  # 浪潮信息从观察名单移出，正式纳入推荐组合: the subject is the clause before
        yield a, b, m.group(0), "add"
    for m in _EN.finditer(text):
        a, _ = _clause_of(clauses, m.start())
        before = text[a:m.start()]
        if (m.group("list") and _WATCH.search(m.group("list"))) or _EARLIER_EN.search(before):
            continue
        kept = "kept" if re.search(r"(?i)pick", m.group(0)) else "kept-as-rated"
        yield a, m.end(), m.group(1) or m.group(3), kept if _NEG_EN.search(before) else "drop"


def drop_spans(text: str, subject: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, drop word) of every drop scope in ``text`` (module docstring). With
    ``subject`` (the note's title, its driver's names), a drop from a list named after
    another subject is not one."""
    return sorted({(a, b, w) for a, b, w, kind in _moves(text, subject) if kind == "drop"})


def kept_spans(text: str, subject: str | None = None) -> list[tuple[int, int, str, str | None]]:
    """(start, end, word, stance) of every scope that keeps names on the list or adds them:
    调入/纳入/新增 … (stance ``recommended``), a negated drop from the picks 暂不将…调出推荐组合 /
    "we do not remove … from our top picks" (``recommended`` too), from another list
    (stance ``None``: the clause's own rating).

    >>> t = "本期金股调整:调出浪潮信息,调入中际旭创。"
    >>> [(t[a:b], w, s) for a, b, w, s in kept_spans(t)], [(t[a:b], w) for a, b, w in drop_spans(t)]
    ([('调入中际旭创', '调入', 'recommended')], [('调出浪潮信息', '调出')])
    >>> t = "浪潮信息从观察名单移出,正式纳入推荐组合。"
    >>> [(t[a:b], w, s) for a, b, w, s in kept_spans(t)], drop_spans(t)
    ([('浪潮信息从观察名单移出,正式纳入推荐组合', '纳入', 'recommended')], [])
    """
    return sorted({(a, b, w, None if kind == "kept-as-rated" else "recommended")
                   for a, b, w, kind in _moves(text, subject) if kind != "drop"})


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
    drop scope, or a scope that adds or keeps names (:func:`kept_spans`), to the gazetteer
    (``report.sentences``), which finds the names in it when planning and gives those in a
    drop scope ``dropped``, those added ``recommended`` (:mod:`.gazetteer`, :mod:`..mentions`).
    A drop from a list named after a subject the note's title does not name is not this note's."""
    import dataclasses

    from ..parse import nfkc
    from .common import sentences

    skip = {r.line for r in report.risks} | {report.title_line}
    sector_lines = {s.line for s in report.sectors}
    subject = nfkc(report.title or "")
    found: dict[int, list[tuple[str, str, str]]] = {}
    moves: dict[int, list[str]] = {}
    kept: dict[int, list[tuple[str, str, str]]] = {}
    for i, raw in enumerate(lines):
        n = i + 1
        if n in skip or not (_WORD.search(raw) or _ADD.search(raw) or _EN.search(nfkc(raw))):
            continue
        for sentence in sentences(raw):
            folded = nfkc(sentence)
            for a, b, word in drop_spans(folded, subject):
                found.setdefault(n, []).append((sentence, folded[a:b], word))
            for a, b, word, stance in kept_spans(folded, subject):
                moves.setdefault(n, []).append(sentence)
                if stance:
                    kept.setdefault(n, []).append((folded[a:b], word, stance))

    def mark(m, line: int | None, keep_quote: bool):
        for sentence, scope, word in found.get(line, ()):
            if m.stance != "dropped" and covers(scope, nfkc(m.name), m.code):
                return dataclasses.replace(m, stance="dropped", rating=word, rule=f"{RULE} “{word}”",
                                           quote=m.quote if keep_quote else sentence)
        for scope, word, stance in kept.get(line, ()):
            if m.stance == "listed" and not m.rating and covers(scope, nfkc(m.name), m.code):
                return dataclasses.replace(m, stance=stance, rating=word, rule=f"kept on the list “{word}”")
        return m

    if found or kept:
        report.sectors = [
            dataclasses.replace(s, mentions=tuple(mark(m, m.line or s.line, True) for m in s.mentions))
            for s in report.sectors
        ]
        report.mentions = [mark(m, m.line, False) for m in report.mentions]
    if report.format != "general":
        have = set(report.sentences)
        handed = {n: [x[0] for x in items] for n, items in found.items()}
        for n, items in moves.items():
            handed.setdefault(n, []).extend(items)
        for n, items in sorted(handed.items()):
            if n in sector_lines:
                continue
            for sentence in items:
                if (n, sentence) not in have:
                    have.add((n, sentence))
                    report.sentences.append((n, sentence))
