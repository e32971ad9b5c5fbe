"""Lines a rewrite pushes past the project's line length (Python files; TS/JS files when the
project's ESLint configuration sets ``max-len``).

A term whose new spelling is longer, or prose reworded beside it ("jobs will run" -> "runs will
execute"), can make a line longer than the limit the project's linter enforces (ruff's or black's
``line-length``, flake8's ``max-line-length``): its CI then fails on a line runsmig wrote. The line is
not wrapped (a string literal copied in a test must stay equal to its source, and only the project's
formatter knows its layout): ``plan`` names each such line in a note, to wrap by hand or with the
formatter. A line that was already too long is not named. A comment or docstring line that grew past
a configured limit is wrapped before the note is made (runsmig.prosewrap), and a Python call on a
line of its own is laid out as black / ruff format would (runsmig.pysplit): only what could not be
is named.

Interface: ``line_length(root) -> int``; ``line_length_at(root, rel) -> int`` (the configuration
nearest to a file); ``configured_at(root, rel) -> int | None`` (the same, without the default);
``eslint_max_len(root) -> int | None``; ``eslint_comment_len(root) -> int | None`` (its limit for
comments); ``notes(root, changes) -> list[str]``.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

_SCRIPTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_ESLINT = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ".eslintrc",
           ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml")
# 'max-len': ['error', { code: 120 }] / "max-len": [2, 100] / max-len: [error, {code: 120}] (read, never run)
_MAX_LEN = re.compile(r"""max-len['"]?\s*:\s*\[\s*['"]?(?:error|warn|2|1)['"]?\s*,\s*"""
                      r"""(?:\{[^}]*?\bcode['"]?\s*:\s*(\d+)|(\d+))""")


def line_length(root: Path) -> int:
    """The project's line length: ruff's or black's ``line-length`` (pyproject.toml, ruff.toml,
    .ruff.toml), else flake8's ``max-line-length`` (setup.cfg, tox.ini, .flake8), else 88 (both
    formatters' default)."""
    found = _configured(root)
    return 88 if found is None else found


def _configured(root: Path) -> int | None:
    """The line length the configuration files of this one folder set, else None."""
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
    return None


def line_length_at(root: Path, rel: str) -> int:
    """The line length for the file or folder ``rel`` of the checkout (see :func:`_nearest`)."""
    return _nearest(root, rel, {})


def _nearest(root: Path, rel: str, seen: dict[str, int | None]) -> int:
    """The line length for the file ``rel``: the configuration nearest to it, up to the root (a
    monorepo's ``apps/api/pyproject.toml``), else 88."""
    found = configured_at(root, rel, seen)
    return 88 if found is None else found


def configured_at(root: Path, rel: str, seen: dict[str, int | None] | None = None) -> int | None:
    """The line length the configuration nearest to the file ``rel`` sets, up to the root, else None
    (no default: what runsmig.prosewrap wraps to must be a limit the project chose). ``seen`` caches
    each folder's answer."""
    seen = {} if seen is None else seen
    parts = rel.split("/")[:-1]
    for i in range(len(parts), -1, -1):
        folder = "/".join(parts[:i])
        if folder not in seen:
            seen[folder] = _configured(root / folder if folder else root)
        if seen[folder] is not None:
            return seen[folder]
    return None


def eslint_max_len(root: Path) -> int | None:
    """The ``max-len`` an ESLint configuration at the root sets (its text read, never run), else None."""
    for name in _ESLINT:
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        m = _MAX_LEN.search(text)
        if m:
            return int(m.group(1) or m.group(2))
    return None


def eslint_comment_len(root: Path) -> int | None:
    """The length ESLint's ``max-len`` allows a comment line: its ``comments`` option, else its
    ``code``; None without ``max-len`` or with ``ignoreComments: true``."""
    for name in _ESLINT:
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        m = _MAX_LEN.search(text)
        if m:
            options = text[m.start():text.find("}", m.end()) + 1] if m.group(1) else ""
            if re.search(r"""ignoreComments['"]?\s*:\s*true""", options):
                return None
            comments = re.search(r"""\bcomments['"]?\s*:\s*(\d+)""", options)
            return int(comments.group(1)) if comments else int(m.group(1) or m.group(2))
    return None


def _grown(old: bytes, new: bytes, limit: int) -> list[tuple[int, int]]:
    """(1-based line, length) of the new lines longer than ``limit``: a line rewritten in place that
    was within it, or a line added (a hook, a fallback read); a line already too long is not one."""
    import difflib

    a = old.decode("utf-8", "replace").splitlines()
    b = new.decode("utf-8", "replace").splitlines()
    out: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for k in range(j1, j2):
            if len(b[k]) <= limit:
                continue
            before = a[i1 + k - j1] if tag == "replace" and i2 - i1 == j2 - j1 else None
            if before is None or len(before) <= limit:
                out.append((k + 1, len(b[k])))
    return out


def notes(root: Path, changes) -> list[str]:
    """One note per Python file whose rewrite made lines longer than the limit that were not."""
    limits: dict[str, int | None] = {}
    folders: dict[str, int | None] = {}
    out: list[str] = []
    for c in changes:
        kind = "py" if c.target.endswith(".py") else "script" if c.target.endswith(_SCRIPTS) else None
        if c.action not in ("modify", "rename") or kind is None or c.old is None or c.new is None:
            continue
        limit: int | None
        if kind == "py":
            limit = _nearest(root, c.target, folders)
        else:
            if kind not in limits:
                limits[kind] = eslint_max_len(root)
            limit = limits[kind]
        if limit is None:
            continue
        over = [f"{i} ({n})" for i, n in _grown(c.old, c.new, limit)]
        if over:
            out.append(f"{c.target}: the rewrite makes line(s) {', '.join(over)} longer than the project's "
                       f"line length ({limit}): wrap them, or run the project's formatter")
    return out


__all__ = ["configured_at", "eslint_comment_len", "eslint_max_len", "line_length", "line_length_at", "notes"]
