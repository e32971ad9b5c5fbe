"""Values a queryset stores, found cheaply (runsmig.languages.python.orm_values decides what they
are): the candidates' class literals holding a term first, by a line test before any parse; only
when one exists are the files that use a model manager read (git grep finds them)."""

from __future__ import annotations

import re
from pathlib import Path


def python_files(root, rels, deletes):
    """(rel, bytes) of the regular Python files among ``rels`` that are not deleted, in path order."""
    from runsmig.runner.regular import regular_bytes

    for rel in sorted(rels):
        if rel.endswith(".py") and rel not in deletes:
            try:
                data = regular_bytes(root / rel)
            except OSError:
                continue
            if data is not None:
                yield rel, data


_INDENTED_LITERAL = re.compile(rb"(?m)^[ \t]+[A-Za-z_]\w*[ \t]*(?::[^=\n]*)?=[ \t]*[rRuU]?(['\"])([^'\"\n]*)\1")
_INDENTED_OTHER = re.compile(rb"(?m)^[ \t]+[A-Za-z_]\w*[ \t]*(?::[^=\n]*)?=[ \t]*(?:[rRuU]?(?:\"\"\"|''')|\()")


def _assigns_term_literal(data: bytes, engine) -> bool:
    """Whether an indented line assigns a one-line string literal holding a term: the cheap test
    before a file is parsed for its class bodies' literals."""
    if _INDENTED_OTHER.search(data):  # a triple-quoted or parenthesized value: the parse decides
        return True
    return any(engine.find(m.group(2).decode("utf-8", "replace")) for m in _INDENTED_LITERAL.finditer(data))


def _holding(root: Path, rels: list[str], words: tuple[str, ...], git: bool) -> list[str]:
    """The files of ``rels`` whose bytes hold one of ``words``: git grep's answer in a git checkout
    (tracked and untracked files), else all of them (the caller looks at the bytes anyway)."""
    if not git or not rels:
        return rels
    import subprocess

    args = ["git", "-c", "core.quotepath=off", "grep", "-l", "-z", "-I", "-F", "--untracked", "--no-color",
            "--no-textconv"]
    for w in words:
        args += ["-e", w]
    try:
        proc = subprocess.run([*args, "--", "*.py"] if all(r.endswith(".py") for r in rels) else args, cwd=root,
                              capture_output=True)
    except OSError:
        return rels
    if proc.returncode not in (0, 1) or proc.stderr:
        return rels
    hits = set(proc.stdout.decode("utf-8", "surrogateescape").split("\0"))
    return [rel for rel in rels if rel in hits]


def orm_values(root, candidates, all_files, deletes, engine, git: bool = False) -> dict[str, tuple[str, str, str]]:
    """spelling -> (kind, as written, path:line) of the class attributes' string literals whose value
    a queryset call stores (runsmig.languages.python.orm_values), that hold a term: kept in both modes.
    The literals come from the candidates (they hold a term), first: only when one exists are the
    queryset calls read, from every Python file of the checkout that spells its attribute (one that
    no longer holds a term, once renamed, still stores the value)."""
    from runsmig.languages.python.orm_values import KIND, class_assignments, stored_attributes

    found = [(name, value, rel, line) for rel, data in python_files(root, candidates, deletes)
             if _assigns_term_literal(data, engine)
             for name, value, line in class_assignments(data) if engine.find(value)]
    if not found:
        return {}
    needles = [n.encode() for n in sorted({name for name, _, _, _ in found})]
    attributes: set[str] = set()
    managers = _holding(root, [rel for rel in all_files if rel.endswith(".py")], ("objects", "_manager"), git)
    for _, data in python_files(root, managers, deletes):
        if any(n in data for n in needles):
            attributes |= stored_attributes(data)
    found = [f for f in found if f[0] in attributes]
    if not found:
        return {}
    modules = {rel[:-3].replace("/", ".").removesuffix(".__init__") for rel in all_files if rel.endswith(".py")}
    out: dict[str, tuple[str, str, str]] = {}
    for _, value, rel, line in found:
        # a module's dotted path (an AppConfig's name = "shop.jobs") names code, not rows
        if any(m == value or m.endswith("." + value) for m in modules):
            continue
        if value not in out:
            out[value] = (KIND, value, f"{rel}:{line}")
    return out
