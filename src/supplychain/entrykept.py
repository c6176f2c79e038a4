"""The cache entry of a graph written after a write, from the entry it was read from.

When a write takes the text of unchanged models from the file it replaces
(:meth:`supplychain.previous.Previous.keeper`), those models are the ones the previous cache
entry was read into, unchanged: their columns in the new entry are their columns in the
old one, only renumbered (a node added before them moves them along). So the new entry's
nodes and edges are copied from the old entry a run at a time (a run: edges that follow
each other in both files), and only the models the write dumped are encoded from their
fields. The flow adjacency, the name index and the rows by endpoint are then made from
the columns as :func:`supplychain.entry.encode` makes them (:func:`supplychain.entry.finish`).

The bytes are those :func:`supplychain.entry.encode` gives for the same data: the tests
compare the two on every write (``SUPPLYCHAIN_VERIFY_KEPT``).
"""

from __future__ import annotations

from array import array

import msgspec

from .entry import EDGE_CODE, Columns, encode_parts, finish, stance_code
from .rows import _node_fields
from .gcpause import gc_paused
from .previous import Kept


def encode_kept(data, names: dict | None, kept: Kept) -> list:
    """:func:`supplychain.entry.encode_parts` of ``data`` (validated, as written), reusing
    the old entry's columns for the kept models."""
    with gc_paused():  # lists of a million numbers, no cycle
        return _encode_kept(data, names, kept)


def _encode_kept(data, names: dict | None, kept: Kept) -> list:
    old = kept.entry
    lay = old._layout
    if lay.strings or not kept.ids:  # (only data not validated refers to texts that are no node)
        return encode_parts(data, names)
    nodes, edges = data.nodes, data.edges
    ids = [n.id for n in nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    if len(index) != len(ids):
        return encode_parts(data, names)
    renumber = [index.get(node_id, -1) for node_id in old.ids]
    if -1 in renumber:  # a node removed (a retraction): every edge is renumbered anyway
        return encode_parts(data, names)
    kept_ids = kept.ids

    # nodes: a kept node's fields as the old entry encoded them
    at_old = {id(m): k for k, m in enumerate(kept.nodes)}
    raw = old._raw_nodes
    enc = msgspec.msgpack.Encoder()
    items = []
    for node in nodes:
        k = at_old.get(id(node)) if id(node) in kept_ids else None
        items.append(raw[k] if k is not None else msgspec.Raw(enc.encode(_node_fields(node))))
    nodes_blob = enc.encode(items)

    # edges and claims: runs of kept edges copied, the others encoded
    edge_types: list[int] = []
    sources: list[int] = []
    targets: list[int] = []
    claim_start = [0]
    reports: list[int] = []
    ordinals: list[int] = []
    stances: list[int] = []
    drivers: list[int] = []
    quotes: list[bytes] = []
    quote_start = array("q", [0])
    weights: dict[int, float] = {}
    o_types, o_sources, o_targets = lay.edge_types, old._sources, old._targets
    o_start, o_reports, o_ordinals, o_stances = old._claim_start, old._reports, old._ordinals, old._stances
    o_drivers, o_quotes, o_quote_start, o_weights = old._claim_drivers, old._quotes, old._quote_start, old._weights
    edge_at_old = {id(m): k for k, m in enumerate(kept.edges)}
    j, m = 0, len(edges)
    while j < m:
        e = edges[j]
        a = edge_at_old.get(id(e)) if id(e) in kept_ids else None
        if a is None:  # a new or changed edge: from its fields, as encode does
            s, t = index.get(e.source), index.get(e.target)
            if s is None or t is None:
                return encode_parts(data, names)
            edge_types.append(EDGE_CODE[e.type])
            sources.append(s)
            targets.append(t)
            for c in e.claims:
                r = index.get(c.report)
                d = c.driver
                if r is None or (d is not None and d not in index):
                    return encode_parts(data, names)
                if c.weight is not None:
                    weights[len(reports)] = c.weight
                reports.append(r)
                ordinals.append(c.date.toordinal())
                stances.append(stance_code(c.stance, c.__pydantic_fields_set__))
                drivers.append(-1 if d is None else index[d])
                q = c.quote.encode("utf-8")
                quotes.append(q)
                quote_start.append(quote_start[-1] + len(q))
            claim_start.append(len(reports))
            j += 1
            continue
        b, j = a + 1, j + 1  # the run of kept edges that follow each other in both files
        while j < m and id(edges[j]) in kept_ids and edge_at_old.get(id(edges[j])) == b:
            b, j = b + 1, j + 1
        edge_types.extend(o_types[a:b])
        sources.extend([renumber[x] for x in o_sources[a:b]])
        targets.extend([renumber[x] for x in o_targets[a:b]])
        ca, cb = o_start[a], o_start[b]
        shift = len(reports) - ca
        claim_start.extend([x + shift for x in o_start[a + 1 : b + 1]])
        if o_weights:
            weights.update({k + shift: w for k, w in o_weights.items() if ca <= k < cb})
        reports.extend([renumber[x] for x in o_reports[ca:cb]])
        ordinals.extend(o_ordinals[ca:cb])
        stances.extend(o_stances[ca:cb])
        drivers.extend([-1 if x < 0 else renumber[x] for x in o_drivers[ca:cb]])
        qa, qb = o_quote_start[ca], o_quote_start[cb]
        quotes.append(o_quotes[qa:qb])
        q_shift = quote_start[-1] - qa
        quote_start.extend([x + q_shift for x in o_quote_start[ca + 1 : cb + 1]])
    columns = Columns(ids, index, [], edge_types, sources, targets, claim_start, reports, ordinals, stances, drivers,
                      b"".join(quotes), quote_start, weights)
    return finish(data, columns, nodes_blob, names, parts=True)
