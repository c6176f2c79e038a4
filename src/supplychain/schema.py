"""The data model: node and edge kinds, the edge-rule table, pydantic models.

The schema is data. :data:`EDGE_RULES` says, for each edge type, which node types it may
join, whether it is directed, which way exposure flows along it and with what weight.
Code elsewhere reads this table instead of branching on edge types.

Examples
--------
>>> EDGE_RULES["member_of"].sources, EDGE_RULES["member_of"].targets
(frozenset({'company'}), frozenset({'sector'}))
>>> EDGE_RULES["member_of"].flow
'backward'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

NODE_TYPES: tuple[str, ...] = ("driver", "sector", "company", "etf", "risk", "report")
"""Node types in their canonical order (the order of ``data/graph.yaml``)."""

STANCES: tuple[str, ...] = ("recommended", "beneficiary", "listed", "neutral", "negative", "dropped")
"""Stances from strongest to weakest: 推荐, 受益, named with no marker, a neutral rating
(中性/Hold), a negative call (减持/卖出/Underweight/Sell), and a name a note removed from
its list (调出/剔除/不再推荐/"removed from our picks"). New stances are appended, never
inserted: the cache stores a stance as its index in this tuple."""

STANCE_LABELS = {"recommended": "推荐", "beneficiary": "受益", "listed": "提及", "neutral": "中性", "negative": "减持",
                 "dropped": "调出"}

STANCE_WEIGHT: dict[str, float] = {"recommended": 1.0, "beneficiary": 0.8, "listed": 0.6, "neutral": 0.5, "negative": 0.5,
                                   "dropped": 0.0}
"""Factor a stance applies to the hop it is on (see the README, "The exposure score")."""

INFERRED_WEIGHT = 0.5
"""Factor on the stance hop of a name reached only through a sub-sector that notes about
other drivers filled (an *inferred* name, README "The exposure score"): it replaces the
stance weight, since no note about the queried driver gave that name a stance."""

STANCE_CALL: dict[str | None, str] = {
    "recommended": "exposed", "beneficiary": "exposed", "listed": "exposed", None: "exposed",
    "neutral": "neutral", "negative": "negative", "dropped": "dropped",
}
"""What a result's stance says about it in ``exposure``: a ``negative`` call (a short) is
never ranked among the exposed names; it is listed apart (README, "The exposure score")."""

RATINGS: dict[str, str] = {
    # recommended
    "买入": "recommended", "强烈推荐": "recommended", "推荐": "recommended", "强推": "recommended",
    "buy": "recommended", "strong buy": "recommended", "overweight": "recommended", "outperform": "recommended",
    # beneficiary
    "增持": "beneficiary", "谨慎推荐": "beneficiary", "审慎增持": "beneficiary", "受益": "beneficiary",
    "受惠": "beneficiary", "关注": "beneficiary", "accumulate": "beneficiary",
    # neutral
    "中性": "neutral", "持有": "neutral", "neutral": "neutral", "hold": "neutral", "equal-weight": "neutral",
    "equal weight": "neutral", "market perform": "neutral", "market-perform": "neutral", "in-line": "neutral",
    # negative
    "减持": "negative", "卖出": "negative", "回避": "negative", "underweight": "negative", "sell": "negative",
    "underperform": "negative", "reduce": "negative",
}
"""Rating words (English ones lower-case) → stance: the one table every note format reads
(docs/ingest.md, "Ratings"; a test keeps the two equal)."""


@dataclass(frozen=True)
class EdgeRule:
    """What one edge type may join and how exposure travels along it.

    ``flow`` is ``"forward"`` when exposure passes from source to target, ``"backward"``
    when it passes from target to source (a sector's exposure reaches its member
    companies), ``"none"`` when the edge carries no exposure (risks, competition).
    ``weight`` multiplies the score on each hop of this type; ``stance`` says whether
    the edge's claims carry a stance, whose :data:`STANCE_WEIGHT` then applies too.
    """

    type: str
    sources: frozenset[str]
    targets: frozenset[str]
    label: str
    directed: bool
    flow: Literal["forward", "backward", "none"]
    weight: float
    stance: bool


def _rule(type_, sources, targets, label, directed, flow, weight, stance=False):
    return EdgeRule(type_, frozenset(sources), frozenset(targets), label, directed, flow, weight, stance)


EDGE_RULES: dict[str, EdgeRule] = {
    r.type: r
    for r in (
        _rule("drives", {"driver"}, {"driver", "sector"}, "drives", True, "forward", 0.9),
        _rule("member_of", {"company"}, {"sector"}, "is a member of", True, "backward", 1.0, stance=True),
        _rule("exposed_to", {"etf"}, {"driver", "sector"}, "is exposed to", True, "backward", 0.8, stance=True),
        _rule("tracks", {"etf"}, {"sector"}, "tracks", True, "backward", 0.9),
        _rule("holds", {"etf"}, {"company"}, "holds", True, "backward", 0.8),
        _rule("supplies", {"company"}, {"company"}, "supplies", True, "backward", 0.7),
        _rule("operates", {"company"}, {"driver"}, "operates", True, "none", 0.0),
        _rule("threatens", {"risk"}, {"driver", "sector", "company"}, "threatens", True, "none", 0.0),
        _rule("competes", {"company"}, {"company"}, "competes with", False, "none", 0.0),
    )
}
"""The edge-rule table: the one place that says which node types each edge type joins."""

EDGE_TYPES: tuple[str, ...] = tuple(EDGE_RULES)

EXPOSED_TYPES: frozenset[str] = frozenset({"company", "etf"})
"""Node types that appear as results of an exposure query."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: ``.nan``, ``.inf`` or ``1e999`` (which overflows to infinity) are
refused, so no export ever writes ``NaN`` or ``Infinity`` (which are not JSON)."""


WATCHED: set[int] = set()
"""Ids of the models a graph file was read into, while a write may still reuse their text
(:func:`supplychain.previous.note_read`). Setting or deleting a field of one of them empties
the set: the write then dumps and compares every item again (a list changed in place is
caught apart, by :func:`supplychain.previous.note_read`'s snapshot of the lists)."""


class _Model(BaseModel):
    # defer_build: the validators are built on first validation, not at import (a warm
    # load from the cache builds models without validating them)
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True, defer_build=True)

    def __setattr__(self, name: str, value) -> None:
        if WATCHED and id(self) in WATCHED:
            WATCHED.clear()
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if WATCHED and id(self) in WATCHED:
            WATCHED.clear()
        super().__delattr__(name)


