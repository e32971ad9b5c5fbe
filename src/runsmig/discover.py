"""Which files belong to the checkout, and which we may touch.

Inside a git checkout: tracked plus untracked-not-ignored files (``git ls-files``); symlinks are
known from the index (mode 120000), and only the files git reports as untracked, deleted or
modified in the work tree are looked at on disk. Elsewhere: a walk that honours ``.gitignore``
files (pathspec). Always skipped: ``node_modules``, vendored folders, symlinks (we never write
through one), ``.runsmigignore`` and recipe ``ignore`` patterns.

Fail closed: a folder that cannot be listed is named in ``unlisted`` (what it holds is unknown), and
a file whose work-tree entry cannot be looked at, or is not a regular file (a FIFO, a folder where
git has a file), stays in the list and is named in ``must_read``: the analyzer reports why it
cannot read it, whatever the prefilter says.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


ALWAYS_SKIP_DIRS = {".git", "node_modules", "vendor", "vendored", "third_party", "__pycache__", ".venv", "venv",
                    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".tox", "dist", "build"}
IGNORE_FILE = ".runsmigignore"
# substrings every path through an always-skipped folder holds ('venv/' also finds '.venv/', 'vendor'
# also 'vendored/'): fewer searches of the joined list; a hit is checked exactly, path by path
_SKIP_NEEDLES = (".git/", "node_modules/", "vendor", "third_party/", "__pycache__/", "venv/", "_cache/",
                 ".hypothesis/", ".tox/", "dist/", "build/")
assert all(any(n in f"{d}/" for n in _SKIP_NEEDLES) for d in ALWAYS_SKIP_DIRS), "a skipped folder no needle finds"


@dataclass(frozen=True)
class Discovered:
    files: list[str]  # checkout-relative, '/'-separated, sorted
    skipped: list[tuple[str, str]]  # (path, reason)
    git: bool
    untracked: frozenset[str] = frozenset()  # in a git checkout: files git does not track (not ignored)
    # in a git checkout: path -> object id of each tracked file whose work-tree state the index vouches
    # for (not modified, deleted, conflicted or untracked): its bytes are that blob's
    blobs: dict[str, str] | None = None
    must_read: frozenset[str] = frozenset()  # files to hand the analyzer whatever their content (see above)
    unlisted: tuple[tuple[str, str], ...] = ()  # (folder + '/', reason): folders that could not be listed


def is_git_checkout(root: Path) -> bool:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:  # pragma: no cover - git missing
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"


_STARTED: dict[Path, tuple[subprocess.Popen, ...]] = {}  # root -> git's answers, still running
# which files the index vouches for is decided by stat data: git compares all of it (ctime, inode,
# nanoseconds) whatever the repository's core.trustctime / core.checkStat say, so a same-size edit
# whose mtime was restored is still seen as modified; and no fsmonitor is trusted or run for it
_FULL_STAT = ["-c", "core.trustctime=true", "-c", "core.checkStat=default", "-c", "core.fsmonitor=false"]
_LISTINGS = (["ls-files", "-z", "-s"], [*_FULL_STAT, "ls-files", "-z", "-t", "-o", "-d", "-m", "--exclude-standard"])


def _git(root: Path, args: list[str]) -> subprocess.Popen:
    # messages in English: a folder git could not open is read from its warning
    return subprocess.Popen(["git", "-c", "core.quotepath=off", *args], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "LC_ALL": "C"})


def prefetch(root: Path) -> None:
    """Start asking git about ``root`` now: whether it is a work tree, and its two file listings
    (the stat sweep of every tracked file is most of it). They run while the caller loads its
    recipe; :func:`discover` reads them. Nothing is started twice; outside git nothing is used."""
    key = root.resolve()
    if key in _STARTED:
        return
    try:
        _STARTED[key] = tuple(_git(root, args) for args in (["rev-parse", "--is-inside-work-tree"], *_LISTINGS))
    except OSError:  # pragma: no cover - git missing
        pass


def _answers(root: Path) -> tuple[bool, tuple[subprocess.Popen, ...]]:
    """(a git work tree?, its running listings), from :func:`prefetch` when it ran for ``root``."""
    started = _STARTED.pop(root.resolve(), None)
    if started is None:
        git = is_git_checkout(root)
        return git, tuple(_git(root, args) for args in _LISTINGS) if git else ()
    probe, *listings = started
    out, _ = probe.communicate()
    git = probe.returncode == 0 and out.strip() == b"true"
    if not git:
        for proc in listings:
            proc.kill()
            proc.communicate()
    return git, tuple(listings)


_UNOPENED = re.compile(r"^warning: could not open directory '(.*)': (.*)$", re.M)


def _git_files(listings: tuple[subprocess.Popen, ...]) -> tuple[list[str], set[str], set[str], set[str], dict[str, str],
                                                                 set[str], list[tuple[str, str]]]:
    """From git's two running listings, (names, symlinks, to look at, untracked, blobs, submodules,
    unopened): tracked and untracked-not-ignored files; the tracked symlinks (index mode 120000);
    the files whose work-tree state the index does not tell (untracked, deleted or modified: a
    file may have become a symlink, or vanished); the untracked; the object ids of the rest; the
    submodules (index mode 160000); the folders git could not open, with why (from its warnings,
    relative to the top of the work tree)."""
    def text(proc: subprocess.Popen) -> tuple[str, str]:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, out, err)
        return out.decode("utf-8", "surrogateescape"), err.decode("utf-8", "surrogateescape")

    index, state = listings
    staged = text(index)[0]
    names, links, blobs = _index_entries(staged)
    submodules = {e.partition("\t")[2] for e in staged.split("\0") if e.startswith("160000 ")} \
        if "160000 " in staged else set()
    listed, warnings = text(state)
    unopened = _UNOPENED.findall(warnings) if warnings else []
    look: set[str] = set()
    untracked: set[str] = set()
    for entry in listed.split("\0"):
        if not entry:
            continue
        rel = entry[2:]
        look.add(rel)
        if entry.startswith("? "):
            untracked.add(rel)
    if untracked:
        names.extend(untracked.difference(names))
    names.sort()  # git lists in byte order: sorting an almost sorted list is one pass
    for rel in look:
        blobs.pop(rel, None)
    return names, links, look, untracked, blobs, submodules, unopened


def _index_entries(staged: str) -> tuple[list[str], set[str], dict[str, str]]:
    """(paths, symlinks, path -> object id of a regular file at stage 0) of ``git ls-files -s -z``:
    "<mode> <object> <stage>\\t<path>" per entry. The mode is six octal digits and the object id has
    one length per repository, so every path starts at the same offset: one slice per entry
    (checked; any other shape is split at its fields)."""
    entries = staged.split("\0")
    if entries and not entries[-1]:
        entries.pop()
    if not entries:
        return [], set(), {}
    at = entries[0].find("\t") + 1
    n = len(entries)
    # one shape, no conflict: every entry holds exactly one tab (none in a path), right after its
    # stage 0; counted in C over the whole text, else checked entry by entry
    if at > 10 and (staged.count("\t") == n and staged.count(" 0\t") == n
                    or all(e[at - 3:at] == " 0\t" for e in entries)):
        names = [e[at:] for e in entries]
        blobs = dict(zip(names, [e[7:at - 3] for e in entries]))
    else:  # a conflicted path (several stages), or a shape git does not print
        names = [e.partition("\t")[2] for e in entries]
        twice = {n for n, k in Counter(names).items() if k > 1}
        blobs = {n: e.partition("\t")[0].split(" ")[1] for n, e in zip(names, entries)
                 if n not in twice and e.partition("\t")[0].count(" ") == 2}
    links: set[str] = set()
    if staged.startswith(("120000 ", "160000 ")) or "\x00120000 " in staged or "\x00160000 " in staged:
        # symlinks, submodules: no file bytes of their own
        for n, e in zip(names, entries):
            if not e.startswith("100"):
                blobs.pop(n, None)
                if e.startswith("120000 "):
                    links.add(n)
    if len(blobs) < len(names):
        names = list(dict.fromkeys(names))  # a conflicted path has several stages
    return names, links, blobs


def _walk_files(root: Path, unopened: list[tuple[str, str]] | None = None) -> list[str]:
    """The files under ``root`` that no .gitignore ignores; each folder that cannot be listed is
    added to ``unopened`` as (root-relative folder + '/', why)."""
    import pathspec

    def cannot(exc: OSError) -> None:
        if unopened is not None:
            rel = os.path.relpath(exc.filename, root).replace(os.sep, "/")
            unopened.append(("./" if rel == "." else rel + "/", exc.strerror or str(exc)))

    files: list[str] = []
    specs: list[tuple[str, pathspec.PathSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=cannot):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        gi = Path(dirpath) / ".gitignore"
        if gi.is_file() and not gi.is_symlink():
            try:
                specs.append((rel_dir, pathspec.PathSpec.from_lines("gitignore", gi.read_text("utf-8", "replace").splitlines())))
            except Exception:
                pass

        def ignored(rel: str, is_dir: bool) -> bool:
            for base, spec in specs:
                if base and not (rel == base or rel.startswith(base + "/")):
                    continue
                sub = rel[len(base) + 1 :] if base else rel
                if spec.match_file(sub + ("/" if is_dir else "")):
                    return True
            return False

        keep = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in ALWAYS_SKIP_DIRS or ignored(rel, True):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if not ignored(rel, False):
                files.append(rel)
    return sorted(files)


def ignore_lines(root: Path, extra: tuple[str, ...] = ()) -> list[str]:
    lines = list(extra)
    f = root / IGNORE_FILE
    if f.is_file() and not f.is_symlink():
        lines += f.read_text("utf-8", "replace").splitlines()
    return lines


_SYMLINK = "symlink (never followed or written through)"


def discover(root: Path, extra_ignore: tuple[str, ...] = ()) -> Discovered:
    """The files of the checkout. Per-path work is done only where it can matter: the folders
    always skipped are looked for in the whole list at once, ignore patterns are tried only when
    there are some, and only the files the index cannot vouch for are looked at on disk."""
    from runsmig.pathmatch import compile_patterns
    from runsmig.vendored import by_attributes, by_name

    git, listings = _answers(root)
    blobs: dict[str, str] | None = None
    submodules: set[str] = set()
    unopened: list[tuple[str, str]] = []
    if git:
        names, links, look, untracked, blobs, submodules, unopened = _git_files(listings)
        if unopened:
            unopened = _below_prefix(root, unopened)
    else:
        names, links, look, untracked = _walk_files(root, unopened), set(), None, set()  # None: look at every file
    lines = ignore_lines(root, extra_ignore)
    ignored = compile_patterns(lines) if any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines) else None
    why: dict[str, str | None] = {}  # rel -> reason it is skipped (None: gone from the work tree)
    joined = "\n".join(names)  # searched once each by the name checks below (substring searches run in C)
    if ignored is not None or _names_a_skipped_folder(joined):
        for rel in names:
            if "/" in rel and not ALWAYS_SKIP_DIRS.isdisjoint(rel.split("/")[:-1]):
                why[rel] = "vendored or generated folder"
            elif ignored is not None and ignored(rel):
                why[rel] = f"ignored by {IGNORE_FILE} or recipe"
    for rel, reason in {**by_attributes(root, names, git, joined), **by_name(names, joined)}.items():
        why.setdefault(rel, reason)
    for rel in links:
        why.setdefault(rel, _SYMLINK)
    must_read: set[str] = set()
    for rel in (names if look is None else look):
        if rel in why:
            continue
        # never follow a symlink: the file itself or any folder above it inside the root
        entry = _entry(root, rel.split("/"))
        if entry == "symlink":
            why[rel] = _SYMLINK
        elif entry == "gone":
            why[rel] = None  # deleted in the work tree but still tracked
        elif entry != "file" and not (entry == "folder" and rel in submodules):
            must_read.add(rel)  # not a regular file, or not to be looked at: the analyzer says why
    unlisted = tuple((d, f"cannot read folder: {reason}") for d, reason in unopened
                     if not (ALWAYS_SKIP_DIRS.intersection(d.split("/")) or (ignored is not None and ignored(d))))
    if not why:
        return Discovered(names, [], git, frozenset(untracked), blobs, frozenset(must_read), unlisted)
    files = [rel for rel in names if rel not in why]
    skipped = [(rel, why[rel]) for rel in names if why.get(rel)]
    if blobs is not None:
        for rel in why:
            blobs.pop(rel, None)
    return Discovered(files, skipped, git, frozenset(untracked) & frozenset(files), blobs,
                      frozenset(must_read) - why.keys(), unlisted)


def _names_a_skipped_folder(joined: str) -> bool:
    """Does any path of the newline-joined list pass through a folder that is always skipped? A
    false hit only costs the exact look per path."""
    return any(n in joined for n in _SKIP_NEEDLES)


def _entry(root: Path, parts: list[str]) -> str:
    """What the work tree holds at a path, never following a symlink: "file" (a regular one),
    "symlink" (itself, or a folder above it inside the root), "gone", "folder", "other" (a FIFO,
    socket or device) or "unknown" (it could not be looked at: a folder above it denies access)."""
    cur = str(root)
    mode = 0
    for p in parts:
        cur = os.path.join(cur, p)
        try:
            mode = os.lstat(cur).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "gone"
        except OSError:
            return "unknown"
        if stat.S_ISLNK(mode):
            return "symlink"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def _below_prefix(root: Path, unopened: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Folders git named from the top of the work tree, made relative to ``root`` (a folder in it)."""
    out = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=root, capture_output=True, check=False)
    prefix = out.stdout.decode("utf-8", "surrogateescape").strip() if out.returncode == 0 else ""
    return [(d[len(prefix):], why) for d, why in unopened if d.startswith(prefix) and d != prefix]


