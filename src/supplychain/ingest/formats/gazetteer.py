"""The general fallback's name finder: one Aho–Corasick automaton (pyahocorasick) over every
company name the graph and the reference know, run over each sentence of the note.

A hit is kept when it is the longest at its place and, for Latin names, a whole word. A
name only the reference knows (not yet in the graph) counts only in a clause that also
holds a rating word or a listing code: prose is full of short words that happen to be
some listed company's name. The stance is that of the rating word in the name's clause
(the text between ``，；,;``); else, when the sentence names one company and holds one
rating word, that rating; else ``listed``. A name inside a drop scope (将浪潮信息调出推荐组合,
:mod:`.dropped`) is ``dropped``, whatever rating word the clause also holds.

>>> g = Gazetteer([("浪潮信息", "浪潮信息", None, True), ("中科曙光", "中科曙光", "603019.SH", False)])
>>> [(m.name, m.stance) for m in g.mentions("本周服务器走强，浪潮信息维持买入评级；中科曙光亦受益。", 3)]
[('浪潮信息', 'recommended'), ('中科曙光', 'beneficiary')]
>>> g.mentions("曙光初现。", 4)
[]
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from ..parse import Mention
from .dropped import RULE as RULE_DROPPED
from .dropped import drop_spans
from .ratings import find_ratings
from .script import to_simplified

RULE_GRAPH = "gazetteer: a name in the graph"
RULE_REFERENCE = "gazetteer: a name in the reference"
_CLAUSE = re.compile(r"[，,；;。!?！？]")
_CODE_NEAR = re.compile(r"^\s*[(（]\s*\d{4,6}")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class Gazetteer:
    """Names → (name to resolve, code, known to the graph) with one multi-pattern matcher."""

    def __init__(self, entries: Iterable[tuple[str, str, str | None, bool]]):
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        for surface, name, code, in_graph in entries:
            key = _key(surface)
            short = len(key) < (2 if in_graph else 3) or (key.isascii() and len(key) < 4)
            if short:
                continue
            old = self.automaton.get(key, None)
            if old is None or (in_graph and not old[3]):
                self.automaton.add_word(key, (key, name, code, in_graph))
        self.empty = len(self.automaton) == 0
        if not self.empty:
            self.automaton.make_automaton()

    @classmethod
    def of(cls, graph, reference) -> "Gazetteer":
        """Every company of ``graph`` (names, English names, aliases) and every row of
        ``reference`` (its public rows: short name and English name)."""
        entries = []
        for node in graph.nodes.values():
            if node.type == "company":
                for text in (node.name, node.name_en, *node.aliases):
                    if text:
                        entries.append((text, node.name, None, True))
        rows = getattr(reference, "rows", None) or getattr(reference, "by_name", {}).values()
        for row in rows:
            for text in (getattr(row, "name", None), getattr(row, "name_en", None)):
                if text:
                    entries.append((text, row.name, getattr(row, "ticker", None), False))
        return cls(entries)

    def mentions(self, sentence: str, line: int) -> list[Mention]:
        if self.empty:
            return []
        text = _key(to_simplified(sentence))
        hits = []
        # every match with iter(), the longest chosen below (iter_long is reported to miss
        # matches: WojciechMula/pyahocorasick#189)
        for end, (key, name, code, in_graph) in self.automaton.iter(text):
            start = end - len(key) + 1
            if key.isascii() and ((start > 0 and text[start - 1].isalnum()) or (end + 1 < len(text) and text[end + 1].isalnum())):
                continue
            hits.append((start, end + 1, name, code, in_graph))
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))
        taken: list[tuple[int, int]] = []
        chosen = []
        for h in hits:
            if any(h[0] < e and s < h[1] for s, e in taken):
                continue
            taken.append((h[0], h[1]))
            chosen.append(h)
        out, seen = [], set()
        names = {h[2] for h in chosen}
        drops = drop_spans(text)
        for start, end, name, code, in_graph in sorted(chosen):
            drop = next((w for a, b, w in drops if a <= start and end <= b), None)
            ratings = [(0, 0, drop, "dropped")] if drop else find_ratings(_clause(text, start, end))
            if not ratings and len(names) == 1 and len(find_ratings(text)) == 1:
                ratings = find_ratings(text)  # one name, one rating: the sentence's rating is the name's
            if not in_graph and not ratings and not _CODE_NEAR.match(text[end:]):
                continue
            if name in seen:
                continue
            seen.add(name)
            stance, rating = (ratings[0][3], ratings[0][2]) if ratings else ("listed", None)
            rule = RULE_GRAPH if in_graph else RULE_REFERENCE
            out.append(Mention(name, code, stance, sentence.strip(), line, f"{rule}, {RULE_DROPPED} “{drop}”" if drop else rule, rating))
        return out


def _clause(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(text, end)), len(text))
    return text[left:right]
