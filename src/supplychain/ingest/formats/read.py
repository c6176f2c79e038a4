"""A note's text from wherever it comes: a text file (.md, .txt, anything UTF-8), an
HTML page, a PDF with a text layer, or standard input (``-``).

The kind is told by the content, never by the file name: ``%PDF-`` at the start is a
PDF; markup such as ``<html``, ``<body``, ``<p>``, ``<table`` is HTML (in UTF-8 or the
charset its ``<meta>`` declares: GBK, Big5); anything else is UTF-8 text. HTML becomes lines of text with each table row as ``| cell | cell |`` (so rating
tables read as in Markdown); a PDF becomes its pages' text with lines wrapped by the
page width joined again (:func:`unwrap`).

>>> html_text("<h1>通信行业点评</h1><p>建议关注紫光股份。</p><table><tr><th>证券简称</th><th>评级</th></tr>"
...           "<tr><td>紫光股份</td><td>买入</td></tr></table>").splitlines()
['# 通信行业点评', '建议关注紫光股份。', '| 证券简称 | 评级 |', '| 紫光股份 | 买入 |']
"""

from __future__ import annotations

import io
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from ...errors import FileFormatError

STDIN = "-"

_HTML = re.compile(r"(?is)^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<h[1-6][\s>]|<p[\s>]|<div[\s>]|<table[\s>])")


def read_source(path: Path | str) -> tuple[str, str]:
    """(text, kind) of the note at ``path`` (``-`` = standard input); kind is text, html or pdf."""
    from ...files import read_bytes
    from ..parse import NOTE_LIMIT, read_note

    if str(path) == STDIN:
        data = sys.stdin.buffer.read(NOTE_LIMIT + 1)
        if len(data) > NOTE_LIMIT:
            raise FileFormatError("<stdin>", 0, f"the note is over the {NOTE_LIMIT // 1_000_000} MB limit; split it")
        if not data.strip():
            raise FileFormatError("<stdin>", 1, "empty input; expected a research note on standard input")
        return _decoded(data, "<stdin>")
    p = Path(path)
    if p.is_file():
        with open(p, "rb") as f:
            head = f.read(4096)
        if head.startswith(b"%PDF-"):
            return pdf_text(read_bytes(p, limit=NOTE_LIMIT, what="the note"), str(p)), "pdf"
        declared = _CHARSET.search(head)
        if declared and _HTML.match(head.decode("ascii", "ignore")):
            data = read_bytes(p, limit=NOTE_LIMIT, what="the note")
            return html_text(_declared(data, declared.group(1).decode("ascii").lower(), str(p))), "html"
    text = read_note(p)
    if _HTML.match(text):
        return html_text(text), "html"
    return text, "text"


_CHARSET = re.compile(rb"(?i)<meta[^>]*charset\s*=\s*[\"']?\s*(gb2312|gbk|gb18030|big5|utf-8)")


def _declared(data: bytes, charset: str, file: str) -> str:
    """An HTML page in the charset its ``<meta>`` declares (Chinese sites still serve GBK and Big5)."""
    codec = {"gb2312": "gb18030", "gbk": "gb18030"}.get(charset, charset)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FileFormatError(file, line, f"not valid {charset} text, though the page declares it") from None


def _decoded(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(b"%PDF-"):
        return pdf_text(data, file), "pdf"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileFormatError(file, 1, f"not UTF-8 text (byte {e.start}); save the note as UTF-8") from None
    if "\x00" in text:
        raise FileFormatError(file, 1, "binary input, expected UTF-8 text, HTML or a PDF")
    return (html_text(text), "html") if _HTML.match(text) else (text, "text")


# --------------------------------------------------------------------------- HTML

_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
          "ul", "ol", "header", "footer", "blockquote", "pre", "title", "hr"}
_SKIP = {"script", "style", "head"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.prefix = ""

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        if text:
            self.lines.append(self.prefix + text)
        self.cur, self.prefix = [], ""

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "tr":
            self.flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCK:
            self.flush()
            if re.fullmatch(r"h[1-6]", tag):
                self.prefix = "#" * int(tag[1]) + " "
            elif tag == "li":
                self.prefix = "- "

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip().replace("|", "/"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append("| " + " | ".join(self.row) + " |")
            self.row = None
        elif tag in _BLOCK:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        (self.cell if self.cell is not None else self.cur).append(data)


def html_text(html: str) -> str:
    """The text of an HTML page: one line per block, ``# `` for headings, ``- `` for list
    items, ``| a | b |`` for table rows (the standard library's parser: no dependency)."""
    p = _Text()
    p.feed(html)
    p.close()
    p.flush()
    return "\n".join(p.lines) + "\n"


# --------------------------------------------------------------------------- PDF


def pdf_text(data: bytes, file: str) -> str:
    """The text layer of a PDF (pypdf), wrapped lines joined; a PDF without one is an error."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as e:  # malformed files raise any of these
        raise FileFormatError(file, 0, f"cannot read this PDF ({e}); export the note as text or Markdown") from None
    text = "\n".join(unwrap(p.splitlines()) for p in pages)
    if not text.strip():
        raise FileFormatError(file, 0, "the PDF has no text layer (a scan?); run OCR first or export it as text")
    return text + "\n"


_ENDS = tuple("。！？：；.!?:;|）)")


def unwrap(lines: list[str]) -> str:
    """Join the lines a PDF wrapped at the page width: a line as long as the longest ones
    (within 15%) that does not end a sentence continues on the next line.

    >>> unwrap(["投资建议：建议关注紫光股份、锐捷网络；受益标", "的菲菱科思。", "风险提示"])
    '投资建议：建议关注紫光股份、锐捷网络；受益标的菲菱科思。\\n风险提示'
    """
    lines = [x.rstrip() for x in lines]
    width = max((_width(x) for x in lines), default=0)
    out: list[str] = []
    joining = False
    for x in lines:
        if joining and out and x.strip() and not x.lstrip().startswith(("|", "- ", "#")):
            prev = out[-1]
            latin = sum(c.isascii() for c in prev) > 0.8 * len(prev)  # English wraps at spaces, Chinese anywhere
            sep = " " if latin and prev[-1:].isalnum() and x[:1].isascii() else ""
            out[-1] = prev + sep + x.strip()
        else:
            out.append(x)
        cur = out[-1]
        joining = bool(cur) and width > 0 and _width(x) >= 0.85 * width and not cur.endswith(_ENDS) \
            and not cur.lstrip().startswith(("|", "#"))
    return "\n".join(out)


def _width(line: str) -> int:
    """Display width: a CJK character is two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in line)
