"""Bounded cost per file (issue #20, item 6) and recipe steps that fail their file, never the run
(item 2, plan/apply half).

* A file over ``max-file-size``, or with a line over ``max-line-length``, is never parsed: its
  content is scanned as text, in chunks, with the term matcher; findings have kind ``text`` and
  say why; ``plan``/``apply`` leave it as it is and list it as a follow-up.
* A recipe transform that hangs, raises SystemExit / KeyboardInterrupt / BaseException, or ends
  its process fails that file (exit 3, naming the transform); the other files are still done.

Limits are made small through the configuration; no test measures time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runsmig.recipe import load_recipe
from runsmig.terms import TermEngine
from tests.helpers import files, git, runsmig

RECIPE = "version: 1\nname: bounded\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
BUNDLE = "var a=1;" * 1500 + 'function jobRunner(){return "job"}' + "var b=2;" * 1500 + "\n"  # one 24 KB line
SMALL = "def load_job(job_id):\n    return job_id\n"


def _checkout(tmp_path: Path, extra: dict[str, str], pyproject: str = "", transforms: dict[str, str] | None = None):
    root = tmp_path / "co"
    root.mkdir()
    rec = tmp_path / "rec"
    (rec / "transforms").mkdir(parents=True)
    (rec / "recipe.yaml").write_text(RECIPE, "utf-8")
    for name, body in (transforms or {}).items():
        (rec / "transforms" / f"{name}.py").write_text(body, "utf-8")
    for rel, text in {"small.py": SMALL, **extra}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    if pyproject:
        (root / "pyproject.toml").write_text("[tool.runsmig]\n" + pyproject, "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root, rec


def _check_json(root: Path, rec: Path, *more: str):
    proc = runsmig("check", str(root), "--no-job-terms", "--recipe", str(rec), "--format", "json", "--no-cache", *more)
    return proc.returncode, json.loads(proc.stdout), proc.stderr.decode()


# -- files too large to parse ---------------------------------------------------------------------
def test_a_long_line_file_is_scanned_as_text_not_parsed(tmp_path):
    root, rec = _checkout(tmp_path, {"bundle.js": BUNDLE})
    rc, rep, err = _check_json(root, rec)
    assert rc == 1, err
    mine = [f for f in rep["findings"] if f["path"] == "bundle.js"]
    assert [(f["line"], f["col"], f["text"], f["kind"]) for f in mine] == [
        (1, 12010, "job", "text"), (1, 12030, "job", "text")]
    assert all("not parsed" in f["message"] and "max-line-length" in f["message"] for f in mine)
    assert rep["not_parsed"] == [{"path": "bundle.js",
                                  "reason": "line 1 is 24,034 bytes long, over max-line-length 10,000"}]
    assert {f["kind"] for f in rep["findings"] if f["path"] == "small.py"} == {"identifier"}  # still parsed
    recon = rep["summary"]["reconciliation"]
    assert recon["raw_occurrences_total"] == recon["term_findings_in_content"] + recon["not_the_term"]


def test_a_file_over_the_size_limit_is_scanned_as_text_in_chunks(tmp_path, monkeypatch):
    big = "".join(f"def f{i}():\n    return 'job {i}'\n" for i in range(300))  # about 9 KB
    root, rec = _checkout(tmp_path, {"big.py": big}, pyproject='max-file-size = "4 KB"\n')
    rc, rep, err = _check_json(root, rec)
    assert rc == 1, err
    mine = [f for f in rep["findings"] if f["path"] == "big.py"]
    assert len(mine) == 300 and {f["kind"] for f in mine} == {"text"}
    assert mine[7]["line"] == 16 and mine[7]["col"] == 13
    assert rep["not_parsed"][0]["reason"].endswith("over max-file-size (512 bytes for this file)")  # 4 KB / 8 for Python


def test_plan_and_apply_leave_a_file_not_parsed_as_it_is_and_list_it(tmp_path):
    root, rec = _checkout(tmp_path, {"bundle.js": BUNDLE})
    proc = runsmig("plan", str(root), "--recipe", str(rec), "--no-cache")
    assert proc.returncode == 0, proc.stderr.decode()
    diff, err = proc.stdout.decode(), proc.stderr.decode()
    assert "small.py" in diff and "bundle.js" not in diff
    assert re.search(r"term: bundle\.js:1:12010 \(\+\d+ more in this file\): text 'job' -> 'run' in a file not parsed \(line 1 is 24,034 bytes", err)
    assert "note: bundle.js: not parsed (line 1 is 24,034 bytes long, over max-line-length 10,000)" in err
    before = files(root)
    assert runsmig("apply", str(root), "--recipe", str(rec), "--no-cache").returncode == 0
    after = files(root)
    assert after["bundle.js"] == before["bundle.js"] and after["small.py"] != before["small.py"]


def test_the_limits_are_configurable_by_setting_and_environment(tmp_path, monkeypatch):
    root, rec = _checkout(tmp_path, {"bundle.js": BUNDLE}, pyproject="max-line-length = 100000\n")
    rc, rep, _ = _check_json(root, rec)
    assert rep["not_parsed"] == [] and {f["kind"] for f in rep["findings"] if f["path"] == "bundle.js"} != {"text"}
    monkeypatch.setenv("RUNSMIG_MAX_LINE_LENGTH", "5000")  # the environment wins over the checkout's setting
    rc, rep, _ = _check_json(root, rec)
    assert [p["path"] for p in rep["not_parsed"]] == ["bundle.js"]
    monkeypatch.setenv("RUNSMIG_MAX_LINE_LENGTH", "")
    monkeypatch.setenv("RUNSMIG_MAX_FILE_SIZE", "20")  # even small.py is over it now
    rc, rep, _ = _check_json(root, rec)
    assert sorted(p["path"] for p in rep["not_parsed"]) == ["bundle.js", "small.py"]


@pytest.mark.parametrize("line, message", [
    ('max-file-size = "lots"', "tool.runsmig.max-file-size: expected a size in bytes (10000) or with a unit ('2 MB'), "
                               "got a string ('lots')"),
    ("max-line-length = 0", "tool.runsmig.max-line-length: expected a whole number of bytes >= 1, got a number (0)"),
    ("transform-timeout = -1", "tool.runsmig.transform-timeout: expected a number of seconds > 0, got a number (-1)"),
])
def test_a_malformed_limit_setting_is_an_error_naming_its_line(tmp_path, line, message):
    root, rec = _checkout(tmp_path, {}, pyproject=line + "\n")
    proc = runsmig("check", str(root), "--no-job-terms", "--recipe", str(rec))
    assert proc.returncode == 2
    assert f"pyproject.toml:2:1: {message}" in proc.stderr.decode()


def test_a_malformed_limit_in_the_environment_is_a_usage_error(tmp_path, monkeypatch):
    root, rec = _checkout(tmp_path, {})
    monkeypatch.setenv("RUNSMIG_TRANSFORM_TIMEOUT", "soon")
    proc = runsmig("check", str(root), "--no-job-terms", "--recipe", str(rec))
    assert proc.returncode == 2
    assert "$RUNSMIG_TRANSFORM_TIMEOUT: expected a number of seconds > 0, got 'soon'" in proc.stderr.decode()


def _scan(text: str, recipe, chunk: int, monkeypatch):
    from runsmig.runner import textscan
    from runsmig.runner.outcome import FileOutcome

    monkeypatch.setattr(textscan, "CHUNK", chunk)
    out = FileOutcome("a.txt", "a.txt", "unchanged")
    return textscan.scan_bytes(text.encode(), out, TermEngine.from_recipe(recipe), recipe, "test")


def test_the_text_scan_finds_the_same_whatever_the_chunk_size(tmp_path, monkeypatch):
    (tmp_path / "r.yaml").write_text(RECIPE + "allowlist:\n  - {paths: ['*.txt'], pattern: 'KEEP', reason: kept}\n",
                                     "utf-8")
    recipe = load_recipe(tmp_path / "r.yaml")
    text = ("jobs and subjobs, JOB_ID, jobserver é job\n" * 3 + "x" * 300 + " job " + "y" * 300 + " jobs\n"
            + "job  # runsmig: ignore\n# runsmig: ignore-next-line\nJobs again\nKEEP job\n") * 4
    whole = _scan(text, recipe, 1 << 20, monkeypatch)
    assert [(f.line, f.col, f.text) for f in whole.reported][:4] == [(1, 1, "jobs"), (1, 19, "JOB"), (1, 39, "job"),
                                                                   (2, 1, "jobs")]
    assert whole.coverage == {"term": 44, "suppressed": 8, "allowed": 4}
    assert len(whole.non_term) == 24 and whole.raw == 80
    for chunk in (7, 64, 100, 333):
        part = _scan(text, recipe, chunk, monkeypatch)
        assert [(f.line, f.col, f.text) for f in part.reported] == [(f.line, f.col, f.text) for f in whole.reported]
        assert part.coverage["term"] == whole.coverage["term"] and part.raw == whole.raw
        assert part.coverage["suppressed"] == whole.coverage["suppressed"]
        assert part.non_term == whole.non_term


def test_a_file_with_many_occurrences_lists_a_bounded_number(tmp_path, monkeypatch):
    (tmp_path / "r.yaml").write_text(RECIPE, "utf-8")
    recipe = load_recipe(tmp_path / "r.yaml")
    from runsmig.runner import textscan

    monkeypatch.setattr(textscan, "LISTED", 10)
    out = _scan("job jobber " * 50, recipe, 1 << 20, monkeypatch)
    assert len(out.reported) == 10 and out.reported[-1].message.endswith("(+40 more in this file, not listed)")
    assert out.coverage == {"term": 50, "not_the_term_unlisted": 40} and len(out.non_term) == 10 and out.raw == 100


def test_a_binary_file_over_the_size_limit_is_skipped_not_scanned(tmp_path):
    root = tmp_path / "co"
    root.mkdir()
    (root / "blob.bin").write_bytes(b"\0job" * 5000)
    (tmp_path / "r.yaml").write_text(RECIPE, "utf-8")
    from runsmig.limits import Limits
    from runsmig.runner.analyze import analyze_file

    recipe = load_recipe(tmp_path / "r.yaml")
    out = analyze_file(root, "blob.bin", "blob.bin", recipe, TermEngine.from_recipe(recipe), {}, frozenset(),
                       frozenset({"blob.bin"}), Limits(max_file_size=1000))
    assert (out.status, out.reason, out.raw, out.old) == ("skipped", "binary file", 5000, None)


def test_the_candidate_search_reads_in_chunks_and_sees_a_term_across_two(tmp_path, monkeypatch):
    from runsmig.runner import scan

    monkeypatch.setattr(scan, "_CHUNK", 8)
    for i, text in enumerate(["x" * 6 + "JOB" + "y" * 20, "x" * 30 + "jo", "nothing here at all"]):
        (tmp_path / f"f{i}").write_text(text)
    assert scan._read_and_search(tmp_path, ["f0", "f1", "f2"], ["job"]) == {"f0"}


# -- recipe steps that hang, exit or raise -----------------------------------------------------------
STEP = '''"""{name}"""
import os
import time
from runsmig.findings import Analysis
PATHS = ["/{name}.py"]


def transform(ctx):
{body}
'''
BODIES = {
    "loops": "    while True:\n        time.sleep(0.01)",
    "exits": "    raise SystemExit(0)",
    "dies": "    os._exit(7)",
    "raises": "    raise BaseException('boom')",
    "interrupts": "    raise KeyboardInterrupt",
    "returns": "    return 42",
}
REASONS = {
    "loops": "transform loops: timed out after 0.5 s (transform-timeout)",
    "exits": "transform exits: raised SystemExit: 0",
    "dies": "transform dies: its process ended with exit code 7 before returning (os._exit or a crash)",
    "raises": "transform raises: raised BaseException: boom",
    "interrupts": "transform interrupts: raised KeyboardInterrupt",
    "returns": "transform returns: raised TypeError: returned int, not an Analysis",
}


@pytest.mark.parametrize("name", list(BODIES))
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_failing_recipe_step_fails_its_file_and_the_run_goes_on(tmp_path, name, command):
    root, rec = _checkout(tmp_path, {f"{name}.py": "job = 1\n"}, pyproject="transform-timeout = 0.5\n",
                          transforms={name: STEP.format(name=name, body=BODIES[name])})
    proc = runsmig(command, str(root), "--recipe", str(rec), "--no-cache")
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert f"failed: {name}.py:1: {REASONS[name]} (left untouched)" in err
    assert "Traceback" not in err
    if command == "plan":
        assert "+def load_run(run_id):" in proc.stdout.decode()  # the other file is still planned
    else:
        assert (root / "small.py").read_text().startswith("def load_run(run_id):")  # ... and written
        assert (root / f"{name}.py").read_text() == "job = 1\n"


def test_a_recipe_step_that_ends_a_pool_worker_fails_only_its_file(tmp_path):
    pad = "# " + "x" * 70 + "\n"
    extra = {f"m{i}.py": f"job_{i} = {i}\n" + pad * 2000 for i in range(6)}  # enough bytes for a process pool
    root, rec = _checkout(tmp_path, {**extra, "dies.py": "job = 1\n"},
                          transforms={"dies": STEP.format(name="dies", body=BODIES["dies"])})
    proc = runsmig("plan", str(root), "--recipe", str(rec), "--no-cache", "--workers", "2")
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert f"failed: dies.py:1: {REASONS['dies']} (left untouched)" in err
    assert all(f"+run_{i} = {i}" in proc.stdout.decode() for i in range(6))


def test_the_size_limit_weighs_what_parsing_the_file_costs():
    from runsmig.limits import MB, Limits

    lim = Limits(max_file_size=2 * MB)
    assert lim.size_for("apps/api/openapi.json") == 512 * 1024  # a 280 KB generated schema is still parsed
    assert lim.size_for("src/app.py") == lim.size_for("web/a.tsx") == lim.size_for("ci.yml") == 256 * 1024
    assert lim.size_for("docs/guide.md") == 512 * 1024
    assert lim.size_for("notes.txt") == lim.size_for("Makefile") == 2 * MB  # plain text: the term matcher only
