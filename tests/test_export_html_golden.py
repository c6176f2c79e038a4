"""The HTML page, byte for byte, against goldens written by the code before its split into modules.

``tests/fixtures/html/golden/*.html`` were written by ``export/html.py`` as one module
(commit d44fd53), from a frozen copy of the bundled graph (``golden/graph.yaml``) and
from the hostile-names fixture. The split package must write the same bytes. The two
stylesheets and scripts that pyvis inlines (vis-network, ~690 kB) are kept in the
goldens as their length and SHA-256, so a golden stays a readable, diffable page.

The page also carries the schema's vocabulary (the stances, the edge labels). The goldens
record the one they were made with: the stances are given back to the page while it is
written (it reads ``schema.STANCES`` at that moment), so a stance added to the schema
leaves these tests meaningful; a change of ``EDGE_RULES`` asks for the goldens to be
regenerated (and the diff reviewed) with ``.venv/bin/python tests/test_export_html_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest

from supplychain import load_graph, schema
from supplychain.export.html import export_html
from supplychain.schema import EDGE_RULES, STANCE_LABELS, STANCES

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests/fixtures/html/golden"
CASES = {
    "whole": ("golden/graph.yaml", {}),
    "driver": ("golden/graph.yaml", {"driver": "阿里云资本开支"}),
    "focus": ("golden/graph.yaml", {"focus": "中际旭创", "depth": 2}),
    "max-nodes": ("golden/graph.yaml", {"max_nodes": 30}),
    "hostile": ("graph.yaml", {"driver": "capex"}),
}
_BLOCK = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2>)", re.S)


def vocabulary() -> dict:
    return {
        "stances": [[s, STANCE_LABELS[s]] for s in STANCES],
        "edges": [[t, r.label, r.directed] for t, r in EDGE_RULES.items()],
    }


def readable(page: str) -> str:
    """The page with every inlined block over 100 kB (pyvis's copy of vis-network) as its digest."""

    def digest(m: re.Match) -> str:
        body = m.group(3)
        if len(body) <= 100_000:
            return m.group(0)
        return f"{m.group(1)}[{len(body)} characters, sha256 {hashlib.sha256(body.encode()).hexdigest()}]{m.group(4)}"

    return _BLOCK.sub(digest, page)


def page(case: str, tmp_path: Path) -> str:
    graph, kw = CASES[case]
    out = tmp_path / f"{case}.html"
    export_html(load_graph(ROOT / "tests/fixtures/html" / graph), out, **kw)
    return readable(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_page_is_the_golden(case, tmp_path, monkeypatch):
    recorded = json.loads((GOLDEN / "vocabulary.json").read_text(encoding="utf-8"))
    if recorded["edges"] != vocabulary()["edges"]:
        pytest.fail(
            "schema.EDGE_RULES changed since the HTML goldens were written: "
            "regenerate them with `.venv/bin/python tests/test_export_html_golden.py` and review the diff"
        )
    # the page reads the stances from the schema when it is written: give it the goldens' ones
    # (a stance added to the schema since changes the page's stance table, and only that)
    monkeypatch.setattr(schema, "STANCES", tuple(s for s, _ in recorded["stances"]))
    for s, label in recorded["stances"]:
        monkeypatch.setitem(schema.STANCE_LABELS, s, label)
    expected = (GOLDEN / f"{case}.html").read_text(encoding="utf-8")
    got = page(case, tmp_path)
    if got != expected:
        lines = list(zip(expected.splitlines(), got.splitlines()))
        first = next((i for i, (a, b) in enumerate(lines) if a != b), len(lines))
        pytest.fail(f"{case}: the page differs from the golden from line {first + 1}")


def test_readable_keeps_only_small_blocks():
    text = "<script>" + "x" * 100_001 + "</script><style>a{}</style>"
    assert readable(text) == (
        f"<script>[100001 characters, sha256 {hashlib.sha256(b'x' * 100_001).hexdigest()}]</script><style>a{{}}</style>"
    )


if __name__ == "__main__":  # regenerate the goldens
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            (GOLDEN / f"{case}.html").write_text(page(case, Path(tmp)), encoding="utf-8")
    (GOLDEN / "vocabulary.json").write_text(json.dumps(vocabulary(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} pages and vocabulary.json to {GOLDEN.relative_to(ROOT)}", file=sys.stderr)
