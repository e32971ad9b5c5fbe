"""Fallback for any text file: every term occurrence, kind 'text' (prose for docs)."""

from __future__ import annotations

from runsmig.languages.base import FileContext, Language

PROSE_SUFFIXES = (".md", ".markdown", ".rst", ".txt")


class Text(Language):
    name = "text"
    patterns = ("*",)
    priority = 0
    listing_queries = True  # reads nothing of the file list

    def kind(self, ctx: FileContext) -> str:
        return "prose" if ctx.rel.lower().endswith(PROSE_SUFFIXES) else "text"


LANGUAGE = Text()
