"""TS/JS compat (issue #22): the package's public surface, the generated aliases, and what they do
when compiled with tsc and run with node (skipped, saying why, without them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from runsmig.languages.typescript.compat_reads import undo_reads
from runsmig.languages.typescript.compat_surface import read_surface

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ts-compat-aliases"


def _tree(root: Path):
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return files, lambda rel: (root / rel).read_text() if rel in files else None


def test_surface_follows_reexports_and_members():
    s = read_surface(*_tree(FIXTURE / "before"))
    assert s.package == "tiny-queue" and s.entries == ["src/index.ts"]
    assert {"Job", "Queue", "JobOptions", "JobState", "addJob", "JOB_PREFIX", "makeJobId"} <= set(s.exports)
    assert s.exports["Job"].type_params == ("DataType", "NameType", "ReturnType")
    assert s.exports["Queue"].members == {"add": "method", "getJobs": "method", "jobCount": "accessor"}
    assert s.exports["Job"].members["jobId"] == "property"  # a constructor parameter property
    assert s.exports["Job"].statics == {"fromJSON": "method"}
    assert s.exports["JobOptions"].optional == {"jobId", "prefix"}


def test_private_members_are_not_public():
    s = read_surface(*_tree(FIXTURE / "before"))
    assert "jobs" not in s.exports["Queue"].members


def test_undo_reads_restores_the_read():
    text = "const a = compatRead(opts, 'runId', 'RunOptions');\nconst b = compatRead(o.x, 'runId', 'RunOptions', true);\n"
    assert undo_reads("a.ts", text) == "const a = opts.runId;\nconst b = o.x?.runId;\n"


def _tsc() -> str | None:
    return os.environ.get("RUNSMIG_TSC") or shutil.which("tsc")


def _no_tsc() -> None:
    """Skip, saying why; in CI (RUNSMIG_REQUIRE_TSC=1, set by .ci/run) a missing tsc fails."""
    why = "no tsc (set RUNSMIG_TSC or put tsc on PATH) or no node"
    if os.environ.get("RUNSMIG_REQUIRE_TSC") == "1":
        pytest.fail(why)
    pytest.skip(why)


CONSUMER = """\
import { Job, JobOptions, JobState, Queue, addJob, makeJobId } from '../src';

const q = new Queue<number>();
const opts: JobOptions = { jobId: 'a' };
const j: Job<number> = addJob(q, 1, opts);
addJob(q, 2, { jobId: 'a' });
const s: JobState = 'waiting';
class MyJob extends Job<string> {}
const mine = new MyJob('x', 'y', 'z');
console.log(JSON.stringify({ n: q.getJobs().length, count: q.jobCount, isJob: j instanceof Job, id: j.jobId, s,
  mk: makeJobId({}, 3), sub: mine instanceof Job && mine.describe(), key: j.jobKey() }));
"""


@pytest.fixture()
def compiled(tmp_path):
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        _no_tsc()

    def build(tree: Path, consumer: str) -> subprocess.CompletedProcess:
        work = tmp_path / ("build-" + tree.name)
        shutil.copytree(tree, work)
        (work / "consumer").mkdir()
        (work / "consumer" / "use.ts").write_text(consumer)
        cfg = {"compilerOptions": {"target": "es2020", "module": "commonjs", "strict": True, "rootDir": ".",
                                   "outDir": "out", "types": []},
               "include": ["consumer", "src"]}
        (work / "tsconfig.test.json").write_text(json.dumps(cfg))
        out = subprocess.run([tsc, "-p", "tsconfig.test.json"], cwd=work, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        return subprocess.run([node, "out/consumer/use.js"], cwd=work, capture_output=True, text=True)

    return build


def test_old_names_compile_work_and_warn(compiled):
    run = compiled(FIXTURE / "after", "declare const console: any;\n" + CONSUMER)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    # the old option key is read (one run with id 'a', not two): never silently ignored
    assert got == {"n": 1, "count": 1, "isJob": True, "id": "a", "s": "waiting", "mk": "id-3", "sub": "x#z", "key": "run:a"}
    for old, new in [("addJob", "addRun"), ("RunOptions.jobId", "RunOptions.runId"), ("Queue.getJobs", "Queue.getRuns"),
                     ("Queue.jobCount", "Queue.runCount"), ("Run.jobId", "Run.runId"), ("makeJobId", "makeRunId"),
                     ("Job", "Run")]:
        assert f"DeprecationWarning: {old} is deprecated: use {new} instead (removed in 2.0)" in run.stderr
    assert run.stderr.count("addJob is deprecated") == 1  # once per name


def test_subclass_overriding_an_old_method_is_still_called(compiled):
    consumer = """\
