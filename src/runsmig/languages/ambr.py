"""syrupy's Amber snapshot files (``__snapshots__/*.ambr``): every term occurrence as text, and the
entries (``# name: test_x`` ... ``# ---``) kept in the order syrupy writes them, sorted by name
(see :mod:`runsmig.languages.order`)."""

from __future__ import annotations

import re

from runsmig.findings import Analysis
from runsmig.languages.base import FileContext, Language

_ENTRY = re.compile(r"^# name: (?P<name>[^\r\n]*)\r?\n(?:(?!# name: ).*\r?\n)*?# ---[ \t]*$", re.M)


class Amber(Language):
    name = "amber"
    patterns = ("*.ambr",)
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        from runsmig.languages.order import Item, Sequence

        edits = ctx.term_edits(0, len(ctx.text), "text")
        seqs = []
        if edits:
            items = tuple(Item(((m.start(), m.end()),), ((0, m.start("name"), m.end("name")),))
                          for m in _ENTRY.finditer(ctx.text))
            seqs = [Sequence(items, "the snapshots of this file", ("plain",))] if len(items) > 1 else []
        return Analysis(edits=edits, sequences=seqs)


LANGUAGE = Amber()
