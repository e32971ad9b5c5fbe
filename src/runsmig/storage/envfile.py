"""Rewrite a deployment's ``.env``: ``ADE_JOBS_DIR=./data/jobs`` -> ``ADE_RUNS_DIR=./data/runs``.

Only the lines that assign a renamed key change (commented-out examples such as
``# ADE_JOBS_DIR=./data/jobs`` too, so no job wording is left); every other byte, the order,
comments and line endings stay. In the value, recipe ``env_values`` pairs replace whole path
segments (``data/jobs`` -> ``data/runs``; ``data/jobsite`` is left alone). Both an active old
key and an active new key in one file is refused: no dual support is left behind.
The file is written atomically (temp file in the same folder, fsync, rename, fsync folder).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from runsmig.errors import OperationError, RefusedError, UsageError
from runsmig.storage.fsops import fsync_dir

_LINE = re.compile(r"^(?P<lead>[ \t]*(?P<hash>#[ \t]*)?(?:export[ \t]+)?)(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<eq>[ \t]*=)(?P<value>.*)$", re.S)


def _split_eol(line: str) -> tuple[str, str]:
    for eol in ("\r\n", "\n", "\r"):
        if line.endswith(eol):
            return line[: -len(eol)], eol
    return line, ""


def _value(value: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        value = re.sub(r"(?<![^/\"'.\s=])" + re.escape(old) + r"(?=$|[/\"'\s#])", new, value)
    return value


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        raise UsageError("env file does not exist", path=str(path), hint="pass the deployment's .env file") from None
    except OSError as exc:
        raise OperationError(f"cannot read env file: {exc.strerror}", path=str(path)) from None


def plan_env(path: Path, keys: tuple[tuple[str, str], ...], values: tuple[tuple[str, str], ...],
             notes: list[str]) -> list[dict[str, Any]]:
    text = _read(path)
    renames = dict(keys)
    new_keys = set(renames.values())
    ops: list[dict[str, Any]] = []
    active: dict[str, int] = {}
    for no, raw in enumerate(text.splitlines(keepends=True), start=1):
        body, _eol = _split_eol(raw)
        m = _LINE.match(body)
        if not m:
            continue
        key = m["key"]
        if not m["hash"] and (key in renames or key in new_keys):
            active.setdefault(key, no)
        if key not in renames:
            continue
        new_body = m["lead"] + renames[key] + m["eq"] + _value(m["value"], values)
        if _value(m["value"], values) == m["value"] and values:
            notes.append(f"{path}:{no}: value of {key} kept as is ({m['value'].strip()}); check it names the new root")
        ops.append({"op": "env", "file": str(path), "line": no, "old": body, "new": new_body})
    for old, new in renames.items():
        if old in active and new in active:
            raise RefusedError(
                f"both {old} (line {active[old]}) and {new} (line {active[new]}) are set",
                path=str(path),
                hint=f"remove one of them; runsmig leaves only {new}",
            )
    return ops


def apply_env(path: Path, ops: list[dict[str, Any]]) -> int:
    """Apply env operations; lines already rewritten are accepted (resume). Returns lines changed."""
    text = _read(path)
    lines = text.splitlines(keepends=True)
    changed = 0
    for op in ops:
        i = op["line"] - 1
        body, eol = _split_eol(lines[i]) if i < len(lines) else ("", "")
        if body == op["new"]:
            continue
        if body != op["old"]:
            raise RefusedError(f"line {op['line']} changed since the plan was made", path=str(path),
                               hint="check the file, then run the command again")
        lines[i] = op["new"] + eol
        changed += 1
    if changed:
        _atomic_write(path, "".join(lines).encode("utf-8", "surrogateescape"))
    return changed


def _atomic_write(path: Path, data: bytes) -> None:
    mode = stat.S_IMODE(os.stat(path).st_mode)
    tmp = path.with_name(f".{path.name}.runsmig-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
