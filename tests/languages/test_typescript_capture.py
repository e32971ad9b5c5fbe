"""Capture in every TypeScript scope (issue #19, item 3): a rename into a name that an enclosing or
enclosed scope declares at one of the uses is a ``conflict`` (that binding keeps its name, all its
uses with it), both ways: an inner declaration of the new name would capture the renamed binding's
uses, or the renamed binding would hide an outer declaration of the new name from a use."""

from __future__ import annotations

import pytest

from tests.languages.test_typescript import analyze, rewritten

CAPTURED = {
    # (a) an inner declaration of the new name would capture the renamed binding's uses
    "block_const": """
const jobPromises: Promise<number>[] = [];
export function wait(): number {
  {
    const runPromises = [1];
    jobPromises.push(Promise.resolve(runPromises.length));
  }
  return jobPromises.length;
}
""",
    "function_parameter": """
const jobs = [1];
export function f(runs: number): number { return jobs.length + runs; }
""",
    "arrow_parameter": """
const jobs = [1];
export const f = (runs: number) => jobs.length + runs;
""",
    "arrow_bare_parameter": """
const jobs = [1];
export const f = runs => jobs.concat(runs);
""",
    "catch_clause": """
const jobError = 1;
try { JSON.parse("x"); } catch (runError) { console.log(jobError, runError); }
""",
    "for_let": """
const jobIndex = 1;
for (let runIndex = 0; runIndex < 2; runIndex++) { console.log(jobIndex, runIndex); }
""",
    "for_of_destructuring": """
const jobKey = "a";
const m = new Map<string, number>();
for (const [runKey, v] of m) { console.log(jobKey, runKey, v); }
""",
    "destructured_parameter": """
const jobName = "x";
export function f({ runName }: { runName: string }): string { return jobName + runName; }
""",
    "method_local": """
const jobLimit = 1;
export class K { m(): number { const runLimit = 2; return jobLimit + runLimit; } }
""",
    "hoisted_function_declaration": """
const jobCount = 1;
export function f(): number { return jobCount + runCount(); function runCount() { return 2; } }
""",
    "hoisted_var": """
const jobTotal = 1;
export function f(x: boolean): number { if (x) { var runTotal = 2; } return jobTotal + (runTotal ?? 0); }
""",
    "class_in_block": """
const JobBox = 1;
export function f(): number { class RunBox {} return JobBox + (RunBox ? 0 : 1); }
""",
    "type_parameter": """
interface JobSpec { a: number }
export function f<RunSpec>(x: RunSpec): JobSpec { return x as unknown as JobSpec; }
""",
    "type_alias_in_block": """
type JobRow = { a: 1 };
export function f(): JobRow { type RunRow = number; const r: JobRow = { a: 1 }; const n: RunRow = 1; return n ? r : r; }
""",
    "shorthand_property": """
const jobId = "j";
export function f(runId: string) { return { jobId, runId }; }
""",
    # (b) the renamed binding would hide an outer declaration of the new name
    "closure_reads_outer": """
const runs = 3;
export function f(): number { const jobs = 2; return jobs + (() => runs)(); }
""",
    "inner_function_reads_outer": """
const runs = 3;
export function f(): number {
  const jobs = 2;
  return jobs + inner();
  function inner(): number { return runs; }
}
""",
    "parameter_hides_outer": """
const runMode = 1;
export function f(jobMode: number): number { return runMode + jobMode; }
""",
    "catch_hides_outer": """
const runError = 1;
try { JSON.parse("x"); } catch (jobError) { console.log(runError, jobError); }
""",
    "type_hides_outer_type": """
type RunSpec = { a: number };
export function f<JobSpec>(x: JobSpec): RunSpec { return x as unknown as RunSpec; }
""",
    # found by the long property run: a catch parameter and a declaration of its block are one scope
    "catch_parameter_redeclared": """
try { JSON.parse("x"); } catch (jobError) {
  const runError = 1;
  console.log(runError);
}
""",
    "var_through_a_loop_binding": """
for (const jobId of ["a"]) {
  var runId = "b";
  console.log(jobId, runId);
}
""",
}

