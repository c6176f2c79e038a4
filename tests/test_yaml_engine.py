"""Reading graphs with yaml-rs and writing them with the store's emitter: the same data
and the same bytes as PyYAML, and hostile files refused with one line (issue 12, cases
1, 2, 3 and ``-g /dev/zero``)."""

from __future__ import annotations

import time

import pytest
import yaml

from conftest import FIXTURES, GRAPH, SEED_NOTE, run
from supplychain import store
from supplychain.errors import FileFormatError, GraphValidationError
from supplychain.store import HEADER, canonical, dump_graph, load_data, parse_graph_text, pyyaml_dump
from supplychain.synth import synth_data

def metric_node(data):
    return next(n for n in data.nodes if getattr(n, "metrics", None))


VALID = [GRAPH, FIXTURES / "core" / "mini.yaml", FIXTURES / "html" / "graph.yaml"]


def pyyaml_reading(text: str):
    """How the canonical file is meant to be read: PyYAML, dates left as strings."""
    return yaml.load(text, Loader=store._StrictLoader)


# --------------------------------------------------------------------------- the dump


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_dump_is_byte_identical_to_pyyaml(path):
    data = load_data(path)
    assert dump_graph(data) == HEADER + pyyaml_dump(canonical(data))
    if path == GRAPH:
        assert dump_graph(data) == path.read_text(encoding="utf-8")  # the bundled file is canonical


def test_the_dump_of_a_synthetic_graph_is_byte_identical_to_pyyaml():
    data = synth_data(300, seed=7)
    assert dump_graph(data) == HEADER + pyyaml_dump(canonical(data))


