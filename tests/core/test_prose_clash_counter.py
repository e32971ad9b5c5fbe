"""scripts/prose_clashes.py: the counter the acceptance uses, a plain scan of a plan's diff."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.helpers import committed_checkout, runsmig

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "prose_clashes.py"
RECIPE = "version: 1\nname: t\nterms: [{from: job, to: run}]\n"


def _counter():
    spec = importlib.util.spec_from_file_location("prose_clashes", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_counts_clashes_the_added_lines_bring_and_not_those_already_there(tmp_path):
    from runsmig.recipe import load_recipe

    (tmp_path / "r.yaml").write_text(RECIPE)
    diff = ("diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1,4 +1,4 @@\n"
            "-Run the job again.\n+Run the run again.\n"  # introduced
            "-Runs and runs were here; a job too.\n+Runs and runs were here; a run too.\n"  # already there
            " context\n"
            "-Each job\n-is fine.\n+Each run\n+runs fine.\n"  # across two lines
            "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n"
            "-for job in jobs:  # run the job\n+for run in runs:  # run the run\n")  # code is not prose; its comment is
    found = _counter().introduced(diff, load_recipe(tmp_path / "r.yaml"))
    assert found == [("docs/a.md", 1, "run the run"), ("docs/a.md", 4, "run runs"), ("app.py", 1, "run the run")]


def test_a_plan_leaves_no_clash_unreported(tmp_path):
    root, _ = committed_checkout(tmp_path, {
        "docs/a.md": "Run the job again. A running job stops. Retry failed jobs and test runs.\n",
        "app.py": "def go(job):\n    # Start the job and run it.\n    return job\n",
    }, RECIPE)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"))
    assert proc.returncode == 0, proc.stderr
    diff = proc.stdout.decode()
    assert "+def go(run):" in diff and "failed runs and test runs" in diff  # the rest was rewritten
    from runsmig.recipe import load_recipe

    assert _counter().introduced(diff, load_recipe(tmp_path / "recipe.yaml")) == []
    # 'Run the run' and 'running run' are reworded ("Execute the run", "An executing run"); the clash
    # whose words cannot be told apart ('run and run') is kept and reported
    assert "+Execute the run again. An executing run stops." in diff
    assert proc.stderr.decode().count("would read") == 1


def test_words_that_already_repeated_each_other_are_no_new_clash(tmp_path):
    """'jobs per job' -> 'runs per run' repeats what was there (runsmig keeps no such rewrite, and the
    counter counts none); 'job isn't in running jobs' holds the word 'running' before: a clash."""
    from runsmig.recipe import load_recipe

    (tmp_path / "r.yaml").write_text(RECIPE)
    diff = ("diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1,2 +1,2 @@\n"
            "-Concurrent jobs per job type.\n+Concurrent runs per run type.\n"
            "-The job isn't in running jobs.\n+The run isn't in running runs.\n")
    found = _counter().introduced(diff, load_recipe(tmp_path / "r.yaml"))
    assert found == [("docs/a.md", 2, "run isn't in running"), ("docs/a.md", 2, "running runs")]  # window by window


def test_a_clash_that_runs_on_past_the_first_is_kept_whole(tmp_path):
    """The window that finds 'Job isn't in running' keeps those words; the next one, 'running jobs',
    starts inside it and ends past it: the clash grows, so the kept words make no second clash."""
    root, _ = committed_checkout(tmp_path, {
        "src/a.ts": "// Job isn't in running jobs so throw an error\nexport const a = 1;\n",
        "docs/b.md": "Find the next job to run for a given job type.\n",
    }, RECIPE)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), "--workers", "1")
    err = proc.stderr.decode()
    assert "'Run isn't in running runs'" in err, err
    assert "src/a.ts" not in proc.stdout.decode()  # kept whole, not half rewritten
    assert _counter().introduced(proc.stdout.decode(), load_recipe_text(tmp_path)) == []


def load_recipe_text(tmp_path):
    from runsmig.recipe import load_recipe

    return load_recipe(tmp_path / "recipe.yaml")


def test_messages_in_typescript_and_paragraphs_around_code_are_judged_like_prose(tmp_path):
    """A TS/JS string with a space is a message (prose, as in the Python pass); a paragraph whose
    clash spans an inline code span is judged whole. A clash whose word of the family can be told
    apart is reworded, one that cannot is kept and reported; the counter then finds nothing the plan
    let through."""
    root, _ = committed_checkout(tmp_path, {
        "src/log.ts": 'console.log("Running job:", name);\nconsole.log("Start the job and run it");\n',
        "docs/api.md": "When a job of `jobName` gets run, it is passed to `fn`.\n",
    }, RECIPE)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), "--workers", "1")
    err, out = proc.stderr.decode(), proc.stdout.decode()
    assert "src/log.ts:2:24: the rewrite would read 'run and run'" in err, err
    assert err.count("would read") == 1, err  # the paragraph's clash across `jobName` is reworded
    assert '+console.log("Executing run:", name);' in out and '+console.log("Start the run' not in out
    assert "+When a run of `runName` gets executed, it is passed to `fn`." in out
    assert _counter().introduced(out, load_recipe_text(tmp_path)) == []


def test_restructuredtext_and_plain_text_prose_get_the_clash_check(tmp_path):
    """An .rst or .txt page is prose (the plain-text pass): phrases apply, a rewrite that would read
    'runs to run' is reworded ('runs to execute') and one that would read 'run and run' is kept and
    reported, as in Markdown."""
    root, _ = committed_checkout(tmp_path, {
        "docs/index.rst": "Usage\n=====\n\nYou can schedule jobs to run later. Each job has an id.\n"
                          "Start the job and run it.\n",
        "NOTES.txt": "A slow job is fine.\n",
    }, RECIPE)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), "--workers", "1")
    err, out = proc.stderr.decode(), proc.stdout.decode()
    assert "docs/index.rst:5:" in err and "'run and run'" in err, err
    assert "+You can schedule runs to execute later. Each run has an id." in out
    assert "+A slow run is fine." in out
    assert _counter().introduced(out, load_recipe_text(tmp_path)) == []
