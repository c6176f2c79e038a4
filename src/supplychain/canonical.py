"""The canonical form of a graph file: its order (:func:`canonical`) and its bytes
(:func:`dump_graph`).

The bytes are what PyYAML's dumper writes for the canonical structure (block style, two
spaces, aliases as a flow list, Unicode as is, no line folding); :func:`dump_graph`
writes them itself from the models, a handful of times faster, and hands PyYAML any node or edge it is not sure
about (a line break or a control character in a string, a string of 50,000 characters).
PyYAML's choice of style for each string is reproduced from its ``analyze_scalar``:
plain when YAML 1.1 reads the text back as that string, single-quoted otherwise (so
``'300308'``, ``'yes'`` and ``'2025-11-26'`` are quoted, and ``002837``, which cannot be
an octal number, is not: the loader reads it back as text).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from typing import Any

import yaml
from pydantic import BaseModel

from .schema import EDGE_TYPES, NODE_TYPES, Claim, GraphData

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _FlowList(list):
    pass


class _CanonicalDumper(_Dumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data):  # noqa: D102
        return True  # no anchors: two claims sharing one date object are still written out twice


_CanonicalDumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)

_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    """Strings holding U+0085, U+2028 or U+2029 double-quoted (escaped ``\\N``, ``\\L``,
    ``\\P``): YAML 1.1 (PyYAML) reads those characters in a plain or single-quoted scalar
    as line breaks and folds them, YAML 1.2 (yaml-rs) keeps them, so only the escaped
    form reads back the same in both (PyYAML's own choice loses ``a\\x85b`` as ``a b``)."""
    style = '"' if _UNICODE_BREAKS.search(s) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_CanonicalDumper.add_representer(str, _represent_str)

_TYPE_ORDER = {t: i for i, t in enumerate(NODE_TYPES)}
_EDGE_ORDER = {t: i for i, t in enumerate(EDGE_TYPES)}


def canonical(data: GraphData) -> dict:
    """The plain, canonically ordered structure that :func:`dump_graph` writes.

    Nodes are ordered by type then id, edges by type, source, target, claims by date then
    report; defaults and empty lists are left out. The same graph always gives the same
    bytes, so diffs show only what changed.
    """
    nodes = [_node_doc(n) for n in sorted(data.nodes, key=lambda n: (_TYPE_ORDER[n.type], n.id))]
    edges = [_edge_doc(e) for e in sorted(data.edges, key=lambda e: (_EDGE_ORDER[e.type], e.source, e.target))]
    return {"version": data.version, "nodes": nodes, "edges": edges}


def _node_doc(n) -> dict:
    d = _plain(n)
    d = {"id": d.pop("id"), "type": n.type, **d}
    if "aliases" in d:
        d["aliases"] = _FlowList(d["aliases"])
    return d


def _edge_doc(e) -> dict:
    return {"type": e.type, "source": e.source, "target": e.target, "claims": [_plain(c) for c in sorted_claims(e)]}


def sorted_claims(e) -> list:
    """An edge's claims in canonical order (by date, report, stance, quote)."""
    claims = e.claims
    if len(claims) < 2:
        return list(claims)
    try:  # the fields as they are, compared in C; a stance of None met by one set: below
        return sorted(claims, key=_CLAIM_ORDER)
    except TypeError:
        return sorted(claims, key=lambda c: (c.date, c.report, c.stance or "", c.quote))


_CLAIM_ORDER = operator.attrgetter("date", "report", "stance", "quote")


_FIELDS: dict[type, list[tuple[str, Any]]] = {}


def _plain(model: BaseModel) -> dict:
    """``model.model_dump(exclude_defaults=True)``, five times faster for these models:
    fields in their order, those equal to their default left out, models nested as dicts."""
    cls = type(model)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = [(n, f.get_default(call_default_factory=True)) for n, f in cls.model_fields.items()]
    out = {}
    for name, default in fields:
        v = getattr(model, name)
        if v is default or (v == default and type(v) is type(default)):
            continue
        if isinstance(v, BaseModel):
            v = _plain(v)
        elif type(v) is list and v and isinstance(v[0], BaseModel):
            v = [_plain(x) for x in v]
        out[name] = v
    return out

HEADER = (
    "# supplychain knowledge graph. Written canonically by `supplychain`; edit by hand if you\n"
    "# like, then run `supplychain validate`. Data model: see README.md.\n"
)


def dump_graph(data: GraphData) -> str:
    """Canonical YAML text of a graph (stable order and formatting).

    Byte for byte ``HEADER + pyyaml_dump(canonical(data))`` (block style, two spaces,
    aliases as a flow list, Unicode as is, no line folding), written straight from the
    models: a node or edge the emitter is not sure about is handed to PyYAML.

    >>> from supplychain.store import load_data
    >>> data = load_data("tests/fixtures/core/mini.yaml")
    >>> dump_graph(data) == HEADER + pyyaml_dump(canonical(data))
    True
    """
    return "".join(text for _, text, _ in dump_parts(data))


def dump_parts(data: GraphData, part_chars: int = 0, kept=None):
    """:func:`dump_graph`'s text in parts ``(kind, text, items)``: kind ``"text"`` for
    the header, ``version`` and the ``nodes:``/``edges:`` lines (``items`` empty), and
    ``"nodes"`` or ``"edges"`` for items written as list items at column 0 (``items``:
    the models written, in file order), about ``part_chars`` characters at a time (0: a
    section in one part). Joined, the texts are :func:`dump_graph`'s; a writer holds one
    part at a time (the whole text is 250 MB at 100k companies).

    ``kept``, if given, is asked of the items of a section whether the writer has their
    text already (``kept(items)``: a bool for each): such items are not dumped but handed
    over in runs, in their place among the others, as parts whose text is None."""
    version = data.version
    head = f"version: {version}\n" if type(version) is int else pyyaml_dump({"version": version})
    nodes = sorted(data.nodes, key=lambda n: (_TYPE_ORDER[n.type], n.id))
    edges = sorted(data.edges, key=lambda e: (_EDGE_ORDER[e.type], e.source, e.target))
    text = HEADER + head
    for key, items, write, doc in (("nodes", nodes, _model, _node_doc), ("edges", edges, _edge, _edge_doc)):
        if not items:
            text += f"{key}: []\n"
            continue
        yield "text", text + f"{key}:\n", []
        text = ""
        out: list[str] = []
        done: list = []
        scalars: dict[str, str] = {}
        run: list = []
        flags = kept(items) if kept is not None else None
        size = counted = 0  # the characters in out[:counted], counted every 64 items
        for k, item in enumerate(items):
            if flags is not None:
                if flags[k]:
                    if done:
                        yield key, "".join(out), done
                        out, done, size, counted = [], [], 0, 0
                    run.append(item)
                    continue
                if run:
                    yield key, None, run
                    run = []
            _write_item(item, write, doc, out, scalars)
            done.append(item)
            if part_chars and not len(done) & 63:
                size += sum(map(len, out[counted:]))
                counted = len(out)
                if size >= part_chars:
                    yield key, "".join(out), done
                    out, done, size, counted = [], [], 0, 0
        if done:
            yield key, "".join(out), done
        if run:
            yield key, None, run
    if text:
        yield "text", text, []


def dump_items(items: list) -> str:
    """The canonical text of nodes or of edges (all of one kind), as list items at
    column 0, as :func:`dump_parts` writes them."""
    out: list[str] = []
    scalars: dict[str, str] = {}
    for item in items:
        if "claims" in type(item).model_fields:
            _write_item(item, _edge, _edge_doc, out, scalars)
        else:
            _write_item(item, _model, _node_doc, out, scalars)
    return "".join(out)


def _write_item(item, write, doc, out: list[str], scalars: dict) -> None:
    """One node or edge as a list item at column 0, by the emitter (``write``) or, when
    it is not sure, by PyYAML (``doc``: the item's plain structure)."""
    mark = len(out)
    try:
        write(item, "  ", "- ", out, scalars)
    except _Unsure:
        del out[mark:]
        out.append(pyyaml_dump([doc(item)]))


def pyyaml_dump(doc: Any) -> str:
    """What PyYAML's C dumper writes for ``doc`` in the canonical style (the reference
    :func:`dump_graph` is tested against)."""
    return yaml.dump(
        doc,
        Dumper=_CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100_000,
        indent=2,
    )


class _Unsure(Exception):
    """The emitter is not sure to write what PyYAML would: PyYAML writes that part."""


def _fields(cls: type) -> list[tuple[str, Any]]:
    """(name, default) of a model class's fields in canonical order (a node's id, then its
    type, then the rest as declared)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        pairs = [(n, f.get_default(call_default_factory=True)) for n, f in cls.model_fields.items()]
        if "id" in cls.model_fields and "type" in cls.model_fields:
            first = [p for p in pairs if p[0] == "id"] + [p for p in pairs if p[0] == "type"]
            pairs = first + [p for p in pairs if p[0] not in ("id", "type")]
        fields = _FIELDS[cls] = pairs
    return fields


def _model(m: BaseModel, pad: str, lead: str, out: list[str], scalars: dict) -> None:
    """A model as a block mapping whose keys stand at ``pad`` (the first after ``lead``):
    the fields of ``model_dump(exclude_defaults=True)``, in :func:`_fields` order."""
    values = m.__dict__
    for name, default in _FIELDS.get(type(m)) or _fields(type(m)):
        v = values[name] if name in values else getattr(m, name)
        if v is default:
            continue
        t = type(v)
        if t is type(default) and v == default:
            continue
        if t is str:
            s = scalars.get(v)
            if s is None:
                s = _scalar_str(v, False)
                if len(v) < 80:  # ids, names, dates; not quotes (each met once, and 100 MB of them at 100k)
                    scalars[v] = s
            out.append(f"{lead}{name}: {s}\n")
        elif t is dt.date:
            s = scalars.get(v)
            if s is None:
                s = scalars[v] = v.isoformat()
            out.append(f"{lead}{name}: {s}\n")
        elif isinstance(v, BaseModel):
            out.append(f"{lead}{name}:\n")
            _model(v, pad + "  ", pad + "  ", out, scalars)
        elif t is list and name == "aliases":
            line = f"{lead}{name}: [{', '.join([_flow_memo(a, scalars) for a in v])}]\n"
            if len(line) > _LONGEST:
                raise _Unsure
            out.append(line)
        elif t is list and v and all(isinstance(x, BaseModel) for x in v):
            out.append(f"{lead}{name}:\n")
            for x in v:
                _model(x, pad + "  ", pad + "- ", out, scalars)
        else:
            out.append(f"{lead}{name}: {_other_scalar(v)}\n")
        lead = pad


def _edge(e, pad: str, lead: str, out: list[str], scalars: dict) -> None:
    """An edge (a list item at column 0: ``pad`` two spaces, ``lead`` ``"- "``): type,
    source, target, then its claims in canonical order, appended to ``out`` as one
    string. A claim is most of a graph's text (92k of the 10k graph's 153k models): its
    six fields are written here, in one pass; anything unusual goes to :func:`_model`."""
    if pad != "  " or lead != "- ":
        raise _Unsure
    d = e.__dict__
    claims = sorted_claims(e)
    if not claims:
        raise _Unsure
    get, scalar, str_, date_, claim_, fast = scalars.get, _scalar_str, str, dt.date, Claim, _CLAIM_FAST
    kind, source, target = d["type"], d["source"], d["target"]
    if type(kind) is not str_ or type(source) is not str_ or type(target) is not str_:
        raise _Unsure
    a = get(kind)
    if a is None:
        a = scalars[kind] = scalar(kind, False)
    b = get(source)
    if b is None:
        b = scalars[source] = scalar(source, False)
    c = get(target)
    if c is None:
        c = scalars[target] = scalar(target, False)
    text = [f"- type: {a}\n  source: {b}\n  target: {c}\n  claims:\n"]
    for claim in claims:
        if type(claim) is not claim_ or not fast:
            _model(claim, "    ", "  - ", text, scalars)
            continue
        cd = claim.__dict__
        report, date, quote = cd["report"], cd["date"], cd["quote"]
        stance, weight, driver = cd["stance"], cd["weight"], cd["driver"]
        if (type(report) is not str_ or type(date) is not date_ or type(quote) is not str_ or weight is not None
                or (stance is not None and type(stance) is not str_) or (driver is not None and type(driver) is not str_)):
            _model(claim, "    ", "  - ", text, scalars)
            continue
        r = get(report)
        if r is None:
            r = scalars[report] = scalar(report, False)
        day = get(date)
        if day is None:
            day = scalars[date] = date.isoformat()
        q = get(quote)
        if q is None:
            q = scalar(quote, False)
            if len(quote) < 80:  # not the long quotes: each met once, and 100 MB of them at 100k
                scalars[quote] = q
        if stance is None and driver is None:
            text.append(f"  - report: {r}\n    date: {day}\n    quote: {q}\n")
            continue
        line = f"  - report: {r}\n    date: {day}\n    quote: {q}\n"
        if stance is not None:
            st = get(stance)
            if st is None:
                st = scalars[stance] = scalar(stance, False)
            line += f"    stance: {st}\n"
        if driver is not None:
            dr = get(driver)
            if dr is None:
                dr = scalars[driver] = scalar(driver, False)
            line += f"    driver: {dr}\n"
        text.append(line)
    out.append("".join(text))


_CLAIM_FAST = [name for name, _ in _fields(Claim)] == ["report", "date", "quote", "stance", "weight", "driver"]
"""Whether :func:`_edge` knows the claim's fields (else every claim goes through :func:`_model`)."""


