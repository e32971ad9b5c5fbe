"""Keyword sets: which names the code passes together as keyword arguments, under ``stored: keep``.

A string that spells a stored name another file keeps (``"job_id"``, a column) is kept
(runsmig.runner.storedset), except where it is the code's own name. A dict literal whose string
keys are all keyword names one call of the checkout passes together (``execute(query,
job_id=job_id, status=status, delete_job=delete_job)`` for ``{"job_id": 1, "status": "ok",
"delete_job": False}``, a test's record of those keyword arguments) is such a keyword mapping:
its keys are renamed with the keywords. A dict of a database row read (``{"jobs_count": 1,
"name": "q"}``) matches no call and keeps its keys. Only calls that pass a stored spelling are
recorded (:func:`keyword_sets`): nothing else can change a decision.
"""

from __future__ import annotations

import ast
import re
import warnings


def keyword_sets(files, spellings: set[str]) -> list[list[str]]:
    """Sorted keyword names of each call in ``files`` ((rel, bytes) of Python files) passing two or
    more keywords, one of them a stored spelling; each set once."""
    names = sorted(s for s in spellings if s.isidentifier())
    if not names:
        return []
    pre = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*=(?!=)")
    wanted = set(names)
    found: set[tuple[str, ...]] = set()
    for _rel, data in files:
        if not pre.search(data):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                kws = {k.arg for k in node.keywords if k.arg}
                if len(kws) >= 2 and kws & wanted:
                    found.add(tuple(sorted(kws)))
    return [list(k) for k in sorted(found)]


def keyword_mapping(keys: frozenset[str], sets: list[frozenset[str]]) -> bool:
    """A dict with these string keys is a keyword mapping: two or more keys, all passed together
    by one call."""
    return len(keys) >= 2 and any(keys <= s for s in sets)
