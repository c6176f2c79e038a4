"""``supplychain migrate``: upgrade a graph file made by earlier versions.

Three changes, each printed, through the same path as ingest (plan → validate the
whole new graph → atomic write under the graph's lock); ``--dry-run`` writes nothing and
a second run changes nothing:

1. **Readable ids.** Nodes whose id is an old hash or code form (``company-1362b4``,
   ``sector-pcb-526984``, ``driver-fda705``, ``company-601138-sh``: recognised by
   recomputing the old id from the node's name or ticker, never by guessing) get a
   readable one — the canonical risk's or sector's id, else from the English name, else
   pinyin — and every edge that names them follows. Report ids are left as they are:
   ``ingest`` still derives a report's id from its file name, and a renamed report
   would be ingested a second time.
2. **Listings.** Companies the security master lists get the ticker, exchange, English
   name and other names they lack (the curated ``tickers.csv`` wins, as for ingest).
   Nothing a node already has is changed; a name another node owns is left out.
3. **Merged risks and sectors.** Risks (sectors) that the tables of canonical ones put
   in one family become one node: the family's node, else the one with its canonical
   name, else the first. The others' edges and claims move to it and their names become
   its aliases, so every old name still finds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..canon import Canon
from ..graph import Graph
from ..names import normalize, ticker_keys
from ..reference import load_reference
from ..errors import GraphValidationError
from ..schema import Edge, GraphData
from .apply import write_graph, writing
from .parse import nfkc, short_hash, slugify
from .plan import Planner


@dataclass
class Migration:
    """What :func:`migrate` changed (or would change), one line a change."""

    graph: str
    lines: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    enriched: int = 0
    merged: int = 0
    written: bool = False
    dry_run: bool = False

    @property
    def empty(self) -> bool:
        return not (self.renamed or self.enriched or self.merged)

    def describe(self) -> str:
        head = f"{self.graph}: {len(self.renamed)} ids made readable, {self.enriched} companies given listings or names, " \
               f"{self.merged} nodes merged"
        if self.empty:
            return f"{self.graph} unchanged: nothing to migrate"
        tail = f"dry run: {self.graph} not written" if self.dry_run else f"wrote {self.graph}"
        return "\n".join([head, *self.lines, tail])


def old_hash_id(prefix: str, name: str) -> str:
    """The id earlier versions gave a node whose name had no English or ASCII form.

    >>> old_hash_id("sector", "PCB板"), old_hash_id("company", "工业富联")
    ('sector-pcb-da51fe', 'company-1362b4')
    """
    text = nfkc(name)
    ascii_part = slugify(re.sub(r"[^\x00-\x7f]+", " ", text))
    return f"{prefix}-{ascii_part + '-' if ascii_part else ''}{short_hash(text)}"


def _is_old_id(node) -> bool:
    """Whether earlier versions made this id from a hash of the name or from the code."""
    olds = [old_hash_id(node.type, node.name)]
    for t in Graph.tickers(node)[:1]:
        olds += [f"{node.type}-{slugify(t)}", f"{node.type}-{slugify(t.split('.')[0])}"]
    return any(node.id == old or re.fullmatch(re.escape(old) + r"-\d+", node.id) for old in olds)


def migrate(graph: Path | str, *, dry_run: bool = False, reference: Path | str | None = None) -> Migration:
    """Upgrade the graph file ``graph`` (see the module docstring)."""
    from ..cache import load_entry

    graph = Path(graph)
    result = Migration(str(graph), dry_run=dry_run)
    ref = load_reference(reference, graph)
    with writing(graph, dry_run):
        data = _load(graph, load_entry)
        g = Graph(data, str(graph))
        nodes = {n.id: n.model_copy(deep=True) for n in data.nodes}
        edges = [e.model_copy(deep=True) for e in data.edges]
        _merge_duplicates(nodes, edges, ref, result)
        owner = _owners(nodes.values())
        canon = Canon.load()
        _merge(nodes, edges, owner, canon, result)
        _enrich(nodes, owner, ref, result)
        _rename(g, nodes, edges, ref, canon, result)
        if result.empty:
            return result
        new = GraphData.model_construct(version=data.version, nodes=list(nodes.values()), edges=_dedupe(edges))
        if dry_run:
            from ..store import dump_graph, parse_graph_text

            parse_graph_text(dump_graph(new), str(graph))  # validated as the file it would become
            return result
        write_graph(new, graph)
        result.written = True
    return result


# --------------------------------------------------------------------------- the steps


def _load(graph: Path, load_entry) -> GraphData:
    """The graph's data; a file that only fails the name checks (two nodes whose names
    are one name now that traditional and simplified Chinese are one name space) is
    read without them, for :func:`_merge_duplicates` to mend."""
    try:
        return Graph(load_entry(graph), str(graph)).data
    except GraphValidationError as first:
        from pydantic import ValidationError

        from ..store import parse_yaml, read_text

        try:
            data = GraphData.model_validate(parse_yaml(read_text(graph), str(graph)) or {})
        except ValidationError:
            raise first from None
        if not all("a name, alias or ticker must resolve to one node" in i.message for i in first.issues):
            raise first from None
        return data


def _merge_duplicates(nodes: dict, edges: list[Edge], ref, result: Migration) -> None:
    """Nodes of one type that are one name (same key) or, for companies, one listing of
    the security master become one: the one with a ticker, else a simplified name, else
    the first by id."""
    parent = {i: i for i in nodes}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple, str] = {}
    for n in sorted(nodes.values(), key=lambda n: n.id):
        keys = [(n.type, normalize(t)) for t in (n.name, n.name_en, *n.aliases) if t]
        keys += [(n.type, ticker_keys(t)[0]) for t in Graph.tickers(n)]
        if n.type == "company":
            row = ref.lookup(n.name, n.ticker) or next((ref.lookup(t) for t in (n.name_en, *n.aliases) if t and ref.lookup(t)), None)
            if row is not None:
                keys.append(("listing", id(row)))
        for k in keys:
            if k in seen and root(seen[k]) != root(n.id):
                parent[root(n.id)] = root(seen[k])
            seen.setdefault(k, n.id)
    groups: dict[str, list] = {}
    for i in nodes:
        groups.setdefault(root(i), []).append(nodes[i])
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = min(members, key=lambda m: (not getattr(m, "ticker", None), normalize(m.name) != m.name.casefold(), m.id))
        for m in sorted(members, key=lambda m: m.id):
            if m is not keep:
                _absorb(keep, m, nodes, edges, None, result, "the same name" if m.type != "company" else "the same company")


def _absorb(keep, m, nodes: dict, edges: list[Edge], owner: dict[str, str] | None, result: Migration, why: str) -> None:
    """Move ``m``'s edges to ``keep``, keep its names as aliases, fill what ``keep`` lacks."""
    moved = 0
    for e in edges:
        if e.source == m.id:
            e.source, moved = keep.id, moved + len(e.claims)
        if e.target == m.id:
            e.target, moved = keep.id, moved + len(e.claims)
    del nodes[m.id]
    if owner is not None:
        for key in [k for k, v in owner.items() if v == m.id]:
            del owner[key]
    for attr in ("name_en", "ticker", "exchange"):
        if getattr(m, attr, None) and not getattr(keep, attr, None):
            setattr(keep, attr, getattr(m, attr))
    have = {normalize(t) for t in (keep.name, keep.name_en, *keep.aliases) if t}
    for text in (m.name, m.name_en, *m.aliases):
        if text and normalize(text) not in have and (owner is None or _free(owner, text, keep.id)):
            keep.aliases.append(text)
            have.add(normalize(text))
            if owner is not None:
                owner[normalize(text)] = keep.id
    if hasattr(keep, "listings"):
        known = {ticker_keys(t)[0] for t in Graph.tickers(keep)}
        keep.listings += [x for x in getattr(m, "listings", ()) if ticker_keys(x.ticker)[0] not in known]
    result.merged += 1
    result.lines.append(
        f"  merge    {m.type} {m.name} ({m.id}) into {keep.name} ({keep.id}): "
        f"{moved} claim{'s' if moved != 1 else ''} moved, its names kept as aliases ({why})"
    )


