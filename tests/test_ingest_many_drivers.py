"""Issue 9 leftovers: a claim's driver must be a driver (validate says where), and a new
driver named with ``--driver`` gets the readable id an inferred one gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import GRAPH, run

TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")
NORTH_AMERICA = Path("tests/fixtures/drivers/industry_research_2025-11-05.md")


@pytest.fixture
def tencent_graph(tmp_path, capsys) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", path, "ingest", TENCENT)[0] == 0
    return path


@pytest.mark.parametrize("wrong, message", [
    ("tencent-capx", "unknown driver 'tencent-capx' (did you mean 'tencent-capex'?)"),
    ("innolight", "unknown driver 'innolight'"),  # a company, not a driver
])
def test_validate_reports_a_claim_whose_driver_is_no_driver(tencent_graph, capsys, wrong, message):
    text = tencent_graph.read_text(encoding="utf-8")
    first = text.index("driver: tencent-capex\n")
    line = text.count("\n", 0, first) + 1
    tencent_graph.write_text(text[:first] + f"driver: {wrong}\n" + text[first + len("driver: tencent-capex\n"):],
                             encoding="utf-8")
    code, out, err = run(capsys, "-g", tencent_graph, "validate")
    assert code == 1
    errors = [x for x in err.splitlines() if x.startswith("Error: ")]
    assert len(errors) == 1
    assert re.fullmatch(rf"Error: {re.escape(str(tencent_graph))}:{line}: edges\[\d+\]\.claims\[\d+\]\.driver: "
                        + re.escape(message), errors[0]), errors[0]


@pytest.mark.parametrize("note, driver, expected", [
    (TENCENT, "腾讯资本开支", "tencent-capex"),
    (NORTH_AMERICA, "北美云厂商资本开支", "north-american-cloud-capex"),
])
def test_a_new_driver_given_by_name_gets_the_inferred_id(tmp_path, capsys, note, driver, expected):
    inferred, forced = tmp_path / "inferred.yaml", tmp_path / "forced.yaml"
    for path in (inferred, forced):
        path.write_bytes(GRAPH.read_bytes())
    code, out, _ = run(capsys, "-g", inferred, "ingest", note)
    assert code == 0 and f"new driver    {driver} ({expected})" in out
    code, out, _ = run(capsys, "-g", forced, "ingest", note, "--driver", driver)
    assert code == 0 and f"new driver    {driver} ({expected})" in out
    assert forced.read_bytes() == inferred.read_bytes()


def test_a_new_driver_without_subject_and_concept_keeps_a_pinyin_id(tmp_path, capsys):
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    code, out, _ = run(capsys, "-g", path, "ingest", TENCENT, "--driver", "光模块景气度", "--dry-run")
    assert code == 0 and "new driver    光模块景气度 (guangmo-kuaijing-qidu)" in out
