"""A Python module parsed with LibCST, with its nodes' positions as character offsets into the
text that was parsed: what recipe transforms need to edit narrowly (the twin of typescript.offsets for
ast-grep nodes)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class CstSpans:
    def __init__(self, ctx):
        self.ctx = ctx
        wrapper = MetadataWrapper(cst.parse_module(ctx.text), unsafe_skip_copy=True)
        self.module = wrapper.module
        self.pos = wrapper.resolve(PositionProvider)

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
