"""Prose lines a rewrite pushes past the project's line length, wrapped at a word boundary.

A longer new spelling, or a clash reworded beside it ("jobs to run" -> "runs to execute"), can make a
comment or a docstring line longer than the limit the project's linter enforces. Such a line is split
at the last space that keeps it within the limit, and what follows goes on a continuation line with
the same prefix:

* Python: a comment on a line of its own (indentation and ``#`` marker kept); a line of a docstring,
  or of any string that stands alone as a statement (its own indentation), but not its opening line
  (the summary line and its quotes stay as they are);
* TypeScript / JavaScript: a ``//`` comment on a line of its own; an inner line of a block comment
  (a JSDoc `` * `` line keeps its star).

A bullet's continuation is indented under its text; in a docstring, an RST field's (``:param x:``)
four columns further, and a Google-style entry's (``job (Job): ...``, under an ``Args:`` line) too;
a line that spills over twice becomes three lines.

Only a line rewritten in place that was within the limit before is wrapped, and only where a limit is
configured (ruff's, black's or flake8's for ``.py``, the nearest configuration to the file; ESLint's
``max-len`` for scripts, its ``comments`` length, none with ``ignoreComments``): no configuration, no
wrapping. Never wrapped, and so still named by the plan's line-length note (:mod:`runsmig.linelength`):
code, a string literal that is not a docstring, a comment after code, a pragma (``noqa``, ``type:``,
``eslint-disable`` ...), commented-out code, doctest / literal / fenced / ``@example`` blocks and
tables, a line whose overflow is a URL, a line with a tab, and a line some word of which is longer
than the room its continuation has. A break is never made inside an inline code span (backticks).
Line endings are kept (the continuation takes the line's own). A file a recipe regenerates is its
tool's, and is left as it is.

Interface: ``wrap_changes(root, changes, generated=()) -> list[Change]``;
``wrap_text(old, new, limit, kind, grammar) -> str`` (``kind`` ``"py"`` or ``"script"``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from runsmig.textpass import LINE as _LINE
from runsmig.textpass import body as _body
from runsmig.textpass import edit_changes, grown_split

_SCRIPTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_PRAGMA = re.compile(r"\b(?:noqa|type:|pragma|fmt:|pylint:|mypy:|isort:|ruff:|nosec|pyright:|coding[:=]|"
                     r"eslint|prettier-ignore|@ts-|istanbul|c8 |jshint|global |tslint:|biome-ignore)",
                     re.IGNORECASE)
_BULLET = re.compile(r"(?:[-*+]|\d+[.)])\s+(?=\S)")
_RST_FIELD = re.compile(r":\w[^:`]*:\s")  # :param job: ..., :returns: ...
_GOOGLE_FIELD = re.compile(r"\*{0,2}[A-Za-z_][\w.]*(?:\s*\([^)]*\))?:\s")  # job (Job): ...
_URL = re.compile(r"\w+://")
# commented-out code in a script: a statement's end, an arrow, a comparison, a declaration, a call
_TS_CODE = re.compile(r"[;{}]\s*$|=>|[!=]==|^\s*(?:const|let|var)\s+[\w$]+\s*[=:]|^\s*(?:import|export)\s.*\bfrom\b"
                      r"|^\s*(?:if|for|while|switch)\s*\(|^\s*[\w$.]+\(.*\)\s*$")


def wrap_changes(root: Path, changes, generated=()) -> list:
    """``changes`` (runsmig.plan.Change) with the grown prose lines of modified / renamed Python and
    script files wrapped; a file a recipe regenerates (``generated``: paths) is its tool's, left as is."""
    from runsmig.linelength import configured_at, eslint_comment_len

    folders: dict[str, int | None] = {}
    script_limit: list[int | None] = []

    def edit(c, old: str, new: str) -> str:
        kind = "py" if c.target.endswith(".py") else "script"
        if kind == "py":
            limit = configured_at(root, c.target, folders)
        else:
            if not script_limit:
                script_limit.append(eslint_comment_len(root))
            limit = script_limit[0]
        return new if limit is None else wrap_text(old, new, limit, kind, _grammar(c.target))

    return edit_changes(changes, generated, lambda rel: rel.endswith((".py", *_SCRIPTS)), edit)


