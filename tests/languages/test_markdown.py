"""Markdown transformer: prose, phrases, clashes, anchors, links, fences, link check."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runsmig.findings import apply_edits
from runsmig.languages import language_for
from runsmig.languages.markdown import anchors as A
from runsmig.languages.base import FileContext
from runsmig.languages.markdown import LANGUAGE as MD
from runsmig.languages.markdown import scan_inline
from runsmig.languages.markdown.prose import phrase_matches, rules_for
from runsmig.recipe import load_recipe
from runsmig.terms import TermEngine

RECIPE = load_recipe()
ENGINE = TermEngine.from_recipe(RECIPE)
NO_PHRASES = dataclasses.replace(RECIPE, phrases=())


def ctx_for(text: str, rel: str = "docs/a.md", root: Path = Path("/nonexistent"), recipe=RECIPE, **kw) -> FileContext:
    return FileContext(root, rel, kw.pop("new_rel", rel), text, TermEngine.from_recipe(recipe), recipe, **kw)


def rewrite(text: str, **kw) -> tuple[str, list]:
    ctx = ctx_for(text, **kw)
    res = MD.analyze(ctx)
    assert res.failed is None
    return apply_edits(text, res.edits), res.findings


def test_registered_for_markdown():
    assert language_for("docs/x.md").name == "markdown"
    assert language_for("README.markdown").name == "markdown"


# -- anchors ---------------------------------------------------------------------
@pytest.mark.parametrize("heading, slug", [
    ("Jobs overview", "jobs-overview"),
    ("`on_job_start.py`", "on_job_startpy"),
    ("What's a job? (FAQ)", "whats-a-job-faq"),
    ("Run / job  logs", "run--job--logs"),
    ("Ünïcode job", "ünïcode-job"),
])
def test_slugify_github_rules(heading, slug):
    assert A.anchors(f"# {heading}\n") == [slug]


def test_duplicate_headings_and_html_ids():
    text = "# Jobs\n\n## Jobs\n\n## Jobs\n\n<a id=\"custom-job\"></a>\n"
    assert A.anchors(text) == ["jobs", "jobs-1", "jobs-2", "custom-job"]


def test_resolve_and_relative():
    assert A.resolve("docs/a/b.md", "../c.md") == "docs/c.md"
    assert A.resolve("docs/a/b.md", "/README.md") == "README.md"
    assert A.resolve("README.md", "../x.md") is None
    assert A.relative("docs/a.md", "docs/runs/b.md", "./jobs/b.md") == "./runs/b.md"
    assert A.relative("docs/a.md", "docs/runs/", "jobs/") == "runs/"


# -- prose -----------------------------------------------------------------------
def test_prose_keeps_case_and_number():
    out, _ = rewrite("A job, two Jobs, JOBS and a JOB_ID.\n")
    assert out == "A run, two Runs, RUNS and a RUN_ID.\n"


def test_inline_code_and_headings():
    out, _ = rewrite("# Job `get_job()`\n\nCall `JobsService` for a job.\n")
    assert out == "# Run `get_run()`\n\nCall `RunsService` for a run.\n"


def test_phrases_applied_before_terms_case_aware():
    out, found = rewrite("Jobs/runs are listed; jobs and runs merge; JOBS / RUNS: how jobs run.\n")
    assert out == "Runs are listed; runs merge; RUNS: how runs execute.\n"
    assert not [f for f in found if f.rule == "follow-up"]


def test_phrase_across_a_line_break():
    out, _ = rewrite("Documents, jobs and\nruns are listed.\n")
    assert out == "Documents, runs are listed.\n"  # one word left: the soft break goes
    out, _ = rewrite("Each time a job\nruns here.\n")
    assert out == "Each time a run\nexecutes here.\n"  # the break stays before the last word


def test_phrase_written_after_the_rewrite_matches_both_orders():
    rules = rules_for(RECIPE)
    for text in ("jobs/runs", "runs/jobs", "jobs / runs"):
        assert phrase_matches(text, rules), text


@pytest.mark.parametrize("before, after", [
    ("### Runs (jobs)\n", "### Runs\n"),
    ("A **run** (or **job**) is one execution.\n", "A **run** is one execution.\n"),
    ("At job runtime the venv is ready.\n", "At runtime the venv is ready.\n"),
    ("Step 3: Run job A, then run a job by hand.\n", "Step 3: Execute run A, then start a run by hand.\n"),
    ("Upload a file and **Run** a job.\n", "Upload a file and **start** a run.\n"),
    ("An asynchronous job runner.\n", "An asynchronous runner.\n"),
    ("The UI’s job is to show it; the API's job is to check it.\n",
     "The UI’s task is to show it; the API's task is to check it.\n"),
    ("Prune builds with no running jobs.\n", "Prune builds with no active runs.\n"),
    ("- Running **jobs** and **test runs**.\n", "- Starting **runs** and **test runs**.\n"),
    ("Reused for every job that runs against it.\n", "Reused for every run that executes against it.\n"),
])
def test_ade_doc_phrases(before, after):
    out, found = rewrite(before)
    assert out == after
    assert not [f for f in found if f.rule == "follow-up"]


def test_ade_doc_phrases_leave_other_senses():
    # 'job' after another verb, a job that is not the subject of 'is to', a run that runs
    out, _ = rewrite("Jobs run; the job is to be retried; a run job-queue.\n")
    assert out == "Runs execute; the run is to be retried; a run run-queue.\n"


def test_ade_doc_phrases_leave_identifiers():
    out, _ = rewrite("Call `run_job()` or `job_runtime`.\n")
    assert out == "Call `run_run()` or `run_runtime`.\n"


def test_no_phrases_in_code():
    out, _ = rewrite("```\njobs and runs\n```\n\n`jobs/runs`\n")
    assert out == "```\nruns and runs\n```\n\n`runs/runs`\n"


def test_clashes_are_kept_as_follow_ups_without_phrases():
    out, found = rewrite("The job runs. Jobs and runs differ. A job, two Jobs.\n", recipe=NO_PHRASES)
    # "job runs": the verb that was there takes a synonym; "Jobs and runs" (a noun 'runs' beside
    # the term) cannot be reworded: not made, and check finds the same follow-up again
    assert out == "The run executes. Jobs and runs differ. A run, two Runs.\n"
    msgs = [f.message for f in found if f.rule == "follow-up"]
    assert len(msgs) == 1 and "'Runs and runs'" in msgs[0], msgs


@pytest.mark.parametrize("before, after", [
    ("Run the job again.\n", "Execute the run again.\n"),  # first in its sentence: an imperative
    ("A running job stops.\n", "An executing run stops.\n"),  # the article follows
    ("Mark a running job as failed.\n", "Mark an executing run as failed.\n"),
    ("Queued jobs to run later.\n", "Queued runs to execute later.\n"),  # after 'to': a verb
    ("Each job\nruns once.\n", "Each run\nexecutes once.\n"),  # after the term: its verb
    ("The jobs are running now.\n", "The runs are executing now.\n"),
    ("Closed after your job has run.\n", "Closed after your run has executed.\n"),  # a participle
    ("Enqueue delayed jobs for each run.\n", "Enqueue delayed runs for each execution.\n"),  # a noun
    ("Worker processes jobs after calling run.\n", "Worker processes runs after calling run.\n"),  # a name
])
def test_clashes_reworded_by_a_synonym_of_the_word_that_was_there(before, after):
    """A clash the rewrite makes with a word of the new word's family that was already there reads
    right when that word takes a synonym (its role read from the word before it); a name of code
    ("calling run", `run()`) is not the word and stays."""
    out, found = rewrite(before, recipe=NO_PHRASES)
    assert out == after
    assert not [f for f in found if f.rule == "follow-up"]


@pytest.mark.parametrize("before, reads", [
    ("Start the job and run it.\n", "run and run"),
    ("Maximum run time for jobs.\n", "run time for runs"),
    ("Jobs and runs differ.\n", "Runs and runs"),
])
def test_clashes_within_a_clause_are_kept_and_reported(before, reads):
    """Prose clashes by a window, not adjacency: the new word within a few words of the same word
    (any of its forms) in one clause, when that word's role cannot be told, is kept and reported."""
    out, found = rewrite(before, recipe=NO_PHRASES)
    assert out == before  # kept: check finds the follow-up again until a phrase or a person rewords it
    msgs = [f.message for f in found if f.rule == "follow-up"]
    assert len(msgs) == 1 and f"would read '{reads}'" in msgs[0], msgs