NOT_CAPTURED = {
    "sibling_functions": ("""
export function a(): number { const runs = 1; return runs; }
export function b(): number { const jobs = 2; return jobs; }
""", "const runs = 2; return runs;"),
    # a type of the new name does not capture a value, nor a member a variable
    "type_namespace_apart": ("""
const jobItem = 1;
export function f() { type runItem = string; const x: runItem = "a"; return [x, jobItem]; }
""", "return [x, runItem]"),
    "members_are_not_bindings": ("""
const jobs = 1;
export const o = { runs: 2, f() { return jobs; } };
export class K { runs = 3; m() { return jobs + this.runs; } }
""", "m() { return runs + this.runs; }"),
    "both_renamed_alike": ("""
const jobs: number[] = [];
export function f(jobs: number[]): number[] { return jobs; }
""", "export function f(runs: number[]): number[] { return runs; }"),
    "block_scoped_apart": ("""
export function f(): number {
  { const runs = 1; console.log(runs); }
  const jobs = 2;
  return jobs;
}
""", "const runs = 2;"),
}


def _conflicts(a) -> list[str]:
    return [f.message for f in a.findings if f.rule == "conflict"]


@pytest.mark.parametrize("name", sorted(CAPTURED))
def test_capture_is_a_conflict_and_the_binding_keeps_its_name(tmp_path, name):
    text = CAPTURED[name].lstrip("\n")
    a, _ = analyze(tmp_path, {"src/a.ts": text}, "src/a.ts")
    assert not a.failed, a.failed
    assert rewritten(a, text) == text
    assert any("would change what a name refers to" in m for m in _conflicts(a)), _conflicts(a)


def test_jsx_component_captured_by_a_parameter(tmp_path):
    text = ("const JobCard = () => null;\n"
            "export function f(RunCard: unknown) { return <div><JobCard />{String(RunCard)}</div>; }\n")
    a, _ = analyze(tmp_path, {"src/a.tsx": text}, "src/a.tsx")
    assert rewritten(a, text) == text
    assert _conflicts(a)


def test_renamed_local_would_hide_an_import(tmp_path):
    files = {"src/q.ts": "export const runQueue = 1;\n",
             "src/a.ts": ('import { runQueue } from "./q";\n'
                          "export function f(): number { const jobQueue = 1; return runQueue + jobQueue; }\n")}
    a, _ = analyze(tmp_path, files, "src/a.ts")
    assert rewritten(a, files["src/a.ts"]) == files["src/a.ts"]
    assert _conflicts(a)


def test_only_the_capturing_binding_is_kept(tmp_path):
    """Another binding of the same name elsewhere in the file is still renamed."""
    text = ("export function a(runs: number): number { { const jobs = 1; return jobs + runs; } }\n"
            "export function b(): number { const jobs = 2; return jobs; }\n"
            "// the jobs\n")
    a, _ = analyze(tmp_path, {"src/a.ts": text}, "src/a.ts")
    assert not a.failed, a.failed
    assert rewritten(a, text) == (
        "export function a(runs: number): number { { const jobs = 1; return jobs + runs; } }\n"
        "export function b(): number { const runs = 2; return runs; }\n"
        "// the runs\n")
    assert len(_conflicts(a)) == 2  # the declaration and its use


@pytest.mark.parametrize("name", sorted(NOT_CAPTURED))
def test_no_capture_is_renamed(tmp_path, name):
    src, expected = NOT_CAPTURED[name]
    text = src.lstrip("\n")
    a, _ = analyze(tmp_path, {"src/a.ts": text}, "src/a.ts")
    out = rewritten(a, text)
    assert expected in out, out
    assert "job" not in out.lower(), out
    assert not _conflicts(a)


def test_kept_shorthand_binding_keeps_its_name_and_its_key_follows(tmp_path):
    """Found by the long property run: ``{ JobBox }`` kept whole would read a key that the object
    literal no longer has; the key follows the term map like every other key."""
    text = ('const { JobBox } = { JobBox: "d1" };\n'
            "{\n  class RunBox {}\n  console.log(JobBox, RunBox, { JobBox });\n}\n")
    a, _ = analyze(tmp_path, {"src/a.ts": text}, "src/a.ts")
    assert rewritten(a, text) == ('const { RunBox: JobBox } = { RunBox: "d1" };\n'
                                  "{\n  class RunBox {}\n  console.log(JobBox, RunBox, { RunBox: JobBox });\n}\n")
    assert _conflicts(a)
