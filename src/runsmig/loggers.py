"""Logger names that follow a module: ``logging.getLogger(__name__)`` in a module the plan renames
changes the logger's name (``shop.jobs`` -> ``shop.runs``), which deployments name in their logging
configuration and log pipelines filter on: a stored value that must not change silently. ``plan``
notes each one (issue #21)."""

from __future__ import annotations

import ast


def dotted(rel: str, files) -> str:
    """The module's import name: its path from the highest folder of the packages holding it
    (``src/shop/jobs.py`` -> ``shop.jobs`` when ``src`` is no package)."""
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    start = len(parts) - 1
    while start > 0 and "/".join(parts[:start]) + "/__init__.py" in files:
        start -= 1
    return ".".join(parts[start:])


def names_module(data: bytes) -> bool:
    """``getLogger(__name__)`` (however ``logging`` is imported) is called in the module."""
    if b"getLogger" not in data or b"__name__" not in data:
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id == "__name__":
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "getLogger") or (isinstance(f, ast.Name) and f.id == "getLogger"):
                return True
    return False


def notes(renames: list[tuple[str, str, bytes]], before, after, keep: bool) -> list[str]:
    """One note per renamed module that names its logger after itself (``before``/``after``: the
    checkout's paths before and after the plan)."""
    out = []
    for old, new, data in renames:
        if old.endswith(".py") and new.endswith(".py") and names_module(data):
            a, b = dotted(old, before), dotted(new, after)
            if a != b:
                out.append(f"{new}: stored: logger name '{a}' becomes '{b}' (getLogger(__name__) in a renamed module): "
                           "logging configuration and log filters of deployments that name it must follow"
                           + (" (stored: keep: pass the old name to getLogger to keep it)" if keep else ""))
    return out
