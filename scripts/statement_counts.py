"""Compare the number of statements per file between two trees, following file renames.

Usage: python scripts/statement_counts.py BEFORE_DIR AFTER_DIR [--moves plan.json] [--find-renames PCT] [--json OUT]

A rename must never add or lose code: this counts, per file,
- Python (.py, .pyi): every ``ast.stmt`` node (``ast.walk``), and separately the imported names
  (the aliases of every ``import``/``from ... import``);
- TypeScript/JavaScript (.ts .mts .cts .tsx .js .mjs .cjs .jsx): the named tree-sitter nodes
  (ast-grep-py ``SgRoot(src, lang)``) whose kind ends with ``_statement`` or ``_declaration``
  (``import_statement`` included), and separately the ``ERROR`` nodes (syntax the parser could not
  read);
and pairs the files of the two trees: same path, else a move. Moves come from a saved plan
(``runsmig plan --out plan.json``: its ``rename`` changes, ``path`` -> ``new_path``) when
``--moves`` is given, else from git's rename detection (``git diff-tree -M``) between the two
trees' contents, hashed into a throw-away repository (neither tree is written to). git pairs a
moved file only when at least PCT% of it is unchanged (``--find-renames``, default 50 as git's): a
small file whose every line carries the term is not recognised and shows as lost and gained, so
prefer ``--moves`` after a runsmig run.

The files of a tree: ``git ls-files -co --exclude-standard`` in a git checkout, else every file
under it but ``.git``, ``node_modules``, ``__pycache__`` and virtualenvs. Symlinks are left out.

Prints per-language totals before/after, every paired file whose counts differ, code files that
cannot be parsed, and every file that exists on one side only. Exit 1 when a paired file's counts
differ, a code file parses on one side only, or a code file exists on one side only (its
statements were lost or gained); else 0. ``--json OUT`` also writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

LANGS = {
    ".py": "python", ".pyi": "python",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
}
WALK_SKIP = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache"}


@dataclass
class Counts:
    lang: str
    statements: int = 0
    imports: int = 0   # Python: imported names
    errors: int = 0    # TS/JS: ERROR nodes
    failure: str | None = None  # the file could not be read or parsed

    def key(self) -> tuple:
        return (self.statements, self.imports, self.errors, self.failure is None)

    def show(self) -> str:
        if self.failure:
            return f"unparsable ({self.failure})"
        if self.lang == "python":
            return f"{self.statements} statements, {self.imports} imported names"
        return f"{self.statements} statements, {self.errors} ERROR nodes"


def lang_of(rel: str) -> str | None:
    return LANGS.get(os.path.splitext(rel)[1].lower())


def count_python(src: bytes) -> Counts:
    c = Counts("python")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            tree = ast.parse(src)
    except (SyntaxError, ValueError) as exc:
        c.failure = f"{type(exc).__name__}: {getattr(exc, 'msg', exc)} line {getattr(exc, 'lineno', '?')}"
        return c
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            c.statements += 1
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            c.imports += len(node.names)
    return c


def count_sg(src: bytes, lang: str) -> Counts:
    from ast_grep_py import SgRoot

    c = Counts(lang)
    try:
        text = src.decode("utf-8")
    except UnicodeDecodeError as exc:
        c.failure = f"not UTF-8: {exc}"
        return c
    stack = [SgRoot(text, lang).root()]
    while stack:
        node = stack.pop()
        if node.is_named():
            kind = node.kind()
            if kind.endswith(("_statement", "_declaration")):
                c.statements += 1
            elif kind == "ERROR":
                c.errors += 1
        stack.extend(node.children())
    return c


def count_file(path: Path, lang: str) -> Counts:
    try:
        src = path.read_bytes()
    except OSError as exc:
        return Counts(lang, failure=f"cannot read: {exc}")
    return count_python(src) if lang == "python" else count_sg(src, lang)


# -- the files of a tree ----------------------------------------------------------------------
def is_git_checkout(root: Path) -> bool:
    p = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                       capture_output=True, text=True, check=False)
    return p.returncode == 0 and Path(p.stdout.strip()).resolve() == root.resolve()


def list_files(root: Path) -> list[str]:
    if is_git_checkout(root):
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "-z"],
                             capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
        rels = sorted({r for r in out.split("\0") if r})
    else:
        rels = []
        for d, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if x not in WALK_SKIP)
            for f in files:
                rels.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
        rels.sort()
    # regular files only: a tracked file deleted from the work tree, or a symlink, is not content
    return [r for r in rels if (root / r).is_file() and not (root / r).is_symlink()]


# -- pairing ----------------------------------------------------------------------------------
def moves_from_plan(plan: Path) -> dict[str, str]:
    data = json.loads(plan.read_text("utf-8"))
    return {c["path"]: c["new_path"] for c in data.get("changes", [])
            if c.get("action") == "rename" and c.get("new_path")}


def moves_from_git(before: Path, b_files: list[str], after: Path, a_files: list[str],
                   threshold: int = 50) -> dict[str, str]:
    """git's rename detection between the contents of two trees, hashed into a temporary repo."""
    with tempfile.TemporaryDirectory(prefix="stmt-counts-") as tmp:
        git_dir = os.path.join(tmp, "repo.git")
        subprocess.run(["git", "init", "-q", "--bare", git_dir], check=True)

        def tree_of(root: Path, files: list[str], name: str) -> str:
            env = {**os.environ, "GIT_INDEX_FILE": os.path.join(tmp, name)}
            base = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false",
                    f"--git-dir={git_dir}", f"--work-tree={root}"]
            if files:
                subprocess.run(base + ["add", "-f", "--pathspec-from-file=-", "--pathspec-file-nul"],
                               input="\0".join(files).encode("utf-8", "surrogateescape"),
                               env=env, check=True, capture_output=True)
            return subprocess.run(base + ["write-tree"], env=env, check=True,
                                  capture_output=True, text=True).stdout.strip()

        t_before = tree_of(before, b_files, "index-before")
        t_after = tree_of(after, a_files, "index-after")
        out = subprocess.run(["git", f"--git-dir={git_dir}", "diff-tree", "-r", f"-M{threshold}%", "--name-status", "-z",
                              t_before, t_after], capture_output=True, check=True).stdout
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    moves: dict[str, str] = {}
    i = 0
    while i < len(parts) and parts[i]:
        status = parts[i]
        if status.startswith("R"):
            moves[parts[i + 1]] = parts[i + 2]
            i += 3
        elif status.startswith("C"):
            i += 3
        else:
            i += 2
    return moves


