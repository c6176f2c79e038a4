"""Traditional and simplified Chinese: notes are *read* in simplified, *quoted* as written.

A note in traditional characters (重點受益行業與標的, （推薦）, 風險) is converted to
simplified with OpenCC's ``t2s`` before any format looks at it, so every rule, name and
section word is written once. Quotes are then taken back from the note's own lines
(:func:`restore`), so a claim quotes the note in its own script.

>>> to_simplified("重點受益行業與標的：中際旭創（推薦）")
'重点受益行业与标的：中际旭创（推荐）'
>>> is_traditional("重點受益行業與標的"), is_traditional("重点受益行业与标的")
(True, False)
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc  # OpenCC's own dictionaries (phrase-aware), not a character table of ours

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def is_traditional(text: str) -> bool:
    """Whether enough of the note's Chinese changes under t2s to call it traditional.

    Simplified text is left exactly as it is (t2s would otherwise be a risk to names
    it has no business touching)."""
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return False
    converted = to_simplified("".join(cjk))
    changed = sum(a != b for a, b in zip(cjk, converted)) + abs(len(cjk) - len(converted))
    return changed >= 3 and changed >= 0.02 * len(cjk)


def restore(quote: str, line: int | None, original: list[str], simplified: list[str]) -> str:
    """``quote`` (found in simplified line ``line``) as the original line writes it.

    t2s maps a character to a character here, so the quote's offset in the simplified
    line is its offset in the original; when a phrase conversion changed the length, the
    original substring is found by converting candidate windows.

    >>> restore("中际旭创（推荐）", 1, ["光模塊：中際旭創（推薦）"], ["光模块：中际旭创（推荐）"])
    '中際旭創（推薦）'
    """
    if not line or line > len(original):
        return quote
    orig, simp = original[line - 1], simplified[line - 1]
    if orig == simp:
        return quote
    for o, s in ((orig, simp), (orig.replace("**", ""), simp.replace("**", ""))):  # family quotes drop the **
        at = s.find(quote)
        if at >= 0 and len(o) == len(s):
            return o[at: at + len(quote)]
    if len(orig) > 200:  # a search by windows would be slow: quote the whole line
        return orig.strip()
    for start in range(len(orig)):
        for end in range(start + 1, len(orig) + 1):
            if to_simplified(orig[start:end]) == quote:
                return orig[start:end]
    return quote
