"""Loading, validation with file:line messages, canonical dumping, atomic saving."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import FIXTURES, GRAPH
from supplychain.errors import FileFormatError, GraphValidationError, LockedError
from supplychain.store import dump_graph, graph_lock, load_data, save_graph

CORE = FIXTURES / "core"


def messages(name: str) -> list[str]:
    path = CORE / name
    with pytest.raises((GraphValidationError, FileFormatError)) as info:
        load_data(os.path.relpath(path))
    e = info.value
    return [str(i) for i in e.issues] if isinstance(e, GraphValidationError) else [str(e)]


F = "tests/fixtures/core/"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("bad_unknown_node.yaml", [f"{F}bad_unknown_node.yaml:47: edges[0].source: unknown node 'capexx' (did you mean 'capex'?)"]),
        (
            "bad_wrong_endpoint.yaml",
            [f"{F}bad_wrong_endpoint.yaml:69: edges[4].target: a holds edge's target must be a company, but 'optics' is a sector"],
        ),
        (
            "bad_duplicate_id.yaml",
            [
                f"{F}bad_duplicate_id.yaml:23: nodes[4].id: duplicate id 'beta' (first used by nodes[3])",
                f"{F}bad_duplicate_id.yaml:63: edges[3].source: unknown node 'gamma'",
            ],
        ),
        (
            "bad_alias_clash.yaml",
            [f"{F}bad_alias_clash.yaml:27: nodes[4].aliases[0]: 'alpha' already names node 'alpha'; a name, alias or ticker must resolve to one node"],
        ),
        ("bad_duplicate_key.yaml", [f"{F}bad_duplicate_key.yaml:21: duplicate key 'name' (first at line 20); keep one of them"]),
        ("bad_syntax.yaml", [f"{F}bad_syntax.yaml:26: invalid YAML: did not find expected ',' or ']'"]),
        (
            "bad_missing_stance.yaml",
            [f"{F}bad_missing_stance.yaml:66: edges[3].claims[0]: a member_of claim needs a stance: recommended, beneficiary or listed"],
        ),
        (
            "bad_bad_date.yaml",
            [f"{F}bad_bad_date.yaml:44: nodes[8].date: Input should be a valid date or datetime, month value is outside expected range of 1-12 (got '2025-13-40')"],
        ),
        (
            "bad_unknown_field.yaml",
            [f"{F}bad_unknown_field.yaml:35: nodes[6].severity: unknown field (check the spelling; see the README's data model)"],
        ),
        ("bad_unknown_report.yaml", [f"{F}bad_unknown_report.yaml:76: edges[5].claims[0].report: unknown report 'r3'"]),
        (
            "bad_edge_type.yaml",
            [f"{F}bad_edge_type.yaml:72: edges[5].type: unknown edge type 'threatenz'; expected one of drives, member_of, exposed_to, tracks, holds, supplies, operates, threatens, competes"],
        ),
    ],
)
def test_each_validation_error_names_file_line_and_key_path(fixture, expected):
    assert messages(fixture) == expected


def test_every_problem_is_reported_at_once():
    assert messages("bad_many.yaml") == [
        f"{F}bad_many.yaml:23: nodes[4].id: duplicate id 'beta' (first used by nodes[3])",
        f"{F}bad_many.yaml:35: nodes[6].severity: unknown field (check the spelling; see the README's data model)",
        f"{F}bad_many.yaml:48: edges[0].source: unknown node 'capexx' (did you mean 'capex'?)",
        f"{F}bad_many.yaml:64: edges[3].source: unknown node 'gamma'",
    ]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "nodes: 0"),
        (b"\x00\x01binary", "binary file, expected UTF-8 text"),
        (b"nodes:\n- id: x\n  name: \xff\xfe\n", "not valid UTF-8 text"),
        (b"- just\n- a list\n", "expected a mapping with 'nodes' and 'edges' at the top level"),
    ],
)
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "g.yaml"
    path.write_bytes(content)
    if expected == "nodes: 0":
        assert load_data(path).nodes == []
        return
    with pytest.raises(FileFormatError) as info:
        load_data(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_missing_file():
    with pytest.raises(FileFormatError, match="nope.yaml: file not found"):
        load_data("nope.yaml")


def test_dump_is_canonical_and_stable():
    data = load_data(CORE / "mini.yaml")
    text = dump_graph(data)
    shuffled = data.model_copy(update={"nodes": data.nodes[::-1], "edges": data.edges[::-1]})
    assert dump_graph(shuffled) == text
    assert "aliases: [capex-driver]" in text
    assert text.index("id: capex") < text.index("id: optics") < text.index("id: alpha")


def test_save_validates_before_writing(tmp_path):
    target = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, target)
    before = target.read_bytes()
    data = load_data(target)
    broken = data.model_copy(deep=True)
    broken.edges[0].target = "no-such-node"
    with pytest.raises(GraphValidationError, match="unknown node 'no-such-node'"):
        save_graph(broken, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.yaml"]  # no temp file left behind


def test_save_round_trips_byte_identical(tmp_path):
    target = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, target)
    save_graph(load_data(target), target)
    assert target.read_bytes() == GRAPH.read_bytes()


def test_a_second_writer_is_refused(tmp_path):
    target = tmp_path / "graph.yaml"
    with graph_lock(target):
        with pytest.raises(LockedError, match="another supplychain process is writing"):
            with graph_lock(target):
                pass
    with graph_lock(target):  # released
        pass


def test_save_keeps_the_file_permissions(tmp_path):
    target = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, target)
    os.chmod(target, 0o640)
    save_graph(load_data(target), target)
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    from supplychain.store import atomic_write

    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.yaml", "version: 1\n")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "new.yaml").st_mode & 0o777 == 0o644


def test_parsing_leaves_no_reference_cycles():
    """Graphs are parsed and validated with the collector paused: a cycle would keep the
    whole parse alive until the next collection (it once held 600 MB at 100k companies)."""
    import gc

    from supplychain.store import parse_graph_text, parse_yaml

    text = (FIXTURES / "core" / "mini.yaml").read_text(encoding="utf-8")
    parse_graph_text(text, "mini.yaml")  # first use: imports, validators built
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            assert parse_yaml(text, "mini.yaml")["nodes"]
            assert parse_graph_text(text, "mini.yaml").nodes
        assert gc.collect() == 0
    finally:
        gc.enable()
