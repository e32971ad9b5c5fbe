"""Fallback reads of old option keys (issue #22) where runsmig cannot establish the type of the object
read: contextually typed parameters, ``any``, objects loaded at run time. A read is left alone only
when the object's type is known here and is none of the option types."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from runsmig.languages.typescript.compat_reads import Key, fallback_reads, undo_reads
from tests.languages.test_typescript_compat import _no_tsc, _tsc

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ts-compat-untyped-option-reads"
KEYS = [Key("TaskSpec", "jobKey", "runKey"), Key("TaskSpec", "jobKeyMode", "runKeyMode"),
        Key("Helpers", "addJob", "addRun")]
TYPES = {"TaskSpec", "Helpers", "AddRunFunction"}


def _reads(src: str) -> str:
    out, _, _ = fallback_reads("src/a.ts", src, KEYS, "src/compat-runtime.ts", "", TYPES)
    return out.split("\n", 1)[1] if out.startswith("import { compatRead }") else out


def test_contextually_typed_parameter_with_a_default_reads_the_old_key():
    src = ("export function makeAddRun(): AddRunFunction {\n"
           "  return (identifier, payload, spec = {}) => spec.runKey || spec?.runKeyMode;\n}\n")
    assert _reads(src) == ("export function makeAddRun(): AddRunFunction {\n  return (identifier, payload, spec = {}) => "
                           "compatRead(spec, 'runKey', 'TaskSpec') || compatRead(spec, 'runKeyMode', 'TaskSpec', true);\n}\n")


def test_untyped_loaded_object_read_with_optional_chaining():
    src = "const loaded = JSON.parse(text);\nconst config = loaded?.worker;\nexport const n = config?.runKey ?? 1;\n"
    assert "compatRead(config, 'runKey', 'TaskSpec', true) ?? 1" in _reads(src)


@pytest.mark.parametrize("decl", ["o: any", "o: Record<string, any>", "o: unknown as never", "o?: {}", "o: T"])
def test_any_like_annotations_are_not_known(decl):
    src = f"function f<T>({decl.replace(' as never', '')}) {{ return o.runKey; }}\n"
    assert "compatRead(o, 'runKey', 'TaskSpec')" in _reads(src)


@pytest.mark.parametrize("src", [
    "function f(o: KeyRecord) { return o.runKey; }\n",
    "function f(o: { runKey: string }) { return o.runKey; }\n",
    "function f(o: Row<T>[]) { return o.runKey; }\n",
    "const o = new KeyRecord('k');\nexport const k = o.runKey;\n",
    "const o = { runKey: 'k' };\nexport const k = o.runKey;\n",
    "const rows: KeyRecord[] = [];\nexport const k = rows.find((r) => r.runKey === 'k');\n",
    "const rows: KeyRecord[] = [];\nexport const k = rows.some(r => r.runKey === 'k');\n",
    "export const k = (x as KeyRecord).runKey;\n",
    "import * as ns from './x';\nexport const k = ns.runKey;\n",
])
def test_a_known_type_that_is_no_option_type_is_left_alone(src):
    assert _reads(src) == src


def test_callbacks_over_options_and_object_spreads_read_the_old_key():
    src = ("const specs: TaskSpec[] = [];\nexport const a = specs.map((s) => s.runKey);\n"
           "export function g(o: KeyRecord) { const copy = { ...o }; return copy.runKey; }\n")
    out = _reads(src)
    assert "compatRead(s, 'runKey', 'TaskSpec')" in out and "compatRead(copy, 'runKey', 'TaskSpec')" in out


def test_the_innermost_declaration_decides():
    src = ("export function f(spec) {\n  { const spec = new KeyRecord(); use(spec.runKey); }\n"
           "  return spec.runKey;\n}\n")
    out = _reads(src)
    assert "use(spec.runKey)" in out and "return compatRead(spec, 'runKey', 'TaskSpec');" in out


def test_writes_calls_and_this_are_left_alone():
    src = ("export async function f(utils, spec) {\n  spec.runKey = 'a';\n  spec.runKey ??= 'b';\n"
           "  await utils.addRun<T>('x');\n  utils.addRun!('y');\n  (utils.addRun)('z');\n  utils?.addRun?.('w');\n"
           "  delete spec.runKey;\n  return this.runKey;\n}\n")
    assert _reads(src) == src


def test_a_method_read_as_a_value_reads_the_old_key_and_undo_restores_it():
    src = "export function f(utils) {\n  return [utils.addRun, utils?.runKey];\n}\n"
    out = _reads(src)
    assert out == ("export function f(utils) {\n  return [compatRead(utils, 'addRun', 'Helpers'), "
                   "compatRead(utils, 'runKey', 'TaskSpec', true)];\n}\n")
    assert undo_reads("src/a.ts", out) == src


def test_typed_receivers_keep_their_reads():
    src = "export function d(spec: TaskSpec, h: Helpers) { return [spec.runKey, h.addRun]; }\n"
    assert _reads(src) == ("export function d(spec: TaskSpec, h: Helpers) { return [compatRead(spec, 'runKey', "
                           "'TaskSpec'), compatRead(h, 'addRun', 'Helpers')]; }\n")


CONSUMER = """\
import { StoredRun, makeAddJob, settingsFrom } from '../src';

