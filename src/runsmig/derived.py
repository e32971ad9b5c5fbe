"""Derived spellings: how other code writes a renamed name without its word boundaries.

Django writes a model ``ModelNameJob`` as its lowercase label ``"modelnamejob"`` (in later
migrations, ``"app.modelnamejob"`` strings, permission codenames ``"view_modelnamejob"``, the
``modelnamejob_set`` accessor, default table and template names). The term matcher
(:mod:`runsmig.terms`) does not see ``job`` inside ``modelnamejob`` (it is not a word part there,
as in ``subjob``), so those spellings are found here: for every class, function and ``self.``
attribute the checkout's Python code defines whose name carries a term in two or more word
parts, its joined spellings (lower- and upper-case, singular and plural) map to the renamed
name's. The term engine then matches them as whole tokens (between separators such as ``.``,
``_``, ``-``, ``/``, quotes, spaces: never glued to other letters or digits), in every language,
so the rewrite renames them and the check reports any left. Snake, kebab and dotted spellings
(``model_name_job``, ``app.ModelNameJob``) are word parts already.

A joined spelling two names share with different new spellings (``JobRun`` and ``JoBrun``) is
ambiguous: it is not renamed (and stays listed as not the term).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from runsmig.textio import read_file

_MOST = 2 * 1024 * 1024

_DEFINED = re.compile(rb"^[ \t]*(?:async[ \t]+)?(?:class|def)[ \t]+([A-Za-z_][A-Za-z0-9_]*)"
                      rb"|\bself\.([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=(?!=)", re.M)


def defined_names(root: Path, rels) -> set[str]:
    """Classes, functions and ``self.`` attributes defined in the Python files ``rels``."""
    names: set[str] = set()
    for rel in rels:
        if not rel.endswith((".py", ".pyi")):
            continue
        try:
            if os.stat(root / rel).st_size > _MOST:
                continue  # past any parse limit: its names are not renamed anyway
            data = read_file(root / rel)  # a FIFO or device is never waited on
        except OSError:
            continue
        for m in _DEFINED.finditer(data):
            raw = m.group(1) or m.group(2)
            names.add(raw.decode("ascii"))
    return names


def spellings(names, engine) -> dict[str, str]:
    """Joined spelling -> its renamed spelling, for the names that carry a term."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    singular = {t.singular for t in engine.terms}
    for name in sorted(names):
        if not engine.find(name):
            continue
        forms = [(name, engine.rewrite(name))]
        last = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)
        if last and last[-1].lower() in singular:
            forms.append((name + "s", engine.rewrite(name + "s")))
        for old, new in forms:
            joined, new_joined = _joined(old), _joined(new)
            if joined == new_joined or engine.find(joined) or not joined.isalnum():
                continue  # one word part (``Job``): the term matcher's own case
            for a, b in ((joined, new_joined), (joined.upper(), new_joined.upper())):
                if found.get(a, b) != b:
                    ambiguous.add(a)
                found[a] = b
    for a in ambiguous:
        del found[a]
    return found


def _joined(name: str) -> str:
    return name.replace("_", "").lower()
