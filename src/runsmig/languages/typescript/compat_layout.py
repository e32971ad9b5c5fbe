"""Lines runsmig writes into a TS/JS source (a fallback read ``compatRead(this.opts, 'runId',
'RunOptions')`` in place of ``this.opts.runId``) laid out within the project's line length
(runsmig.linelength.script_layout), as prettier lays out a statement that does not fit its print width:
the outermost group of the line is broken first, then each line it gives that is still too long.

The groups, outermost first (prettier's):

* the condition of an ``if`` / ``while`` / ``do … while``: ``if (`` alone, the condition indented one
  step, an ``&&`` / ``||`` chain (or a comparison) one operand a line with its operator at the end,
  then ``) {``;
* the value of a ``return`` / ``throw`` that is a binary expression: in parentheses, one operand a line;
* the arguments of a call or ``new``: ``f(`` alone, one argument a line indented one step, a comma
  after the last when the project's prettier has ``trailingComma: all``, then ``)``. A call whose last
  argument is a function with a block body, an object or an array literal is hugged by prettier
  (``f(a, () => {``): not broken; its last argument is. An arrow whose body is another expression
  (``.map((s) => compatRead(s, 'run', 'R').id)``) is not hugged: the call's arguments break;
* the value of an assignment, declaration or object property that is a binary expression
  (``a = b ?? {}``, ``key: b ?? undefined``): after the ``=`` / ``:``, the value on the next line
  indented one step; then, if still too long, one operand a line;
* ``.name`` read from a call's result (``f(x)?.split(':').length``): the ``.name`` on the next line,
  indented one step, when what comes before it fits (prettier breaks there before the call's
  arguments), unless the member chain ends in a call (``f(x).a.b()``: prettier breaks ``f``'s arguments);
* an object or array literal, an object pattern (``const { a, b = compatRead(…) } = o``, a nested
  ``worker: { …: n = compatRead(…) }``): ``{`` alone, one property a line, a comma after the last unless
  ``trailingComma: none`` (or the last is ``...rest``), then ``}``.

Then, as prettier groups them, what a break left apart is joined when it fits: the value after a
pattern just broken (``} = options;``), the right operand of a binary expression after its operator when
the left operand was just broken (``) || 1,``; not when an operand or the parent is a binary expression
of the same kind, logical or not). A default kept after a broken read whose own value is a logical
expression goes on the next line, one step in (``) ??\n  (a || b)``), as prettier writes it.

Nothing inside a template literal's ``${…}`` written on one line is broken (prettier prints it as
written; one it broke over lines is laid out as anywhere else), nor a group holding a comment. A line
that still does not fit (no group left) stays as it is: runsmig.linelength names it in a note.

The compat module runsmig generates is laid out the same way, line by line; in a project formatted
by prettier, each of its top-level statements that still has a line past the print width (a long
``declare module`` member) or that the writer broke where prettier would not (an import, a type alias)
gets ``// prettier-ignore``, so that the project's ``prettier --check`` passes on it as it does on
the compat runtime.

``runsmig compat drop`` gives the read back (``opts.runId``) and, in a project formatted by prettier,
joins again each broken group around it that now fits one line (:func:`rejoin`), as prettier would:
the project's layout comes back. An object literal stays broken (prettier keeps an object broken
after its ``{``), as does a group holding a comment or a template literal over several lines. An object
pattern is joined (prettier keeps one broken only when a property's value is itself a pattern); a link of
a member chain only with the whole chain (``a\n.b(…)\n.c(…)``); a group that fits when what follows it
goes on a line of its own is joined so: the right operand of a binary (``f(a, b) ||\n  1``), the value of
a destructuring (``const { a, b } =\n  options;``).

Interface: ``lay_out(text, rel, lines, layout) -> str``: ``lines`` are the 1-based lines runsmig wrote;
``generated(text, rel, layout) -> str``: the compat module; ``rejoin(text, rel, lines, layout) -> str``.
"""

