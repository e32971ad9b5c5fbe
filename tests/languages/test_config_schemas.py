"""Third-party config schemas (runsmig.languages.config.schemas): the tool's keys and references stay and
are reported once per file as `external`; the user's names around them are renamed together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runsmig.cli.check import build_report
from runsmig.findings import apply_edits
from runsmig.languages import language_for
from runsmig.languages.base import FileContext
from runsmig.languages.config.schemas import schema_for
from runsmig.recipe import load_recipe
from runsmig.terms import TermEngine
from tests.golden import FIXTURES

RECIPE_PATH = FIXTURES / "cfg-schema-noop" / "recipe.yaml"  # only job -> run
RECIPE = load_recipe(RECIPE_PATH)
ENGINE = TermEngine.from_recipe(RECIPE)
WF = ".github/workflows/ci.yml"


def run(text: str, rel: str):
    ctx = FileContext(Path("/nonexistent"), rel, rel, text, ENGINE, RECIPE)
    res = language_for(rel).analyze(ctx)
    assert not res.failed, res.failed
    return apply_edits(text, res.edits), res


def externals(res) -> list[tuple[str, str]]:
    assert all(f.rule == "external" and f.replacement is None for f in res.findings), res.findings
    return [(f.text, f.kind) for f in res.findings]


@pytest.mark.parametrize("rel, name", [
    (".github/workflows/ci.yml", "GitHub Actions workflow"), (".github/workflows/a.yaml", "GitHub Actions workflow"),
    (".github/actions/setup/action.yml", "GitHub Actions action"), ("action.yaml", "GitHub Actions action"),
    (".gitlab-ci.yml", "GitLab CI pipeline"), (".gitlab/ci/build.yml", "GitLab CI pipeline"),
    ("ci/lint.gitlab-ci.yml", "GitLab CI pipeline"), ("compose.yaml", "Docker Compose file"),
    ("deploy/docker-compose.prod.yml", "Docker Compose file"), ("apps/web/package.json", "package.json"),
    ("pyproject.toml", "pyproject.toml"), ("apps/web/package-lock.json", "npm lockfile"),
    ("uv.lock", "TOML lockfile"), ("pnpm-lock.yaml", "pnpm lockfile"),
])
def test_schema_for(rel, name):
    fmt = {"json": "json", "toml": "toml", "lock": "toml"}.get(rel.rsplit(".", 1)[-1], "yaml")
    s = schema_for(rel, fmt)
    assert s is not None and s.name == name


@pytest.mark.parametrize("rel", ["ci/jobs.yml", "docs/.github/workflows/x.yml", ".gitlab/agents/a/config.yaml",
                                 "settings.yaml", "tsconfig.json"])
def test_not_a_schema(rel):
    assert schema_for(rel, "json" if rel.endswith(".json") else "yaml") is None


# -- GitHub Actions ------------------------------------------------------------------------------
def test_workflow_jobs_key_stays_and_is_one_external_finding():
    text = ("jobs:\n  build:\n    runs-on: ubuntu-latest\n    outputs:\n      x: ${{ jobs.build.outputs.x }}\n"
            "    steps:\n      - run: make jobs\n")
    out, res = run(text, WF)
    assert out == text.replace("make jobs", "make runs")  # a command's argument: the user's word
    assert externals(res) == [("jobs", "config-key")]  # the 'jobs' context in the expression: same word, once
    assert res.findings[0].line == 1 and "GitHub Actions" in res.findings[0].message


def test_the_same_key_elsewhere_is_ours():
    text = "jobs:\n  build-jobs: {}\n"
    assert run(text, "ci/jobs.yml")[0] == "runs:\n  build-runs: {}\n"


def test_job_id_and_its_needs_are_renamed_together():
    text = ("jobs:\n  build-jobs:\n    runs-on: x\n    outputs:\n      jobs-id: ${{ steps.make-jobs.outputs.id }}\n"
            "    steps:\n      - id: make-jobs\n        run: make\n"
            "  test:\n    needs: build-jobs\n    steps: [{run: 'echo ${{ needs.build-jobs.outputs.jobs-id }}'}]\n"
            "  deploy:\n    needs: [build-jobs, test]\n    if: needs.build-jobs.result == 'success'\n")
    out, res = run(text, WF)
    assert out == text.replace("build-jobs", "build-runs").replace("make-jobs", "make-runs").replace("jobs-id", "runs-id")
    assert externals(res) == [("jobs", "config-key")]


def test_third_party_action_and_its_inputs_stay_local_ones_are_ours():
    text = ("jobs:\n  a:\n    steps:\n      - uses: acme/jobs-cache@v2\n        with: {job-key: k, path: data/jobs}\n"
            "      - uses: ./.github/actions/jobs\n        with: {job-key: k}\n"
            "  b:\n    uses: acme/ci/.github/workflows/jobs.yml@v1\n    with: {job-count: 1}\n"
            "  c:\n    uses: ./.github/workflows/jobs.yml\n    with: {job-count: 1}\n")
    out, res = run(text, WF)
    assert out == ("jobs:\n  a:\n    steps:\n      - uses: acme/jobs-cache@v2\n        with: {job-key: k, path: data/runs}\n"
                   "      - uses: ./.github/actions/runs\n        with: {run-key: k}\n"
                   "  b:\n    uses: acme/ci/.github/workflows/jobs.yml@v1\n    with: {job-count: 1}\n"
                   "  c:\n    uses: ./.github/workflows/runs.yml\n    with: {run-count: 1}\n")
    # once per word and owner: the 'jobs' keyword (GitHub's) and the 'jobs' of a called workflow's path
    assert [w for w, _ in externals(res)] == ["jobs", "jobs-cache", "job-key", "jobs", "job-count"]


def test_expression_contexts_and_default_variables_are_githubs():
    text = ("jobs:\n  t:\n    strategy:\n      matrix: {job-shard: [1], include: [{job-shard: 2}]}\n"
            "    steps:\n      - run: echo $GITHUB_JOB ${{ github.job }} ${{ strategy.job-index }} "
            "${{ matrix.job-shard }} ${{ job.status }} ${{ inputs.job-name }} ${{ contains(github.job, 'job') }}\n")
    out, res = run(text, WF)
    assert out == ("jobs:\n  t:\n    strategy:\n      matrix: {run-shard: [1], include: [{run-shard: 2}]}\n"
                   "    steps:\n      - run: echo $GITHUB_JOB ${{ github.job }} ${{ strategy.job-index }} "
                   "${{ matrix.run-shard }} ${{ job.status }} ${{ inputs.run-name }} ${{ contains(github.job, 'run') }}\n")
    assert [w for w, _ in externals(res)] == ["jobs", "GITHUB_JOB", "job", "job-index"]


def test_event_names_and_inputs():
    text = "on:\n  workflow_dispatch:\n    inputs:\n      job-id: {type: string}\njobs: {}\n"
    out, _ = run(text, WF)
    assert out == text.replace("job-id", "run-id")


def test_composite_action_inputs_are_ours_keywords_githubs():
    text = ("inputs:\n  job-count: {default: '1'}\noutputs:\n  jobs-dir: {value: '${{ steps.mk.outputs.jobs-dir }}'}\n"
            "runs:\n  using: composite\n  steps:\n    - id: mk\n      run: echo ${{ inputs.job-count }} $GITHUB_JOB\n"
            "      shell: bash\n")
    out, res = run(text, ".github/actions/jobs/action.yml")
    assert out == text.replace("job-count", "run-count").replace("jobs-dir", "runs-dir")
    assert externals(res) == [("GITHUB_JOB", "config-value")]


# GitHub's words in free text: a comment, a name, a description, a script's comments and echo lines
PROSE_WF = """name: jobs CI
run-name: Nightly jobs for ${{ github.ref_name }}
on:
  # if the need to run jobs on other branches emerges, then the release job will need a better
  # condition expression.
  push: {branches: [master]}
  workflow_dispatch:
    inputs:
      job-count: {description: how many jobs to seed, type: number, default: data/jobs}
