"""Which files can matter: one native scan before any per-file Python work.

A file reaches the analyzer only when its content holds a term stem, a recipe symbol or the
name of a module the recipe moves (case-insensitive, a superset of what the analyzer looks
for), or a UTF-16/UTF-32 byte-order mark (such a text spells "job" with NUL bytes between the
letters: the analyzer decodes it), or when a recipe transform names it. In a git checkout
``git grep -l -i -F`` answers that for every file at once, multi-threaded; elsewhere each file is
read and searched here. Every other file is unchanged without being opened: its outcome says so
and costs nothing. Fail closed: when git grep says anything on stderr (a file it could not read),
its answer is not used and every file is read here; a file that cannot be read here goes to the
analyzer, which reports it.
"""

from __future__ import annotations

import os
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runsmig.recipe.model import Recipe
from runsmig.earlygrep import MARKS, adopt, discard, grep, reduce
from runsmig.runner.modkeys import module_keys
from runsmig.terms import TermEngine
from runsmig.textio import wide_mark
from runsmig.transforms import named_by_transforms

MARKS_TAG = "+utf-16/32 byte-order marks"  # in the blob memo's needle list: its hits include them


def needles(recipe: Recipe, engine: TermEngine) -> list[str]:
    """The literal strings a file must hold (any case) to need a look: the fewest that find the same files."""
    found = {t.singular.lower() for t in engine.terms} | {t.plural.lower() for t in engine.terms}
    found |= {s.lower() for s in engine.symbols}
    found |= {k.decode() for k in module_keys(recipe)}
    return reduce(found)


class Candidates:
    """``git grep`` started at once (it runs while the file list is made), read by :meth:`of`.
    With ``remember`` (the result cache is on), which blobs hold a needle is kept between runs
    (:mod:`.blobmemo`): when an earlier run saw them, no grep is started, and only the files whose
    blob it did not see are searched."""

    NARROW = 2000  # unseen files searched here at most; more, and git grep reads the whole tree again

    def __init__(self, root: Path, recipe: Recipe, engine: TermEngine, remember: bool = False) -> None:
        self.root, self.recipe = root, recipe
        self.words = needles(recipe, engine)
        self._proc: subprocess.Popen | None = None
        self._marks: subprocess.Popen | None = None  # a grep of its own for the marks (non-ASCII needles)
        self._remember = remember and bool(self.words)
        self.memo = None
        if self._remember:
            from runsmig.runner.blobmemo import BlobMemo

            self.memo = BlobMemo.load(root, self._memo_words)
        if self.words and self.memo is None:
            self._grep()
        else:
            discard(root)

    @property
    def _memo_words(self) -> list[str]:
        return [*self.words, MARKS_TAG]

    def _grep(self) -> None:
        if not self.words:
            return
        procs = adopt(self.root, self.words)  # started before the recipe was loaded, for these needles
        try:
            procs = procs or grep(self.root, self.words)
        except OSError:
            return
        self._proc, self._marks = procs[0], (procs[1] if len(procs) > 1 else None)

    def of(self, files: list[str], git: bool, untracked: frozenset[str] = frozenset(),
           blobs: dict[str, str] | None = None) -> set[str]:
        """The files of ``files`` that need per-file work (``untracked``: those git does not track;
        ``blobs``: path -> object id of the tracked files the index vouches for)."""
        # the files a transform names are found while git grep still runs
        named = named_by_transforms(self.recipe).select(sorted(files))
        hits = self._remembered(files, blobs) if git and self.memo is not None and blobs is not None else None
        listed = set(files)
        if hits is None:
            hits = self._git_hits() if git else self.stop()
            if hits is None:
                hits = _read_and_search(self.root, files, self.words)
            else:
                if untracked:
                    hits |= _read_and_search(self.root, sorted(untracked & listed), self.words)
                if self._remember and blobs is not None:
                    from runsmig.runner.blobmemo import BlobMemo

                    (self.memo or BlobMemo(self.root, self._memo_words)).save(blobs, hits)
        out = hits & listed
        out.update(named)
        return out

    def _remembered(self, files: list[str], blobs: dict[str, str]) -> set[str] | None:
        """The hits, from the memo for the files it vouches for and searched here for the rest;
        None when too many files are new to it (then git grep reads the tree)."""
        memo = self.memo
        holds = memo.holds
        hits = {rel for rel, b in blobs.items() if b in holds} if holds else set()
        new_blobs = set(blobs.values()).difference(holds, memo.clean)  # set operations: in C
        unseen = list(set(files).difference(blobs))  # untracked, or not as the index says
        if new_blobs:
            unseen += [rel for rel, b in blobs.items() if b in new_blobs]
        if len(unseen) > self.NARROW:
            self._grep()
            return None
        hits |= _read_and_search(self.root, sorted(unseen), self.words)
        if new_blobs:  # blobs it had not seen: remember them with the rest of the tree
            memo.save(blobs, hits)
        return hits

    def _git_hits(self) -> set[str] | None:
        """Tracked files holding a word or a mark, as they are in the work tree (binary files
        included: they are reported as skipped); None when git could not answer, or did not answer
        for every file (it said something on stderr, such as a file it could not read)."""
        if not self.words:
            return set()
        if self._proc is None:
            return None
        hits: set[str] = set()
        for proc in (self._proc, self._marks):
            if proc is None:
                continue
            out, err = proc.communicate()
            if proc.returncode not in (0, 1) or err.strip():
                self.stop()
                return None
            hits.update(n for n in out.decode("utf-8", "surrogateescape").split("\0") if n)
        return hits

    def stop(self) -> None:
        """Stop the grep, if one runs (its answer is not needed)."""
        for proc in (self._proc, self._marks):
            if proc is not None and proc.returncode is None:
                proc.kill()
                proc.communicate()
        return None


_CHUNK = 1 << 20


def _read_and_search(root: Path, files: list[str], words: list[str]) -> set[str]:
    if not words:
        return set()
    needles_b = [w.encode() for w in words]
    overlap = max(map(len, needles_b)) - 1

    def holds(rel: str) -> bool:
        """Read in chunks of 1 MB (a needle across two is seen): a huge file is never held whole."""
        tail = b""
        try:
            st = os.lstat(os.path.join(root, rel))
            if stat.S_ISDIR(st.st_mode):
                return False  # a submodule's folder: git grep reads none, with or without the cache
            fd = os.open(os.path.join(root, rel), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
            with open(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return True  # a FIFO, a device: the analyzer reports it (never waited on)
                first = True
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        return False
                    if first and wide_mark(chunk) is not None:
                        return True  # UTF-16/32: the analyzer decodes it
                    first = False
                    low = tail + chunk.lower()
                    if any(n in low for n in needles_b):
                        return True
                    tail = low[len(low) - overlap:] if overlap else b""
        except OSError:
            return True  # let the analyzer report what it cannot read

    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) * 2)) as ex:
        return {rel for rel, hit in zip(files, ex.map(holds, files, chunksize=256)) if hit}