@pytest.mark.parametrize("before, after", [
    ("Retry failed jobs and test runs.\n", "Retry failed runs and test runs.\n"),  # a list of two things
    ("The job ends. Runs start.\n", "The run ends. Runs start.\n"),  # two sentences
    ("A job, then\n\nrun it.\n", "A run, then\n\nrun it.\n"),  # two paragraphs
    ("The job is queued for the nightly batch, which runs later.\n",
     "The run is queued for the nightly batch, which runs later.\n"),  # far apart (more than 3 words)
])
def test_no_clash_across_clauses_lists_or_distance(before, after):
    out, found = rewrite(before, recipe=NO_PHRASES)
    assert out == after
    assert not [f for f in found if f.rule == "follow-up"]


def test_pre_existing_doubles_are_not_clashes():
    _, found = rewrite("Runs and runs were always here; a job too.\n", recipe=NO_PHRASES)
    assert not [f for f in found if f.rule == "follow-up"]


def test_external_urls_stay_and_are_reported():
    text = "See https://example.com/jobs, <https://example.com/job> and [x](https://e.com/jobs).\n"
    out, found = rewrite(text)
    assert out == text
    assert [f.rule for f in found] == ["external", "external", "external"]


def test_link_to_a_file_that_keeps_its_name_is_info(tmp_path):
    files = {"README.md": "[rev](migrations/0006_jobs_fk.py)\n", "migrations/0006_jobs_fk.py": "x = 1\n"}
    all_files = write(tmp_path, files)
    ctx = ctx_for(files["README.md"], rel="README.md", root=tmp_path, all_files=all_files)
    res = MD.analyze(ctx)
    assert not res.edits and [f.rule for f in res.findings] == ["external"]


