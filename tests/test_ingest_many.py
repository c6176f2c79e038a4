"""Issue 9 item 6: many notes at once, each with its own driver; every failure reported;
nothing written unless every note plans, or the good ones with --keep-going."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph

GOOD = sorted([*Path("tests/fixtures/drivers").glob("*.md"), *Path("tests/fixtures/brief").glob("*.md")])
NO_DRIVER = Path("tests/fixtures/notes/broker_optical_20251219.txt")  # 光模块行业点评：… names no subject
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """Five good notes about three drivers, a note whose driver cannot be told, a binary file."""
    d = tmp_path / "notes"
    d.mkdir()
    for f in [*GOOD, NO_DRIVER]:
        shutil.copy(f, d / f.name)
    (d / "scan_2025-12-01.txt").write_bytes(BINARY)
    return d


def _without_files(path: Path) -> str:
    """The graph's text without the report nodes' ``file:`` (where the note was read from)."""
    return re.sub(r"(?m)^\s*file: .*\n", "", path.read_text(encoding="utf-8"))


def _errors(err: str) -> list[str]:
    return [x for x in err.splitlines() if x.startswith("Error: ")]


def test_every_failure_is_reported_and_nothing_is_written(graph_copy, folder, capsys):
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "-g", graph_copy, "ingest", folder)
    assert code == 1 and graph_copy.read_bytes() == before
    errors = _errors(err)
    assert len(errors) == 2 and len(err.splitlines()) == 2  # one line each, nothing else (no bar: not a TTY)
    assert re.match(rf"Error: {re.escape(str(folder))}/broker_optical_20251219\.txt:3: the title names no subject .*"
                    r"pass --driver NAME", errors[0])
    assert re.match(rf"Error: {re.escape(str(folder))}/scan_2025-12-01\.txt:\d+: binary", errors[1])
    # one plan per good note, each with the driver its own title names
    heads = [x for x in out.splitlines() if not x.startswith(" ")]
    drivers = {re.search(r"report (\S+) .*driver .* \((\S+)\)$", x).groups() for x in heads[:-1]}
    assert drivers == {
        ("industry-research-2025-11-05", "north-american-cloud-capex"), ("industry-research-2025-11-14", "tencent-capex"),
        ("industry-research-2025-12-03", "alibaba-capex"), ("industry-research-2025-12-05", "tencent-capex"),
        ("industry-research-2025-12-10", "alibaba-capex")}
    assert heads[-1].startswith(f"{graph_copy} not written: 2 of 7 notes failed")


def test_keep_going_writes_the_good_notes_as_one_run_of_them_would(graph_copy, folder, tmp_path, capsys):
    alone = tmp_path / "alone.yaml"
    alone.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", alone, "ingest", *GOOD)[0] == 0
    code, out, err = run(capsys, "-g", graph_copy, "ingest", folder, "--keep-going")
    assert code == 1 and len(_errors(err)) == 2
    assert out.splitlines()[-1] == f"wrote {graph_copy}: 5 of 5 planned notes changed it; 2 of 7 notes failed (listed on stderr)"
    assert _without_files(graph_copy) == _without_files(alone)
    written = graph_copy.read_bytes()
    # again: the good notes change nothing, the bad ones still fail
    code, out, err = run(capsys, "-g", graph_copy, "ingest", folder, "--keep-going")
    assert code == 1 and graph_copy.read_bytes() == written and "unchanged" in out.splitlines()[-1]


def test_a_forced_driver_covers_every_note(graph_copy, folder, capsys):
    (folder / "scan_2025-12-01.txt").unlink()
    code, out, err = run(capsys, "-g", graph_copy, "ingest", folder, "--driver", "阿里云资本开支", "--dry-run")
    assert code == 0 and err == ""
    heads = [x for x in out.splitlines() if not x.startswith(" ")][:-1]
    assert len(heads) == 6 and all(x.endswith("driver 阿里云资本开支 (alibaba-capex)") for x in heads)


def test_a_dry_run_with_a_failure_writes_nothing_and_exits_1(graph_copy, folder, capsys):
    code, out, err = run(capsys, "-g", graph_copy, "ingest", folder, "--dry-run", "--keep-going")
    assert code == 1 and len(_errors(err)) == 2 and graph_copy.read_bytes() == GRAPH.read_bytes()
    assert out.splitlines()[-1] == f"dry run: {graph_copy} not written; 2 of 7 notes failed (listed on stderr)"


def test_one_bad_note_alone_is_one_line(graph_copy, capsys):
    code, out, err = run(capsys, "-g", graph_copy, "ingest", NO_DRIVER)
    assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith(f"Error: {NO_DRIVER}:3: ")


def test_a_bar_on_stderr_only_when_asked_and_several_notes(graph_copy, folder, capsys):
    from supplychain.ingest.many import ingest_many

    result = ingest_many([folder], graph_copy, dry_run=True, progress=True)
    err = capsys.readouterr().err
    assert "planning" in err and "note" in err and len(result.failures) == 2
    ingest_many([GOOD[0]], graph_copy, dry_run=True, progress=True)
    assert capsys.readouterr().err == ""


def test_notes_of_several_drivers_land_each_on_its_own(graph_copy, folder, capsys):
    run(capsys, "-g", graph_copy, "ingest", folder, "--keep-going")
    g = load_graph(graph_copy)
    drivers = {c.report: c.driver for e in g.edges for c in e.claims if c.report.startswith("industry-research-2025-12")}
    assert drivers == {"industry-research-2025-12-03": "alibaba-capex", "industry-research-2025-12-05": "tencent-capex",
                       "industry-research-2025-12-10": "alibaba-capex"}
