"""A Python module parsed with LibCST, with its nodes' positions as character offsets into the
text that was parsed: what recipe transforms need to edit narrowly (the twin of typescript.offsets for
ast-grep nodes)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from runsmig.languages.python.fastvisit import fast_visits
from runsmig.languages.python.positions import FastPositionProvider


def shared_wrapper(ctx) -> MetadataWrapper:
    """The file's one LibCST parse, shared by the language pass and every recipe transform of the
    file (the tree is immutable; metadata resolved once is kept for the next asker). Raises what
    ``cst.parse_module`` raises."""
    wrapper = ctx._cst
    if wrapper is None:
        wrapper = ctx._cst = MetadataWrapper(cst.parse_module(ctx.text), unsafe_skip_copy=True)
    return wrapper


def resolve(ctx, *providers) -> dict:
    """Metadata of the shared parse (read-only walks without rebuilding the tree); positions come
    from :class:`~runsmig.languages.python.positions.FastPositionProvider`, keyed as asked."""
    asked = [FastPositionProvider if p is PositionProvider else p for p in providers]
    with fast_visits():
        got = shared_wrapper(ctx).resolve_many(asked)
    return {p: got[a] for p, a in zip(providers, asked)}


class CstSpans:
    def __init__(self, ctx):
        self.ctx = ctx
        self.module = shared_wrapper(ctx).module
        self.pos = resolve(ctx, PositionProvider)[PositionProvider]

    def start(self, node) -> int:
        r = self.pos[node]
        return self.ctx.index.offset(r.start.line, r.start.column + 1)

    def end(self, node) -> int:
        r = self.pos[node]
        return self.ctx.index.offset(r.end.line, r.end.column + 1)

    def span(self, node) -> tuple[int, int]:
        return self.start(node), self.end(node)

    def line_start(self, node) -> int:
        """Start of the line the node starts on."""
        return self.ctx.index.offset(self.pos[node].start.line, 1)

    def next_line(self, node) -> int:
        """Start of the line after the node's last line (the end of the text on the last line)."""
        line = self.pos[node].end.line + 1
        return self.ctx.index.offset(line, 1) if line <= len(self.ctx.index.starts) else len(self.ctx.text)