from __future__ import annotations

_CALLS = ("call_expression", "new_expression")
_CONDITIONS = ("if_statement", "while_statement", "do_statement")
_RETURNS = ("return_statement", "throw_statement")
_HUGGED = ("arrow_function", "function_expression", "function", "object", "array")
_CHAINED = ("&&", "||", "??")


def _parse(text: str, rel: str):
    from ast_grep_py import SgRoot

    from runsmig.languages.typescript import LANGUAGE

    return SgRoot(text, LANGUAGE.grammar(rel)).root()


def _named(node) -> list:
    return [c for c in node.children() if c.is_named()]


def _in_template(node) -> bool:
    """``node`` is inside a template literal's ``${…}`` written on one line (prettier prints it as written;
    one it broke over lines holds groups it breaks as anywhere else)."""
    p = node.parent()
    while p is not None:
        if p.kind() == "template_substitution" and p.range().end.line > p.range().start.line:
            p = p.parent()  # the template string
        elif p.kind() in ("template_substitution", "template_string"):
            return True
        if p is not None:
            p = p.parent()
    return False


def _on_line(node, row: int) -> bool:
    r = node.range()
    return r.start.line == row and r.end.line == row


def _operands(node, op: str) -> list:
    """The operands of a chain of one operator (``a && b && c``: left-nested), left to right."""
    if node.kind() == "binary_expression" and _operator(node) == op:
        left = node.field("left")
        return _operands(left, op) + [node.field("right")]
    return [node]


def _operator(node) -> str | None:
    op = node.field("operator")
    return op.text() if op is not None else None


def _groups(root, row: int, text: str, width: int | None = None) -> list[tuple[int, object, str]]:
    """(start, node, kind) of the groups of line ``row`` that can be broken, outermost first
    (``width``: the print width, what a ``.name`` after a call needs before it to break there)."""
    out = []
    for n in root.find_all(kind="arguments"):
        parent = n.parent()
        if parent is None or parent.kind() not in _CALLS or not _on_line(n, row) or _in_template(n):
            continue
        args = _named(n)
        if not args or any(a.kind() == "comment" for a in args) or _hugged(args[-1]):
            continue
        out.append((n.range().start.index, n, "arguments"))
    for n in root.find_all(any=[{"kind": "object"}, {"kind": "array"}, {"kind": "object_pattern"}]):
        items = _named(n)
        if not items or not _on_line(n, row) or _in_template(n) or any(c.kind() == "comment" for c in items):
            continue
        out.append((n.range().start.index, n, n.kind()))
    for n in root.find_all(kind="parenthesized_expression"):
        parent = n.parent()
        if parent is None or parent.kind() not in _CONDITIONS or not _on_line(n, row):
            continue
        if any(c.kind() == "comment" for c in n.children()):
            continue
        out.append((n.range().start.index, n, "condition"))
    for kind in _RETURNS:
        for st in root.find_all(kind=kind):
            value = next((c for c in _named(st) if c.kind() != "comment"), None)
            if value is None or value.kind() != "binary_expression" or not _on_line(value, row):
                continue
            out.append((value.range().start.index, value, "return"))
    for n in root.find_all(any=[{"kind": "assignment_expression"}, {"kind": "variable_declarator"},
                                {"kind": "augmented_assignment_expression"}, {"kind": "pair"}]):
        value = n.field("right") or n.field("value")
        if value is None or value.kind() != "binary_expression" or not _on_line(value, row) or _inlined(value):
            continue
        left = n.field("left") or n.field("name") or n.field("key")
        broken = left is not None and left.range().end.line < value.range().start.line
        out.append((value.range().start.index, value, "operands" if broken else "assigned"))
    for n in root.find_all(any=[{"kind": "binary_expression"}, {"kind": "ternary_expression"}]):
        if not _on_line(n, row) or _in_template(n):
            continue
        a = n.range().start.index
        starts_row = not text[text.rfind("\n", 0, a) + 1:a].strip()
        parent = n.parent()
        if n.kind() == "ternary_expression":
            out.append((n.range().start.index, n, "ternary"))
        elif starts_row and parent is not None and parent.kind() in ("parenthesized_expression", "arguments"):
            out.append((n.range().start.index, n, "operands" if parent.kind() != "arguments" else "operands+"))
    out.sort(key=lambda g: (g[0], -g[1].range().end.index))
    # prettier tries each group with what follows up to the next place it may break: ``.name`` after a
    # call breaks before the call's own arguments when the call fits
    for m in root.find_all(kind="member_expression"):
        obj, parent = m.field("object"), m.parent()
        if obj is None or obj.kind() != "call_expression" or not _on_line(m, row) or _in_template(m):
            continue
        if parent is not None and parent.kind() in _CALLS and _same(parent.field("function"), m):
            continue
        if _chain_called(m):
            continue  # a member chain ending in a call of two groups: prettier breaks the call's arguments
        head = text[text.rfind("\n", 0, obj.range().end.index) + 1:obj.range().end.index]
        if width is not None and len(head.expandtabs(4)) > width:
            continue  # what comes before the ``.name`` does not fit: prettier breaks the call's arguments
        inner = [g for g in out if _within(g[1], obj)]
        if inner and inner[0] is out[0]:
            out.insert(0, (obj.range().end.index, m, "member"))
            break
    return out


