"""Python code lines a rewrite pushes past the project's line length, laid out as black / ruff format
would lay them out.

A longer new spelling, or a clash reworded beside it ("job execution run" -> "run execution execute"),
can push a code line past the limit the project's linter enforces; the file is then no longer
``ruff format`` / ``black`` clean either. For the one shape whose formatted layout is certain, the
line is laid out as the formatter would (its "right-hand split"): a statement on one line that is a
call (``f(...)``, ``return f(...)``, ``name = f(...)``, ``obj.attr = f(...)``) whose closing
parenthesis ends the line, the callee a plain dotted name::

    self.assertEqual(result.output, "run execution execute")       # past the limit
    self.assertEqual(
        result.output, "run execution execute"
    )

the arguments on a line of their own, one indentation unit deeper (the file's, 4 spaces without
one), when that line fits; else one argument per line with a trailing comma, when the arguments are
separated by top-level commas and each fits (an argument list that already ends with a comma is
always laid out one per line: the formatter's "magic trailing comma").

Only a line rewritten in place that was within the limit before is laid out, and only where a limit
is configured (the nearest ruff / black / flake8 configuration, :func:`runsmig.linelength.configured_at`).
Everything else stays as the rewrite made it, named by the plan's line-length note
(:mod:`runsmig.linelength`): a statement over several lines, a compound statement's header (``def``,
``if``, ``with`` ...), a decorator, a line with a comment or a backslash, several statements on one
line, a callee with brackets (``a().b(...)``, ``x[0](...)``), an assignment to more than a dotted
name, a call that is not the whole value, something after its closing parenthesis, a lambda,
implicitly concatenated strings (ruff joins them), a ``*`` / ``**`` argument among arguments that
would go one per line, an argument longer than the room it has, a line with a tab or a non-ASCII character (its
width is not its length). Line endings are kept. A file a recipe regenerates is its tool's.

Interface: ``split_changes(root, changes, generated=()) -> list[Change]``;
``split_text(old, new, limit) -> str``.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from runsmig.textpass import body as _body
from runsmig.textpass import edit_changes, grown_split

_OPEN, _CLOSE = "([{", ")]}"


def split_changes(root: Path, changes, generated=()) -> list:
    """``changes`` (runsmig.plan.Change) with the grown code lines of modified / renamed Python files
    laid out as the formatter would; a file a recipe regenerates (``generated``: paths) is left as is."""
    from runsmig.linelength import configured_at

    folders: dict[str, int | None] = {}

    def edit(c, old: str, new: str) -> str:
        limit = configured_at(root, c.target, folders)
        return new if limit is None else split_text(old, new, limit)

    return edit_changes(changes, generated, lambda rel: rel.endswith(".py"), edit)


def split_text(old: str, new: str, limit: int) -> str:
    """``new`` with each code line that grew past ``limit`` from a line of ``old`` within it laid out
    as the formatter would, where its layout is certain (see the module's docstring)."""
    found = grown_split(old, new, limit)
    if found is None:
        return new
    b, grown = found
    try:
        tree = ast.parse(new)
    except (SyntaxError, ValueError):
        return new
    calls = _one_line_calls(tree, b)
    if not calls:
        return new
    unit = _indent_unit(new)
    if unit is None:
        return new
    eol = "\r\n" if "\r\n" in new else "\n"
    for k in sorted(grown, reverse=True):  # from the end: the indexes before stay right
        if k not in calls:
            continue
        line = b[k]
        body = _body(line)
        pieces = _split(body, calls[k], unit, limit)
        if pieces is None:
            continue
        ending = line[len(body):]
        ends = [ending or eol] * (len(pieces) - 1) + [ending]
        b[k:k + 1] = [p + e for p, e in zip(pieces, ends)]
    return "".join(b)


def _dotted(node: ast.expr) -> bool:
    """A plain name or a chain of attributes on one (``self.client.get``): no bracket in it."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _one_line_calls(tree: ast.Module, lines: list[str]) -> dict[int, int]:
    """{0-based line: column of the call's ``(``} for the statements on one line of their own that are
    a call (an expression, ``return``, an assignment to a dotted name) whose ``)`` ends the line."""
    out: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            call = node.value
        elif isinstance(node, ast.Return):
            call = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and _dotted(node.targets[0]):
            call = node.value
        else:
            continue
        if not isinstance(call, ast.Call) or not _dotted(call.func):
            continue
        row = node.lineno - 1
        if node.end_lineno != node.lineno or call.end_lineno != node.lineno or row >= len(lines):
            continue
        body = _body(lines[row])
        text = body[node.col_offset:]
        if body[:node.col_offset].strip() or call.end_col_offset != len(body) or not text.isascii():
            continue  # another statement before it (;), or something after the ) (a comment, a ;)
        head_end = call.func.end_col_offset or 0
        paren = body.find("(", head_end)
        if paren < 0 or body[head_end:paren].strip():
            continue
        out[row] = paren
    return out


def _indent_unit(text: str) -> str | None:
    """The file's indentation unit (its first indented block's), 4 spaces without one; None with tabs."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.INDENT:
                return None if "\t" in tok.string else tok.string
    except (tokenize.TokenError, SyntaxError):
        return None
    return "    "


def _arguments(inner: str) -> list[str] | None:
    """The top-level comma-separated pieces of a call's argument text (a trailing comma gives a last
    empty piece), or None when they cannot be told apart with certainty (no tokens, a lambda)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("(" + inner + ")").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    depth = 0
    cuts: list[int] = []
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in _OPEN:
            depth += 1
        elif tok.type == tokenize.OP and tok.string in _CLOSE:
            depth -= 1
        elif depth == 1 and tok.type == tokenize.NAME and tok.string == "lambda":
            return None
        elif depth == 1 and tok.type == tokenize.OP and tok.string == ",":
            cuts.append(tok.start[1] - 1)  # the column in ``inner``
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(inner[start:cut].strip())
        start = cut + 1
    pieces.append(inner[start:].strip())
    return pieces


def _adjacent_strings(piece: str) -> bool:
    """Implicitly concatenated strings in the arguments (ruff joins those that fit: its own layout)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(piece).readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True
    return any(x.type == tokenize.STRING and y.type == tokenize.STRING for x, y in zip(tokens, tokens[1:]))


def _split(body: str, paren: int, unit: str, limit: int) -> list[str] | None:
    """``body`` as the formatter's right-hand split at the ``(`` at column ``paren``, or None."""
    if "\t" in body:
        return None
    indent = body[:len(body) - len(body.lstrip(" "))]
    head, inner = body[:paren + 1], body[paren + 1:-1]
    inside = indent + unit
    if len(head) > limit or not inner.strip():
        return None
    pieces = _arguments(inner)
    if pieces is None or _adjacent_strings(inner):
        return None
    magic = len(pieces) > 1 and pieces[-1] == ""
    content = inner.strip()
    if not magic and len(inside) + len(content) <= limit:
        return [head, inside + content, indent + ")"]
    args = pieces[:-1] if magic else pieces
    if len(args) < 2 and not magic:
        return None  # one argument too long for its line: the formatter splits inside it
    if any(not p or p.startswith("*") or len(inside) + len(p) + 1 > limit for p in args):
        return None
    return [head] + [inside + p + "," for p in args] + [indent + ")"]


__all__ = ["split_changes", "split_text"]
