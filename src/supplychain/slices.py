"""The canonical graph file a slice at a time: the sliced read and the streamed, checked write.

A canonical file bigger than two slices is read :data:`SLICE_BYTES` at a time
(:func:`read_in_slices`), cut before a list item at column 0 (``- ``) of ``nodes:`` or
``edges:``; each slice is parsed, validated into models and its raw objects dropped
before the next, so the whole file's raw objects never exist at once (1.7 GB at 100k
companies).

A write (:func:`write_parts`) streams the canonical text to the file a part at a time,
each part read back as a slice is read and checked against what was written; the
caller (:func:`supplychain.store.write_graph`) runs the reference checks on the whole
and only then renames the file over the graph.

A write that replaces the file its models were read from takes from it what it can
(:mod:`supplychain.previous`); everything else is read back as above.

Anything not in the canonical shape raises :class:`Unsliced` (or returns None): the
caller then reads or checks the text whole, for the messages with their lines.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Any

import yaml_rs
from pydantic import BaseModel, TypeAdapter, ValidationError

from .canonical import dump_items, dump_parts, sorted_claims
from .errors import FileFormatError
from .gcpause import gc_paused
from .schema import Edge, GraphData, Node
from .yamlread import _EXPLICIT_TAG_BYTES, _NO_ALIASES, parse_yaml

SLICE_BYTES = 2 * 1024 * 1024
"""How much of a big graph file is parsed at a time (see :func:`read_in_slices`)."""



def verify_kept() -> bool:
    """Whether ``SUPPLYCHAIN_VERIFY_KEPT`` is set (the test suite sets it): a write then
    also dumps every item it takes from the file (:meth:`supplychain.previous.Previous.keeper`) and fails if
    the text differs, so a change in place that the guards of :func:`note_read` missed
    would show up in the tests."""
    return os.environ.get("SUPPLYCHAIN_VERIFY_KEPT", "") not in ("", "0")



_TOP_LINE = re.compile(rb"(?:[^-#\s]|-\S)[^\n]*")
"""A line at column 0 that is neither a list item (``- ``), a comment nor blank: in the
canonical file, only ``version: 1``, ``nodes:`` and ``edges:``."""


_TOP_LINES = re.compile(b"\n" + _TOP_LINE.pattern)


class Unsliced(Exception):
    """The text is not in the canonical shape, or one slice of it not as it should be:
    read it whole."""


def read_in_slices(blob: bytes, slice_bytes: int = SLICE_BYTES) -> GraphData | None:
    """Validated data of a canonical graph file's bytes, parsed ``slice_bytes`` at a time
    (cut before a list item at column 0, ``- ``), or None when the text must be read
    whole (:func:`supplychain.store.read_graph`'s usual path, with its messages): it is not in the
    canonical shape (``version``, then ``nodes:``, then ``edges:``, nothing else at
    column 0), or a slice is not read as a list of valid nodes or edges.

    Each slice's raw objects are dropped once its models exist, so the peak is the
    models plus one slice (the whole file's raw objects are 1.7 GB at 100k companies).
    A slice the engine does not read as a valid list (a tag, an alias, a plain
    ``002837``) makes the whole file be read again with PyYAML, slice by slice, as the
    whole-file path reads such a file with PyYAML.
    """
    if blob.startswith(b"\xef\xbb\xbf") or b"\x00" in blob[:8192]:
        return None
    try:
        head, sections = _cut(blob, slice_bytes)
        for engine in (True, False):
            try:
                return _read_cut(blob, head, sections, engine)
            except Unsliced:
                if not engine:
                    raise
    except Unsliced:
        return None
    return None


def _cut(blob: bytes, slice_bytes: int) -> tuple[bytes, list[tuple[str, list[tuple[int, int]]]]]:
    """(the text before ``nodes:``, [(section, [(start, stop) of each slice])])."""
    first = _TOP_LINE.match(blob)
    keys = [(0, first.group())] if first else []
    keys += [(m.start() + 1, m.group()[1:]) for m in _TOP_LINES.finditer(blob)]
    if len(keys) == 3 and keys[0][1].startswith(b"version:"):
        keys = keys[1:]
    if [k for _, k in keys] != [b"nodes:", b"edges:"]:
        raise Unsliced
    (nodes_at, _), (edges_at, _) = keys
    sections = []
    for name, start, stop in (("nodes", nodes_at + 7, edges_at), ("edges", edges_at + 7, len(blob))):
        cuts, pos = [], start
        while pos < stop:
            cut = blob.find(b"\n- ", pos + slice_bytes, stop)
            cut = stop if cut < 0 else cut + 1
            cuts.append((pos, cut))
            pos = cut
        if not cuts:
            raise Unsliced  # "edges:" on the last line: null, not an empty list
        sections.append((name, cuts))
    return blob[:nodes_at], sections


def _read_cut(blob: bytes, head: bytes, sections: list, engine: bool) -> GraphData:
    top = _read_part(head, engine)
    if top is None:
        top = {}
    if type(top) is not dict or set(top) - {"version"}:
        raise Unsliced
    models: dict[str, list] = {name: [] for name, _ in sections}
    parts = [(name, start, stop) for name, cuts in sections for start, stop in cuts]
    with _Ahead(blob, parts, engine) as ahead:
        for name, _, _ in parts:
            raw = ahead.next()
            if type(raw) is not list:
                raise Unsliced  # an empty section (null), or not a list
            adapter = _node_list() if name == "nodes" else _edge_list()
            try:
                models[name].extend(adapter.validate_python(raw))
            except ValidationError:
                raise Unsliced from None
            del raw
    try:
        return GraphData.model_validate({**top, **models})
    except ValidationError:
        raise Unsliced from None


def _parse_started(part: bytes, started: threading.Event) -> Any:
    started.set()
    return _read_part(part, True)


class _Ahead:
    """The raw objects of each part in turn (:meth:`next`); with the engine, part k + 1
    is parsed in a worker thread while the caller validates part k.

    yaml-rs lets go of the interpreter lock for part of a parse, so that part runs beside
    validation (a cold load of the 10k graph: a sixth less wall time). At most two parts'
    raw objects are alive: the one handed out and the one being parsed. Leaving the
    ``with`` block, on any exception too, waits for the worker's parse and ends the
    thread; an error of a part's parse is raised by the :meth:`next` that would have
    returned it, as a serial read raises it. PyYAML (the fallback) reads in turn."""

    def __init__(self, blob: bytes, parts: list[tuple[str, int, int]], engine: bool):
        self._blob, self._parts, self._engine = blob, parts, engine
        self._next = 0
        self._pool = self._pending = None
        if engine and len(parts) > 1:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="supplychain-parse")

    def _text(self, k: int) -> bytes:
        _, start, stop = self._parts[k]
        return self._blob[start:stop]

    def next(self) -> Any:
        k = self._next
        self._next += 1
        if self._pool is None:
            return _read_part(self._text(k), self._engine)
        pending = self._pending if self._pending is not None else self._pool.submit(_read_part, self._text(k), True)
        self._pending = None
        raw = pending.result()  # raises what the parse raised
        del pending  # (the future holds the raw objects too)
        if k + 1 < len(self._parts):
            started = threading.Event()
            self._pending = self._pool.submit(_parse_started, self._text(k + 1), started)
            started.wait()  # (lets the worker take the lock and reach the engine before validation holds it)
        return raw

    def __enter__(self) -> "_Ahead":
        return self

    def __exit__(self, *exc) -> None:
        self._pending = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _read_part(part: bytes, engine: bool) -> Any:
    """One slice read by the engine (or by PyYAML): its raw objects; :class:`Unsliced`
    when it cannot be read."""
    if engine:
        if b"!" in part and _EXPLICIT_TAG_BYTES.search(part):
            raise Unsliced
        try:
            return yaml_rs.load(part, parse_datetime=False, alias_limits=_NO_ALIASES)
        except (yaml_rs.YAMLDecodeError, ValueError, OverflowError, RecursionError, UnicodeError):
            raise Unsliced from None
    try:
        return parse_yaml(part.decode("utf-8"), "")
    except (FileFormatError, UnicodeError):
        raise Unsliced from None


_ADAPTERS: dict[str, TypeAdapter] = {}


def _node_list() -> TypeAdapter:
    if "nodes" not in _ADAPTERS:
        _ADAPTERS["nodes"] = TypeAdapter(list[Node])
    return _ADAPTERS["nodes"]


def _edge_list() -> TypeAdapter:
    if "edges" not in _ADAPTERS:
        _ADAPTERS["edges"] = TypeAdapter(list[Edge])
    return _ADAPTERS["edges"]


def write_parts(
    data: GraphData, f, slice_bytes: int = SLICE_BYTES, previous=None
) -> tuple[GraphData | None, str]:
    """Write ``data`` canonically to ``f`` a part at a time, each read back and compared
    with what was written; (the data read back, the SHA-256 of the bytes), or (None, "")
    when a part is not read back as written. The reference checks are the caller's.

    ``previous`` (:func:`supplychain.previous.previous_text`): the bytes of the file being replaced, checked
    against the digest its models were validated from. A model of those (the very
    object) whose text is written byte for byte as it stands there is not read back: its
    text is text that was read and validated into this model (see :class:`supplychain.previous.Previous`).
    Every other item is read back and compared, as without ``previous``."""
    h = hashlib.sha256()
    skeleton: list[bytes] = []
    models: dict[str, list] = {"nodes": [], "edges": []}
    kept = previous.keeper() if previous is not None else None
    verify = kept is not None and verify_kept()
    with gc_paused():
        for kind, text, items in dump_parts(data, slice_bytes, kept):
            if text is None:  # models read from the canonical file, unchanged: their text there
                part = previous.text_of(items)
                if verify and dump_items(items).encode("utf-8") != part:
                    raise AssertionError(f"a kept {kind[:-1]} is not written as its canonical dump: {items[0]!r:.200}")
                f.write(part)
                h.update(part)
                models[kind].extend(items)
                del part
                continue
            part = text.encode("utf-8")
            del text
            f.write(part)
            h.update(part)
            if kind == "text":
                skeleton.append(part)
                continue
            keep = models[kind]
            if previous is not None:
                changed = previous.changed(part, items)
                if changed is not None:
                    if changed:
                        at, texts = zip(*changed)
                        read = _checked_items(kind, b"".join(texts), [items[i] for i in at])
                        if read is None:
                            return None, ""
                        out = list(items)  # unchanged: the models themselves
                        for i, model in zip(at, read):
                            out[i] = model
                        keep.extend(out)
                    else:
                        keep.extend(items)
                    del part
                    continue
            read = _checked_items(kind, part, items)
            if read is None:
                return None, ""
            keep.extend(read)
            del read, part
        try:
            top = _read_part(b"".join(skeleton), True)
        except Unsliced:
            return None, ""
        expected = {"version": data.version, **{k: (None if models[k] else []) for k in ("nodes", "edges")}}
        if top != expected or type(top.get("version")) is not type(data.version):
            return None, ""
        try:
            checked = GraphData.model_validate({"version": top["version"], **models})  # (models pass as they are)
        except ValidationError:
            return None, ""
    return checked, h.hexdigest()


def _checked_items(kind: str, part: bytes, items: list) -> list | None:
    """The models ``part`` (the canonical text of ``items``, list items at column 0)
    reads back as: ``items`` themselves where equal (one copy of the graph, not two),
    the model read where it differs only in what the file cannot hold otherwise (fields
    set, the order of claims); None when anything else differs or it cannot be read."""
    adapter = _node_list() if kind == "nodes" else _edge_list()
    read = None
    for engine in (True, False):
        try:
            read = adapter.validate_python(_read_part(part, engine))
            break
        except (Unsliced, ValidationError):
            continue
    if read is None or len(read) != len(items):
        return None
    if _all_same(items, read):
        return items
    keep = []
    for mine, back in zip(items, read):
        if _same(mine, back):
            keep.append(mine)
        elif back == mine or (
            kind == "edges" and back == mine.model_copy(update={"claims": sorted_claims(mine)})
        ):
            keep.append(back)  # its fields set, or its claims, as the file has them
        else:
            return None
    return keep


def _same(a: BaseModel, b: BaseModel) -> bool:
    """``a == b`` with the same fields set, nested models too (what the cache entry
    keeps: ``model_dump(exclude_unset=True)``), in one pass.

    ``b`` is what validation gave. A model whose fields hold no model (a claim, a
    listing) is compared as its ``__dict__``, in C; the others field by field, their
    models recursively."""
    t = type(a)
    if t is not type(b) or a.__pydantic_fields_set__ != b.__pydantic_fields_set__:
        return False
    if a.__pydantic_extra__ != b.__pydantic_extra__ or a.__pydantic_private__ != b.__pydantic_private__:
        return False
    mine, other = a.__dict__, b.__dict__
    nested = _NESTED.get(t)
    if nested is None:
        nested = _NESTED[t] = _nested_fields(t)
    if not nested:
        return mine == other  # (``b`` was validated: none of its values is a model, so none of ``a``'s)
    if mine.keys() != other.keys():
        return False
    for name, v in mine.items():
        w = other[name]
        if v is w:
            continue
        if type(v) is list:
            if type(w) is not list or len(v) != len(w):
                return False
            for x, y in zip(v, w):
                if not (_same(x, y) if isinstance(x, BaseModel) else x == y):
                    return False
        elif isinstance(v, BaseModel):
            if not isinstance(w, BaseModel) or not _same(v, w):
                return False
        elif v != w:
            return False
    return True


_NESTED: dict[type, frozenset[str]] = {}


def _nested_fields(cls: type) -> frozenset[str]:
    """The fields of a model class whose annotation names a model (``list[Claim]``,
    ``Evidence``, ``list[Metric]``)."""
    import typing

    def models_in(annotation) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(models_in(arg) for arg in typing.get_args(annotation))

    return frozenset(name for name, info in cls.model_fields.items() if models_in(info.annotation))


def _all_same(mine: list, back: list) -> bool:
    """``all(_same(a, b) for a, b in zip(mine, back))`` for lists of the same length, in
    a few C-level list comparisons when ``back`` is models of one class whose fields are
    plain values and one list of models without model fields (edges and their claims):
    several times faster than model by model."""
    cls = type(back[0]) if back else None
    shape = _SHAPES.get(cls, False) if cls is not None else None
    if shape is False:
        shape = _SHAPES[cls] = _shape(cls)
    if shape is None or any(type(y) is not cls for y in back):
        return all(_same(a, b) for a, b in zip(mine, back))
    plain, many, bare = shape

    def columns(items: list):
        """What is compared, a column at a time (each a list made in C: a tuple per
        model would cost twice as much)."""
        values = [x.__dict__ for x in items]
        yield [type(x) for x in items]
        yield [x.__pydantic_fields_set__ for x in items]
        yield [len(d) for d in values]
        yield [plain(d) for d in values]
        lists = [d[many] for d in values]
        yield [type(v) for v in lists]
        yield [len(v) for v in lists]
        inner = [c for v in lists for c in v]
        yield [type(c) for c in inner]
        yield [c.__dict__ for c in inner]
        yield [c.__pydantic_fields_set__ for c in inner]
        if not bare:  # extra fields or private attributes: compared too
            yield [(x.__pydantic_extra__, x.__pydantic_private__) for x in items]
            yield [(c.__pydantic_extra__, c.__pydantic_private__) for c in inner]

    try:
        return all(x == y for x, y in zip(columns(mine), columns(back)))
    except (AttributeError, KeyError, TypeError):  # something that is no model of the class
        return False


_SHAPES: dict[type, tuple | None] = {}


def _shape(cls: type) -> tuple | None:
    """(a getter of the plain fields' values, the name of the list of flat models, whether
    both classes are :func:`_bare`) of a model class that has exactly one field holding models, a list of models of one class
    without model fields; None for any other class."""
    import operator
    import typing

    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return None
    nested = _nested_fields(cls)
    if len(nested) != 1:
        return None
    (many,) = nested
    annotation = cls.model_fields[many].annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is not list or len(args) != 1 or not isinstance(args[0], type) or _nested_fields(args[0]):
        return None
    plain = [name for name in cls.model_fields if name != many]
    getter = (operator.itemgetter(*plain) if len(plain) > 1 else lambda d: d[plain[0]]) if plain else (lambda d: ())
    return getter, many, _bare(cls) and _bare(args[0])


def _bare(cls: type) -> bool:
    """Whether instances of a model class never hold extra fields nor private attributes
    (``extra="forbid"``, none declared): then both are None, and not compared."""
    return cls.model_config.get("extra") == "forbid" and not cls.__private_attributes__