def _hugged(arg) -> bool:
    """A last argument prettier hugs (``f(a, () => {``): a function with a block body or one whose body it
    keeps after ``=>`` (an object, an array, a template, another arrow), an object or array literal. An
    arrow whose body is another expression is not: the call's arguments break, one a line."""
    if arg.kind() != "arrow_function":
        return arg.kind() in _HUGGED
    body = arg.field("body")
    return body is None or body.kind() in ("statement_block", "object", "array", "template_string",
                                           "arrow_function", "parenthesized_expression")


def _chain_called(m) -> bool:
    """``m`` (``f(x).a``) is inside a member chain that ends in a call (``f(x).a.b()``)."""
    node, parent = m, m.parent()
    while parent is not None and parent.kind() == "member_expression" and _same(parent.field("object"), node):
        node, parent = parent, parent.parent()
    return node is not m and parent is not None and parent.kind() in _CALLS and _same(parent.field("function"), node)


def _same(a, b) -> bool:
    return a is not None and a.range().start.index == b.range().start.index and a.range().end.index == b.range().end.index


def _within(node, outer) -> bool:
    return outer.range().start.index <= node.range().start.index and node.range().end.index <= outer.range().end.index


def _inlined(value) -> bool:
    """A logical expression prettier keeps after ``=`` (its right side a non-empty object or array)."""
    right = value.field("right")
    return _operator(value) in _CHAINED and right is not None and right.kind() in ("object", "array") \
        and bool(_named(right))


