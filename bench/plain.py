"""The plain approach the benchmarks compare against: PyYAML, pydantic, networkx.

What a first version would do: ``yaml.load`` with libyaml's C loader (garbage collector
left on), ``GraphData.model_validate``, a networkx DiGraph of the exposure flow, and
``all_simple_paths`` up to the depth, keeping each node's best path product. It gives
the same scores as :func:`supplychain.query.exposure` (the benchmark checks that).

Run as a script it is the plain counterpart of ``supplychain exposure``::

    python bench/plain.py GRAPH.yaml DRIVER_ID [DEPTH]
"""

from __future__ import annotations

import sys


def load(path):
    """Parse and validate a graph file the plain way; returns GraphData."""
    import yaml

    from supplychain.schema import GraphData

    with open(path, encoding="utf-8") as f:
        raw = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return GraphData.model_validate(raw)


def flow_graph(data):
    """networkx DiGraph u -> v along the exposure flow, ``weight`` the hop weight."""
    import networkx as nx

    from supplychain.schema import EDGE_RULES, STANCE_WEIGHT, current_claim

    G = nx.DiGraph()
    G.add_nodes_from((n.id, {"type": n.type}) for n in data.nodes)
    for e in data.edges:
        rule = EDGE_RULES[e.type]
        if rule.flow == "none":
            continue
        c = current_claim(e.claims)
        w = rule.weight * (STANCE_WEIGHT[c.stance] if rule.stance and c.stance else 1.0)
        u, v = (e.source, e.target) if rule.flow == "forward" else (e.target, e.source)
        if not G.has_edge(u, v) or G[u][v]["weight"] < w:
            G.add_edge(u, v, weight=w)
    return G


def best_scores(G, origin: str, depth: int = 4) -> dict[str, float]:
    """Best path product from ``origin`` to every node, over all simple paths of at most ``depth`` hops."""
    import networkx as nx

    best: dict[str, float] = {}
    targets = set(G) - {origin}
    for path in nx.all_simple_paths(G, origin, targets, cutoff=depth):
        s = 1.0
        for u, v in zip(path, path[1:]):
            s *= G[u][v]["weight"]
        if s > best.get(path[-1], 0.0):
            best[path[-1]] = s
    return best


def exposure(G, origin: str, depth: int = 4) -> dict[str, float]:
    """Exposed companies and ETFs with their scores."""
    return {n: s for n, s in best_scores(G, origin, depth).items() if G.nodes[n]["type"] in ("company", "etf")}


def drivers(G, node: str, depth: int = 4) -> dict[str, float]:
    """Drivers reaching ``node`` with their scores (the reverse query, on the reversed graph)."""
    return {n: s for n, s in best_scores(G.reverse(copy=False), node, depth).items() if G.nodes[n]["type"] == "driver"}


def main(argv: list[str]) -> int:
    path, origin = argv[0], argv[1]
    depth = int(argv[2]) if len(argv) > 2 else 4
    G = flow_graph(load(path))
    scores = exposure(G, origin, depth)
    for node, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        print(f"{node}\t{score:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
