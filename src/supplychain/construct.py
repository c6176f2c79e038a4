"""Models built from values already validated, without validating them again.

An :class:`~supplychain.entry.Entry` only ever holds validated data (a cache entry is
written from a file that passed every check), so its models are built the way
``model_construct`` builds them, without its per-call overhead: a new instance gets its
``__dict__`` (fields in declaration order, defaults filled in) and its fields set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import deque
from itertools import repeat
from typing import Any, Iterator

_new = object.__new__
_fromordinal = dt.date.fromordinal


def _slot_setters() -> tuple:
    """Setters of BaseModel's four slots, called directly (faster than setattr)."""
    from pydantic import BaseModel

    slots = BaseModel.__dict__
    names = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    return tuple(slots[name].__set__ for name in names)


_set_dict, _set_fields, _set_extra, _set_private = _slot_setters()


def _instance(cls, values: dict, fields_set: set):
    obj = _new(cls)
    _set_dict(obj, values)
    _set_fields(obj, fields_set)
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def _instances(cls, values: list[dict], fields_set: list) -> list:
    """``[_instance(cls, v, set(f)) for v, f in zip(values, fields_set)]``, a slot at a
    time in C (``map`` over the slot setters): no Python call per model. Each model gets
    its own set of fields (a model's set changes when a field is assigned)."""
    count = len(values)
    if len(fields_set) != count:
        raise ValueError("as many sets of fields as models")
    objs = list(map(_new, repeat(cls, count)))
    _drain(map(_set_dict, objs, values))
    _drain(map(_set_fields, objs, map(set, fields_set)))
    _drain(map(_set_extra, objs, repeat(None)))
    _drain(map(_set_private, objs, repeat(None)))
    return objs


def _drain(calls) -> None:
    """Run every call of an iterator, keeping nothing."""
    deque(calls, maxlen=0)


class _Plan:
    """How to build one model class from the dict of its fields (dates as ISO text)."""

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
    """A function turning the stored form of a field back into its model value, or None
    when the stored value is the value (strings, numbers, lists of them)."""
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


_NODE_CLASSES: dict[str, type] | None = None


def _build_node(given: dict):
    global _NODE_CLASSES
    if _NODE_CLASSES is None:
        import typing

        from .schema import Node

        classes = typing.get_args(typing.get_args(Node)[0])
        _NODE_CLASSES = {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in classes}
    if not isinstance(given, dict) or given.get("type") not in _NODE_CLASSES:
        raise ValueError("not a node")
    return _plan(_NODE_CLASSES[given["type"]]).build(given)


@contextlib.contextmanager
def _kept() -> Iterator[None]:
    """Pause the collector while a graph's models are built, then leave them where no
    young collection walks them (the first one after building them all walked every
    model: a fifth of :meth:`~supplychain.entry.Entry.data` at 10k companies): frozen
    with the rest when objects are frozen already (``load_graph`` freezes a loaded
    graph, which makes no cycles), else moved to the oldest generation
    (:func:`gc.freeze` then :func:`gc.unfreeze`, as :func:`supplychain.store.read_graph`
    does). Nothing changes when the collector is off."""
    if not gc.isenabled():
        yield
        return
    frozen = gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not frozen:
            gc.unfreeze()
        gc.enable()