import { Queue, addJob } from '../src';

class Capped extends Queue<number> {
  getJobs() {
    return super.getJobs().slice(0, 1);
  }
}
const q = new Capped();
addJob(q, 1, { jobId: 'a' });
addJob(q, 2, { jobId: 'b' });
console.log(JSON.stringify({ viaNew: q.getRuns().length, viaOld: q.getJobs().length, count: q.runCount }));
"""
    run = compiled(FIXTURE / "after", "declare const console: any;\n" + consumer)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"viaNew": 1, "viaOld": 1, "count": 2}  # the package's call reaches the override
    assert "Queue.getJobs (overridden) is deprecated: use Queue.getRuns" in run.stderr


def test_new_names_do_not_warn(compiled):
    consumer = CONSUMER.replace("Job", "Run").replace("jobId", "runId").replace("jobCount", "runCount").replace("jobKey", "runKey")
    run = compiled(FIXTURE / "after", "declare const console: any;\n" + consumer)
    assert run.returncode == 0 and "Deprecation" not in run.stderr, run.stderr
    assert json.loads(run.stdout)["n"] == 1


def test_drop_leaves_a_package_that_compiles(compiled, tmp_path):
    from runsmig.compat.drop import drop_changes

    tree = tmp_path / "dropped"
    shutil.copytree(FIXTURE / "after", tree)
    for c in drop_changes(tree, "2.0"):
        if c.action == "delete":
            (tree / c.path).unlink()
        else:
            (tree / c.path).write_bytes(c.new)
    assert not (tree / "src" / "compat.ts").exists() and not (tree / "src" / "compat-runtime.ts").exists()
    assert "compat" not in (tree / "src" / "index.ts").read_text()
    assert "return opts.runId ??" in (tree / "src" / "classes" / "run.ts").read_text()
    consumer = CONSUMER.replace("Job", "Run").replace("jobId", "runId").replace("jobCount", "runCount").replace("jobKey", "runKey")
    run = compiled(tree, "declare const console: any;\n" + consumer)
    assert run.returncode == 0, run.stderr


# -- downstream ------------------------------------------------------------------------------

DOWNSTREAM = FIXTURE.parent / "ts-compat-downstream"
MAIN = """\
import { Queue } from 'tiny-queue';
import { count, enqueue, make } from './use';