class Evidence(_Model):
    """Where a fact comes from: the report node, its date and the quoted sentence."""

    report: Slug
    date: dt.date
    quote: Text


class Claim(Evidence):
    """One report's statement supporting an edge, with the author's stance if any."""

    stance: Literal["recommended", "beneficiary", "listed", "neutral", "negative", "dropped"] | None = None
    weight: float | None = Field(default=None, gt=0, le=1, description="an ETF's weight in a holding (holds edges), 0 < w <= 1")
    driver: Slug | None = None
    """The driver the claim's note is about (set by ``ingest``). A claim without one (the
    bundled seed graph) counts for every driver its path comes from."""


class Metric(_Model):
    """A number a report gives for a driver, e.g. capex 315.01 亿元, +80.10% YoY.

    A range (910-930亿美元) keeps its ends in ``low`` and ``high`` (``low <= high``); its
    ``value`` is left empty, since the note gives no single number (a point estimate set
    by hand must lie within the range). The same figure reported by later notes is one
    metric: ``source`` is the earliest note that gave it (that states its YoY, when it has
    one: :func:`.ingest.figures.ordered_sources`), ``also`` the others.
    """

    name: Text
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    unit: str | None = None
    period: str | None = None
    yoy: Number | None = Field(default=None, description="year-on-year change, percent")
    qualifier: Literal["=", ">", ">=", "~"] = "="
    source: Evidence
    also: list[Evidence] = Field(default_factory=list, description="later notes reporting the same figure")

    @model_validator(mode="after")
    def _has_a_number(self) -> "Metric":
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both low and high")
        if self.low is not None and self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        if self.low is not None and self.value is not None and not self.low <= self.value <= self.high:
            raise ValueError(f"value {self.value:g} lies outside its range {self.low:g}-{self.high:g}")
        if self.value is None and self.low is None and self.yoy is None:
            raise ValueError("a metric needs a value, a range (low and high), a yoy, or both")
        if (self.value is not None or self.low is not None) and not self.unit:
            raise ValueError("a metric with a value needs its unit")
        return self

    @property
    def sources(self) -> list[Evidence]:
        """Every note that gave this figure, the earliest first."""
        return [self.source, *self.also]


