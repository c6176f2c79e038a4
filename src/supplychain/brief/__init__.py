"""Conviction across notes, the stance history and the one-page brief of a driver.

``supplychain.brief.cli`` registers the ``history`` and ``brief`` commands; it imports
only the standard library at module level (see ``cli.EXTENSION_MODULES``).
"""
