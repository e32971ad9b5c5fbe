"""Public dicts whose keys a rename changes (issue #22): ``self.job_options = {'job_timeout': ...}``
on a public class, or ``return {'job_id': ...}`` from a public function, method or property. Such
a dict is data the package's users read by key; once its keys are renamed, a reader's old key would
find nothing (``.get`` returns None, silently). The package hands it out wrapped instead:
``self.run_options = _deprecated_keys({...}, 'CronJob.run_options')``, a dict subclass of the
generated compat module (runsmig.compat.pyruntime) whose reads, writes and ``in`` by an old key warn
and go to the new key. ``_deprecated_keys`` is bound by the module's hook block; ``compat drop``
unwraps the calls (``unwrap``) with the block.

Interface: ``wrap(text, attributes, returns) -> str``: ``attributes`` {class: {attribute: owner}}
(every value the class's methods assign to ``self.<attribute>`` is wrapped), ``returns``
{function or Class.method: owner} (each dict display it returns is wrapped); ``unwrap(text) -> str``.
"""

from __future__ import annotations

import ast

WRAPPER = "_deprecated_keys"


def _offsets(text: str):
    """(line, UTF-8 byte column) as ast gives it -> index in ``text``."""
    starts = [0]
    for ln in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(ln))
    lines = text.splitlines(keepends=True)

    def at(lineno: int, col: int) -> int:
        line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    return at


def _is_self_attr(t: ast.AST, names: dict[str, str]) -> str | None:
    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" and t.attr in names:
        return names[t.attr]
    return None


def _returns(fn) -> list[ast.Dict]:
    out, todo = [], list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict):
            out.append(n.value)
        todo.extend(ast.iter_child_nodes(n))
    return out


def wrap(text: str, attributes: dict[str, dict[str, str]], returns: dict[str, str], quote: str = "'",
         width: int = 88, skipped: list[tuple[int, str]] | None = None) -> str:
    """A one-line value whose wrapped line would pass ``width`` gets the call on lines of its own. Only
    a dict built right there is wrapped (a display, a comprehension, ``dict(...)``): wrapping makes a
    copy, and an object the caller still holds must stay the attribute's. Other values assigned to
    the attribute are left, each (line, owner) added to ``skipped``."""
    tree = ast.parse(text)
    spots: list[tuple[ast.expr, str]] = []
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for name, owner in returns.items():
        if "." not in name and name in functions:
            spots += [(d, owner) for d in _returns(functions[name])]
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        attrs = attributes.get(node.name, {})
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            owner = returns.get(f"{node.name}.{item.name}")
            if owner:
                spots += [(d, owner) for d in _returns(item)]
            if not attrs:
                continue
            for n in ast.walk(item):
                if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
                    targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                    owners = {o for t in targets if (o := _is_self_attr(t, attrs))}
                    if len(owners) != 1 or _wrapped(n.value) or isinstance(n.value, ast.Constant):
                        continue
                    if _fresh(n.value):
                        spots.append((n.value, owners.pop()))
                    elif skipped is not None:
                        skipped.append((n.lineno, owners.pop()))
    at = _offsets(text)
    nl = "\r\n" if "\r\n" in text else "\n"
    for value, owner in sorted(spots, key=lambda s: (s[0].lineno, s[0].col_offset), reverse=True):
        start, end = at(value.lineno, value.col_offset), at(value.end_lineno, value.end_col_offset)
        inner, tag = text[start:end], f"{quote}{owner}{quote}"
        line_start = text.rfind("\n", 0, start) + 1
        line_end = len(text) if text.find("\n", end) < 0 else text.find("\n", end)
        line = text[line_start:line_end].rstrip("\r")
        indent = line[:len(line) - len(line.lstrip())]
        if value.lineno == value.end_lineno and len(line) + len(WRAPPER) + len(tag) + 4 > width:
            text = f"{text[:start]}{WRAPPER}({nl}{indent}    {inner}, {tag}{nl}{indent}){text[end:]}"
        elif value.lineno != value.end_lineno and _reindentable(value, text[start:end]):
            # as black and ruff lay it out: the value and the owner each on lines of their own (the
            # trailing comma keeps it so), the value's lines one level deeper; unwrap() undoes it
            deeper = nl.join(ln if not ln.strip() or i == 0 else "    " + ln
                             for i, ln in enumerate(inner.split(nl)))
            text = (f"{text[:start]}{WRAPPER}({nl}{indent}    {deeper},{nl}{indent}    {tag},{nl}{indent})"
                    f"{text[end:]}")
        else:
            text = f"{text[:start]}{WRAPPER}({inner}, {tag}){text[end:]}"
    return text


def _reindentable(value: ast.expr, source: str) -> bool:
    """Whether the lines of a multi-line value may move one level deeper without changing what
    it means: no string of it spans lines (its text would change)."""
    return not any(isinstance(n, ast.Constant) and isinstance(n.value, (str, bytes)) and n.lineno != n.end_lineno
                   for n in ast.walk(value)) and not any(isinstance(n, ast.JoinedStr) and n.lineno != n.end_lineno
                                                         for n in ast.walk(value))


def _fresh(value: ast.expr) -> bool:
    """A dict made by this very expression."""
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"


def _wrapped(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == WRAPPER


def unwrap(text: str) -> str:
    """Each ``_deprecated_keys(<value>, '<owner>')`` back to ``<value>``."""
    if WRAPPER not in text:
        return text
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return text
    at = _offsets(text)
    calls = [n for n in ast.walk(tree) if _wrapped(n) and len(n.args) == 2 and not n.keywords]
    nl = "\r\n" if "\r\n" in text else "\n"
    for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        start, end = at(call.lineno, call.col_offset), at(call.end_lineno, call.end_col_offset)
        inner = call.args[0]
        value = text[at(inner.lineno, inner.col_offset):at(inner.end_lineno, inner.end_col_offset)]
        if inner.lineno > call.lineno and inner.lineno != inner.end_lineno and _reindentable(inner, value):
            # the layout wrap() writes for a multi-line value: its lines back one level up
            value = nl.join(ln[4:] if i and ln.startswith("    ") else ln for i, ln in enumerate(value.split(nl)))
        text = text[:start] + value + text[end:]
    return text
