"""A persistent cache of per-file results, as ruff keeps one: an unchanged file is not analysed again.

Where: ``$RUNSMIG_CACHE_DIR``, else ``$XDG_CACHE_HOME/runsmig`` (``~/.cache/runsmig``), one folder
per checkout path: ``plan`` and ``check`` still write nothing into the checkout. ``--no-cache``
turns it off.

What a result is keyed by:

* the **base** of the run: runsmig's own source files and the installed parsers (by name, size
  and modification time), the Python version, the recipe, the planned moves and deletes, and the
  contents of the configuration every file of a language may read (``package.json``,
  ``tsconfig*.json``, ``jsconfig*.json``); the recipe is which file it is, its file, the YAML
  beside it and its ``transforms/``;
* the file: its path, where it moves, and its bytes (never its stat data);
* and, checked on every use (``runsmig.deps``): the bytes of each other file its analysis read, and
  the checkout's file list as far as the analysis depended on it: the answers the current list
  gives to the questions it asked (``runsmig.listing``), or, for an analysis that may have read all
  of it, the whole list. A file added or removed elsewhere thus costs only the results it changes.

Safety: an entry is one JSON file, sealed with an HMAC under this machine's key
(:mod:`.seal`), written to a temporary name and renamed into place, so two runs at once never see
half an entry; an entry whose seal does not verify (edited, copied from another machine's cache,
truncated), that does not parse, names another key, or holds anything unexpected is ignored and
replaced, never trusted. JSON, not pickle: a foreign file in the cache folder cannot run code. Only
the newest few contexts are kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sys
import time
from functools import lru_cache
from pathlib import Path

from runsmig.findings import Finding
from runsmig.pathmatch import paths_matching
from runsmig.runner import seal
from runsmig.cachehome import cache_dir, cache_home  # noqa: F401 - also imported from here
from runsmig.cachehome import digest as _h
from runsmig.runner.outcome import FileOutcome
from runsmig.runner.regular import regular_bytes

FORMAT = "runsmig-cache-3"
KIND = "result"  # what the seal of an entry names (runner.seal)
KEEP_CONTEXTS = 4
SHARED_CONFIG = ("package.json", "tsconfig", "jsconfig")  # names read by every TS/JS file's pass
_SHARED_RE = re.compile("(?:^|/)(?:" + "|".join(map(re.escape, SHARED_CONFIG)) + ")[^/\n]*$", re.M)
_FINDING_FIELDS = tuple(Finding.__dataclass_fields__)
_CONTEXT_NAME = re.compile("[0-9a-f]{24}")


def content_hash(data: bytes) -> str:
    """The digest of a file's bytes: cache keys' file part, dependencies, and the check that a worker
    analysed the bytes the key was made from."""
    return _h(data)


def content_hash_start(size: int):
    """A hash to feed a file of ``size`` bytes in chunks: its ``hexdigest()`` is their content_hash."""
    d = hashlib.blake2b(digest_size=20)
    d.update(size.to_bytes(8, "little"))
    return d


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """runsmig's own source files and the installed parsers, by name, size, inode, and modification
    and change times, and the interpreter's version. A run stats about a hundred files instead of
    reading them; that is safe because the change time (ctime) is set by the kernel on every write
    and no tool can set it back: an edit that keeps the size and restores the modification time
    still changes it (as git's index check does with core.trustctime, its default)."""
    pkg = Path(__file__).resolve().parents[1]
    files = sorted(pkg.rglob("*.py")) + _dist_files()
    return _h(FORMAT.encode(), sys.version.encode(), *(
        f"{f}\0{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_ctime_ns}".encode()
        for f, st in ((f, f.stat()) for f in files)))


_PARSERS = ("libcst", "ast-grep-py", "markdown-it-py", "ruamel.yaml", "pathspec")


def _dist_files() -> list[Path]:
    """The installed parsers' METADATA files (a reinstall or upgrade writes them anew)."""
    out = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            if n.endswith(".dist-info") and re.sub(r"[-_.]+", "-", n.split("-")[0]).lower() in _PARSERS_DIST:
                meta = Path(entry) / n / "METADATA"
                if meta.is_file():
                    out.append(meta)
    return sorted(out)


_PARSERS_DIST = {re.sub(r"[-_.]+", "-", name).lower() for name in _PARSERS}


def _recipe_fingerprint(recipe) -> str:
    """What one file's analysis reads of the recipe: the recipe file, the YAML beside it, its
    transforms (not the rest of its folder: a recipe kept at the checkout's root is common); and
    whether it runs them (a data-only recipe, as ``check`` has it, gives other results than the
    same recipe in ``plan``: their entries never mix). Which of the folder's files is the recipe is
    part of it: two recipes side by side (``stored: keep`` and ``stored: migrate``) hash the same
    files."""
    folder = recipe.folder
    files = {recipe.source, *folder.glob("*.yaml"), *folder.glob("*.yml")}
    if recipe.code_folder is not None:
        files |= {p for p in (folder / "transforms").rglob("*.py") if "__pycache__" not in p.parts}
    parts = [b"with-code" if recipe.code_folder is not None else b"data-only", recipe.source.name.encode()]
    for f in sorted(f for f in files if f.is_file()):
        parts += [f.name.encode(), f.read_bytes()]
    return _h(*parts)


class ResultCache:
    def __init__(self, root: Path, recipe, files: list[str], moves: dict[str, str], deletes, limits=None,
                 history=None) -> None:
        self.root = root
        self.files = files
        listed = "\0".join(files)
        shared = sorted(paths_matching(files, _SHARED_RE)) if any(n in listed for n in SHARED_CONFIG) else []
        parts = [engine_fingerprint().encode(), _recipe_fingerprint(recipe).encode(),
                 json.dumps(sorted(moves.items())).encode(), "\0".join(sorted(deletes)).encode(),
                 (limits.key() if limits is not None else "").encode(),
                 (history.key() if history else "").encode()]  # released history, and what it keeps
        for rel in shared:
            parts += [rel.encode(), self._bytes(rel) or b""]
        self.base = _h(*parts)  # everything a result depends on but the file list and the file
        self.listing = _h(listed.encode())
        self.context = _h(self.base.encode(), self.listing.encode())  # ... and with the file list
        self.dir = cache_dir(root) / self.base[:24]
        self._digests: dict[str, str] = {}
        self._answers: dict[tuple[str, str], str | None] = {}
        self._moves, self._deletes, self._recipe = moves, frozenset(deletes), recipe
        self._view = None
        self._fileset: frozenset[str] | None = None
        self.hits = self.misses = 0

    def derive(self, engine) -> None:
        """The run's term engine: a result also depends on the derived spellings (runsmig.derived)
        and the kept words its file holds, and on no other (a name defined elsewhere does not stale every entry)."""
        self._engine = engine

    # -- keys ------------------------------------------------------------------------------
    def key(self, rel: str, new_rel: str, data: bytes, names: str = "") -> str:
        """Not the file list: an entry says itself how it depends on it (:meth:`get`). ``names``:
        the code's decisions on the names the file holds (runsmig.onename.Names.key_of), which a
        prose or config file's result follows."""
        engine = getattr(self, "_engine", None)
        held = engine.derived_in(data) if engine is not None else {}
        parts = [self.base.encode(), rel.encode(), new_rel.encode(), data]
        if held:
            parts.append(json.dumps(sorted(held.items())).encode())
        if names:
            parts += [b"names", names.encode()]
        kept = [w for w in (engine.keep if engine is not None else ()) if w.encode() in data]
        if kept:  # words kept everywhere (recipe, history, third-party bases' names) the file holds
            parts += [b"keep", "\0".join(kept).encode()]
        return _h(*parts)

    def _bytes(self, rel: str) -> bytes | None:
        """A file's bytes; None when it is missing, unreadable or not a regular file (a folder, a
        FIFO: never opened in a way that waits)."""
        try:
            return regular_bytes(self.root / rel, follow=True)
        except OSError:
            return None

    def digest(self, rel: str) -> str:
        """The current content of a file, as a dependency is recorded ('' when it is missing)."""
        if rel not in self._digests:
            data = self._bytes(rel)
            self._digests[rel] = "" if data is None else content_hash(data)
        return self._digests[rel]

    def share(self, files: frozenset[str], deletes: frozenset[str]) -> None:
        """The run's own sets of its files and deletes: the indexes and trees that answer questions
        are built once per set, and an analysis in this process asks of the same ones."""
        self._fileset, self._deletes = files, deletes

    def answer(self, kind: str, question: str) -> str | None:
        """What the current file list answers to a question an analysis recorded (runsmig.listing)."""
        got = self._answers.get((kind, question), False)
        if got is False:
            from runsmig.listing import View, answer

            if self._view is None:
                self._view = View(self.root, self._fileset or frozenset(self.files), self._moves, self._deletes,
                                  self._recipe)
            got = self._answers[(kind, question)] = answer(kind, question, self._view)
        return got

    def _listing_holds(self, listing) -> bool:
        """Does the entry's file-list dependency hold: the same list, or the same answers?"""
        if isinstance(listing, str):
            return listing == self.listing
        return isinstance(listing, list) and all(
            isinstance(q, list) and len(q) == 3 and all(isinstance(x, str) for x in q)
            and self.answer(q[0], q[1]) == q[2] for q in listing)

    # -- read ------------------------------------------------------------------------------
    def get(self, key: str, data: bytes, keep_bytes: bool = True) -> FileOutcome | None:
        """The outcome stored under ``key`` (None: none, stale or unreadable); ``keep_bytes=False``:
        without the file's old and new contents (the gate keeps none). Stale: a file it read has
        other bytes, or the file list answers one of its questions otherwise (or, when it may
        have read the whole list, the list is not the same)."""
        path = self.dir / key[:2] / f"{key}.json"
        try:
            payload = seal.load(path, KIND, key, self.root)
            if payload is None:  # none, or one that does not verify: recomputed and overwritten
                self.misses += 1
                return None
            entry = json.loads(payload)
            if entry.get("format") != FORMAT or entry.get("key") != key:
                return None
            if any(self.digest(rel) != digest for rel, digest in entry["deps"].items()):
                return None
            if not self._listing_holds(entry["listing"]):
                return None
            out = _outcome(entry["outcome"], data, keep_bytes)
        except Exception:  # a corrupt or foreign entry: ignored, rebuilt
            self.misses += 1
            return None
        self.hits += 1
        return out

    # -- write -----------------------------------------------------------------------------
    def put(self, key: str, outcome: FileOutcome, record) -> None:
        """Store an outcome with what its analysis depended on (a runsmig.deps.Record)."""
        listing = self.listing if record.whole else [[k, q, a] for (k, q), a in sorted(record.asked.items())]
        entry = {"format": FORMAT, "key": key,
                 "deps": {rel: self.digest(rel) for rel in sorted(record.read) if rel != outcome.rel},
                 "listing": listing, "outcome": _record(outcome)}
        seal.store(self.dir / key[:2] / f"{key}.json", KIND, key, json.dumps(entry, separators=(",", ":")).encode(),
                   self.root)

    def finish(self) -> None:
        """Mark this context as used; keep the newest few contexts, drop the rest."""
        top = self.dir.parent
        try:
            if self.dir.is_dir():
                os.utime(self.dir)
            contexts = sorted((p for p in top.iterdir() if p.is_dir() and _CONTEXT_NAME.fullmatch(p.name)),
                              key=lambda p: p.stat().st_mtime, reverse=True)  # not blobs/ nor reports/
        except OSError:
            return
        for old in contexts[KEEP_CONTEXTS:]:
            if time.time() - old.stat().st_mtime > 60:  # a context written a minute ago may be in use
                shutil.rmtree(old, ignore_errors=True)


def _record(o: FileOutcome) -> dict:
    if o.new is None:
        new = None
    elif o.new == o.old:
        new = "="  # the bytes it was read with
    else:
        new = base64.b64encode(o.new).decode()
    return {
        "rel": o.rel, "new_rel": o.new_rel, "status": o.status, "reason": o.reason, "line": o.line,
        "new": new, "mode": o.mode,
        "applied": [_finding(f) for f in o.applied], "reported": [_finding(f) for f in o.reported],
        "allowed": [_finding(f) for f in o.allowed], "raw": o.raw,
        "non_term": [list(t) for t in o.non_term], "coverage": dict(o.coverage), "unparsed": o.unparsed,
        "stored_spellings": [list(x) for x in o.stored_spellings],
    }


def _finding(f: Finding) -> list:
    return [getattr(f, name) for name in _FINDING_FIELDS]


def _outcome(r: dict, data: bytes, keep_bytes: bool = True) -> FileOutcome:
    def findings(items: list) -> list[Finding]:
        if not all(isinstance(item, list) and len(item) == width for item in items):
            raise ValueError("finding shape")
        return [Finding(*item) for item in items]

    width = len(_FINDING_FIELDS)
    if not keep_bytes:
        new = old = None
    else:
        old = data
        new = None if r["new"] is None else data if r["new"] == "=" else base64.b64decode(r["new"], validate=True)
    out = FileOutcome(str(r["rel"]), str(r["new_rel"]), str(r["status"]), str(r["reason"]), r["line"],
                      old=old, new=new, mode=int(r["mode"]))
    out.applied, out.reported, out.allowed = findings(r["applied"]), findings(r["reported"]), findings(r["allowed"])
    out.raw = int(r["raw"])
    out.non_term = [(int(a), int(b), str(c)) for a, b, c in r["non_term"]]
    out.coverage = {str(k): int(v) for k, v in r["coverage"].items()}
    out.unparsed = str(r["unparsed"])
    out.stored_spellings = [[str(a), str(b), str(c), int(d)] for a, b, c, d in r["stored_spellings"]]
    return out
