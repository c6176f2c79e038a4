"""What the file exports share: a node's and an edge's values as scalars, and the CSV writer.

Every value here is plain data (strings, numbers, booleans), the same in every format;
each writer only lays them out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import SupplyChainError
from ..files import atomic_writer
from ..render import claim_json, write_csv
from ..schema import EDGE_RULES, current_claim
from ..schema import hop_weight as schema_hop_weight


def hop_weight(edge) -> float:
    """The factor exposure is multiplied by along this edge (0 when it carries none)."""
    return schema_hop_weight(EDGE_RULES[edge.type], current_claim(edge.claims))


def claims_json(edge) -> list[dict[str, Any]]:
    """Every claim of ``edge``, oldest first, as the JSON contract writes a claim."""
    return [claim_json(c) for c in sorted(edge.claims, key=lambda c: (c.date, c.report))]


def node_values(node) -> dict[str, Any]:
    """Scalar values of a node's fields (lists joined, nested data as JSON); None left out."""
    d = node.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {"type": node.type, "name": node.name}
    for key, value in d.items():
        if key in ("id", "type", "name") or value in ([], ""):
            continue
        if key == "aliases":
            out[key] = "; ".join(value)
        elif isinstance(value, (list, dict)):
            out[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            out[key] = value
    return out


def edge_values(edge) -> dict[str, Any]:
    """Scalar values of an edge: its type, rule, hop weight, current stance, dates and claims (JSON)."""
    rule = EDGE_RULES[edge.type]
    c = current_claim(edge.claims)
    dates = sorted(c.date for c in edge.claims)
    out: dict[str, Any] = {
        "relation": edge.type,
        "label": rule.label,
        "directed": rule.directed,
        "flow": rule.flow,
        "weight": hop_weight(edge),
        "first_date": dates[0].isoformat(),
        "last_date": dates[-1].isoformat(),
        "claim_count": len(edge.claims),
        "claims": json.dumps(claims_json(edge), ensure_ascii=False),
    }
    if c is not None and c.stance:
        out["stance"] = c.stance
    return out


def folder(path: Path) -> None:
    """Make the folder a csv or neo4j export writes into (refusing a file in its place)."""
    if path.exists() and not path.is_dir():
        raise SupplyChainError(f"{path}: is a file; csv and neo4j exports write a folder")
    path.mkdir(parents=True, exist_ok=True)


def write_rows(path: Path, header, rows, *, spreadsheet: bool = True) -> None:
    """Write a CSV file atomically. ``spreadsheet``: neutralise cells that could start a
    formula (:func:`~supplychain.render.csv_cell`); off for files another program imports
    verbatim (Neo4j's), whose values must arrive unchanged."""
    with atomic_writer(path) as f:
        write_csv(f, header, rows, neutralise=spreadsheet)


def umask() -> int:
    """The process's file-creation mask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
