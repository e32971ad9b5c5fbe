"""The persistent result cache: an unchanged file is not analysed again, and a cached result is
only ever used for exactly the bytes, context and dependencies it was computed from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runsmig.recipe import load_recipe
from runsmig.runner import run
from runsmig.runner.cache import cache_dir
from tests.helpers import cache_payload, committed_checkout, git, reseal, spy_on_analysis

RECIPE = "version: 1\nname: cache-case\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def _tree(tmp_path: Path) -> tuple[Path, object]:
    files = {
        "pkg/__init__.py": "",
        "pkg/models.py": "class Job:\n    job_id: str = ''\n",
        "pkg/use.py": "from pkg.models import Job\n\n\ndef start(job: Job) -> str:\n    return job.job_id\n",
        "web/api.ts": "export function fetchJobs(jobId: string) { return jobId; }\n",
        "docs/jobs.md": "# Jobs\n\nEvery job runs once.\n",
        "docs/guide.md": "# Guide\n\nSee [the queue](queue.md#job-queue) for every job.\n",
        "docs/queue.md": "# Queue\n\n## Job queue\n\nThe job queue.\n",
        "plain.py": "x = 1\n",
    }
    return committed_checkout(tmp_path, files, RECIPE)


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def spy(monkeypatch):
    return spy_on_analysis(monkeypatch)


def _view_one(o) -> tuple:
    return (o.status, o.new, [f.__dict__ for f in o.applied + o.reported + o.allowed])


def _view(result) -> dict:
    return {o.rel: (o.status, o.new_rel, o.new, [f.__dict__ for f in o.applied + o.reported + o.allowed], o.raw,
                    sorted(o.coverage.items()), o.non_term) for o in result.outcomes}


def test_second_run_analyses_nothing_and_gives_the_same_result(tmp_path, cache_env, spy):
    root, recipe = _tree(tmp_path)
    first = run(root, recipe, workers=1, cache=True)
    assert spy and "plain.py" not in spy  # candidates only
    n = len(spy)
    second = run(root, recipe, workers=1, cache=True)
    assert len(spy) == n  # nothing analysed again
    assert _view(second) == _view(first)
    uncached = run(root, recipe, workers=1, cache=False)
    assert _view(uncached) == _view(first)


def test_an_edited_file_is_analysed_again_alone(tmp_path, cache_env, spy):
    root, recipe = _tree(tmp_path)
    run(root, recipe, workers=1, cache=True)
    (root / "web/api.ts").write_text("export function fetchJobs(jobId: number) { return jobId + 1; }\n", "utf-8")
    spy.clear()
    again = run(root, recipe, workers=1, cache=True)
    assert spy == ["web/api.ts"]
    out = {o.rel: o for o in again.outcomes}["web/api.ts"]
    assert out.new == b"export function fetchRuns(runId: number) { return runId + 1; }\n"


def test_a_change_in_a_file_it_read_invalidates_it(tmp_path, cache_env, spy):
    root, recipe = _tree(tmp_path)
    first = {o.rel: o for o in run(root, recipe, workers=1, cache=True).outcomes}
    assert b"queue.md#run-queue" in first["docs/guide.md"].new
    # guide.md's link anchor follows queue.md's heading, so its analysis read queue.md: editing
    # queue.md alone analyses guide.md again, with the result an uncached run gives
    (root / "docs/queue.md").write_text("# Queue\n\n## Job queue (old)\n\nThe job queue.\n", "utf-8")
    spy.clear()
    again = {o.rel: o for o in run(root, recipe, workers=1, cache=True).outcomes}
    assert sorted(spy) == ["docs/guide.md", "docs/queue.md"]
    fresh = {o.rel: o for o in run(root, recipe, workers=1, cache=False).outcomes}
    assert _view_one(again["docs/guide.md"]) == _view_one(fresh["docs/guide.md"])


def test_recipe_change_invalidates_everything(tmp_path, cache_env, spy):
    root, recipe = _tree(tmp_path)
    run(root, recipe, workers=1, cache=True)
    n = len(spy)
    (tmp_path / "recipe.yaml").write_text(RECIPE + "ignore: ['*.lock']\n", "utf-8")
    run(root, load_recipe(tmp_path / "recipe.yaml"), workers=1, cache=True)
    assert len(spy) == 2 * n


def test_two_recipes_side_by_side_never_share_results(tmp_path, cache_env, spy):
    """Recipes kept in one folder (stored: keep beside stored: migrate) hash the same folder: which
    file is the recipe is part of the key, so the second never gets the first's results."""
    root, recipe = _tree(tmp_path)
    (tmp_path / "other.yaml").write_text(RECIPE.replace("cache-case", "other-case") + "stored: migrate\n", "utf-8")
    run(root, recipe, workers=1, cache=True)
    n = len(spy)
    other = load_recipe(tmp_path / "other.yaml")
    cached = _view(run(root, other, workers=1, cache=True))
    assert len(spy) == 2 * n
    assert cached == _view(run(root, other, workers=1, cache=False))