def _grammar(rel: str) -> str:
    """The tree-sitter grammar of a script (as runsmig.languages.typescript reads it)."""
    return "tsx" if rel.endswith(".tsx") else "typescript" if rel.endswith((".ts", ".mts", ".cts")) else "javascript"


def wrap_text(old: str, new: str, limit: int, kind: str, grammar: str = "typescript") -> str:
    """``new`` with each prose line that grew past ``limit`` from a line of ``old`` within it wrapped
    (``kind``: ``"py"``, or ``"script"`` read with the tree-sitter ``grammar``)."""
    found = grown_split(old, new, limit)
    if found is None:
        return new
    b, grown = found
    prose = _python_prose(new) if kind == "py" else _script_prose(new, grammar)
    if not prose:
        return new
    eol = "\r\n" if "\r\n" in new else "\n"
    for k in sorted(grown, reverse=True):  # from the end: the indexes before stay right
        how = prose.get(k)
        if how is None:
            continue
        line = b[k]
        body = _body(line)
        ending = line[len(body):] or ""
        pieces = _wrap(body, how, limit)
        if pieces is None:
            continue
        ends = [ending or eol] * (len(pieces) - 1) + [ending]
        b[k:k + 1] = [p + e for p, e in zip(pieces, ends)]
    return "".join(b)


# -- which lines are prose, and their prefix --------------------------------------------------------

def _python_prose(text: str) -> dict[int, tuple[str, str, bool]]:
    """{0-based line: (kind, prefix, nested)} for the prose lines of a Python source: ``comment``
    lines (prefix: indentation, ``#`` marker and its space) and ``doc`` lines (prefix: the line's
    indentation; nested: indented under the line above, as an entry of an ``Args:`` section)."""
    try:
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, ValueError, tokenize.TokenError, IndentationError):
        return {}
    lines = _LINE.findall(text)
    out: dict[int, tuple[str, str, bool]] = {}
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        row, col = tok.start[0] - 1, tok.start[1]
        line = lines[row]
        if line[:col].strip() or tok.string.startswith("#!") or _PRAGMA.search(tok.string):
            continue
        marker = _lead(r"#+:?[ ]?", tok.string)
        if _python_code(tok.string[len(marker):]):
            continue
        out[row] = ("comment", line[:col] + marker, False)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            continue
        s = node.value
        first, last = s.lineno - 1, (s.end_lineno or s.lineno) - 1
        if first == last:
            continue
        head = lines[first][s.col_offset:]
        m = re.match(r"[rRuU]?(\"\"\"|''')", head)
        if m is None:
            continue
        quote = m.group(1)
        segment = ast.get_source_segment(text, s) or ""
        if segment.count(quote) != 2 or not segment.endswith(quote):
            continue  # concatenated, or quotes inside: not one plain docstring
        for row, nested in _doc_rows(lines, first, last, quote):
            out[row] = ("doc", _lead(r"[ ]*", lines[row]), nested)
    return out


def _lead(pattern: str, text: str) -> str:
    """What ``pattern`` matches at the start of ``text`` (``""`` when nothing)."""
    m = re.match(pattern, text)
    return m.group() if m else ""


def _python_code(text: str) -> bool:
    """A comment's text that is Python (commented-out code): it parses."""
    text = text.strip()
    if not text:
        return True
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _doc_rows(lines: list[str], first: int, last: int, quote: str):
    """(row, nested) for the rows of a docstring (opening on ``first``, closing on ``last``) that are
    prose: not the opening line, not a doctest, literal (``::``) or fenced block, nor a table row;
    nested when the row is indented deeper than the docstring (an entry of an ``Args:`` section)."""
    literal: int | None = None  # indentation of the line that opened a literal block
    fence = doctest = False
    inner = [_body(lines[row]) for row in range(first + 1, last + 1) if _body(lines[row]).strip()]
    base = min((len(x) - len(x.lstrip(" ")) for x in inner), default=0)  # the docstring's own indentation
    for row in range(first + 1, last + 1):
        body = _body(lines[row])
        if row == last:
            if not body.rstrip().endswith(quote) or body.count(quote) != 1:
                continue
            body = body.rstrip()[:-3]
        stripped = body.strip()
        indent = len(body) - len(body.lstrip(" "))
        if not stripped:
            doctest = False
            continue
        if literal is not None and indent > literal:
            continue
        literal = None
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if stripped.endswith("::"):
            literal = indent
        if stripped.startswith((">>>", "...")):
            doctest = True
        if fence or doctest or stripped.startswith(("|", "+-", "+=", "==")) or stripped.endswith("::"):
            continue
        yield row, indent > base


