"""entry.encode reads every edge and claim a column at a time; the bytes must be the
very bytes the encoder wrote before (kept here, as it was, in ``reference_encode``), on
the bundled graph, a synthetic one, and one with every kind of claim the columns hold,
with and without the name keys the checks made."""

from __future__ import annotations

import datetime as dt
from array import array
from itertools import accumulate

import msgspec
import pytest

from conftest import GRAPH
from supplychain.entry import STANCE_WEIGHT, Entry, _Layout, encode, name_key, tickers
from supplychain.names import ticker_keys
from supplychain.schema import EDGE_RULES, EDGE_TYPES, NODE_TYPES, STANCES, GraphData
from supplychain.store import dump_graph, load_data, read_graph
from supplychain.synth import synth_data
from test_speed_read_entry import varied  # noqa: F401 (a fixture)

_UNSET, _NONE = -2, -1


def _ints(code, values=()):
    return array(code, values)


def _rows(count, keys):
    counts = [0] * count
    for k in keys:
        counts[k] += 1
    return _ints("i", accumulate(counts, initial=0)), sorted(range(len(keys)), key=keys.__getitem__)


def _flow_rows(count, flows):
    us, vs, weights, edges = flows
    start, order = _rows(count, us)
    return (
        start.tobytes(),
        _ints("i", [vs[k] for k in order]).tobytes(),
        _ints("d", [weights[k] for k in order]).tobytes(),
        _ints("i", [edges[k] for k in order]).tobytes(),
    )


def reference_encode(data, names: dict | None = None) -> bytes:
    """entry._encode as it was before it read the models a column at a time (commit 19e22ab)."""
    nodes = data.nodes
    ids = [n.id for n in nodes]
    index: dict[str, int] = {}
    for i, node_id in enumerate(ids):
        index.setdefault(node_id, i)
    strings: list[str] = []
    n = len(ids)

    def ref(text: str) -> int:
        i = index.get(text)
        if i is None:
            i = index[text] = n + len(strings)
            strings.append(text)
        return i

    get = index.get

    def refs(texts: list[str]) -> list[int]:
        out = [get(t, -1) for t in texts]
        return [ref(t) for t in texts] if -1 in out else out

    # column by column, in comprehensions: twice as fast as one loop appending to all
    edges = data.edges
    type_code = {t: i for i, t in enumerate(EDGE_TYPES)}
    stance_code: dict = {s: i for i, s in enumerate(STANCES)}
    edge_types = [type_code[e.type] for e in edges]
    sources = refs([e.source for e in edges])
    targets = refs([e.target for e in edges])
    per_edge = [e.claims for e in edges]
    claim_start = list(accumulate(map(len, per_edge), initial=0))
    claims = [c for cs in per_edge for c in cs]
    reports = refs([c.report for c in claims])
    ordinals = [c.date.toordinal() for c in claims]
    stances = [stance_code.get(c.stance, _NONE) if "stance" in c.__pydantic_fields_set__ else _UNSET for c in claims]
    claim_drivers = [-1 if d is None else ref(d) for d in (c.driver for c in claims)]
    encoded = [c.quote.encode("utf-8") for c in claims]
    quote_start = _ints("q", accumulate(map(len, encoded), initial=0))
    quotes = b"".join(encoded)
    del encoded
    weights = {k: c.weight for k, c in enumerate(claims) if c.weight is not None}

    fu: list[int] = []
    fv: list[int] = []
    fw: list[float] = []
    fe: list[int] = []
    rules = [EDGE_RULES[t] for t in EDGE_TYPES]
    for j, (t, s, d) in enumerate(zip(edge_types, sources, targets)):
        rule = rules[t]
        if rule.flow == "none" or s >= n or d >= n:
            continue
        a, b = claim_start[j], claim_start[j + 1]
        latest = a if b - a == 1 else max(range(a, b), key=lambda k: (ordinals[k], k))  # ties: the later-listed
        stance = claims[latest].stance
        w = rule.weight * STANCE_WEIGHT[stance] if rule.stance and stance else rule.weight
        u, v = (s, d) if rule.flow == "forward" else (d, s)
        fu.append(u)
        fv.append(v)
        fw.append(w)
        fe.append(j)

    if names:  # validated: each key names one node
        name_pairs = {(key, index[node_id]) for key, node_id in names["names"].items()}
        code_pairs = {(code, index[node_id]) for code, ids in names["codes"].items() for node_id in ids}
    else:
        name_pairs, code_pairs = set(), set()
        for i, node in enumerate(nodes):
            for text in (node.id, node.name, node.name_en, *node.aliases):
                if text:
                    name_pairs.add((name_key(text), i))
            for t in tickers(node):
                full, code = ticker_keys(t)
                name_pairs.add((full, i))
                code_pairs.add((code, i))
    names, codes = sorted(name_pairs), sorted(code_pairs)

    # an end that is no node (only in data not validated yet) goes to a last row, never read
    out_start, out_order = _rows(n + 1, [min(s, n) for s in sources])
    in_start, in_order = _rows(n + 1, [min(d, n) for d in targets])
    node_code = {t: i for i, t in enumerate(NODE_TYPES)}
    enc = msgspec.msgpack.Encoder()
    layout = _Layout(
        graph_fields=sorted(data.model_fields_set),
        version=data.version,
        ids=ids,
        node_types=bytes(node_code[node.type] for node in nodes),
        nodes=msgspec.Raw(enc.encode([node.model_dump(exclude_unset=True) | {"type": node.type} for node in nodes])),
        strings=strings,
        edge_types=bytes(edge_types),
        sources=_ints("i", sources).tobytes(),
        targets=_ints("i", targets).tobytes(),
        claim_start=_ints("i", claim_start).tobytes(),
        reports=_ints("i", reports).tobytes(),
        ordinals=_ints("i", ordinals).tobytes(),
        stances=_ints("b", stances).tobytes(),
        quotes=quotes,
        quote_start=quote_start.tobytes(),
        claim_drivers=_ints("i", claim_drivers).tobytes(),
        name_keys=msgspec.Raw(enc.encode([k for k, _ in names])),
        name_nodes=_ints("i", [i for _, i in names]).tobytes(),
        code_keys=msgspec.Raw(enc.encode([k for k, _ in codes])),
        code_nodes=_ints("i", [i for _, i in codes]).tobytes(),
        flow=_flow_rows(n, (fu, fv, fw, fe)),
        reverse_flow=_flow_rows(n, (fv, fu, fw, fe)),
        out_edges=(out_start.tobytes(), _ints("i", out_order).tobytes()),
        in_edges=(in_start.tobytes(), _ints("i", in_order).tobytes()),
        weights=weights,
    )
    return enc.encode(layout)