TRICKY = [
    "", "yes", "No", "on", "002837", "300308", "017", "08", "0o17", "0x1F", "1e3", "1.5", "1:30", "1_000",
    "+1", "-1", ".inf", ".nan", "null", "~", "=", "<<", "2025-11-26", "-x", "- x", "-", "a: b", "a:b", "a:",
    "#x", "a #b", "a#b", "x,y", "[x]", "{x}", "?x", "? x", ":x", "---x", "...x", "@x", "`x", "%x", "!x",
    "&x", "*x", "|x", ">x", "it's", '"q"', "a\nb", "tab\there", "line\u2028sep", "nel\x85", "bom\ufeff",
    " lead", "trail ", "中际旭创：光模块, 龙头 #1", "阿里云资本开支 315.01亿元", "x" * 60_000,
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_tricky_strings_are_written_as_pyyaml_writes_them(text):
    data = load_data(GRAPH)
    node = next(n for n in data.nodes if n.type == "company")
    # assignment is not validated: any string reaches the writer
    node.name_en = text
    node.aliases = [*node.aliases, text]
    data.edges[0].claims[0].quote = text
    metric_node(data).metrics[0].name = text
    assert dump_graph(data) == HEADER + pyyaml_dump(canonical(data))


@pytest.mark.parametrize("value", [0.0, -12.5, 1e16, 1e-7, 315.01, 80.1, 123456789.0, 2.5e-300])
def test_numbers_are_written_as_pyyaml_writes_them(value):
    data = load_data(GRAPH)
    metric_node(data).metrics[0].value = value
    metric_node(data).metrics[0].yoy = -value
    assert dump_graph(data) == HEADER + pyyaml_dump(canonical(data))


# --------------------------------------------------------------------------- the reading


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_engine_reads_the_files_as_pyyaml_does(path):
    text = path.read_text(encoding="utf-8")
    assert store._parse_with_engine(text) == pyyaml_reading(text)


def test_the_engine_reads_a_synthetic_graph_as_pyyaml_does():
    text = dump_graph(synth_data(200, seed=9))
    assert store._parse_with_engine(text) == pyyaml_reading(text)


def test_a_code_written_plain_stays_text(tmp_path):
    """PyYAML writes the string '002837' unquoted (it cannot be an octal number in YAML
    1.1); a YAML 1.2 engine reads it as the integer 2837. The loader must give the text."""
    data = load_data(GRAPH)
    node = next(n for n in data.nodes if getattr(n, "ticker", None) == "002837.SZ")  # 英维克 (Envicool)
    node.aliases = [*node.aliases, "002837"]
    path = tmp_path / "g.yaml"
    store.save_graph(data, path)
    text = path.read_text(encoding="utf-8")
    assert "aliases: [Envicool Technology, 002837]" in text or ", 002837]" in text
    assert store._parse_with_engine(text) != pyyaml_reading(text)  # the engine alone would misread it
    loaded = load_data(path)
    assert next(n for n in loaded.nodes if n.id == node.id).aliases[-1] == "002837"
    assert loaded == data


def test_dates_stay_strings_until_pydantic_reads_them():
    text = "a: 2025-11-26\nb: 2025-13-40\n"
    assert store._parse_with_engine(text) == {"a": "2025-11-26", "b": "2025-13-40"} == store.parse_yaml(text, "f")


def test_yes_and_no_written_by_the_dumper_are_read_back_as_text(tmp_path):
    data = load_data(GRAPH)
    node = next(n for n in data.nodes if n.type == "company")
    node.aliases = [*node.aliases, "yes", "No", "on"]
    path = tmp_path / "g.yaml"
    store.save_graph(data, path)
    assert "'yes', 'No', 'on']" in path.read_text(encoding="utf-8")
    assert load_data(path) == data


def test_tags_go_to_pyyaml_which_refuses_unknown_ones(tmp_path):
    text = GRAPH.read_text(encoding="utf-8").replace("name_en: Innolight", "name_en: !custom Innolight", 1)
    assert "!custom" in text
    with pytest.raises(FileFormatError, match="could not determine a constructor for the tag '!custom'"):
        parse_graph_text(text, "g.yaml")
    ok = GRAPH.read_text(encoding="utf-8").replace("name_en: Innolight", "name_en: !!str Innolight", 1)
    assert parse_graph_text(ok, "g.yaml") == load_data(GRAPH)


def test_a_duplicate_key_is_refused_with_its_line():
    text = GRAPH.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  name_en: "))
    lines.insert(at + 1, "  name_en: again")
    with pytest.raises(FileFormatError) as info:
        parse_graph_text("\n".join(lines), "g.yaml")
    assert str(info.value) == f"g.yaml:{at + 2}: duplicate key 'name_en' (first at line {at + 1}); keep one of them"


def test_damaged_graphs_give_pyyaml_s_messages():
    """Random damage to a canonical text: whatever the engine makes of it, the result is
    what validating PyYAML's reading gives (the data, or the same messages)."""
    import random

    rng = random.Random(5)
    text = dump_graph(synth_data(30, seed=2))
    pieces = ["\n", "- ", "-", ":", " ", "  ", '"', "'", "#", "&a ", "*a", "{", "[", "\t", "---\n", "x: y\n", "yes", "0"]
    for _ in range(150):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.5:
                chars[at : at + rng.randint(1, 4)] = []
            else:
                chars[at:at] = rng.choice(pieces)
        damaged = "".join(chars)
        assert outcome(lambda: parse_graph_text(damaged, "d.yaml")) == outcome(lambda: reference_outcome(damaged))


def outcome(fn):
    try:
        return ("ok", fn())
    except GraphValidationError as e:
        return ("invalid", [str(i) for i in e.issues])
    except FileFormatError as e:
        return ("invalid", [str(e)])


def reference_outcome(text: str):
    """The old reading: PyYAML, then pydantic and the checks (``parse_graph_text`` with
    the engine switched off)."""
    real = store._parse_with_engine
    store._parse_with_engine = lambda t: None
    try:
        return parse_graph_text(text, "d.yaml")
    finally:
        store._parse_with_engine = real


# --------------------------------------------------------------------------- hostile files


def one_line_refusal(capsys, *argv, expect: str, within: float = 10.0) -> str:
    t = time.perf_counter()
    code, out, err = run(capsys, *argv)
    took = time.perf_counter() - t
    assert code == 1, (code, out, err)
    lines = err.strip().splitlines()
    if len(lines) == 2 and lines[1] == "1 problem found":  # how the CLI closes a list of validation problems
        lines.pop()
    assert "Traceback" not in err and len(lines) == 1, err
    assert expect in err, err
    assert took < within, f"{took:.1f} s"
    return err


BOMB = "".join(
    [
        "version: 1\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\n",
        *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")),
        "nodes: *i\n",
    ]
)


@pytest.fixture
def graph_file(tmp_path):
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


def unchanged(folder, before: dict) -> bool:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before and not (folder / ".supplychain-cache").exists()


def snapshot(folder) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("command", [["validate"], ["exposure", "阿里云资本开支"]])
def test_an_alias_bomb_in_a_graph_is_refused_at_once(capsys, tmp_path, command):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    before = snapshot(tmp_path)
    err = one_line_refusal(capsys, "-g", path, *command, expect=f"{path}:3: an alias (*name) repeats a value", within=5)
    assert "no anchors or aliases" in err
    assert unchanged(tmp_path, before)


def test_an_alias_bomb_in_a_patch_is_refused_at_once(capsys, graph_file):
    patch = graph_file.with_name("patch.yaml")
    patch.write_text(BOMB.replace("version: 1\n", "").replace("nodes: *i", "claims: *i"), encoding="utf-8")
    before = snapshot(graph_file.parent)
    one_line_refusal(capsys, "-g", graph_file, "apply", patch, expect=f"{patch}:2: an alias (*name) repeats a value", within=5)
    assert graph_file.read_bytes() == GRAPH.read_bytes()
    assert {k: v for k, v in snapshot(graph_file.parent).items() if not k.endswith(".lock")} == before


LONG = "9" * 5000


def long_number_graph(path) -> int:
    lines = GRAPH.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("value: "))
    lines[at] = lines[at].split("value: ")[0] + "value: " + LONG
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


