"""Columns and compressed rows: the fields of many models read a column at a time
(:func:`_columns`, :func:`_node_fields`), columns written as bytes (:func:`utf8_run`,
:func:`layout_parts`), and an adjacency as offsets and flat columns of
machine numbers, built by :func:`supplychain.entry.encode` and read by :class:`FlowRows`
without making a dict of lists (for node ``u``, entries ``start[u]:start[u + 1]`` of
each column)."""

from __future__ import annotations

import operator
from array import array
from itertools import accumulate
from typing import Iterator, Sequence

import msgspec

_EDGE_COLUMNS = operator.attrgetter("type", "source", "target", "claims")
_CLAIM_COLUMNS = operator.attrgetter("report", "date", "stance", "driver", "quote", "weight", "__pydantic_fields_set__")


def _columns(fields: operator.attrgetter, items: list, width: int) -> tuple[list, ...]:
    """The ``width`` columns of ``fields`` over ``items`` (each a list, in item order),
    :data:`COLUMN_CHUNK` items at a time: a tuple per item for all 920k claims of the 100k
    graph at once was 150 MB more at the peak of a write."""
    columns: tuple[list, ...] = tuple([] for _ in range(width))
    for k in range(0, len(items), COLUMN_CHUNK):
        for column, values in zip(columns, zip(*map(fields, items[k : k + COLUMN_CHUNK]))):
            column.extend(values)
    return columns


COLUMN_CHUNK = 65_536


def _node_fields(node) -> dict:
    """``node.model_dump(exclude_unset=True) | {"type": node.type}``: its fields as the
    file set them. A node holding no model (no metrics, no listings: nearly all) is read
    from its ``__dict__``, which holds the same values (strings, dates, lists of
    strings), three times faster."""
    values = node.__dict__
    nested = _NESTED.get(type(node))
    if nested is None:
        nested = _NESTED[type(node)] = _model_fields(type(node))
    if any(values.get(name) for name in nested):
        return node.model_dump(exclude_unset=True) | {"type": node.type}
    fields = node.__pydantic_fields_set__
    out = {name: value for name, value in values.items() if name in fields}
    out["type"] = node.type
    return out


_NESTED: dict[type, tuple[str, ...]] = {}


def _model_fields(cls: type) -> tuple[str, ...]:
    """The fields of a model class whose annotation names a model (``list[Metric]``)."""
    import typing

    from pydantic import BaseModel

    def models_in(annotation) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(models_in(arg) for arg in typing.get_args(annotation))

    return tuple(name for name, info in cls.model_fields.items() if models_in(info.annotation))


def _ints(code: str, values=()) -> array:
    return array(code, values)


def _rows(count: int, keys: Sequence[int]) -> tuple[array, list[int]]:
    """Compressed rows: ``start`` (count + 1 offsets) and the positions of ``keys`` sorted
    by key (a stable sort: the entries of one row keep their order).

    >>> start, order = _rows(3, [2, 0, 2, 0])
    >>> start.tolist(), order
    ([0, 2, 2, 4], [1, 3, 0, 2])
    """
    counts = [0] * count
    for k in keys:
        counts[k] += 1
    return _ints("i", accumulate(counts, initial=0)), sorted(range(len(keys)), key=keys.__getitem__)


def _flow_rows(count: int, flows: tuple[list[int], list[int], list[float], list[int]]) -> tuple[bytes, bytes, bytes, bytes]:
    """Flow entries (columns ``u``, ``v``, weight, edge) as compressed rows by ``u``."""
    us, vs, weights, edges = flows
    start, order = _rows(count, us)
    return (
        start.tobytes(),
        _ints("i", [vs[k] for k in order]).tobytes(),
        _ints("d", [weights[k] for k in order]).tobytes(),
        _ints("i", [edges[k] for k in order]).tobytes(),
    )


def _view(buffer: bytes, code: str) -> memoryview:
    return memoryview(buffer).cast(code)


class FlowRows:
    """A flow adjacency stored as compressed rows: ``rows.get(u)`` is the list of
    ``(v, weight, edge index)`` that :func:`~supplychain.query.best_paths` walks
    (``entry``: the :class:`~supplychain.entry.Entry` whose ids the rows number)."""

    def __init__(self, entry, rows: tuple[bytes, bytes, bytes, bytes]):
        self._entry = entry
        self._start = _view(rows[0], "i")
        self._node = _view(rows[1], "i")
        self._weight = _view(rows[2], "d")
        self._edge = _view(rows[3], "i")

    def get(self, node_id: str, default=()):
        i = self._entry.index.get(node_id)
        if i is None:
            return default
        a, b = self._start[i], self._start[i + 1]
        if a == b:
            return default
        ids = self._entry.ids
        return [(ids[v], w, j) for v, w, j in zip(self._node[a:b].tolist(), self._weight[a:b].tolist(), self._edge[a:b].tolist())]

    def __getitem__(self, node_id: str):
        found = self.get(node_id, None)
        if found is None:
            raise KeyError(node_id)
        return found

    def __contains__(self, node_id: object) -> bool:
        return self.get(node_id, None) is not None  # type: ignore[arg-type]

    def items(self) -> Iterator[tuple[str, list]]:
        for node_id in self._entry.ids:
            found = self.get(node_id, None)
            if found is not None:
                yield node_id, found

    def __iter__(self) -> Iterator[str]:
        return (node_id for node_id, _ in self.items())

    def __len__(self) -> int:
        return sum(1 for _ in self.items())


def utf8_run(texts) -> tuple[bytearray, array]:
    """The texts one after the other in UTF-8, and the offset where each begins (and the
    last ends), without holding a bytes object per text (120 MB at 100k companies)."""
    run = bytearray()
    starts = array("q", [0])
    add, mark = run.extend, starts.append
    for text in texts:
        add(text.encode("utf-8"))
        mark(len(run))
    return run, starts


def _packed(code: str, column) -> bytes:
    """A column's bytes in the machine's order (an array of that type as it is)."""
    if type(column) is array and column.typecode == code:
        return column.tobytes()
    return _ints(code, column).tobytes()


def layout_parts(layout) -> list:
    """The msgpack encoding of ``layout`` as buffers to write one after the other: each
    byte column as its own buffer behind its header, not copied into one payload (100 MB
    at 100k companies, which the peak of a write can do without). Joined, they are
    ``msgspec.msgpack.encode(layout)``."""
    enc = msgspec.msgpack.Encoder()
    fields = layout.__struct_fields__
    n = len(fields)
    out: list = [bytes([0x90 | n]) if n < 16 else b"\xdc" + n.to_bytes(2, "big")]
    for name in fields:
        value = getattr(layout, name)
        if type(value) is bytes or type(value) is bytearray:
            size = len(value)
            if size < 1 << 8:
                out.append(b"\xc4" + size.to_bytes(1, "big"))
            elif size < 1 << 16:
                out.append(b"\xc5" + size.to_bytes(2, "big"))
            else:
                out.append(b"\xc6" + size.to_bytes(4, "big"))
            out.append(value)
        elif type(value) is msgspec.Raw:
            out.append(memoryview(value))
        else:
            out.append(enc.encode(value))
    return out
