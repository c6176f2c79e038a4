"""Rating tables: 证券代码 | 证券简称 | 投资评级 in Markdown, HTML (read as Markdown rows) or
plain text (columns apart by tabs or spaces), in Chinese or English.

A table is a rating table when its header names a company column (简称, 名称, Company…)
or a code column (代码, Ticker…) and a rating column (评级, Rating…); a column whose
header says 上次/前次/previous is the old rating and is not read. Each row gives a
:class:`~supplychain.ingest.parse.Mention` quoting the row as written.

>>> rows = rating_rows(["| 证券代码 | 证券简称 | 上次评级 | 投资评级 |", "|---|---|---|---|",
...                     "| 000938.SZ | 紫光股份 | 增持 | 买入 |"])
>>> [(m.name, m.code, m.stance, m.rating, m.line, m.quote) for m in rows]
[('紫光股份', '000938.SZ', 'recommended', '买入', 3, '| 000938.SZ | 紫光股份 | 增持 | 买入 |')]
>>> [(m.name, m.stance) for m in rating_rows(["证券代码    证券简称  投资评级", "301165.SZ   锐捷网络  增持"])]
[('锐捷网络', 'beneficiary')]
"""

from __future__ import annotations

import re

from ..parse import Mention, nfkc
from .common import clean_code
from .dropped import drop_rating
from .ratings import rating_stance

RULE = "rating table"

_ROLES = (
    ("old", re.compile(r"(?i)上次|前次|原评级|previous|prior|old")),
    ("rating", re.compile(r"(?i)评级|rating|recommendation|^rec\.?$")),
    ("code", re.compile(r"(?i)代码|ticker|^code$|bbg|bloomberg")),
    ("name", re.compile(r"(?i)简称|名称|公司|^company|^name$|^stock$")),
    ("sector", re.compile(r"(?i)行业|板块|赛道|sector|segment")),
)


def _roles(cells: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, cell in enumerate(cells):
        for role, rx in _ROLES:
            if rx.search(cell.strip()):
                if role not in out:
                    out[role] = i
                break
    return out


def _cells(line: str, sep: re.Pattern | None) -> list[str]:
    if sep is None:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return [c.strip() for c in sep.split(line.strip())]


def rating_rows(lines: list[str], first_line: int = 1) -> list[Mention]:
    """Every row of every rating table in ``lines`` (line numbers from ``first_line``)."""
    out: list[Mention] = []
    i = 0
    while i < len(lines):
        line = nfkc(lines[i])
        piped = line.lstrip().startswith("|")
        sep = None if piped else (re.compile(r"\t|\s{2,}") if len(re.split(r"\t|\s{2,}", line.strip())) >= 2
                                  else re.compile(r"\s+"))
        header = _cells(line, sep)
        roles = _roles(header)
        if "rating" not in roles or not ({"name", "code"} & roles.keys()) or len(header) < 2:
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            row_text = nfkc(lines[j])
            if not row_text.strip() or (piped != row_text.lstrip().startswith("|")):
                break
            if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", row_text):  # the Markdown separator row
                j += 1
                continue
            cells = _cells(row_text, sep)
            if len(cells) < len(header) and not piped:
                break
            m = _row(cells, roles, lines[j].strip(), first_line + j)
            if m is not None:
                out.append(m)
            j += 1
        i = j
    return out


def _row(cells: list[str], roles: dict[str, int], quote: str, line: int) -> Mention | None:
    def cell(role):
        k = roles.get(role)
        return cells[k].strip() if k is not None and k < len(cells) else ""

    name, code, rating = cell("name"), clean_code(cell("code")) if cell("code") else None, cell("rating")
    if not name and not code:
        return None
    stance = "dropped" if drop_rating(rating) else rating_stance(rating) or "listed"
    return Mention(name or code, code, stance, quote, line, RULE, rating or None, cell("sector") or None)