def test_a_new_file_elsewhere_costs_no_cached_result(tmp_path, cache_env, spy):
    """Every pass records what it asks of the file list (runsmig.deps.asked): Python imports,
    TypeScript specifiers, Markdown links. A file that answers none of their questions otherwise
    leaves every result cached; a link to it that did not resolve before is analysed again."""
    root, recipe = _tree(tmp_path)
    run(root, recipe, workers=1, cache=True)
    first = set(spy)
    assert {"pkg/models.py", "pkg/use.py", "web/api.ts", "docs/guide.md"} <= first
    spy.clear()
    (root / "notes.txt").write_text("hello\n", "utf-8")
    again = _view(run(root, recipe, workers=1, cache=True))
    assert spy == []
    assert again == _view(run(root, recipe, workers=1, cache=False))
    (root / "docs" / "guide.md").write_text("# Guide\n\nSee [the jobs](../jobs/) for every job.\n", "utf-8")
    run(root, recipe, workers=1, cache=True)
    spy.clear()
    (root / "jobs").mkdir()
    (root / "jobs" / "a.txt").write_text("a\n", "utf-8")  # the link resolves now, and its folder moves
    after = _view(run(root, recipe, workers=1, cache=True))
    assert "docs/guide.md" in spy
    assert after == _view(run(root, recipe, workers=1, cache=False))


def test_a_file_a_transform_touches_depends_on_the_whole_file_list(tmp_path, cache_env, spy):
    """A recipe transform may read ctx.all_files as it likes: its file is analysed again whenever
    the list changes."""
    recipe_dir = tmp_path / "recipe"
    (recipe_dir / "transforms").mkdir(parents=True)
    (recipe_dir / "recipe.yaml").write_text(RECIPE, "utf-8")
    (recipe_dir / "transforms" / "count.py").write_text(
        '"""count"""\nfrom runsmig.findings import Analysis\n\nPATHS = ["pkg/use.py"]\n\n\n'
        "def transform(ctx):\n    return Analysis()\n", "utf-8")
    root, _ = _tree(tmp_path)
    recipe = load_recipe(recipe_dir / "recipe.yaml")
    run(root, recipe, workers=1, cache=True)
    spy.clear()
    (root / "notes.txt").write_text("hello\n", "utf-8")
    run(root, recipe, workers=1, cache=True)
    assert spy == ["pkg/use.py"]


def test_a_new_file_that_changes_an_import_analyses_its_importer_again(tmp_path, cache_env, spy):
    """``from helpers import job_step``: third-party (kept, reported) while no such module is in the
    checkout; adding ``helpers.py`` makes it the checkout's own (renamed). The importer asked about
    'helpers': its cached result no longer holds. (A new file whose name holds the term moves, and
    the moves are part of every result's context.)"""
    files = {"app/main.py": "from helpers import job_step\n\n\ndef go():\n    return job_step()\n",
             "app/other.py": "def job_count():\n    return 1\n"}
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    before = run(root, recipe, workers=1, cache=True)
    kept = {f.rule for o in before.looked if o.rel == "app/main.py" for f in o.reported}
    assert "external" in kept
    spy.clear()
    (root / "app" / "helpers.py").write_text("def job_step():\n    return 2\n", "utf-8")
    after = run(root, recipe, workers=1, cache=True)
    assert set(spy) == {"app/main.py", "app/helpers.py"}
    assert _view(after) == _view(run(root, recipe, workers=1, cache=False))
    main = next(o for o in after.looked if o.rel == "app/main.py")
    assert b"from helpers import run_step" in main.new
    spy.clear()
    (root / "app" / "helpers.py").unlink()  # and back: third-party again
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(before)
    assert spy == ["app/main.py"]