def _owners(nodes) -> dict[str, str]:
    """Every name key (id, name, English name, alias, ticker) → the node it names."""
    owner: dict[str, str] = {}
    for n in nodes:
        for text in (n.id, n.name, n.name_en, *n.aliases):
            if text:
                owner.setdefault(normalize(text), n.id)
        for t in Graph.tickers(n):
            owner.setdefault(ticker_keys(t)[0], n.id)
    return owner


def _free(owner: dict[str, str], text: str, node_id: str) -> bool:
    return owner.get(normalize(text), node_id) == node_id


def _merge(nodes: dict, edges: list[Edge], owner: dict[str, str], canon: Canon, result: Migration) -> None:
    for type_, family_of in (("risk", canon.risk), ("sector", canon.sector)):
        families: dict[str, list] = {}
        for n in nodes.values():
            if n.type == type_:
                c = next((family_of(t) for t in (n.name, *n.aliases) if family_of(t)), None)
                if c is not None:
                    families.setdefault(c.id, [c]).append(n)
        for c, *members in families.values():
            if len(members) < 2:
                continue
            keep = next((m for m in members if m.id == c.id), None) or next(
                (m for m in members if normalize(m.name) == normalize(c.name)), members[0]
            )
            for m in members:
                if m is not keep:
                    _absorb(keep, m, nodes, edges, owner, result, c.family or "alias table")


