"""Lookup keys: every common spelling of a code, traditional = simplified, format characters ignored."""

import pytest

from conftest import GRAPH
from supplychain.graph import load_graph
from supplychain.names import clean_name, format_characters, normalize, query_keys, ticker_keys


@pytest.fixture(scope="module")
def g():
    return load_graph(GRAPH)


@pytest.mark.parametrize(
    "query, node",
    [
        *[(q, "innolight") for q in ("300308", "300308.SZ", "SZ300308", "sz300308", "300308 CH", "300308 C2", "300308 C1", "３００３０８．ＳＺ")],
        *[(q, "tencent") for q in ("0700 HK", "00700.HK", "700.HK", "0700.HK", "HK0700", "700 HK")],
        *[(q, "alibaba") for q in ("9988 HK", "09988.HK", "BABA", "BABA US", "BABA.N", "baba.n")],
        *[(q, "baidu") for q in ("BIDU US", "BIDU.O", "BIDU.OQ", "9888.HK")],
        *[(q, "baosight") for q in ("600845", "600845.SH", "SH600845", "600845.SS", "600845 CH")],
    ],
)
def test_every_code_spelling_finds_its_node(g, query, node):
    assert g.resolve(query).id == node


def test_a_code_on_the_wrong_exchange_finds_nothing(g):
    assert g.matches("300308.SH") == set() and g.matches("300308 HK") == set()


@pytest.mark.parametrize(
    "spoof",
    ["中際旭創", "中际\u200b旭创", "\u202e中际旭创", "中际旭创\u200d", "中\u2066际旭创\u2069", "\ufeff中际旭创", "中際\u200c旭創"],
)
def test_spoofed_and_traditional_names_find_the_same_node(g, spoof):
    assert g.resolve(spoof).id == "innolight"


def test_keys_and_names():
    assert normalize("工業富聯") == normalize("工业富联") == "工业富联"
    assert normalize("滬電股份") == "沪电股份"
    assert normalize("資本開支不及預期風險") == "资本开支不及预期风险"
    assert format_characters("a\u200bb") == ["U+200B"] and format_characters("中际旭创") == []
    assert clean_name("\u202e中际旭创\u200b") == "中际旭创"
    # a Bloomberg suffix on something that is no code is not a ticker
    assert ticker_keys("Innolight CH") == ("innolightch", "innolightch")
    assert query_keys("601138 CH") == ["601138ch", "601138.sh"]
    assert ticker_keys("920099 CH") == ("920099.bj", "920099")


@pytest.mark.parametrize("clone", ["中際旭創", "中际\u200b旭创", "中际旭创\u202e"])
def test_a_graph_with_two_nodes_of_one_key_fails_validation(tmp_path, capsys, clone):
    from conftest import run

    path = tmp_path / "graph.yaml"
    text = GRAPH.read_text(encoding="utf-8")
    path.write_text(text.replace("nodes:\n", f"nodes:\n- id: innolight-clone\n  type: company\n  name: {clone}\n", 1), encoding="utf-8")
    code, out, err = run(capsys, "--graph", path, "validate")
    assert code == 1
    assert "'中际旭创' already names node" in err and "a name, alias or ticker must resolve to one node" in err


def test_the_format_character_class_covers_every_cf_character():
    import sys
    import unicodedata

    from supplychain.names import _FORMAT

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        assert bool(_FORMAT.fullmatch(ch)) == (unicodedata.category(ch) == "Cf") or unicodedata.category(ch) == "Cn", hex(cp)


def test_a_note_with_spoofed_names_makes_no_new_node(graph_copy, tmp_path, capsys):
    """Issue 12, case 11: zero-width spaces, bidi overrides and traditional characters."""
    from conftest import run

    note = tmp_path / "spoof_2025-12-21.md"
    note.write_text(
        "---\ntitle: \"x\"\ndate: 2025-12-21\n---\n\n# 行业点评：阿里资本开支\n\n**重点受益行业与标的**：\n\n"
        "- **光通信模块与器件**：中际\u200b旭创、\u202e新易盛、中際旭創（推荐）\n"
        "- **交换机与网络芯片**：中兴\u2060通讯(0763 HK)、紫光股份(000938 CH)（推荐）\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", "--dry-run", note)
    assert code == 0, err
    assert [line for line in out.splitlines() if line.startswith("  new ") and "new report" not in line
            and "new claim" not in line and "new edge" not in line] == []


@pytest.mark.parametrize(
    "bullet, line, what",
    [
        ("**重点受益行业与标的**：\n\n- **AI芯片与服务器**：\u200b、海光信息（推荐）\n", 10, "a company name '\\u200b'"),
        ("**重点受益行业与标的**：\n\n- **\u200b\u202e**：海光信息（推荐）\n", 10, "a sector name '\\u200b\\u202e'"),
        ("### 4. 主要风险与不确定性\n\n- **\u2060**：x。\n", 10, "a risk name '\\u2060'"),
    ],
)
def test_a_name_of_invisible_characters_only_is_refused(graph_copy, tmp_path, capsys, bullet, line, what):
    from conftest import run

    note = tmp_path / "invisible_2025-12-23.md"
    note.write_text(f"---\ntitle: \"x\"\ndate: 2025-12-23\n---\n\n# 行业点评：阿里资本开支\n\n{bullet}", encoding="utf-8")
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", note)
    assert code == 1 and out == ""
    assert err.startswith(f"Error: {note}:{line}: {what}") and len(err.splitlines()) == 1, err
    assert graph_copy.read_bytes() == before