@pytest.fixture(scope="module")
def synth_read(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.yaml"
    path.write_text(dump_graph(synth_data(300, seed=5)), encoding="utf-8")
    return path


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_the_bytes_of_a_read_graph_are_the_reference_bytes(which, synth_read):
    names: dict = {}
    data, _ = read_graph(GRAPH if which == "bundled" else synth_read, names=names)
    assert names["names"] and names["codes"]
    payload = encode(data, names)
    assert payload == reference_encode(data, names)
    assert payload == reference_encode(data) == encode(data)  # the keys made again: the same index


def test_every_kind_of_claim_encodes_to_the_reference_bytes(varied):  # noqa: F811
    claims = [c for e in varied.edges for c in e.claims]
    assert any(c.weight for c in claims) and any(c.driver for c in claims)
    assert any("stance" not in c.model_fields_set for c in claims)
    assert any("stance" in c.model_fields_set and c.stance is None for c in claims)
    assert encode(varied) == reference_encode(varied)


def test_data_not_validated_yet_encodes_to_the_reference_bytes():
    """Ends that are no node, a driver and a report no node names, an id used twice:
    :meth:`Entry.from_data` meets them before the checks (test_entry)."""
    data = load_data(GRAPH)
    edges = list(data.edges)
    edges.append(edges[0].model_copy(update={"source": "nobody"}))
    edges.append(edges[1].model_copy(update={"target": "nowhere"}))
    claim = edges[2].claims[0].model_copy(update={"report": "a-report-nowhere", "driver": "a-driver-nowhere"})
    edges.append(edges[2].model_copy(update={"claims": [claim, claim.model_copy(update={"stance": "negative"})]}))
    nodes = [*data.nodes, data.nodes[3]]
    broken = GraphData.model_construct(version=1, nodes=nodes, edges=edges)
    assert encode(broken) == reference_encode(broken)
    entry = Entry.open(encode(broken))
    assert entry.edge_ends(len(edges) - 3)[0] == "nobody" and entry.data().edges == edges


def test_an_empty_graph_encodes_to_the_reference_bytes():
    empty = GraphData()
    assert encode(empty) == reference_encode(empty)
    assert Entry.open(encode(empty)).data() == empty


def test_the_latest_claim_sets_the_flow_weight_ties_to_the_later_listed():
    """Several claims of one member_of edge, dated out of order, with a tie on the latest
    date: the flow weight is the later-listed latest claim's stance."""
    data = load_data(GRAPH)
    j = next(j for j, e in enumerate(data.edges) if e.type == "member_of")
    base = data.edges[j].claims[0]
    dates = ["2025-01-05", "2025-03-01", "2024-12-31", "2025-03-01", "2025-02-01"]
    stances = ["recommended", "listed", "recommended", "beneficiary", "recommended"]
    claims = [base.model_copy(update={"date": dt.date.fromisoformat(d), "stance": s}) for d, s in zip(dates, stances)]
    edges = list(data.edges)
    edges[j] = edges[j].model_copy(update={"claims": claims})
    data = data.model_copy(update={"edges": edges})
    assert encode(data) == reference_encode(data)
    entry = Entry.open(encode(data))
    source, target = entry.edge_ends(j)
    weights = [w for v, w, k in entry.flow(reverse=False).get(target, []) if k == j]
    assert weights == [EDGE_RULES["member_of"].weight * STANCE_WEIGHT["beneficiary"]]
