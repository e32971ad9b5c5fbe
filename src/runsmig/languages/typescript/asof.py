"""SQL that runs against an older schema than the head (``stored: migrate``): code that runs the
migration history only up to a fixed migration and then talks to the database, as a test of a
migration does (graphile-worker's "run the first 10 migrations, lock a job, then migrate").

The rule, decided with the syntax tree: in a function body, a loop stops at a fixed migration number,
i.e. a comparison of an expression named for migrations (``migrationNumber``) with an integer literal
is the loop's condition or the condition of an ``if`` in it whose branch ``break``s. The statements of
that body after the loop, up to the first one that calls something named for migrating
(``migrate(...)``, ``runMigrations``, ``upgrade``), run against the schema as of that migration:
the names its SQL uses are the ones that schema has, which the new migration has not renamed yet. Their
string and template literals are the regions returned (runsmig.runner.stored keeps the names in
them)."""

from __future__ import annotations

import re

from runsmig.findings import SqlRegion

_LOOPS = ("for_statement", "for_in_statement", "while_statement", "do_statement")
_FUNCTIONS = ("function_declaration", "function_expression", "function", "arrow_function", "method_definition",
              "generator_function_declaration", "generator_function")
_STOPS = {">": 0, ">=": -1}  # `if (n > 10) break;` ran 10; `if (n >= 11) break;` ran 10
_WHILE = {"<=": 0, "<": -1}  # `for (...; n <= 10; ...)` ran 10


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", text)}


def _named_for_migrations(node) -> bool:
    return bool(_words(node.text()) & {"migration", "migrations"})


def _migrates(statement) -> bool:
    for call in statement.find_all(kind="call_expression"):
        fn = call.field("function")
        name = fn.text().rsplit(".", 1)[-1] if fn is not None else ""
        if _words(name) & {"migrate", "migration", "migrations", "upgrade"}:
            return True
    return False


def _stop(binary, ops_left: dict[str, int]) -> int | None:
    """The last migration a comparison lets run (``n > 10``, ``10 < n``), or None."""
    kids = binary.children()
    if len(kids) != 3:
        return None
    left, op, right = kids[0], kids[1].text(), kids[2]
    flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
    if right.kind() == "number" and left.kind() != "number":
        named, number = left, right
    elif left.kind() == "number" and right.kind() != "number" and op in flipped:
        named, number, op = right, left, flipped[op]
    else:
        return None
    if op not in ops_left or not number.text().isdigit() or not _named_for_migrations(named):
        return None
    last = int(number.text()) + ops_left[op]
    return last if last >= 1 else None


def _inside(node, kinds) -> object | None:
    p = node.parent()
    while p is not None and p.kind() not in kinds:
        if p.kind() in _FUNCTIONS:
            return None
        p = p.parent()
    return p


def _stopping_loop(binary) -> tuple[object, int] | None:
    """(loop, last migration it runs) when the comparison stops a loop of its function."""
    loop = _inside(binary, _LOOPS)
    if loop is None:
        return None
    cond = loop.field("condition")
    if cond is not None and cond.range().start.index <= binary.range().start.index < cond.range().end.index:
        last = _stop(binary, _WHILE)
        return (loop, last) if last is not None else None
    branch = _inside(binary, ("if_statement",))
    if branch is None or _inside(branch, _LOOPS) is None:
        return None
    test, then = branch.field("condition"), branch.field("consequence")
    if test is None or then is None or test.find(kind="binary_expression") is None:
        return None
    if not (test.range().start.index <= binary.range().start.index < test.range().end.index):
        return None
    breaks = then.kind() == "break_statement" or then.find(kind="break_statement") is not None
    last = _stop(binary, _STOPS) if breaks else None
    return (loop, last) if last is not None else None


def older_regions(root, span, has_term) -> list[SqlRegion]:
    out: list[SqlRegion] = []
    seen: set[tuple[int, int]] = set()
    for binary in root.find_all(kind="binary_expression"):
        found = _stopping_loop(binary)
        if found is None:
            continue
        loop, last = found
        top = loop
        while top.parent() is not None and top.parent().kind() != "statement_block":
            top = top.parent()
        body = top.parent()
        if body is None or body.parent() is None or body.parent().kind() not in _FUNCTIONS:
            continue
        statements = [c for c in body.children() if c.is_named()]
        after = [s for s in statements if s.range().start.index >= top.range().end.index]
        for statement in after:
            if _migrates(statement):
                break
            for node in statement.find_all(any=[{"kind": "string"}, {"kind": "template_string"}]):
                a, b = span(node)
                if b - a < 2 or (a, b) in seen or not has_term(a, b):
                    continue
                seen.add((a, b))
                holes = []
                for child in node.children():
                    if child.kind() == "template_substitution":
                        holes.append((*span(child), False))
                    elif child.kind() == "escape_sequence":
                        holes.append((*span(child), True))
                out.append(SqlRegion(a + 1, b - 1, tuple(holes), as_of=f"migration {last}"))
    return out
