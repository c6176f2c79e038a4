"""A driver whose linking note is retracted is linked again (by retract, from a remaining
note, or by the next note of it); a note already filed under another driver is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph

TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")  # creates 腾讯资本开支 and its links
TENCENT_LATER = Path("tests/fixtures/brief/industry_research_2025-12-05.md")  # also about 腾讯资本开支
LINKS = {("drives", "ai-demand", "tencent-capex"), ("operates", "tencent", "tencent-capex")}


def copy_of_seed(path: Path) -> Path:
    path.write_bytes(GRAPH.read_bytes())
    return path


def link_reports(path: Path) -> dict:
    return {e.key: sorted(c.report for c in e.claims) for e in load_graph(path).edges if e.key in LINKS}


def test_retract_relinks_the_driver_from_its_remaining_note(tmp_path, capsys):
    g = copy_of_seed(tmp_path / "g.yaml")
    only_later = copy_of_seed(tmp_path / "only-later.yaml")
    assert run(capsys, "-g", only_later, "ingest", TENCENT_LATER)[0] == 0
    assert run(capsys, "-g", g, "ingest", TENCENT, TENCENT_LATER)[0] == 0
    assert link_reports(g) == {k: ["industry-research-2025-11-14"] for k in LINKS}
    both = g.read_bytes()

    code, out, _ = run(capsys, "-g", g, "retract", "industry-research-2025-11-14", "--dry-run")
    assert code == 0 and g.read_bytes() == both
    assert "relink edge   drives AI需求 → 腾讯资本开支 (industry-research-2025-12-05)" in out
    assert "relink edge   operates 腾讯控股 → 腾讯资本开支 (industry-research-2025-12-05)" in out

    code, out, _ = run(capsys, "-g", g, "retract", "industry-research-2025-11-14")
    assert code == 0 and out.endswith(f"wrote {g}\n")
    # as if only the 12-05 note had ever been ingested
    assert g.read_bytes() == only_later.read_bytes()
    assert link_reports(g) == {k: ["industry-research-2025-12-05"] for k in LINKS}
    code, out, _ = run(capsys, "-g", g, "exposure", "AI需求", "--across")
    assert code == 0 and "腾讯资本开支" in out.splitlines()[0]

    # taking the 12-05 note back too leaves the seed
    assert run(capsys, "-g", g, "retract", "industry-research-2025-12-05")[0] == 0
    assert g.read_bytes() == GRAPH.read_bytes()


def test_without_the_remaining_note_the_next_ingest_links_the_driver(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    later = notes / TENCENT_LATER.name
    shutil.copy(TENCENT_LATER, later)
    g = copy_of_seed(tmp_path / "g.yaml")
    assert run(capsys, "-g", g, "ingest", TENCENT, later)[0] == 0
    first = g.read_bytes()
    later.unlink()  # the remaining note's file is gone: retract cannot re-plan its links

    code, out, _ = run(capsys, "-g", g, "retract", "industry-research-2025-11-14")
    assert code == 0
    assert f"腾讯资本开支 (tencent-capex) is left unlinked: the note of industry-research-2025-12-05 ({later.as_posix()}) was not found" in out
    assert link_reports(g) == {}

    # re-ingesting the retracted note links the existing driver as it did the new one
    code, out, _ = run(capsys, "-g", g, "ingest", TENCENT)
    assert code == 0
    assert "new edge      drives AI需求 → 腾讯资本开支" in out and "new edge      operates 腾讯控股 → 腾讯资本开支" in out
    assert g.read_bytes() == first


@pytest.fixture
def misfiled(tmp_path, capsys) -> Path:
    g = copy_of_seed(tmp_path / "g.yaml")
    assert run(capsys, "-g", g, "ingest", "--driver", "阿里云资本开支", TENCENT)[0] == 0
    return g


def test_reingesting_a_misfiled_note_under_another_driver_is_refused(misfiled, capsys):
    before = misfiled.read_bytes()
    code, out, err = run(capsys, "-g", misfiled, "ingest", TENCENT)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err == (
        f"Error: {TENCENT.as_posix()}:1: report industry-research-2025-11-14 is already in the graph filed under driver "
        "阿里云资本开支 (alibaba-capex), while this run files it under 腾讯资本开支 (tencent-capex); "
        "run `supplychain retract industry-research-2025-11-14` first, then ingest it again\n"
    )
    assert misfiled.read_bytes() == before


def test_reingesting_under_the_same_driver_is_a_no_op(misfiled, capsys):
    before = misfiled.read_bytes()
    code, out, _ = run(capsys, "-g", misfiled, "ingest", "--driver", "阿里云资本开支", TENCENT)
    assert code == 0 and out.endswith(f"{misfiled} unchanged: nothing new\n")
    assert misfiled.read_bytes() == before
