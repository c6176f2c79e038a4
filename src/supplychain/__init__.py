"""supplychain: a local, evidenced knowledge graph of the AI-compute supply chain.

The public API:

>>> from supplychain import load_graph, exposure
>>> g = load_graph("data/graph.yaml")
>>> [r.node.name for r in exposure(g, "Alibaba Cloud capex", stances=["recommended"]).results][:3]
['欧陆通', '奥飞数据', '宝信软件']
"""

# Names are imported on first use so that `supplychain --help` starts without loading
# pydantic, PyYAML or networkx.
_EXPORTS = {
    "AmbiguousNode": "errors",
    "FileFormatError": "errors",
    "GraphValidationError": "errors",
    "Issue": "errors",
    "NoPath": "errors",
    "NodeNotFound": "errors",
    "SupplyChainError": "errors",
    "WrongNodeType": "errors",
    "Graph": "graph",
    "load_graph": "graph",
    "ExposureReport": "query",
    "Reach": "query",
    "drivers": "query",
    "exposure": "query",
    "paths": "query",
    "EDGE_RULES": "schema",
    "NODE_TYPES": "schema",
    "STANCES": "schema",
    "GraphData": "schema",
    "dump_graph": "store",
    "load_data": "store",
    "save_graph": "store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'supplychain' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
