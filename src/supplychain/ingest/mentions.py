"""How :func:`~supplychain.ingest.plan.plan_report` turns the companies a note names
outside sub-sector lines (broker lists, English picks, rating tables, the fallback's
sentences) into claims: which node each names, which sub-sectors its claim goes on, and
the rule the plan prints beside it."""

from __future__ import annotations

from ..names import normalize
from .formats.gazetteer import RULE_GRAPH, RULE_REFERENCE
from .parse import ParsedReport
from .plan import Planner


def rule_of(m, default: str) -> str:
    """The rule that found a mention, with the rating word it rests on: ``rating table (买入)``."""
    rule = m.rule or default
    return f"{rule} ({m.rating})" if m.rating and m.rating not in rule else rule


def gazetteer_mentions(p: Planner, report: ParsedReport) -> list:
    """The companies the general fallback finds in the note's sentences (:mod:`.formats.gazetteer`);
    in a note of another format, the names its list-move sentences drop, add or keep
    (:mod:`.formats.dropped`). A drop whose list is named after another subject than the
    note's (its title, its driver) is not this note's: the name is not dropped by it; a
    name added to the list (调入/纳入/新增) is ``recommended``."""
    from .formats import mention_key
    from .formats.gazetteer import Gazetteer

    gaz = Gazetteer.of(p.g, p.reference)
    named = {k for m in report.mentions for k in mention_key(m.name, m.code)}
    only_moves = report.format != "general"  # its parser read its names: the gazetteer only looks for list moves
    subject = _subject(p, report)
    out = []
    for line, sentence in report.sentences:
        for m in gaz.mentions(sentence, line):
            keys = mention_key(m.name, m.code)
            if keys & named:
                continue
            m = _as_moved(m, sentence, subject)
            if m is None or (only_moves and m.stance != "dropped" and not m.rule.startswith(_KEPT)):
                continue
            named |= keys
            out.append(m)
    return out


def company_of(p: Planner, m, file: str, line: int) -> str:
    """The company a mention names. An English name with a code the reference knows is
    planned under the reference's name; a name that found its company only through the
    code (Sugon (603019 CH), or 中科曙光 for a node first named Sugon) becomes an alias."""
    name = m.name
    if m.code and name.isascii():
        ref = p.reference.lookup(None, m.code)
        if ref is not None and ref.name and normalize(ref.name) != normalize(name):
            name = ref.name
    company = p.company(name, m.code, file, line)
    for text in dict.fromkeys((m.name, name)):
        if not p.owner_of(text) and not any(a.alias == text for a in p.plan.aliases):
            p.add_alias(company, text)
    return company


def sectors_of(p: Planner, m, company: str, report: ParsedReport, driver: str) -> list[str]:
    """The sub-sectors a mention's claim goes on: the one the note gives; else the company's
    sub-sectors in the graph; else the note's industry; else "<driver>相关公司" (noted)."""
    if m.sector:
        return [p.sector(m.sector, report.file, m.line or 1)]
    known = [e.target for e in p.g.out_edges(company) if e.type == "member_of"] if company in p.g.nodes else []
    known += [k[2] for k in p.pending_claims if k[0] == "member_of" and k[1] == company and k[2] not in known]
    if known:
        return known
    name = report.industry or f"{p.plan.names.get(driver, driver)}相关公司"
    sector = p.sector(name, report.file, m.line or 1)
    note = f"{p.plan.names.get(company, company)} goes in {p.plan.names.get(sector, name)}: the note names no sub-sector for it"
    if note not in p.plan.notes:
        p.plan.notes.append(note)
    return [sector]


def unrated_mention(p: Planner, m, company: str) -> bool:
    """A company the fallback found in a sentence with no rating word, that the graph
    already places in a sub-sector: a passing mention is no stance (it would otherwise
    turn a recommended name into a listed one), so the plan notes it and makes no claim."""
    if m.rule not in (RULE_GRAPH, RULE_REFERENCE) or m.rating or company not in p.g.nodes:
        return False
    if not any(e.type == "member_of" for e in p.g.out_edges(company)):
        return False
    p.plan.notes.append(f"{p.plan.names.get(company, company)} is named without a rating (line {m.line}): no stance claim")
    return True


# --------------------------------------------------------------------------- dropped names