declare const console: any;
const store: StoredRun[] = [];
const addJob = makeAddJob(store);
addJob('task', {}, { jobKey: 'K' });
addJob('task', { again: true }, { jobKey: 'K' });
const settings = settingsFrom('{"worker": {"concurrentJobs": 5}}');
console.log(JSON.stringify({ rows: store.length, keys: store.map((r) => r.key), concurrency: settings.concurrentRuns,
  poll: settings.pollInterval }));
"""


def test_old_keys_through_untyped_reads_work_and_warn(tmp_path):
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        _no_tsc()
    work = tmp_path / "build"
    shutil.copytree(FIXTURE / "after", work)
    (work / "consumer").mkdir()
    (work / "consumer" / "use.ts").write_text(CONSUMER)
    cfg = {"compilerOptions": {"target": "es2020", "module": "commonjs", "strict": True, "rootDir": ".",
                               "outDir": "out", "types": []}, "include": ["consumer", "src"]}
    (work / "tsconfig.test.json").write_text(json.dumps(cfg))
    out = subprocess.run([tsc, "-p", "tsconfig.test.json"], cwd=work, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    run = subprocess.run([node, "out/consumer/use.js"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # one row keyed K (the old key is read, never silently ignored); the config file's old key is honoured
    assert json.loads(run.stdout) == {"rows": 1, "keys": ["K"], "concurrency": 5, "poll": 2000}
    assert "TaskSpec.jobKey is deprecated: use TaskSpec.runKey" in run.stderr
    assert "WorkerSettings.concurrentJobs is deprecated: use WorkerSettings.concurrentRuns" in run.stderr


# -- interfaces of a declare global block ------------------------------------------------------

GLOBAL = FIXTURE.parent / "ts-compat-global-option-keys"


def _tree(root: Path):
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return files, lambda rel: (root / rel).read_text() if rel in files else None


def test_a_declare_global_interface_is_public_and_its_renamed_keys_are_aliased():
    from runsmig.languages.typescript.compat_surface import read_surface, renamed

    files, read = _tree(GLOBAL / "after")
    planned = {f for f in files if "compat" not in f}  # the renamed tree, before its compat files are written
    after_index = read("src/index.ts").split("// runsmig: compat begin")[0]
    before = read_surface(*_tree(GLOBAL / "before"))
    after = read_surface(planned, lambda rel: after_index if rel == "src/index.ts" else read(rel) if rel in planned
                         else None)
    merged = read_surface(files, read).globals["TinyPool.PoolOptions"]  # with the compat module's declaration
    assert {"concurrentJobs", "concurrentRuns"} <= set(merged.members)
    d = before.globals["TinyPool.PoolOptions"]
    assert d.global_path == ("TinyPool",) and d.members == {"concurrentJobs": "property", "pollInterval": "property"}
    _, members = renamed(before, after, lambda s: s.replace("Job", "Run").replace("job", "run"))
    assert [(m.owner, m.old, m.new) for m in members] == [("TinyPool.PoolOptions", "concurrentJobs", "concurrentRuns")]
    compat = (GLOBAL / "after" / "src" / "compat.ts").read_text()
    assert "declare global {\n  namespace TinyPool {\n    interface PoolOptions {\n" in compat
    assert "concurrentJobs?: TinyPool.PoolOptions['concurrentRuns'];" in compat and "export {};" in compat


GLOBAL_CONSUMER = """\
import { poolSettings, poolSize, resolveSettings } from '../src';

