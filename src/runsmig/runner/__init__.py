"""Runs every file of a checkout through its language transformer; each ends as a result value.

Which files (:mod:`discover`, path plan) -> one file (:mod:`.analyze`) -> many files (:mod:`.pool`).
Nothing raises past this package for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runsmig.discover import discover
from runsmig.paths import PathPlan, plan_paths
from runsmig.recipe.model import Recipe
from runsmig.runner.analyze import analyze_file, file_mode, module_keys, suppressed_lines
from runsmig.runner.outcome import FileOutcome
from runsmig.runner.pool import PARALLEL_THRESHOLD, analyze_many
from runsmig.runner.scan import Candidates
from runsmig.terms import TermEngine

__all__ = ["FileOutcome", "PARALLEL_THRESHOLD", "RunResult", "analyze_file", "file_mode", "module_keys", "run",
           "suppressed_lines"]


@dataclass
class RunResult:
    root: Path
    recipe: Recipe
    outcomes: list[FileOutcome]
    paths: PathPlan
    skipped: list[tuple[str, str]]
    git: bool

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]


def run(root: Path, recipe: Recipe, workers: int | None = None, only: set[str] | None = None,
        progress=None, keep_bytes: bool = True) -> RunResult:
    """Every file of the checkout; with ``only``, just those (root-relative) files are read and
    analyzed, the whole file list staying their context (module resolution, moves, deletes).
    Only the candidates of one scan (:mod:`.scan`) and the files that move are opened; every other
    file is ``unchanged`` unread. ``progress(done, total)`` is called in this process as files
    finish. ``keep_bytes=False`` (the gate) drops the old and new contents from the outcomes."""
    engine = TermEngine.from_recipe(recipe)
    scan = Candidates(root, recipe, engine)  # git grep runs while the file list is made
    found = discover(root, recipe.ignore)
    _skip_recipe_folder(root, recipe, found)
    paths = plan_paths(found.files, recipe, engine)
    all_files = frozenset(found.files)
    deletes = frozenset(paths.deletes)
    wanted = found.files if only is None else [rel for rel in found.files if rel in only]
    look = scan.of(wanted, found.git)
    outcomes: list[FileOutcome] = []
    todo: list[tuple[str, str]] = []
    for rel in wanted:
        if rel in paths.deletes:
            full = root / rel
            try:
                data = full.read_bytes()
                o = FileOutcome(rel, rel, "deleted", paths.deletes[rel], old=data, mode=file_mode(full))
                o.raw = len(engine.raw_re.findall(data.decode("latin-1")))
            except OSError as exc:
                o = FileOutcome(rel, rel, "failed", f"cannot read: {exc.strerror or exc}")
            outcomes.append(o)
            continue
        new_rel = paths.moves.get(rel, rel)
        if rel in look or new_rel != rel:  # a moved file's bytes travel with its rename
            todo.append((rel, new_rel))
        else:
            outcomes.append(FileOutcome(rel, rel, "unchanged"))
    _load_named_transforms(recipe, [rel for rel, _ in todo])  # a broken one stops the run here, as a recipe error
    outcomes.extend(analyze_many(root, recipe, engine, todo, paths.moves, deletes, all_files, workers, progress,
                                 keep_bytes))
    return RunResult(root, recipe, outcomes, paths, found.skipped, found.git)


def _load_named_transforms(recipe: Recipe, rels: list[str]) -> None:
    from runsmig.transforms import load_transforms

    for t in load_transforms(recipe.folder):
        if any(t.applies(rel) for rel in rels):
            t.run  # noqa: B018 - imports it (RecipeError when it cannot be)


def _skip_recipe_folder(root: Path, recipe: Recipe, found) -> None:
    """A recipe kept inside the checkout (``runsmig init`` writes ``.runsmig/``) names the old
    terms on purpose: its folder is never rewritten, nor checked."""
    try:
        folder = recipe.folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return
    if folder in ("", "."):
        mine = {recipe.source.resolve().relative_to(root.resolve()).as_posix()}
        inside = [f for f in found.files if f in mine]
    else:
        inside = [f for f in found.files if f.startswith(folder + "/")]
    if inside:
        gone = set(inside)
        found.files[:] = [f for f in found.files if f not in gone]
        found.skipped.extend((f, "the recipe itself") for f in inside)