_LONGEST = 50_000
"""Longer scalars or flow lists are PyYAML's to write (it folds lines past 100,000 columns)."""
_UNUSUAL_CHAR = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
"""Characters after which PyYAML's choice of style is not a plain or single-quoted line:
control characters, line breaks (\\x85, \\u2028, \\u2029), the byte-order mark."""
_BLANKS = "\0 \t\r\n\x85\u2028\u2029"
_INDICATOR = re.compile(r"[#,\[\]{}&*!|>'\"%@`?:]|^[- ]| $|^\.\.\.")
"""Anything :func:`_plain_allowed` looks at: a string without it is plain anywhere."""
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_SPECIAL = re.compile(f"{_UNUSUAL_CHAR.pattern}|{_INDICATOR.pattern}")
"""Anything :func:`_scalar_str` looks at twice: without it, a string is plain in any
context unless a resolver reads it as something else."""


def _implicitly_str(s: str) -> bool:
    """Whether PyYAML reads ``s`` unquoted as a string (not a number, bool, null, date...)."""
    first = s[0] if s else ""
    regexps = _FIRST.get(first)
    if regexps is None:
        regexps = _FIRST[first] = [r for _, r in _RESOLVERS.get(first, []) + _RESOLVERS.get(None, [])]
    for regexp in regexps:
        if regexp.match(s):
            return False
    return True


