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
    """The companies the general fallback finds in the note's sentences (:mod:`.formats.gazetteer`)."""
    from .formats import mention_key
    from .formats.gazetteer import Gazetteer

    gaz = Gazetteer.of(p.g, p.reference)
    named = {k for m in report.mentions for k in mention_key(m.name, m.code)}
    out = []
    for line, sentence in report.sentences:
        for m in gaz.mentions(sentence, line):
            keys = mention_key(m.name, m.code)
            if keys & named:
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
