"""What a checkout may do to its own gate: narrow it, never switch it off.

The gate reads ignore patterns and allowlists from places a pull request can edit: ``[tool.runsmig]
ignore`` in pyproject.toml, ``.runsmigignore``, and a recipe kept in the checkout or named by
``[tool.runsmig] recipe``. From those places an entry that covers everything is refused (exit 2,
naming file:line:col) before any file is looked at:

* an ignore pattern that, alone or with the ones before it, matches every path (``**``, ``*``,
  ``/``, ``**/*``, ``/*`` with ``*/``);
* an allowlist entry whose paths match every path and that has no line pattern, or one matching
  every line holding a term;
* a ``keep`` word that is a term itself (``keep: [job]``);
* a ``literals:`` rule that keeps every identifier-like string in every file;
* ``history: add:`` patterns that, alone or with the ones before them, match every path (released
  history is an allowlist in effect: never rewritten, its terms accepted). ``[tool.runsmig]`` has no
  history key: a checkout adds history only through a recipe, where review sees it.

"Every" is judged on sample paths, lines and strings (:data:`PATH_PROBES`, :func:`_line_probes`):
an entry that merely covers a lot (``*.py``) narrows the gate, and shows in review with its reason.
Entries of a recipe from outside the checkout (bundled, ``--recipe``, ``$RUNSMIG_RECIPE``) are the
user's own choice and are not judged.
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.errors import CatchAllEntry

PATH_PROBES = (
    "README", "a.py", ".env", "src/app/job.py", "apps/web/src/jobs/page.tsx", "docs/guide/jobs.md",
    ".github/workflows/ci.yml", "very/deep/nested/folder/for/a/file.json", "Makefile",
)

Where = tuple[str, "int | None", "int | None"]  # file as shown, line, col


def refuse_catch_alls(root: Path, recipe, settings, recipe_from_checkout: bool) -> None:
    """Raise :class:`CatchAllEntry` for the first checkout-controlled entry that covers everything.
    ``recipe``: as loaded (before ``[tool.runsmig] ignore`` is added to it)."""
    from runsmig.discover import IGNORE_FILE

    ignores: list[tuple[str, Where | None]] = []  # in the order the gate applies them; None: trusted
    entries = _recipe_entries(recipe) if recipe_from_checkout else None
    if entries is not None:
        ignores += entries["ignore"]
    else:
        ignores += [(p, None) for p in recipe.ignore]
    at = settings.ignore_at or tuple((None, None) for _ in settings.ignore)
    ignores += [(p, (settings.shown, ln, col)) for p, (ln, col) in zip(settings.ignore, at)]
    f = root / IGNORE_FILE
    if f.is_file() and not f.is_symlink():
        for n, line in enumerate(f.read_text("utf-8", "replace").splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                ignores.append((line, (IGNORE_FILE, n, len(line) - len(line.lstrip()) + 1)))
    _refuse_ignores(ignores)
    if entries is None:
        return
    terms = [w for t in recipe.terms for w in (t.singular, t.plural)]
    for paths, pattern, where in entries["allowlist"]:
        if _every_path(paths) and (pattern is None or _every(pattern, _line_probes(terms))):
            raise CatchAllEntry(f"allowlist entry {list(paths)} covers every file"
                                + (f" and every line (pattern '{pattern}')" if pattern else "")
                                + ": the gate would accept any remnant", *where)
    for word, where in entries["keep"]:
        if word.lower() in terms:
            raise CatchAllEntry(f"keep '{word}' is a term itself: the gate would accept every '{word}'", *where)
    added: list[str] = []
    for pattern, where in entries["history"]:
        added.append(pattern)
        if _every_path(tuple(added)):
            alone = _every_path((pattern,))
            raise CatchAllEntry(f"history add '{pattern}' {'' if alone else 'with the ones before it '}matches every "
                                "file: the gate would accept any remnant as released history", *where)
    for paths, pattern, where in entries["literals"]:
        if (not paths or _every_path(paths)) and _every(pattern, _literal_probes(terms)):
            raise CatchAllEntry(f"literals rule '{pattern}' keeps every identifier-like string of every file: "
                                "the gate would accept them all", *where)


def _refuse_ignores(ignores: list[tuple[str, Where | None]]) -> None:
    from runsmig.pathmatch import compile_patterns

    base = [p for p, where in ignores if where is None]
    if _covers(compile_patterns(base)):
        return  # the user's own recipe does it: not the checkout's doing
    lines = list(base)
    for pattern, where in ignores:
        if where is None:
            continue
        lines.append(pattern)
        if _covers(compile_patterns(lines)):
            alone = _covers(compile_patterns([pattern]))
            raise CatchAllEntry(f"ignore pattern '{pattern}' {'' if alone else 'with the ones before it '}"
                                "matches every file: the gate would check nothing", *where)


def _covers(match) -> bool:
    return all(match(p) for p in PATH_PROBES)


def _every_path(paths: tuple[str, ...]) -> bool:
    import pathspec

    spec = pathspec.PathSpec.from_lines("gitignore", paths)
    return all(spec.match_file(p) for p in PATH_PROBES)


def _every(pattern: str, probes: list[str]) -> bool:
    try:
        rx = re.compile(pattern)
    except re.error:
        return False  # the recipe loader reports it
    return all(rx.search(p) for p in probes)


def _forms(terms: list[str]) -> list[str]:
    return [f for w in terms for f in (w, w.capitalize(), w.upper())]


def _line_probes(terms: list[str]) -> list[str]:
    """Lines an allowlist pattern must match all of to match every line holding a term."""
    out = []
    for w in _forms(terms):
        out += [w, f"x = get_{w}({w}_id)  # the {w}", f'"The {w} page"', f"\t{w}:"]
    return out


def _literal_probes(terms: list[str]) -> list[str]:
    """Identifier-like strings a literals pattern must match all of to keep every one."""
    out = []
    for w in _forms(terms):
        out += [w, f"{w}_id", f"rq:{w}:", f"{w.upper()}_DIR", f"{w}-name"]
    return out


def _recipe_entries(recipe) -> dict[str, list]:
    """The recipe's ignore, allowlist, keep and literals entries with where each is written (the
    recipe loaded already: its shape is known good)."""
    from runsmig.recipe.yamlload import load
    from runsmig.recipe.yamlnode import Node
    from runsmig.settings import _shown

    shown = _shown(recipe.source)
    data = load(recipe.source.read_text("utf-8"))
    fields = Node(data, shown, 1, 1, "").mapping()
    out: dict[str, list] = {"ignore": [], "allowlist": [], "keep": [], "literals": [], "history": []}
    for key in ("ignore", "keep"):
        if key in fields:
            node = fields[key]
            items = [node] if isinstance(node.value, str) else node.sequence()
            out[key] = [(n.value, (shown, n.line, n.col)) for n in items]
    for item in fields["allowlist"].sequence() if "allowlist" in fields else []:
        m = item.mapping()
        paths = tuple((m.get("paths") or m["path"]).strings())
        out["allowlist"].append((paths, m["pattern"].value if "pattern" in m else None, (shown, item.line, item.col)))
    history = fields["history"].mapping() if "history" in fields else {}
    for n in history["add"].sequence() if "add" in history else []:
        out["history"].append((n.value, (shown, n.line, n.col)))
    for item in fields["literals"].sequence() if "literals" in fields else []:
        m = item.mapping()
        if "action" in m and m["action"].value == "keep" or "stored" in m and m["stored"].value == "keep":
            paths = tuple(m["paths"].strings()) if "paths" in m else ()
            out["literals"].append((paths, m["pattern"].value, (shown, item.line, item.col)))
    return out