def _script_prose(text: str, grammar: str) -> dict[int, tuple[str, str, bool]]:
    """{0-based line: (kind, prefix, False)} for a script's prose lines: ``//`` comments on a line of their
    own and the inner lines of block comments (a JSDoc `` * `` kept), outside ``@example`` and fences."""
    try:
        from ast_grep_py import SgRoot
    except ImportError:
        return {}
    lines = _LINE.findall(text)
    out: dict[int, tuple[str, str, bool]] = {}
    try:
        root = SgRoot(text, grammar).root()
    except Exception:  # noqa: BLE001 - not parsed: nothing is wrapped
        return {}
    if root.find(kind="ERROR"):
        return {}
    for node in root.find_all(kind="comment"):
        rg = node.range()
        start, end = rg.start.line, rg.end.line
        comment = node.text()
        if comment.startswith("//"):
            line = lines[start]
            if line.strip() != comment.strip() or _PRAGMA.search(comment) or comment.startswith("///"):
                continue
            indent = line[:len(line) - len(line.lstrip())]
            marker = _lead(r"//+[ ]?", comment)
            if _TS_CODE.search(comment[len(marker):]) or not comment[len(marker):].strip():
                continue
            out[start] = ("comment", indent + marker, False)
            continue
        if not comment.startswith("/*") or _PRAGMA.search(comment.splitlines()[0]):
            continue
        fence = example = False
        for row in range(start + 1, end):
            body = _body(lines[row])
            star = _lead(r"[ \t]*\*?[ ]?", body)
            rest = body[len(star):]
            stripped = rest.strip()
            if stripped.startswith("@"):
                example = stripped.startswith("@example")
            if stripped.startswith(("```", "~~~")):
                fence = not fence
                continue
            if fence or example or not stripped or stripped.startswith("|") or _PRAGMA.search(rest) \
                    or _TS_CODE.search(rest) or "*/" in body:
                continue
            out[row] = ("block", star if "*" in star else _lead(r"[ ]*", body), False)
    return out


# -- the split --------------------------------------------------------------------------------------

def _wrap(body: str, how: tuple[str, str, bool], limit: int) -> list[str] | None:
    """``body`` as lines within ``limit`` (the first keeps its prefix, the others the continuation
    prefix), or None when it cannot be (a word longer than the room, a URL, a tab)."""
    kind, prefix, nested = how
    if "\t" in body or not body.startswith(prefix):
        return None
    text = body[len(prefix):]
    inner = text[:len(text) - len(text.lstrip(" "))]
    rest = text[len(inner):]
    hang = inner
    m = _BULLET.match(rest)
    if m:
        hang = inner + " " * m.end()
    elif kind == "doc" and (_RST_FIELD.match(rest) or nested and _GOOGLE_FIELD.match(rest)):
        hang = inner + "    "
    lead = prefix + hang
    pieces: list[str] = []
    line, start = body, len(prefix) + len(inner)
    while len(line) > limit:
        cut = _cut(line, start, limit)
        if cut is None:
            return None
        head, tail = line[:cut].rstrip(" "), line[cut:].lstrip(" ")
        pieces.append(head)
        line, start = lead + tail, len(lead)
    pieces.append(line)
    return pieces if len(pieces) > 1 else None


def _cut(line: str, start: int, limit: int) -> int | None:
    """The space to break ``line`` at: the last one at or before ``limit`` after the first word of its
    text (from ``start``), outside backticks; None when there is none, or the word over the limit is a URL."""
    over = line.rfind(" ", 0, limit + 1)
    word_end = line.find(" ", limit)
    straddling = line[over + 1:word_end if word_end != -1 else len(line)]
    if _URL.search(straddling):
        return None
    ticks = 0
    best = None
    for i in range(start, min(len(line), limit + 1)):
        ch = line[i]
        if ch == "`":
            ticks += 1
        elif ch == " " and ticks % 2 == 0 and line[start:i].strip() and line[i + 1:].strip():
            best = i
    if best is None:
        return None
    return best


__all__ = ["wrap_changes", "wrap_text"]
