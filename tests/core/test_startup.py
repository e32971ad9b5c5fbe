"""Start-up stays light: the CLI's command modules, `--help`, and commands that do not need them
never import LibCST, ast-grep, Alembic or SQLAlchemy (nor the recipe/YAML machinery for --help).
Each case runs in a fresh interpreter and reads what it imported (sys.modules, or -X importtime)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import git

HEAVY = ("libcst", "ast_grep_py", "alembic", "sqlalchemy")
NOT_FOR_HELP = HEAVY + ("ruamel", "pathspec", "mako", "runsmig.runner", "runsmig.plan", "runsmig.recipe",
                        "runsmig.languages", "rich.progress")
NOT_ON_IMPORT = NOT_FOR_HELP + ("rich.table", "rich.markdown", "markdown_it")  # Typer's rich help loads these


def _hits(modules: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


def _imported_by(args: list[str], cwd: Path | None = None) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules `python -X importtime -m runsmig ARGS` imported (those imported by an import
    statement: -X importtime does not list what importlib.import_module loads itself)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "runsmig", *args], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
    mods = {line.rpartition("|")[2].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    return mods, proc


def test_loading_the_commands_imports_no_heavy_library():
    code = ("import sys, runsmig.cli as c; c._load_commands(); "
            "print('\\n'.join(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mods = set(proc.stdout.split())
    assert "typer" in mods and "runsmig.cli.check" in mods and "runsmig.cli.storage" in mods
    assert _hits(mods, NOT_ON_IMPORT) == []


def test_help_imports_no_heavy_library():
    mods, proc = _imported_by(["--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "runsmig.cli.common" in mods  # the reading worked: the command modules were loaded
    assert _hits(mods, NOT_FOR_HELP) == []
    for sub in (["check", "--help"], ["db", "revisions", "--help"], ["storage", "move", "--help"]):
        mods, proc = _imported_by(sub)
        assert proc.returncode == 0 and _hits(mods, NOT_FOR_HELP) == [], (sub, _hits(mods, NOT_FOR_HELP))


def test_plan_without_an_alembic_environment_imports_neither_alembic_nor_sqlalchemy(tmp_path):
    root = tmp_path / "co"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "jobs.md").write_text("# Jobs\n\nEach job reads a document.\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    mods, proc = _imported_by(["plan", str(root), "--no-regenerate"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "runsmig.db.discover" in mods  # the database generator did look for an environment
    assert _hits(mods, ("alembic", "sqlalchemy", "mako")) == []


def test_storage_move_without_db_imports_no_sqlalchemy(tmp_path):
    (tmp_path / "data" / "jobs" / "a1").mkdir(parents=True)
    mods, proc = _imported_by(["storage", "move", "--from", "data/jobs", "--to", "data/runs"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "data" / "runs" / "a1").is_dir()
    assert _hits(mods, ("sqlalchemy", "alembic")) == []


def test_a_command_loads_its_own_module_only():
    def loaded(argv: list[str]) -> set[str]:
        code = (f"import sys, runsmig.cli as c; c._load_commands({argv!r}); "
                "print('\\n'.join(sorted(sys.modules)))")
        return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())

    others = {"runsmig.cli.storage", "runsmig.cli.db", "runsmig.cli.init", "runsmig.cli.plan", "runsmig.cli.recipe_show"}
    mods = loaded(["check", "."])
    assert "runsmig.cli.check" in mods and not others & mods
    for argv in (["recipe", "show"], ["--help"], ["chek"], []):  # a group named unlike its module, help, a typo
        mods = loaded(argv)
        assert others | {"runsmig.cli.check"} <= mods, argv
