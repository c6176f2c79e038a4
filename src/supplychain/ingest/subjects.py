"""The driver a note is about, and how a new driver joins the chain.

A note's driver is read from its title, then its lead: the subject it names (腾讯, 北美云厂商,
阿里云…, :data:`SUBJECTS`) with the concept (资本开支, 出口政策…, :data:`CONCEPTS`). An existing
driver whose names hold both is reused; otherwise a new driver is proposed with a readable
name and id; without a subject the note is refused with the ``--driver`` to pass. A new
driver joins under AI需求 and is operated by its company when the graph has it.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FileFormatError, SupplyChainError
from ..graph import Graph
from ..names import normalize
from ..schema import Claim, DriverNode
from .parse import ParsedReport

if TYPE_CHECKING:
    from .plan import Planner


SUBJECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (name in a driver's name, English, words a title says it with), longest words first
    ("北美云厂商", "North American cloud", ("北美云厂商", "北美四大云厂商", "北美科技巨头", "北美云", "海外云厂商", "hyperscaler")),
    ("阿里云", "Alibaba Cloud", ("阿里巴巴", "阿里云", "阿里雲", "阿里", "alibaba")),
    ("腾讯", "Tencent", ("腾讯控股", "腾讯云", "腾讯", "騰訊", "tencent")),
    ("字节跳动", "ByteDance", ("字节跳动", "字节", "火山引擎", "bytedance")),
    ("百度", "Baidu", ("百度", "baidu")),
    ("华为", "Huawei", ("华为", "華為", "huawei")),
    ("微软", "Microsoft", ("微软", "微軟", "microsoft")),
    ("谷歌", "Google", ("谷歌", "google", "alphabet")),
    ("亚马逊", "Amazon", ("亚马逊", "亞馬遜", "amazon", "aws")),
    ("Meta", "Meta", ("meta", "脸书")),
    ("英伟达H200", "Nvidia H200", ("英伟达h200", "h200")),
    ("英伟达", "Nvidia", ("英伟达", "輝達", "nvidia")),
)
"""Whose driver a note is about: the subjects a title names. A driver's own name holds
the first column (阿里云资本开支), so an existing driver matches by subject and concept."""

CONCEPTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("资本开支", "capex", ("资本开支", "資本開支", "资本支出", "資本支出", "capex", "capital expenditure")),
    ("出口政策", "export policy", ("出口政策", "出口管制", "出口限制", "禁售", "export control", "export policy")),
    ("营收", "revenue", ("营收", "營收", "收入", "revenue")),
)
"""What a driver is about, for a subject: a generic word alone (资本开支, capex) never
names a company's driver."""


def _first(text: str, table) -> tuple | None:
    """The row of ``table`` whose word comes first in ``text`` (the longest at a tie)."""
    best = None
    for row in table:
        for word in row[2]:
            i = text.find(normalize(word))
            if i >= 0 and (best is None or (i, -len(word)) < best[0]):
                best = ((i, -len(word)), row)
    return best[1] if best else None


def english_driver_name(name: str) -> str | None:
    """The English name of a driver named by a subject and a concept, as an inferred driver
    gets it (so ``--driver 腾讯资本开支`` makes ``tencent-capex``, not a pinyin id), else None.

    >>> english_driver_name("腾讯资本开支"), english_driver_name("北美云厂商资本开支"), english_driver_name("光模块景气度")
    ('Tencent capex', 'North American cloud capex', None)
    """
    text = normalize(name)
    subject, concept = _first(text, SUBJECTS), _first(text, CONCEPTS)
    return f"{subject[1]} {concept[1]}" if subject and concept else None


