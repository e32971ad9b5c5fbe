"""One decision per name across file names and strings: a file the code loads by a stored name that
the run keeps keeps its name too.

A data file named after a stored name (``commands/add_job.sql``, which calls the SQL function
``add_job``) is often loaded by that name: ``run('add_job')`` reads ``${name}.sql``. Under ``stored:
keep`` the string keeps its spelling (runsmig.runner.storedset); the path plan, made before the
stored names are known, would rename the file, and the load fails at run time (ENOENT), which no
reference check can see: the path is built from a name only known at run time.

So, once the stored names are known, a moving file keeps its name when

* it is a data file a program reads (SQL, a Lua script, JSON, YAML, a template, text: by its
  extension), not a module of any language (imports follow their moves, and name code, not rows),
* its name, or its name without its extensions, is a stored spelling the run keeps of two or more
  word parts (``add_job``; a bare ``job`` is no evidence of the table of that name), and
* a string literal of a code file spells that name exactly (``'add_job'``, ``"add_job.sql"``):
  the code can load it by it.

Only its own name is kept: a folder above it that moves still moves (references to folders are
checked by runsmig.languages.refs.settle). The path's finding is allowlisted with the reason, and
the plan's notes say which file kept its name and why.
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.runner.storedset import _PARTS  # a name's word parts, as the stored set counts them

STORED_NAME = "stored: the code loads it by a stored name the run keeps"
# what a program loads by name: queries, scripts a server runs, data, templates
DATA = frozenset({"sql", "psql", "pgsql", "cql", "lua", "json", "yaml", "yml", "toml", "txt", "csv", "xml", "graphql",
                  "gql", "html", "htm", "hbs", "mustache", "j2", "jinja", "jinja2", "tmpl", "tpl", "liquid", "ejs"})


def _names(base: str) -> list[str]:
    """The names a file can be loaded by: its whole name, without its last extension, without all."""
    out = [base]
    for cut in (base.rfind("."), base.find(".")):
        if cut > 0 and base[:cut] not in out:
            out.append(base[:cut])
    return out


def keep_file_names(root: Path, paths, kept, code_files: list[str]) -> list[str]:
    """Undo the moves of the files loaded by a kept stored name (``paths``: runsmig.paths.PathPlan,
    changed in place); the plan's notes, one per file kept (none: nothing changed)."""
    wanted: dict[str, list[tuple[str, str]]] = {}  # name -> [(rel, stored where)]
    for rel, new in paths.moves.items():
        base = rel.rpartition("/")[2]
        if base == new.rpartition("/")[2] or base.rpartition(".")[2].lower() not in DATA:
            continue  # its own name does not change, or it is no data file (a module: imports follow it)
        for name in _names(base):
            hit = kept.get(name) if len(_PARTS.findall(name)) >= 2 else None
            if hit is not None and hit[0] != "stored text":
                wanted.setdefault(name, []).append((rel, f"{hit[0]} '{hit[1]}' at {hit[2]}"))
                break
    if not wanted:
        return []
    pattern = re.compile(r"""(['"`])(""" + "|".join(re.escape(n) for n in sorted(wanted, key=len, reverse=True))
                         + r")\1")
    spelled: dict[str, str] = {}  # name -> the first code file:line that spells it
    for rel in sorted(code_files):
        try:
            text = (root / rel).read_text("utf-8", "surrogateescape")
        except OSError:
            continue
        for m in pattern.finditer(text):
            spelled.setdefault(m.group(2), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
    if not spelled:
        return []
    moves = dict(paths.moves)
    notes: list[str] = []
    keep: dict[str, str] = {}
    for name in sorted(spelled):
        for rel, where in wanted[name]:
            folder, base = moves[rel].rpartition("/")[0], rel.rpartition("/")[2]
            target = f"{folder}/{base}" if folder else base
            if target == rel:
                del moves[rel]
            else:
                moves[rel] = target
            why = f"{STORED_NAME} ('{name}', {where}; loaded by {spelled[name]})"
            keep[rel] = why
            notes.append(f"{rel} keeps its name: {why}")
    paths.moves = moves
    still = []
    for f in paths.findings:  # its own name's finding: allowlisted with the reason
        if f.path in keep and f.kind == "path" and f.rule == "term" and f.text == f.path.rpartition("/")[2]:
            paths.allowed.append(type(f)(**{**f.__dict__, "allowed_by": keep[f.path]}))
        else:
            still.append(f)
    paths.findings[:] = still
    return notes
