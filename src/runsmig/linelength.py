"""Lines a rewrite pushes past the project's line length (Python files).

A term whose new spelling is longer, or prose reworded beside it ("jobs will run" -> "runs will
execute"), can make a line longer than the limit the project's linter enforces (ruff's or black's
``line-length``, flake8's ``max-line-length``): its CI then fails on a line runsmig wrote. The line is
not wrapped (a string literal copied in a test must stay equal to its source, and only the project's
formatter knows its layout): ``plan`` names each such line in a note, to wrap by hand or with the
formatter. A line that was already too long is not named.

Interface: ``line_length(root) -> int``; ``notes(root, changes) -> list[str]``.
"""

from __future__ import annotations

import configparser
from pathlib import Path


def line_length(root: Path) -> int:
    """The project's line length: ruff's or black's ``line-length`` (pyproject.toml, ruff.toml,
    .ruff.toml), else flake8's ``max-line-length`` (setup.cfg, tox.ini, .flake8), else 88 (both
    formatters' default)."""
    import tomllib

    for name, table in (("pyproject.toml", ("tool", "ruff")), ("pyproject.toml", ("tool", "black")),
                        ("ruff.toml", ()), (".ruff.toml", ())):
        try:
            data = tomllib.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        value = data.get("line-length") if isinstance(data, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        cfg = configparser.ConfigParser(interpolation=None)
        try:
            cfg.read_string((root / name).read_text(encoding="utf-8"))
            value = cfg.get("flake8", "max-line-length", fallback=None) or cfg.get("flake8", "max_line_length",
                                                                                   fallback=None)
        except (OSError, UnicodeDecodeError, configparser.Error):
            continue
        if value and value.strip().isdigit():
            return int(value.strip())
    return 88


def _lengths(data: bytes) -> list[int]:
    return [len(ln) for ln in data.decode("utf-8", "replace").splitlines()]


def notes(root: Path, changes) -> list[str]:
    """One note per Python file whose rewrite made lines longer than the limit that were not."""
    limit = None
    out: list[str] = []
    for c in changes:
        if c.action not in ("modify", "rename") or not c.target.endswith(".py") or c.old is None or c.new is None:
            continue
        old, new = _lengths(c.old), _lengths(c.new)
        if len(old) != len(new):
            continue  # lines added or removed: not a rewrite of the same lines
        if limit is None:
            limit = line_length(root)
        over = [f"{i} ({n})" for i, (o, n) in enumerate(zip(old, new), start=1) if n > limit >= o]
        if over:
            out.append(f"{c.target}: the rewrite makes line(s) {', '.join(over)} longer than the project's "
                       f"line length ({limit}): wrap them, or run the project's formatter")
    return out


__all__ = ["line_length", "notes"]