declare const console: any;
const q = new Queue<number>();
enqueue(q, 'a');
enqueue(q, 'a');
console.log(JSON.stringify({ n: count(q), made: make().describe() }));
"""


def test_downstream_recipe_renames_only_the_library_names():
    from runsmig.compat.downstream import DownstreamSection
    from runsmig.languages.typescript.compat_downstream import downstream_text, maps_of

    section = DownstreamSection("tiny-queue", "2.0", {
        "export": {"tiny-queue:Job": "tiny-queue:Run"}, "member": {"tiny-queue:Queue.getJobs": "tiny-queue:Queue.getRuns"},
        "key": {"tiny-queue:RunOptions.jobId": "tiny-queue:RunOptions.runId"}})
    text = ("import { Job, Queue } from 'tiny-queue';\nclass Mine { getJobs() { return 1; } }\n"
            "const m = new Mine();\nm.getJobs();\nconst q = new Queue();\nq.getJobs();\n"
            "const jobId = 'x';\nq.add('n', 1, { jobId });\nconst Job2: Job = new Job();\n")
    new, n, _ = downstream_text("a.ts", text, "typescript", maps_of(section))
    assert new == ("import { Run, Queue } from 'tiny-queue';\nclass Mine { getJobs() { return 1; } }\n"
                   "const m = new Mine();\nm.getJobs();\nconst q = new Queue();\nq.getRuns();\n"
                   "const jobId = 'x';\nq.add('n', 1, { runId: jobId });\nconst Job2: Run = new Run();\n")


def test_downstream_new_name_taken_imports_under_the_old_name():
    from runsmig.compat.downstream import DownstreamSection
    from runsmig.languages.typescript.compat_downstream import downstream_text, maps_of

    section = DownstreamSection("tiny-queue", "2.0", {"export": {"tiny-queue:Job": "tiny-queue:Run"}})
    text = "import { Job } from 'tiny-queue';\nclass Run {}\nnew Job();\n"
    new, n, notes = downstream_text("a.ts", text, "typescript", maps_of(section))
    assert new == "import { Run as Job } from 'tiny-queue';\nclass Run {}\nnew Job();\n" and notes


@pytest.fixture()
def downstream_build(tmp_path):
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        _no_tsc()

    def build(library: Path, project: Path, name: str) -> subprocess.CompletedProcess:
        work = tmp_path / name
        lib = work / "node_modules" / "tiny-queue"
        shutil.copytree(library, lib)
        cfg = json.loads((lib / "tsconfig.json").read_text())
        cfg["compilerOptions"]["types"] = []
        (lib / "tsconfig.json").write_text(json.dumps(cfg))
        out = subprocess.run([tsc, "-p", "."], cwd=lib, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        shutil.copytree(project / "src", work / "src")
        (work / "src" / "main.ts").write_text(MAIN)
        (work / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
            "target": "es2020", "module": "commonjs", "strict": True, "outDir": "out", "types": []},
            "include": ["src"]}))
        out = subprocess.run([tsc, "-p", "."], cwd=work, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        return subprocess.run([node, "out/main.js"], cwd=work, capture_output=True, text=True)

    return build


def test_unchanged_downstream_works_with_warnings(downstream_build):
    run = downstream_build(FIXTURE / "after", DOWNSTREAM / "before", "unchanged")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"n": 2, "made": "n#id"}  # one row per add, the old key read
    assert "RunOptions.jobId is deprecated" in run.stderr and "addJob is deprecated" in run.stderr


def test_migrated_downstream_works_without_warnings(downstream_build):
    run = downstream_build(FIXTURE / "after", DOWNSTREAM / "after", "migrated")
    assert run.returncode == 0 and "Deprecation" not in run.stderr, run.stderr
    assert json.loads(run.stdout) == {"n": 2, "made": "n#id"}


def test_migrated_downstream_works_after_drop(downstream_build, tmp_path):
    from runsmig.compat.drop import drop_changes

    lib = tmp_path / "dropped-lib"
    shutil.copytree(FIXTURE / "after", lib)
    for c in drop_changes(lib, "2.0"):
        (lib / c.path).unlink() if c.action == "delete" else (lib / c.path).write_bytes(c.new)
    run = downstream_build(lib, DOWNSTREAM / "after", "after-drop")
    assert run.returncode == 0 and "Deprecation" not in run.stderr, run.stderr


# -- CLI flags -------------------------------------------------------------------------------

FLAGS = FIXTURE.parent / "ts-compat-cli-flags"


def test_cli_flags_of_the_bin_are_public():
    s = read_surface(*_tree(FLAGS / "before"))
    assert s.bins == ["src/cli.ts"] and s.flags == {"--job-id", "--keep-jobs", "--verbose"}


@pytest.fixture()
def cli(tmp_path):
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        _no_tsc()

    def build(tree: Path, name: str):
        work = tmp_path / name
        shutil.copytree(tree, work)
        out = subprocess.run([tsc, "-p", "."], cwd=work, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        return lambda *args: subprocess.run([node, "dist/cli.js", *args], cwd=work, capture_output=True, text=True)

    return build


def test_old_flags_work_and_warn(cli):
    run = cli(FLAGS / "after", "aliased")
    old = run("--job-id", "7", "--keep-jobs", "--verbose")
    assert old.returncode == 0 and json.loads(old.stdout) == {"run-id": "7", "keep-runs": True, "verbose": True}
    assert "--job-id is deprecated: use --run-id instead (removed in 1.0)" in old.stderr
    assert "--keep-jobs is deprecated: use --keep-runs instead" in old.stderr
    inline = run("--job-id=8")
    assert json.loads(inline.stdout) == {"run-id": "8"}
    new = run("--run-id", "9")
    assert new.returncode == 0 and json.loads(new.stdout) == {"run-id": "9"} and "Deprecation" not in new.stderr


def test_old_flags_fail_loudly_after_drop(cli, tmp_path):
    from runsmig.compat.drop import drop_changes

    tree = tmp_path / "dropped-cli"
    shutil.copytree(FLAGS / "after", tree)
    for c in drop_changes(tree, "1.0"):
        (tree / c.path).unlink() if c.action == "delete" else (tree / c.path).write_bytes(c.new)
    run = cli(tree, "dropped")
    old = run("--job-id", "7")
    assert old.returncode != 0 and "unknown option '--job-id'" in old.stderr
    assert json.loads(run("--run-id", "7").stdout) == {"run-id": "7"}


STYLE = FIXTURE.parent / "ts-compat-style"


def test_constraints_on_global_names_are_kept_and_compile(compiled):
    """A type parameter constrained by a ``declare global`` namespace keeps its constraint in the
    alias (no import needed; ``= any`` would not satisfy the target's constraint: TS2344)."""
    compat = (STYLE / "after" / "src" / "compat.ts").read_text()
    assert "export type JobSpec<\n  TIdentifier extends keyof StyleQueue.Tasks | (string & {}) = string,\n>" in compat
    consumer = ("declare const console: any;\n"
                "import { JobSpec, addJob } from '../src';\n"
                "const spec: JobSpec<'send'> = { identifier: 'send' };\n"
                "console.log(addJob(spec));\n")
    run = compiled(STYLE / "after", consumer)
    assert run.returncode == 0 and run.stdout.strip() == "added:send"


def test_generated_code_takes_the_packages_quotes_and_print_width():
    compat = (STYLE / "after" / "src" / "compat.ts").read_text()
    runtime = (STYLE / "after" / "src" / "compat-runtime.ts").read_text()
    code = [ln for ln in (compat + runtime).splitlines() if not ln.lstrip().startswith(("//", "/*", "*"))]
    assert not any("'" in ln for ln in code)  # the package writes double quotes
    assert 'export * from "./compat";' in (STYLE / "after" / "src" / "index.ts").read_text()
    # past 80 columns: an import one name a line, a type alias broken after '='
    assert "import type {\n  RunEventEmitterConfiguration,\n" in compat
    assert ("export type JobHelpersForLongNamedTaskRunners =\n  RunHelpersForLongNamedTaskRunners;") in compat
    assert all(len(ln) <= 80 for ln in compat.splitlines() if not ln.startswith(("//", "/*")))  # code, not comments
    # the runtime's statements are left to no formatter, whatever its settings
    lines = runtime.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.startswith(("export function", "function "))]
    assert starts and all(lines[i - 1] == "// prettier-ignore" for i in starts)
