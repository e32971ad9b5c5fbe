"""Which environment settings do the docs and example env files name that the code does not read?

Usage: python scripts/settings_names.py CHECKOUT [--settings apps/ade-api/src/ade_api/settings.py]
       [--prefix ADE_] [--json]

The code's settings are the annotated fields of the pydantic ``BaseSettings`` classes in the
settings module (field ``runs_dir`` is read as ``<PREFIX>RUNS_DIR``), plus every ``<PREFIX>NAME``
string literal in the checkout's Python sources (settings read with ``os.environ``). The named
ones are every ``<PREFIX>NAME`` in tracked Markdown files and ``*.example``/``.env*`` files. Prints
each named-but-not-read setting with its places, and a count line; exit 0 always (a measurement).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from pathlib import Path


def settings_fields(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any("Settings" in ast.unparse(b) for b in node.bases):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    names.add(stmt.target.id.upper())
    return names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkout")
    ap.add_argument("--settings", default="apps/ade-api/src/ade_api/settings.py")
    ap.add_argument("--prefix", default="ADE_")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    root = Path(a.checkout)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout.decode().split("\0")
    word = re.compile(rf"\b{re.escape(a.prefix)}[A-Z0-9_]+\b")
    read = {a.prefix + f for f in settings_fields(root / a.settings)}
    named: dict[str, list[str]] = {}
    for rel in filter(None, files):
        p = root / rel
        if not p.is_file() or p.is_symlink():
            continue
        is_doc = rel.endswith(".md") or rel.endswith(".example") or Path(rel).name.startswith(".env")
        if not (is_doc or rel.endswith(".py")):
            continue
        text = p.read_text("utf-8", "replace")
        for i, line in enumerate(text.splitlines(), 1):
            for m in word.finditer(line):
                if rel.endswith(".py"):
                    read.add(m.group(0))
                else:
                    named.setdefault(m.group(0), []).append(f"{rel}:{i}")
    missing = {k: v for k, v in sorted(named.items()) if k not in read}
    if a.json:
        print(json.dumps({"named": len(named), "not_read": missing}, indent=1))
        return
    for k, places in missing.items():
        print(f"{k}: {len(places)} place(s), e.g. {', '.join(places[:3])}")
    print(f"{len(named)} settings named in docs/env examples; {len(missing)} of them not read by the code")


if __name__ == "__main__":
    main()
