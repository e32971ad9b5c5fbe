"""A Python expression laid out for a new file the way black lays it out, at a given indentation.

The migration runsmig writes copies field declarations from the models module, where they stand
at another indentation and may span lines. Copying their text keeps the old continuation indents
(flake8 E122) and black would reformat the file. Each expression is laid out afresh instead:

* on one line when it fits in the line length (88, black's default);
* else split at its brackets: the opening bracket ends the first line, and the closing bracket
  stands on a line of its own. In between, a call's arguments go on one line, one indent deeper,
  when they fit there; else (and always for a list, tuple, set or dict of several elements) one
  element a line with a trailing comma, each laid out the same way. A lone element has no comma
  to split at: it goes on its own line, without one.

A call, list, tuple, set or dict holding comments is always split one element a line, each
comment kept before its element or after it on the same line. What cannot be re-laid (a
multi-line string) is written as its source says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

WIDTH = 88
_EMPTY = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


@dataclass
class _Item:
    prefix: str  # 'keyword=', '*', 'key: '
    value: cst.BaseExpression
    leading: list[str] = field(default_factory=list)  # comment lines before it
    trailing: str | None = None  # a comment after it, on its line


def _comments(ws) -> tuple[str | None, list[str]]:
    """A whitespace's comment ending the line it starts on, and its comment lines."""
    if not isinstance(ws, cst.ParenthesizedWhitespace):
        return None, []
    first = ws.first_line.comment.value if ws.first_line.comment is not None else None
    return first, [e.comment.value for e in ws.empty_lines if e.comment is not None]


def _has_comment(node: cst.CSTNode) -> bool:
    class Finder(cst.CSTVisitor):
        found = False

        def visit_Comment(self, node) -> bool:
            Finder.found = True
            return False

    node.visit(Finder())
    return Finder.found


def _parts(node) -> tuple[str, list[_Item], str, str | None, list[str]] | None:
    """(opening text, elements, closing text, comment after the opening, comment lines before the
    closing) of a bracketed expression (parentheses around any expression too); None for anything else."""
    lpar = getattr(node, "lpar", ())
    if lpar and not (isinstance(node, cst.Tuple) and len(lpar) == 1):
        inner = node.with_changes(lpar=lpar[1:], rpar=node.rpar[:-1])
        return _assemble("(", [_Item("", inner)], ")", [lpar[0].whitespace_after, node.rpar[-1].whitespace_before])
    if isinstance(node, cst.Call):
        f = flat(node.func)
        if f is None:
            return None
        items = []
        for a in node.args:
            prefix = f"{a.keyword.value}=" if a.keyword is not None else a.star
            items.append(_Item(prefix, a.value))
        seps = [node.whitespace_before_args] + [a.comma.whitespace_after if isinstance(a.comma, cst.Comma) else None
                                                 for a in node.args]
        if node.args and not isinstance(node.args[-1].comma, cst.Comma):
            seps[-1] = node.args[-1].whitespace_after_arg
        return _assemble(f + "(", items, ")", seps)
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        if isinstance(node, cst.Tuple):
            if not node.lpar:
                return None
            open_, close, ws_open, ws_close = "(", ")", node.lpar[0].whitespace_after, node.rpar[-1].whitespace_before
        elif isinstance(node, cst.List):
            open_, close, ws_open, ws_close = "[", "]", node.lbracket.whitespace_after, node.rbracket.whitespace_before
        else:
            open_, close, ws_open, ws_close = "{", "}", node.lbrace.whitespace_after, node.rbrace.whitespace_before
        items = [_Item("*" if isinstance(e, cst.StarredElement) else "", e.value) for e in node.elements]
        return _assemble(open_, items, close, _separators(node.elements, ws_open, ws_close))
    if isinstance(node, cst.Dict):
        items = []
        for e in node.elements:
            if isinstance(e, cst.DictElement):
                key = flat(e.key)
                if key is None:
                    return None
                items.append(_Item(f"{key}: ", e.value))
            else:
                items.append(_Item("**", e.value))
        return _assemble("{", items, "}", _separators(node.elements, node.lbrace.whitespace_after,
                                                      node.rbrace.whitespace_before))
    return None


def _separators(elements, ws_open, ws_close) -> list:
    seps = [ws_open] + [e.comma.whitespace_after if isinstance(e.comma, cst.Comma) else None for e in elements]
    if elements and not isinstance(elements[-1].comma, cst.Comma):
        seps[-1] = ws_close
    elif elements:
        seps[-1] = seps[-1] if _comments(seps[-1]) != (None, []) else ws_close
    return seps


def _assemble(open_: str, items: list[_Item], close: str, seps: list):
    """Comments found in the whitespace between elements, given to their elements."""
    head, _ = _comments(seps[0])
    for i, item in enumerate(items):
        _, item.leading = _comments(seps[i])
        item.trailing, _ = _comments(seps[i + 1]) if i + 1 < len(seps) else (None, [])
    tail = _comments(seps[-1])[1] if items else []
    if not items:
        head = None
    return open_, items, close, head, tail


def flat(node) -> str | None:
    """The expression on one line (None: it holds a comment or a multi-line string)."""
    if _has_comment(node):
        return None
    parts = _parts(node)
    if parts is None:
        text = code(node)
        return None if "\n" in text else text
    open_, items, close, _, _ = parts
    inner = []
    for item in items:
        f = flat(item.value)
        if f is None:
            return None
        inner.append(item.prefix + f)
    body = ", ".join(inner)
    if isinstance(node, cst.Tuple) and len(items) == 1 and not items[0].prefix:
        body += ","
    return open_ + body + close


def lines(node, indent: int, prefix: str = "", suffix: str = "", width: int = WIDTH) -> list[str]:
    """``prefix`` + the expression + ``suffix`` as lines starting ``indent`` columns in."""
    pad = " " * indent
    f = flat(node)
    if f is not None and indent + len(prefix) + len(f) + len(suffix) <= width:
        return [pad + prefix + f + suffix]
    parts = _parts(node)
    if parts is None or not parts[1]:
        text = (f if f is not None else code(node)).split("\n")
        return [pad + prefix + text[0], *text[1:-1], text[-1] + suffix] if len(text) > 1 else [pad + prefix + text[0] + suffix]
    open_, items, close, head, tail = parts
    inner = " " * (indent + 4)
    out = [pad + prefix + open_ + (f"  {head}" if head else "")]
    commented = head is not None or tail or any(i.leading or i.trailing for i in items)
    one_tuple = isinstance(node, cst.Tuple) and len(items) == 1
    if not commented and len(items) == 1 and not one_tuple:
        # no comma to split at: the element on its own line, itself split if need be
        return out + lines(items[0].value, indent + 4, items[0].prefix, "", width) + [pad + close + suffix]
    flats = [flat(i.value) for i in items]
    atom = not isinstance(node, cst.Call)  # black splits a list, tuple, set or dict one element a line
    if not commented and not atom and all(x is not None for x in flats):
        body = ", ".join(i.prefix + x for i, x in zip(items, flats))
        if len(inner) + len(body) <= width:
            return out + [inner + body, pad + close + suffix]
    for item in items:
        out += [inner + c for c in item.leading]
        sub = lines(item.value, indent + 4, item.prefix, ",", width)
        if item.trailing:
            sub[-1] += f"  {item.trailing}"
        out += sub
    out += [inner + c for c in tail]
    out.append(pad + close + suffix)
    return out


def text(node, indent: int, prefix: str = "", suffix: str = "", width: int = WIDTH) -> str:
    return "\n".join(lines(node, indent, prefix, suffix, width)) + "\n"
