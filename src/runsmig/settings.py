"""``[tool.runsmig]`` in the checkout's ``pyproject.toml``: the options a project sets once.

    [tool.runsmig]
    recipe = "rules/my-recipe"     # folder or file, relative to this pyproject.toml
    ignore = ["legacy/**"]         # extra ignore patterns (gitignore syntax, relative to the checkout)
    format = "github"              # text, json, sarif or github
    workers = 4                    # processes for parsing
    max-file-size = "2 MB"         # larger files are scanned as text, not parsed (runsmig.limits)
    max-line-length = 10000        # ... and so are files with a longer line (bytes)
    transform-timeout = 30         # seconds one recipe transform may take on one file

Command-line options win over these. Validated when read: an unknown key or a wrong type is an
error naming ``pyproject.toml:line:col`` (exit 2), like a recipe error. tomllib keeps no positions,
so they are found by scanning the text for the key inside the table.

Never silently ignored: a ``pyproject.toml`` that names runsmig anywhere and is not valid TOML (a
broken ``[tool.runsmig`` header among others), or whose table is spelled almost like
``[tool.runsmig]`` (``[tools.runsmig]``, ``["tool.runsmig"]``, ``[runsmig]``), is an error too: a
gate must not run on defaults its project did not choose.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.errors import EXIT_USAGE, RunsmigError

PYPROJECT = "pyproject.toml"
TABLE = ("tool", "runsmig")
KEYS = ("format", "ignore", "recipe", "workers", "max-file-size", "max-line-length", "transform-timeout")


class SettingsError(RunsmigError):
    def __init__(self, message: str, path: str, line: int | None = None, col: int | None = None,
                 hint: str = "fix [tool.runsmig] in pyproject.toml; its keys are described in the README "
                             "under 'Settings'") -> None:
        super().__init__(message, path=path, line=line, col=col, exit_code=EXIT_USAGE, hint=hint)


@dataclass(frozen=True)
class Settings:
    file: Path | None = None  # the pyproject.toml whose [tool.runsmig] was read
    recipe: Path | None = None  # absolute (resolved against the pyproject's folder)
    ignore: tuple[str, ...] = ()
    format: str | None = None
    workers: int | None = None
    max_file_size: int | None = None  # bytes (runsmig.limits)
    max_line_length: int | None = None
    transform_timeout: float | None = None
    # where ``recipe`` and each ``ignore`` pattern are written (line, col): for errors, not settings
    recipe_at: tuple[int | None, int | None] = field(default=(None, None), compare=False)
    ignore_at: tuple[tuple[int | None, int | None], ...] = field(default=(), compare=False)

    @property
    def shown(self) -> str:
        """The pyproject.toml as errors name it."""
        return _shown(self.file) if self.file is not None else PYPROJECT


def load_settings(root: Path) -> Settings:
    """The ``[tool.runsmig]`` table of ``root/pyproject.toml`` (empty settings when there is none)."""
    path = root / PYPROJECT
    if not path.is_file():
        return Settings()
    shown = _shown(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"cannot read: {exc.strerror or exc}", shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"runsmig" not in raw:
            return Settings()  # not ours: the check reports the file like any other undecodable one
        line = raw[:exc.start].count(b"\n") + 1
        raise SettingsError("not UTF-8 (TOML files must be)", shown, line, hint="save pyproject.toml as UTF-8") from None
    import tomllib  # only for a checkout that has a pyproject.toml

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if TABLE not in _Locator(text).found and "runsmig" not in text:
            return Settings()  # not ours: the check reports the file like any other unreadable one
        msg = str(exc)
        hint = "fix the TOML syntax of pyproject.toml"
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            raise SettingsError(f"invalid TOML: {msg[:m.start()]}", shown, int(m.group(1)), int(m.group(2)),
                                hint=hint) from None
        m = re.search(r"\s*\(at end of document\)$", msg)
        lines = text.count("\n") + 1
        raise SettingsError(f"invalid TOML: {msg[:m.start()] if m else msg}", shown, lines if m else None,
                            hint=hint) from None
    tool = data.get("tool")
    if not isinstance(tool, dict) or "runsmig" not in tool:
        _near_miss(text, shown)
        return Settings()
    where = _Locator(text)

    def fail(key: tuple[str, ...], message: str) -> SettingsError:
        line, col = where.position(TABLE + key)
        return SettingsError(f"{'.'.join(TABLE + key)}: {message}", shown, line, col)

    table = tool["runsmig"]
    if not isinstance(table, dict):
        raise fail((), f"expected a table, got {_kind(table)}")
    for key in table:
        if key not in KEYS:
            raise fail((key,), f"unknown key (allowed: {', '.join(KEYS)})")
    recipe = ignore = fmt = workers = None
    ignore_at: tuple[tuple[int | None, int | None], ...] = ()
    if "recipe" in table:
        value = table["recipe"]
        if not isinstance(value, str) or not value.strip():
            raise fail(("recipe",), f"expected a path (a non-empty string), got {_kind(value)}")
        recipe = (path.parent / value).resolve()
        if not recipe.exists():
            raise fail(("recipe",), f"'{value}' does not exist (a recipe folder or file, relative to {PYPROJECT})")
    if "ignore" in table:
        value = table["ignore"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(("ignore",), f"expected a list of patterns (strings), got {_kind(value)}")
        ignore = tuple(value)
        ignore_at = _items_at(text, where.position(TABLE + ("ignore",)), ignore)
    if "format" in table:
        from runsmig.report import FORMATS

        value = table["format"]
        if value not in FORMATS:
            shown_value = f"'{value}'" if isinstance(value, str) else _kind(value)
            raise fail(("format",), f"unknown format {shown_value} (choose from {', '.join(FORMATS)})")
        fmt = value
    if "workers" in table:
        value = table["workers"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(("workers",), f"expected a whole number of processes >= 1, got {_kind(value)}")
        workers = value
    return Settings(path, recipe, ignore or (), fmt, workers, *_limits(table, fail),
                    recipe_at=where.position(TABLE + ("recipe",)), ignore_at=ignore_at)


def _limits(table: dict, fail) -> tuple:
    """max-file-size, max-line-length (sizes) and transform-timeout (seconds), or None each."""
    from runsmig.limits import parse_seconds, parse_size

    out = []
    for key, parse, what in (("max-file-size", parse_size, "a size in bytes (10000) or with a unit ('2 MB')"),
                             ("max-line-length", parse_size, "a whole number of bytes >= 1"),
                             ("transform-timeout", parse_seconds, "a number of seconds > 0")):
        value = table.get(key)
        if value is None:
            out.append(None)
            continue
        parsed = parse(value) if not isinstance(value, str) or key != "max-line-length" else None
        if parsed is None:
            raise fail((key,), f"expected {what}, got {_kind(value)}")
        out.append(parsed)
    return tuple(out)


def _near_miss(text: str, shown: str) -> None:
    """A table or key spelled almost like ``[tool.runsmig]`` (other case, ``tools``, one quoted
    key, top-level ``runsmig``) when the real one is absent: an error, not settings ignored."""
    for key, (line, col) in _Locator(text).found.items():
        if len(key) <= 2 and any("runsmig" in part.lower() for part in key):
            written = ".".join(f'"{p}"' if "." in p else p for p in key)
            raise SettingsError(f"[{written}] is not [tool.runsmig], the only table runsmig reads", shown, line, col)


def _items_at(text: str, start: tuple[int | None, int | None], items: tuple[str, ...]) -> tuple:
    """Where each string of a list is written: its first quoted occurrence from ``start`` on (the
    key's position, in order: a pattern written twice is found twice)."""
    line, col = start
    if line is None:
        return tuple((None, None) for _ in items)
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[:line - 1]) + (col or 1) - 1
    out = []
    for item in items:
        found = [i for i in (text.find(q + item + q, offset) for q in ('"', "'")) if i >= 0]
        if not found:  # an escaped spelling: the list itself
            out.append((line, col))
            continue
        at = min(found)
        n = text.count("\n", 0, at)
        out.append((n + 1, at - (text.rfind("\n", 0, at) + 1) + 1))
        offset = at + 1
    return tuple(out)


