"""The fast YAML paths of the store give exactly what PyYAML's full loader gives: the
same data, or the same error with the same line, whatever the text."""

from __future__ import annotations

import pytest
import yaml

from conftest import FIXTURES, GRAPH
from supplychain import store
from supplychain.errors import FileFormatError
from supplychain.store import dump_graph
from supplychain.synth import synth_data

SNIPPETS = [
    "",
    "# only a comment\n",
    "version: 1\nnodes:\n- id: a\n  name: A\n- id: b\n  name: B\nedges:\n- type: x\n  source: a\n",
    "version: 1\nnodes:\n- id: a\n  name: A\n- id: a\n  name: A\n  name: B\n",  # duplicate key in an item
    "nodes:\n- a\nnodes:\n- b\n",  # duplicate top-level key
    "nodes: []\nedges:\n- 1\n- 2\n",
    "nodes:\n  - a\n  - b\nedges:\n- c\n",  # indented sequence
    "nodes:\n  - a\n- b\n",  # indented then column 0
    "nodes:\n  a: 1\n- b\n",
    "nodes: # comment\n- a\n# between\n- b\n\n\n- c\n",
    "nodes:\n- quote: \"abc\n- def\"\n- x\n",  # a quoted scalar spanning an item start
    "nodes:\n- quote: 'abc\n\n- def'\n",
    "nodes:\n- &anchor {a: 1}\n- *anchor\n- b\n",
    "nodes:\n- a: &x 1\n- b: *x\n",  # alias across items
    "nodes:\n- {a: 1, a: 2}\n",
    "version: &v 1\nnodes:\n- *v\n",
    "---\nnodes:\n- a\n",
    "nodes:\n- a\n...\n",
    "%YAML 1.1\n---\nnodes:\n- a\n",
    "nodes:\n- a\n---\nnodes:\n- b\n",
    "nodes:\n-a\n- b\n",
    "nodes:\n-\n  id: a\n- id: b\n",
    "nodes:\n- - a\n  - b\n- - c\n",
    "nodes:\n- a\nplain text line\n",
    "nodes:\n- a\nkey: value\n  more: x\n",
    "nodes:\n- a\nkey: |\n  block\n  text\nedges:\n- b\n",
    "version: 1\n  extra: 2\nnodes:\n- a\n",
    "nodes:\n- <<: {a: 1}\n  b: 2\n",
    "nodes:\n- !!str 1\n- !custom x\n",
    "nodes:\n- [1, 2\n- 3\n",
    "nodes:\n\t- a\n",
    "nodes:\n- a\n\"quoted\": 1\n",
    "nodes:\n- 2025-13-45\n- 0x1F\n- 1_000\n- .inf\n- yes\n- ~\n- 1:30\n",
    "a b: 1\nnodes:\n- x\n",
    "nodes:\n- x\n- y\r\n",
    "nodes:\n- x\nedges:\n",
    "nodes:\n- x\nedges: \n",
    "nodes:\n- x\nedges: # nothing\n# more\n",
    "nodes:\n- x\nedges: [a,\n  b]\n",
    "nodes:\n- x\nedges: {a: 1}\n",
    "nodes:\n- x\n1: one\n",
    "nodes:\n- x\n- y\n  z\n",
    "nodes:\n- x: 1\n y: 2\n",
]


def reference(text: str):
    """What the full PyYAML loader (duplicate keys refused) says about ``text``."""
    try:
        return ("ok", yaml.load(text, Loader=store._StrictLoader))
    except store._DuplicateKey as e:
        return ("duplicate", e.key, e.line, e.first_line)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return ("error", mark.line + 1 if mark else 0, e.problem)
    except yaml.YAMLError as e:
        return ("error", 0, str(e))


def fast(text: str):
    try:
        return ("ok", store.parse_yaml(text, "f.yaml"))
    except FileFormatError as e:
        return ("failed", e.issue.line, e.issue.message)


