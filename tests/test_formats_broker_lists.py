"""A broker note that speaks of its list (推荐组合, 推荐名单) names no company called 组合."""

from __future__ import annotations

from pathlib import Path

from conftest import run

NOTE = Path("tests/fixtures/notes/broker_switches_20251212.md")


def test_the_list_itself_is_not_a_name(graph_copy, tmp_path, capsys):
    text = NOTE.read_text(encoding="utf-8")
    assert "## 投资建议" in text
    note = tmp_path / NOTE.name
    note.write_text(text.replace("## 投资建议", "## 投资建议：本周推荐组合调整，维持推荐名单不变。", 1), encoding="utf-8")
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", "--dry-run", str(note))
    assert code == 0, err
    assert "组合" not in out and "名单" not in out.replace("name list", "")
    code, plain, _ = run(capsys, "--graph", graph_copy, "ingest", "--dry-run", str(NOTE))
    new = lambda text: sorted(x for x in text.splitlines() if x.startswith("  new company"))  # noqa: E731
    assert new(out) == new(plain) and new(out)  # the same companies as the note without the sentence
