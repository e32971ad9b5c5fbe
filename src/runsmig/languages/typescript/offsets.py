"""ast-grep-py node ranges -> character offsets into the text that was parsed.

Some ast-grep builds report UTF-8 byte indexes, others character indexes: the node's
own text decides, and a byte->char table is built only when needed."""

from __future__ import annotations


class NodeSpans:
    def __init__(self, text: str):
        self.text = text
        self._table: list[int] | None = None

    def __call__(self, node) -> tuple[int, int]:
        return self.span(node)

    def span(self, node) -> tuple[int, int]:
        rg = node.range()
        a, b = rg.start.index, rg.end.index
        if self.text[a:b] == node.text():
            return a, b
        if self._table is None:
            table = [i for i, ch in enumerate(self.text) for _ in ch.encode("utf-8", "surrogatepass")]
            table.append(len(self.text))
            self._table = table
        t = self._table
        return t[min(a, len(t) - 1)], t[min(b, len(t) - 1)]
