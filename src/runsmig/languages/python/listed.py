"""Plain string elements of one list, tuple or set display (``["job", "job_log", "event"]``):
(start, end) of each element's text (quotes left out) and the other elements' texts, for
runsmig.runner.analyze (a bare word listed beside stored names of one kind is one of them)."""

from __future__ import annotations

import libcst as cst


def spans(module: cst.Module, span) -> list[tuple[int, int, tuple[str, ...]]]:
    out: list[tuple[int, int, tuple[str, ...]]] = []

    class V(cst.CSTVisitor):
        def _elements(self, node) -> None:
            items = [el.value for el in node.elements if isinstance(el, cst.Element)]
            strings = [s for s in items if isinstance(s, cst.SimpleString) and "b" not in s.prefix.lower()
                       and isinstance(s.evaluated_value, str)]
            if len(strings) < 2:
                return
            texts = [s.evaluated_value for s in strings]
            for i, s in enumerate(strings):
                a, b = span(s)
                out.append((a + len(s.prefix) + len(s.quote), b - len(s.quote), tuple(texts[:i] + texts[i + 1:])))

        visit_List = visit_Tuple = visit_Set = _elements

    module.visit(V())
    return out
