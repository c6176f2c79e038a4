"""Portfolios and ETF look-through: how exposed is a book of holdings to each driver?

- :mod:`.reader`: holdings files (CSV or XLSX, Chinese or English headers) → rows with weights;
- :mod:`.resolve`: rows → graph nodes, unknown and ambiguous codes listed, never guessed;
- :mod:`.book`: the book's exposure per driver (Σ weight × score);
- :mod:`.etf`: an ETF's constituents into the graph (``holds`` edges carrying the weight);
- :mod:`.cli`: the ``portfolio`` and ``holdings import`` commands.

See docs/portfolio.md.

Import the modules themselves (``from supplychain.portfolio.book import book_exposure``):
this package imports nothing, so that the CLI's ``--help`` stays instant.
"""
