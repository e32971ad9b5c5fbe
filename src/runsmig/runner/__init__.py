"""Runs every file of a checkout through its language transformer; each ends as a result value.

Which files (:mod:`discover`, path plan) -> one file (:mod:`.analyze`) -> many files (:mod:`.pool`).
Nothing raises past this package for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from runsmig.discover import Discovered, discover
from runsmig.history import NONE as NO_HISTORY
from runsmig.history import History
from runsmig.limits import DEFAULT as DEFAULT_LIMITS
from runsmig.limits import Limits
from runsmig.paths import PathPlan, plan_paths
from runsmig.recipe.model import Recipe
from runsmig.runner.modkeys import module_keys
from runsmig.runner.outcome import FileOutcome
from runsmig.runner.scan import Candidates
from runsmig.terms import TermEngine
from runsmig.textio import read_file

if TYPE_CHECKING:
    from runsmig.runner.cache import ResultCache

__all__ = ["FileOutcome", "PARALLEL_THRESHOLD", "RunResult", "analyze_file", "file_mode", "module_keys", "run",
           "suppressed_lines"]

_LAZY = {"analyze_file": "analyze", "file_mode": "analyze", "suppressed_lines": "analyze",
         "PARALLEL_THRESHOLD": "pool"}  # imported on first use: a clean gate analyses no file


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class RunResult:
    root: Path
    recipe: Recipe
    looked: list[FileOutcome]  # the files that were read: deleted and analysed ones, in checkout order
    unread: list[str]  # the files that are unchanged without being opened, in checkout order
    paths: PathPlan
    skipped: list[tuple[str, str]]
    git: bool
    history: History = NO_HISTORY
    notes: tuple[str, ...] = ()  # what the run kept everywhere besides history (third-party bases' names)
    # (rel, line, names, note) of each class whose third-party base cannot be read: its names are
    # kept, and the gate counts it as undecided (runsmig.languages.python.inherited)
    unsure: tuple = ()

    @property
    def files(self) -> int:
        """How many files the run covers (a folder that could not be listed is not one)."""
        return len(self.looked) + len(self.unread) - sum(o.rel.endswith("/") for o in self.looked)

    @property
    def outcomes(self) -> list[FileOutcome]:
        """Every file's outcome: an unread file is ``unchanged``. Built on demand: work over the
        whole tree reads :attr:`looked` and :attr:`unread` instead of 50,000 alike values."""
        return [*(FileOutcome(rel, rel, "unchanged") for rel in self.unread), *self.looked]

    def by_status(self, status: str) -> list[FileOutcome]:
        found = [o for o in self.looked if o.status == status]
        return [FileOutcome(rel, rel, "unchanged") for rel in self.unread] + found if status == "unchanged" else found


@dataclass
class Prepared:
    """What a run knows before it reads any file: the file list, the path plan, and the candidate
    scan (already running)."""

    engine: TermEngine
    scan: Candidates
    found: Discovered
    paths: PathPlan
    limits: Limits = DEFAULT_LIMITS
    history: History = NO_HISTORY
    _store: ResultCache | None = field(default=None, init=False, repr=False)

    def result_cache(self, root: Path, recipe: Recipe) -> ResultCache:
        """The result cache of this file list, moves and deletes (its context is made once: the
        report memo's key and the run both use it)."""
        if self._store is None:
            from runsmig.runner.cache import ResultCache

            self._store = ResultCache(root, recipe, self.found.files, self.paths.moves, frozenset(self.paths.deletes),
                                      self.limits, self.history)
        return self._store

    def abandon(self) -> None:
        """The run will not happen (its answer was known): stop the scan."""
        self.scan.stop()


def prepare(root: Path, recipe: Recipe, cache: bool = False, limits: Limits = DEFAULT_LIMITS) -> Prepared:
    if not recipe.terms:  # a downstream recipe (runsmig.compat.downstream) names uses, not terms
        from runsmig.errors import UsageError

        raise UsageError("this recipe has no terms: it is a downstream recipe, for 'plan' and 'apply' only",
                         str(recipe.source), hint="run 'runsmig plan' with it: an empty plan means every use is migrated")
    engine = TermEngine.from_recipe(recipe)
    scan = Candidates(root, recipe, engine, remember=cache)  # git grep runs while the file list is made
    found = discover(root, recipe.ignore)
    _skip_recipe_folder(root, recipe, found)
    from runsmig.history import detect

    history = detect(root, found.files, recipe, engine)  # released history: never rewritten (runsmig.history)
    engine = engine.with_keep(history.keep)
    return Prepared(engine, scan, found, plan_paths(found.files, recipe, engine, _with_compat(root, history, engine,
                                                                                              found.files)),
                    limits, history)


def _with_compat(root: Path, history, engine, files: list[str]):
    """History as the path plan sees it: generated compat files (runsmig.compat.marker) keep their
    names too (a shim is named by the old module's name)."""
    from runsmig.compat.marker import pinned

    named = engine.paths_that_may_hold(files)
    found = pinned(root, sorted(rel for rel in named if rel.endswith((".py", ".ts", ".js", ".mjs", ".cjs", ".d.ts",
                                                                          ".tsx", ".yaml", ".yml")))) if named else {}
    if not found:
        return history
    import dataclasses

    folders = {"/".join(rel.split("/")[:i]) for rel in found for i in range(1, rel.count("/") + 1)}
    return dataclasses.replace(history, pinned={**history.pinned, **found}, held=history.held | folders)


def run(root: Path, recipe: Recipe, workers: int | None = None, only: set[str] | None = None,
        progress=None, keep_bytes: bool = True, cache: bool = False, prepared: Prepared | None = None,
        limits: Limits | None = None) -> RunResult:
    """Every file of the checkout; with ``only``, just those (root-relative) files are read and
    analyzed, the whole file list staying their context (module resolution, moves, deletes).
    Only the candidates of one scan (:mod:`.scan`) and the files that move are opened; every other
    file is ``unchanged`` unread. ``progress(done, total)`` is called in this process as files
    finish. ``keep_bytes=False`` (the gate) drops the old and new contents from the outcomes.
    ``cache``: take unchanged files' results from the persistent cache (:mod:`.cache`).
    ``prepared``: the first half, done already (:func:`prepare`, with the same recipe and cache).
    ``limits``: above which sizes a file is only scanned as text, how long a transform may take
    (runsmig.limits; default: the prepared run's, else the defaults)."""
    p = prepared if prepared is not None else prepare(root, recipe, cache, limits or DEFAULT_LIMITS)
    limits = p.limits
    engine, scan, found, paths = p.engine, p.scan, p.found, p.paths
    all_files = frozenset(found.files)
    deletes = frozenset(paths.deletes)
    wanted = found.files if only is None else [rel for rel in found.files if rel in only]
    # every candidate of the checkout (the derived spellings come from all of them), then the wanted ones
    look = scan.of(found.files, found.git, found.untracked, found.blobs)
    if paths.moves:  # a move no reference can follow is undone before any file is analysed
        _settle_references(p, root, recipe, all_files, look, found.git)
    look_all = frozenset(look)
    engine = _with_derived(root, engine, look)
    engine, inherited, unsure = _with_inherited(root, engine, look, all_files)
    inherited += _uninstalled(root, look)
    if only is not None:
        look &= set(wanted)
    if found.must_read:  # whatever the scan says: the analyzer reports why they cannot be read
        look |= found.must_read.intersection(wanted)
    # deleted files, and the folders that could not be listed (what they hold is undecided)
    outcomes: list[FileOutcome] = [FileOutcome(d, d, "failed", why) for d, why in found.unlisted
                                   if only is None or any(rel.startswith(d) for rel in only)]
    todo: list[tuple[str, str]] = []
    order: list[str] = []  # the files analysed (or taken from the cache), in checkout order
    special = look | paths.deletes.keys() | paths.moves.keys()
    unread: list[str] = [rel for rel in wanted if rel not in special]
    for rel in [rel for rel in wanted if rel in special] if special else []:
        if rel in paths.deletes:
            from runsmig.runner.analyze import file_mode

            full = root / rel
            try:
                if not keep_bytes:  # the gate: the count only, read in chunks
                    from runsmig.runner.textscan import count_raw

                    o = FileOutcome(rel, rel, "deleted", paths.deletes[rel], mode=file_mode(full))
                    o.raw = count_raw(str(full), engine)
                    outcomes.append(o)
                    continue
                data = read_file(full)
                o = FileOutcome(rel, rel, "deleted", paths.deletes[rel], old=data, mode=file_mode(full))
                o.raw = len(engine.raw_re.findall(data.decode("latin-1")))
            except OSError as exc:
                o = FileOutcome(rel, rel, "failed", f"cannot read: {exc.strerror or exc}")
            outcomes.append(o)
            continue
        new_rel = paths.moves.get(rel, rel)
        # a candidate, or a moved file: its bytes travel with its rename
        todo.append((rel, new_rel))
        order.append(rel)
    _load_named_transforms(recipe, [rel for rel, _ in todo])  # a broken one stops the run here, as a recipe error
    if not todo:  # nothing to read: no cache, no pool
        return RunResult(root, recipe, outcomes, unread, paths, found.skipped, found.git, p.history, inherited, unsure)
    def open_store():
        s = p.result_cache(root, recipe) if cache else None
        if s is not None:
            s.derive(engine)
            s.share(all_files, deletes)
        return s

    store = open_store()
    from runsmig.languages import language_name
    from runsmig.onename import CODE_LANGUAGES, Names, decisions_of, merge

    kept = _stored_set(store, root, recipe, engine, look_all, paths.moves, deletes, all_files, workers, limits,
                       p.history, found.git)
    if kept and paths.moves:  # a file the code loads by a kept stored name keeps it (runner.keptfiles)
        from runsmig.runner.keptfiles import keep_file_names

        notes = keep_file_names(root, paths, kept, sorted(rel for rel in look_all
                                                          if language_name(rel) in CODE_LANGUAGES))
        if notes:
            inherited += tuple(notes)
            todo = [(rel, paths.moves.get(rel, rel)) for rel, _ in todo]
            if store is not None:
                store.finish()  # the first pass's context, which the next run's first pass uses too
            p._store = None  # the result cache is keyed by the moves that are made
            store = open_store()
    # one decision per name (runsmig.onename): the code files first; prose and config follow what
    # they decided. With ``only``, code files outside it are analysed (not reported) when they hold
    # a name a wanted file holds: a file's result is the one the whole run gives it.
    lang_of = {rel: language_name(rel) for rel, _ in todo}
    code = [t for t in todo if lang_of[t[0]] in CODE_LANGUAGES]
    rest = [t for t in todo if lang_of[t[0]] not in CODE_LANGUAGES]
    extra = _deciders(root, engine, rest, sorted(look_all - set(wanted)), paths.moves) if only is not None else []
    total = len(todo) + len(extra)
    done: dict[str, FileOutcome] = {}
    decided: list = []
    count = 0

    def step(done_here: int, _total: int) -> None:
        if progress is not None:
            progress(count + done_here, total)

    names = Names(stored=kept) if kept else None
    for batch, reported in ((code + extra, {rel for rel, _ in code}), (rest, None)):
        if not batch:
            continue
        if reported is None:
            names = Names(merge(decided), stored=kept)
        results = _analysed(store, root, recipe, engine, batch, paths.moves, deletes, all_files, workers, step,
                            keep_bytes, limits, names, p.history)
        for o in results:
            if reported is not None:
                decided.extend(decisions_of(o))
                if o.rel not in reported:
                    continue
            done[o.rel] = o
        count += len(batch)
    if store is not None:
        store.finish()
    outcomes.extend(done[rel] for rel in order)
    return RunResult(root, recipe, outcomes, unread, paths, found.skipped, found.git, p.history, inherited, unsure)


def _settle_references(p: Prepared, root: Path, recipe: Recipe, all_files: frozenset[str], look: set[str],
                       git: bool) -> None:
    from runsmig.languages.refs.settle import settle
    from runsmig.paths import explicit_moves

    before = p.paths.moves
    settle(root, p.paths, all_files, look, recipe, p.engine, explicit_moves(recipe, before), git)
    if p.paths.moves is not before:
        p._store = None  # the result cache is keyed by the moves that are made


def _analysed(store, root, recipe, engine, todo, moves, deletes, all_files, workers, progress, keep_bytes, limits,
              names, history):
    """The outcomes of ``todo``: from the cache, else analysed (and stored)."""
    from runsmig.runner.pool import analyze_many

    done: dict[str, FileOutcome] = {}
    keys: dict[str, tuple[str, str]] = {}  # rel -> (cache key, digest of the bytes it was computed from)
    rest = todo
    if store is not None:
        rest, done, keys = _from_cache(store, root, todo, keep_bytes, engine, names)
    # with a cache, the bytes come back from the workers: an entry a check writes serves a plan too
    for o, record, digest in analyze_many(root, recipe, engine, rest, moves, deletes, all_files, workers,
                                          progress, keep_bytes or store is not None, limits, history=history,
                                          names=names):
        if store is not None and o.rel in keys and keys[o.rel][1] == digest:
            store.put(keys[o.rel][0], o, record)
        done[o.rel] = o if keep_bytes else o.without_bytes()
    return [done[rel] for rel, _ in todo]


def _stored_set(store, root, recipe, engine, candidates, moves, deletes, all_files, workers, limits, history,
                git: bool = False):
    """The stored names every file keeps (runsmig.runner.storedset), under ``stored: keep``: read
    first from the candidates that may hold SQL (their results as they are with none known)."""
    from runsmig.recipe.sections.stored import stored_of
    from runsmig.runner.regular import regular_bytes
    from runsmig.runner.storedset import StoredSet, sql_like

    from runsmig.runner.ormscan import orm_values, python_files

    values = orm_values(root, candidates, all_files, deletes, engine, git)
    if stored_of(recipe).action != "keep":
        return StoredSet(values) if values else None
    first = []
    for rel in sorted(candidates):
        if rel in deletes:
            continue
        try:
            data = regular_bytes(root / rel)
        except OSError:
            continue
        if data is not None and sql_like(data):
            first.append((rel, moves.get(rel, rel)))
    kept = StoredSet()
    if first:
        found = _analysed(store, root, recipe, engine, first, moves, deletes, all_files, workers, None, False,
                          limits, None, history)
        kept = StoredSet.of(found, engine.raw_re)
    for spelling, held in values.items():
        kept.spelled.setdefault(spelling, held)
    if kept:
        from runsmig.runner.kwsets import keyword_sets

        kept.kwsets = [frozenset(k) for k in keyword_sets(python_files(root, candidates, deletes),
                                                          set(kept.spelled))]
    return kept or None


def _deciders(root: Path, engine: TermEngine, followers: list[tuple[str, str]], others: list[str],
              moves: dict[str, str]) -> list[tuple[str, str]]:
    """The code files among ``others`` (candidates outside a partial run) that hold a name the
    ``followers`` hold: the only ones whose decisions those names can have (runsmig.onename)."""
    from runsmig.languages import language_name
    from runsmig.onename import CODE_LANGUAGES, candidates
    from runsmig.runner.regular import regular_bytes

    others = [rel for rel in others if language_name(rel) in CODE_LANGUAGES]
    if not followers or not others:
        return []
    wanted: set[bytes] = set()
    for rel, _ in followers:
        try:
            data = regular_bytes(root / rel)
        except OSError:
            continue
        if data is not None:
            wanted |= {t.encode() for _, _, t in candidates(data.decode("utf-8", "surrogateescape"), engine)}
    out = []
    for rel in others if wanted else []:
        try:
            data = regular_bytes(root / rel)
        except OSError:
            continue
        if data is not None and any(t in data for t in wanted):
            out.append((rel, moves.get(rel, rel)))
    return out


def _with_derived(root: Path, engine: TermEngine, candidates: set[str]) -> TermEngine:
    """The engine, also matching the joined spellings of the names the candidates define
    (runsmig.derived): a file holding a term may define one; no other file can."""
    from runsmig.derived import defined_names, spellings

    return engine.with_derived(spellings(defined_names(root, sorted(candidates)), engine))


def _with_inherited(root: Path, engine: TermEngine, candidates: set[str], all_files: frozenset[str]):
    """The engine, also keeping the names checkout classes share with their installed third-party
    bases (runsmig.languages.python.inherited), and the plan's notes on them."""
    if not any(rel.endswith(".py") for rel in candidates):
        return engine, (), ()
    from runsmig.languages.python.inherited import inherited_names

    unread: list[str] = []
    unsure: list = []
    found = inherited_names(root, candidates, all_files, engine, unread, unsure)
    # the names of a class whose base cannot be read: kept (nothing unsafe is planned); the gate
    # counts the class as undecided (RunResult.unsure)
    kept = sorted(set(found) | {n for _, _, names, _ in unsure for n in names})
    return (engine.with_keep(tuple(kept)), tuple(found[n] for n in sorted(found)) + tuple(dict.fromkeys(unread)),
            tuple(unsure))


def _uninstalled(root: Path, candidates: set[str]) -> tuple[str, ...]:
    """The plan's note when the TypeScript/JavaScript packages are not installed (their declarations
    decide which keys are theirs: runsmig.languages.typescript.installed)."""
    if not (root / "package.json").is_file() or not any(
            rel.endswith((".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")) for rel in candidates):
        return ()  # not a package, or no TS/JS file holds a term: the TS language is not even imported
    from runsmig.languages.typescript.installed import uninstalled_note

    return uninstalled_note(root, candidates)


def _from_cache(store: ResultCache, root: Path, todo: list[tuple[str, str]], keep_bytes: bool, engine=None,
                names=None):
    """(still to analyse, outcomes found, keys to store the rest under)."""
    from runsmig.runner.cache import content_hash
    from runsmig.runner.regular import regular_bytes

    rest: list[tuple[str, str]] = []
    found: dict[str, FileOutcome] = {}
    keys: dict[str, tuple[str, str]] = {}
    for rel, new_rel in todo:
        try:
            data = regular_bytes(root / rel)
        except OSError:
            data = None
        if data is None:  # the analyzer reports what it cannot read, as it does without the cache
            rest.append((rel, new_rel))
            continue
        key = store.key(rel, new_rel, data, names.key_of(data, engine) if names is not None else "")
        hit = store.get(key, data, keep_bytes)
        if hit is not None and hit.rel == rel and hit.new_rel == new_rel:
            found[rel] = hit
        else:
            keys[rel] = (key, content_hash(data))
            rest.append((rel, new_rel))
    return rest, found, keys


def _load_named_transforms(recipe: Recipe, rels: list[str]) -> None:
    from runsmig.transforms import transforms_of

    for t in transforms_of(recipe):
        if any(t.applies(rel) for rel in rels):
            t.run  # noqa: B018 - imports it (RecipeError when it cannot be)


RECIPE_SUBFOLDERS = ("transforms", "templates")  # what a recipe folder holds besides its file


def _skip_recipe_folder(root: Path, recipe: Recipe, found) -> None:
    """A recipe kept inside the checkout (``runsmig init`` writes ``.runsmig/``) names the old
    terms on purpose: its own files (the recipe file, its ``transforms/`` and ``templates/``) are
    never rewritten, nor checked. Only those: a recipe "folder" named at ``src`` must not hide
    ``src`` from the gate."""
    base = root.resolve()
    try:
        source = recipe.source.resolve().relative_to(base).as_posix()
        folder = recipe.folder.resolve().relative_to(base).as_posix()
    except ValueError:
        return
    prefixes = () if folder in ("", ".") else tuple(f"{folder}/{sub}/" for sub in RECIPE_SUBFOLDERS)
    inside = [f for f in found.files if f == source or f.startswith(prefixes)]
    if inside:
        gone = set(inside)
        found.files[:] = [f for f in found.files if f not in gone]
        found.skipped.extend((f, "the recipe itself") for f in inside)