def _broken(text: str, node, kind: str, indent: str, step: str, comma: str, width: int) -> tuple[int, int, str]:
    """(start, end, replacement) that breaks the group ``node`` of a line indented ``indent``."""
    inner = indent + step
    r = node.range()
    if kind in ("arguments", "object", "array", "object_pattern"):
        named = _named(node)
        items = [a.text() for a in named]
        last = comma == "all" or (kind != "arguments" and comma == "es5")
        last = last and named[-1].kind() not in ("rest_pattern", "rest_element")  # none after ``...rest``
        body = ",\n".join(inner + a for a in items) + ("," if last else "")
        o, c = {"arguments": "()", "object": "{}", "array": "[]", "object_pattern": "{}"}[kind]
        return r.start.index, r.end.index, o + "\n" + body + "\n" + indent + c
    if kind == "member":
        obj = node.field("object")
        a = obj.range().end.index
        return a, r.end.index, "\n" + inner + text[a:r.end.index].lstrip()
    if kind == "assigned":
        a = r.start.index
        while a > 0 and text[a - 1] in " \t":
            a -= 1
        return a, r.end.index, "\n" + inner + node.text()
    if kind in ("operands", "operands+"):
        first, *rest = _operand_lines(node, indent).split("\n")
        step_more = step if kind == "operands+" else ""  # a call's argument: the operands after the first indented
        return r.start.index, r.end.index, "\n".join([first.lstrip(" \t")] + [step_more + ln for ln in rest])
    if kind == "ternary":
        cond, cons, alt = node.field("condition"), node.field("consequence"), node.field("alternative")
        return r.start.index, r.end.index, f"{cond.text()}\n{inner}? {cons.text()}\n{inner}: {alt.text()}"
    value = _named(node)[0] if kind == "condition" else node
    lines = _operand_lines(value, inner)
    if len(inner) + len(value.text()) <= width:  # the parentheses broken, what they hold fits one line
        lines = inner + value.text()
    if kind == "condition":
        return r.start.index, r.end.index, "(\n" + lines + "\n" + indent + ")"
    return r.start.index, r.end.index, "(\n" + lines + "\n" + indent + ")"


def _operand_lines(value, inner: str) -> str:
    """A condition, one operand of its top operator a line (``a &&``, ``b``)."""
    if value.kind() != "binary_expression":
        return inner + value.text()
    op = _operator(value)
    parts = _operands(value, op) if op in _CHAINED else [value.field("left"), value.field("right")]
    return "\n".join(inner + p.text() + ("" if i == len(parts) - 1 else f" {op}") for i, p in enumerate(parts))


def lay_out(text: str, rel: str, lines: set[int], layout) -> str:
    """``text`` with each of its ``lines`` (1-based) longer than ``layout.width`` broken as prettier
    would (see the module), the lines a break gives laid out in turn."""
    if layout is None or not lines:
        return text
    ours = {n - 1 for n in lines}
    for _ in range(200):  # each pass breaks one group; a file gets few fallback reads
        rows = text.split("\n")
        long_rows = sorted(r for r in ours if r < len(rows) and len(rows[r].rstrip("\r").expandtabs(4)) > layout.width)
        if not long_rows:
            return _joined(text, rel, ours, layout)
        root = None
        done = False
        for row in long_rows:
            if root is None:
                root = _parse(text, rel)
                if root.find(kind="ERROR") is not None:
                    return text
            groups = _groups(root, row, text, layout.width)
            if not groups:
                continue
            _, node, kind = groups[0]
            line = rows[row]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            a, b, repl = _broken(text, node, kind, indent, layout.indent, layout.trailing_comma,
                                  layout.width)
            if "\r\n" in text:
                repl = repl.replace("\n", "\r\n")
            added = repl.count("\n")
            text = text[:a] + repl + text[b:]
            ours = {r if r <= row else r + added for r in ours} | set(range(row, row + added + 1))
            done = True
            break
        if not done:
            return _joined(text, rel, ours, layout)
    return text


_LOGICAL = ("&&", "||", "??")


def _unwrapped(node):
    """``node`` without the parentheses around it (prettier's tree has none)."""
    while node is not None and node.kind() == "parenthesized_expression" and len(_named(node)) == 1:
        node = _named(node)[0]
    return node


