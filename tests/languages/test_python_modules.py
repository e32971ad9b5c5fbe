"""Where a Python import points (runsmig.languages.python.modules): the answer depends on the
checkout's files, never on the order a set of them iterates in."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from runsmig.languages.python.modules import ModuleIndex

# 'jobs' is a top-level module in three folders
FILES = ["svc/a/jobs.py", "svc/b/jobs.py", "tool/jobs.py", "app/main.py", "app/util.py",
         "lib/pkg/__init__.py", "lib/pkg/jobs.py", "other/pkg/__init__.py", "other/pkg/x.py", "setup.py",
         "apps/api/src/api/__init__.py", "apps/api/src/api/jobs.py"]
CASES = [("jobs", "app/main.py"), ("jobs", "svc/a/x.py"), ("jobs", "svc/c/x.py"), ("pkg.jobs", "app/main.py"), ("util", "app/main.py"),
         ("pkg", "z/main.py")]


def _resolved() -> list:
    idx = ModuleIndex(frozenset(FILES))
    return ([[r.rel, r.root, r.external] for r in (idx.resolve(d, imp) for d, imp in CASES)]
            + [idx.root_of(rel) for rel in ("apps/api/src/api/jobs.py", "lib/pkg/jobs.py", "setup.py")])


def test_resolution_picks_the_nearest_root_then_the_shortest_then_by_name():
    assert _resolved() == [["tool/jobs.py", "tool", False],  # no root shares a folder: the shortest
                           ["svc/a/jobs.py", "svc/a", False],  # the importer's own folder
                           ["svc/a/jobs.py", "svc/a", False],  # svc/a and svc/b share as much: by name
                           ["lib/pkg/jobs.py", "lib", False], ["app/util.py", "app", False],
                           ["lib/pkg/__init__.py", "lib", False],
                           # the root a module is imported from: the longest holding it ('' holds all)
                           "apps/api/src", "lib", ""]


def test_resolution_does_not_depend_on_the_hash_seed():
    code = ("import json, tests.languages.test_python_modules as t; print(json.dumps(t._resolved()))")
    seen = set()
    for seed in ("0", "1", "2", "3", "12345"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        seen.add(out)
    assert len(seen) == 1 and json.loads(seen.pop()) == _resolved()