@pytest.mark.parametrize(
    "command", [["validate"], ["exposure", "阿里云资本开支"], ["ingest", str(SEED_NOTE)], ["ingest", str(SEED_NOTE), "--dry-run"]]
)
def test_a_5000_digit_number_in_a_graph_is_one_line(capsys, graph_file, command):
    line = long_number_graph(graph_file)
    before = snapshot(graph_file.parent)
    one_line_refusal(capsys, "-g", graph_file, *command, expect=f"{graph_file}:{line}: a number of 5000 digits is too long")
    assert graph_file.read_bytes() == before["graph.yaml"]
    assert not (graph_file.parent / ".supplychain-cache").exists()


def test_a_5000_digit_number_in_a_patch_is_one_line(capsys, graph_file):
    patch = graph_file.with_name("patch.yaml")
    text = (FIXTURES / "ingest" / "patches" / "desk_call_2025-12-05.yaml").read_text(encoding="utf-8")
    text = text.replace("value: 380,", f"value: {LONG},")
    assert LONG in text
    patch.write_text(text, encoding="utf-8")
    line = text[: text.index(LONG)].count("\n") + 1
    one_line_refusal(capsys, "-g", graph_file, "apply", patch, expect=f"{patch}:{line}: a number of 5000 digits is too long")
    assert graph_file.read_bytes() == GRAPH.read_bytes()


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e999", "9" * 400 + ".0"])
def test_a_metric_value_must_be_finite(capsys, graph_file, value):
    lines = graph_file.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("value: "))
    lines[at] = lines[at].split("value: ")[0] + "value: " + value
    graph_file.write_text("\n".join(lines), encoding="utf-8")
    index = load_data(GRAPH).nodes.index(metric_node(load_data(GRAPH)))
    one_line_refusal(
        capsys, "-g", graph_file, "validate", expect=f"{graph_file}:{at + 1}: nodes[{index}].metrics[0].value: Input should be a finite number"
    )


@pytest.mark.parametrize("value", [".nan", ".inf", "1e999"])
def test_a_patch_metric_must_be_finite(capsys, graph_file, value):
    patch = graph_file.with_name("patch.yaml")
    text = (FIXTURES / "ingest" / "patches" / "desk_call_2025-12-05.yaml").read_text(encoding="utf-8")
    patch.write_text(text.replace("value: 380,", f"value: {value},"), encoding="utf-8")
    code, out, err = run(capsys, "-g", graph_file, "apply", patch)
    assert code == 1 and "Traceback" not in err and "finite number" in err, (code, out, err)
    assert graph_file.read_bytes() == GRAPH.read_bytes()


@pytest.mark.parametrize("command", [["validate"], ["exposure", "阿里云资本开支"], ["ingest", str(SEED_NOTE)]])
def test_a_device_as_the_graph_is_refused_before_reading(capsys, command):
    one_line_refusal(capsys, "-g", "/dev/zero", *command, expect="/dev/zero: is a device, not a regular file", within=5)


def test_a_graph_over_the_size_limit_is_refused_with_its_size(capsys, graph_file, monkeypatch):
    monkeypatch.setattr(store, "MAX_GRAPH_BYTES", 1024)
    one_line_refusal(capsys, "-g", graph_file, "validate", expect=f"{graph_file}: {graph_file.stat().st_size:,} bytes, over the 1,024 a graph file may have")
    assert store.MAX_GRAPH_BYTES == 1024 and graph_file.stat().st_size > 1024


def test_a_file_read_by_pyyaml_is_cached_under_its_own_bytes(tmp_path, monkeypatch):
    """A plain 002837 sends the load to PyYAML's reading; the cache entry it leaves is
    keyed by the SHA-256 of the file's bytes, so the next load is warm and equal."""
    import hashlib

    from supplychain import cache, load_graph

    data = load_data(GRAPH)
    node = next(n for n in data.nodes if getattr(n, "ticker", None) == "002837.SZ")
    node.aliases = [*node.aliases, "002837"]
    path = tmp_path / "g.yaml"
    store.save_graph(data, path)
    assert not (tmp_path / cache.CACHE_DIR).exists()
    load_graph(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert cache.cache_path(path, digest).exists()
    monkeypatch.setattr(store, "read_graph", lambda *a, **k: pytest.fail("parsed the YAML although the cache is warm"))
    warm = load_graph(path)
    assert warm.resolve("002837").id == node.id and warm.data == data


@pytest.mark.parametrize("name", ["光模块\u2028龙头", "a\u2029b", "x\x85y", "0\u2028    0"])
def test_unicode_line_breaks_in_a_name_read_back_as_written(name):
    """U+0085/U+2028/U+2029 are line breaks to YAML 1.1 (PyYAML folds them in a plain or
    single-quoted scalar) and text to YAML 1.2 (yaml-rs): written escaped in double quotes,
    the name reads back the same through both readers, and the dump is stable."""
    data = load_data(GRAPH)
    data.nodes[0].name = name
    text = dump_graph(data)
    assert text == HEADER + pyyaml_dump(canonical(data))
    assert parse_graph_text(text, "g.yaml").nodes[0].name == name
    assert yaml.load(text, Loader=yaml.SafeLoader)["nodes"][0]["name"] == name
    assert dump_graph(parse_graph_text(text, "g.yaml")) == text
