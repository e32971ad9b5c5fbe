"""String keys of dict literals whose keys are all plain strings (``{"job_id": 1, "status": "ok"}``):
(start, end) of each key's text (quotes left out) and the dict's key set, for
runsmig.runner.kwsets (a keyword mapping's keys are the code's names)."""

from __future__ import annotations

import libcst as cst


def spans(module: cst.Module, span) -> list[tuple[int, int, frozenset[str]]]:
    out: list[tuple[int, int, frozenset[str]]] = []

    class V(cst.CSTVisitor):
        def visit_Dict(self, node: cst.Dict) -> None:
            keys = []
            for el in node.elements:
                k = getattr(el, "key", None)
                if not isinstance(el, cst.DictElement) or not isinstance(k, cst.SimpleString) \
                        or "b" in k.prefix.lower() or not isinstance(k.evaluated_value, str):
                    return
                keys.append(k)
            if len(keys) < 2:
                return
            names = frozenset(k.evaluated_value for k in keys)
            for k in keys:
                a, b = span(k)
                out.append((a + len(k.prefix) + len(k.quote), b - len(k.quote), names))

    module.visit(V())
    return out
