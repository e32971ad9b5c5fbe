"""A saved plan (``runsmig plan --out``) read as untrusted data, checked whole before anything in
the checkout is read or written.

Three passes, each over every change, each finished before the next begins:

1. the JSON alone: format, fields, types, actions, paths (relative, inside the checkout, never
   ``.git``), modes, hashes, base64 contents, duplicates. Nothing in the checkout is touched.
2. the checkout's metadata, with ``lstat`` only: no symlink on the way, nothing inside a git
   directory, sources are regular files with the mode the plan recorded, targets absent (or
   moving away). Nothing is opened.
3. the sources' contents, opened with ``O_NOFOLLOW|O_NONBLOCK`` under folders opened without
   following links, checked again to be the regular files of pass 2, and hashed.

Malformed input is ``MalformedPlan`` (exit 2), unsafe input ``UnsafePlan`` (exit 4), a checkout
that moved on ``StalePlan`` (exit 4). Every message is one line: ``PLAN.json: changes[3].path: ...``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import posixpath
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from runsmig.errors import MalformedPlan, StalePlan, UnsafePlan
from runsmig.plan import PLAN_FORMAT, Change, Plan

MAX_PLAN_BYTES = 1 << 30  # a plan holds whole files (base64): generous, but bounded
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255
MAX_INT_DIGITS = 20
LINK_MODE = 0o120000  # only a "modify" of what is a symlink now: its new text, checked (_link_text)
MODES = (0o100644, 0o100755)  # what the planner records (runner.file_mode): a plain or executable file
TOP = ("format", "root", "recipe", "changes")
FIELDS = ("action", "path", "new_path", "old_sha256", "old", "new", "mode")
SET, NULL, EITHER = "set", "null", "either"
SHAPES = {  # per action: which optional fields it needs, and which it must leave null
    "create": {"new_path": NULL, "old_sha256": NULL, "old": NULL, "new": SET},
    "delete": {"new_path": NULL, "old_sha256": SET, "old": EITHER, "new": NULL},
    "modify": {"new_path": NULL, "old_sha256": SET, "old": EITHER, "new": SET},
    "rename": {"new_path": SET, "old_sha256": SET, "old": EITHER, "new": EITHER},
}
_HEX = re.compile(r"[0-9a-f]{64}\Z")
_DRIVE = re.compile(r"[A-Za-z]:")
# code points HFS+ ignores in names, so ".g\u200cit" is ".git" there (the list git itself uses)
_IGNORABLE = dict.fromkeys([*range(0x200C, 0x2010), *range(0x202A, 0x202F), *range(0x206A, 0x2070), 0xFEFF])
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class _Entry:
    at: str  # "changes[3]"
    action: str
    path: str
    new_path: str | None
    old_sha256: str | None
    new: bytes | None
    mode: int

    @property
    def target(self) -> str:
        return self.new_path or self.path


def load_plan(plan_file: Path, root: Path) -> Plan:
    """The saved plan at ``plan_file`` for the checkout ``root`` (resolved), or one error."""
    shown = str(plan_file)
    entries = _check_data(_parse(_read_plan(plan_file, shown), shown), root, shown)
    stats = _check_disk(entries, root, shown)
    changes = []
    for e in entries:
        old = None
        if e.action != "create":
            old = _read_source(root, e, stats[e.path], shown)
            if hashlib.sha256(old).hexdigest() != e.old_sha256:
                raise StalePlan(f"{e.at}.path: {_show(e.path)} changed since the plan was made (content hash differs)",
                                shown)
        changes.append(Change(e.action, e.path, e.new_path, old, e.new, e.mode))
    return Plan(root, None, changes)


# -- pass 1: the JSON ---------------------------------------------------------------------------
def _read_plan(plan_file: Path, shown: str) -> bytes:
    try:
        st = os.stat(plan_file)  # the user named it: following a link is theirs to decide
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):  # a pipe: --plan <(...)
            raise MalformedPlan(f"saved plan is a {_kind(st.st_mode)}, not a file", shown)
        with open(plan_file, "rb") as fh:  # in pieces: read(n) would reserve n bytes at once
            pieces, size = [], 0
            while size <= MAX_PLAN_BYTES and (piece := fh.read(1 << 20)):
                pieces.append(piece)
                size += len(piece)
            raw = b"".join(pieces)
    except FileNotFoundError:
        raise MalformedPlan("saved plan does not exist", shown) from None
    except OSError as exc:
        raise MalformedPlan(f"cannot read saved plan: {exc.strerror or exc}", shown) from None
    if len(raw) > MAX_PLAN_BYTES:
        raise MalformedPlan(f"saved plan is larger than {MAX_PLAN_BYTES >> 20} MB", shown)
    return raw


class _Bad(ValueError):
    pass


def _parse(raw: bytes, shown: str) -> object:
    def number(text: str) -> int:
        if len(text.lstrip("-")) > MAX_INT_DIGITS:
            raise _Bad(f"number {text[:12]}... has more than {MAX_INT_DIGITS} digits")
        return int(text)

    def constant(text: str) -> None:
        raise _Bad(f"{text} is not a JSON number")

    def unique(pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise _Bad(f"key {_show(key)} appears twice in one object")
            out[key] = value
        return out

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedPlan(f"not UTF-8 (byte {exc.start})", shown) from None
    try:
        return json.loads(text, parse_int=number, parse_constant=constant, object_pairs_hook=unique)
    except _Bad as exc:
        raise MalformedPlan(str(exc), shown) from None
    except json.JSONDecodeError as exc:
        raise MalformedPlan(f"not valid JSON: {exc.msg}", shown, exc.lineno, exc.colno) from None
    except RecursionError:
        raise MalformedPlan("not a runsmig plan: nested too deeply", shown) from None


def _check_data(data: object, root: Path, shown: str) -> list[_Entry]:
    if not isinstance(data, dict):
        raise MalformedPlan(f"not a runsmig plan: {_type(data)}, expected an object with {', '.join(TOP)}", shown)
    _fields(data, TOP, "", shown)
    fmt = data["format"]
    if type(fmt) is not int or fmt != PLAN_FORMAT:
        raise MalformedPlan(f"format: {_show(fmt)} is not a plan format this runsmig reads ({PLAN_FORMAT})", shown)
    for key, kinds in (("root", (str,)), ("recipe", (str, type(None))), ("changes", (list,))):
        if type(data[key]) not in kinds:
            raise MalformedPlan(f"{key}: {_type(data[key])}, expected {' or '.join(_TYPE_NAMES[k] for k in kinds)}", shown)
    if not _same_root(data["root"], root):
        raise UnsafePlan(f"root: the plan was made for {_show(data['root'])}, not for {_show(str(root))}", shown)
    entries = [_entry(f"changes[{i}]", c, shown) for i, c in enumerate(data["changes"])]
    _check_overlaps(entries, shown)
    return entries


def _entry(at: str, c: object, shown: str) -> _Entry:
    if not isinstance(c, dict):
        raise MalformedPlan(f"{at}: {_type(c)}, expected an object", shown)
    _fields(c, FIELDS, f"{at}.", shown)
    action = c["action"]
    if type(action) is not str:
        raise MalformedPlan(f"{at}.action: {_type(action)}, expected a string", shown)
    if action not in SHAPES:
        raise MalformedPlan(f"{at}.action: unknown action {_show(action)} (one of {', '.join(SHAPES)})", shown)
    for name, need in SHAPES[action].items():
        value = c[name]
        if value is None and need == SET:
            raise MalformedPlan(f"{at}.{name}: null, but a {action} needs it", shown)
        if value is not None and need == NULL:
            raise MalformedPlan(f"{at}.{name}: must be null for a {action}", shown)
        if value is not None and type(value) is not str:
            raise MalformedPlan(f"{at}.{name}: {_type(value)}, expected a string", shown)
    path = _path(c["path"], f"{at}.path", shown)
    new_path = _path(c["new_path"], f"{at}.new_path", shown) if c["new_path"] is not None else None
    if new_path == path:
        raise MalformedPlan(f"{at}.new_path: a rename onto its own path", shown)
    sha = c["old_sha256"]
    if sha is not None and not _HEX.match(sha):
        raise MalformedPlan(f"{at}.old_sha256: not 64 lowercase hex digits", shown)
    # "old" (the reviewed content, for people and tools) is never used: the file on disk is read and hashed
    mode = c["mode"]
    if type(mode) is not int:
        raise MalformedPlan(f"{at}.mode: {_type(mode)}, expected a number", shown)
    if mode == LINK_MODE and action == "modify":  # a symlink retargeted with what it names (runsmig.symlinks)
        return _Entry(at, action, path, new_path, sha, _link_text(c["new"], path, f"{at}.new", shown), mode)
    if mode not in MODES:
        raise UnsafePlan(f"{at}.mode: {mode:o} is not a plain file's mode (100644 or 100755; no setuid, setgid, "
                         "sticky or other bits)", shown)
    return _Entry(at, action, path, new_path, sha, _b64(c["new"], f"{at}.new", shown), mode)


def _fields(obj: dict, names: tuple[str, ...], at: str, shown: str) -> None:
    for key in obj:
        if key not in names:
            raise MalformedPlan(f"{at}{key}: unknown field (a plan has {', '.join(names)})", shown)
    for key in names:
        if key not in obj:
            raise MalformedPlan(f"{at}{key}: missing", shown)


def _path(value: object, at: str, shown: str) -> str:
    if type(value) is not str:
        raise MalformedPlan(f"{at}: {_type(value)}, expected a path", shown)
    why = _unsafe(value)
    if why:
        raise UnsafePlan(f"{at}: {_show(value)}: {why}", shown)
    return value


def _unsafe(path: str) -> str | None:
    """Why ``path`` may not be in a plan; None when it is a plain root-relative file path."""
    if path == "":
        return "empty path"
    if "\0" in path:
        return "NUL in path"
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:
        return "not a file name (a lone surrogate)"
    if len(raw) > MAX_PATH_BYTES:
        return f"path longer than {MAX_PATH_BYTES} bytes"
    if path.startswith("/"):
        return "absolute path; paths are relative to the checkout"
    if "\\" in path or _DRIVE.match(path):
        return "Windows separator or drive in path"
    if path.endswith("/"):
        return "ends with '/': a folder, not a file"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return f"'{part}' component in path" if part else "empty component ('//') in path"
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            return f"a name longer than {MAX_NAME_BYTES} bytes"
        if _is_dotgit(part):
            return "inside .git (git's own files: hooks, config): never written"
    return None


def _is_dotgit(name: str) -> bool:
    """``.git`` as git itself recognises it on any file system: any case, HFS+ ignorables,
    NTFS trailing dots/spaces, stream suffixes and its 8.3 short name."""
    plain = name.translate(_IGNORABLE).split(":")[0].rstrip(" .").casefold()
    return plain in (".git", "git~1")


def _b64(value: str | None, at: str, shown: str) -> bytes | None:
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedPlan(f"{at}: not base64", shown) from None


def _same_root(recorded: str, root: Path) -> bool:
    if recorded == str(root):
        return True
    try:
        return os.path.realpath(recorded) == os.path.realpath(root)
    except (OSError, ValueError):
        return False


def _check_overlaps(entries: list[_Entry], shown: str) -> None:
    sources: dict[str, str] = {}
    targets: dict[str, str] = {}
    for e in entries:
        if e.action != "create":
            if e.path in sources:
                raise UnsafePlan(f"{e.at}.path: {_show(e.path)} is also {sources[e.path]}'s", shown)
            sources[e.path] = e.at
        if e.target in targets:
            raise UnsafePlan(f"{e.at}: writes {_show(e.target)} as {targets[e.target]} does", shown)
        targets[e.target] = e.at
    names = sources.keys() | targets.keys()
    for target, at in targets.items():
        parts = target.split("/")
        for k in range(1, len(parts)):
            folder = "/".join(parts[:k])
            if folder in names:
                raise UnsafePlan(f"{at}: {_show(target)} is inside {_show(folder)}, a file of this plan", shown)


# -- pass 2: the checkout's metadata -----------------------------------------------------------
def _check_disk(entries: list[_Entry], root: Path, shown: str) -> dict[str, os.stat_result]:
    """lstat of every source, after every path of the plan was walked without following links."""
    git_dirs = _git_dirs(root)
    git_ids = set()
    for d in git_dirs:
        try:
            st = os.stat(d)
            git_ids.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    seen: dict[str, os.stat_result | None] = {}
    moving_away = {e.path for e in entries if e.action in ("rename", "delete")}
    sources: dict[str, os.stat_result] = {}
    for e in entries:
        named = [("path", e.path)] if e.action == "create" else [("path", e.path), ("new_path", e.new_path)]
        for field, rel in named:
            if rel is None:
                continue
            at = f"{e.at}.{field}"
            full = os.path.join(str(root), rel)
            if any(full == d or full.startswith(d + os.sep) for d in git_dirs):
                raise UnsafePlan(f"{at}: {_show(rel)} is inside git's own folder: never written", shown)
            st = _walk(root, rel, seen, git_ids, at, shown)
            is_source = e.action != "create" and field == "path"
            link = e.mode == LINK_MODE
            if st is not None and not (stat.S_ISLNK(st.st_mode) if link and is_source else stat.S_ISREG(st.st_mode)):
                wanted = "a symlink" if link and is_source else "a regular file"
                raise UnsafePlan(f"{at}: {_show(rel)} is a {_kind(st.st_mode)}, not {wanted}", shown)
            if is_source:
                if st is None:
                    raise StalePlan(f"{at}: {_show(rel)} no longer exists", shown)
                now = LINK_MODE if link else 0o100755 if st.st_mode & stat.S_IXUSR else 0o100644  # as the planner records it
                if now != e.mode:
                    raise StalePlan(f"{e.at}.mode: {_show(rel)} has mode {now:o} now, the plan recorded {e.mode:o}",
                                    shown)
                sources[rel] = st
            elif st is not None and rel not in moving_away:
                raise StalePlan(f"{at}: {_show(rel)} exists now; the plan does not overwrite files", shown)
    return sources


def _walk(root: Path, rel: str, seen: dict, git_ids: set, at: str, shown: str) -> os.stat_result | None:
    """lstat of ``root/rel`` (None when absent), refusing a symlink, a non-folder or a git
    directory on the way."""
    parts = rel.split("/")
    cur = str(root)
    for k, part in enumerate(parts):
        cur = os.path.join(cur, part)
        if cur not in seen:
            try:
                seen[cur] = os.lstat(cur)
            except FileNotFoundError:
                seen[cur] = None
            except OSError as exc:
                raise UnsafePlan(f"{at}: cannot look at {_show('/'.join(parts[:k + 1]))}: {exc.strerror}", shown) from None
        st = seen[cur]
        if st is None:
            return None
        if (st.st_dev, st.st_ino) in git_ids:
            raise UnsafePlan(f"{at}: {_show(rel)} is inside git's own folder: never written", shown)
        if k < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):
            what = "a symlink; nothing is read or written through one" if stat.S_ISLNK(st.st_mode) else \
                f"a {_kind(st.st_mode)}, not a folder"
            raise UnsafePlan(f"{at}: {_show('/'.join(parts[:k + 1]))} is {what}", shown)
    return st


def _git_dirs(root: Path) -> set[str]:
    """Every git directory that may lie in the checkout: git's own answer, and $GIT_DIR /
    $GIT_COMMON_DIR read against both the current folder and the checkout."""
    found = []
    for var in ("GIT_DIR", "GIT_COMMON_DIR"):
        value = os.environ.get(var)
        if value:
            found += [os.path.abspath(value), os.path.join(str(root), value)]
    try:
        out = subprocess.run(["git", "rev-parse", "--git-dir", "--git-common-dir"], cwd=root, capture_output=True,
                             timeout=60, check=False)
        if out.returncode == 0:
            found += [os.path.join(str(root), line) for line in os.fsdecode(out.stdout).splitlines() if line]
    except (OSError, subprocess.SubprocessError):
        pass
    return {os.path.realpath(p) for p in found}


# -- pass 3: the sources' contents -------------------------------------------------------------
def _read_source(root: Path, e: _Entry, checked: os.stat_result, shown: str) -> bytes:
    parts = e.path.split("/")
    try:
        folder = os.open(root, _DIR_FLAGS)
        try:
            for part in parts[:-1]:
                inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
                os.close(folder)
                folder = inner
            if e.mode == LINK_MODE:  # the link's own text, never what it points at
                st = os.lstat(parts[-1], dir_fd=folder)
                if not stat.S_ISLNK(st.st_mode) or (st.st_dev, st.st_ino) != (checked.st_dev, checked.st_ino):
                    raise UnsafePlan(f"{e.at}.path: {_show(e.path)} was replaced while the plan was checked", shown)
                return os.fsencode(os.readlink(parts[-1], dir_fd=folder))
            fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=folder)
        finally:
            os.close(folder)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (checked.st_dev, checked.st_ino):
                raise UnsafePlan(f"{e.at}.path: {_show(e.path)} was replaced while the plan was checked", shown)
            return fh.read()
    except OSError as exc:
        raise UnsafePlan(f"{e.at}.path: cannot open {_show(e.path)} without following links: {exc.strerror}",
                         shown) from None


def _link_text(value: object, path: str, at: str, shown: str) -> bytes:
    """A retargeted symlink's new text: a relative path that, read from the link's folder, stays in
    the checkout and out of git's folder (the planner never writes another)."""
    text = _b64(value, at, shown)
    try:
        target = text.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafePlan(f"{at}: a symlink's text that is not UTF-8", shown) from None
    if not target or "\0" in target or target.startswith("/"):
        raise UnsafePlan(f"{at}: a symlink's new text must be a relative path ({_show(target)})", shown)
    inside = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if inside == ".." or inside.startswith("../") or any(_is_dotgit(p) for p in inside.split("/")):
        raise UnsafePlan(f"{at}: a symlink's new text {_show(target)} leads out of the checkout or into .git", shown)
    return text


# -- wording -----------------------------------------------------------------------------------
_TYPE_NAMES = {str: "a string", type(None): "null", list: "a list", dict: "an object", int: "a number",
               float: "a non-integer number", bool: "true/false"}


def _type(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _show(value: object) -> str:
    """A value as one short line (JSON quoting: no newline or escape sequence reaches the terminal)."""
    text = json.dumps(value)
    return text if len(text) <= 120 else text[:117] + '..."'


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISLNK, "symlink"), (stat.S_ISDIR, "folder"),
                       (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "special file"