def test_noop_without_terms():
    text = "# Runs\n\nNothing to do: [runs](#runs), `run_id`.\n"
    out, found = rewrite(text)
    assert out == text and not found


# -- fences ----------------------------------------------------------------------
def test_fence_languages_and_indentation():
    text = ("- item\n\n  ```yaml\n  # job\n  jobs_dir: x\n  ```\n\n"
            "```json\n{\"job_id\": 1}\n```\n\n    indented job\n")
    out, _ = rewrite(text)
    assert out == ("- item\n\n  ```yaml\n  # run\n  runs_dir: x\n  ```\n\n"
                   "```json\n{\"run_id\": 1}\n```\n\n    indented run\n")


def test_fence_that_does_not_parse_falls_back_to_terms():
    out, _ = rewrite("```json\n{ job: ...\n```\n")
    assert out == "```json\n{ run: ...\n```\n"


def test_markdown_fence_keeps_its_clash_follow_ups():
    _, found = rewrite("````markdown\nThe jobs/runs table.\n````\n", recipe=NO_PHRASES)
    assert [f.rule for f in found] == ["follow-up"]
    out, found = rewrite("````markdown\nThe jobs/runs table.\n````\n")
    assert out == "````markdown\nThe runs table.\n````\n" and not found


def test_python_fence_keeps_its_comment_and_docstring_clashes():
    text = ("```python\n# Longer running jobs go to a worker.\nJOB_TIMEOUT = 25  # one job\n"
            "def f():\n    \"\"\"Start the job and run it.\"\"\"\n```\n")
    out, found = rewrite(text, recipe=NO_PHRASES)
    assert out == ("```python\n# Longer executing runs go to a worker.\nRUN_TIMEOUT = 25  # one run\n"
                   "def f():\n    \"\"\"Start the job and run it.\"\"\"\n```\n")
    assert sorted(f.text for f in found if f.rule == "follow-up") == ["job and run"]


def test_crlf_and_front_matter():
    text = "---\r\ntitle: Jobs\r\n---\r\n# Job\r\n\r\nA job.\r\n"
    out, _ = rewrite(text)
    assert out == "---\r\ntitle: Runs\r\n---\r\n# Run\r\n\r\nA run.\r\n"


