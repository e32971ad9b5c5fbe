"""Many files: one process pool (or this process, for a few files), results in input order."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

from runsmig.recipe.model import Recipe
from runsmig.runner import analyze
from runsmig.runner.outcome import FileOutcome
from runsmig.terms import TermEngine

PARALLEL_THRESHOLD = 400  # files to analyze before a process pool pays off

# -- process pool -------------------------------------------------------------
_W: dict = {}


def _init_worker(recipe_path: str, root: str, moves: dict[str, str], deletes: frozenset[str], files: frozenset[str],
                 keep_bytes: bool = True) -> None:
    from runsmig.recipe import load_recipe
    from runsmig.workers import tie_to_parent

    tie_to_parent()

    recipe = load_recipe(Path(recipe_path))
    _W.update(recipe=recipe, engine=TermEngine.from_recipe(recipe), root=Path(root), moves=moves, deletes=deletes, files=files,
              keep_bytes=keep_bytes)


def _work(item: tuple[str, str]) -> FileOutcome:
    rel, new_rel = item
    o = analyze.analyze_file(_W["root"], rel, new_rel, _W["recipe"], _W["engine"], _W["moves"], _W["deletes"], _W["files"])
    return o if _W["keep_bytes"] else _without_bytes(o)


def _without_bytes(o: FileOutcome) -> FileOutcome:
    o.old = o.new = None
    return o


def analyze_many(root: Path, recipe: Recipe, engine: TermEngine, todo: list[tuple[str, str]],
                 moves: dict[str, str], deletes: frozenset[str], all_files: frozenset[str],
                 workers: int | None, progress: Callable[[int, int], None] | None = None,
                 keep_bytes: bool = True) -> Iterator[FileOutcome]:
    """Each ``(rel, new_rel)`` of ``todo`` analysed, in order; ``progress(done, total)`` is called
    in this process as files finish."""
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        from runsmig.workers import stopping

        pool = ProcessPoolExecutor(max_workers=n_workers, initializer=_init_worker,
                                   initargs=(str(recipe.source), str(root), moves, deletes, all_files, keep_bytes))
        with stopping(pool):
            for i, o in enumerate(pool.map(_work, todo, chunksize=16), start=1):
                yield o
                if progress is not None:
                    progress(i, len(todo))
    else:
        for i, (rel, new_rel) in enumerate(todo, start=1):
            o = analyze.analyze_file(root, rel, new_rel, recipe, engine, moves, deletes, all_files)
            yield o if keep_bytes else _without_bytes(o)
            if progress is not None:
                progress(i, len(todo))
