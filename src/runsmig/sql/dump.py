"""Schema dumps: a database's picture, written by its dump tool, never edited as text.

A committed dump (``pg_dump --schema-only`` into ``__tests__/schema.sql``, ``db/structure.sql``)
is what the database holds after the project's migrations: a CI job dumps a fresh database and
compares. A text rewrite of it can only approximate the tool (the order of objects by name, the row a
new migration adds to the migrations table), so the plan never edits one:

* ``stored: keep``: the database keeps its names, and so does its picture: what the term map would
  change in it is allowlisted (``stored``), like the SQL the database already holds;
* ``stored: migrate``: each such word is a follow-up (dump the schema again after apply and
  migrate), naming the command that writes the dump when the checkout has one (a script or a
  ``package.json`` script that runs the dump tool and names the file).

A dump is known by what its tool writes near its top (a header comment, or pg_dump's
``set_config('search_path', ...)`` line, which survives the comment-stripping ``sed`` many projects
run on it), not by its path.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

HEAD = 8192
_MARKS = (
    (b"-- PostgreSQL database dump", "pg_dump"),
    (b"SELECT pg_catalog.set_config('search_path', '', false);", "pg_dump"),
    (b"-- MySQL dump", "mysqldump"),
    (b"-- MariaDB dump", "mysqldump"),
)
_TOOLS = {"pg_dump": (b"pg_dump", b"pg_dumpall"), "mysqldump": (b"mysqldump", b"mariadb-dump")}
# where a command that writes a dump is written down (a package.json script naming one: _npm_script)
_SCRIPT = re.compile(r"(?:^|/)(?:Makefile|makefile|GNUmakefile|justfile|Justfile|Taskfile\.ya?ml"
                     r"|[^/]*\.(?:sh|bash|mk|ps1))$|(?:^|/)(?:scripts?|bin|tools)/[^/.]+$")
_MOST = 256 * 1024


def dump_tool(data: bytes) -> str | None:
    """The tool that wrote these bytes, when they are a schema dump ('pg_dump', 'mysqldump'), else None."""
    head = data[:HEAD]
    for mark, tool in _MARKS:
        if mark in head:
            return tool
    return None


def generator(root, rel: str, files, tool: str) -> str | None:
    """How the checkout writes the dump ``rel``: '<script>' or "package.json script '<name>', which runs <script>"
    for the first script (in path order) that runs ``tool`` and names the file; None when none does."""
    from runsmig import deps

    deps.whole_listing()  # a script added anywhere may write it: the result depends on the list
    base = PurePosixPath(rel).name.encode()
    found = None
    for path in sorted(f for f in files if _SCRIPT.search(f) and f != rel):
        deps.note(path)
        try:
            full = root / path
            if full.stat().st_size > _MOST:
                continue
            data = full.read_bytes()
        except OSError:
            continue
        if base in data and any(t in data for t in _TOOLS[tool]):
            found = path
            break
    if found is None:
        return None
    return _npm_script(root, files, found) or found


def _npm_script(root, files, script: str) -> str | None:
    """"package.json script 'name', which runs script" for a package.json script that runs ``script``."""
    from runsmig import deps

    for path in sorted(f for f in files if f == "package.json" or f.endswith("/package.json")):
        folder = path.rpartition("/")[0]
        deps.note(path)
        try:
            scripts = json.loads((root / path).read_text("utf-8")).get("scripts") or {}
        except (OSError, ValueError, AttributeError):
            continue
        here = script[len(folder) + 1:] if folder and script.startswith(folder + "/") else script
        for name, command in scripts.items() if isinstance(scripts, dict) else ():
            if isinstance(command, str) and re.search(r"(?:^|[\s;&|./])" + re.escape(here) + r"(?:$|[\s;&|])", command):
                return f"{path} script '{name}', which runs {script}"
    return None
