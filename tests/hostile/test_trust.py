"""A pull request against the gate: no recipe code runs in ``check``; ``plan``/``apply`` run recipe
code only from a recipe the user named or trusts; the checkout can narrow the gate, never turn it
off; a malformed ``[tool.runsmig]`` is an error (issue #20, items 1, 2 and 7).

Every evil transform and command here writes a marker file outside the checkout: a marker that
exists is code from the checkout that ran."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import REPO, git, runsmig

RECIPE = "version: 1\nname: evil\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"

# the transform's module, by how it misbehaves; {marker} is a path outside the checkout
EVIL = {
    # PATHS not a literal: the old loader imported the module to read it, on every check
    "import-exit0": 'import os\nopen({marker!r}, "a").write("imported\\n")\n'
                    'PATHS = os.environ.get("NOPE", "**").split()\n'
                    'def transform(ctx):\n    raise SystemExit(0)\nraise SystemExit(0)\n',
    "import-os-exit": 'import os\nopen({marker!r}, "a").write("imported\\n")\n'
                      'PATHS = os.environ.get("NOPE", "**").split()\n'
                      'def transform(ctx):\n    os._exit(7)\nos._exit(7)\n',
    # PATHS a literal: imported, then run, for each file it names
    "run-exit0": 'open({marker!r}, "a").write("imported\\n")\nPATHS = ["**/*.py"]\n'
                 'def transform(ctx):\n    open({marker!r}, "a").write("ran\\n")\n    raise SystemExit(0)\n',
}


@pytest.fixture(autouse=True)
def _no_outside_trust(tmp_path, monkeypatch):
    """No trust from the machine running the tests: an empty config home, no variables."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("RUNSMIG_TRUST", raising=False)
    monkeypatch.delenv("RUNSMIG_RECIPE", raising=False)