def _shown(path: Path) -> str:
    """The file as errors name it: relative to the current folder when it is inside it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ('{value}')"
    if isinstance(value, list):
        return "a list" if all(isinstance(v, str) for v in value) else "a list with non-string items"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# -- positions ----------------------------------------------------------------------------------
_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf"(?:{_BARE}|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER_RE = re.compile(rf"^(\s*)\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN_RE = re.compile(rf"^(\s*)({_DOTTED})\s*=")
_PART_RE = re.compile(_KEY)


def _parts(dotted: str) -> tuple[str, ...]:
    out = []
    for m in _PART_RE.finditer(dotted):
        p = m.group(0)
        out.append(p[1:-1] if p[0] in "\"'" else p)
    return tuple(out)


class _Locator:
    """First line and column (1-based) where each dotted key path is written: a table header
    (``[tool.runsmig]``) or a key (``workers = 4`` inside it, ``runsmig.workers`` inside ``[tool]``).
    Lines inside multi-line strings are not keys."""

    def __init__(self, text: str) -> None:
        self.found: dict[tuple[str, ...], tuple[int, int]] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for n, line in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER_RE.match(line)
            if header:
                table = _parts(header.group(2))
                self._add(table, n, len(header.group(1)) + 1)
                continue
            assign = _ASSIGN_RE.match(line)
            if assign:
                self._add(table + _parts(assign.group(2)), n, len(assign.group(1)) + 1)
                rest = line[assign.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote
                        break

    def _add(self, key: tuple[str, ...], line: int, col: int) -> None:
        for i in range(1, len(key) + 1):  # a dotted key also writes its prefixes
            self.found.setdefault(key[:i], (line, col))

    def position(self, key: tuple[str, ...]) -> tuple[int | None, int | None]:
        """Where ``key`` is written, else its closest written parent (an inline table)."""
        for i in range(len(key), 0, -1):
            if key[:i] in self.found:
                return self.found[key[:i]]
        return None, None
