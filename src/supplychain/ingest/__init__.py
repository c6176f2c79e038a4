"""Ingesting research notes and hand-written patches: parse → plan → validate → write.

The pipeline has one module per step:

``parse``
    a note of the ``industry_research`` family → :class:`~.parse.ParsedReport`, every
    fact with its line number and quote.
``plan``
    a parsed report and the current :class:`~supplychain.graph.Graph` →
    :class:`~.plan.Plan` (new nodes, edges, claims, metrics, stance changes), printable.
``apply``
    a plan applied to :class:`~supplychain.schema.GraphData`, and the locked,
    validated, atomic write of the result.
``patch``
    the ``supplychain apply`` format for claims written by hand.
``changes``
    what changed per driver since a date, derived from claim dates.

Nothing here changes a graph file unless the whole resulting graph validates, and
ingesting a note twice leaves the file byte-identical.
"""
