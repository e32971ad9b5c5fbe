"""Fallback for any text file: every term occurrence, kind 'text'. Documentation this pass reads
(reStructuredText, plain text) is prose: recipe phrases first, and a rewrite that would read badly
("run the run") is kept and reported, as in Markdown. A ``.sql`` file is SQL as a whole: where its
stored names are is decided by runsmig.runner.stored."""

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
        if self.kind(ctx) == "prose":  # reStructuredText, plain text: recipe phrases and the clash check
            from runsmig.languages.markdown.prose import prose_edits

            edits, findings = prose_edits(ctx, 0, len(ctx.text), "prose")
            return Analysis(edits=edits, findings=findings)
        analysis = super().analyze(ctx)
        if analysis.edits and ctx.rel.lower().endswith(SQL_SUFFIXES):
            analysis.sql = [SqlRegion(0, len(ctx.text), known=True)]
        return analysis


LANGUAGE = Text()
