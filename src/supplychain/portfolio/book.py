"""The exposure of a book of holdings to each driver: Σ weight × score, and through what.

For a driver D, a holding's score is its score in :func:`~supplychain.query.exposure`
for D (0 when D does not reach it; an ETF with imported holdings is scored by
look-through). The book's exposure to D is Σ weight × score over the holdings the graph
knows, and is reported in two parts: **named** (holdings that notes about D, or the
drivers it drives, named) and **inferred** (holdings reached only through a sub-sector
that notes about other drivers filled; scored as :func:`exposure` scores them, lower).
A holding whose stance for D is a negative call (``schema.STANCE_CALL``: 减持,
Sell...) adds nothing to it and is counted apart, as :func:`exposure` lists it apart.

>>> from supplychain import load_graph
>>> from supplychain.portfolio.reader import HoldingsFile, Row
>>> g = load_graph("data/graph.yaml")
>>> hf = HoldingsFile("book", [Row(2, "300308", None, weight=0.6), Row(3, "600000", "浦发银行", weight=0.4)], "weight")
>>> book = book_exposure(g, hf, drivers=["阿里云资本开支"])
>>> d = book.drivers[0]
>>> round(d.exposure, 4), round(d.named, 4), d.inferred, [h.status for h in book.holdings], round(book.unreached_weight, 2)
(0.54, 0.54, 0.0, ['ok', 'unknown'], 0.4)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import schema
from ..query import Reach, exposure, exposure_scores
from .reader import HoldingsFile
from .resolve import Holding, resolve_holdings


def stance_call(stance: str | None) -> str:
    """How a holding counts in the book: ``negative`` when the schema calls its stance a
    negative call (``schema.STANCE_CALL``: 减持, Sell...), which :func:`exposure` lists apart
    too; else ``exposed`` (a neutral rating is still exposure, as in :func:`exposure`)."""
    call = schema.STANCE_CALL.get(stance, "exposed") if stance else "exposed"
    return call if call in ("negative", "dropped") else "exposed"  # dropped: a note took it off its list


@dataclass
class Contribution:
    """One holding's part in the book's exposure to one driver; ``reach`` (the path and
    evidence) is filled for the contributors shown (``top``)."""

    holding: Holding
    score: float
    stance: str | None
    basis: str = "named"
    """``named`` or ``inferred`` for the driver (:func:`~supplychain.query.exposure`'s basis)."""
    reach: Reach | None = None

    @property
    def id(self) -> str:
        return self.holding.node_id

    @property
    def contribution(self) -> float:
        return self.holding.weight * self.score

    @property
    def call(self) -> str:
        return stance_call(self.stance)


@dataclass
class DriverExposure:
    """The book against one driver: its exposure, reached weight, every reached holding
    (exposed calls by contribution, then the others), and the sums of the holdings with a
    non-"exposed" call (kept apart, by call)."""

    driver: object
    exposure: float
    reached_weight: float
    contributions: list[Contribution] = field(default_factory=list)
    apart: dict[str, float] = field(default_factory=dict)

    @property
    def shown(self) -> list[Contribution]:
        """The contributors whose path and evidence were looked up (``top``), in order."""
        return [c for c in self.contributions if c.reach is not None]

    @property
    def reached(self) -> int:
        return sum(1 for c in self.contributions if c.call == "exposed")

    def _part(self, basis: str) -> float:
        return sum((c.contribution for c in self.contributions if c.call == "exposed" and c.basis == basis), 0.0)

    @property
    def named(self) -> float:
        """The part of :attr:`exposure` from holdings named for the driver."""
        return self._part("named")

    @property
    def inferred(self) -> float:
        """The part of :attr:`exposure` from holdings only inferred for the driver."""
        return self._part("inferred")


@dataclass
class Book:
    """A holdings file resolved against the graph, with its exposure per driver."""

    file: HoldingsFile
    holdings: list[Holding]
    drivers: list[DriverExposure]
    depth: int = 4
    as_of: dt.date | None = None

    def of_status(self, status: str) -> list[Holding]:
        return [h for h in self.holdings if h.status == status]

    @property
    def unresolved_weight(self) -> float:
        return sum(h.weight for h in self.holdings if h.status != "ok")

    @property
    def unreached(self) -> list[Holding]:
        """Known holdings that no driver of the query reaches."""
        reached = {c.id for d in self.drivers for c in d.contributions}
        return [h for h in self.holdings if h.status == "ok" and h.node_id not in reached]

    @property
    def unreached_weight(self) -> float:
        """The share of the book no driver reaches: unreached known holdings and every
        holding the graph does not know (unknown, ambiguous, conflicting)."""
        return sum(h.weight for h in self.unreached) + self.unresolved_weight


def book_exposure(
    g,
    hf: HoldingsFile,
    *,
    drivers: list[str] | None = None,
    depth: int = 4,
    as_of: dt.date | None = None,
    top: int | None = 10,
) -> Book:
    """The book's exposure to each driver (every driver of the graph when ``drivers`` is
    None), drivers by exposure, then name. Every holding counts; the path and evidence
    are looked up for the ``top`` contributors of each driver (all when None)."""
    holdings = resolve_holdings(g, hf)
    if drivers:
        origins = []
        for d in drivers:
            node = g.resolve(d, types=("driver", "sector", "company"))
            if node.id not in origins:
                origins.append(node.id)
    else:
        origins = sorted(n for n, t in g.node_types.items() if t == "driver")
    known = {h.node_id: h for h in holdings if h.status == "ok"}
    out = []
    for origin in origins:
        driver, scores = exposure_scores(g, origin, depth=depth, as_of=as_of)
        contributions = [Contribution(h, *scores[n]) for n, h in known.items() if n in scores]
        contributions.sort(key=lambda c: (c.call != "exposed", -c.contribution, c.id))
        exposed = [c for c in contributions if c.call == "exposed"]
        apart: dict[str, float] = {}
        for c in contributions:
            if c.call != "exposed":
                apart[c.call] = apart.get(c.call, 0.0) + c.contribution
        shown = contributions if top is None else exposed[:top] + [c for c in contributions if c.call != "exposed"][:top]
        if shown:
            shown_report = exposure(g, origin, depth=depth, as_of=as_of, only={c.id for c in shown})
            reach = {r.id: r for r in shown_report.results + shown_report.negative}
            for c in shown:
                c.reach = reach[c.id]
        total = sum(c.contribution for c in exposed)
        out.append(DriverExposure(driver, total, sum(c.holding.weight for c in exposed), contributions, apart))
    out.sort(key=lambda d: (-round(d.exposure, 9), d.driver.name))
    return Book(hf, holdings, out, depth, as_of)
