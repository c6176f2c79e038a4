"""A validated cache of graph files: parse and validate YAML once, load it in milliseconds.

Parsing a large graph's YAML takes seconds; reading the same data back from msgpack takes
a few milliseconds. After a file validates, :func:`load_data` writes what it read to
``.supplychain-cache/<file name>.<sha256 of the file's bytes>.msgpack`` beside the file
(atomically); the next load of the same bytes reads that instead and builds the models
without validating them again. The key is the content, not the modification time, so an
edited file (or one switched back by git) is never served from a stale entry.

A cache entry is trusted only when everything matches: its name and its header carry the
file's hash, the header carries a fingerprint of the code that validated it (the
package's top-level modules and the pydantic version), and a CRC-32 covers the payload.
Anything else (a stale, truncated or corrupt entry, a read-only folder, a failed write)
means the YAML is read as if there were no cache; nothing here ever fails a load.
``SUPPLYCHAIN_NO_CACHE=1`` turns the cache off.

Examples
--------
>>> data = load_data("data/graph.yaml")
>>> data == load_data("data/graph.yaml", use_cache=False)
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import zlib
from pathlib import Path
from typing import Any

from .gcpause import gc_paused

CACHE_DIR = ".supplychain-cache"
MAGIC = b"SCGRAPH1"
_HEADER = len(MAGIC) + 4  # magic, then the CRC-32 of the payload


def enabled() -> bool:
    """False when ``SUPPLYCHAIN_NO_CACHE`` is set to anything but ``""`` or ``0``."""
    return os.environ.get("SUPPLYCHAIN_NO_CACHE", "") in ("", "0")


def cache_path(path: Path | str, digest: str) -> Path:
    """Where the cache entry of ``path`` with content hash ``digest`` lives."""
    path = Path(path)
    return path.parent / CACHE_DIR / f"{path.name}.{digest}.msgpack"


def load_data(path: Path | str, *, use_cache: bool | None = None):
    """Like :func:`supplychain.store.load_data`, through the cache when it can.

    The result equals what :func:`~supplychain.store.load_data` returns for the file;
    errors are the same too (an invalid file is never cached, so it is parsed, and its
    problems reported, every time).
    """
    if use_cache is None:
        use_cache = enabled()
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raw = None
    if not use_cache or raw is None:
        from .store import load_data as load_yaml

        return load_yaml(path)  # raises the usual one-line error for an unreadable file
    digest = hashlib.sha256(raw).hexdigest()
    entry = cache_path(path, digest)
    data = read_entry(entry, digest)
    if data is not None:
        return data
    from .store import load_data as load_yaml
    from .store import parse_graph_text

    if b"\x00" in raw[:8192]:
        return load_yaml(path)  # the store names the problem
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return load_yaml(path)
    del raw  # the text is enough from here on (150 MB less at 100k companies)
    data = parse_graph_text(text, str(path))
    del text
    write_entry(entry, digest, data, source=path)
    return data


# --------------------------------------------------------------------------- format
#
# The payload is msgpack: [fingerprint, sha256, graph fields set, version, nodes, strings,
# edges, claims]. Nodes are the dicts of the fields their file set
# (``model_dump(exclude_unset=True)``), dates as ISO strings. Edges and claims, the bulk of
# a big graph, are columns (lists of numbers decode fastest): edges are [types, sources,
# targets, claim counts] and claims [reports, date ordinals, quotes, stances], where types,
# ids and stances are indexes into the node ids followed by ``strings`` (so each id is one
# string object in memory), and a stance is -2 when the file did not set it, -1 for None.

_UNSET, _NONE = -2, -1


def fingerprint() -> str:
    """Changes whenever the code that validates or models a graph may have changed: a
    hash of the pydantic version and of every module at the top of the package (schema,
    store, names, this one...; half a millisecond), so no rule is ever skipped by mistake."""
    from pydantic.version import VERSION

    h = hashlib.sha256(VERSION.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.hexdigest()[:32]


_FINGERPRINT: str | None = None


def _fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = fingerprint()
    return _FINGERPRINT


def encode(data, digest: str) -> bytes:
    """The cache entry of validated ``data`` read from a file whose bytes hash to ``digest``."""
    import msgspec

    nodes = [n.model_dump(exclude_unset=True) | {"type": n.type} for n in data.nodes]
    index: dict[str, int] = {}
    for i, n in enumerate(data.nodes):
        index.setdefault(n.id, i)
    strings: list[str] = []

    def ref(text: str) -> int:
        i = index.get(text)
        if i is None:
            i = index[text] = len(nodes) + len(strings)
            strings.append(text)
        return i

    types, sources, targets, counts = [], [], [], []
    reports, ordinals, quotes, stances = [], [], [], []
    for e in data.edges:
        types.append(ref(e.type))
        sources.append(ref(e.source))
        targets.append(ref(e.target))
        counts.append(len(e.claims))
        for c in e.claims:
            reports.append(ref(c.report))
            ordinals.append(c.date.toordinal())
            quotes.append(c.quote)
            if "stance" not in c.__pydantic_fields_set__:
                stances.append(_UNSET)
            else:
                stances.append(_NONE if c.stance is None else ref(c.stance))
    payload = msgspec.msgpack.encode(
        [
            _fingerprint(), digest, sorted(data.model_fields_set), data.version, nodes, strings,
            [types, sources, targets, counts], [reports, ordinals, quotes, stances],
        ]
    )
    return MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


def decode(blob: bytes, digest: str):
    """The :class:`~supplychain.schema.GraphData` of a cache entry, or None if it is not
    a sound entry for ``digest`` made by this code."""
    import msgspec

    if len(blob) < _HEADER or blob[: len(MAGIC)] != MAGIC:
        return None
    payload = memoryview(blob)[_HEADER:]
    if zlib.crc32(payload) != int.from_bytes(blob[len(MAGIC) : _HEADER], "big"):
        return None
    with gc_paused():
        try:
            fp, stored_digest, graph_fields, version, nodes, strings, edges, claims = msgspec.msgpack.decode(payload)
        except (msgspec.DecodeError, ValueError, TypeError):
            return None
        if fp != _fingerprint() or stored_digest != digest:
            return None
        return _build(graph_fields, version, nodes, strings, edges, claims)


# --------------------------------------------------------------------------- building
#
# The models are built without validation (the cache holds only validated data), the way
# ``model_construct`` does but without its per-call overhead: a new instance gets its
# ``__dict__`` (fields in declaration order, defaults filled in) and its fields set.

_new = object.__new__


_SETTERS: tuple | None = None


def _slot_setters() -> tuple:
    """Setters of BaseModel's four slots, called directly (faster than setattr)."""
    global _SETTERS
    if _SETTERS is None:
        from pydantic import BaseModel

        slots = BaseModel.__dict__
        names = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
        _SETTERS = tuple(slots[name].__set__ for name in names)
    return _SETTERS


