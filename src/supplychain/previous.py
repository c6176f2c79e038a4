"""The file a graph's models were read from, and what of it a write may take as it is.

A write of models read from a file (:func:`note_read`, :func:`previous_text`: the file it
replaces, or the one a copy is saved from) does not read back an item whose canonical
text is byte for byte the text the same model object was validated from, in the file as
checked by its SHA-256, and which is unchanged since (:meth:`Previous.changed`). When
the file is known to be canonical (its cache entry was made by a write whose bytes are
the canonical dump of what they read as), an unchanged model's text is taken from the
file without dumping it at all (:meth:`Previous.keeper`), and the next cache entry reuses
its columns (:class:`Kept`, :mod:`supplychain.entrykept`).
:func:`supplychain.slices.write_parts` does the writing.
"""

from __future__ import annotations

import hashlib
import operator
import os
import re
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Any

from pydantic import BaseModel

from .gcpause import gc_paused
from .schema import WATCHED
from .slices import Unsliced, _cut

REUSE_MAX_BYTES = 64 * 1024 * 1024
"""The largest file whose bytes a write holds to compare with (the 10k graph is 15.5 MB;
the 100k one, 156 MB, is written without: holding it would raise the peak)."""

_ITEM = re.compile(rb"\n- ")
"""The line break before a list item at column 0: a node or an edge of the canonical file
(a literal: ten times faster to find than ``(?m)^- ``)."""


def _item_starts(blob: bytes, start: int, stop: int) -> list[int]:
    """Where the list items at column 0 of ``blob[start:stop]`` begin (``start`` is the
    beginning of a line)."""
    found = [m.start() + 1 for m in _ITEM.finditer(blob, start, stop)]
    if blob.startswith(b"- ", start):
        found.insert(0, start)
    return found

_READ: dict[str, tuple] = {}
"""The last graph whose models were handed out whole: its path (resolved) -> (the SHA-256
of the bytes validated into them, whether those bytes are the canonical dump of these
models, its nodes, its edges (in file order), the snapshot of their lists, the entry they
were built from, the ids of models changed before the read was noted). One at a time."""


def note_read(path, digest: str, canonical: bool, data, entry=None, differ: set[int] = frozenset()) -> None:
    """Remember that ``data``'s models (the objects) were validated from the bytes of
    ``path`` whose SHA-256 is ``digest`` (:func:`supplychain.cache.load_entry`), and
    whether those bytes are their canonical dump (``canonical``: the file was written by
    :func:`supplychain.store.write_graph`). Only the last one is kept (two lists of
    references: the models are the graph's own). ``entry``: the
    :class:`~supplychain.entry.Entry` they were built from, whose columns the next cache
    entry reuses for the models the write keeps (:mod:`supplychain.entrykept`).

    For a canonical file, a write may then take an item's text from the file without
    dumping it (:meth:`Previous.keeper`) if the model has not changed since. Two guards
    say so: every model read is watched (:data:`supplychain.schema.WATCHED`: setting a
    field of one stops all such reuse, and all skipping of read-backs too, since a field
    set to its default changes no text but the fields a cache entry records), and the
    contents of every list they hold, nested ones too, are kept here and compared object
    by object at the write. ``differ``: the ids of models handed out before and changed
    since they were read (:meth:`supplychain.entry.Entry.data`): never taken as they are.
    """
    _READ.clear()
    WATCHED.clear()
    try:
        if os.stat(path).st_size > REUSE_MAX_BYTES:  # no text reused past it: nothing to remember
            return
    except OSError:
        return
    nodes, edges = list(data.nodes), list(data.edges)
    snapshots: dict[int, list] = {}
    ids: set[int] = set()
    with gc_paused():  # a list per model, and no cycle
        for items in (nodes, edges):
            ids.update(map(id, items))
            snapshots.update(_snapshots(items, ids))
        WATCHED.update(ids)
    for key in differ:
        snapshots.pop(key, None)
    _READ[os.path.abspath(path)] = (digest, canonical, nodes, edges, snapshots, entry, frozenset(differ))


def forget_read() -> None:
    _READ.clear()
    _KEPT.clear()
    WATCHED.clear()


_KEPT: dict[str, object] = {}
"""The last write that kept items: its path (resolved) -> :class:`supplychain.previous.Kept`."""


def note_kept(path, kept) -> None:
    """Remember what a write to ``path`` that succeeded took from the file it replaced
    (:meth:`Previous.record`), for :func:`take_kept`."""
    _KEPT.clear()
    if kept is not None:
        _KEPT[os.path.abspath(path)] = kept


def take_kept(path):
    """What the last write to ``path`` took from the file it replaced
    (:class:`supplychain.previous.Kept`), once; None if it took nothing."""
    return _KEPT.pop(os.path.abspath(path), None)


_END = object()
"""Closes a list in a :func:`_contents` (so a list that grew or shrank never lines up)."""

