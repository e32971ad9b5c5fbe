"""'runsmig apply' moves a checkout's own storage too: <root>/data/jobs -> <root>/data/runs
(and the ignored <root>/.env), through the same journaled mover as 'runsmig storage move'."""

from __future__ import annotations

import subprocess
from pathlib import Path

from runsmig import console


def _ignored_env(root: Path) -> Path | None:
    env = root / ".env"
    if not env.is_file() or env.is_symlink():
        return None
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", ".env"], cwd=root, capture_output=True)
    return env if tracked.returncode != 0 else None  # a tracked .env is rewritten by the plan itself


def check_checkout_storage(root: Path) -> None:
    """Refuse (exit 4) before anything is written when the checkout's storage folders are symlinks:
    moving through one would move data outside the checkout."""
    from runsmig.storage.mover import refuse_unsafe_root

    for rel in ("data", "data/jobs", "data/runs"):
        refuse_unsafe_root(root / rel, rel)


def move_checkout_storage(root: Path, recipe_path: Path | None, db: str | None, progress=None) -> None:
    """``progress(done, total)`` as folders are moved."""
    src = root / "data" / "jobs"
    env = _ignored_env(root)
    if (not src.is_dir() or src.is_symlink()) and env is None:
        return
    from runsmig.recipe.load import load_recipe
    from runsmig.storage.mover import run
    from runsmig.storage.plan import Options

    cfg = load_recipe(recipe_path).sections.get("storage")
    if cfg is None:
        console.warn("the recipe has no 'storage:' section: data/jobs and .env left as they are")
        return
    has_src = src.is_dir() and not src.is_symlink()
    if env is not None and not any(old in env.read_text("utf-8", "replace") for old, _ in cfg.env_keys):
        env = None  # already migrated
    if not has_src and env is None:
        return
    if not has_src:
        src = root / "data" / ".runsmig-no-jobs"  # nothing to move; only the .env is rewritten
    opts = Options(src=src, dst=root / "data" / "runs", db=db, orphans="keep", env_file=env, cfg=cfg)
    summary = run(opts, journal_path=None, dry_run=False, progress=progress, emit_plan=None)
    for note in summary.notes:
        console.warn(note)
    console.info(f"storage: moved {summary.moved + summary.renamed} folder(s) from data/jobs to data/runs"
                 f" ({summary.renamed} renamed by run id), orphans {summary.orphans}"
                 + (f", .env lines {summary.env_lines}" if summary.env_lines else ""))