def test_tab_indented_content_is_still_rewritten():
    out, _ = rewrite("- a\n\n\tjob here\n")
    assert "run here" in out


# -- links -----------------------------------------------------------------------
def write(root: Path, files: dict[str, str]) -> frozenset[str]:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return frozenset(files)


def test_same_file_anchor_follows_heading_and_html_id():
    text = ("# Jobs\n\n## `on_job_start.py`\n\n<a id=\"onjobstartpy\"></a>\n\n"
            "[top](#jobs), [hook](#onjobstartpy), [slug](#on_job_startpy)\n")
    out, _ = rewrite(text)
    assert "<a id=\"onrunstartpy\"></a>" in out
    assert "[top](#runs), [hook](#onrunstartpy), [slug](#on_run_startpy)" in out


def test_links_to_moved_files_and_their_anchors(tmp_path):
    files = {
        "README.md": "[a](docs/jobs.md#job-lifecycle) [b](./docs/jobs/) [c](docs/guide.md#setup)\n",
        "docs/jobs.md": "# Jobs\n\n## Job lifecycle\n",
        "docs/jobs/x.md": "# X\n",
        "docs/guide.md": "# Setup\n",
    }
    all_files = write(tmp_path, files)
    moves = {"docs/jobs.md": "docs/runs.md", "docs/jobs/x.md": "docs/runs/x.md"}
    ctx = ctx_for(files["README.md"], rel="README.md", root=tmp_path, moves=moves, all_files=all_files)
    res = MD.analyze(ctx)
    out = apply_edits(ctx.text, res.edits)
    assert out == "[a](docs/runs.md#run-lifecycle) [b](./docs/runs/) [c](docs/guide.md#setup)\n"
    assert not [f for f in res.findings if f.rule == "link"]


def test_moving_file_repoints_its_relative_links(tmp_path):
    files = {"docs/jobs/a.md": "[guide](../guide.md)\n", "docs/guide.md": "# G\n"}
    all_files = write(tmp_path, files)
    ctx = ctx_for(files["docs/jobs/a.md"], rel="docs/jobs/a.md", new_rel="docs/all-runs/a.md", root=tmp_path,
                  moves={"docs/jobs/a.md": "docs/all-runs/a.md"}, all_files=all_files)
    out = apply_edits(ctx.text, MD.analyze(ctx).edits)
    assert out == "[guide](../guide.md)\n"


def test_link_into_deleted_file_is_reported(tmp_path):
    files = {"README.md": "See [old](src/jobs/service.py).\n", "src/jobs/service.py": "x = 1\n"}
    all_files = write(tmp_path, files)
    ctx = ctx_for(files["README.md"], rel="README.md", root=tmp_path, all_files=all_files,
                  deletes=frozenset({"src/jobs/service.py"}))
    res = MD.analyze(ctx)
    links = [f for f in res.findings if f.rule == "link"]
    assert len(links) == 1 and "deletes" in links[0].message


def test_link_into_deleted_file_follows_the_term_map_when_that_exists(tmp_path):
    files = {"README.md": "See [old](src/jobs/service.py).\n", "src/jobs/service.py": "x = 1\n",
             "src/runs/service.py": "y = 1\n"}
    all_files = write(tmp_path, files)
    ctx = ctx_for(files["README.md"], rel="README.md", root=tmp_path, all_files=all_files,
                  deletes=frozenset({"src/jobs/service.py"}))
    res = MD.analyze(ctx)
    assert apply_edits(ctx.text, res.edits) == "See [old](src/runs/service.py).\n"
    assert not [f for f in res.findings if f.rule == "link"]


def test_pre_existing_broken_links_are_not_reported(tmp_path):
    files = {"README.md": "[gone](missing.md#x) [anchor](#nowhere)\n"}
    all_files = write(tmp_path, files)
    ctx = ctx_for(files["README.md"], rel="README.md", root=tmp_path, all_files=all_files)
    assert not [f for f in MD.analyze(ctx).findings if f.rule == "link"]