@pytest.mark.parametrize("damage", ["garbage", "foreign-key", "bad-finding", "truncated"])
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(tmp_path, cache_env, spy, damage):
    root, recipe = _tree(tmp_path)
    first = _view(run(root, recipe, workers=1, cache=True))
    entries = [p for p in cache_dir(root).rglob("*.json")]
    assert entries
    for p in entries:  # sealed again with this machine's key: the checks after the seal are tested
        entry = json.loads(cache_payload(p))
        if damage == "garbage":
            reseal(p, "result", b"\x00\xffnot json")
        elif damage == "foreign-key":
            entry["key"] = "0" * 40
            reseal(p, "result", json.dumps(entry).encode())
        elif damage == "bad-finding":
            entry["outcome"]["applied"] = [["x"]]
            reseal(p, "result", json.dumps(entry).encode())
        else:
            reseal(p, "result", cache_payload(p)[: len(cache_payload(p)) // 2])
    n = len(spy)
    again = _view(run(root, recipe, workers=1, cache=True))
    assert again == first
    assert len(spy) == 2 * n  # every damaged entry was ignored: analysed again
    spy.clear()
    run(root, recipe, workers=1, cache=True)
    assert spy == []  # ... and rebuilt


def test_no_cache_neither_reads_nor_writes(tmp_path, cache_env):
    root, _ = _tree(tmp_path)
    env = {**os.environ, "RUNSMIG_CACHE_DIR": str(cache_env)}
    cmd = [sys.executable, "-m", "runsmig", "check", ".", "--recipe", str(tmp_path / "recipe.yaml"), "--no-cache"]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True)
    assert proc.returncode == 1
    assert not cache_env.exists()
    proc = subprocess.run(cmd[:-1], cwd=root, env=env, capture_output=True)
    assert proc.returncode == 1 and any(cache_env.rglob("*.json"))
    assert not any(p.name.startswith(".tmp-") for p in cache_env.rglob("*"))
    assert git(root, "status", "--porcelain") == ""  # nothing written into the checkout


def test_two_runs_at_once_agree(tmp_path, cache_env):
    root, _ = _tree(tmp_path)
    env = {**os.environ, "RUNSMIG_CACHE_DIR": str(cache_env)}
    cmd = [sys.executable, "-m", "runsmig", "check", ".", "--recipe", str(tmp_path / "recipe.yaml"),
           "--format", "json"]
    procs = [subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    outs = [p.communicate()[0] for p in procs]
    assert all(p.returncode == 1 for p in procs)
    findings = [json.loads(o)["findings"] for o in outs]
    assert findings[0] and findings[0] == findings[1] == findings[2]
    cached = json.loads(subprocess.run(cmd, cwd=root, env=env, capture_output=True).stdout)["findings"]
    assert cached == findings[0]
    assert not any(p.name.startswith(".tmp-") for p in cache_env.rglob("*"))


def test_an_entry_written_by_check_serves_plan(tmp_path, cache_env, spy):
    """check keeps no file bytes, but what it caches must still carry the new content."""
    from runsmig.plan import build_plan

    root, recipe = _tree(tmp_path)
    run(root, recipe, workers=1, cache=True, keep_bytes=False)
    spy.clear()
    cached = build_plan(root, recipe, workers=1, cache=True)
    assert spy == []
    fresh = build_plan(root, recipe, workers=1, cache=False)
    assert [(c.action, c.path, c.target, c.old, c.new) for c in cached.changes] == \
        [(c.action, c.path, c.target, c.old, c.new) for c in fresh.changes]


def test_pruning_old_contexts_keeps_the_blob_and_report_memos(tmp_path, cache_env):
    root, recipe = _tree(tmp_path)
    top = cache_dir(root)
    old = [top / f"{i:024x}" for i in range(6)] + [top / "blobs", top / "reports"]
    for folder in old:
        folder.mkdir(parents=True)
        (folder / "entry").write_text("x")
        os.utime(folder, (1, 1))  # long unused
    run(root, recipe, workers=1, cache=True)
    left = {p.name for p in top.iterdir()}
    assert {"blobs", "reports"} <= left
    assert len([n for n in left if len(n) == 24]) == 4  # the newest few contexts, this run's among them


def test_the_engine_fingerprint_follows_runsmig_s_own_files(monkeypatch, tmp_path):
    """An edit to runsmig's source (a new size or modification time) makes a new context, and so
    does one whose modification time was set back: its change time (ctime) moved."""
    from runsmig.runner import cache

    cache.engine_fingerprint.cache_clear()
    before = cache.engine_fingerprint()
    source = Path(cache.__file__).resolve().parents[1] / "terms.py"
    st = source.stat()
    try:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        cache.engine_fingerprint.cache_clear()
        changed = cache.engine_fingerprint()
        assert changed != before
    finally:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
        cache.engine_fingerprint.cache_clear()
    assert cache.engine_fingerprint() not in (before, changed)  # the same size and mtime, a new ctime


def test_a_config_only_on_disk_and_the_configs_it_extends_are_dependencies(tmp_path, cache_env, spy):
    """tsconfig.json is read even when git ignores it, and so is what it extends: a cached result
    that resolved a specifier without it must not outlive its arrival, nor a change to its base."""
    files = {".gitignore": "web/tsconfig.json\n",
             "web/api.ts": 'import { jobCount } from "util";\nexport const jobs = jobCount;\n',
             "web/util.ts": "export const jobCount = 1;\n",
             "configs/base.json": '{"compilerOptions": {"baseUrl": "../nowhere"}}\n'}
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    run(root, recipe, workers=1, cache=True)
    (root / "web" / "tsconfig.json").write_text('{"extends": "../configs/base.json"}\n', "utf-8")
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(run(root, recipe, workers=1, cache=False))
    spy.clear()
    (root / "configs" / "base.json").write_text('{"compilerOptions": {"baseUrl": "../web"}}\n', "utf-8")
    after = run(root, recipe, workers=1, cache=True)
    assert "web/api.ts" in spy
    assert _view(after) == _view(run(root, recipe, workers=1, cache=False))
    api = next(o for o in after.looked if o.rel == "web/api.ts")
    assert b'import { runCount } from "util"' in api.new  # "util" is web/util.ts now: renamed with it


def test_a_new_file_that_makes_a_module_move_ambiguous_analyses_its_importers_again(tmp_path, cache_env, spy):
    """``jobs.ts`` moves to ``runs.ts``; a ``runs.tsx`` added beside it makes module 'runs' ambiguous,
    so the move does not happen (the file fails, named) and its importer keeps its import. Both
    asked whether the move conflicts: their cached results no longer hold."""
    files = {"jobs.ts": "export function job_jobs() { return 1; }\n",
             "app.ts": 'import { job_jobs } from "./jobs";\nexport const a = job_jobs;\n',
             "util.ts": "export const helper = 1;\n// the job helper\n"}
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    run(root, recipe, workers=1, cache=True)
    spy.clear()
    (root / "runs.tsx").write_text("export const x = 1;\n", "utf-8")
    after = run(root, recipe, workers=1, cache=True)
    assert {"jobs.ts", "app.ts"} <= set(spy) and "util.ts" not in spy
    assert _view(after) == _view(run(root, recipe, workers=1, cache=False))
    assert "module move conflict" in next(o for o in after.looked if o.rel == "jobs.ts").reason


def test_two_recipes_side_by_side_have_their_own_entries(tmp_path):
    from runsmig.recipe import load_recipe
    from runsmig.runner.cache import _recipe_fingerprint

    base = "version: 1\nname: t\nterms:\n  - {from: job, to: run}\n"
    (tmp_path / "keep.yaml").write_text(base + "stored: keep\n")
    (tmp_path / "migrate.yaml").write_text(base + "stored: migrate\n")
    keep, migrate = load_recipe(tmp_path / "keep.yaml"), load_recipe(tmp_path / "migrate.yaml")
    assert _recipe_fingerprint(keep) != _recipe_fingerprint(migrate)
    assert _recipe_fingerprint(keep) == _recipe_fingerprint(load_recipe(tmp_path / "keep.yaml"))
