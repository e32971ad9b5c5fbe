"""Many files: one process pool (or this process, for a few files), results in input order."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from runsmig import deps
from runsmig.limits import DEFAULT as DEFAULT_LIMITS
from runsmig.limits import Limits
from runsmig.recipe.model import Recipe
from runsmig.runner import analyze
from runsmig.runner.cache import content_hash
from runsmig.runner.outcome import FileOutcome
from runsmig.terms import TermEngine

PARALLEL_THRESHOLD = 400  # files to analyze before a process pool pays off ...
PARALLEL_BYTES = 512 * 1024  # ... or bytes (a few large files: ADE's gate after apply is 42 files, 1.9 MB)


def _worth_a_pool(root: Path, todo: list[tuple[str, str]]) -> bool:
    if len(todo) >= PARALLEL_THRESHOLD:
        return True
    if len(todo) < 4:
        return False
    total = 0
    for rel, _ in todo:
        try:
            total += os.stat(os.path.join(root, rel)).st_size
        except OSError:
            continue
        if total >= PARALLEL_BYTES:
            return True
    return False


class Analysed(NamedTuple):
    outcome: FileOutcome
    record: deps.Record  # the other files and the questions to the file list it depended on
    digest: str | None  # content_hash of the bytes analysed

# -- process pool -------------------------------------------------------------
_W: dict = {}


@contextmanager
def _safe_path() -> Iterator[None]:
    """Workers started by spawn or forkserver (the default from Python 3.14), and their resource
    tracker, run ``python -c``, which puts the current folder, the checkout, first on ``sys.path``: a
    ``multiprocessing/`` folder in a pull request would run in the gate. ``PYTHONSAFEPATH`` (Python
    3.11+) leaves it out."""
    old = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = old


def _init_worker(recipe_path: str, code: bool, root: str, moves: dict[str, str], deletes: frozenset[str],
                 files: frozenset[str], keep_bytes: bool = True, limits: Limits = DEFAULT_LIMITS,
                 derived: dict[str, str] | None = None, keep: tuple[str, ...] = (), history=None, names=None) -> None:
    from runsmig.recipe import load_recipe
    from runsmig.workers import tie_to_parent

    tie_to_parent()

    recipe = load_recipe(Path(recipe_path))
    recipe = recipe if code else recipe.data_only()  # the parent's view of it: a gate's workers run no recipe code
    engine = TermEngine(recipe.terms, recipe.symbols, keep or recipe.keep, derived)  # the parent's keep: history's too
    _W.update(recipe=recipe, engine=engine, root=Path(root), moves=moves, deletes=deletes,
              files=files, keep_bytes=keep_bytes, limits=limits, history=history, names=names)


def _work(item: tuple[str, str]) -> Analysed:
    rel, new_rel = item
    return _one(_W["root"], rel, new_rel, _W["recipe"], _W["engine"], _W["moves"], _W["deletes"], _W["files"],
                _W["keep_bytes"], _W["limits"], _W["history"], _W["names"])


def _one(root, rel, new_rel, recipe, engine, moves, deletes, all_files, keep_bytes, limits, history=None,
         names=None) -> Analysed:
    with deps.recording() as record:
        o = analyze.analyze_file(root, rel, new_rel, recipe, engine, moves, deletes, all_files, limits, history, names)
    digest = content_hash(o.old) if o.old is not None else o.digest
    return Analysed(o if keep_bytes else o.without_bytes(), record, digest)


def analyze_many(root: Path, recipe: Recipe, engine: TermEngine, todo: list[tuple[str, str]],
                 moves: dict[str, str], deletes: frozenset[str], all_files: frozenset[str],
                 workers: int | None, progress: Callable[[int, int], None] | None = None,
                 keep_bytes: bool = True, limits: Limits = DEFAULT_LIMITS, history=None, names=None) -> Iterator[Analysed]:
    """Each ``(rel, new_rel)`` of ``todo`` analysed, in order, with the other files its analysis read
    and a digest of the bytes it analysed; ``progress(done, total)`` is called in this process as
    files finish. ``names``: the code's decisions, followed by prose and config (runsmig.onename)."""
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and _worth_a_pool(root, todo):
        from runsmig.workers import stopping

        chunk = max(1, min(16, len(todo) // (n_workers * 4)))
        with _safe_path():  # its resource tracker starts here ...
            pool = ProcessPoolExecutor(max_workers=n_workers, initializer=_init_worker,
                                       initargs=(str(recipe.source), recipe.code, str(root), moves, deletes, all_files,
                                                 keep_bytes, limits, engine.derived, engine.keep, history, names))
        with stopping(pool):
            with _safe_path():  # ... and its workers here (map submits every item at once)
                results = pool.map(_work, todo, chunksize=chunk)
            for i, o in enumerate(results, start=1):
                yield o
                if progress is not None:
                    progress(i, len(todo))
    else:
        for i, (rel, new_rel) in enumerate(todo, start=1):
            yield _one(root, rel, new_rel, recipe, engine, moves, deletes, all_files, keep_bytes, limits, history, names)
            if progress is not None:
                progress(i, len(todo))
