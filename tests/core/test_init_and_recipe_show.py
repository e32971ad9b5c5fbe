"""runsmig init (a starter recipe for any checkout, with a scan's suggestions) and
runsmig recipe show (entries and transforms with What / Why / Example)."""

from __future__ import annotations

from pathlib import Path

from runsmig.recipe import load_recipe
from tests.helpers import git, runsmig

FILES = {
    "app/worker.py": "from rq.job import Job\n\nKEY = 'app:job:'\n\n\ndef run_job(job):\n    \"\"\"The job runs here.\"\"\"\n    return Job.fetch(job)\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    "README.md": "# Worker\n\nEach job runs once.\n",
}


def checkout(tmp: Path) -> Path:
    root = tmp / "co"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def test_init_writes_a_loadable_recipe_with_suggestions_and_plans_clean(tmp_path):
    root = checkout(tmp_path)
    runsmig("init", str(root), "--term", "job:run", "--workers", "1", check_rc=0)
    text = (root / ".runsmig" / "recipe.yaml").read_text()
    rec = load_recipe(root / ".runsmig")
    assert [(t.singular, t.plural, t.to_singular, t.to_plural) for t in rec.terms] == [("job", "jobs", "run", "runs")]
    assert rec.symbols == {} and rec.phrases == () and rec.keep == ()
    # prose that would read 'run runs' is reworded ('run executes'): no phrases: suggestion needed
    assert "'job runs': ..." not in text
    assert "belongs to GitHub Actions" in text and "third-party package" in text
    assert "'^app:job:$'" not in text  # a namespaced key: kept as a stored value, nothing to suggest
    assert "#   run_job: run_run" in text  # a doubled word: a symbols: suggestion
    # the recipe inside the checkout names the old term on purpose: never rewritten, never a finding
    proc = runsmig("plan", str(root), "--recipe", str(root / ".runsmig"), "--no-regenerate", check_rc=0)
    assert b".runsmig/recipe.yaml" not in proc.stdout
    assert b"def run_run(run)" in proc.stdout
    assert b"The run executes here." in proc.stdout and b"Each run executes once." in proc.stdout
    # a second init does not overwrite it
    again = runsmig("init", str(root), "--term", "job:run", "--no-scan")
    assert again.returncode == 4 and b"not overwritten" in again.stderr


def test_init_rejects_a_bad_term(tmp_path):
    proc = runsmig("init", str(tmp_path), "--term", "job")
    assert proc.returncode == 2 and b"OLD:NEW" in proc.stderr


def test_recipe_show_lists_entries_and_transform_docs():
    proc = runsmig("recipe", "show", check_rc=0)
    out = proc.stdout.decode()
    assert "job/jobs -> run/runs" in out and "transforms (" in out
    assert "ade_api_drop_jobs_router_registration: removes the statement" in out
    one = runsmig("recipe", "show", "ade_api_drop_jobs_router_registration", check_rc=0).stdout.decode()
    assert "What it does:" in one and "Why:" in one and "Example:" in one
    bad = runsmig("recipe", "show", "nope")
    assert bad.returncode == 2 and b"no entry or transform 'nope'" in bad.stderr


def test_init_literal_suggestions_name_each_string_as_it_was_and_load_when_uncommented(tmp_path):
    """A renamed item of a literal compared with sorted(...) is listed as itself (its old text, its
    new text), not as the item that moved into its place; bytes and quotes give patterns that load."""
    root = tmp_path / "co"
    root.mkdir()
    (root / "keys.py").write_text(
        "def test_keys(keys):\n    assert sorted(keys) == [b'app.job.x', b'app.queue']\n\n\n"
        "NOTE = \"it's-a-job\"\n", "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    runsmig("init", str(root), "--term", "job:run", "--workers", "1", check_rc=0)
    text = (root / ".runsmig" / "recipe.yaml").read_text()
    suggested = [ln for ln in text.splitlines() if ln.startswith("#   - {pattern:")]
    assert any("'^app\\.job\\.x$'" in ln and "-> b'app.run.x'" in ln for ln in suggested), suggested
    assert not any("app.queue" in ln.partition("#   - ")[2].partition("}")[0] for ln in suggested), suggested
    # uncommented, the suggestions are a valid literals section that keeps what they name
    body = "\n".join(ln[1:].split("   # ")[0] for ln in suggested).replace("reason: ...", "reason: stored")
    recipe = text + "literals:\n" + body + "\n"
    (root / ".runsmig" / "recipe.yaml").write_text(recipe, "utf-8")
    load_recipe(root / ".runsmig")
    proc = runsmig("plan", str(root), "--recipe", str(root / ".runsmig"), "--no-regenerate", check_rc=0)
    assert b"app.run.x" not in proc.stdout and b"it's-a-run" not in proc.stdout