def test_suppressed_heading_keeps_its_anchor(tmp_path):
    from runsmig.runner import analyze_file

    text = "<!-- runsmig: ignore-next-line -->\n# Jobs\n\n[top](#jobs) for a job\n"
    all_files = write(tmp_path, {"a.md": text})
    o = analyze_file(tmp_path, "a.md", "a.md", RECIPE, ENGINE, {}, frozenset(), all_files)
    assert o.new.decode() == "<!-- runsmig: ignore-next-line -->\n# Jobs\n\n[top](#jobs) for a run\n"


def test_scan_inline_pieces():
    kinds = [p.kind for p in scan_inline("a `job` [x](y.md \"t\") <b>z</b> https://e.com/j ok")]
    assert kinds == ["prose", "code", "prose", "link", "prose", "html", "prose", "html", "prose", "url", "prose"]


def test_md_links_script_counts(tmp_path):
    import importlib.util

    write(tmp_path, {"a.md": "# A\n\n[ok](b.md#b) [bad](b.md#nope) [gone](c.md) [x](https://e.com)\n", "b.md": "# B\n"})
    spec = importlib.util.spec_from_file_location("md_links", Path(__file__).resolve().parents[2] / "scripts" / "md_links.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.check_tree(tmp_path)
    assert (res["intra_repo_links"], res["broken_files"], res["broken_anchors"]) == (3, 1, 1)


def _md_links():
    import importlib.util

    spec = importlib.util.spec_from_file_location("md_links", Path(__file__).resolve().parents[2] / "scripts" / "md_links.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("line, kind", [
    ("A **run** (or **run**) is an execution.", "doubled"),
    ("### Runs (runs)", "doubled"),
    ("* `Run` vs `Run` (pick one).", "doubled"),
    ("Relationship between “runs” and “runs” in the UI.", "doubled"),
    ("* Run logs: `/runs/{run_id}/logs`, `/runs/{run_id}/logs`.", "doubled"),
    ("At run runtime, and run a run by hand.", "doubled"),
    ("the UI’s run is to make the state obvious", "idiom"),
    ("Backend routes that currently use `/runs` are treated as ledger endpoints.", "legacy"),
    ("*Backend naming currently uses `/runs`; conceptually these are runs.*", "legacy"),
    ("associate one backend run with one or many runs", "engine"),
    ("start an run", "article"),
    ("- Provide top-level `run_run(run_id)`; every run that runs here.", "doubled"),
])
def test_md_links_prose_flags(line, kind):
    assert [k for _, k, _ in _md_links().unnatural_lines(line + "\n")] == [kind]


@pytest.mark.parametrize("line", [
    "### 6. Runs and run options",
    "Test runs (run extraction from builder).",
    "A **Runs** section, a ready‑to‑run runtime, “Run”, “Run extraction” buttons.",
    "`run` — metadata for this run (run/workspace IDs).",
])
def test_md_links_prose_passes_natural_lines(line):
    assert _md_links().unnatural_lines(line + "\n") == []


def test_md_links_prose_skips_code_but_reads_quoted_markdown():
    text = "```python\nruns and runs\n```\n```markdown\n```ts\nruns and runs\n````\n"
    assert [n for n, _, _ in _md_links().unnatural_lines(text)] == [6]
    mermaid = "```mermaid\nflowchart TD\n  S2 --> J1[\"Step 3: Run run A\"]\n```\n"
    assert [n for n, _, _ in _md_links().unnatural_lines(mermaid)] == [3]


@settings(max_examples=200, deadline=None)
@given(files=st.sets(st.lists(st.sampled_from(["a", "b", "a.md", "ab", "a-b"]), min_size=1, max_size=4).map("/".join),
                     max_size=8),
       asked=st.lists(st.lists(st.sampled_from(["a", "b", "a.md", "ab", "a-b"]), max_size=4).map("/".join), max_size=8))
def test_a_tree_knows_its_files_and_every_folder_above_them(files, asked):
    from runsmig.languages.markdown.anchors import Tree

    folders = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)} | {""}
    tree = Tree(files)
    for rel in asked + [r + "/" for r in asked]:
        assert tree.exists(rel) == (rel.rstrip("/") in files or rel.rstrip("/") in folders)
