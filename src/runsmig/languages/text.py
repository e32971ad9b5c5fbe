"""Fallback for any text file: every term occurrence, kind 'text' (prose for docs). A ``.sql``
file is SQL as a whole: where its stored names are is decided by runsmig.runner.stored."""

from __future__ import annotations

from runsmig.findings import Analysis, SqlRegion
from runsmig.languages.base import FileContext, Language

PROSE_SUFFIXES = (".md", ".markdown", ".rst", ".txt")
SQL_SUFFIXES = (".sql", ".pgsql", ".psql")


class Text(Language):
    name = "text"
    patterns = ("*",)
    priority = 0
    listing_queries = True  # reads nothing of the file list

    def kind(self, ctx: FileContext) -> str:
        return "prose" if ctx.rel.lower().endswith(PROSE_SUFFIXES) else "text"

    def analyze(self, ctx: FileContext) -> Analysis:
        analysis = super().analyze(ctx)
        if analysis.edits and ctx.rel.lower().endswith(SQL_SUFFIXES):
            analysis.sql = [SqlRegion(0, len(ctx.text), known=True)]
        return analysis


LANGUAGE = Text()