def _joined(text: str, rel: str, ours: set[int], layout) -> str:
    """``text`` with the right operand of a binary expression brought back after its operator when the
    left operand was just broken over lines (``f(\n  a,\n) ||\n  1`` -> ``f(\n  a,\n) || 1``): prettier
    groups the operator with the right operand (a binary expression whose operands and parent are of
    another kind) and keeps it on the left's last line when it fits."""
    for _ in range(50):
        root = _parse(text, rel)
        if root.find(kind="ERROR") is not None:
            return text
        found = None
        for n in root.find_all(any=[{"kind": "variable_declarator"}, {"kind": "assignment_expression"}]):
            left, value = n.field("name") or n.field("left"), n.field("value") or n.field("right")
            if left is None or value is None or left.kind() not in ("object_pattern", "array_pattern"):
                continue
            lr, vr = left.range(), value.range()
            if lr.end.line not in ours or lr.start.line == lr.end.line or vr.start.line != lr.end.line + 1 \
                    or vr.end.line != vr.start.line or text[lr.end.index:vr.start.index].strip() != "=":
                continue
            head = text.rfind("\n", 0, lr.end.index) + 1
            tail = text.find("\n", vr.end.index)
            tail = len(text) if tail < 0 else tail
            if len((text[head:lr.end.index] + " = " + text[vr.start.index:tail]).rstrip("\r").expandtabs(4)) \
                    <= layout.width:  # a pattern just broken: the value after its ``} =``
                found = (lr.end.index, vr.start.index, " = ", vr.start.line)
                break
        for n in root.find_all(kind="binary_expression") if found is None else ():
            # a default ``compatRead(…) ?? (a || b)`` whose left was broken: prettier does not group a
            # logical operand with its operator; the operand goes on the next line, one step in
            parent, left, right = n.parent(), n.field("left"), n.field("right")
            if parent is None or parent.kind() not in ("assignment_pattern", "object_assignment_pattern") \
                    or left is None or right is None or right.kind() != "parenthesized_expression":
                continue
            inner = _named(right)
            lr = left.range()
            if len(inner) != 1 or inner[0].kind() != "binary_expression" or _operator(inner[0]) not in _LOGICAL \
                    or _operator(n) not in _LOGICAL or lr.end.line not in ours or lr.start.line == lr.end.line \
                    or right.range().start.line != lr.end.line:
                continue
            head = text.rfind("\n", 0, n.range().start.index) + 1
            line = text[head:n.range().start.index]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            gap = text[lr.end.index:right.range().start.index]
            a = lr.end.index + len(gap.rstrip(" \t"))
            nl = "\r\n" if "\r\n" in text else "\n"
            found = (a, right.range().start.index, nl + indent + layout.indent, -1)
            break
        for n in root.find_all(kind="binary_expression") if found is None else ():
            left, right, op = n.field("left"), n.field("right"), _operator(n)
            if left is None or right is None or op is None or _in_template(n):
                continue
            lr, rr = left.range(), right.range()
            if lr.end.line not in ours or lr.start.line == lr.end.line or rr.start.line != lr.end.line + 1 \
                    or rr.end.line != rr.start.line:
                continue
            logical = op in _LOGICAL
            parent = n.parent()
            if any(x is not None and x.kind() == "binary_expression" and (_operator(x) in _LOGICAL) == logical
                   for x in (_unwrapped(left), _unwrapped(right), parent)):
                continue
            gap = text[lr.end.index:rr.start.index]
            if gap.strip() != op or not gap.rstrip(" \t\r\n").endswith(op):
                continue
            head = text.rfind("\n", 0, lr.end.index) + 1
            tail = text.find("\n", rr.end.index)
            tail = len(text) if tail < 0 else tail
            line = text[head:lr.end.index] + f" {op} " + text[rr.start.index:tail]
            if len(line.rstrip("\r").expandtabs(4)) > layout.width:
                continue
            found = (lr.end.index, rr.start.index, f" {op} ", rr.start.line)
            break
        if found is None:
            return text
        a, b, repl, gone = found
        if gone < 0:  # a line added
            row = text.count("\n", 0, a)
            text = text[:a] + repl + text[b:]
            ours = {r if r <= row else r + 1 for r in ours} | {row + 1}
            continue
        text = text[:a] + repl + text[b:]
        ours = {r if r < gone else r - 1 for r in ours}
    return text


