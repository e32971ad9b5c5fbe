"""Strings that name the decorated function's own parameters: an argument of a decorator call whose
text is one or more of the function's parameter names, comma-separated (``"delete_job"`` or
``"job_id, status"`` in ``@pytest.mark.parametrize("delete_job", [...])`` above
``def test_x(delete_job)``). They are the code's names, renamed with the parameters, never a stored
name another file keeps (runsmig.runner.analyze leaves them to the code)."""

from __future__ import annotations

import re

import libcst as cst

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def spans(module: cst.Module, span) -> list[tuple[int, int]]:
    """(start, end) of each such string's text (quotes left out)."""
    out: list[tuple[int, int]] = []

    class V(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            if not node.decorators:
                return
            p = node.params
            params = {x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)}
            for d in node.decorators:
                if not isinstance(d.decorator, cst.Call):
                    continue
                for arg in d.decorator.args:
                    s = arg.value
                    if not isinstance(s, cst.SimpleString) or "b" in s.prefix.lower():
                        continue
                    value = s.evaluated_value
                    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else []
                    if names and all(_NAME.fullmatch(n) and n in params for n in names):
                        a, b = span(s)
                        out.append((a + len(s.prefix) + len(s.quote), b - len(s.quote)))

    module.visit(V())
    return out