@dataclass
class Report:
    totals: dict = field(default_factory=lambda: defaultdict(lambda: {"files_before": 0, "files_after": 0,
                                                                       "statements_before": 0, "statements_after": 0,
                                                                       "imports_before": 0, "imports_after": 0,
                                                                       "errors_before": 0, "errors_after": 0}))
    differ: list = field(default_factory=list)
    unparsable: list = field(default_factory=list)
    only_before: list = field(default_factory=list)
    only_after: list = field(default_factory=list)
    moves: dict = field(default_factory=dict)
    moves_source: str = ""

    @property
    def failing(self) -> bool:
        code_only = [x for x in self.only_before + self.only_after if x["lang"]]
        return bool(self.differ or code_only or [u for u in self.unparsable if u["side"] != "both"])


def compare(before: Path, after: Path, plan: Path | None = None, threshold: int = 50) -> Report:
    b_files, a_files = list_files(before), list_files(after)
    rep = Report()
    if plan is not None:
        rep.moves, rep.moves_source = moves_from_plan(plan), f"plan {plan}"
    else:
        rep.moves = moves_from_git(before, b_files, after, a_files, threshold)
        rep.moves_source = f"git diff-tree -M{threshold}%"
    a_set = set(a_files)
    paired: dict[str, str] = {}
    for rel in b_files:
        target = rep.moves.get(rel, rel)
        if target in a_set:
            paired[rel] = target
    matched_after = set(paired.values())

    cache: dict[tuple[str, str], Counts] = {}

    def counts(root: Path, side: str, rel: str) -> Counts | None:
        lang = lang_of(rel)
        if lang is None:
            return None
        if (side, rel) not in cache:
            cache[(side, rel)] = count_file(root / rel, lang)
        return cache[(side, rel)]

    for rel in b_files:
        c = counts(before, "b", rel)
        if c is not None:
            t = rep.totals[c.lang]
            t["files_before"] += 1
            t["statements_before"] += c.statements
            t["imports_before"] += c.imports
            t["errors_before"] += c.errors
        if rel not in paired:
            rep.only_before.append({"path": rel, "lang": lang_of(rel),
                                    "counts": c.show() if c else None})
    for rel in a_files:
        c = counts(after, "a", rel)
        if c is not None:
            t = rep.totals[c.lang]
            t["files_after"] += 1
            t["statements_after"] += c.statements
            t["imports_after"] += c.imports
            t["errors_after"] += c.errors
        if rel not in matched_after:
            rep.only_after.append({"path": rel, "lang": lang_of(rel),
                                   "counts": c.show() if c else None})

    for b_rel, a_rel in paired.items():
        cb = counts(before, "b", b_rel)
        ca = counts(after, "a", a_rel)
        if cb is None and ca is None:
            continue
        if cb is None or ca is None or cb.lang != ca.lang:
            # a move that changed the language (e.g. .js -> .ts): compare what can be compared
            rep.differ.append({"before": b_rel, "after": a_rel,
                               "counts_before": cb.show() if cb else "not code",
                               "counts_after": ca.show() if ca else "not code"})
            continue
        if cb.failure and ca.failure:
            rep.unparsable.append({"path": a_rel, "side": "both", "reason": ca.failure})
            continue
        if cb.failure or ca.failure:
            rep.unparsable.append({"path": a_rel, "side": "after" if ca.failure else "before",
                                   "reason": ca.failure or cb.failure})
        if cb.key() != ca.key():
            rep.differ.append({"before": b_rel, "after": a_rel,
                               "statements": [cb.statements, ca.statements],
                               "imports": [cb.imports, ca.imports] if cb.lang == "python" else None,
                               "errors": [cb.errors, ca.errors] if cb.lang != "python" else None,
                               "counts_before": cb.show(), "counts_after": ca.show()})
    return rep


