"""Declare in the target model what the generated revisions add to its table (``runs``).

A code edit driven by the database plan: the class whose ``__tablename__`` is the recipe's
target table gains one ``Mapped[...] = mapped_column(...)`` per column revision 1 adds (type,
foreign key, nullability, server default as the revision writes them), and its
``__table_args__`` the new indexes; missing imports are added. Without it the application
writes runs without the carried columns and reads none of them, and autogenerate (``alembic
check``) reports the revisions' columns as removed from the model.

The edit is computed from the same carry plan as the revisions, so the two cannot disagree.
Columns and indexes the class already declares are left alone, which makes it idempotent; after
the revisions exist the plan finds no source table at the head and the edit is empty.

Layout follows ruff/black at 100 columns: one line when it fits, else the arguments on one
indented line, else one argument per line with a trailing comma. Types are written the way
hand-written models spell them (``String(26)``, ``Integer``, ``JSON``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from runsmig.db.carry import CarryPlan
from runsmig.db.coltypes import python_annotation, render_type

LINE = 100


@dataclass(frozen=True)
class Member:
    name: str
    annotation: str
    args: tuple[str, ...]


def _type_src(t) -> str:
    s = render_type(t, prefix="")
    s = re.sub(r"^(String|Text)\(length=(\d+)\)$", r"\1(\2)", s)
    return re.sub(r"^(Integer|BigInteger|SmallInteger|JSON|Text|String|Boolean|Date|Time|Float|LargeBinary|Uuid)\(\)$", r"\1", s)


def _q(v: str) -> str:
    return '"' + v + '"' if '"' not in v and "\\" not in v else repr(v)


def members(plan: CarryPlan) -> list[Member]:
    fks = {fk.column: fk for fk in plan.foreign_keys}
    out = []
    for a in plan.added:
        args = [_type_src(a.type)]
        fk = fks.get(a.name)
        if fk is not None:
            extra = "".join(f", {k}={_q(v)}" for k, v in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate)) if v)
            args.append(f"ForeignKey({_q(fk.ref_table + '.' + fk.ref_column)}{extra}, name={_q(fk.name)})")
        args.append(f"nullable={a.nullable}")
        if a.default is not None:
            args.append(f"server_default=text({_q(a.default)})")
        ann = python_annotation(a.type)
        out.append(Member(a.name, f"{ann} | None" if a.nullable else ann, tuple(args)))
    return out


def index_entries(plan: CarryPlan) -> list[tuple[str, str]]:
    return [
        (ix.name, f"Index({_q(ix.name)}, {', '.join(_q(c) for c in ix.columns)}{', unique=True' if ix.unique else ''})")
        for ix in plan.indexes
    ]


def _layout(head: str, args: list[str], indent: str, call: str, tail: str = "") -> str:
    """``head`` + ``call(args)`` + ``tail`` formatted like ruff format."""
    one = f"{indent}{head}{call}({', '.join(args)}){tail}"
    if len(one) <= LINE:
        return one + "\n"
    inner = indent + "    "
    joined = f"{inner}{', '.join(args)}"
    if len(joined) <= LINE:
        return f"{indent}{head}{call}(\n{joined}\n{indent}){tail}\n"
    return f"{indent}{head}{call}(\n" + "".join(_arg_line(a, inner) for a in args) + f"{indent}){tail}\n"


def _arg_line(arg: str, indent: str) -> str:
    """One argument a line; a call that is too long itself is laid out the same way, one level in."""
    line = f"{indent}{arg},"
    m = re.fullmatch(r"(\w+)\((.*)\)", arg)
    if len(line) <= LINE or m is None:
        return line + "\n"
    return _layout("", _split_args(m.group(2)), indent, m.group(1), ",")


def _split_args(src: str) -> list[str]:
    """Top-level comma-separated arguments of a call's source (quotes and brackets respected)."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(src):
        if quote:
            if ch == quote and src[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(src[start:i].strip())
            start = i + 1
    out.append(src[start:].strip())
    return [a for a in out if a]


_NEEDED = [
    (re.compile(r"\bAny\b"), "typing", "Any"),
    (re.compile(r"\bdatetime\b"), "datetime", "datetime"),
    (re.compile(r"\bDecimal\b"), "decimal", "Decimal"),
    (re.compile(r"(?<![\w.])text\("), "sqlalchemy", "text"),
    (re.compile(r"(?<![\w.])ForeignKey\("), "sqlalchemy", "ForeignKey"),
    (re.compile(r"(?<![\w.])Index\("), "sqlalchemy", "Index"),
]
for _name in ("String", "Text", "Integer", "BigInteger", "SmallInteger", "JSON", "Boolean", "DateTime", "Date",
              "Time", "Numeric", "Float", "LargeBinary", "Uuid", "Enum"):
    _NEEDED.append((re.compile(rf"(?<![\w.])\b{_name}\b(?!\])"), "sqlalchemy", _name))


def _sort_key(name: str):
    """isort/ruff order within one ``from x import``: CONSTANTS, Classes, functions."""
    kind = 0 if name.isupper() and len(name) > 1 else (1 if name[:1].isupper() else 2)
    return (kind, name.lower(), name)


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def model_edits(text: str, plan: CarryPlan) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits on ``text``; [] when the class is not there or already complete."""
    tree = ast.parse(text)
    table = plan.spec.target_table
    cls = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) == "__tablename__" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant) and stmt.value.value == table):
                    cls = node
    if cls is None:
        return []
    lines = _offsets(text)
    have = {s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
    columns = [s for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.value, ast.Call)
               and getattr(s.value.func, "id", getattr(s.value.func, "attr", None)) in ("mapped_column", "Column")]
    todo = [m for m in members(plan) if m.name not in have]
    args_node = next((s for s in cls.body if isinstance(s, ast.Assign)
                      and any(getattr(t, "id", None) == "__table_args__" for t in s.targets)), None)
    existing_ix = set()
    if args_node is not None and isinstance(args_node.value, ast.Tuple):
        for el in args_node.value.elts:
            if isinstance(el, ast.Call) and getattr(el.func, "id", None) == "Index" and el.args \
                    and isinstance(el.args[0], ast.Constant):
                existing_ix.add(el.args[0].value)
    ix_todo = [(n, src) for n, src in index_entries(plan) if n not in existing_ix]
    if not todo and not ix_todo:
        return []
    edits: list[tuple[int, int, str]] = []
    added_src = ""
    anchor = columns[-1] if columns else None
    indent = " " * (anchor.col_offset if anchor else cls.body[0].col_offset)
    if todo:
        block = "".join(_layout(f"{m.name}: Mapped[{m.annotation}] = ", list(m.args), indent, "mapped_column")
                        for m in todo)
        added_src += block
        pos = lines[anchor.end_lineno] if anchor else lines[cls.body[-1].end_lineno]
        edits.append((pos, pos, block))
    if ix_todo:
        entries = "".join(f"{indent}    {src},\n" for _, src in ix_todo)
        added_src += entries
        if args_node is not None and isinstance(args_node.value, ast.Tuple) and args_node.value.elts \
                and args_node.value.end_lineno > args_node.value.lineno:
            last = args_node.value.elts[-1]
            end = lines[last.end_lineno - 1] + _col(text, lines, last.end_lineno, last.end_col_offset)
            rest = text[end:lines[last.end_lineno]]
            if not rest.lstrip().startswith(","):
                edits.append((end, end, ","))
            pos = lines[last.end_lineno]
            edits.append((pos, pos, entries))
        elif args_node is None:
            pos = lines[cls.body[-1].end_lineno]
            block = f"\n{indent}__table_args__ = (\n{entries}{indent})\n"
            edits.append((pos, pos, block))
        else:
            return _merge(sorted(edits + _import_edits(text, tree, lines, added_src), key=lambda e: (e[0], e[1])))  # single-line tuple: columns only
    return _merge(sorted(edits + _import_edits(text, tree, lines, added_src), key=lambda e: (e[0], e[1])))


def _merge(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One edit per insertion point (in the order they were made), so none overlaps another."""
    out: list[tuple[int, int, str]] = []
    for e in edits:
        if out and out[-1][0] == out[-1][1] == e[0] == e[1]:
            out[-1] = (e[0], e[1], out[-1][2] + e[2])
        else:
            out.append(e)
    return out


def _col(text: str, lines: list[int], lineno: int, byte_col: int) -> int:
    """ast columns count UTF-8 bytes: the character offset within the line."""
    line = text[lines[lineno - 1]:lines[lineno] if lineno < len(lines) else len(text)]
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _import_edits(text: str, tree: ast.Module, lines: list[int], added_src: str) -> list[tuple[int, int, str]]:
    have = _imported(tree)
    need: dict[str, set[str]] = {}
    for rx, module, name in _NEEDED:
        if name not in have and rx.search(added_src):
            need.setdefault(module, set()).add(name)
    edits = []
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module]
    for module, names in sorted(need.items()):
        same = next((n for n in imports if n.module == module and not any(a.asname for a in n.names)), None)
        if same is not None:
            all_names = sorted({a.name for a in same.names} | names, key=_sort_key)
            start = lines[same.lineno - 1]
            end = lines[same.end_lineno] if same.end_lineno < len(lines) else len(text)
            one = f"from {module} import {', '.join(all_names)}"
            new = one + "\n" if len(one) <= LINE else (
                f"from {module} import (\n" + "".join(f"    {n},\n" for n in all_names) + ")\n")
            edits.append((start, end, new))
            continue
        line = f"from {module} import {', '.join(sorted(names, key=_sort_key))}\n"
        # among the plain 'from x import' lines of the first block, in module order (stdlib first)
        stdlib = module in ("typing", "datetime", "decimal")
        group = [n for n in imports if (n.module.split(".")[0] in ("typing", "datetime", "decimal", "enum", "collections",
                                                                   "dataclasses", "uuid", "__future__")) == stdlib
                 and n.module != "__future__"]
        after = [n for n in group if n.module < module]
        if after:
            pos = lines[after[-1].end_lineno]
        elif group:
            pos = lines[group[0].lineno - 1]
        elif imports:
            pos = lines[imports[-1].end_lineno]
        else:
            pos = 0
        edits.append((pos, pos, line))
    return edits
