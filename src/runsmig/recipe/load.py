"""Load and validate a recipe (YAML). Every error names file, line and column."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

from runsmig.bundled import INSTALLED, RECIPE_FILE, default_recipe
from runsmig.errors import EXIT_USAGE, RecipeError, RunsmigError
from runsmig.recipe.settle import settles
from runsmig.recipe.model import AllowEntry, Generated, PathDelete, PathRename, Recipe, Term
from runsmig.recipe.yamlnode import Node

CORE_KEYS = {
    "version", "name", "description", "terms", "symbols", "phrases", "keep",
    "paths", "allowlist", "ignore", "generated",
}
KINDS = {"identifier", "string", "comment", "docstring", "prose", "code", "path", "config-key", "config-value", "text"}


def default_recipe_path() -> Path:
    found = default_recipe()
    if found is None:
        raise BundledRecipeMissing(str(INSTALLED))
    return found


class BundledRecipeMissing(RunsmigError):
    """No recipe was named and the installed package does not carry its bundled one."""

    def __init__(self, path: str) -> None:
        super().__init__("the bundled recipe 'jobs-to-runs' is not in this installation of runsmig", path=path,
                         hint="name your recipe (--recipe, or recipe under [tool.runsmig] in pyproject.toml), or "
                              "reinstall runsmig from a wheel or source tree, which carry it", exit_code=EXIT_USAGE)


def load_recipe(path: Path | None = None) -> Recipe:
    path = Path(path) if path is not None else default_recipe_path()
    if path.is_dir():
        path = path / RECIPE_FILE
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecipeError("recipe file does not exist", shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecipeError(f"cannot read recipe: {exc}", shown) from None
    from runsmig.recipe.yamlload import YamlError, load

    try:
        data = load(text)
    except YamlError as exc:
        line = exc.line + 1 if exc.line is not None else None
        col = exc.col + 1 if exc.col is not None else None
        raise RecipeError(f"invalid YAML: {exc.message}", shown, line, col) from None
    root = Node(data, shown, 1, 1, "")
    return _parse(root, path)


def _parse(root: Node, path: Path) -> Recipe:
    downstream = "downstream" in fields_of(root)  # a downstream recipe (runsmig.compat.downstream): no terms
    fields = root.mapping(required={"version", "name"} if downstream else {"version", "name", "terms"})
    extra = {k: v for k, v in fields.items() if k not in CORE_KEYS}
    if fields["version"].integer() != 1:
        raise fields["version"].fail("only version 1 is supported")
    term_nodes = list(fields["terms"].sequence()) if "terms" in fields else []
    terms = tuple(_term(n) for n in term_nodes)
    if not terms and not downstream:
        raise fields["terms"].fail("at least one term is required")
    symbols = fields["symbols"].string_map() if "symbols" in fields else {}
    for key, node in (fields["symbols"].mapping().items() if "symbols" in fields else []):
        if not re.fullmatch(r"[A-Za-z_$][\w$]*", key):
            raise node.fail("symbol keys must be identifiers")
    phrases = tuple((k, v) for k, v in fields["phrases"].string_map().items()) if "phrases" in fields else ()
    keep = tuple(fields["keep"].strings()) if "keep" in fields else ()
    settles(terms, term_nodes, symbols, phrases, keep, fields)
    renames: list[PathRename] = []
    deletes: list[PathDelete] = []
    if "paths" in fields:
        p = fields["paths"].mapping(allowed={"rename", "delete"})
        for n in p.get("rename", Node([], root.file, None, None, "paths.rename")).sequence():
            m = n.mapping(allowed={"from", "to", "reason"}, required={"from", "to"})
            src, dst = _relpath(m["from"]), _relpath(m["to"])
            if src.endswith("/") != dst.endswith("/"):
                raise m["to"].fail("a folder rename needs a trailing '/' on both 'from' and 'to'")
            renames.append(PathRename(src, dst, m["reason"].string() if "reason" in m else ""))
        for n in p.get("delete", Node([], root.file, None, None, "paths.delete")).sequence():
            m = n.mapping(allowed={"path", "reason"}, required={"path", "reason"})
            deletes.append(PathDelete(_relpath(m["path"]), m["reason"].string()))
    allow = tuple(_allow(n) for n in fields["allowlist"].sequence()) if "allowlist" in fields else ()
    ignore = tuple(fields["ignore"].strings()) if "ignore" in fields else ()
    generated = tuple(_generated(n) for n in fields["generated"].sequence()) if "generated" in fields else ()
    sections: dict[str, Any] = {}
    for key, node in extra.items():
        sections[key] = _section(key, node, path.parent)
    return Recipe(
        name=fields["name"].string(),
        description=fields["description"].string(non_empty=False) if "description" in fields else "",
        source=path,
        terms=terms,
        symbols=symbols,
        phrases=phrases,
        keep=keep,
        renames=tuple(renames),
        deletes=tuple(deletes),
        allowlist=allow,
        ignore=ignore,
        generated=generated,
        sections=sections,
    )


def fields_of(root: Node) -> set:
    return set(root.value) if isinstance(root.value, dict) else set()


def _term(n: Node) -> Term:
    m = n.mapping(allowed={"from", "to", "plural", "to_plural"}, required={"from", "to"})
    word = m["from"].string()
    for key in ("from", "to", "plural", "to_plural"):
        if key in m and not re.fullmatch(r"[A-Za-z]+", m[key].string()):
            raise m[key].fail("a term is a single word of letters")
    plural = m["plural"].string() if "plural" in m else word + "s"
    to = m["to"].string()
    to_plural = m["to_plural"].string() if "to_plural" in m else to + "s"
    return Term(word.lower(), plural.lower(), to.lower(), to_plural.lower())


def _allow(n: Node) -> AllowEntry:
    m = n.mapping(allowed={"paths", "path", "pattern", "kinds", "reason", "rewrite"}, required={"reason"})
    if "paths" not in m and "path" not in m:
        raise n.fail("an allowlist entry needs 'path' or 'paths'")
    paths = tuple(m["paths"].strings() if "paths" in m else m["path"].strings())
    pattern = None
    if "pattern" in m:
        pattern = m["pattern"].string()
        try:
            re.compile(pattern)
        except re.error as exc:
            raise m["pattern"].fail(f"invalid regular expression: {exc}") from None
    kinds = tuple(m["kinds"].strings()) if "kinds" in m else ()
    for k in kinds:
        if k not in KINDS:
            raise m["kinds"].fail(f"unknown kind '{k}' (known: {', '.join(sorted(KINDS))})")
    rewrite = m["rewrite"].boolean() if "rewrite" in m else False
    return AllowEntry.build(paths, m["reason"].string(), pattern, kinds, rewrite)


def _generated(n: Node) -> Generated:
    m = n.mapping(allowed={"path", "regenerate", "cwd", "env", "link"}, required={"path"})
    env = m["env"].string_map() if "env" in m else {}
    return Generated(
        _relpath(m["path"]),
        m["regenerate"].string() if "regenerate" in m else None,
        m["cwd"].string() if "cwd" in m else ".",
        env,
        tuple(_relpath(x) for x in m["link"].sequence()) if "link" in m else (),
    )


def _relpath(n: Node) -> str:
    s = n.string().replace("\\", "/")
    if s.startswith("/") or any(part == ".." for part in s.split("/")):
        raise n.fail("paths are relative to the checkout and may not contain '..'")
    return s


def _section(key: str, node: Node, folder: Path) -> Any:
    """Extension sections: module runsmig.recipe.sections.<key> provides parse(node, folder)."""
    modname = key.replace("-", "_")
    try:
        mod = importlib.import_module(f"runsmig.recipe.sections.{modname}")
    except ModuleNotFoundError:
        line, col = node.line, node.col
        raise RecipeError(f"unknown top-level key '{key}'", node.file, line, col) from None
    return mod.parse(node, folder)
