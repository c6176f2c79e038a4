"""`export html --driver D --portfolio FILE`: the book's holdings on the driver's page, offline and escaped."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES
from supplychain.cli import main
from supplychain.errors import SupplyChainError
from supplychain.export.html import export_html
from supplychain.export.html.looks import book_size

BOOK = FIXTURES / "portfolio" / "fund_book_gb18030.csv"


def nodes_of(html: str) -> list[dict]:
    return json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);\n", html, re.S).group(1))


def test_holdings_are_marked_and_sized_by_weight(graph, tmp_path):
    out = tmp_path / "book.html"
    export_html(graph, out, driver="阿里云资本开支", portfolio=BOOK)
    html = out.read_text(encoding="utf-8")
    nodes = {n["key"]: n for n in nodes_of(html)}
    held = {k for k, n in nodes.items() if n.get("borderWidth") == 4}
    assert held == {"innolight", "eoptolink", "ieit", "etf-515070"}  # 腾讯控股 and 阿里巴巴 are not reached
    assert nodes["innolight"]["size"] == book_size(0.2) > nodes["eoptolink"]["size"] == book_size(0.1)
    assert nodes["hengtong"]["size"] == book_size(None) < nodes["ieit"]["size"]
    assert ("4 of its 8 holdings drawn (50.0% of the book, exposure Σ weight × score 0.3880), "
            "2 not on the page (not reached), 2 not in the graph") in html
    assert "20.00% × score 0.900 = 0.1800 of the exposure of the book" in html
    # the same guarantees as every page: no request leaves the file
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", html)
    assert all(not re.search(r"\b(?:src|href|data)\s*=", t) for t in tags)
    assert "default-src 'none'" in html


def test_without_a_book_the_page_is_unchanged(graph, tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    export_html(graph, a, driver="阿里云资本开支")
    export_html(graph, b, driver="阿里云资本开支")
    assert a.read_bytes() == b.read_bytes()
    assert not any("borderWidth" in n for n in nodes_of(a.read_text(encoding="utf-8")))
    assert "marker size = exposure score" in a.read_text(encoding="utf-8")


def test_a_hostile_file_name_is_escaped(graph, tmp_path):
    evil = tmp_path / "<img src=x onerror=alert(1)>.csv"
    evil.write_bytes(BOOK.read_bytes())
    out = tmp_path / "evil.html"
    export_html(graph, out, driver="阿里云资本开支", portfolio=evil)
    html = out.read_text(encoding="utf-8")
    assert "<img src=x onerror=alert(1)>" not in html and "&lt;img src=x onerror=alert(1)&gt;.csv" in html


def test_errors_write_nothing(graph, tmp_path, capsys):
    out = tmp_path / "x.html"
    with pytest.raises(SupplyChainError, match="give --driver too"):
        export_html(graph, out, portfolio=BOOK)
    bad = tmp_path / "bad.csv"
    bad.write_text("证券代码,权重\n300308,x\n", encoding="utf-8")
    code = main(["export", "html", "--driver", "阿里云资本开支", "--portfolio", str(bad), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"Error: {bad}:2: ") and not out.exists()
    code = main(["export", "csv", "--portfolio", str(BOOK), "-o", str(tmp_path / "csv")])
    assert code == 1 and "apply to the html format only" in capsys.readouterr().err
