"""Exports: the interactive HTML page (:mod:`.html`) and formats for other engines (:mod:`.formats`)."""
