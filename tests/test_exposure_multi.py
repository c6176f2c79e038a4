"""`supplychain exposure` over several drivers: positional or `--driver`, a parent with
`--across`; the single-driver form unchanged; table, JSON and CSV; the README tour is real."""

from __future__ import annotations

import csv
import io
import json

from conftest import FIXTURES, ROOT, run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture: three notes about two drivers)

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_positional_option_and_alias_forms_agree(brief_graph, capsys):
    g = ("--graph", brief_graph.path)
    outs = []
    for argv in (("exposure", "阿里云资本开支", "腾讯资本开支"), ("exposure", "--driver", "阿里云资本开支", "--driver", "腾讯资本开支"),
                 ("exposure", "阿里云资本开支", "--driver", "tencent-capex"), ("across", "阿里云资本开支", "腾讯资本开支")):
        code, out, err = run(capsys, *g, *argv, "-f", "json")
        assert code == 0, (argv, err)
        outs.append(out)
    assert outs[1:] == outs[:1] * 3


def test_plain_exposure_of_a_parent_is_the_single_driver_ranking(brief_graph, capsys):
    from supplychain.query import exposure
    from supplychain.render import exposure_json, to_json

    code, out, _ = run(capsys, "--graph", brief_graph.path, "exposure", "AI需求", "-f", "json")
    assert code == 0 and out == to_json(exposure_json(exposure(brief_graph, "AI需求"), brief_graph)) + "\n"
    assert "drivers" not in json.loads(out)


def test_across_expands_a_parent_into_the_capex_drivers(brief_graph, capsys):
    code, out, err = run(capsys, "--graph", brief_graph.path, "exposure", "AI需求", "--across", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    # AI需求 drives Alibaba's revenue chain (which ends in 阿里云资本开支, itself driving 物业与设备购置支出)
    # and 腾讯资本开支: one column per driver that drives sub-sectors, none inside another
    assert [d["id"] for d in data["drivers"]] == ["alibaba-capex", "tencent-capex"]
    assert data["parent"] == {"id": "ai-demand", "name": "AI需求"} == data["driver"]
    code, same, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "腾讯资本开支", "-f", "json")
    assert json.loads(same)["results"] == data["results"]


def test_json_only_adds_keys_to_the_exposure_contract(brief_graph, capsys):
    _, single, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "-f", "json")
    _, multi, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "腾讯资本开支", "-f", "json")
    single, multi = json.loads(single), json.loads(multi)
    assert set(single) < set(multi) and set(single["driver"]) == set(multi["driver"])
    assert set(single["results"][0]) < set(multi["results"][0])
    assert multi["driver"] == {"id": "alibaba-capex+tencent-capex", "name": "阿里云资本开支 + 腾讯资本开支"}
    ieit = next(r for r in multi["results"] if r["id"] == "ieit")
    assert ieit["score"] == 0.954 and ieit["path"] == ieit["breakdown"][1]["path"]  # the stronger (Tencent) driver's path
    # the documented shape of the multi-driver JSON is the real one
    section = README.split("**`exposure D1 D2 …`**", 1)[1].split("**`drivers COMPANY`**", 1)[0]
    for key in set(multi) - set(single):
        assert f"`{key}`" in section, key
    for key in (set(multi["results"][0]) - set(single["results"][0])) | set(multi["results"][0]["breakdown"][0]):
        assert f"`{key}`" in section or f'"{key}"' in section, key


def test_csv_has_the_exposure_columns_then_the_breakdown(brief_graph, capsys):
    _, single, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "-f", "csv")
    code, out, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "腾讯资本开支", "-f", "csv")
    head = single.splitlines()[0].split(",")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:len(head)] == head
    assert list(rows[0])[len(head):] == ["drivers", "score_alibaba-capex", "stance_alibaba-capex",
                                         "score_tencent-capex", "stance_tencent-capex"]
    zte = next(r for r in rows if r["id"] == "zte")
    assert (zte["score"], zte["drivers"], zte["score_alibaba-capex"], zte["score_tencent-capex"]) == ("0.9000", "1", "0.9", "")


def test_bad_driver_lists_are_one_line(capsys):
    code, out, err = run(capsys, "exposure")
    assert code == 2 and out == "" and err.count("\n") == 1 and "exposure needs a driver" in err
    code, out, err = run(capsys, "exposure", "AI需求", "--driver", "阿里云资本开支")
    assert code == 1 and out == "" and err == ("Error: AI需求 (ai-demand) drives 阿里云资本开支 (alibaba-capex): its exposure "
                                               "already holds that driver's evidence; give one of the two\n")
    code, out, err = run(capsys, "exposure", "阿里云资本开支", "--across")
    assert code == 1 and out == "" and err.count("\n") == 1 and "nothing to combine" in err
    code, out, err = run(capsys, "exposure", "阿里云资本开支", "--driver", "Alibaba capex")
    assert code == 1 and err.count("\n") == 1 and "given twice" in err
    code, out, err = run(capsys, "exposure", "阿里云资本开支", "不存在的驱动")
    assert code == 1 and out == "" and err.count("\n") == 1


def test_readme_tour_shows_the_real_output(brief_graph, capsys):
    cmd = "exposure 阿里云资本开支 腾讯资本开支 --sector AI芯片与服务器 --top 4"
    shown = README.split(f"$ supplychain -g /tmp/g.yaml {cmd}\n", 1)[1].split("\n$ ", 1)[0] + "\n"
    code, out, _ = run(capsys, "--graph", brief_graph.path, *cmd.split())
    assert code == 0 and out == shown
    assert "1  浪潮信息  IEIT Systems" in out and "0.540 提及 1 new   0.900 推荐 1 new" in out


def test_readme_single_driver_tour_is_unchanged(capsys):
    cmd = "exposure 阿里云资本开支 --top 3"
    shown = README.split(f"$ supplychain {cmd}\n", 1)[1].split("\n$ ", 1)[0].rstrip("\n") + "\n"
    code, out, _ = run(capsys, *cmd.split())
    assert code == 0 and out == shown and out.count("\n") == 13


def test_a_negative_call_is_listed_apart(brief_graph, tmp_path, capsys):
    from supplychain.ingest.apply import ingest

    path = tmp_path / "graph.yaml"
    path.write_bytes(open(brief_graph.path, "rb").read())
    ingest([FIXTURES / "notes" / "english_china_ai_infra.md"], path, driver="阿里云资本开支")  # 光环新网 Underweight
    code, out, err = run(capsys, "-g", path, "exposure", "阿里云资本开支", "腾讯资本开支", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert "sinnet" not in {r["id"] for r in data["results"]}
    (sinnet,) = data["negative"]
    assert (sinnet["id"], sinnet["call"], sinnet["score"], sinnet["explain"]) == (
        "sinnet", "negative", 0.45, "negative call for 阿里云资本开支: not ranked")
    assert [(b["score"], b["stance"]) for b in sinnet["breakdown"]] == [(None, "negative"), (None, None)]
    code, out, _ = run(capsys, "-g", path, "exposure", "阿里云资本开支", "腾讯资本开支")
    assert "Negative calls (named only with 减持/卖出/Underweight/Sell; not ranked): 1" in out
    assert "  光环新网 300383.SZ for 阿里云资本开支: english-china-ai-infra (2025-12-15)" in out
