"""Whether the checkout's packages are installed where runsmig reads their type declarations.

A key of an object literal passed to a third-party package is that package's option only when the
package's declarations name it (:mod:`runsmig.languages.typescript.package_types`); declarations
that cannot be read (the package is not installed) keep every key as the package's. A key that is
the project's own data (``pack({ keepJobs })``: msgpackr's ``value: any``; read back by the
project's Lua scripts as ``opts['keepRuns']`` once renamed) then stays while the project's other
reads of it are renamed, and a plan made after installing renames it: the plan depends on what is
installed. :func:`uninstalled_note` says so, once, for the root ``package.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

SOURCES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_FIELDS = ("dependencies", "devDependencies", "peerDependencies")  # optional ones may be absent


def uninstalled_note(root: Path, candidates) -> tuple[str, ...]:
    """A note when the root ``package.json`` declares dependencies that ``node_modules`` does not
    hold and a file holding a term is TypeScript/JavaScript (nothing otherwise)."""
    if not any(rel.endswith(SOURCES) for rel in candidates):
        return ()
    try:
        meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    if not isinstance(meta, dict):
        return ()
    peer_meta = meta.get("peerDependenciesMeta") if isinstance(meta.get("peerDependenciesMeta"), dict) else {}
    optional = {n for n, m in peer_meta.items() if isinstance(m, dict) and m.get("optional") is True}
    declared = sorted({name for f in _FIELDS if isinstance(meta.get(f), dict) for name in meta[f]} - optional)
    missing = [n for n in declared if not (root / "node_modules" / n / "package.json").is_file()]
    if not missing:
        return ()
    shown = ", ".join(missing[:5]) + (f", … ({len(missing) - 5} more)" if len(missing) > 5 else "")
    return (f"package.json: {len(missing)} of its {len(declared)} dependencies are not installed in "
            f"node_modules ({shown}): the keys of object literals passed to them are kept as their options, "
            "their type declarations unread; a key that is the project's own data (pack({ keepJobs }) read "
            "back as opts['keepJobs']) then stays while the project's other uses are renamed: install the "
            "project's dependencies (npm ci) and plan again",)