def _instance(cls, values: dict, fields_set: set):
    set_dict, set_fields, set_extra, set_private = _slot_setters()
    obj = _new(cls)
    set_dict(obj, values)
    set_fields(obj, fields_set)
    set_extra(obj, None)
    set_private(obj, None)
    return obj


class _Plan:
    """How to build one model class from its cached dict."""

    def __init__(self, cls):
        import typing

        from pydantic_core import PydanticUndefined

        self.cls = cls
        self.names = frozenset(cls.model_fields)
        self.template: dict[str, Any] = {}  # every field in declaration order, with its default
        self.factories: list[tuple[str, Any]] = []  # fields whose default is made fresh
        self.required: list[str] = []
        self.converters: list[tuple[str, Any]] = []
        for name, info in cls.model_fields.items():
            self.template[name] = None if info.default is PydanticUndefined else info.default
            if info.default_factory is not None:
                self.factories.append((name, info.default_factory))
            elif info.default is PydanticUndefined:
                self.required.append(name)
            convert = _converter(info.annotation, typing)
            if convert is not None:
                self.converters.append((name, convert))

    def build(self, given: dict):
        if not given.keys() <= self.names:
            raise ValueError(f"unknown fields {sorted(given.keys() - self.names)}")
        values = self.template.copy()
        values.update(given)  # keeps the declaration order of the template
        for name, factory in self.factories:
            if name not in given:
                values[name] = factory()
        for name in self.required:
            if name not in given:
                raise ValueError(f"missing field {name!r}")
        for name, convert in self.converters:
            v = given.get(name)
            if v is not None:
                values[name] = convert(v)
        return _instance(self.cls, values, set(given))