declare const console: any;
const preset: TinyPool.PoolOptions = { concurrentJobs: 3 };
console.log(JSON.stringify({ file: poolSettings('{"concurrentJobs": 4}').concurrentRuns,
  preset: resolveSettings(preset).concurrentRuns, none: poolSettings('{}').concurrentRuns,
  size: poolSize({ pool: { concurrentJobs: 7 } }), sizeNone: poolSize({}) }));
"""


def _build(tree: Path, consumer: str, tmp_path: Path) -> subprocess.CompletedProcess:
    tsc, node = _tsc(), shutil.which("node")
    if tsc is None or node is None:
        _no_tsc()
    work = tmp_path / ("build-" + tree.name)
    shutil.copytree(tree, work)
    (work / "consumer").mkdir()
    (work / "consumer" / "use.ts").write_text(consumer)
    cfg = {"compilerOptions": {"target": "es2020", "module": "commonjs", "strict": True, "rootDir": ".",
                               "outDir": "out", "types": []}, "include": ["consumer", "src"]}
    (work / "tsconfig.test.json").write_text(json.dumps(cfg))
    out = subprocess.run([tsc, "-p", "tsconfig.test.json"], cwd=work, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return subprocess.run([node, "out/consumer/use.js"], cwd=work, capture_output=True, text=True)


def test_old_keys_of_a_global_interface_compile_work_and_warn(tmp_path):
    run = _build(GLOBAL / "after", GLOBAL_CONSUMER, tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"file": 4, "preset": 3, "none": 1, "size": 7, "sizeNone": 1}
    assert "TinyPool.PoolOptions.concurrentJobs is deprecated: use TinyPool.PoolOptions.concurrentRuns" in run.stderr


def test_drop_of_global_aliases_leaves_a_package_that_compiles(tmp_path):
    from runsmig.compat.drop import drop_changes

    tree = tmp_path / "dropped"
    shutil.copytree(GLOBAL / "after", tree)
    for c in drop_changes(tree, "1.0"):
        if c.action == "delete":
            (tree / c.path).unlink()
        else:
            (tree / c.path).write_bytes(c.new)
    assert not (tree / "src" / "compat.ts").exists()
    assert "config?.concurrentRuns ?? 1" in (tree / "src" / "settings.ts").read_text()
    assert "pool: { concurrentRuns: size = 1, pollInterval } = {}," in (tree / "src" / "settings.ts").read_text()
    consumer = GLOBAL_CONSUMER.replace("concurrentJobs: 3", "concurrentRuns: 3").replace("concurrentJobs: 7",
                                                                                        "concurrentRuns: 7")
    run = _build(tree, consumer, tmp_path)
    assert run.returncode == 0 and "Deprecation" not in run.stderr, run.stderr
    assert json.loads(run.stdout) == {"file": 1, "preset": 3, "none": 1, "size": 7, "sizeNone": 1}  # old key unread


def test_a_function_written_as_a_function_type_of_the_package_has_its_parameter_types():
    keys = [Key("AddRunsRunSpec", "jobKey", "runKey"), Key("TaskSpec", "jobKey", "runKey")]
    sigs = {"AddRunFunction": ["string", "unknown", "TaskSpec"], "AddRunsFunction": ["AddRunsRunSpec[]", "boolean"]}
    src = ("export function makeAddRun(): AddRunFunction {\n  return (identifier, payload, spec = {}) => spec.runKey;\n}\n"
           "export const f: AddRunsFunction = (specs, keep) => specs.map((s) => s.runKey + keep.runKey);\n"
           "export const h: (a: KeyRecord) => string = (a) => a.runKey;\n")
    out, n, _ = fallback_reads("src/a.ts", src, keys, "src/compat-runtime.ts", "", {"TaskSpec", "AddRunsRunSpec"},
                               "", sigs)
    # the deprecation names the interface the caller filled; a parameter of a known other type is left alone
    assert "=> compatRead(spec, 'runKey', 'TaskSpec');" in out
    assert "compatRead(s, 'runKey', 'AddRunsRunSpec') + keep.runKey" in out
    assert "(a) => a.runKey;" in out and n == 2


def test_signatures_reads_the_function_type_aliases():
    from runsmig.languages.typescript.compat_reads import signatures

    text = "export type AddRunFunction = (identifier: string, payload?: unknown, spec?: TaskSpec) => Run;\n" \
           "export type Other = { a: string };\n" \
           "export type AddRunsFunction = <S extends readonly AddRunsRunSpec[], T>(\n  /** the specs */\n" \
           "  specs: S,\n  // the flag\n  keep?: boolean,\n  extra?: T,\n) => Promise<Run[]>;\n"
    assert signatures({"src/i.ts": text}) == {"AddRunFunction": ["string", "unknown", "TaskSpec"],
                                              "AddRunsFunction": ["(readonly AddRunsRunSpec[])", "boolean", ""]}


def test_a_destructuring_without_an_object_to_read_is_listed():
    src = "function f({ runKey = 'k', runKeyMode: mode }: TaskSpec) {}\nfor (const { runKey } of specs) {}\n"
    out, n, notes = fallback_reads("src/a.ts", src, KEYS, "src/compat-runtime.ts", "", TYPES)
    assert out == src and n == 0
    assert [n.split(": ", 1)[1].split(";")[0] for n in notes] == ["'runKey' is read by destructuring",
                                                                  "'runKeyMode' is read by destructuring",
                                                                  "'runKey' is read by destructuring"]


def test_a_destructured_new_key_defaults_to_the_old_one_and_undo_restores_it():
    src = ("const {\n  logger,\n  preset: {\n    worker: { runKey: key, nested: { a } = {}, runKeyMode = 'replace' },\n"
           "  },\n} = options;\nconst { addRun } = this.helpers;\nconst { runKey: known } = new KeyRecord();\n")
    out = _reads(src)
    assert out == ("const {\n  logger,\n  preset: {\n    worker: { runKey: key = compatRead(options?.preset?.worker, "
                   "'runKey', 'TaskSpec'), nested: { a } = {}, runKeyMode = compatRead(options?.preset?.worker, "
                   "'runKeyMode', 'TaskSpec') ?? 'replace' },\n  },\n} = options;\n"
                   "const { addRun = compatRead(this.helpers, 'addRun', 'Helpers') } = this.helpers;\n"
                   "const { runKey: known } = new KeyRecord();\n")
    assert undo_reads("src/a.ts", out) == src


def test_a_callback_over_a_parameter_typed_by_a_generic_function_type():
    from runsmig.languages.typescript.compat_reads import signatures

    sigs = signatures({"src/i.ts": "export type AddRunsFunction = <S extends readonly TaskSpec[]>(\n"
                                   "  // the specs\n  specs: S,\n  keep?: boolean,\n) => Promise<Run[]>;\n"})
    src = ("export function makeAddRuns(): AddRunsFunction {\n  return (specs, keep) =>\n"
           "    go(specs.map((spec): DbSpec => ({ key: spec.runKey, keep: keep.runKey })));\n}\n")
    out, n, _ = fallback_reads("src/a.ts", src, KEYS, "src/compat-runtime.ts", "", TYPES, "", sigs)
    assert "key: compatRead(spec, 'runKey', 'TaskSpec'), keep: keep.runKey" in out and n == 1


def test_a_drop_before_the_removal_release_leaves_the_fallback_reads(tmp_path):
    """The reads of old option keys go with the runtime that defines their helper, never before it:
    undone while the aliases stay, an old key a caller passes would be silently ignored again."""
    from runsmig.compat.drop import drop_changes

    tree = tmp_path / "kept"
    shutil.copytree(GLOBAL / "after", tree)
    early = drop_changes(tree, "0.1")  # the aliases are removed in a later release
    assert not [c for c in early if "compatRead" in (c.old or b"").decode()], [c.path for c in early]
    late = {c.path: c for c in drop_changes(tree, "1.0")}
    assert late["src/compat.ts"].action == "delete" and "src/settings.ts" in late


def test_a_default_of_its_own_is_parenthesized_only_where_precedence_needs_it():
    src = ("const {\n  runKey = -1,\n  runKeyMode = fallback || 'replace',\n  addRun = a ?? b,\n"
           "  runKey: k = pick(x).y + 1,\n} = opts;\n")
    out = _reads(src)
    assert "compatRead(opts, 'runKey', 'TaskSpec') ?? -1,\n" in out
    assert "compatRead(opts, 'runKeyMode', 'TaskSpec') ?? (fallback || 'replace'),\n" in out
    assert "compatRead(opts, 'addRun', 'Helpers') ?? (a ?? b),\n" in out
    assert "k = compatRead(opts, 'runKey', 'TaskSpec') ?? pick(x).y + 1,\n" in out
    assert undo_reads("src/a.ts", out) == src
