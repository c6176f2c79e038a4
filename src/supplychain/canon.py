"""Canonical risks and sectors, as data: ``tables/risk_families.yaml`` and
``tables/sector_aliases.yaml`` (package data, so an installed package has them).

A note's risk or sub-sector written another way resolves to the canonical one:

>>> canon = Canon.load()
>>> canon.risk("北美云厂商资本开支不及预期风险").name, canon.risk("AI商业化进度低于预期").id
('资本开支可持续性风险', 'risk-ai-slowdown')
>>> canon.sector("HVDC电源").name, canon.sector("液冷").id, canon.sector("光模块").name
('HVDC与备用电源', 'liquid-cooling', '光通信模块与器件')
>>> canon.risk("汇率波动风险") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import FileFormatError
from .names import normalize

TABLES = Path(__file__).parent / "tables"


@dataclass(frozen=True)
class Canonical:
    """A canonical risk or sector: the node notes' wordings resolve to."""

    id: str
    name: str
    name_en: str | None = None
    family: str | None = None
    wordings: tuple[str, ...] = ()
    patterns: tuple[re.Pattern, ...] = field(default=(), compare=False)


def risk_key(name: str) -> str:
    """A risk name without width, case, spaces, connectives and the word 风险.

    >>> risk_key("地缘政治与出口管制风险"), risk_key("Capex  risk")
    ('地缘政治出口管制', 'capex')
    """
    s = normalize(name)
    s = re.sub(r"(等)?(风险|risk)$", "", s)
    return re.sub(r"[与及和、/&,]", "", s)


class Canon:
    """The two tables, indexed by key."""

    def __init__(self, risks: list[Canonical], sectors: list[Canonical]):
        self.risks, self.sectors = risks, sectors
        self._risk_keys = {}
        for c in risks:
            for w in (c.name, c.name_en, *c.wordings):
                if w:
                    self._risk_keys.setdefault(risk_key(w), c)
        self._sector_keys = {}
        for c in sectors:
            for w in (c.name, c.name_en, *c.wordings):
                if w:
                    self._sector_keys.setdefault(normalize(w), c)

    @classmethod
    def load(cls, folder: Path | str = TABLES) -> "Canon":
        return _load(str(folder))

    def risk(self, name: str) -> Canonical | None:
        """The family a risk's wording belongs to: a listed wording, else the first
        family whose pattern matches; None when the table does not settle it."""
        key = risk_key(name)
        if key in self._risk_keys:
            return self._risk_keys[key]
        return next((c for c in self.risks if any(p.search(key) for p in c.patterns)), None)

    def sector(self, name: str) -> Canonical | None:
        """The canonical sector a sub-sector's wording names, else None."""
        return self._sector_keys.get(normalize(name))


@lru_cache(maxsize=4)
def _load(folder: str) -> Canon:
    import yaml

    def read(file: str, key: str, words: str) -> list[Canonical]:
        path = Path(folder) / file
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise FileFormatError(str(path), 0, f"cannot read the table: {e}") from None
        out = []
        for i, entry in enumerate(data.get(key) or []):
            try:
                out.append(
                    Canonical(
                        id=entry["id"], name=entry["name"], name_en=entry.get("name_en"), family=entry.get("family"),
                        wordings=tuple(entry.get(words) or ()),
                        patterns=tuple(re.compile(p) for p in entry.get("patterns") or ()),
                    )
                )
            except (KeyError, TypeError, re.error) as e:
                raise FileFormatError(str(path), 0, f"{key}[{i}]: {e!r}; each entry needs id and name") from None
        return out

    return Canon(read("risk_families.yaml", "families", "wordings"), read("sector_aliases.yaml", "sectors", "aliases"))