def render(rep: Report, out=None) -> None:
    w = (out or sys.stdout).write
    w(f"moves: {len(rep.moves)} (from {rep.moves_source})\n")
    w(f"{'language':<11} {'files':>11} {'statements':>17} {'imports':>13} {'ERROR nodes':>13}\n")
    for lang in sorted(rep.totals):
        t = rep.totals[lang]
        imp = f"{t['imports_before']}->{t['imports_after']}" if lang == "python" else "-"
        err = f"{t['errors_before']}->{t['errors_after']}" if lang != "python" else "-"
        w(f"{lang:<11} {t['files_before']:>5}->{t['files_after']:<5} "
          f"{t['statements_before']:>8}->{t['statements_after']:<8} {imp:>13} {err:>13}\n")
    w(f"files whose counts differ: {len(rep.differ)}\n")
    for d in rep.differ:
        name = d["before"] if d["before"] == d["after"] else f"{d['before']} -> {d['after']}"
        w(f"  DIFF {name}: {d['counts_before']} -> {d['counts_after']}\n")
    for u in rep.unparsable:
        w(f"  UNPARSABLE ({u['side']}) {u['path']}: {u['reason']}\n")
    w(f"only in before: {len(rep.only_before)}\n")
    for x in rep.only_before:
        w(f"  - {x['path']}" + (f" ({x['counts']})" if x["counts"] else "") + "\n")
    w(f"only in after: {len(rep.only_after)}\n")
    for x in rep.only_after:
        w(f"  + {x['path']}" + (f" ({x['counts']})" if x["counts"] else "") + "\n")
    w("result: " + ("DIFFERENT" if rep.failing else "same statements") + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--moves", type=Path, metavar="PLAN.json",
                    help="take file moves from a saved runsmig plan instead of git's rename detection")
    ap.add_argument("--find-renames", type=int, default=50, metavar="PCT",
                    help="similarity for git's rename detection, as git diff -M<PCT>%% (default 50)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    a = ap.parse_args(argv)
    for d in (a.before, a.after):
        if not d.is_dir():
            ap.error(f"not a folder: {d}")
    rep = compare(a.before, a.after, a.moves, a.find_renames)
    render(rep)
    if a.json:
        a.json.write_text(json.dumps({
            "moves_source": rep.moves_source, "moves": rep.moves, "totals": dict(rep.totals),
            "differ": rep.differ, "unparsable": rep.unparsable,
            "only_before": rep.only_before, "only_after": rep.only_after, "failing": rep.failing,
        }, indent=1))
    return 1 if rep.failing else 0


if __name__ == "__main__":
    sys.exit(main())