_KEPT = "kept on the list"


def _subject(p: Planner, report: ParsedReport) -> str:
    """What the note is about, for :func:`~.formats.dropped.drop_spans`: its title and its driver's names."""
    from .parse import nfkc

    d = p.plan.driver
    node = p.g.nodes.get(d) if d in p.g.nodes else None
    names = [report.title or "", p.plan.names.get(d, d or "")]
    if node is not None:
        names += [node.name, node.name_en or "", *node.aliases]
    return nfkc(" ".join(names))


def _as_moved(m, sentence: str, subject: str):
    """A gazetteer mention as the note's list moves mean it: ``None`` for a drop that is not
    this note's (another subject's list), ``recommended`` for a name added to the list, the
    clause's stance (rule ``kept on the list``) for a name a negated drop keeps."""
    import dataclasses

    from .formats.dropped import covers, drop_spans, kept_spans
    from .parse import nfkc

    folded = nfkc(sentence)
    name = nfkc(m.name)
    if m.stance == "dropped":
        return m if any(covers(folded[a:b], name, m.code) for a, b, _ in drop_spans(folded, subject)) else None
    for a, b, word, stance in kept_spans(folded, subject):
        if covers(folded[a:b], name, m.code):
            stance = stance or m.stance
            return dataclasses.replace(m, stance=stance, rating=m.rating if stance == m.stance else word,
                                       rule=f"{_KEPT} “{word}”")
    return m


def drops_of(report: ParsedReport, mentions: list) -> dict[str, object]:
    """Every name the note drops (:mod:`.formats.dropped`), by its keys (name and code)."""
    from .formats import mention_key

    out: dict[str, object] = {}
    for m in [*(x for s in report.sectors for x in s.mentions), *mentions]:
        if m.stance == "dropped":
            for k in mention_key(m.name, m.code):
                out.setdefault(k, m)
    return out


def dropped_wins(p: Planner, m, drops: dict, line: int | None):
    """``m`` as the note means it: a name the note drops anywhere is dropped everywhere in
    it (a note that lists a name and also takes it off its list has taken it off; the
    plan says so)."""
    import dataclasses

    from .formats import mention_key

    if m.stance == "dropped" or not drops:
        return m
    drop = next((drops[k] for k in mention_key(m.name, m.code) if k in drops), None)
    if drop is None:
        return m
    p.plan.notes.append(f"{m.name}: dropped (“{drop.rating}”, line {drop.line or line}) wins over "
                        f"{m.stance} (line {m.line or line}) in the same note")
    return dataclasses.replace(m, stance="dropped", rating=drop.rating, rule=drop.rule)


def dropped_sectors(p: Planner, m, driver: str, line: int) -> tuple[str | None, list[str]]:
    """(company, sub-sectors) a dropped name's claims go on: the sub-sector the note gives,
    else the company's sub-sectors that the note's driver (or a driver it drives) reaches.
    A drop adds no node and no ``drives`` edge: a name that was never on the driver's list
    has nothing to be dropped from (the plan notes it)."""
    from ..context import driver_context

    def skip(why: str):
        p.plan.notes.append(f"{m.name} is dropped (line {line}) but {why}: nothing recorded")
        return None, []

    company = next((x for x in (p.owner_of(m.name), p.owner_of(m.code) if m.code else None) if x), None)
    if company is None or p.node(company).type != "company":
        return skip("the graph has no such company")
    known = [e.target for e in p.g.out_edges(company) if e.type == "member_of"] if company in p.g.nodes else []
    known += [k[2] for k in p.pending_claims if k[0] == "member_of" and k[1] == company and k[2] not in known]
    if m.sector:
        sector = p.owner_of(m.sector)
        known = [sector] if sector in known else []
    scope = driver_context(p.g, driver) if driver in p.g.nodes else frozenset({driver})
    drives = {k[2] for k in p.pending_claims if k[0] == "drives" and k[1] in scope}
    for d in scope:
        if d in p.g.nodes:
            drives |= {e.target for e in p.g.out_edges(d) if e.type == "drives"}
    sectors = [s for s in known if s in drives]
    if not sectors:
        return skip(f"no sub-sector of {p.plan.names.get(driver, driver)} lists it")
    return company, sectors
