"""Holdings files as brokers and portfolio systems export them: rows of code, name, weight.

A holdings file is CSV (UTF-8 with or without BOM, or GB18030, or UTF-16 with a BOM as
Excel's "Unicode text" writes it; comma, tab or semicolon separated; a text file named
``.xls``, as some terminals export, is text) or XLSX (the first sheet). The header row is found among the first 20 rows:
preamble lines (account, date) above it are skipped. Columns are recognised by their
header, Chinese or English, case, width and units ignored (``权重(%)`` is ``权重``):

======== =========================================================================
role     headers
======== =========================================================================
code     证券代码 代码 股票代码 基金代码 成分券代码 ticker code symbol
name     证券名称 名称 股票名称 证券简称 简称 成分券名称 name security
quantity 持仓数量 数量 持股数量 股数 quantity shares qty
value    市值 持仓市值 最新市值 参考市值 market value mv
weight   权重 占比 持仓占比 占净值比例 仓位 weight
======== =========================================================================

Weights come from the weight column, else from market value (each row's share of the
total), else are equal. A weight column is read as **percent** when its header or any
cell carries ``%`` or when its values add up to more than 1.5 (fractions of one book
cannot); otherwise as fractions. Weights from the weight column are kept as given (a
book whose weights add up to 95% has 5% elsewhere, e.g. cash); more than 100.5% is an
error. A row whose code or name is a total (合计, 总计, total) is skipped.

>>> parse_number("1,234.5"), parse_number("12.5%"), parse_number("--")
(1234.5, 12.5, None)
>>> header_role("权重(%)"), header_role("Market Value"), header_role("证券代码"), header_role("备注")
('weight', 'value', 'code', None)
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FileFormatError
from ..names import normalize

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("证券代码", "代码", "股票代码", "基金代码", "成分券代码", "成份券代码", "ticker", "code", "symbol", "securitycode"),
    "name": ("证券名称", "名称", "股票名称", "证券简称", "简称", "成分券名称", "成份券名称", "name", "security", "securityname"),
    "quantity": ("持仓数量", "数量", "持股数量", "股数", "quantity", "shares", "qty"),
    "value": ("市值", "持仓市值", "最新市值", "参考市值", "marketvalue", "mv"),
    "weight": ("权重", "占比", "持仓占比", "占净值比例", "仓位", "weight", "portfolioweight"),
}
"""Header spellings (normalised: no case, width or spaces) of each column role."""

_ROLE_OF = {h: role for role, hs in HEADERS.items() for h in hs}
_UNITS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_TOTALS = {"合计", "总计", "小计", "total", "合计:", "总计:"}
HEADER_SEARCH_ROWS = 20
MAX_OVERWEIGHT = 1.005


@dataclass(frozen=True)
class Row:
    """One holding as the file gives it: the line it is on and its cells by role."""

    line: int
    code: str | None
    name: str | None
    quantity: float | None = None
    value: float | None = None
    weight: float | None = None  # a fraction of the book, once read
    text: str = ""  # the row as written (CSV: the line; XLSX: the cells joined by commas)


@dataclass
class HoldingsFile:
    """The rows of a holdings file and where their weights came from."""

    path: str
    rows: list[Row] = field(default_factory=list)
    weights_from: str = "equal"  # "weight", "value" or "equal"
    percent: bool = False  # the weight column was in percent
    columns: dict[str, str] = field(default_factory=dict)  # role -> header as written

    @property
    def weight_total(self) -> float:
        return sum(r.weight or 0.0 for r in self.rows)

    def describe_weights(self) -> str:
        if self.weights_from == "weight":
            unit = "percent" if self.percent else "fractions"
            return f"weights from the weight column ({self.columns['weight']}, {unit})"
        if self.weights_from == "value":
            return f"weights from market value ({self.columns['value']}), each row's share of the total"
        return "equal weights (the file has no weight or market value column)"


def header_role(text: str) -> str | None:
    """The role of a column from its header, or None."""
    key = normalize(_UNITS.sub("", str(text))).replace("%", "").replace("％", "").strip(":：")
    return _ROLE_OF.get(key)


def parse_number(text) -> float | None:
    """A cell as a number: thousands separators, ``%`` and blanks (``-``, ``--``) allowed."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    t = normalize(str(text)).replace(",", "").rstrip("%")
    if t in ("", "-", "--", "—", "n/a", "na"):
        return None
    return float(t)  # ValueError: the caller names the line


