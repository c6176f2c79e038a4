"""The README's `portfolio` JSON contract names exactly the keys the command produces."""

from __future__ import annotations

import json
import re

from conftest import FIXTURES, ROOT
from supplychain.portfolio.book import book_exposure
from supplychain.portfolio.cli import book_json
from supplychain.portfolio.reader import read_holdings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _documented() -> dict:
    section = README.split("**`portfolio FILE`**", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    return json.loads(block)


def test_documented_portfolio_json_keys_are_the_real_ones(graph):
    doc = _documented()
    real = book_json(book_exposure(graph, read_holdings(FIXTURES / "portfolio" / "fund_book_gb18030.csv"),
                                   drivers=["阿里云资本开支"]))
    assert set(doc) == set(real)
    assert set(doc["holdings"][0]) == set(real["holdings"][0])
    assert set(doc["drivers"][0]) == set(real["drivers"][0])
    assert set(doc["drivers"][0]["contributors"][0]) == set(real["drivers"][0]["contributors"][0])
    assert doc["drivers"][0]["contributors"][0]["path"] == real["drivers"][0]["contributors"][0]["path"]
    assert doc["drivers"][0]["exposure"] == real["drivers"][0]["exposure"]


def test_readme_tour_shows_the_real_portfolio_output(capsys):
    from supplychain.cli import main

    cmd = "supplychain portfolio tests/fixtures/portfolio/fund_book_gb18030.csv --driver 阿里云资本开支 --top 3"
    shown = README.split(f"$ {cmd}\n", 1)[1].split("```", 1)[0]
    assert main(cmd.split()[1:]) == 0
    assert capsys.readouterr().out == shown
