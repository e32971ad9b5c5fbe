"""The candidate grep, started before the recipe is loaded.

On a big tree the gate's time is mostly ``git grep`` (:mod:`.scan`); what comes before it -- the
interpreter, the recipe's YAML read with positions, the term engine -- is time the grep could be
running. Its needles come from the recipe, so this module reads the recipe file the fast way
(libyaml, runsmig.recipe.yamlload), works out the needles it would give, and starts the
grep at once. :class:`.scan.Candidates` later computes the needles from the loaded, validated recipe
and adopts the running grep only when they are exactly the same; otherwise it is killed and the grep
is started again, as it would have been. So a guess can only cost time, never change an answer.

Nothing is guessed when the result cache may answer (a cache folder for the checkout exists: then
the gate greps little or nothing), when the recipe file is large or does not read as the expected
shape, or when libyaml is missing. Processes not adopted are killed at exit.

:func:`from_argv` makes the same guess before the command line is parsed (before typer is
imported): for ``check`` on one folder, the recipe named by ``--recipe``, ``$RUNSMIG_RECIPE`` or the
bundled one (not when the checkout's pyproject.toml has a ``[tool.runsmig]`` table: its recipe is
known once the settings are read). The command adopts it the same way, or kills it.
"""

from __future__ import annotations

import atexit
import os
import stat
import subprocess
from pathlib import Path

# the byte-order marks of UTF-16 (and so of UTF-32), searched for beside the needles
MARKS = (b"\xff\xfe", b"\xfe\xff")
_INDEX_STEMS = {"index", "__init__", "mod", "main"}
_MAX_RECIPE = 256 * 1024

_RUNNING: dict[Path, tuple[list[str], tuple[subprocess.Popen, ...]]] = {}


def threads() -> list[str]:
    """git grep's thread count where its default (one per core) was measured to be slow: on one
    core a single thread is a third faster than two; on two cores four threads are a fifth faster
    than two (the 50,000-file tree of ``benchmarks/check_vs_grep.py``, git 2.39). Elsewhere git
    chooses."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 0
    n = {1: 1, 2: 4}.get(cores)
    return [f"--threads={n}"] if n else []


def reduce(found: set[str]) -> list[str]:
    """The fewest needles that find the same files: one holding another finds nothing more."""
    found = {n for n in found if n}
    return sorted(n for n in found if not any(m != n and m in n for m in found))


def module_keys(sources: tuple[str, ...]) -> set[str]:
    """Names a file must carry to import a module a recipe moves or deletes by an explicit entry:
    the file or folder stem, and the folder for an index module."""
    keys: set[str] = set()
    for src in sources:
        parts = [p for p in src.split("/") if p]
        if not parts:
            continue
        stem = parts[-1].split(".")[0]
        keys.add(stem.lower())
        if stem in _INDEX_STEMS and len(parts) > 1:
            keys.add(parts[-2].lower())
    return {k for k in keys if k}


def grep(root: Path, words: list[str]) -> tuple[subprocess.Popen, ...]:
    """The running grep(s) for ``words`` over the tracked files of ``root``: the needles and the
    byte-order marks; a second grep for the marks when a needle is not ASCII."""
    # tracked files only: with --untracked, git grep applies the ignore rules to tracked files too
    # (a tracked .env.example under a '.env*' rule is skipped); the few untracked files are searched
    # by the caller
    args = ["git", "-c", "core.quotepath=off", "grep", *threads(), "-l", "-z", "-F", "--no-color", "--no-textconv"]
    marks = [b for m in MARKS for b in (b"-e", m)]
    # the marks are bytes that are not UTF-8: under the C locale git takes them as bytes, and folds
    # the case of ASCII needles alone (a non-ASCII needle needs the user's locale)
    ascii_only = all(w.isascii() for w in words)
    c_locale = {**os.environ, "LC_ALL": "C"}
    needles = [a for w in words for a in ("-e", w)]
    procs = [subprocess.Popen([*args, "-i", *needles, *(marks if ascii_only else []), "--", "."], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=c_locale if ascii_only else None)]
    if not ascii_only:
        procs.append(subprocess.Popen([*args, *marks, "--", "."], cwd=root, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=c_locale))
    return tuple(procs)


def start(root: Path, recipe_file: Path | None, cache_folder: Path | None) -> None:
    """Guess the needles of ``recipe_file`` (a recipe folder or file; None: not known yet) and start
    their grep over ``root``, unless ``cache_folder`` exists (the cache may answer)."""
    if recipe_file is None or (cache_folder is not None and cache_folder.exists()):
        return
    words = _guess(recipe_file)
    if not words:
        return
    key = root.resolve()
    if key in _RUNNING:
        return
    try:
        _RUNNING[key] = (words, grep(root, words))
    except OSError:
        return


_VALUED = {"--recipe", "--format", "--workers", "--since"}
_FLAGS = {"--no-job-terms", "-q", "--quiet", "--no-cache"}


def from_argv(args: list[str]) -> None:
    """Start the grep of ``runsmig check ARGS`` before the command line is parsed, and git's file
    listings with it, when the command is plainly a check of one folder; otherwise do nothing."""
    recipe: str | None = None
    paths: list[str] = []
    cache = True
    it = iter(args)
    for a in it:
        if a in _VALUED:
            value = next(it, None)
            if a == "--since" or value is None:
                return  # a partial check (or a usage error): left to the command
            if a == "--recipe":
                recipe = value
        elif a.startswith("--recipe="):
            recipe = a.split("=", 1)[1]
        elif a in _FLAGS:
            cache = cache and a != "--no-cache"
        elif a == "--" or a.startswith("-"):
            return  # anything else: the command decides
        else:
            paths.append(a)
    if len(paths) > 1:
        return
    root = Path(paths[0] if paths else ".")
    try:
        if not (root / ".git").exists() or _names_settings(root / "pyproject.toml"):
            return
        root = root.resolve()
    except OSError:
        return
    if recipe is None:
        from runsmig.bundled import default_recipe

        found = default_recipe()
        if found is None:
            return
        recipe = str(found)
    from runsmig.cachehome import cache_dir
    from runsmig.discover import prefetch

    prefetch(root)
    start(root, Path(recipe), cache_dir(root) if cache else None)


def _names_settings(pyproject: Path) -> bool:
    """Whether the checkout's pyproject.toml (a regular file; its first MB) has a [tool.runsmig] table."""
    if not pyproject.is_file():
        return False
    with open(pyproject, "rb") as fh:
        return b"[tool.runsmig" in fh.read(1 << 20)


