"""A validated cache of graph files: parse and validate YAML once, load it in milliseconds.

Parsing a large graph's YAML takes seconds; reading the same data back as columns takes
milliseconds. After a file validates, :func:`load_entry` writes its columnar form
(:mod:`supplychain.entry`: columns, the name index and the flow adjacency) to
``.supplychain-cache/<file name>.<sha256 of the file's bytes>.msgpack`` beside the file
(atomically); the next load of the same bytes reads that instead, validates nothing again
and builds a model only when one is asked for. The key is the content, not the
modification time, so an edited file (or one switched back by git) is never served from
a stale entry.

A cache entry is trusted only when everything matches: its name and its header carry the
file's hash, the header carries a fingerprint of the code that validated it (the
package's top-level modules, the pydantic version, the machine's byte order), a CRC-32
covers the rest, and the columns must agree in length. Anything else (a stale,
truncated or corrupt entry, a read-only folder, a failed write) means the YAML is read as
if there were no cache; nothing here ever fails a load. ``SUPPLYCHAIN_NO_CACHE=1`` turns
the cache off.

Examples
--------
>>> data = load_data("data/graph.yaml")
>>> data == load_data("data/graph.yaml", use_cache=False)
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from pathlib import Path

import msgspec

from . import store
from .entry import BYTE_ORDER, LAYOUT_VERSION, Entry
from .entry import encode as encode_entry
from .entry import encode_parts
from .files import atomic_writer
from .previous import take_kept
from .gcpause import gc_paused

CACHE_DIR = ".supplychain-cache"
MAGIC = b"SCGRAPH3"
_HEADER = len(MAGIC) + 4  # magic, then the CRC-32 of the payload


def enabled() -> bool:
    """False when ``SUPPLYCHAIN_NO_CACHE`` is set to anything but ``""`` or ``0``."""
    return os.environ.get("SUPPLYCHAIN_NO_CACHE", "") in ("", "0")


def cache_path(path: Path | str, digest: str) -> Path:
    """Where the cache entry of ``path`` with content hash ``digest`` lives."""
    path = Path(path)
    return path.parent / CACHE_DIR / f"{path.name}.{digest}.msgpack"


def load_entry(path: Path | str, *, use_cache: bool | None = None) -> Entry:
    """The :class:`~supplychain.entry.Entry` of a graph file, through the cache when it can.

    Its data equals what :func:`supplychain.store.load_data` returns for the file; errors
    are the same too (an invalid file is never cached, so it is parsed, and its problems
    reported, every time).
    """
    if use_cache is None:
        use_cache = enabled()
    path = Path(path)
    if not use_cache:
        return Entry.from_data(store.load_data(path))
    store.check_graph_file(path)  # no device, no pipe, nothing over the size limit
    try:
        raw = path.read_bytes()
    except OSError:
        return Entry.from_data(store.load_data(path))  # the usual one-line error for an unreadable file
    digest = hashlib.sha256(raw).hexdigest()
    found = read_entry(cache_path(path, digest), digest)
    if found is not None:
        found.source = (str(path), digest, found.canonical)
        return found
    del raw  # the store reads the file again and drops its bytes once parsed (less at the peak)
    names: dict = {}
    data, digest = store.read_graph(path, names=names)  # the digest of the bytes it validated
    payload = encode_entry(data, names)  # the name keys the checks made: not made again
    write_entry(cache_path(path, digest), digest, payload, source=path)
    entry = Entry.open(payload, data)
    entry.source = (str(path), digest, False)  # read, not written by us: maybe not canonical
    return entry


def save_graph(data, path: Path | str) -> str:
    """:func:`supplychain.store.write_graph`, leaving the cache entry of what it wrote: it
    validated those bytes anyway, so the next command is warm. Returns the SHA-256 of
    the bytes written (the text itself is not kept: 250 MB at 100k companies)."""
    names: dict = {}
    digest, checked, canonical = store.write_graph(data, path, names=names)
    remember(path, checked, names, digest=digest, kept=take_kept(path),  # the next load reads the cache, not 150 MB of YAML
             canonical=canonical)
    return digest


def remember(path: Path | str, data, names: dict | None = None, *, digest: str, kept=None,
             canonical: bool = True) -> bool:
    """Make the cache entry of a file :func:`supplychain.store.write_graph` just wrote:
    ``digest`` the SHA-256 of its bytes, ``data`` what validating them gave (``names``:
    the keys the checks made, see :func:`supplychain.entry.encode`). The entry says
    whether the file is canonical (``canonical``: the dump of ``data``, byte for byte), so
    that the next write of models read from it reuses the text of those it does not
    change (:func:`supplychain.previous.note_read`).
    ``kept``: what the write took from the file it replaced
    (:class:`supplychain.previous.Kept`), whose columns the entry reuses.
    Returns False (quietly) when the cache is off or not writable."""
    if not enabled():
        return False
    path = Path(path)
    try:
        payload = encode_parts(data, names) if kept is None else _encode_kept(data, names, kept)
    except AssertionError:  # the tests' check of the kept columns (SUPPLYCHAIN_VERIFY_KEPT)
        raise
    except Exception:  # noqa: BLE001 -- the file is written; a missing entry only costs time
        return False
    return write_entry(cache_path(path, digest), digest, payload, source=path, canonical=canonical)


def _encode_kept(data, names: dict | None, kept) -> list:
    """:func:`supplychain.entrykept.encode_kept`; with ``SUPPLYCHAIN_VERIFY_KEPT`` (the
    tests), checked against :func:`supplychain.entry.encode`."""
    from .entrykept import encode_kept
    from .slices import verify_kept

    payload = encode_kept(data, names, kept)
    if verify_kept() and b"".join(payload) != encode_entry(data, names):
        raise AssertionError("the cache entry made from the kept columns differs from the one encoded whole")
    return payload


def load_data(path: Path | str, *, use_cache: bool | None = None):
    """Like :func:`supplychain.store.load_data`, through the cache when it can."""
    return load_entry(path, use_cache=use_cache).data()


# --------------------------------------------------------------------------- format
#
# An entry is MAGIC, the CRC-32 of everything after it, the code fingerprint (32 ASCII
# characters), the SHA-256 of the graph file (64), ``C`` if the file was written by
# :func:`supplychain.store.write_graph` (canonical) or ``-`` if it was read, then the
# columns and indexes of :mod:`supplychain.entry`.

_FP, _DIGEST = 32, 64
_MARKS = {b"C": True, b"-": False}
_PAYLOAD = _HEADER + _FP + _DIGEST + 1
"""Where the columns begin in an entry."""


def fingerprint() -> str:
    """Changes whenever the code that validates or models a graph may have changed: a
    hash of the pydantic version, the machine's byte order and integer sizes, and every
    module at the top of the package (schema, store, names, entry, this one...; half a
    millisecond), so no rule is ever skipped by mistake."""
    from pydantic.version import VERSION

    h = hashlib.sha256(f"{VERSION} {BYTE_ORDER} {LAYOUT_VERSION}".encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.hexdigest()[:_FP]


_FINGERPRINT: str | None = None


def _fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = fingerprint()
    return _FINGERPRINT


def encode(data, digest: str, canonical: bool = False) -> bytes:
    """The cache entry of validated ``data`` read from a file whose bytes hash to ``digest``."""
    return _frame(encode_entry(data), digest, canonical)


def _frame(payload: bytes | list, digest: str, canonical: bool = False) -> bytes:
    header, parts = _frame_parts(payload, digest, canonical)
    return b"".join([header, *parts])


def _frame_parts(payload: bytes | list, digest: str, canonical: bool = False) -> tuple[bytes, list]:
    """The header of an entry and its payload as buffers (written one after the other,
    not joined: at 100k companies the payload is 100 MB). ``payload``: the bytes of
    :func:`supplychain.entry.encode`, or the buffers of :func:`supplychain.entry.encode_parts`."""
    ids = _fingerprint().encode() + digest.encode() + (b"C" if canonical else b"-")
    parts = payload if isinstance(payload, list) else [payload]
    crc = zlib.crc32(ids)
    for part in parts:
        crc = zlib.crc32(part, crc)
    return MAGIC + crc.to_bytes(4, "big") + ids, parts


def decode(blob: bytes, digest: str) -> Entry | None:
    """The :class:`~supplychain.entry.Entry` of a cache entry, or None if it is not a
    sound entry for ``digest`` made by this code."""
    if len(blob) < _PAYLOAD or blob[: len(MAGIC)] != MAGIC:
        return None
    body = memoryview(blob)[_HEADER:]
    if body[:_FP] != _fingerprint().encode() or body[_FP : _FP + _DIGEST] != digest.encode():
        return None
    canonical = _MARKS.get(bytes(body[_FP + _DIGEST : _FP + _DIGEST + 1]))
    if canonical is None or zlib.crc32(body) != int.from_bytes(blob[len(MAGIC) : _HEADER], "big"):
        return None
    with gc_paused():
        try:
            entry = Entry.open(body[_PAYLOAD - _HEADER :])
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
            return None
    entry.canonical = canonical
    return entry


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


def write_entry(entry: Path, digest: str, payload: bytes | list, source: Path | None = None,
                canonical: bool = False) -> bool:
    """Write a cache entry (``payload``: :func:`supplychain.entry.encode`, or the buffers
    of :func:`supplychain.entry.encode_parts`) atomically and drop older entries of the
    same file.

    The entry gets the read and write permissions of ``source`` (the graph file): it is
    exactly as private as the data it holds. Returns False, quietly, when it cannot be
    written (read-only folder, full disk...).
    """

    try:
        header, parts = _frame_parts(payload, digest, canonical)
        entry.parent.mkdir(exist_ok=True)
        with atomic_writer(entry, "wb", like=source) as f:
            f.write(header)
            for part in parts:
                f.write(part)
    except (OSError, TypeError, ValueError):
        return False
    prefix = entry.name[: -len(digest) - len(".msgpack")]
    with contextlib.suppress(OSError):
        for old in entry.parent.iterdir():
            name = old.name
            if old != entry and name.startswith(prefix) and name.endswith(".msgpack") and len(name) == len(entry.name):
                old.unlink()
    return True
