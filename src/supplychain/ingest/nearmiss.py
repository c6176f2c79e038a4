""""Did you mean": existing names close to a new one, in bounded work per new name.

A name is close to a new one when, once generic trailing words (股份, 科技, 信息 …) are
dropped (:func:`name_core`), the two cores are equal, one core is inside the other name,
or the cores are spelled alike (rapidfuzz's ratio ≥ 75, 80 for ASCII). An index answers
each question without walking every name in Python: cores by value, names by their
two-character pieces, and one rapidfuzz scan in C over the names that share a piece
(at most :data:`MAX_CANDIDATES` a piece). A bullet of 10,000 new names is planned in
seconds, not quadratic time.

>>> idx = NearMisses()
>>> for name, owner in [("海光信息", "海光信息"), ("曙光信息", "中科曙光?"), ("同飞股份", "同飞股份")]:
...     idx.add(name, owner)
>>> idx.query("海光信息股份"), idx.query("中科曙光"), idx.query("银轮股份")
(['海光信息'], ['中科曙光?'], [])
"""

from __future__ import annotations

import re

from ..names import normalize

_GENERIC = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|公司|股份|集团|控股|科技|技术|信息|通信|电子|电气|智能|网络|软件|实业|国际|"
    r"系统|服务|设备|器件|模块|风险)$"
)
MAX_KEY = 64
"""Longer names are compared by their first 64 characters (bounds the substring work)."""
MAX_CANDIDATES = 200
"""Of the names sharing a two-character piece with a new name, at most this many (those
of its rarest pieces first, then the earliest indexed: the graph's own names) are
compared with it. Bounds the work per
new name whatever the size of the graph or the note; a hint may be missed, never a match."""


def name_core(name: str) -> str:
    """A name without its generic trailing words: 海光信息股份 → 海光.

    >>> name_core("海光信息股份"), name_core("数据港")
    ('海光', '数据港')
    """
    prev, s = None, normalize(name)
    while prev != s:
        prev, s = s, _GENERIC.sub("", s) if len(_GENERIC.sub("", s)) >= 2 else s
    return s


def near_miss(new: str, existing: str) -> bool:
    """Whether ``existing`` is worth a "did you mean" for the new name ``new``.

    >>> near_miss("中科曙光", "曙光信息"), near_miss("海光信息股份", "海光信息"), near_miss("银轮股份", "同飞股份")
    (True, True, False)
    """
    idx = NearMisses()
    idx.add(existing, existing)
    return bool(idx.query(new))


class NearMisses:
    """Names (with the node name each belongs to) indexed for :meth:`query`."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.cores: list[str] = []
        self.owners: list[str] = []
        self.by_key: dict[str, int] = {}
        self.by_core: dict[str, list[int]] = {}
        self.pieces: dict[str, list[int]] = {}

    def add(self, text: str, owner: str) -> None:
        key = normalize(text)[:MAX_KEY]
        if not key or (key in self.by_key and self.owners[self.by_key[key]] == owner):
            return
        i = len(self.keys)
        core = name_core(key)
        self.keys.append(key)
        self.cores.append(core)
        self.owners.append(owner)
        self.by_key.setdefault(key, i)
        self.by_core.setdefault(core, []).append(i)
        for piece in {key[k : k + 2] for k in range(len(key) - 1)}:
            self.pieces.setdefault(piece, []).append(i)

    def query(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` owners of names close to ``name`` (never one with the same key)."""
        a = normalize(name)[:MAX_KEY]
        ca = name_core(a)
        out: list[str] = []

        def take(i: int) -> bool:
            if self.keys[i] != a and self.owners[i] not in out:
                out.append(self.owners[i])
            return len(out) >= n

        for i in self.by_core.get(ca, ()):  # the same core
            if take(i):
                return out
        if len(ca) >= 2:  # the new core inside an existing name: scan the rarest piece's names
            postings = [self.pieces.get(ca[k : k + 2], ()) for k in range(len(ca) - 1)]
            for i in min(postings, key=len)[:MAX_CANDIDATES]:
                if ca in self.keys[i] and take(i):
                    return out
        for lo in range(len(a) - 1):  # an existing core inside the new name
            for hi in range(lo + 2, len(a) + 1):
                for i in self.by_core.get(a[lo:hi], ()):
                    if take(i):
                        return out
        if ca and self.cores:  # spelled alike: one rapidfuzz scan in C over the names sharing a piece
            from rapidfuzz import fuzz, process

            postings = sorted((self.pieces.get(a[k : k + 2], ()) for k in range(len(a) - 1)), key=len)
            found: set[int] = set()
            for posting in postings:  # the rarest pieces first, MAX_CANDIDATES names in all
                found.update(posting[: MAX_CANDIDATES - len(found)])
                if len(found) >= MAX_CANDIDATES:
                    break
            candidates = sorted(found)
            cutoff = 80 if a.isascii() else 75
            choices = [self.cores[i] for i in candidates]
            hits = process.extract(ca, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=n + len(out) + 1)
            for _, _, k in sorted(hits, key=lambda h: (-h[1], h[2])):
                i = candidates[k]
                if self.cores[i] and not set(ca).isdisjoint(self.cores[i]) and take(i):
                    return out
        return out
        return out