def _lead(report: ParsedReport) -> str:
    """The note's first lines after its title (the lead paragraph), from its file."""
    try:
        lines = Path(report.file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    out = [line for line in lines[report.title_line: report.title_line + 12] if line.strip() and not line.startswith(("#", "---", ">"))]
    return " ".join(out[:2])


def driver_from_title(g: Graph, report: ParsedReport) -> "str | DriverNode":
    """The driver a note is about, from its title (then its lead): the subject it names
    (腾讯, 北美云厂商, 阿里云…, :data:`SUBJECTS`) with the concept (资本开支, 出口政策…,
    :data:`CONCEPTS`). An existing driver whose names hold both is used (阿里云资本开支 for
    阿里…资本开支); otherwise a new :class:`DriverNode` is returned (腾讯资本开支,
    ``tencent-capex``), for the plan to add. Without a subject, a driver whose whole name
    the title holds is used; else the note is refused with the ``--driver`` to pass.
    """
    drivers = [n for n in g.nodes.values() if n.type == "driver"]
    for text in (normalize(f"{report.title} {report.name}"), normalize(_lead(report))):
        subject, concept = _first(text, SUBJECTS), _first(text, CONCEPTS)
        if subject is None:
            continue
        words = [normalize(w) for w in subject[2]] + [normalize(subject[0])]
        mine = [n for n in drivers if any(any(w in normalize(t) for w in words) for t in (n.name, n.name_en, *n.aliases) if t)]
        if concept is not None:
            cwords = [normalize(w) for w in concept[2]]
            both = sorted(n.id for n in mine if any(
                any(w in normalize(t) for w in words) and any(c in normalize(t) for c in cwords)
                for t in (n.name, n.name_en, *n.aliases) if t))
            if both:
                return both[0]
            return DriverNode(type="driver", id="pending", name=f"{subject[0]}{concept[0]}",
                              name_en=f"{subject[1]} {concept[1]}")
        if len(mine) == 1:
            return mine[0].id
        break
    titles = [normalize(t) for t in {report.title, report.name} if t]
    hits: dict[str, int] = {}
    for node in drivers:
        for text in (node.name, node.name_en, *node.aliases):
            k = normalize(text or "")
            if len(k) >= 4 and any(k in t for t in titles):
                hits[node.id] = max(hits.get(node.id, 0), len(k))
    if hits:
        best = max(hits.values())
        winners = sorted(i for i, v in hits.items() if v == best)
        if len(winners) == 1:
            return winners[0]
    raise FileFormatError(
        report.file, report.title_line,
        "the title names no subject whose driver this note is about (a company or region such as 腾讯, 北美云厂商, "
        f"with a concept such as 资本开支); pass --driver NAME{closest_drivers(g, report.title, with_flag=True)}",
    )


DEMAND_ROOT = "ai-demand"
"""The driver a new driver joins under: AI需求 drives every capex driver a note brings."""


def _in_keys(p: "Planner", driver_id: str) -> list[tuple[str, str, str]]:
    """The keys of the edges into ``driver_id``: in the graph and planned."""
    keys = [e.key for e in p.g.in_edges(driver_id)] if driver_id in p.g.nodes else []
    return keys + [k for k in p.pending_claims if k[2] == driver_id]


def join_chain(p: "Planner", report: ParsedReport, driver_id: str) -> None:
    """A driver not linked into the chain joins it: ``drives`` from AI需求 (when the graph
    has it, no driver drives this one yet, and the title or lead speaks of AI) and
    ``operates`` from the company its name is about, when the graph has that company and
    it does not operate the driver yet (腾讯控股 → 腾讯资本开支). A new driver always
    qualifies; an existing one when its linking note was retracted. Each claim quotes the
    note's sentence it rests on (the title, else the lead sentence); none is made without one."""
    g = p.g
    keys = _in_keys(p, driver_id)
    has_parent = driver_id == DEMAND_ROOT or any(
        t == "drives" and p.node(s).type == "driver" for t, s, _ in keys)
    name = normalize(p.plan.names.get(driver_id, ""))
    sentences = [report.title] + [x for x in re.split(r"(?<=[。！？])", _lead(report)) if x.strip()]

    def quote(*words: str) -> str | None:
        keys = [normalize(w) for w in words]
        return next((x.strip() for x in sentences if any(k in normalize(x) for k in keys)), None)

    def claim(text: str) -> Claim:
        return Claim(report=report.id, date=report.date, quote=text, driver=driver_id)

    if DEMAND_ROOT in g.nodes and not has_parent:
        q = quote("AI", "算力", "人工智能")
        if q:
            p.add_claim("drives", DEMAND_ROOT, driver_id, claim(q))
    for subject, _, words in SUBJECTS:
        if normalize(subject) not in name:
            continue
        company = None
        for w in words:
            try:
                company = g.resolve(w, types=("company",)).id
                break
            except SupplyChainError:
                continue
        if company and ("operates", company, driver_id) in keys:
            break
        q = quote(*words) if company else None
        if company and q:
            p.add_claim("operates", company, driver_id, claim(q))
        break


def closest_drivers(g: Graph, text: str, n: int = 3, with_flag: bool = False) -> str:
    """`` (closest: 阿里云资本开支 (alibaba-capex), …)`` ranked by the longest name part they share."""
    t = normalize(text)
    scored = []
    for node in g.nodes.values():
        if node.type == "driver":
            best = 0
            for name in (node.name, *node.aliases):
                k = normalize(name)
                m = difflib.SequenceMatcher(None, k, t).find_longest_match(0, len(k), 0, len(t))
                best = max(best, m.size)
            scored.append((-best, node.id, node.name))
    if not scored:
        return " (the graph has no drivers yet)"
    scored.sort()
    if with_flag:
        return " (candidates: " + ", ".join(f"--driver {name}" for _, i, name in scored[:n]) + ")"
    return " (closest drivers: " + ", ".join(f"{name} ({i})" for _, i, name in scored[:n]) + ")"