_FIRST: dict[str, list] = {}
"""The implicit resolvers' patterns that may match a string starting with a character."""


def _plain_allowed(s: str) -> tuple[bool, bool]:
    """(in block context, in flow context): PyYAML's ``analyze_scalar`` for a one-line
    string of printable characters."""
    if not _INDICATOR.search(s):
        return True, True  # most strings: nothing below applies
    block = flow = True
    if s.startswith(("---", "...")) or s[0] == " " or s[-1] == " ":
        return False, False
    followed = len(s) == 1 or s[1] in _BLANKS
    c = s[0]
    if c in "#,[]{}&*!|>'\"%@`":
        return False, False
    if c in "?:":
        flow = False
        if followed:
            block = False
    if c == "-" and followed:
        return False, False
    if not flow and not block:
        return False, False
    # after the first character: "#" after a blank rules out both; ",?[]{}:" the flow
    # context; ":" before a blank or at the end the block context too
    if _HASH_AFTER_BLANK.search(s):
        return False, False
    if _FLOW_INDICATOR.search(s, 1):
        flow = False
        if _COLON_THEN_BLANK.search(s, 1):
            block = False
    return block, flow


_HASH_AFTER_BLANK = re.compile(f"[{re.escape(_BLANKS)}]#")
_FLOW_INDICATOR = re.compile(r"[,?\[\]{}:]")
_COLON_THEN_BLANK = re.compile(f":(?:[{re.escape(_BLANKS)}]|\\Z)")