def agree(text: str) -> None:
    want, got = reference(text), fast(text)
    if want[0] == "ok":
        assert got == want
    else:
        assert got[0] == "failed"
        line = want[2] if want[0] == "duplicate" else want[1]
        assert got[1] == line, (got, want)
        if want[0] == "duplicate":
            assert f"duplicate key {want[1]!r}" in got[2]
        else:
            assert got[2] == f"invalid YAML: {want[2] or ''}" or want[2] is None


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Cut every text into slices of a few characters, so that chunking is exercised."""
    monkeypatch.setattr(store, "_CHUNK_CHARS", 8)


@pytest.mark.parametrize("text", SNIPPETS, ids=range(len(SNIPPETS)))
def test_snippets_parse_as_the_full_loader_does(text, tiny_chunks):
    agree(text)


@pytest.mark.parametrize("text", SNIPPETS, ids=range(len(SNIPPETS)))
def test_snippets_without_chunks(text):
    agree(text)


def test_fixture_files_parse_as_the_full_loader_does(tiny_chunks):
    files = [GRAPH, *sorted(FIXTURES.rglob("*.yaml"))]
    assert len(files) > 10
    for path in files:
        agree(path.read_text(encoding="utf-8"))


def test_synthetic_graph_in_chunks(monkeypatch):
    text = dump_graph(synth_data(200, seed=9))
    monkeypatch.setattr(store, "_CHUNK_CHARS", 5_000)
    called = []
    real = store._load_plain
    monkeypatch.setattr(store, "_load_plain", lambda t, *a: called.append(len(t)) or real(t, *a))
    assert store.parse_yaml(text, "s.yaml") == yaml.load(text, Loader=store._StrictLoader)
    assert len(called) > 10 and max(called) < 20_000  # parsed in slices


def test_a_damaged_big_file_reports_the_line_of_the_whole_file(monkeypatch):
    text = dump_graph(synth_data(100, seed=1))
    lines = text.split("\n")
    lines[len(lines) // 2] = lines[len(lines) // 2] + ': "unterminated'
    bad = "\n".join(lines)
    monkeypatch.setattr(store, "_CHUNK_CHARS", 2_000)
    agree(bad)
    dup = text.replace("  name: ", "  name: x\n  name: ", 1)
    agree(dup)


def test_random_damage_is_reported_as_the_full_loader_does(monkeypatch):
    import random

    rng = random.Random(5)
    text = dump_graph(synth_data(30, seed=2))
    monkeypatch.setattr(store, "_CHUNK_CHARS", 700)
    pieces = ["\n", "- ", "-", ":", " ", "  ", "\"", "'", "#", "&a ", "*a", "{", "[", "\t", "---\n", "x: y\n", "\n- \"q\n"]
    for _ in range(300):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.5:
                chars[at : at + rng.randint(1, 4)] = []
            else:
                chars[at:at] = rng.choice(pieces)
        agree("".join(chars))


@pytest.fixture
def two_processes(monkeypatch):
    """Cut texts into small slices and parse half of them in a forked child."""
    import os

    monkeypatch.setattr(store, "_CHUNK_CHARS", 300)
    monkeypatch.setattr(store, "_PARALLEL_CHARS", 600)
    forks = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forks


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_parsing_in_two_processes_gives_the_same_data_and_errors(two_processes):
    text = dump_graph(synth_data(40, seed=3))
    agree(text)
    assert two_processes, "the child process parsed half of the slices"
    agree(text.replace("  name: ", "  name: x\n  name: ", 1))  # a duplicate key in the child's half
    agree(text[: len(text) * 3 // 4] + '"unterminated\n' + text[len(text) * 3 // 4 :])
    agree(text.replace("\n- type: supplies\n", "\n- 1: number key\n  type: supplies\n", 1))  # not msgpack-safe: whole parse


def test_big_graph_validated_in_slices_gives_the_same_data_and_messages(monkeypatch, tmp_path):
    from supplychain.errors import GraphValidationError
    from supplychain.store import parse_graph_text

    monkeypatch.setattr(store, "_VALIDATE_SLICE", 100)
    text = dump_graph(synth_data(120, seed=4))
    whole = store.GraphData.model_validate(yaml.load(text, Loader=store._StrictLoader))
    sliced = parse_graph_text(text, "s.yaml")
    assert sliced == whole and sliced.model_fields_set == whole.model_fields_set
    assert all(type(a) is type(b) for a, b in zip(sliced.nodes, whole.nodes))
    bad = text.replace("  date: 2023-", "  date: 2023-13-", 1).replace("type: supplies", "type: suplies", 1)
    messages = []
    for slice_ in (100, 10**9):
        monkeypatch.setattr(store, "_VALIDATE_SLICE", slice_)
        with pytest.raises(GraphValidationError) as info:
            parse_graph_text(bad, "s.yaml")
        messages.append([str(i) for i in info.value.issues])
    assert messages[0] == messages[1] and len(messages[0]) >= 2