_PLANS: dict[type, _Plan] = {}


def _plan(cls) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


def _converter(annotation, typing):
    """A function turning the cached form of a field back into its model value, or None
    when the cached value is the value (strings, numbers, lists of them)."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0], typing)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _converter(args[0], typing)
        return None
    if origin is list:
        (item,) = typing.get_args(annotation)
        convert = _converter(item, typing)
        return None if convert is None else (lambda values: [convert(v) for v in values])
    if annotation is dt.date:
        return dt.date.fromisoformat
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda given: _plan(annotation).build(given)
    return None


def _build(graph_fields, version, nodes, strings, edges, claims):
    import typing

    from .schema import Claim, Edge, GraphData, Node

    node_classes = {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in typing.get_args(typing.get_args(Node)[0])}
    node_models = [_plan(node_classes[n["type"]]).build(n) for n in nodes]
    table = [n.id for n in node_models] + strings  # one string object per id

    assert tuple(Claim.model_fields) == ("report", "date", "quote", "stance"), "cache and Claim model disagree"
    assert tuple(Edge.model_fields) == ("type", "source", "target", "claims"), "cache and Edge model disagree"
    types, sources, targets, counts = edges
    reports, ordinals, quotes, stances = claims
    if not len(types) == len(sources) == len(targets) == len(counts):
        raise ValueError("edge columns differ in length")
    if not len(reports) == len(ordinals) == len(quotes) == len(stances) == sum(counts):
        raise ValueError("claim columns differ in length")
    with_stance = {"report", "date", "quote", "stance"}
    without_stance = {"report", "date", "quote"}
    edge_fields = {"type", "source", "target", "claims"}
    fromordinal = dt.date.fromordinal
    new = _new
    set_dict, set_fields, set_extra, set_private = _slot_setters()
    claim_models = []
    append = claim_models.append
    for report, ordinal, quote, stance in zip(reports, ordinals, quotes, stances):
        claim = new(Claim)
        # one date object per claim, as validation makes: a shared one would come out of
        # a YAML dump as an anchor and aliases
        set_dict(claim, {"report": table[report], "date": fromordinal(ordinal), "quote": quote,
                         "stance": table[stance] if stance >= 0 else None})
        set_fields(claim, set(without_stance) if stance == _UNSET else set(with_stance))
        set_extra(claim, None)
        set_private(claim, None)
        append(claim)
    edge_models = []
    append = edge_models.append
    j = 0
    for type_, source, target, count in zip(types, sources, targets, counts):
        if count < 1:
            raise ValueError("edge without claims")
        edge = new(Edge)
        set_dict(edge, {"type": table[type_], "source": table[source], "target": table[target], "claims": claim_models[j : j + count]})
        j += count
        set_fields(edge, set(edge_fields))
        set_extra(edge, None)
        set_private(edge, None)
        append(edge)
    values = {"version": version, "nodes": node_models, "edges": edge_models}
    return _instance(GraphData, values, set(graph_fields))


# --------------------------------------------------------------------------- files


def read_entry(entry: Path, digest: str):
    """The data of a sound cache entry, or None (missing, stale, corrupt: all the same)."""
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    try:
        return decode(blob, digest)
    except Exception:  # noqa: BLE001 -- a broken entry must never break a load
        return None


def write_entry(entry: Path, digest: str, data, source: Path | None = None) -> bool:
    """Write a cache entry atomically and drop older entries of the same file.

    The entry gets the read and write permissions of ``source`` (the graph file): it is
    exactly as private as the data it holds. Returns False, quietly, when it cannot be
    written (read-only folder, full disk...).
    """
    from .store import atomic_writer

    try:
        with gc_paused():
            blob = encode(data, digest)
        entry.parent.mkdir(exist_ok=True)
        with atomic_writer(entry, "wb", like=source) as f:
            f.write(blob)
    except (OSError, TypeError, ValueError):
        return False
    prefix = entry.name[: -len(digest) - len(".msgpack")]
    with contextlib.suppress(OSError):
        for old in entry.parent.iterdir():
            name = old.name
            if old != entry and name.startswith(prefix) and name.endswith(".msgpack") and len(name) == len(entry.name):
                old.unlink()
    return True