jobs:
  test-jobs:
    name: Test jobs (${{ matrix.jobs-shard }})
    runs-on: ubuntu-latest
    strategy: {matrix: {jobs-shard: [1]}}
    steps:
      - name: Decide whether the needed jobs succeeded or failed
        id: make-jobs
        run: |
          # build the jobs, job by job
          make jobs && echo "Built jobs of $GITHUB_JOB" > jobs.log
          echo "artifact=jobs.tgz" >> "$GITHUB_OUTPUT"
          pytest tests/jobs || echo 'the job failed: ${{ matrix.jobs-shard }}'
  deploy-jobs:
    needs: [test-jobs]
    if: needs.test-jobs.result == 'success'
    steps: [{run: make deploy}]
"""


def test_workflow_prose_keeps_githubs_words_the_users_names_are_renamed():
    out, res = run(PROSE_WF, WF)
    user = {"job-count": "run-count", "data/jobs": "data/runs", "test-jobs": "test-runs",
            "jobs-shard": "runs-shard", "make-jobs": "make-runs", "make jobs": "make runs",
            "> jobs.log": "> runs.log", "=jobs.tgz": "=runs.tgz", "tests/jobs": "tests/runs",
            "deploy-jobs": "deploy-runs"}
    want = PROSE_WF
    for a, b in user.items():
        want = want.replace(a, b)
    assert out == want
    # kept: the comment (both words: no half rewrite, no 'run runs' follow-up), names, the
    # description, the script's comment and echo arguments
    for kept in ("# if the need to run jobs on other branches emerges, then the release job will need",
                 "name: jobs CI", "run-name: Nightly jobs for", "description: how many jobs to seed",
                 "name: Test jobs (${{ matrix.runs-shard }})", "name: Decide whether the needed jobs succeeded",
                 "# build the jobs, job by job", 'echo "Built jobs of $GITHUB_JOB"', "echo 'the job failed"):
        assert kept in out, kept
    assert all(f.rule == "external" for f in res.findings), res.findings  # no follow-up
    vocab = [(f.text, f.line) for f in res.findings if "vocabulary" in f.message]
    assert vocab == [("jobs", 1), ("job", 19)]  # once per file and word
    assert vocab and all(f.message == f"'{f.text}' is GitHub Actions vocabulary here: kept"
                         for f in res.findings if "vocabulary" in f.message)


def test_the_same_prose_in_an_ordinary_yaml_file_is_renamed():
    out, res = run(PROSE_WF, "ci/pipeline.yml")
    # everything follows the term map; 'run jobs' would read 'run runs': the verb takes a synonym
    assert out == PROSE_WF.replace("job", "run").replace("JOB", "RUN").replace("run runs on", "execute runs on")
    assert [f.rule for f in res.findings] == []


@pytest.mark.parametrize("rel, text", [
    (WF, "# the release job\njobs: {}\n"),
    (WF, "jobs:\n  a:\n    steps:\n      - name: Decide whether the needed jobs succeeded\n"),
    (WF, "jobs:\n  a:\n    steps:\n      - run: |\n          # restart the job\n          echo Job done\n"),
    (".github/actions/setup/action.yml", "name: x\ndescription: Set up the job\nruns: {using: node20}\n"),
    (".gitlab-ci.yml", "# the deploy job\nbuild:\n  script:\n    - echo \"job $CI_JOB_NAME starts\"\n"),
    (".gitlab-ci.yml", "spec:\n  inputs:\n    n: {description: jobs to start}\n---\nbuild: {script: [make]}\n"),
])
def test_vocabulary_in_free_text_is_kept_only_in_the_tools_files(rel, text):
    out, res = run(text, rel)
    assert out == text
    assert [f.rule for f in res.findings if "vocabulary" in f.message] == ["external"]
    ordinary, _ = run(text, "config/settings.yml")
    assert "job" not in ordinary.lower().replace("ci_run_name", "")


def test_a_recipe_phrase_over_the_tools_word_is_not_made_in_its_prose(tmp_path):
    rp = tmp_path / "recipe.yaml"  # the project's phrases (ADE's recipe has these) are about its own prose
    rp.write_text("version: 1\nname: x\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                  "phrases:\n  run jobs: execute runs\n  jobs queue: runs queue\n")
    recipe = load_recipe(rp)
    text = "# run jobs on main; drain the jobs queue and the jobs-db\njobs:\n  a: {name: run jobs}\n"
    for rel, want in [(WF, "# run jobs on main; drain the jobs queue and the runs-db\njobs:\n  a: {name: run jobs}\n"),
                      ("ci/x.yml", ("# execute runs on main; drain the runs queue and the runs-db\nruns:\n"
                                    "  a: {name: run runs}\n"))]:  # values take no phrases
        ctx = FileContext(Path("/nonexistent"), rel, rel, text, TermEngine.from_recipe(recipe), recipe)
        res = language_for(rel).analyze(ctx)
        assert apply_edits(text, res.edits) == want, rel


def test_gitlab_prose_keeps_gitlabs_words():
    text = ("# one job per stage; the jobs of the jobs-api run in parallel\n"
            "variables:\n  JOBS_DIR: {value: data/jobs, description: where each job writes}\n"
            "build-jobs:\n  script:\n    - echo \"job $CI_JOB_NAME of the jobs pipeline\"  # a job\n"
            "    - make jobs\n  release: {name: jobs release, description: the release job, tag_name: jobs-v1}\n")
    out, res = run(text, ".gitlab-ci.yml")
    assert out == ("# one job per stage; the jobs of the runs-api run in parallel\n"
                   "variables:\n  RUNS_DIR: {value: data/runs, description: where each job writes}\n"
                   "build-runs:\n  script:\n    - echo \"job $CI_JOB_NAME of the jobs pipeline\"  # a job\n"
                   "    - make runs\n  release: {name: jobs release, description: the release job, tag_name: runs-v1}\n")
    assert {f.message for f in res.findings if "vocabulary" in f.message} == {
        "'job' is GitLab CI vocabulary here: kept", "'jobs' is GitLab CI vocabulary here: kept"}


def test_check_after_apply_does_not_count_kept_prose(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text(PROSE_WF)
    (tmp_path / ".gitlab-ci.yml").write_text("# the deploy job\nbuild: {script: [echo jobs done]}\n")
    rep = build_report(tmp_path, RECIPE_PATH, workers=1)
    remnants = [f for f in rep.findings if f.path in (".github/workflows/ci.yml", ".gitlab-ci.yml")]
    assert remnants  # the user's names (test-jobs, make jobs ...) are still there before apply
    # before apply, the remnants are the user's words only, never a kept prose word
    lines = PROSE_WF.splitlines()
    users = ["job-count", "data/jobs", "test-jobs", "jobs-shard", "make-jobs", "make jobs", "jobs.log",
             "=jobs.tgz", "tests/jobs", "deploy-jobs"]
    want = set()
    for n, line in enumerate(lines, 1):
        for u in users:
            i = line.find(u)
            while i >= 0:
                want.add((n, i + u.lower().index("job") + 1))
                i = line.find(u, i + 1)
    assert {(f.line, f.col) for f in remnants} == want
    from runsmig.apply import apply_plan
    from runsmig.plan import build_plan
    recipe = load_recipe(RECIPE_PATH)
    apply_plan(build_plan(tmp_path, recipe, workers=1))
    rep = build_report(tmp_path, RECIPE_PATH, workers=1)
    assert rep.findings == [] and rep.failures == []
    assert {(f.path, f.text) for f in rep.externals} >= {(".github/workflows/ci.yml", "job"),
                                                          (".github/workflows/ci.yml", "jobs"),
                                                          (".gitlab-ci.yml", "job"), (".gitlab-ci.yml", "jobs")}
    rec = rep.summary()["reconciliation"]
    assert rec["raw_occurrences_total"] == sum(v for k, v in rec.items() if k != "raw_occurrences_total")
    # every kept occurrence (not only the one reported per file and word) is external, none "not the term"
    assert rec["external_names"] == rec["raw_occurrences_total"] == 16 and rep.non_term == []


# -- GitLab CI -----------------------------------------------------------------------------------
def test_gitlab_keywords_stay_job_names_are_ours():
    text = ("stages: [build-jobs]\nworkflow:\n  auto_cancel: {on_job_failure: all}\n"
            ".jobs-base:\n  image: registry.acme/jobs-runner:1\n"
            "build-jobs:\n  extends: .jobs-base\n  stage: build-jobs\n  script: [make $CI_JOB_NAME jobs]\n"
            "test:\n  needs: [{job: build-jobs, artifacts: true}]\n  dependencies: [build-jobs]\n"
            "  rules: [{if: '$CI_JOB_MANUAL'}]\n")
    out, res = run(text, ".gitlab-ci.yml")
    assert out == (text.replace("build-jobs", "build-runs").replace(".jobs-base", ".runs-base")
                   .replace("NAME jobs", "NAME runs"))
    assert [w for w, _ in externals(res)] == ["on_job_failure", "jobs-runner", "CI_JOB_NAME", "job", "CI_JOB_MANUAL"]


def test_gitlab_includes_of_other_projects_stay_local_ones_are_ours():
    text = ("include:\n  - local: .gitlab/ci/jobs.yml\n    inputs: {job-count: 1}\n"
            "  - project: acme/jobs-ci\n    file: /jobs.yml\n    inputs: {job-count: 1}\n")
    out, _ = run(text, ".gitlab/ci/main.yml")
    assert out == ("include:\n  - local: .gitlab/ci/runs.yml\n    inputs: {run-count: 1}\n"
                   "  - project: acme/jobs-ci\n    file: /jobs.yml\n    inputs: {job-count: 1}\n")


# -- docker compose ------------------------------------------------------------------------------
def test_compose_pulled_image_stays_names_are_ours():
    text = ("services:\n  jobs-worker:\n    image: acme/jobs-worker:1\n    depends_on: [jobs-db]\n"
            "    environment: {JOBS_DIR: /data/jobs}\n"
            "  jobs-api:\n    build: .\n    image: ade-jobs-api:dev\n  jobs-db: {image: postgres}\n")
    out, res = run(text, "docker-compose.yml")
    assert out == ("services:\n  runs-worker:\n    image: acme/jobs-worker:1\n    depends_on: [runs-db]\n"
                   "    environment: {RUNS_DIR: /data/runs}\n"
                   "  runs-api:\n    build: .\n    image: ade-runs-api:dev\n  runs-db: {image: postgres}\n")
    assert externals(res) == [("jobs-worker", "config-value")]


# -- package.json ---------------------------------------------------------------------------------
def test_package_json_dependency_names_never_change():
    text = json.dumps({
        "name": "ade-jobs", "scripts": {"test": "vitest src/jobs", "jobs:sync": "node jobs.js"},
        "dependencies": {"node-schedule": "^2", "bull-jobs": "^1.0.0", "@ade/jobs-ui": "workspace:*"},
        "devDependencies": {"jobs-lint": "npm:other-jobs@1"},
        "jest": {"jobsRoot": "src/jobs"},
    }, indent=2)
    out, res = run(text, "package.json")
    data = json.loads(out)
    assert data["name"] == "ade-runs"
    assert data["scripts"] == {"test": "vitest src/runs", "runs:sync": "node runs.js"}
    assert data["dependencies"] == {"node-schedule": "^2", "bull-jobs": "^1.0.0", "@ade/runs-ui": "workspace:*"}
    assert data["devDependencies"] == {"jobs-lint": "npm:other-jobs@1"}
    assert data["jest"] == {"jobsRoot": "src/runs"}
    assert [w for w, _ in externals(res)] == ["bull-jobs", "jobs-lint", "other-jobs", "jobsRoot"]


def test_npm_lockfile_is_left_whole():
    text = '{\n  "name": "jobs-web",\n  "packages": {"node_modules/bull-jobs": {"version": "1"}}\n}\n'
    out, res = run(text, "package-lock.json")
    assert out == text and [w for w, _ in externals(res)] == ["jobs-web", "bull-jobs"]


def test_malformed_package_json_fails_untouched():
    ctx = FileContext(Path("/nonexistent"), "package.json", "package.json", '{"jobs" 1}', ENGINE, RECIPE)
    res = language_for("package.json").analyze(ctx)
    assert res.failed and "invalid JSON" in res.failed and not res.edits


# -- pyproject.toml --------------------------------------------------------------------------------
PYPROJECT = '''[build-system]
requires = ["hatch-jobs>=1"]

[project]
name = "ade-jobs"
dependencies = ["bull-jobs>=1.0", 'ade-jobs[jobs]']

[project.optional-dependencies]
jobs = ["node-jobs"]

[project.scripts]
ade-jobs = "ade_jobs.cli:main"

[tool.ade]
jobs_dir = "data/jobs"

[tool.pytest.ini_options]
testpaths = ["tests/jobs"]
jobs_mode = "auto"

[tool.ruff.lint.per-file-ignores]
"src/jobs/*.py" = ["E501"]

[tool.poetry.dependencies]
bull-jobs = "^1"
my-jobs = {path = "../jobs"}

[[tool.mypy.overrides]]
module = "ade_jobs.*"

[tool.uv]
dev-dependencies = ["pytest-jobs"]
'''


def test_pyproject_keeps_other_tools_and_packages():
    out, res = run(PYPROJECT, "pyproject.toml")
    assert out == '''[build-system]
requires = ["hatch-jobs>=1"]

[project]
name = "ade-runs"
dependencies = ["bull-jobs>=1.0", 'ade-runs[runs]']

[project.optional-dependencies]
runs = ["node-jobs"]

[project.scripts]
ade-runs = "ade_runs.cli:main"

[tool.ade]
runs_dir = "data/runs"

[tool.pytest.ini_options]
testpaths = ["tests/runs"]
jobs_mode = "auto"

[tool.ruff.lint.per-file-ignores]
"src/runs/*.py" = ["E501"]

[tool.poetry.dependencies]
bull-jobs = "^1"
my-runs = {path = "../runs"}

[[tool.mypy.overrides]]
module = "ade_runs.*"

[tool.uv]
dev-dependencies = ["pytest-jobs"]
'''
    assert [w for w, _ in externals(res)] == ["hatch-jobs", "bull-jobs", "node-jobs", "jobs_mode", "pytest-jobs"]


def test_pyproject_tool_named_by_a_known_tool_is_never_the_projects_family():
    text = '[project]\nname = "pytest-jobs"\n\n[tool.pytest.ini_options]\njobs_x = 1\n\n[tool.pytest-jobs]\njobs = 1\n'
    out, res = run(text, "pyproject.toml")
    assert out == '[project]\nname = "pytest-runs"\n\n[tool.pytest.ini_options]\njobs_x = 1\n\n[tool.pytest-runs]\nruns = 1\n'
    assert externals(res) == [("jobs_x", "config-key")]


def test_toml_lockfile_is_toml_and_left_whole():
    text = 'version = 1\n\n[[package]]\nname = "bull-jobs"\nversion = "1.0.0"\nsource = { registry = "x" }\n'
    assert language_for("uv.lock").name == "toml"
    out, res = run(text, "uv.lock")
    assert out == text and externals(res) == [("bull-jobs", "config-value")]


def test_toml_tables_after_an_array_of_tables_are_headers():
    out, _ = run("[[a]]\nx = 1\n[jobs]\njob = 2\n", "settings.toml")
    assert out == "[[a]]\nx = 1\n[runs]\nrun = 2\n"


# -- check: externals are notes, never remnants --------------------------------------------------------
def test_check_after_apply_does_not_count_schema_keys(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text("jobs:\n  build:\n    steps: [{uses: acme/jobs@v1}]\n")
    (tmp_path / "package.json").write_text('{"dependencies": {"bull-jobs": "1"}}\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["rq-jobs"]\n')
    rep = build_report(tmp_path, RECIPE_PATH, workers=1)
    assert rep.findings == [] and rep.failures == []
    assert sorted((f.path, f.text, f.rule) for f in rep.externals) == [
        (".github/workflows/ci.yml", "jobs", "external"), (".github/workflows/ci.yml", "jobs", "external"),
        ("package.json", "bull-jobs", "external"), ("pyproject.toml", "rq-jobs", "external")]
    assert rep.summary()["reconciliation"]["external_names"] == 4


def test_reconciliation_covers_every_kept_package_name_in_json_and_toml(tmp_path):
    """Each third-party name is reported once per file, but every occurrence counts as external."""
    from runsmig.cli.check import build_report

    root = tmp_path / "co"
    root.mkdir()
    (root / "package.json").write_text('{\n  "name": "x",\n  "dependencies": {"bull-jobs": "1"},\n'
                                       '  "devDependencies": {"bull-jobs": "1"}\n}\n', encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["celery-jobs>=1"]\n\n'
                                         '[project.optional-dependencies]\ntest = ["celery-jobs[x]>=1"]\n', encoding="utf-8")
    rec = tmp_path / "recipe.yaml"
    rec.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n", encoding="utf-8")
    rep = build_report(root, rec, workers=1)
    r = rep.summary()["reconciliation"]
    assert not rep.findings
    assert r["raw_occurrences_total"] == 4 and r["external_names"] == 4 and r["not_the_term"] == 0, r


def test_runsmig_own_settings_table_is_kept_whole(tmp_path):
    """[tool.runsmig] configures the migration itself: its recipe path names the old term on purpose."""
    from runsmig.cli.check import build_report

    root = tmp_path / "co"
    (root / "rules" / "jobs-to-runs").mkdir(parents=True)
    rec = root / "rules" / "jobs-to-runs" / "recipe.yaml"
    rec.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n", encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.runsmig]\nrecipe = "rules/jobs-to-runs"\n'
                                         'ignore = ["legacy/jobs/**"]\n\n[tool.demo]\njobs_dir = "x"\n', encoding="utf-8")
    rep = build_report(root, rec, workers=1)
    assert [(f.path, f.line, f.text) for f in rep.findings] == [("pyproject.toml", 9, "jobs")]


# -- formats read from the catalog (SchemaStore's schemas, as check-jsonschema vendors them) ---------
@pytest.mark.parametrize("rel, name", [
    (".readthedocs.yaml", "Read the Docs configuration"), ("docs/.readthedocs.yml", "Read the Docs configuration"),
    (".circleci/config.yml", "CircleCI configuration"), ("azure-pipelines.yml", "Azure Pipelines"),
    ("bitbucket-pipelines.yml", "Bitbucket Pipelines"), (".travis.yml", "Travis CI configuration"),
    (".buildkite/pipeline.yml", "Buildkite pipeline"), (".drone.yml", "Drone pipeline"),
    (".woodpecker/build.yaml", "Woodpecker pipeline"), (".github/dependabot.yml", "dependabot configuration"),
    ("renovate.json", "Renovate configuration"), ("codecov.yml", "Codecov configuration"),
    (".github/ISSUE_TEMPLATE/bug.yml", "GitHub issue form"),
    (".github/ISSUE_TEMPLATE/config.yml", "GitHub issue template chooser"),
])
def test_catalog_schema_for(rel, name):
    s = schema_for(rel, "json" if rel.endswith(".json") else "yaml")
    assert s is not None and s.name == name


def test_read_the_docs_build_jobs_stays():
    text = ("version: 2\nbuild:\n  os: ubuntu-22.04\n  jobs:\n    post_install:\n"
            "      - python -m job_tool --jobs 2\n")
    out, res = run(text, ".readthedocs.yaml")
    assert out == ("version: 2\nbuild:\n  os: ubuntu-22.04\n  jobs:\n    post_install:\n"
                   "      - python -m run_tool --runs 2\n")
    assert externals(res) == [("jobs", "config-key")]


def test_circleci_jobs_keys_stay_and_job_names_follow_each_other():
    text = ("version: 2.1\njobs:\n  build-job:\n    docker:\n      - image: cimg/python:3.12\n"
            "    steps:\n      - run: python run_jobs.py\nworkflows:\n  main:\n    jobs:\n      - build-job\n")
    out, res = run(text, ".circleci/config.yml")
    assert out == ("version: 2.1\njobs:\n  build-run:\n    docker:\n      - image: cimg/python:3.12\n"
                   "    steps:\n      - run: python run_runs.py\nworkflows:\n  main:\n    jobs:\n      - build-run\n")
    assert externals(res) == [("jobs", "config-key")]  # one note per word and owner


def test_azure_pipelines_job_keywords_and_enum_values_stay():
    text = ("jobs:\n- job: BuildJob\n  pool:\n    vmImage: ubuntu-latest\n  steps:\n"
            "  - script: ./run_job.sh\n    displayName: Run the job script\n")
    out, res = run(text, "azure-pipelines.yml")
    assert "jobs:\n- job: BuildRun\n" in out and "./run_run.sh" in out
    assert ("jobs", "config-key") in externals(res) and ("job", "config-key") in externals(res)


def test_catalog_schema_no_op():
    text = "version: 2\nbuild:\n  os: ubuntu-22.04\n"
    out, res = run(text, ".readthedocs.yaml")
    assert out == text and not res.findings