def adopt(root: Path, words: list[str]) -> tuple[subprocess.Popen, ...] | None:
    """The grep started for ``root`` when it searches exactly ``words``; any other is killed."""
    started = _RUNNING.pop(root.resolve(), None)
    if started is None:
        return None
    guessed, procs = started
    if guessed == words:
        return procs
    _kill(procs)
    return None


def discard(root: Path) -> None:
    """Not needed after all (the cache answers, or there is nothing to search for)."""
    started = _RUNNING.pop(root.resolve(), None)
    if started is not None:
        _kill(started[1])


def _kill(procs) -> None:
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
            proc.communicate()


@atexit.register
def _stop_all() -> None:
    for _, procs in list(_RUNNING.values()):
        _kill(procs)
    _RUNNING.clear()


def _guess(path: Path) -> list[str] | None:
    """The needles the recipe at ``path`` would give, read without validation; None when it cannot
    be read cheaply or is not a plain recipe shape."""
    try:
        if path.is_dir():
            path = path / "recipe.yaml"
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None  # a FIFO or a device is never waited on here
            text = fh.read(_MAX_RECIPE + 1)
    except OSError:
        return None
    if len(text) > _MAX_RECIPE:
        return None
    try:
        from runsmig.recipe.yamlload import load

        data = load(text.decode("utf-8"))
    except Exception:  # noqa: BLE001 - any trouble (no libyaml, not UTF-8, not YAML): no guess; the load reports it
        return None
    try:
        found: set[str] = set()
        for t in data["terms"]:
            found.add(t["from"].lower())
            found.add((t.get("plural") or t["from"] + "s").lower())
        found |= {s.lower() for s in (data.get("symbols") or {})}
        paths = data.get("paths") or {}
        sources = tuple(e["from"] for e in paths.get("rename") or ()) + tuple(e["path"] for e in paths.get("delete") or ())
        found |= module_keys(sources)
        if not all(isinstance(w, str) for w in found):
            return None
    except (KeyError, TypeError, AttributeError):
        return None
    return reduce(found)