def _checkout(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def _evil_checkout(tmp_path: Path, kind: str, code: str = "x = 1\n", extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    marker = tmp_path / "marker"
    files = {
        "pyproject.toml": '[tool.runsmig]\nrecipe = ".evil"\n',
        ".evil/recipe.yaml": RECIPE,
        ".evil/transforms/x.py": EVIL[kind].format(marker=str(marker)),
        "app/a.py": code,
        **(extra or {}),
    }
    return _checkout(tmp_path / "co", files), marker


def _no_traceback(proc) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()[-2000:]


# -- 1. check runs no recipe code ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", EVIL)
@pytest.mark.parametrize("how", ["plain", "github", "since", "clean-tree", "named-files"])
def test_check_never_runs_a_checkout_recipes_transform(tmp_path, kind, how):
    has_term = how != "clean-tree"
    root, marker = _evil_checkout(tmp_path, kind, "job = 1\n" if has_term else "x = 1\n")
    args = ["check", "--no-job-terms"]
    if how == "github":
        args += ["--format", "github"]
    if how == "since":  # the pull request's own commit adds the term
        (root / "app/b.py").write_text("def run_job(job_id):\n    return job_id\n", "utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "pr")
        args += ["--since", "HEAD~1"]
    if how == "named-files":
        args += ["app/a.py"]
    proc = runsmig(*args, cwd=root)
    _no_traceback(proc)
    assert not marker.exists(), f"check ran the checkout's transform: {marker.read_text()}"
    assert proc.returncode == (1 if has_term else 0), proc.stderr.decode()[-2000:]
    if how == "github":
        assert b"::error" in proc.stdout


def test_check_workers_in_a_pool_run_no_recipe_code_either(tmp_path):
    """Enough bytes for a process pool: the workers rebuild the recipe as the parent has it (data)."""
    big = "job = 1\nFILLER = '" + "x" * 140_000 + "'\n"  # 4 of them: enough bytes for a process pool
    root, marker = _evil_checkout(tmp_path, "run-exit0", extra={f"app/big{i}.py": big for i in range(4)})
    proc = runsmig("check", "--no-job-terms", "--workers", "2", "--no-cache", cwd=root)
    _no_traceback(proc)
    assert not marker.exists()
    assert proc.returncode == 1


def test_check_with_a_trusted_recipe_runs_no_code_either(tmp_path):
    """--recipe trusts a recipe for plan/apply; the gate still reads it as data."""
    root, marker = _evil_checkout(tmp_path, "run-exit0", "job = 1\n")
    proc = runsmig("check", "--no-job-terms", "--recipe", ".evil", cwd=root)
    _no_traceback(proc)
    assert not marker.exists()
    assert proc.returncode == 1


def test_check_and_plan_keep_their_cached_results_apart(tmp_path):
    """A check (no transforms) must not leave results a plan (with them) then takes."""
    case = REPO / "fixtures" / "recipe-transform"
    root = tmp_path / "co"
    import shutil

    shutil.copytree(case / "before", root)
    _checkout(root, {})
    recipe = str(case)
    runsmig("check", "--recipe", recipe, cwd=root)
    cached = runsmig("plan", "--recipe", recipe, cwd=root, check_rc=0).stdout
    fresh = runsmig("plan", "--recipe", recipe, "--no-cache", cwd=root, check_rc=0).stdout
    assert cached == fresh and b"LEGACY-EXECUTION-MARKER" in cached


# -- 2. plan/apply run recipe code only from a trusted recipe ---------------------------------------
REGEN = RECIPE + "generated:\n  - {path: app/a.py, regenerate: 'touch MARKER'}\n"


def _regen_checkout(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "regen-marker"
    files = {"pyproject.toml": '[tool.runsmig]\nrecipe = ".evil"\n', ".evil/recipe.yaml": REGEN.replace("MARKER", str(marker)),
             "app/a.py": "job = 1\n"}
    return _checkout(tmp_path / "co", files), marker


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply_refuse_a_checkout_recipes_regenerate_command(tmp_path, command):
    root, marker = _regen_checkout(tmp_path)
    proc = runsmig(command, cwd=root)
    _no_traceback(proc)
    assert proc.returncode == 4, proc.stderr.decode()
    assert not marker.exists()
    lines = proc.stderr.decode().splitlines()
    assert lines[0].startswith("runsmig: error: pyproject.toml:2:1: recipe .evil runs code (regenerate: touch ")
    assert "--recipe .evil" in lines[1]
    assert (root / "app/a.py").read_text() == "job = 1\n"


@pytest.mark.parametrize("command", ["plan", "apply", "plan --no-regenerate"])
def test_plan_and_apply_refuse_a_checkout_recipes_transform(tmp_path, command):
    root, marker = _evil_checkout(tmp_path, "run-exit0", "job = 1\n")
    proc = runsmig(*command.split(), cwd=root)
    _no_traceback(proc)
    assert proc.returncode == 4, proc.stderr.decode()
    assert not marker.exists()
    assert "transforms/x.py" in proc.stderr.decode().splitlines()[0]
    assert (root / "app/a.py").read_text() == "job = 1\n"


def test_plan_without_regenerate_needs_no_trust_for_a_recipe_whose_only_code_is_a_command(tmp_path):
    root, marker = _regen_checkout(tmp_path)
    proc = runsmig("plan", "--no-regenerate", cwd=root, check_rc=0)
    assert b"+run = 1" in proc.stdout and not marker.exists()


def test_a_checkout_recipe_without_code_plans_and_applies_without_trust(tmp_path):
    root = _checkout(tmp_path / "co", {"pyproject.toml": '[tool.runsmig]\nrecipe = ".evil"\n',
                                       ".evil/recipe.yaml": RECIPE, "app/a.py": "job = 1\n"})
    runsmig("apply", cwd=root, check_rc=0)
    assert (root / "app/a.py").read_text() == "run = 1\n"


@pytest.mark.parametrize("how", ["--recipe", "RUNSMIG_RECIPE", "RUNSMIG_TRUST", "trusted-file"])
def test_a_trusted_recipe_runs_its_command(tmp_path, monkeypatch, how):
    root, marker = _regen_checkout(tmp_path)
    args = ["plan"]
    if how == "--recipe":
        args += ["--recipe", ".evil"]
    elif how == "RUNSMIG_RECIPE":
        monkeypatch.setenv("RUNSMIG_RECIPE", str(root / ".evil"))
    elif how == "RUNSMIG_TRUST":
        monkeypatch.setenv("RUNSMIG_TRUST", os.pathsep.join(["/nowhere", str(root / ".evil")]))
    else:
        f = tmp_path / "config" / "runsmig" / "trusted"
        f.parent.mkdir(parents=True)
        f.write_text(f"# reviewed\n{root / '.evil' / 'recipe.yaml'}\n", "utf-8")
    runsmig(*args, cwd=root, check_rc=0)
    assert marker.exists()


# -- 3. the checkout narrows the gate, never turns it off -------------------------------------------
@pytest.mark.parametrize("pattern", ["**", "*", "/", "**/*", "/**"])
def test_a_catch_all_ignore_in_pyproject_is_refused(tmp_path, pattern):
    root = _checkout(tmp_path / "co", {"pyproject.toml": f'[tool.runsmig]\nignore = ["{pattern}"]\n',
                                       "app/a.py": "job = 1\n"})
    proc = runsmig("check", "--no-job-terms", cwd=root)
    _no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith(f"runsmig: error: pyproject.toml:2:11: ignore pattern '{pattern}' matches every file")


def test_ignore_patterns_that_together_match_everything_are_refused(tmp_path):
    root = _checkout(tmp_path / "co", {"pyproject.toml": '[tool.runsmig]\nignore = [\n  "/*",\n  "*/",\n]\n',
                                       "app/a.py": "job = 1\n"})
    proc = runsmig("check", "--no-job-terms", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("runsmig: error: pyproject.toml:4:3: ignore pattern '*/' with the ones before")


def test_a_catch_all_runsmigignore_is_refused(tmp_path):
    root = _checkout(tmp_path / "co", {".runsmigignore": "# generated\n**\n", "app/a.py": "job = 1\n"})
    proc = runsmig("check", "--no-job-terms", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("runsmig: error: .runsmigignore:2:1: ignore pattern '**'")


CATCH_ALL_RECIPE = {
    "ignore": ("ignore: ['**/*']\n", "7:10", "ignore pattern '**/*' matches every file"),
    "allowlist paths": ("allowlist:\n  - {paths: ['**'], reason: fine}\n", "8:5", "allowlist entry ['**'] covers every file"),
    "allowlist trivial pattern": ("allowlist:\n  - path: '*'\n    pattern: '(?i)jobs?'\n    reason: fine\n", "8:5",
                                  "covers every file and every line"),
    "keep the term": ("keep: [Jobs]\n", "7:8", "keep 'Jobs' is a term itself"),
    "literals keep all": ("literals:\n  - {pattern: '.', action: keep, reason: stored}\n", "8:5",
                          "literals rule '.' keeps every identifier-like string"),
}


@pytest.mark.parametrize("where", ["named by pyproject", "inside the checkout"])
@pytest.mark.parametrize("entry", CATCH_ALL_RECIPE, ids=CATCH_ALL_RECIPE.keys())
def test_a_catch_all_entry_of_a_checkout_recipe_is_refused(tmp_path, entry, where):
    text, pos, message = CATCH_ALL_RECIPE[entry]
    files = {".evil/recipe.yaml": RECIPE + "\n" + "#\n" + text, "app/a.py": "job = 1\n"}
    args = ["check", "--no-job-terms"]
    if where == "named by pyproject":
        files["pyproject.toml"] = '[tool.runsmig]\nrecipe = ".evil"\n'
    else:  # named on the command line, but a pull request can edit it
        args += ["--recipe", ".evil"]
    root = _checkout(tmp_path / "co", files)
    proc = runsmig(*args, cwd=root)
    _no_traceback(proc)
    assert proc.returncode == 2, proc.stderr.decode()
    first = proc.stderr.decode().splitlines()[0]
    assert first.startswith(f"runsmig: error: .evil/recipe.yaml:{pos}: ") and message in first, first


def test_the_same_entries_from_a_recipe_outside_the_checkout_are_the_users_choice(tmp_path):
    outside = tmp_path / "mine"
    outside.mkdir()
    (outside / "recipe.yaml").write_text(RECIPE + "allowlist:\n  - {paths: ['**'], reason: all accepted}\n", "utf-8")
    root = _checkout(tmp_path / "co", {"app/a.py": "job = 1\n"})
    runsmig("check", "--no-job-terms", "--recipe", str(outside), cwd=root, check_rc=0)


def test_narrowing_entries_still_narrow(tmp_path):
    recipe = RECIPE + ("allowlist:\n  - {paths: ['**'], pattern: 'legacy_job_lib', reason: third-party}\n"
                       "  - {paths: ['legacy/**'], reason: frozen}\n")
    root = _checkout(tmp_path / "co", {
        "pyproject.toml": '[tool.runsmig]\nrecipe = ".evil"\nignore = ["vendor/**"]\n', ".evil/recipe.yaml": recipe,
        "app/a.py": "import legacy_job_lib\n", "legacy/b.py": "job = 1\n", "vendor/c.py": "job = 1\n"})
    runsmig("check", "--no-job-terms", cwd=root, check_rc=0)


def test_a_recipe_folder_named_at_the_code_does_not_hide_the_code(tmp_path):
    root = _checkout(tmp_path / "co", {"pyproject.toml": '[tool.runsmig]\nrecipe = "src"\n', "src/recipe.yaml": RECIPE,
                                       "src/app.py": "job = 1\n", "src/transforms/_notes.txt": "job\n"})
    proc = runsmig("check", "--no-job-terms", "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stderr.decode()
    assert b'"src/app.py"' in proc.stdout and b'"src/recipe.yaml"' not in proc.stdout.split(b'"skipped"')[0]


@pytest.mark.parametrize("key", ["no-job-terms = false", "gate = false", "enabled = false"])
def test_no_setting_turns_the_gate_off(tmp_path, key):
    root = _checkout(tmp_path / "co", {"pyproject.toml": f"[tool.runsmig]\n{key}\n", "app/a.py": "job = 1\n"})
    proc = runsmig("check", "--no-job-terms", cwd=root)
    assert proc.returncode == 2 and b"pyproject.toml:2:1: tool.runsmig." in proc.stderr


# -- 4. a malformed [tool.runsmig] is an error --------------------------------------------------------
BROKEN = {
    "header without ]": ('[tool.runsmig\nignore = ["app/**"]\n', "1:14"),
    "text after the header": ('[project]\nname = "x"\n\n[tool.runsmig] #\nignore = ["app/**"]\n', None),
    "garbage after the header": ('[project]\nname = "x"\n\n[tool.runsmig] x\nignore = ["app/**"]\n', "4:16"),
    "error before an intact table": ('[project\n\n[tool.runsmig]\nignore = ["app/**"]\n', "1:9"),
    "runsmig named in an inline table": ('[tool]\nrunsmig = {ignore = ["app/**"]\n', "2:31"),
    "tools.runsmig": ('[tools.runsmig]\nignore = ["app/**"]\n', "1:1"),
    "quoted dotted key": ('["tool.runsmig"]\nignore = ["app/**"]\n', "1:1"),
    "top-level runsmig": ('[runsmig]\nignore = ["app/**"]\n', "1:1"),
    "other case": ('[tool.RunsMig]\nignore = ["app/**"]\n', "1:1"),
}


@pytest.mark.parametrize("case", BROKEN, ids=BROKEN.keys())
def test_a_malformed_tool_runsmig_is_an_error(tmp_path, case):
    text, pos = BROKEN[case]
    root = _checkout(tmp_path / "co", {"pyproject.toml": text, "app/a.py": "job = 1\n"})
    proc = runsmig("check", "--no-job-terms", cwd=root)
    _no_traceback(proc)
    if pos is None:  # a comment after the header is valid TOML: the settings apply
        assert proc.returncode == 0, proc.stderr.decode()
        return
    assert proc.returncode == 2, proc.stderr.decode()
    first = proc.stderr.decode().splitlines()[0]
    assert first.startswith(f"runsmig: error: pyproject.toml:{pos}: "), first


def test_a_broken_pyproject_that_never_names_runsmig_is_not_settings(tmp_path):
    root = _checkout(tmp_path / "co", {"pyproject.toml": '[project\nname = "x"\n', "app/a.py": "x = 1\n"})
    runsmig("check", "--no-job-terms", cwd=root, check_rc=0)  # pyproject.toml holds no term: not even read


# -- pinning the recipe from outside the checkout -----------------------------------------------------
@pytest.mark.parametrize("how", ["--recipe", "RUNSMIG_RECIPE"])
def test_a_pinned_recipe_wins_over_the_checkouts_own(tmp_path, monkeypatch, how):
    """A pull request that points [tool.runsmig] recipe at a recipe of other terms would turn the
    gate off; a recipe pinned from outside the checkout is the one the gate reads."""
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    (pinned / "recipe.yaml").write_text(RECIPE, "utf-8")
    root = _checkout(tmp_path / "co", {
        "pyproject.toml": '[tool.runsmig]\nrecipe = ".evil"\n',
        ".evil/recipe.yaml": "version: 1\nname: other\nterms:\n  - {from: xyzzy, to: plugh}\n",
        "app/a.py": "job = 1\n"})
    args = ["check", "--no-job-terms"]
    if how == "--recipe":
        args += ["--recipe", str(pinned)]
    else:
        monkeypatch.setenv("RUNSMIG_RECIPE", str(pinned))
    runsmig(*args, cwd=root, check_rc=1)


SHADOW = ('import sys, traceback\nopen({marker!r}, "a").write("".join(traceback.format_stack()) + "\\n")\n'
          'del sys.modules["multiprocessing"]\nsys.path[:] = [p for p in sys.path if p not in ("", ".")]\n'
          'import multiprocessing  # the real one, so the worker still works\n')


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_pool_workers_do_not_import_the_checkouts_modules(tmp_path, monkeypatch, method):
    """Workers started by spawn or forkserver (Python 3.14's default) run ``python -c`` in the
    checkout: a ``multiprocessing/`` folder of a pull request would be imported first."""
    import multiprocessing

    from runsmig.cli.check import build_report
    from runsmig.recipe import load_recipe

    marker = tmp_path / "marker"
    big = "job = 1\nFILLER = '" + "x" * 140_000 + "'\n"  # 4 of them: enough bytes for a process pool
    files = {f"app/big{i}.py": big for i in range(4)}
    files["multiprocessing/__init__.py"] = SHADOW.format(marker=str(marker))
    root = _checkout(tmp_path / "co", files)
    (tmp_path / "recipe.yaml").write_text(RECIPE, "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    old = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(method, force=True)
    try:
        rep = build_report(root, load_recipe(tmp_path / "recipe.yaml"), workers=2)
    finally:
        multiprocessing.set_start_method(old, force=True)
    assert rep.findings and not marker.exists(), marker.read_text() if marker.exists() else ""


def test_the_action_runs_no_python_with_the_checkout_on_its_path():
    """'python -m' in the checkout (the Action's working folder) imports the checkout's modules first
    (a pull request's venv.py or pip/); every Python the Action starts is isolated (-I)."""
    import re

    text = "\n".join(ln for ln in (REPO / "action.yml").read_text("utf-8").splitlines() if not ln.lstrip().startswith("#"))
    pythons = re.findall(r'\bpython3?"?\s+-[^\n]*', text)  # every Python started with options
    assert len(pythons) >= 4, pythons  # venv, and pip in its three forms
    assert all(re.match(r'python3?"?\s+-I\s', c) for c in pythons), pythons