_PLANS: dict[type, tuple[tuple[str, str], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, str], ...]:
    """(field, how) for the fields of a model class that may hold a list or a model:
    ``"flat"`` a list of values or of models that hold neither, ``"deep"`` a list of
    models that do, ``"model"`` one model, ``"other"`` anything else."""
    found = _PLANS.get(cls)
    if found is None:
        import typing

        def models_in(annotation) -> list[type]:
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                return [annotation]
            return [m for arg in typing.get_args(annotation) for m in models_in(arg)]

        found = []
        for name, info in cls.model_fields.items():
            annotation = info.annotation
            is_list = annotation is list or typing.get_origin(annotation) is list
            inner = models_in(annotation)
            if is_list:
                found.append((name, "deep" if any(_plan(m) for m in inner) else "flat"))
            elif inner:
                found.append((name, "model"))
            elif any(a is list or typing.get_origin(a) is list for a in typing.get_args(annotation)):
                found.append((name, "other"))
        found = _PLANS[cls] = tuple(found)
    return found


def _contents(model: BaseModel, out: list, ids: set[int] | None = None) -> list:
    """Append to ``out`` what ``model``'s lists and nested models hold, the objects
    themselves, flattened (each list closed by :data:`_END`), to be compared object by
    object (``is``); ``ids`` receives the ids of the nested models."""
    values = model.__dict__
    for name, how in _PLANS.get(type(model)) or _plan(type(model)):
        v = values.get(name)
        if type(v) is not list:
            out.append(v)
            if isinstance(v, BaseModel):
                if ids is not None:
                    ids.add(id(v))
                _contents(v, out, ids)
            continue
        out.extend(v)
        out.append(_END)
        if how == "flat":
            if ids is not None:
                ids.update(map(id, v))
            continue
        for x in v:
            if isinstance(x, BaseModel):
                if ids is not None:
                    ids.add(id(x))
                _contents(x, out, ids)
    return out


def _flat_field(cls: type) -> str | None:
    """The field of a model class whose only holding field is a flat list (an edge's
    claims), or None."""
    plan = _PLANS.get(cls) or _plan(cls)
    return plan[0][0] if len(plan) == 1 and plan[0][1] == "flat" else None


def _snapshots(items: list, ids: set[int]) -> dict[int, list]:
    """``id(item)`` -> :func:`_contents` of each item; ``ids`` receives the nested
    models' ids. Items of one class holding one flat list (the edges) in one pass."""
    classes = set(map(type, items))
    field = _flat_field(classes.pop()) if len(classes) == 1 else None
    if field is None:
        return {id(x): _contents(x, [], ids) for x in items}
    ids.update(map(id, chain.from_iterable(x.__dict__[field] for x in items)))
    return {id(x): [*x.__dict__[field], _END] for x in items}


def _same_objects(a: list, b: list) -> bool:
    """Whether two :func:`_contents` hold the very same objects, in the same places."""
    return len(a) == len(b) and all(map(operator.is_, a, b))


@dataclass
class Kept:
    """What a write took from the file it replaced: the :class:`~supplychain.entry.Entry`
    the file was read into, its models in file order, and the ids of the models written as
    their text there (:mod:`supplychain.entrykept` makes the next cache entry from it)."""

    entry: Any
    nodes: list
    edges: list
    ids: set[int]