def _flow_memo(s: Any, scalars: dict) -> str:
    """:func:`_flow_str`, remembered in ``scalars`` (under ``("flow", s)``: a string's
    flow form may differ from its block form)."""
    if type(s) is not str:
        raise _Unsure
    key = ("flow", s)
    text = scalars.get(key)
    if text is None:
        text = scalars[key] = _flow_str(s)
    return text


def _flow_str(s: Any) -> str:
    if type(s) is not str:
        raise _Unsure
    return _scalar_str(s, flow=True)


def _scalar_str(s: str, flow: bool) -> str:
    if not s:
        return "''"
    if len(s) <= _LONGEST and not _SPECIAL.search(s):  # most text: one pass, then the resolvers
        return s if _implicitly_str(s) else "'" + s.replace("'", "''") + "'"
    if len(s) > _LONGEST or _UNUSUAL_CHAR.search(s):
        raise _Unsure
    block_ok, flow_ok = _plain_allowed(s)
    if (flow_ok if flow else block_ok) and _implicitly_str(s):
        return s
    return "'" + s.replace("'", "''") + "'"


def _other_scalar(v: Any) -> str:
    """Numbers and dates as PyYAML represents them (plain)."""
    t = type(v)
    if t is float:
        if not math.isfinite(v):
            raise _Unsure
        text = repr(v).lower()
        if "." not in text and "e" in text:
            text = text.replace("e", ".0e", 1)
        if _RESOLVES_FLOAT.match(text):
            return text
        raise _Unsure
    if t is int:
        return str(v)
    if t is dt.date:
        return v.isoformat()
    raise _Unsure


_RESOLVES_FLOAT = next(r for tag, r in _RESOLVERS["1"] if tag == "tag:yaml.org,2002:float")
