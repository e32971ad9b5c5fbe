"""A cached result outlives a change of the file list only while that change cannot alter it: after
files are added or removed, a run with the cache gives exactly what a run without it gives."""

from __future__ import annotations

import os
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runsmig.recipe import load_recipe
from runsmig.runner import run
from tests.helpers import committed_checkout

RECIPE = ("version: 1\nname: listing-case\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
          "allowlist:\n  - paths: ['kept_jobs/*']\n    reason: files that keep their names\n")
MODULES = ["helpers", "tasks", "store", "util", "runs"]  # names without the term: adding one moves nothing
# ... but a "runs" module added beside a "jobs" one (which moves to "runs") makes that move a conflict
# (TypeScript files import modules by bare names, resolved through tsconfig's baseUrl, and by './name')
FOLDERS = ["", "app", "app/sub", "lib"]


def _ts_module(name: str, imports: list[tuple[str, str, int]]) -> str:
    # a bare specifier resolves through tsconfig's baseUrl (the top folder) when such a module is
    # there, else names a package: its names are then kept
    lines = [f'import {{ job_{mod} }} from "{"" if level == 0 else "./"}{mod}";' for _, mod, level in imports]
    lines.append(f'import {{ jobQueue }} from "{name}-lib";')  # a package while no such module is here
    lines.append(f"export function job_{name}() {{ return '{name} job'; }}")
    return "\n".join(lines) + "\n"


def _module(name: str, imports: list[tuple[str, str, int]]) -> str:
    lines = []
    for kind, mod, level in imports:
        if kind == "from":
            lines.append(f"from {'.' * level}{mod} import job_{mod}")
        else:
            lines.append(f"import {mod}")
    lines += ["", "", f"def job_{name}():", f"    return '{name} job'", ""]
    return "\n".join(lines)


_imports = st.lists(st.tuples(st.sampled_from(["from", "import"]), st.sampled_from(MODULES), st.integers(0, 1)),
                    max_size=3)
_file = st.tuples(st.sampled_from(FOLDERS + ["kept_jobs"]), st.sampled_from(MODULES), _imports,
                  st.sampled_from(["py", "ts", "tsx"]))  # runs.tsx beside a moving jobs.ts: same module id
_first = st.tuples(st.sampled_from(FOLDERS + ["kept_jobs"]), st.sampled_from(MODULES + ["jobs"]), _imports,
                   st.sampled_from(["py", "ts"]))  # present from the start: "jobs" moves


def _view(result) -> dict:
    return {o.rel: (o.status, o.new_rel, o.new, [f.__dict__ for f in o.applied + o.reported + o.allowed], o.raw,
                    sorted(o.coverage.items()), o.non_term) for o in result.outcomes}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(_first, min_size=1, max_size=5), added=st.lists(_file, max_size=2),
       removed=st.integers(0, 3), inits=st.sets(st.sampled_from(FOLDERS[1:]), max_size=2))
def test_cached_runs_match_fresh_runs_after_the_file_list_changes(tmp_path_factory, monkeypatch, before, added,
                                                                    removed, inits):
    tmp = tmp_path_factory.mktemp("listing")
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp / "cache"))

    def path(folder: str, name: str, ext: str) -> str:
        return f"{folder}/{name}.{ext}" if folder else f"{name}.{ext}"

    def text(name: str, imps, ext: str) -> str:
        return _module(name, imps) if ext == "py" else _ts_module(name, imps)  # .ts and .tsx alike

    files = {path(f, n, ext): text(n, imps, ext) for f, n, imps, ext in before}
    files.update({f"{d}/__init__.py": "" for d in inits})
    files["tsconfig.json"] = '{"compilerOptions": {"baseUrl": "."}}\n'
    # a page whose links resolve, or not, as modules come and go (a link that did not resolve before
    # the change is left as it is; one that did follows its target)
    # (under kept_jobs/ a file keeps its name: a link to it carries the term, and is rewritten only
    # while it does not resolve)
    links = [f"[{n} in {d or 'top'}](../{path(d, n, ext)})" for d in FOLDERS + ["kept_jobs"] for n in MODULES[:2]
             for ext in ("py", "ts")]
    files["docs/jobs.md"] = "# Jobs\n\nEvery job: " + ", ".join(links) + ", [lib](../lib/).\n"

    root, recipe = committed_checkout(tmp, files, RECIPE)
    run(root, recipe, workers=1, cache=True)  # the cache holds this tree
    for f, n, imps, ext in added:
        p = root / path(f, n, ext)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text(n, imps, ext), "utf-8")
    for rel in sorted(files)[:removed]:
        os.remove(root / rel)
    recipe = load_recipe(tmp / "recipe.yaml")
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(run(root, recipe, workers=1, cache=False))
    shutil.rmtree(tmp, ignore_errors=True)