def _dedupe(edges: list[Edge]) -> list[Edge]:
    """Edges made equal by a merge become one, with every distinct claim."""
    out: dict[tuple, Edge] = {}
    for e in edges:
        if e.key in out:
            have = {(c.report, c.quote, c.stance) for c in out[e.key].claims}
            out[e.key].claims += [c for c in e.claims if (c.report, c.quote, c.stance) not in have]
        else:
            out[e.key] = e
    return list(out.values())


def _enrich(nodes: dict, owner: dict[str, str], ref, result: Migration) -> None:
    for n in nodes.values():
        if n.type != "company":
            continue
        row = ref.lookup(n.name, n.ticker)
        if row is None or (n.ticker and row.ticker and ticker_keys(n.ticker)[0] != ticker_keys(row.ticker)[0]):
            continue
        added = []
        if not n.ticker and row.ticker and _free(owner, row.ticker, n.id):
            n.ticker = row.ticker
            owner[ticker_keys(row.ticker)[0]] = n.id
            added.append(f"ticker {row.ticker}")
            if not n.exchange and row.exchange:
                n.exchange = row.exchange
                added.append(f"exchange {row.exchange}")
        if not n.name_en and row.name_en and _free(owner, row.name_en, n.id):
            n.name_en = row.name_en
            owner[normalize(row.name_en)] = n.id
            added.append(f"English name {row.name_en!r}")
        have = {normalize(t) for t in (n.name, n.name_en, *n.aliases) if t}
        for text in (row.name, *row.aliases, row.name_en, row.short_en):
            if text and normalize(text) not in have and _free(owner, text, n.id):
                n.aliases.append(text)
                have.add(normalize(text))
                owner[normalize(text)] = n.id
                added.append(f"alias {text}")
        if added:
            result.enriched += 1
            result.lines.append(f"  listing  {n.name} ({n.id}): {', '.join(added)} (from {row.source})")


def _rename(g: Graph, nodes: dict, edges: list[Edge], ref, canon: Canon, result: Migration) -> None:
    now = Graph(GraphData.model_construct(version=1, nodes=list(nodes.values()), edges=[]), g.path)  # after the merges
    planner = Planner(now, str(g.path), ref)  # for new_id: the same readable ids as ingest
    g = now
    for n in sorted(nodes.values(), key=lambda n: n.id):
        if n.type in ("report", "etf") or not _is_old_id(n):
            continue
        row = ref.lookup(n.name, getattr(n, "ticker", None)) if n.type == "company" else None
        family = canon.risk(n.name) if n.type == "risk" else canon.sector(n.name) if n.type == "sector" else None
        if family is not None and family.id not in planner.ids and not g.matches(family.id):
            new_id = family.id  # the canonical node's id, as ingest gives it
        else:
            new_id = planner.new_id(n.type, n.name, (row.short_en if row else None) or n.name_en)
        planner.ids.add(new_id)
        result.renamed[n.id] = new_id
        result.lines.append(f"  rename   {n.id} → {new_id} ({n.name})")
    if not result.renamed:
        return
    for old, new in result.renamed.items():
        node = nodes.pop(old)
        node.id = new
        nodes[new] = node
    for e in edges:
        e.source = result.renamed.get(e.source, e.source)
        e.target = result.renamed.get(e.target, e.target)