def git_dirty(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Uncommitted changes under root (tracked modifications and untracked files), but for the
    root-relative folders or files in ``exclude`` (the recipe a command was given, say)."""
    spec = ["."] + [f":(exclude,literal){rel}" for rel in exclude]
    out = subprocess.run(["git", "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=normal",
                          "--", *spec], cwd=root, capture_output=True, text=True, check=False)
    return [line for line in out.stdout.splitlines() if line.strip()]


# -- files named on the command line, files changed since a ref -------------------------------
def git_toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path`` (a folder), or None outside git."""
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:  # pragma: no cover - git missing
        return None
    top = out.stdout.strip()
    return Path(top).resolve() if out.returncode == 0 and top else None


def changed_since(root: Path, ref: str) -> list[str]:
    """Root-relative files changed since the merge base of ``ref`` and HEAD (what ``git diff REF...``
    lists, plus staged and unstaged edits) and untracked files git does not ignore; deleted files are
    dropped. Raises UsageError for a ref git does not know or that shares no history with HEAD."""
    from runsmig.errors import UsageError

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, check=False)

    base = git("merge-base", ref, "HEAD")
    if base.returncode != 0:
        if git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
            raise UsageError(f"--since '{ref}': not a git revision of this checkout",
                             hint="name a branch, tag or commit; in CI, fetch it first "
                                  "(actions/checkout with fetch-depth: 0)")
        raise UsageError(f"--since '{ref}': no common history with HEAD",
                         hint="fetch more history (actions/checkout with fetch-depth: 0)")
    sha = base.stdout.decode().strip()
    diff = git("diff", "--name-only", "-z", "--no-ext-diff", "--relative", "--diff-filter=d", sha, "--", ".")
    new = git("ls-files", "-o", "--exclude-standard", "-z", "--", ".")
    names: set[str] = set()
    for proc in (diff, new):
        if proc.returncode != 0:
            raise UsageError(f"--since '{ref}': git failed: {proc.stderr.decode(errors='replace').strip()}")
        names.update(n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n)
    return sorted(n for n in names if _present(root / n))


def _present(path: Path) -> bool:
    """Something is there (a FIFO or a file that cannot be looked at too: the run reports it)."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return not stat.S_ISDIR(mode)