def generated(text: str, rel: str, layout) -> str:
    """The compat module ``text`` laid out (every line), then in a prettier project each top-level
    statement prettier would lay out otherwise left to no formatter (see the module)."""
    if layout is None:
        return text
    text = lay_out(text, rel, set(range(1, text.count("\n") + 2)), layout)
    if not layout.prettier:
        return text
    root = _parse(text, rel)
    if root.find(kind="ERROR") is not None:
        return text
    rows = text.split("\n")
    marks = []
    prev = None
    for st in root.children():
        r = st.range()
        if st.kind() != "comment":
            long_line = any(len(rows[i]) > layout.width for i in range(r.start.line, r.end.line + 1))
            # prettier keeps an import of one name on one line; it breaks a type alias at its arguments
            broken = (st.kind() == "import_statement" and len(list(st.find_all(kind="import_specifier"))) == 1) or (
                st.kind() == "export_statement" and any(c.kind() == "type_alias_declaration" for c in st.children()))
            ignored = prev is not None and prev.kind() == "comment" and prev.text().strip() == "// prettier-ignore"
            if not ignored and (long_line or (broken and r.end.line > r.start.line)):
                marks.append(r.start.line)
        prev = st
    for row in sorted(marks, reverse=True):
        line = rows[row]
        rows.insert(row, line[:len(line) - len(line.lstrip(" \t"))] + "// prettier-ignore")
    return "\n".join(rows)


_JOINED = ("arguments", "array", "parenthesized_expression", "ternary_expression", "binary_expression",
           "member_expression", "variable_declarator", "assignment_expression", "augmented_assignment_expression",
           "object_pattern", "pair")
_PATTERN_HOLDERS = ("variable_declarator", "pair_pattern", "assignment_pattern", "object_assignment_pattern")


def _kept_broken(pattern) -> bool:
    """An object pattern prettier keeps broken: one holding a property whose value is a pattern, outside a
    function's parameters; and one of a function's parameters (laid out as a parameter list)."""
    parent = pattern.parent()
    if parent is None or parent.kind() not in _PATTERN_HOLDERS:
        return True
    return any(c.kind() == "pair_pattern" and c.field("value") is not None
               and c.field("value").kind() in ("object_pattern", "array_pattern") for c in _named(pattern))


def _flat(node) -> str | None:
    """The text of a group broken over lines, on one line (None: it holds what cannot be joined)."""
    import re

    for n in node.find_all(any=[{"kind": "comment"}, {"kind": "template_string"}, {"kind": "object"},
                                {"kind": "statement_block"}, {"kind": "class_body"}, {"kind": "object_pattern"}]):
        if n.kind() == "comment" or (n.range().end.line > n.range().start.line
                                     and (n.kind() != "object_pattern" or _kept_broken(n))):
            return None
    t = node.text()
    t = re.sub(r",?\s*\n\s*\}", " }", t)  # a broken object pattern: its trailing comma
    t = re.sub(r"\{\s*\n\s*", "{ ", t)
    t = re.sub(r",\s*\n\s*([)\]])", r"\1", t)  # the trailing comma of a broken list
    t = re.sub(r"([(\[])\s*\n\s*", r"\1", t)
    t = re.sub(r"\s*\n\s*([)\]])", r"\1", t)
    t = re.sub(r"\s*\n\s*(\??\.)", r"\1", t)  # .name read after a call
    return re.sub(r"\s*\n\s*", " ", t)


