"""How the planner finds or makes each kind of node: companies (with the security
master), sectors and risks (with the tables of canonical ones), ETFs, and readable ids.

A mixin of :class:`~supplychain.ingest.plan.Planner`, which provides ``g``, ``plan``,
``reference``, ``ids``, ``new_nodes``, ``find``, ``owner_of`` and ``add_node``.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..canon import Canon, Canonical, risk_key
from ..errors import FileFormatError
from ..names import clean_name, format_characters, normalize, slug
from ..reference import ReferenceRow, ticker_from_code
from ..schema import CompanyNode, EtfNode, RiskNode, SectorNode
from .nearmiss import NearMisses

RISK_SIMILARITY = 0.8
"""How alike (0..1) two risk names must be for the new one to be proposed as the known one."""

_CORPORATE = {"co", "ltd", "inc", "limited", "corporation", "corp", "company", "plc", "the", "holdings", "holding", "group"}


def risk_similarity(a: str, b: str) -> float:
    """How alike two risk names are, 0..1: the better of in-order and any-order likeness
    (rapidfuzz's ratio and token-sort ratio over the characters of the risk keys).

    >>> risk_similarity("地缘政治与出口管制风险", "出口管制及地缘政治风险")
    1.0
    >>> risk_similarity("汇率风险", "出口管制") < RISK_SIMILARITY
    True
    """
    from rapidfuzz import fuzz

    ka, kb = risk_key(a), risk_key(b)
    if not ka or not kb:
        return 0.0
    in_order = fuzz.ratio(ka, kb)
    any_order = fuzz.ratio("".join(sorted(ka)), "".join(sorted(kb)))
    return round(max(in_order, any_order) / 100, 4)


class NodeKinds:
    """Planner methods for each node kind (see the module docstring)."""

    # ---------------------------------------------------------------- names and ids

    @property
    def canon(self) -> Canon:
        if "_canon" not in self.__dict__:
            self.__dict__["_canon"] = Canon.load()
        return self.__dict__["_canon"]

    def near_misses(self, name: str, types: Iterable[str], n: int = 3) -> list[str]:
        """Existing names close to ``name`` (see :mod:`.nearmiss`), planned nodes included."""
        out: list[str] = []
        for t in types:
            for owner in self._near_index(t).query(name, n):
                if owner not in out and len(out) < n:
                    out.append(owner)
        return out

    def _near_index(self, type_: str) -> NearMisses:
        """Every name of every node of a type, indexed once; new nodes join as they are planned."""
        cache = self.__dict__.setdefault("_near", {})
        if type_ not in cache:
            idx = cache[type_] = NearMisses()
            for node in [*self.g.nodes.values(), *self.new_nodes.values()]:
                if node.type == type_:
                    for text in (node.name, node.name_en, *node.aliases):
                        if text:
                            idx.add(text, node.name)
        return cache[type_]

    def _remember_names(self, node) -> None:
        idx = self.__dict__.get("_near", {}).get(node.type)
        if idx is not None:
            for text in (node.name, getattr(node, "name_en", None), *node.aliases):
                if text:
                    idx.add(text, node.name)

    def new_id(self, prefix: str, name: str, name_en: str | None = None, code: str | None = None) -> str:
        """A fresh, readable id that stays: from the English name, else the name's pinyin
        (``hudian-gufen``), else the code; ``-2``, ``-3`` … when taken. Never a hash.
        Risks start with ``risk-``."""
        base = ""
        if name_en:
            words = [w for w in slug(re.sub(r"\(.*?\)", "", name_en), 8).split("-") if w and w not in _CORPORATE]
            base = "-".join(words[:4])
        if not base:
            base = slug(re.sub(r"(等)?风险$", "", name) if prefix == "risk" else name)
        if not base and code:
            base = f"{prefix}-{slug(code)}"
        if prefix == "risk" and not base.startswith("risk"):
            base = f"risk-{base}" if base else "risk"
        base = (base or prefix)[:80].strip("-")
        out, i = base, 2
        while out in self.ids or self.g.matches(out):
            out, i = f"{base}-{i}", i + 1
        return out

    def _clean(self, name: str, what: str, file: str, line: int) -> str:
        """A new node's name without invisible format characters (noted in the plan)."""
        found = format_characters(name)
        if not clean_name(name):
            raise FileFormatError(file, line, f"a {what} name {name!r} of invisible characters only ({', '.join(found)}); "
                                  "write the name")
        if found:
            self.plan.notes.append(f"{what} {clean_name(name)}: invisible characters {', '.join(found)} removed from the name")
        return clean_name(name)

    # ---------------------------------------------------------------- companies

    def company(self, name: str, code: str | None, file: str, line: int) -> str:
        """The company ``name`` (with listing ``code``) names, creating it when new."""
        by_name = self.find(name, ("company",), file, line)
        by_code = self.find(code, ("company",), file, line) if code else None
        if by_name and by_code and by_name != by_code:
            raise FileFormatError(
                file, line, f"{name}({code}): the name is {self.plan.names[by_name]} ({by_name}) but the code is "
                f"{self.plan.names[by_code]} ({by_code})"
            )
        if by_name or by_code:
            return by_name or by_code
        ref = self._reference_row(name, code, file, line)
        if ref is not None:
            for text in (ref.ticker, ref.name, *ref.aliases):
                via = self.find(text, ("company",), file, line) if text else None
                if via:
                    how = f"its ticker {ref.ticker}" if text == ref.ticker else f"its listed name {text}"
                    self.plan.notes.append(f"{name} is {self.plan.names[via]} ({via}) by {how} from {ref.source}")
                    return via
        return self._new_company(self._clean(name, "company", file, line), code, ref)

    def _reference_row(self, name: str, code: str | None, file: str, line: int) -> ReferenceRow | None:
        by_code = self.reference.lookup(None, code) if code else None
        by_name = self.reference.lookup(name)
        if by_code and by_name and by_code is not by_name:
            raise FileFormatError(
                file, line, f"{name}({code}): {by_code.source} lists {code} as {by_code.name} ({by_code.ticker}) "
                f"but {name} as {by_name.ticker}; check the note's code",
            )
        return by_code or by_name

    def _new_company(self, name: str, code: str | None, ref: ReferenceRow | None) -> str:
        notes = []
        if ref is not None:
            canonical = ref.name
            ticker, name_en = ref.ticker, ref.name_en
            notes.append(f"ticker {ticker} from {ref.source}" if ticker else f"no ticker in {ref.source}")
        else:
            canonical, name_en = name, None
            ticker = ticker_from_code(code) if code else None
            notes.append(f"ticker {ticker} from the note (not in the reference)" if code else "no ticker: not in the reference")
        if name_en and self.owner_of(name_en):
            notes.append(f"English name {name_en!r} left out: it already names {self.owner_of(name_en)}")
            name_en = None
        listings = [x for x in (ref.listings if ref else ()) if not self.owner_of(x.ticker)]
        if ticker and self.owner_of(ticker):
            notes.append(f"ticker {ticker} left out: it already names {self.owner_of(ticker)}")
            ticker = None
        aliases: list[str] = []
        seen = {normalize(canonical)} | ({normalize(name_en)} if name_en else set())
        for text in (name, *(ref.aliases if ref else ()), ref.short_en if ref else None):
            if text and normalize(text) not in seen and not self.owner_of(text):
                seen.add(normalize(text))
                aliases.append(text)
        if ref is None:
            misses = self.near_misses(name, ("company",))
            if misses:
                notes.append(f"did you mean {', '.join(misses)}? (use --alias {name}=EXISTING if so)")
        node = CompanyNode(
            type="company",
            id=self.new_id("company", canonical, (ref.short_en if ref else None) or name_en, code or ticker),
            name=canonical,
            name_en=name_en,
            aliases=aliases,
            ticker=ticker,
            exchange=ref.exchange if ref and ticker == ref.ticker else None,
            listings=listings,
        )
        return self.add_node(node, "; ".join(notes))

    # ---------------------------------------------------------------- sectors, risks, ETFs

    def _canonical_node(self, c: Canonical, type_: str, file: str, line: int) -> str | None:
        """The graph's (or plan's) node of a canonical sector or risk, if it has one."""
        if c.id in self.ids and self.node(c.id).type == type_:
            return c.id
        for text in (c.name, c.name_en, *c.wordings):
            found = self.find(text, (type_,), file, line) if text and self._names_type(text, type_) else None
            if found:
                return found
        return None

    def _names_type(self, text: str, type_: str) -> bool:
        owner = self.owner_of(text)
        return owner is not None and self.node(owner).type == type_

    def sector(self, name: str, file: str, line: int) -> str:
        found = self.find(name, ("sector",), file, line)
        if found:
            return found
        c = self.canon.sector(name)
        if c is not None:
            node_id = self._canonical_node(c, "sector", file, line)
            if normalize(name) != normalize(c.name):
                self.plan.notes.append(f"resolved {name} → {c.name} (alias table)")
            if node_id:
                return node_id
            node_id = c.id if c.id not in self.ids and not self.g.matches(c.id) else self.new_id("sector", c.name, c.name_en)
            return self.add_node(SectorNode(type="sector", id=node_id, name=c.name, name_en=c.name_en), "canonical sector (alias table)")
        name = self._clean(name, "sector", file, line)
        misses = self.near_misses(name, ("sector",))
        note = f"did you mean {', '.join(misses)}? (use --alias {name}=EXISTING if so)" if misses else ""
        return self.add_node(SectorNode(type="sector", id=self.new_id("sector", name), name=name), note)

    def etf(self, name: str, code: str, file: str, line: int) -> str:
        found = self.find(code, ("etf",), file, line) or self.find(name, ("etf",), file, line)
        if found:
            return found
        ref = self.reference.lookup(None, code) or self.reference.lookup(name)
        ticker = ref.ticker if ref and ref.ticker else ticker_from_code(code)
        name_en = ref.name_en if ref else None
        if name_en and self.owner_of(name_en):
            name_en = None
        name = self._clean(name, "etf", file, line)
        node = EtfNode(
            type="etf", id=self.new_id("etf", name, code=code) if not re.fullmatch(r"\d+", code) else self._etf_id(code),
            name=name, name_en=name_en, ticker=ticker, exchange=ref.exchange if ref else None,
        )
        return self.add_node(node, f"ticker {ticker} {'from ' + ref.source if ref else 'from the note'}")

    def _etf_id(self, code: str) -> str:
        out, i = f"etf-{code}", 2
        while out in self.ids:
            out, i = f"etf-{code}-{i}", i + 1
        return out

    def risk(self, name: str, file: str, line: int) -> tuple[str, bool]:
        """(risk id, whether it threatens the note's driver; else the targets this report gave it).

        A risk the graph names already keeps the targets this report gave it (re-ingesting
        changes nothing); otherwise — a known risk named by a new report, a wording the
        risk-family table resolves, a new risk — it threatens the note's driver.
        """
        found = self.find(name, ("risk",), file, line)
        if found:
            return found, not self._threatened_by_this_report(found)
        c = self.canon.risk(name)
        if c is not None:
            node_id = self._canonical_node(c, "risk", file, line)
            if normalize(name) != normalize(c.name):
                self.plan.notes.append(f"resolved {name} → {c.name} (alias table)")
            if node_id is None:
                node_id = c.id if c.id not in self.ids and not self.g.matches(c.id) else self.new_id("risk", c.name, c.name_en)
                self.add_node(RiskNode(type="risk", id=node_id, name=c.name, name_en=c.name_en), f"risk family: {c.family}")
                return node_id, True
            return node_id, not self._threatened_by_this_report(node_id)
        name = self._clean(name, "risk", file, line)
        proposals = self.near_misses(name, ("risk",))
        for node in [*self.g.nodes.values(), *self.new_nodes.values()]:
            if node.type == "risk" and node.name not in proposals and len(proposals) < 3:
                if max(risk_similarity(name, t) for t in (node.name, *node.aliases)) >= RISK_SIMILARITY:
                    proposals.append(node.name)
        note = f"did you mean {', '.join(proposals)}? (use --alias {name}=EXISTING if so)" if proposals else ""
        return self.add_node(RiskNode(type="risk", id=self.new_id("risk", name), name=name), note), True

    def _threatened_by_this_report(self, risk_id: str) -> bool:
        report = self.plan.report
        if risk_id not in self.g.nodes:
            return False
        return any(c.report == report for e in self.g.out_edges(risk_id) if e.type == "threatens" for c in e.claims)
