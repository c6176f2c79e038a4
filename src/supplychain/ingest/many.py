"""Many notes at once: ``supplychain ingest DIR/ a.md b.md …``.

Every note is read and planned, each with the driver its own title names (unless
``--driver`` names one for all), in date order against the graph as the notes before it
left it. A note that cannot be read or planned (binary, no date, no driver its title
names, nothing to read…) is a *failure*: its plan is not applied, and the run goes on, so
that every failure is reported, one ``file:line: message`` each.

By default nothing is written when any note failed (all or nothing). With
``keep_going`` the notes that planned are written (one validated, atomic write) and the
failures are listed. Either way a run with a failure exits 1 (the last line says whether
anything was written). One note given alone fails as before: its error, exit 1.

>>> from supplychain.ingest.many import ManyResult
>>> ManyResult("g.yaml", failures=[Issue("bad.md", 1, "", "no date")], files=3).describe().splitlines()[-1]
'g.yaml not written: 1 of 3 notes failed (listed on stderr); nothing is written unless every note plans (or pass --keep-going)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import Issue, SupplyChainError
from . import apply as steps  # read at call time: tests replace a step (apply_plan, write_graph…) there
from .apply import IngestResult


@dataclass
class ManyResult(IngestResult):
    """:class:`~supplychain.ingest.apply.IngestResult` with the notes that failed."""

    failures: list[Issue] = field(default_factory=list)
    files: int = 0
    keep_going: bool = False

    def describe(self) -> str:
        if not self.failures:
            return super().describe()
        lines = [p.describe() for p in self.plans]
        n = f"{len(self.failures)} of {self.files} note{'s' if self.files != 1 else ''} failed (listed on stderr)"
        changed = sum(not p.empty for p in self.plans)
        if self.written:
            lines.append(f"wrote {self.graph}: {changed} of {len(self.plans)} planned notes changed it; {n}")
        elif self.dry_run:
            lines.append(f"dry run: {self.graph} not written; {n}")
        elif self.keep_going:
            lines.append(f"{self.graph} unchanged: the notes that planned add nothing; {n}")
        else:
            lines.append(f"{self.graph} not written: {n}; nothing is written unless every note plans (or pass --keep-going)")
        return "\n".join(lines)


def _issue(e: SupplyChainError, file: str) -> Issue:
    issue = getattr(e, "issue", None)
    return issue if issue is not None else Issue(file, 0, "", str(e))


def ingest_many(
    paths: Iterable[Path | str],
    graph: Path | str,
    *,
    driver: str | None = None,
    aliases: Iterable[str] = (),
    dry_run: bool = False,
    reference: Path | str | None = None,
    progress: bool = False,
    allow_future: bool = False,
    keep_going: bool = False,
) -> ManyResult:
    """Ingest every note of ``paths`` (files and folders), reporting every failure (module docstring).

    Parameters are those of :func:`~supplychain.ingest.apply.ingest`, and ``keep_going``:
    write the notes that planned even when others failed. ``progress`` shows a bar on
    stderr (tqdm) when there are several notes.
    """
    from ..cache import load_entry
    from ..graph import Graph
    from .parse import parse_report
    from .plan import plan_report

    graph = Path(graph)
    if driver is not None and not driver.strip():
        raise SupplyChainError("--driver: the driver's name is empty; give a name")
    files = steps.note_files(paths)
    result = ManyResult(str(graph), dry_run=dry_run, files=len(files), keep_going=keep_going)
    errors: list[SupplyChainError] = []

    def failed(e: SupplyChainError, file: str) -> None:
        errors.append(e)
        result.failures.append(_issue(e, file))

    parsed = []
    for f in steps._progress(files, progress, "reading"):
        try:
            report = parse_report(f)
            steps.refuse_future(report.date, report.file, report.date_line or 1, allow_future)
            parsed.append(report)
        except SupplyChainError as e:
            failed(e, str(f))
    parsed.sort(key=lambda r: (r.date, r.file))
    ref = steps.load_reference(reference, graph)
    aliases = list(aliases)
    with steps.writing(graph, dry_run) as lock:
        g = Graph(load_entry(graph), str(graph))
        data = g.data
        stale = False
        for report in steps._progress(parsed, progress, "planning"):
            if stale:  # the next note is planned against the new data (not rebuilt when nothing changed)
                g, stale = Graph(data, str(graph)), False
            try:
                steps.distinct_report(g, report)
                plan = plan_report(g, report, driver=driver, aliases=aliases if not result.plans else (), reference=ref)
            except SupplyChainError as e:
                failed(e, report.file)
                continue
            result.plans.append(plan)
            if not plan.empty:
                data, stale = steps.apply_plan(data, plan), True
        if len(files) == 1 and errors:
            raise errors[0]  # one note alone: its error, as ever
        result.failures.sort(key=lambda i: (i.file, i.line))
        if dry_run or (result.failures and not keep_going) or all(p.empty for p in result.plans):
            return result
        lock.require()
        del g
        steps.write_graph(data, graph)
        result.written = True
    return result