def read_holdings(path: Path | str) -> HoldingsFile:
    """Read a holdings file (see the module docstring); raises :class:`FileFormatError`
    naming the file and line of the first problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise FileFormatError(str(path), 0, f"cannot read the file ({e.strerror or e})") from None
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an old binary .xls (a text file named .xls is read as text)
        raise FileFormatError(str(path), 0, "an old binary .xls workbook; save it as .xlsx or CSV")
    if raw.startswith(b"PK\x03\x04"):
        lines = _xlsx_rows(path, raw)
    else:
        lines = _csv_rows(path, raw)
    return _interpret(str(path), lines)


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise FileFormatError(str(path), 1, "a UTF-16 byte order mark but not UTF-16 text; save the file as UTF-8 CSV") from None
    if b"\x00" in raw[:4096]:
        raise FileFormatError(str(path), 1, "binary file, expected CSV text or an XLSX workbook")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise FileFormatError(str(path), line, "neither UTF-8 nor GB18030 text; save the file as UTF-8 CSV") from None


def _csv_rows(path: Path, raw: bytes) -> list[tuple[int, list, str]]:
    """(line number, cells, the line as written) of every non-empty CSV row."""
    text = _decode(path, raw)
    sample = text.splitlines()[:HEADER_SEARCH_ROWS]
    # the separator used most in the first rows (comment and preamble lines have few)
    delimiter = max(",\t;|", key=lambda d: (sum(line.count(d) for line in sample), d == ","))
    dialect = csv.excel
    out = []
    physical = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter)
    try:
        for cells in reader:
            line = reader.line_num
            if any(c.strip() for c in cells):
                out.append((line, [c.strip() for c in cells], physical[line - 1] if line <= len(physical) else ""))
    except csv.Error as e:
        raise FileFormatError(str(path), reader.line_num, f"not a readable CSV row ({e})") from None
    return out


def _xlsx_rows(path: Path, raw: bytes) -> list[tuple[int, list, str]]:
    """(row number, cells, the cells joined by commas) of every non-empty row of the first sheet."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, ValueError, TypeError, OSError, EOFError)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # read-only mode trusts the file's stated size, which exporters get wrong
            out = []
            for i, cells in enumerate(ws.iter_rows(values_only=True), 1):
                values = [_cell(c) for c in cells]
                if any(v not in (None, "") for v in values):
                    out.append((i, values, ",".join("" if v is None else str(v) for v in values)))
        finally:
            wb.close()
    except unreadable as e:
        raise FileFormatError(str(path), 0, f"not a readable XLSX workbook ({type(e).__name__}: {e}); "
                              "save it again from Excel or export CSV") from None
    return out


def _cell(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # a code typed as a number, 300308.0
    if isinstance(value, str):
        return value.strip()
    return value


def _interpret(path: str, lines: list[tuple[int, list, str]]) -> HoldingsFile:
    if not lines:
        raise FileFormatError(path, 1, "empty file: expected a header row and one row per holding")
    header_at = None
    for k, (_, cells, _) in enumerate(lines[:HEADER_SEARCH_ROWS]):
        roles = [header_role(c) if c is not None else None for c in cells]
        if "code" in roles or "name" in roles:
            header_at = k
            break
    if header_at is None:
        raise FileFormatError(path, lines[0][0], "no header row with a code or name column "
                              "(证券代码/代码/ticker/code or 证券名称/名称/name) in the first 20 rows")
    hline, hcells, _ = lines[header_at]
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    for i, c in enumerate(hcells):
        role = header_role(c) if c is not None else None
        if role and role not in columns:
            columns[role] = i
            written[role] = str(c)
    hf = HoldingsFile(path, columns=written)

    def cell(cells, role):
        i = columns.get(role)
        if i is None or i >= len(cells) or cells[i] is None:
            return None
        v = cells[i]
        return str(v).strip() or None if not isinstance(v, (int, float)) else v

    rows = []
    percent_seen = "%" in written.get("weight", "") or "％" in written.get("weight", "")
    for line, cells, text in lines[header_at + 1:]:
        if cells == hcells:
            continue  # the header again (exports repeat it on every page)
        code, name = cell(cells, "code"), cell(cells, "name")
        code = None if code is None else str(code)
        if code is None and name is None:
            continue
        if any(x is not None and normalize(str(x)).rstrip(":：") in _TOTALS for x in (code, name)):
            continue  # the total row exports end with
        numbers = {}
        for role in ("quantity", "value", "weight"):
            v = cell(cells, role)
            if isinstance(v, str) and "%" in v:
                percent_seen = percent_seen or role == "weight"
            try:
                numbers[role] = parse_number(v)
            except ValueError:
                raise FileFormatError(path, line, f"{written[role]}: {v!r} is not a number") from None
            if numbers[role] is not None and numbers[role] < 0:
                raise FileFormatError(path, line, f"{written[role]}: {v!r} is negative; short positions are not supported")
        rows.append(Row(line, code, None if name is None else str(name), numbers["quantity"], numbers["value"], numbers["weight"], text))
    if not rows:
        raise FileFormatError(path, hline, "a header but no holdings below it")
    hf.rows = _weigh(path, rows, hf, percent_seen)
    return hf


def _weigh(path: str, rows: list[Row], hf: HoldingsFile, percent_seen: bool) -> list[Row]:
    """Give every row its weight as a fraction of the book (see the module docstring)."""
    from dataclasses import replace

    for role in ("weight", "value"):
        given = [r for r in rows if getattr(r, role) is not None]
        if not given:
            continue
        missing = next((r for r in rows if getattr(r, role) is None), None)
        if missing is not None:
            raise FileFormatError(path, missing.line, f"{hf.columns[role]} is empty here but given on other rows; fill it in or remove the row")
        total = sum(getattr(r, role) for r in rows)
        if total <= 0:
            raise FileFormatError(path, rows[0].line, f"{hf.columns[role]}: the column adds up to 0")
        if role == "weight":
            hf.weights_from = "weight"
            hf.percent = percent_seen or total > 1.5
            scale = 0.01 if hf.percent else 1.0
            if total * scale > MAX_OVERWEIGHT:
                raise FileFormatError(path, rows[-1].line, f"{hf.columns['weight']}: the weights add up to {total * scale:.2%}, "
                                      "more than the whole book; check the column (percent or fractions)")
            return [replace(r, weight=r.weight * scale) for r in rows]
        hf.weights_from = "value"
        return [replace(r, weight=r.value / total) for r in rows]
    hf.weights_from = "equal"
    return [replace(r, weight=1.0 / len(rows)) for r in rows]