class Listing(_Model):
    """A listing other than the primary one (H shares, ADS, B shares...)."""

    ticker: Text
    exchange: str | None = None
    note: str | None = None


class _NodeBase(_Model):
    id: Slug
    name: Text
    name_en: str | None = None
    aliases: list[Text] = Field(default_factory=list)
    description: str | None = None


class DriverNode(_NodeBase):
    type: Literal["driver"]
    metrics: list[Metric] = Field(default_factory=list)


class SectorNode(_NodeBase):
    type: Literal["sector"]


class CompanyNode(_NodeBase):
    type: Literal["company"]
    ticker: str | None = None
    exchange: str | None = None
    listings: list[Listing] = Field(default_factory=list)


class EtfNode(_NodeBase):
    type: Literal["etf"]
    ticker: str | None = None
    exchange: str | None = None
    tracks_index: str | None = None


class RiskNode(_NodeBase):
    type: Literal["risk"]


class ReportNode(_NodeBase):
    type: Literal["report"]
    title: Text
    date: dt.date
    file: str | None = None
    metrics: list[Metric] = Field(default_factory=list)
    """Figures the note gives about no driver of the graph (GB300 机柜功率, 微软资本开支 in a
    note about another driver): kept with the note, never on an unrelated driver."""


Node = Annotated[
    Union[DriverNode, SectorNode, CompanyNode, EtfNode, RiskNode, ReportNode],
    Field(discriminator="type"),
]


class Edge(_Model):
    """A typed edge with the claims that support it. Its key is (type, source, target)."""

    type: Literal[
        "drives", "member_of", "exposed_to", "tracks", "holds", "supplies", "operates", "threatens", "competes"
    ]
    source: Slug
    target: Slug
    claims: list[Claim] = Field(min_length=1)

    @property
    def key(self) -> tuple[str, str, str]:
        return edge_key(self.type, self.source, self.target)


def edge_key(type_: str, source: str, target: str) -> tuple[str, str, str]:
    """The identity of an edge; undirected edges are keyed with their ends sorted."""
    if not EDGE_RULES[type_].directed and target < source:
        source, target = target, source
    return (type_, source, target)


class GraphData(_Model):
    """The whole file: ``version``, ``nodes`` and ``edges``."""

    version: Literal[1] = 1
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)


assert set(EDGE_TYPES) == set(Edge.model_fields["type"].annotation.__args__), "edge table and model disagree"
assert set(STANCES) == set(Claim.model_fields["stance"].annotation.__args__[0].__args__), "stances and model disagree"


def hop_weight(rule: EdgeRule, claim: Claim | None) -> float:
    """The factor exposure is multiplied by along an edge of ``rule`` whose current claim
    is ``claim``: the type's weight times the stance's (0 for a type that carries none).

    >>> hop_weight(EDGE_RULES["member_of"], Claim(report="r", date="2025-11-26", quote="q", stance="beneficiary"))
    0.8
    """
    if rule.flow == "none":
        return 0.0
    return rule.weight * STANCE_WEIGHT[claim.stance] if rule.stance and claim and claim.stance else rule.weight


def current_claim(claims: list[Claim], as_of: dt.date | None = None) -> Claim | None:
    """The latest claim (on or before ``as_of``); ties keep the later-listed claim.

    >>> c1 = Claim(report="r1", date="2025-11-26", quote="a", stance="listed")
    >>> c2 = Claim(report="r2", date="2025-12-03", quote="b", stance="recommended")
    >>> current_claim([c1, c2]).stance, current_claim([c1, c2], dt.date(2025, 11, 30)).stance
    ('recommended', 'listed')
    """
    best = None
    for c in claims:
        if as_of is not None and c.date > as_of:
            continue
        if best is None or c.date >= best.date:
            best = c
    return best
