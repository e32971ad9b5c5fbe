"""Config and data files: JSON, YAML, .env, TOML, ignore files."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.findings import apply_edits
from runsmig.languages import language_for
from runsmig.languages.base import FileContext
from runsmig.languages.config.tokens import mask_escapes
from runsmig.recipe import load_recipe
from runsmig.runner import analyze_file
from runsmig.terms import TermEngine

RECIPE = load_recipe()
ENGINE = TermEngine.from_recipe(RECIPE)


def run(text: str, rel: str):
    lang = language_for(rel)
    ctx = FileContext(Path("/nonexistent"), rel, rel, text, ENGINE, RECIPE)
    res = lang.analyze(ctx)
    if res.failed:
        return None, res
    return apply_edits(text, res.edits), res


@pytest.mark.parametrize("rel, name", [
    ("a/openapi.json", "json"), ("tsconfig.json", "json"), ("x.yml", "yaml"), ("x.yaml", "yaml"),
    (".env", "dotenv"), (".env.example", "dotenv"), ("prod.env", "dotenv"), ("pyproject.toml", "toml"),
    (".gitignore", "ignorefile"), ("app/.dockerignore", "ignorefile"),
])
def test_registered(rel, name):
    assert language_for(rel).name == name


# -- JSON -------------------------------------------------------------------------
def test_json_keeps_formatting_and_kinds():
    text = '{\n\t"job_id" :  "a job",\n\t"n": 3, "list": [ "jobs" ]\n}\n'
    out, res = run(text, "x.json")
    assert out == '{\n\t"run_id" :  "a run",\n\t"n": 3, "list": [ "runs" ]\n}\n'
    assert [e.finding.kind for e in sorted(res.edits, key=lambda e: e.start)] == ["config-key", "config-value", "config-value"]


def test_json_escapes_do_not_hide_terms():
    assert mask_escapes(r"a\njob\u0041") == "a  job      "
    out, _ = run('{"d": "line\\njobs \\"job\\""}', "x.json")
    assert out == '{"d": "line\\nruns \\"run\\""}'


def test_json_key_collision_is_a_conflict_and_left():
    text = '{"JobStatus": 1, "RunStatus": 2, "nested": {"job_id": 1}}'
    out, res = run(text, "x.json")
    assert out == '{"JobStatus": 1, "RunStatus": 2, "nested": {"run_id": 1}}'
    assert [f.rule for f in res.findings] == ["conflict"]


def test_jsonc_comments_are_prose():
    out, _ = run('{\n  // the job list\n  "a": 1, /* jobs */\n}\n', "tsconfig.json")
    assert out == '{\n  // the run list\n  "a": 1, /* runs */\n}\n'


def test_json_unterminated_string_fails_with_line():
    out, res = run('{\n"job": "x\n}', "x.json")
    assert out is None and res.failed and res.failed_line == 2


# -- YAML -------------------------------------------------------------------------
def test_yaml_comments_quotes_and_layout_kept():
    text = ("# job settings\nstore:\n  jobs_dir:   './data/jobs'  # job folders\n"
            "  note: |\n    A job.\nanchor: &job_a {k: job}\nuse: *job_a\n")
    out, _ = run(text, "s.yaml")
    assert out == ("# run settings\nstore:\n  runs_dir:   './data/runs'  # run folders\n"
                   "  note: |\n    A run.\nanchor: &run_a {k: run}\nuse: *run_a\n")


def test_yaml_sibling_collision_is_a_conflict_and_left():
    out, res = run("a: [job, jobs, runs]\nb:\n  job_id: 1\n  run_id: 2\n", "x.yaml")
    assert out == "a: [run, jobs, runs]\nb:\n  job_id: 1\n  run_id: 2\n"
    assert [f.rule for f in res.findings] == ["conflict", "conflict"]


def test_yaml_kinds():
    _, res = run("jobs: [job]\n", "s.yaml")
    assert sorted(e.finding.kind for e in res.edits) == ["config-key", "config-value"]


def test_yaml_invalid_fails_untouched():
    out, res = run("a: [job\nb: 1\n", "s.yaml")
    assert out is None and "invalid YAML" in res.failed


def test_workflow_top_level_jobs_key_stays(tmp_path):
    rel = ".github/workflows/ci.yml"
    text = "# the job matrix\njobs:\n  build-job:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo job\n"
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / rel).write_text(text)
    o = analyze_file(tmp_path, rel, rel, RECIPE, ENGINE, {}, frozenset(), frozenset({rel}))
    # the job id is ours; 'job' in the comment and the echo line is GitHub's word (its vocabulary)
    assert o.new.decode() == text.replace("build-job", "build-run")
    assert o.allowed == []  # no allowlist entry needed: the workflow schema keeps it
    assert [(f.text, f.kind, f.rule) for f in o.reported] == [("jobs", "config-key", "external"),
                                                              ("job", "config-value", "external")]


def test_nested_jobs_key_in_workflow_is_ours(tmp_path):
    rel = ".github/workflows/ci.yml"
    text = "jobs:\n  t:\n    with:\n      jobs: 2\n"
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / rel).write_text(text)
    o = analyze_file(tmp_path, rel, rel, RECIPE, ENGINE, {}, frozenset(), frozenset({rel}))
    assert o.new.decode() == "jobs:\n  t:\n    with:\n      runs: 2\n"


# -- .env ------------------------------------------------------------------------
def test_env_keys_values_comments_and_disabled_settings():
    text = ("# job limits\nADE_JOBS_DIR=./data/jobs # the job root\n# ADE_JOB_TIMEOUT=30\n"
            "export JOB_NAME=\"a job\"\n# Note: per-job timeout = 5 minutes\n")
    out, res = run(text, ".env.example")
    assert out == ("# run limits\nADE_RUNS_DIR=./data/runs # the run root\n# ADE_RUN_TIMEOUT=30\n"
                   "export RUN_NAME=\"a run\"\n# Note: per-run timeout = 5 minutes\n")
    kinds = [e.finding.kind for e in sorted(res.edits, key=lambda e: e.start)]
    assert kinds == ["comment", "config-key", "config-value", "comment", "config-key",
                     "config-key", "config-value", "comment"]


def test_env_crlf():
    out, _ = run("JOBS=1\r\n# job\r\n", ".env")
    assert out == "RUNS=1\r\n# run\r\n"


# -- TOML / ignore files -------------------------------------------------------------
def test_toml():
    text = ('[tool.jobs]  # job table\njob_limit = 3\nname = "job"\nlit = \'jobs\'\n'
            'doc = """\nmulti job\n"""\n[[jobs.queue]]\nflag = true\n')
    out, _ = run(text, "settings.toml")  # in pyproject.toml, [tool.jobs] is another tool's table
    assert out == ('[tool.runs]  # run table\nrun_limit = 3\nname = "run"\nlit = \'runs\'\n'
                   'doc = """\nmulti run\n"""\n[[runs.queue]]\nflag = true\n')


def test_gitignore():
    out, res = run("# jobs output\ndata/jobs/\n!keep-job\n", ".gitignore")
    assert out == "# runs output\ndata/runs/\n!keep-run\n"
    assert [e.finding.kind for e in sorted(res.edits, key=lambda e: e.start)] == ["comment", "path", "path"]


@pytest.mark.parametrize("rel, text", [
    ("a.json", '{"runs": [1]}\n'), ("a.yaml", "runs: 1 # run\n"), (".env", "ADE_RUNS_DIR=x\n"),
    ("a.toml", "[runs]\n"), (".gitignore", "data/runs/\n"),
])
def test_noop(rel, text):
    out, res = run(text, rel)
    assert out == text and not res.edits and not res.findings
