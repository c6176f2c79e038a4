"""`supplychain brief DRIVER`: every section, nothing unsourced, an offline HTML page."""

from __future__ import annotations

import datetime as dt
import re

from conftest import run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)

SECTIONS = ("## Latest figures", "## Names by sub-sector", "## What changed since", "## Risks", "## Notes")


def _markdown(g, driver, since=None):
    from supplychain.brief.build import build_brief
    from supplychain.brief.markdown import to_markdown

    return to_markdown(build_brief(g, driver, since=since))


def _quotes(g) -> set[str]:
    out = {c.quote for e in g.edges for c in e.claims}
    out |= {m.source.quote for n in g.nodes.values() for m in getattr(n, "metrics", ())}
    return out


def test_every_section_and_nothing_unsourced(brief_graph):
    md = _markdown(brief_graph, "阿里云资本开支", since=dt.date(2025, 12, 5))
    assert [s for s in SECTIONS if s not in md] == []
    body, notes = md.split("## Notes", 1)
    bullets = [ln for ln in body.splitlines() if ln.startswith("- ")]
    assert len(bullets) > 40
    unsourced = [ln for ln in bullets if not re.search(r" \[\^\d+\]$", ln)]
    assert unsourced == []
    defs = {n: (r, q) for n, r, q in re.findall(r"(?m)^\[\^(\d+)\]: `([a-z0-9-]+)` \(\d{4}-\d\d-\d\d\): “(.*)”$", notes)}
    cited = set(re.findall(r"\[\^(\d+)\]", body))
    assert cited == set(defs)  # every reference defined, every definition used
    quotes = _quotes(brief_graph)
    defs_quotes = re.findall(r"(?m)^\[\^\d+\]: `[a-z0-9-]+` \(\d{4}-\d\d-\d\d\): “(.*)”$", notes)
    assert [q for q in defs_quotes if q not in quotes] == []  # every quote is a real claim or metric source
    for report in set(re.findall(r"(?m)^\[\^\d+\]: `([a-z0-9-]+)`", notes)):
        assert f"`{report}`" in notes.split("[^1]:", 1)[0]  # listed among the notes


def test_figures_names_changes_and_risks_are_right(brief_graph):
    md = _markdown(brief_graph, "阿里云资本开支", since=dt.date(2025, 12, 5))
    # the latest figure of each name: FY2026Q3 guidance (12-03) and the 12-10 YoY
    figures = md.split("## Latest figures", 1)[1].split("##", 1)[0]
    assert "- 资本开支指引 380 亿元, +20.6% YoY, FY2026Q3 [^" in figures
    assert "- 资本开支 315.01 亿元, +80.1% YoY, FY2026Q2 [^" in figures
    # the Tencent note's 推荐 (12-05) is not about Alibaba: only the seed's listing counts here
    assert "浪潮信息 000977.SZ: listed 提及, score 0.540; 1 note, 2025-11-26, trend new [^" in md
    assert "欧陆通 300870.SZ: recommended 推荐, score 0.900; 3 notes, 2025-11-26 → 2025-12-10, trend flat [^" in md
    changed = md.split("## What changed since 2025-12-05", 1)[1].split("## Risks", 1)[0]
    # only the Alibaba notes change Alibaba's names: the 12-10 note's downgrade, not the Tencent note's calls
    assert "### Downgraded\n\n- 海光信息: recommended 推荐 → beneficiary 受益 in AI芯片与服务器 [^" in changed
    assert "浪潮信息" not in changed and "英维克" not in changed
    tencent = _markdown(brief_graph, "腾讯资本开支", since=dt.date(2025, 12, 5))
    changed = tencent.split("## What changed since 2025-12-05", 1)[1].split("## Risks", 1)[0]
    # Tencent's driver is new with its note: its names are new there, footnoted to that note's sentence
    ref = re.search(r"- 英维克: beneficiary 受益 in 液冷/风冷系统 \[\^(\d+)\]", changed).group(1)
    assert re.search(rf"(?m)^\[\^{ref}\]: `industry-research-2025-12-05` \(2025-12-05\): “液冷/风冷系统：英维克（受益）”$", tencent)
    risks = md.split("## Risks", 1)[1].split("## Notes", 1)[0]
    assert "- 资本开支可持续性风险 [^" in risks and "- 供应链产能与交付风险 (threatens 光通信模块与器件) [^" in risks


def test_html_is_offline_escaped_and_sourced(brief_graph, tmp_path, capsys):
    out = tmp_path / "brief.html"
    code, text, err = run(capsys, "--graph", brief_graph.path, "brief", "腾讯资本开支", "--since", "2025-12-05", "-o", out)
    assert code == 0, err
    assert text.startswith(f"wrote {out}: ")
    page = out.read_text(encoding="utf-8")
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in page
    assert "<script" not in page
    assert re.findall(r"(?:https?:)?//[a-z]", page) == []  # no external URL of any kind
    assert re.findall(r"\b(?:src|href)=\"(?!#)", page) == []
    for title in ("Latest figures", "Names by sub-sector", "What changed since 2025-12-05", "Risks", "Notes", "Sources"):
        assert f"<h2>{title}</h2>" in page
    items = re.findall(r"<li>[^<]*<sup><a href=\"#fn-(\d+)\"", page)
    assert len(items) > 20
    assert all(f'<li id="fn-{n}">' in page for n in items)
    assert "英维克 002837.SZ: beneficiary 受益, score 0.720; 1 note, 2025-12-05, trend new" in page


def test_markdown_to_stdout_and_file(capsys, tmp_path):
    code, out, err = run(capsys, "brief", "阿里云资本开支")
    assert code == 0 and err == "" and out.startswith("# Brief: 阿里云资本开支 (Alibaba Cloud capex)\n")
    f = tmp_path / "b.md"
    code, _, _ = run(capsys, "brief", "Alibaba capex", "-o", f)
    assert code == 0 and f.read_text(encoding="utf-8") == out


def test_bad_output_and_bad_driver_are_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "brief", "Alibaba capex", "-o", tmp_path / "b.txt")
    assert code == 2 and out == "" and err.count("\n") == 1 and "FILE.md or FILE.html" in err
    assert not (tmp_path / "b.txt").exists()
    code, out, err = run(capsys, "brief", "中际旭创")
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1


def test_data_cannot_inject_markup():
    from supplychain.brief.html import _e
    from supplychain.brief.markdown import md

    assert _e('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert md("[^9] <b>") == "\\[^9\\] \\<b\\>"


def test_an_inferred_name_is_marked_inferred(brief_graph):
    """中科曙光 is in AI芯片与服务器 only by an Alibaba note: in Tencent's brief it is inferred,
    never given a stance or mistaken for a holding."""
    md = _markdown(brief_graph, "腾讯资本开支")
    line = next(x for x in md.splitlines() if x.startswith("- 中科曙光 "))
    assert "inferred (put in the sub-sector by a note about another driver; no stance)" in line
    assert "holding" not in line and "推荐" not in line
