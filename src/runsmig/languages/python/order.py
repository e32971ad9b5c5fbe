"""The sequences of a Python file that isort, ruff and their kin keep sorted (see
:mod:`runsmig.languages.order`): consecutive ``import``/``from`` statements of one block (no blank
line between; comment lines directly above an import move with it, except above the block's first
import, where they head the block and stay), the names of one
``from x import a, b, c``, and the items of ``__all__``."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from runsmig.languages.order import Item, Sequence, leading_comments, line_end, line_start, listed

Span = Callable[[cst.CSTNode], tuple[int, int]]


def sequences(text: str, module: cst.Module, imports: list[cst.CSTNode], all_lists: list[cst.CSTNode],
              parent: dict[int, cst.CSTNode], span: Span) -> list[Sequence]:
    out: list[Sequence] = []
    lines = {id(parent.get(id(i))) for i in imports}
    blocks = {id(parent.get(x)): parent.get(x) for x in lines}
    for block in blocks.values():
        body = getattr(block, "body", None)
        if isinstance(body, (list, tuple)):
            out += _import_runs(text, body, lines, span)
    for imp in imports:
        if isinstance(imp, cst.ImportFrom) and not isinstance(imp.names, cst.ImportStar):
            seq = _listed(text, [(a, a.name) for a in imp.names], span, "the names of this import",
                          ("type", "plain", "ci", "natural"), strings=False)
            if seq is not None:
                out.append(seq)
    for value in all_lists:
        els = [(el, el.value) for el in value.elements if isinstance(el.value, cst.SimpleString)]
        if len(els) == len(value.elements):
            seq = _listed(text, els, span, "__all__", ("plain", "type", "ci", "natural"), strings=True)
            if seq is not None:
                out.append(seq)
    return out


def _import_runs(text: str, body, lines: set[int], span: Span) -> list[Sequence]:
    runs: list[list[cst.SimpleStatementLine]] = [[]]
    for stmt in body:
        is_import = id(stmt) in lines and isinstance(stmt, cst.SimpleStatementLine)
        blank = is_import and any(el.comment is None for el in stmt.leading_lines)
        future = is_import and isinstance(stmt.body[0], cst.ImportFrom) and _module_text(stmt.body[0]) == "__future__"
        if not is_import or blank or future:
            runs.append([])
        if is_import and not future:
            runs[-1].append(stmt)
    out = []
    for run in runs:
        if len(run) < 2:
            continue
        items, stuck = [], ""
        for stmt in run:
            if len(stmt.body) != 1:
                stuck = "a line holds more than one statement"
            imp = stmt.body[0]
            s, e = span(imp)
            ls = line_start(text, s)
            if text[ls:s].strip():
                stuck = "an import shares its line"
            # comment lines above the block's first import head the block (a file's ``# ruff: noqa``,
            # a section title): ruff and isort leave them on top; above a later import they move with it
            lead = ls if stmt is run[0] else leading_comments(text, ls, ("#",))
            key = _key_span(imp, span)
            rank = 1 if isinstance(imp, cst.ImportFrom) else 0
            items.append(Item(((lead, ls), (ls, line_end(text, e))), ((rank, *key), (0, *key))))
        out.append(Sequence(tuple(items), "these imports", ("ci", "plain", "natural"), stuck=stuck))
    return out


def _module_text(imp: cst.ImportFrom) -> str:
    return cst.Module([]).code_for_node(imp.module) if imp.module is not None else ""


def _key_span(imp: cst.CSTNode, span: Span) -> tuple[int, int]:
    """The module an import names (its first one for ``import a, b``; dots included)."""
    if isinstance(imp, cst.ImportFrom):
        nodes = [*imp.relative, *([imp.module] if imp.module is not None else [])]
        return span(nodes[0])[0], span(nodes[-1])[1]
    return span(imp.names[0].name)


def _listed(text: str, els, span: Span, what: str, keys: tuple[str, ...], strings: bool) -> Sequence | None:
    """``from x import a, b`` names (key: the imported name) or ``__all__`` strings (key: the text)."""
    items = []
    for el, node in els:
        s, e = span(node)
        if isinstance(el, cst.ImportAlias) and el.asname is not None and isinstance(el.asname.name, cst.Name):
            e = span(el.asname.name)[1]
        if strings:
            key = (0, s + len(node.prefix) + len(node.quote), e - len(node.quote))
        else:
            key = (0, *span(node))
        items.append((s, e, (key,)))
    return listed(text, items, what, keys, ("#",))
