"""The security master: listings, English names and other names of listed companies.

Two kinds of file are read, both CSV (UTF-8, with or without a BOM, or GB18030):

- the curated ``tickers.csv`` (columns ``name_zh, name_en, ticker, exchange,
  also_listed``): hand-verified rows, HK/US listings, dual listings, preferred English
  names. Where it and the master both speak of a company, it wins.
- a security master: ``data/reference/a_shares.csv`` (every listed A-share) or a newer
  export of a vendor's stock list. Accepted headers (any one spelling per field, see
  :data:`COLUMNS`): the bundled file's 股票代码/股票名称/公司全称/英文名称/市场类型,
  tushare ``stock_basic`` (``ts_code, symbol, name, fullname, enname, market,
  list_status``), Wind/Choice exports (证券代码/证券简称/公司中文名称/英文名称/上市板).

>>> ref = load_reference(None, "data/graph.yaml")
>>> row = ref.lookup("工業富聯")
>>> row.name, row.ticker, row.exchange, row.name_en
('工业富联', '601138.SH', 'SSE Main Board', 'Foxconn Industrial Internet Co., Ltd.')
>>> ref.lookup("Foxconn Industrial Internet") is ref.lookup(None, "601138 CH") is row
True
>>> ref.lookup("中际旭创").name_en  # the curated file wins
'Zhongji Innolight Co., Ltd.'
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import msgspec

from .errors import FileFormatError, SupplyChainError
from .names import a_share_exchange, clean_name, normalize, strip_format, query_keys, ticker_keys
from .schema import Listing

CURATED = "tickers.csv"
MASTER = "a_shares.csv"

COLUMNS: dict[str, tuple[str, ...]] = {
    "ticker": ("ticker", "ts_code", "股票代码", "证券代码", "代码", "symbol", "code"),
    "name": ("name_zh", "name", "股票名称", "证券简称", "股票简称", "简称"),
    "full_name": ("fullname", "full_name", "公司全称", "公司中文名称", "公司名称", "证券全称"),
    "name_en": ("name_en", "enname", "英文名称", "公司英文名称", "英文全称"),
    "board": ("market", "市场类型", "上市板", "板块"),
    "status": ("list_status", "上市状态"),
    "exchange": ("exchange",),
    "also_listed": ("also_listed",),
}
"""Accepted spellings of each column (case-insensitive); ``ticker`` and ``name`` are required.
A bare six-digit code (tushare ``symbol``) gets its exchange from its leading digits."""

_BOARDS = {
    ("sh", "主板"): "SSE Main Board", ("sh", "main"): "SSE Main Board", ("sh", "科创板"): "SSE STAR Market",
    ("sh", "star"): "SSE STAR Market", ("sz", "主板"): "SZSE Main Board", ("sz", "main"): "SZSE Main Board",
    ("sz", "中小板"): "SZSE Main Board", ("sz", "创业板"): "SZSE ChiNext", ("sz", "chinext"): "SZSE ChiNext",
}
_EXCHANGES = {"sh": "SSE", "sz": "SZSE", "bj": "BSE", "hk": "HKEX"}
_CANONICAL = re.compile(r"\d{6}\.(SH|SZ|BJ)")
_TICKER = re.compile(r"^[0-9A-Za-z]{1,10}(\.[A-Za-z]{1,3})?$")
_LEGAL = {"co", "ltd", "inc", "corp", "corporation", "incorporated", "limited", "company", "plc", "llc",
          "holding", "holdings", "group", "sa", "ag", "nv", "se"}
_PARENS = re.compile(r"\([^)]*\)|（[^）]*）")
_WORDS = re.compile(r"[^\s,.]+")


@dataclass(eq=False)
class ReferenceRow:
    """One listed company (or ETF, index) as the reference knows it."""

    name: str
    name_en: str | None
    ticker: str | None
    exchange: str | None
    listings: tuple[Listing, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str = CURATED

    @property
    def short_en(self) -> str | None:
        """The English name without its legal form (computed once)."""
        if "_short_en" not in self.__dict__:
            self.__dict__["_short_en"] = short_english(self.name_en) if self.name_en else None
        return self.__dict__["_short_en"]


def short_english(name: str) -> str:
    """An English legal name without its legal form and parenthesised place.

    >>> short_english("Foxconn Industrial Internet Co., Ltd."), short_english("Wus Printed Circuit (Kunshan) Co., Ltd.")
    ('Foxconn Industrial Internet', 'Wus Printed Circuit')
    >>> short_english("Victory Giant Technology (HuiZhou)Co.,Ltd."), short_english("ZTE Corporation")
    ('Victory Giant Technology', 'ZTE')
    """
    words = _WORDS.findall(_PARENS.sub(" ", name))
    while len(words) > 1 and words[-1].casefold() in _LEGAL:
        words.pop()
    return " ".join(words) or name.strip()


class Reference:
    """Listings by name and by code, from the curated file and the security master.

    The name and code indexes are built on the first lookup: an ingest that meets no new
    company pays only for reading the files.

    >>> ref = Reference.load("data/reference/tickers.csv")
    >>> ref.lookup("中际旭创").ticker, ref.lookup(None, "516630").name
    ('300308.SZ', '云计算50ETF')
    """

    def __init__(self, rows: Iterable[ReferenceRow] = (), path: str | None = None):
        self.path = path
        self.rows: list[ReferenceRow] = []
        self._by_ticker: dict[str, ReferenceRow] = {}
        self._names: dict[str, ReferenceRow | None] | None = None  # None value: two rows share the name
        self._codes: dict[str, ReferenceRow | None] | None = None
        self._restore = None  # () -> (names, codes) of a kept reference (decode_kept), tried on the first lookup
        for row in rows:
            self.add(row)

    def add(self, row: ReferenceRow) -> None:
        """Add a row; a row for a listing already known only adds the names it lacks
        (the first file's fields win: load the curated file first)."""
        self._names = self._codes = self._restore = None
        full = row.ticker.upper() if row.ticker else None
        known = self._by_ticker.get(full) if full else None
        if known is None:
            self.rows.append(row)
            if full:
                self._by_ticker[full] = row
            return
        have = {normalize(x) for x in (known.name, known.name_en, known.short_en, *known.aliases) if x}
        extra = []
        for x in (row.name, *row.aliases, row.name_en, row.short_en):
            if x and normalize(x) not in have:
                have.add(normalize(x))
                extra.append(x)
        known.aliases = (*known.aliases, *extra)

    def _restored(self) -> bool:
        """Whether the indexes were taken from the kept reference (:func:`decode_kept`)."""
        restore, self._restore = self._restore, None
        if restore is None:
            return False
        try:
            self._names, self._codes = restore()
        except (ValueError, TypeError, IndexError, msgspec.DecodeError):
            self._names = self._codes = None
            return False
        return True

    @property
    def by_name(self) -> dict[str, ReferenceRow | None]:
        if self._names is None and not self._restored():
            index: dict = {}
            for row in self.rows:
                for text in (row.name, *row.aliases, row.name_en, row.short_en):
                    if text:
                        self._index(index, normalize(text), row)
            self._names = index
        return self._names

    @property
    def by_code(self) -> dict[str, ReferenceRow | None]:
        if self._codes is None and not self._restored():
            index: dict = {}
            for row in self.rows:
                for t in [row.ticker, *(x.ticker for x in row.listings)]:
                    if t:  # 601138.SH: what ticker_keys gives, without its regular expressions
                        keys = (t.casefold(), t[:6]) if _CANONICAL.fullmatch(t) else set(ticker_keys(t))
                        for key in keys:
                            self._index(index, key, row)
            self._codes = index
        return self._codes

    @staticmethod
    def _index(index: dict, key: str, row: ReferenceRow) -> None:
        if key not in index:
            index[key] = row
            return
        old = index[key]
        if old is row or old is None or (old.source == CURATED and row.source != CURATED):
            return  # the curated file wins
        index[key] = None  # ambiguous: two listings share the name

    @classmethod
    def load(cls, path: Path | str | None, required: bool = False) -> "Reference":
        """One file (curated or master shape); a missing file is an empty reference
        unless ``required`` (a file the user named)."""
        ref = cls(path=str(path) if path else None)
        if path is not None:
            for row in read_rows(path, required):
                ref.add(row)
        return ref

    def lookup(self, name: str | None, code: str | None = None) -> ReferenceRow | None:
        """The row a code names (any spelling), else the row a name names; None when
        nothing or more than one row fits."""
        if code:
            for key in query_keys(code):  # as Graph.matches reads a code
                if self.by_code.get(key):
                    return self.by_code[key]
        if name:
            return self.by_name.get(normalize(name))
        return None

    def __len__(self) -> int:
        return len(self.rows)


# --------------------------------------------------------------------------- files


def file_bytes(path: Path | str, required: bool = True) -> bytes | None:
    """The bytes of a reference CSV; None for a missing file that is not ``required``."""
    p = Path(path)
    if not p.is_file():
        if not required:
            return None
        what = "is a folder, not a CSV file" if p.is_dir() else "no such file"
        raise FileFormatError(str(p), 0, f"{what}; --reference takes a tickers or security-master CSV")
    return p.read_bytes()


def read_rows(path: Path | str, required: bool = True, data: bytes | None = None) -> list[ReferenceRow]:
    """The rows of one reference CSV, curated or master shape (told by its header);
    ``data``: its bytes, if read already."""
    p = Path(path)
    if data is None:
        data = file_bytes(p, required)
        if data is None:
            return []
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise FileFormatError(str(p), 1, "not a UTF-8 or GB18030 text file; save the CSV as UTF-8")
    text = strip_format(text)  # invisible format characters go before anything reads a name
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    cols = _columns(header)
    if "ticker" not in cols or "name" not in cols:
        raise FileFormatError(
            str(p), 1,
            "no accepted header: a reference CSV needs a code column (" + ", ".join(COLUMNS["ticker"][:5])
            + ") and a name column (" + ", ".join(COLUMNS["name"][:5]) + "); see docs/ingest.md",
        )
    curated = header[cols["name"]].strip().casefold() == "name_zh"
    source = CURATED if curated else p.name
    width = max(cols.values()) + 1
    i_ticker, i_name = cols["ticker"], cols["name"]
    i_full, i_en, i_board, i_status, i_exchange, i_also = (
        cols.get(k, -1) for k in ("full_name", "name_en", "board", "status", "exchange", "also_listed")
    )
    rows = []
    for line, r in enumerate(reader, start=2):
        if len(r) < width:
            if not any(x.strip() for x in r):
                continue
            raise FileFormatError(str(p), line, f"{len(r)} columns where the header has {len(header)}")
        r.append("")  # what an absent column (index -1) reads
        if r[i_status].strip().upper() in ("D", "退市", "DELISTED"):
            continue
        name, ticker = r[i_name].strip(), r[i_ticker].strip()
        if not name:
            raise FileFormatError(str(p), line, "a row without a name")
        if ticker:
            ticker = ticker if _CANONICAL.fullmatch(ticker) else _ticker(ticker, str(p), line)
        elif not curated:
            raise FileFormatError(str(p), line, f"{name}: a row without a code")
        full_name = r[i_full].strip()
        rows.append(
            ReferenceRow(
                name=name,
                name_en=r[i_en].strip() or None,
                ticker=ticker or None,
                exchange=r[i_exchange].strip() or None if curated else _exchange(ticker, r[i_board]),
                listings=_listings(r[i_also]) if r[i_also] else (),
                aliases=(full_name,) if full_name and full_name != name else (),
                source=source,
            )
        )
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    spelled = {clean_name(h).casefold(): i for i, h in enumerate(header)}
    out = {}
    for field, names in COLUMNS.items():
        for n in names:
            if n.casefold() in spelled:
                out[field] = spelled[n.casefold()]
                break
    return out


def _ticker(text: str, file: str, line: int) -> str:
    """A code as the graph writes it (``601138.SH``, ``0700.HK``, ``NVDA``), or a file:line error."""
    t = text.strip().upper()
    if re.fullmatch(r"\d{6}", t) and a_share_exchange(t):
        return f"{t}.{a_share_exchange(t).upper()}"
    m = re.fullmatch(r"(SH|SZ|BJ)(\d{6})", t)
    if m:
        return f"{m.group(2)}.{m.group(1)}"
    if not _TICKER.fullmatch(t):
        raise FileFormatError(file, line, f"{text!r} is not a ticker (e.g. 601138.SH, 0700.HK, NVDA)")
    return t


def _exchange(ticker: str, board: str) -> str | None:
    suffix = ticker[ticker.rfind(".") + 1 :].casefold() if "." in ticker else ""
    return _BOARDS.get((suffix, board)) or _BOARDS.get((suffix, board.strip().casefold())) or _EXCHANGES.get(suffix)


def _listings(text: str) -> tuple[Listing, ...]:
    out = []
    for part in re.split(r";\s*(?![^()]*\))", text or ""):
        m = re.match(r"^\s*([A-Za-z0-9.]+)\s*(?:\((.*)\))?\s*$", part)
        if m:
            out.append(Listing(ticker=m.group(1), note=m.group(2) or None))
    return tuple(out)


# --------------------------------------------------------------------------- the default


def _candidates(graph_path: Path | str | None, file: str) -> list[Path]:
    out = []
    if graph_path is not None:
        out.append(Path(graph_path).parent / "reference" / file)
    out.append(Path("data/reference") / file)
    out.append(Path(__file__).resolve().parents[2] / "data" / "reference" / file)  # a clone's, from anywhere
    return out


def default_reference(graph_path: Path | str | None, file: str = CURATED) -> Path | None:
    """``reference/FILE`` beside the graph file, else ``data/reference/FILE`` (of the
    working directory, then of the clone the package runs from)."""
    return next((c for c in _candidates(graph_path, file) if c.is_file()), None)


def load_reference(reference: Path | str | None, graph_path: Path | str | None) -> Reference:
    """The curated file and the security master; ``reference`` (a file the user named)
    replaces the one of its shape. A named file that is missing or unreadable is an error.
    Kept, indexed, beside the graph's cache entry for the next command
    (:func:`_load_kept`).
    """
    sources: list[tuple[str, Path | None, bytes | None]] = []
    if reference is not None:
        sources.append(("named", Path(reference), file_bytes(reference, required=True)))
    for shape in (CURATED, MASTER):
        path = default_reference(graph_path, shape)
        sources.append((shape, path, file_bytes(path, required=False) if path else None))
    name = str(reference) if reference else None
    return _load_kept(sources, graph_path, lambda: _build(sources, name), name)


def _build(sources: list[tuple[str, Path | None, bytes | None]], name: str | None) -> Reference:
    """:func:`load_reference` from the files' bytes."""
    given = {role: (path, data) for role, path, data in sources}
    named = None
    if "named" in given:
        path, data = given["named"]
        named = read_rows(path, data=data)
    curated_named = bool(named) and named[0].source == CURATED
    ref = Reference(path=name)
    for shape, replaced in ((CURATED, curated_named), (MASTER, named is not None and not curated_named)):
        if replaced:
            rows = named
        else:
            path, data = given[shape]
            rows = read_rows(path, data=data) if path is not None and data is not None else []
        for row in rows:
            ref.add(row)
    return ref


# --------------------------------------------------------------------------- kept beside the graph
#
# Reading ``a_shares.csv`` (5,485 rows) and the curated ``tickers.csv``, then indexing every
# name and code, was a fifth of a second that every ``ingest`` and ``apply`` paid before it
# looked at the graph. The rows and both indexes are kept in
# ``.supplychain-cache/reference.<key>.msgpack`` beside the graph file (once the graph's own
# cache entry has made that folder), under a key made of
# the SHA-256 of every CSV read (and the role it played) and the code fingerprint
# (:func:`supplychain.cache._fingerprint`: any change to the code that reads or normalises a
# name makes a new key). An edited CSV, a newer master or other code finds no entry and
# reads the files again; a missing, unreadable or corrupt entry is read around, never
# trusted. ``SUPPLYCHAIN_NO_CACHE`` turns it off like the graph's cache.


KEPT_VERSION = 1
"""Bumped whenever the layout of a kept reference changes."""


def kept_key(sources: list[tuple[str, Path | None, bytes | None]]) -> str:
    """The entry's name for these (role, path, bytes) sources: their bytes' SHA-256, the
    role each played, the layout version and the code fingerprint."""
    from .cache import _fingerprint

    h = hashlib.sha256(f"{KEPT_VERSION} {_fingerprint()}".encode())
    for role, _, data in sources:
        h.update(role.encode() + b"\0" + (hashlib.sha256(data).digest() if data is not None else b"-"))
    return h.hexdigest()[:32]


def kept_path(graph_path: Path | str | None, name: str) -> Path | None:
    """Where the entry lives: the graph's cache folder (None without a graph file)."""
    from .cache import CACHE_DIR

    if graph_path is None:
        return None
    return Path(graph_path).parent / CACHE_DIR / f"reference.{name}.msgpack"


def encode_kept(ref: Reference) -> bytes:
    """The rows of ``ref`` (after the curated file's rows absorbed the master's names) and
    both indexes, each key with the place of its row (-1: two rows share it); the indexes
    apart, decoded on the first lookup (an ``apply`` that meets no new name never does)."""
    place = {id(row): i for i, row in enumerate(ref.rows)}
    rows = [
        [r.name, r.name_en, r.ticker, r.exchange, [[x.ticker, x.exchange, x.note] for x in r.listings],
         list(r.aliases), r.source]
        for r in ref.rows
    ]
    names, codes = ref.by_name, ref.by_code
    indexes = msgspec.msgpack.encode([
        list(names), [place[id(r)] if r is not None else -1 for r in names.values()],
        list(codes), [place[id(r)] if r is not None else -1 for r in codes.values()],
    ])
    return msgspec.msgpack.encode((KEPT_VERSION, rows, msgspec.Raw(indexes)))


def decode_kept(blob: bytes, path: str | None) -> Reference:
    """The :class:`Reference` :func:`encode_kept` kept (raises on
    anything else; a fault in the indexes raises on the first lookup, which then indexes
    the rows anew)."""
    version, rows, indexes = msgspec.msgpack.decode(blob, type=tuple[int, list, msgspec.Raw])
    if version != KEPT_VERSION:
        raise ValueError("not a reference entry of this layout")
    ref = Reference(path=path)
    made = []
    by_ticker = ref._by_ticker
    for name, name_en, ticker, exchange, listings, aliases, source in rows:
        row = ReferenceRow(
            name, name_en, ticker, exchange,
            tuple(Listing.model_construct(ticker=t, exchange=e, note=n) for t, e, n in listings) if listings else (),
            tuple(aliases), source,
        )
        made.append(row)
        if ticker:
            by_ticker[ticker.upper()] = row
    ref.rows = made

    def restore() -> tuple[dict, dict]:
        name_keys, name_rows, code_keys, code_rows = msgspec.msgpack.decode(indexes)
        if len(name_keys) != len(name_rows) or len(code_keys) != len(code_rows):
            raise ValueError("a reference entry's indexes do not line up")
        return ({k: made[i] if i >= 0 else None for k, i in zip(name_keys, name_rows)},
                {k: made[i] if i >= 0 else None for k, i in zip(code_keys, code_rows)})

    ref._restore = restore
    return ref


def _load_kept(sources: list[tuple[str, Path | None, bytes | None]], graph_path, build, path: str | None) -> Reference:
    """The reference of these sources: from its entry when there is one, else ``build()``
    (then kept for the next command, in the graph's cache folder if there is one)."""
    from .cache import enabled
    from .files import atomic_writer

    if not enabled():
        return build()
    name = kept_key(sources)
    where = kept_path(graph_path, name)
    if where is None:
        return build()
    with contextlib.suppress(OSError, ValueError, TypeError, IndexError, msgspec.DecodeError):
        return decode_kept(where.read_bytes(), path)
    ref = build()
    if not where.parent.is_dir():  # kept only where the graph's own entry made the folder: a
        return ref  # command refused before it read a sound graph leaves nothing behind
    with contextlib.suppress(OSError, ValueError, TypeError):
        blob = encode_kept(ref)
        with atomic_writer(where, "wb") as f:
            f.write(blob)
        for old in where.parent.glob("reference.*.msgpack"):  # entries of older files or code
            if old != where:
                with contextlib.suppress(OSError):
                    old.unlink()
    return ref


def ticker_from_code(code: str) -> str:
    """A listing code with its exchange suffix inferred from the code's range.

    >>> ticker_from_code("603019"), ticker_from_code("300308"), ticker_from_code("0700"), ticker_from_code("BABA")
    ('603019.SH', '300308.SZ', '0700.HK', 'BABA')
    """
    code = code.upper()
    if re.fullmatch(r"\d{6}", code):
        return f"{code}.{a_share_exchange(code).upper()}"
    if re.fullmatch(r"\d{4,5}", code):
        return f"{code.lstrip('0').zfill(4)}.HK"
    return code


__all__ = ["Reference", "ReferenceRow", "load_reference", "default_reference", "ticker_from_code", "SupplyChainError"]