class Previous:
    """The file a write replaces, as it may be reused: its bytes (whose SHA-256 is the
    digest the models were validated from) and where each of those models' text stands
    in them (``id(model)`` -> (start, stop); the models are held, so no id is reused)."""

    def __init__(self, blob: bytes, models: tuple[list, list], at: dict[int, tuple[int, int]],
                 canonical: bool = False, snapshots: dict[int, list] | None = None, entry=None):
        self.blob = blob
        self.models = models
        self.at = at
        self.canonical = canonical
        self.snapshots = snapshots or {}
        self.entry = entry
        self.kept: set[int] = set()
        """The ids of the models written as their text in the file, unchanged since read
        (their columns in the old cache entry are theirs: :mod:`supplychain.entrykept`)."""
        self._flat: dict[type, str | None] = {}

    def keeper(self):
        """``kept(models)``: for each model, whether its text is its text in the file, not
        to be dumped (:func:`supplychain.canonical.dump_parts`'s ``kept``), or None when
        no text may be taken that way: the file is not known to be canonical, or a model
        read from it was changed in place (:data:`supplychain.schema.WATCHED` emptied).

        A model is kept when it is one of the objects read (its text there is its
        canonical dump, as the file is) and its lists, nested ones too, still hold the
        objects they held then (:func:`note_read`)."""
        if not (self.canonical and WATCHED):
            return None
        at, unchanged = self.at, self.unchanged

        def kept(models: list) -> list[bool]:
            return [id(m) in at and u for m, u in zip(models, unchanged(models))]

        return kept

    def unchanged(self, models: list) -> list[bool]:
        """For each of ``models``, whether it is one of the models read, its lists (nested
        ones too) still holding the objects they held then (:func:`note_read`'s snapshot);
        setting a field is :data:`supplychain.schema.WATCHED`'s to tell."""
        snapshots, flat, out = self.snapshots, self._flat, []
        for cls in set(map(type, models)):
            if cls not in flat:
                flat[cls] = _flat_field(cls)
        get, is_ = snapshots.get, operator.is_
        for model in models:
            snapshot = get(id(model))
            if snapshot is None:
                out.append(False)
                continue
            field = flat[type(model)]
            if field is None:
                out.append(_same_objects(_contents(model, []), snapshot))
                continue
            now = model.__dict__[field]  # one flat list (an edge's claims): as _snapshots took it
            out.append(len(now) + 1 == len(snapshot) and all(map(is_, now, snapshot)))
        return out

    def record(self):
        """What the write took from the file (:class:`supplychain.previous.Kept`), for
        the next cache entry; None if it took nothing."""
        if not self.kept or self.entry is None:
            return None
        return Kept(self.entry, *self.models, self.kept)

    def text_of(self, models: list) -> bytes:
        """The file's text of kept models, in their order (runs that stand together in
        the file are cut out at once)."""
        at, blob = self.at, self.blob
        spans: list[list[int]] = []
        for model in models:
            start, stop = at[id(model)]
            if spans and spans[-1][1] == start:
                spans[-1][1] = stop
            else:
                spans.append([start, stop])
        self.kept.update(map(id, models))
        return b"".join(blob[a:b] for a, b in spans)

    def changed(self, part: bytes, items: list) -> list[tuple[int, bytes]] | None:
        """[(index, text)] of the items of ``part`` (their canonical text) to read back:
        those not byte for byte the text the same model object was read from, and those
        that are but were changed in place since (a list of theirs reordered, or an item
        of it replaced by an equal one: the text cannot tell, the fields they set and the
        order of their claims can); None when ``part`` does not cut into ``items`` (then
        it is all checked). The others are the models read, unchanged: their columns go
        to the next cache entry as they are (:attr:`kept`)."""
        blob, at = self.blob, self.at
        spans = [at.get(id(model)) for model in items]
        out: list[tuple[int, bytes]] = []
        if (spans and None not in spans and all(a[1] == b[0] for a, b in pairwise(spans))
                and blob[spans[0][0]:spans[-1][1]] == part):  # the part is a run of the file as it stands
            same = list(zip(range(len(items)), items, spans))
        else:
            starts = _item_starts(part, 0, len(part))
            if len(starts) != len(items) or (starts and starts[0] != 0):
                return None
            starts.append(len(part))
            same = []
            for i, model in enumerate(items):
                s, e = starts[i], starts[i + 1]
                where = spans[i]
                if where is not None and where[1] - where[0] == e - s and blob[where[0]:where[1]] == part[s:e]:
                    same.append((i, model, where))
                else:
                    out.append((i, part[s:e]))
        flags = self.unchanged([model for _, model, _ in same]) if WATCHED else [False] * len(same)
        self.kept.update(id(model) for (_, model, _), ok in zip(same, flags) if ok)
        moved = [(i, blob[a:b]) for (i, _, (a, b)), ok in zip(same, flags) if not ok]  # (the text, as in the part)
        return sorted(out + moved, key=operator.itemgetter(0)) if moved else out


def previous_text(path) -> Previous | None:
    """What a write to ``path`` may reuse of the file its models were read from (see
    :class:`Previous`): the file it replaces, or the one a copy is saved from (the last
    graph whose models were handed out, :func:`note_read`; only the very model objects
    read from it are reused, whatever else the data holds). None when no models were
    remembered, the file is bigger than :data:`REUSE_MAX_BYTES`, its bytes are no longer
    those the models came from (changed on disk since), or it is not cut into as many
    items as there are models."""
    path = os.path.abspath(path)
    if path in _READ:
        found = _READ.pop(path)  # the file is replaced: the note is spent
    elif _READ:
        path, found = next(iter(_READ.items()))  # the file a copy is saved from
    else:
        return None
    digest, canonical, nodes, edges, snapshots, entry, differ = found
    if not WATCHED and (nodes or edges):  # a field of a model read was set since: read everything back
        return None
    try:
        if os.stat(path).st_size > REUSE_MAX_BYTES:
            return None
        with open(path, "rb") as fh:
            blob = fh.read(REUSE_MAX_BYTES + 1)
    except OSError:
        return None
    if len(blob) > REUSE_MAX_BYTES or hashlib.sha256(blob).hexdigest() != digest:
        return None
    try:
        _, sections = _cut(blob, len(blob))
    except Unsliced:
        return None
    at: dict[int, tuple[int, int]] = {}
    with gc_paused():  # a tuple per item: no cycle, and a big heap for the collector to walk
        for (name, cuts), models in zip(sections, (nodes, edges)):
            start, stop = cuts[0][0], cuts[-1][1]
            starts = _item_starts(blob, start, stop)
            if len(starts) != len(models) or (starts and starts[0] != start):
                return None
            starts.append(stop)
            at.update(zip(map(id, models), pairwise(starts)))  # model k: its text from item k to item k + 1
    for key in differ:  # changed before the read was noted: its text is not its text
        at.pop(key, None)
    return Previous(blob, (nodes, edges), at, canonical, snapshots, entry)