def rejoin(text: str, rel: str, lines: set[int], layout) -> str:
    """``text`` (a source whose fallback reads were just given back, on its 1-based ``lines``) with the
    broken groups around them that now fit ``layout.width`` on one line joined, innermost first;
    ``return (a ?? b)`` loses its parentheses. Only in a project formatted by prettier."""
    if layout is None or not layout.prettier or not lines:
        return text
    rows = {n - 1 for n in lines}
    for _ in range(200):
        root = _parse(text, rel)
        if root.find(kind="ERROR") is not None:
            return text
        found = None
        cands = []
        for n in root.find_all(any=[{"kind": k} for k in _JOINED]):
            r = n.range()
            if r.end.line == r.start.line or not any(r.start.line <= x <= r.end.line for x in rows):
                continue
            cands.append(n)
        cands.sort(key=lambda n: n.range().end.index - n.range().start.index)
        for n in cands:
            if n.kind() == "member_expression" and _chain_link(n):
                continue  # a link of a member chain: joined with the whole chain or not at all
            flat = _flat(n)
            if flat is None:
                continue
            a, b = n.range().start.index, n.range().end.index
            parent = n.parent()
            if n.kind() == "parenthesized_expression" and parent is not None and parent.kind() in _RETURNS:
                inner = _named(n)
                if len(inner) == 1 and inner[0].kind() == "binary_expression":
                    flat = _flat(inner[0])
                    if flat is None:
                        continue
            head = text.rfind("\n", 0, a) + 1
            tail = text.find("\n", b)
            tail = len(text) if tail < 0 else tail
            if len((text[head:a] + flat + text[b:tail]).rstrip("\r").expandtabs(4)) > layout.width:
                split = _split_after(text, n, flat, head, layout)
                if split is None:
                    continue
                b, flat = split
            found = (a, b, flat, n.range().start.line)
            break
        if found is None:
            return text
        a, b, flat, first = found
        last = first + text[a:b].count("\n")
        gone = last - first - flat.count("\n")
        text = text[:a] + flat + text[b:]
        rows = {x if x <= first else (first if x <= last else x - gone) for x in rows}
    return text


def _chain_link(m) -> bool:
    """``m`` (``a\n.b``) is called and the call's result read in turn (``a.b(…).c``): a member chain."""
    parent = m.parent()
    if parent is None or parent.kind() not in _CALLS or not _same(parent.field("function"), m):
        return False
    up = parent.parent()
    return up is not None and up.kind() == "member_expression" and _same(up.field("object"), parent)


def _split_after(text: str, n, flat: str, head: int, layout) -> tuple[int, str] | None:
    """(end, replacement) joining the group ``n`` (as ``flat``) with what follows it on the next line, as
    prettier lays out a group that fits when what follows it goes on a line of its own: the right operand
    of the binary expression ``n`` ends the left of (``f(a, b) ||\n  1``), the value after a destructuring
    pattern (``const { a, b } =\n  options;``). None: not such a place, or the group does not fit."""
    nl = "\r\n" if "\r\n" in text else "\n"
    b = n.range().end.index
    node = n.parent() if n.kind() == "arguments" else n
    binary = node.parent() if node is not None else None
    if binary is not None and binary.kind() == "binary_expression" and _same(binary.field("left"), node):
        right, holder = binary.field("right"), binary.parent()
        a = binary.range().start.index
        starts = not text[text.rfind("\n", 0, a) + 1:a].strip()
        if right is None or holder is None or holder.kind() not in ("pair", "variable_declarator",
                                                                    "assignment_expression") or not starts:
            return None
        gap = text[b:right.range().start.index]
        if "\n" in gap or gap.strip() != _operator(binary):
            return None
        line = text[text.rfind("\n", 0, a) + 1:a]
        repl = flat + gap.rstrip(" \t") + nl + line
    elif n.kind() == "object_pattern" and node.parent() is not None \
            and node.parent().kind() == "variable_declarator" and _same(node.parent().field("name"), n):
        value = node.parent().field("value")
        if value is None:
            return None
        gap = text[b:value.range().start.index]
        if "\n" in gap or gap.strip() != "=":
            return None
        first = text[head:]
        indent = first[:len(first) - len(first.lstrip(" \t"))]
        repl = flat + " =" + nl + indent + layout.indent
    else:
        return None
    if len((text[head:n.range().start.index] + repl.split(nl)[0]).rstrip("\r").expandtabs(4)) > layout.width:
        return None
    return b + len(gap), repl


__all__ = ["generated", "lay_out", "rejoin"]
