"""Rating words → stances, read from the one table :data:`supplychain.schema.RATINGS`.

>>> rating_stance("买入"), rating_stance("维持增持评级"), rating_stance("Overweight"), rating_stance("Equal-Weight")
('recommended', 'beneficiary', 'recommended', 'neutral')
>>> rating_stance("未评级") is None
True
>>> [(w, s) for _, _, w, s in find_ratings("Sugon (603019 CH, Buy); sell-side view: Inspur is Underweight")]
[('Buy', 'recommended'), ('Underweight', 'negative')]
"""

from __future__ import annotations

import re

from ...schema import RATINGS

_WORDS = sorted(RATINGS, key=len, reverse=True)
_CJK = [re.escape(w) for w in _WORDS if not w.isascii()]
_EN = [re.escape(w).replace(r"\ ", "[ -]").replace(r"\-", "[ -]") for w in _WORDS if w.isascii()]
RATING = re.compile("|".join(_CJK) + "|" + r"(?<![A-Za-z-])(?:" + "|".join(_EN) + r")(?![A-Za-z-])", re.I)
"""Any rating word: Chinese ones anywhere, English ones as whole words (not ``sell-side``)."""

_AROUND = re.compile(
    r"^(?:维持|首次覆盖|首次|给予|上调至|下调至|上调|下调|调升至|调降至|重点|建议|均|有望|评级)*\s*(.*?)\s*"
    r"(?:评级|标的|公司|-rated|rated| rating)?$",
    re.I,
)


def rating_stance(text: str | None) -> str | None:
    """The stance a rating cell or marker gives (``维持买入评级`` → recommended), else None."""
    if not text:
        return None
    core = _AROUND.match(re.sub(r"\s+", " ", text.strip())).group(1)
    key = core.lower().replace("_", " ")
    if key in RATINGS:
        return RATINGS[key]
    key = key.replace("-", " ")
    return next((s for w, s in RATINGS.items() if w.replace("-", " ") == key), None)


def find_ratings(text: str) -> list[tuple[int, int, str, str]]:
    """Every rating word in ``text``: (start, end, word as written, stance)."""
    out = []
    for m in RATING.finditer(text):
        stance = rating_stance(m.group(0))
        if stance:
            out.append((m.start(), m.end(), m.group(0), stance))
    return out
