"""Which recipes may run code: Python transforms and ``generated: regenerate`` commands.

``check`` runs none, from any recipe (it is given the recipe as data: ``Recipe.data_only``).
``plan`` and ``apply`` run them only from a trusted recipe:

* the bundled one, one named by ``--recipe`` or by ``$RUNSMIG_RECIPE`` (the user chose it);
* one listed outside the checkout: ``$RUNSMIG_TRUST`` (paths separated by ``os.pathsep``,
  relative ones against the current folder) or the file ``$XDG_CONFIG_HOME/runsmig/trusted``
  (``~/.config/runsmig/trusted``; one path per line, ``#`` comments, relative paths against the
  file's folder). A path names a recipe folder or a recipe file.

A recipe reached only through the checkout's own ``[tool.runsmig] recipe`` is whatever the last
commit made it: its data still narrows the gate, its code is refused (runsmig.cli.common).
Trust is by path, not by content: trust a path that a pull request cannot change.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUST_ENV = "RUNSMIG_TRUST"


def trust_file() -> Path:
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "runsmig" / "trusted"


def trusted_paths() -> list[Path]:
    out = [Path(p).expanduser() for p in os.environ.get(TRUST_ENV, "").split(os.pathsep) if p.strip()]
    f = trust_file()
    try:
        lines = f.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        entry = line.split("#", 1)[0].strip()
        if entry:
            p = Path(entry).expanduser()
            out.append(p if p.is_absolute() else f.parent / p)
    return out


def is_trusted(recipe_file: Path) -> bool:
    """Is this recipe file, or its folder, listed as trusted?"""
    try:
        mine = {recipe_file.resolve(), recipe_file.resolve().parent}
    except OSError:
        return False
    for p in trusted_paths():
        try:
            if p.resolve() in mine:
                return True
        except OSError:
            continue
    return False
