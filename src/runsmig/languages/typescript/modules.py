"""TypeScript module resolution for moves and deletions.

Answers three questions for the TypeScript transformer, all from the file lists
of the run (``ctx.all_files``, ``ctx.moves``, ``ctx.deletes``), never from the
disk except to read ``tsconfig*.json``:

* which file does an import specifier denote? (relative paths, ``baseUrl`` and
  ``compilerOptions.paths`` aliases of the nearest tsconfig, tried as ``x``,
  ``x.ts``, ``x.tsx``, ``x.d.ts``, …, ``x/index.ts(x)``);
* what should the specifier say after the moves? (same style: relative stays
  relative, an alias stays an alias when the new path is still under it);
* does a module move make a module path ambiguous? (``src/shared/jobs.ts`` ->
  ``src/shared/runs.ts`` next to an existing ``src/shared/runs/`` folder);
* which third-party package does a bare specifier name? (:meth:`ModuleIndex.package_of`;
  not one of the checkout's own workspace packages, read from its ``package.json`` files).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from runsmig import deps
from runsmig.pathmatch import starting_with
from runsmig.paths import explicit_moves

# what an extensionless specifier may denote, in TypeScript's order
EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
INDEX_SUFFIXES = tuple("/index" + e for e in (".ts", ".tsx", ".d.ts", ".js", ".jsx"))
MODULE_SUFFIXES = (".d.ts", ".d.mts", ".d.cts", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
TSCONFIG_NAMES = ("tsconfig.json", "tsconfig.app.json")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
NODE_BUILTINS = frozenset("""
assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns
domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring
readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads zlib
""".split())
_PACKAGE_NAME = re.compile(r"^(@[A-Za-z0-9~][\w.~-]*/)?[A-Za-z0-9~][\w.~-]*$")
DEPENDENCY_KEYS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def package_name(spec: str) -> str | None:
    """'@scope/pkg/sub' -> '@scope/pkg', 'pkg/sub' -> 'pkg', 'node:fs/promises' -> 'node:fs';
    None for what cannot name a package ('./x', '/x', '#x', '@/x', '~/x', 'virtual:x')."""
    if spec.startswith("node:"):
        return spec.split("/")[0] if len(spec) > 5 else None
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    if not _PACKAGE_NAME.match(name) or name.startswith("~"):
        return None
    return name


@dataclass(frozen=True)
class Packages:
    """The checkout's own package names (workspace members) and the dependencies they declare."""

    own: frozenset[str]
    declared: frozenset[str]


def read_packages(root: Path, files: frozenset[str]) -> Packages:
    own: set[str] = set()
    declared: set[str] = set()
    for rel in files:
        if rel != "package.json" and not rel.endswith("/package.json"):
            continue
        try:
            data = json.loads((root / rel).read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("name"), str):
            own.add(data["name"])
        for key in DEPENDENCY_KEYS:
            listed = data.get(key)
            if isinstance(listed, dict):
                for dep, version in listed.items():
                    # a workspace dependency ("workspace:*", a relative "file:" / "link:") is the checkout's
                    if isinstance(version, str) and version.startswith(("workspace:", "file:.", "link:.")):
                        own.add(dep)
                    else:
                        declared.add(dep)
    return Packages(frozenset(own), frozenset(declared - own))


# -- tsconfig (JSONC) -----------------------------------------------------------
def strip_jsonc(text: str) -> str:
    """JSONC -> JSON: drop // and /* */ comments and trailing commas, keep strings intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def parse_jsonc(text: str) -> object:
    if text.startswith("\ufeff"):
        text = text[1:]
    return json.loads(strip_jsonc(text))


@dataclass(frozen=True)
class TsConfig:
    path: str  # rel path of the tsconfig that declared the options
    base: str  # rel folder that paths are relative to (baseUrl, else the config's folder)
    has_base_url: bool
    paths: tuple[tuple[str, tuple[str, ...]], ...]  # pattern -> substitutions, as written


def _read_config(root: Path, rel: str, depth: int = 0) -> dict | None:
    deps.note(rel)  # its bytes, and those of every config it extends
    try:
        data = parse_jsonc((root / rel).read_text("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    opts = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
    folder = posixpath.dirname(rel)
    merged: dict = {}
    ext = data.get("extends")
    if isinstance(ext, str) and ext.startswith(".") and depth < 5:
        target = posixpath.normpath(posixpath.join(folder, ext))
        if not target.endswith(".json"):
            target += ".json"
        parent = _read_config(root, target, depth + 1)
        if parent:
            merged.update(parent)
    if isinstance(opts.get("baseUrl"), str):
        merged["baseUrl"] = posixpath.normpath(posixpath.join(folder, opts["baseUrl"]))
    if isinstance(opts.get("paths"), dict):
        merged["paths"] = opts["paths"]
        merged["pathsFolder"] = folder
    return merged


def _config_from(root: Path, rel: str) -> TsConfig | None:
    opts = _read_config(root, rel)
    if not opts or ("baseUrl" not in opts and "paths" not in opts):
        return None
    folder = posixpath.dirname(rel)
    base = opts.get("baseUrl") or opts.get("pathsFolder") or folder
    base = "" if base == "." else base
    pairs = []
    for pattern, subs in (opts.get("paths") or {}).items():
        if isinstance(pattern, str) and isinstance(subs, list):
            pairs.append((pattern, tuple(s for s in subs if isinstance(s, str))))
    return TsConfig(rel, base, "baseUrl" in opts, tuple(pairs))


# -- the file index of one run --------------------------------------------------
@dataclass
class ModuleIndex:
    root: Path
    files: frozenset[str]
    moves: dict[str, str]
    deletes: frozenset[str]
    explicit: frozenset[str]  # files moved or deleted by an explicit recipe entry
    _configs: dict[str, tuple[TsConfig | None, deps.Record]] = field(default_factory=dict)
    _conflicts: dict[str, str] | None = None
    local_check: Callable[[str], str | None] | None = None  # rel -> why that file is left as it is
    _stuck: dict[str, str | None] = field(default_factory=dict)
    _packages: Packages | None = None

    def packages(self) -> Packages:
        if self._packages is None:
            self._packages = read_packages(self.root, self.files)
        return self._packages

    def package_of(self, importer: str, spec: str) -> str | None:
        """The third-party package a module specifier names; None for a module of the checkout
        (relative, a tsconfig alias or baseUrl path, a workspace package, a path that exists here)."""
        name = package_name(spec) if spec and not spec.startswith((".", "/", "#")) else None
        if name is None:
            return None
        if name.startswith("node:"):
            return name
        if self.resolve(importer, spec) is not None:
            return None
        pkgs = self.packages()
        if name in pkgs.own:
            return None
        if name in pkgs.declared or name in NODE_BUILTINS:
            return name
        # undeclared: a bundler alias to a folder of the checkout ('src/x', 'components/y') is not a package
        if "/" in spec and not spec.startswith("@") and self._probe(posixpath.normpath(spec)) is not None:
            return None
        return name

    def _aliased(self, importer: str, spec: str) -> "Resolved | None":
        """An undeclared alias that names a checkout file ('@site/static/img/x.svg', '~/lib/x',
        '@/x'): the path after the alias's first segment, found in a folder above the importer (or
        its ``src``), nearest first. An alias a bundler defines (Docusaurus's '@site', Vite's '@')
        is not a package: what it names moves with the checkout, and the specifier follows it."""
        if "/" not in spec or spec.startswith((".", "/", "#")):
            return None
        name = package_name(spec)
        if name is not None and (name.startswith("node:") or name in NODE_BUILTINS):
            return None
        pkgs = self.packages()
        if name is not None and (name in pkgs.declared or name in pkgs.own):
            return None
        alias, tail = spec.split("/", 1)
        tail = posixpath.normpath(tail)
        if tail.startswith("..") or tail in (".", ""):
            return None
        folder = posixpath.dirname(importer)
        while True:
            for base in (folder, posixpath.join(folder, "src") if folder else "src"):
                hit = self._probe(posixpath.join(base, tail) if base else tail)
                if hit is not None:
                    return Resolved(spec, "bundler", hit[0], posixpath.join(base, tail) if base else tail, hit[1],
                                    pattern=f"{alias}/", folder=base)
            if not folder:
                return None
            folder = posixpath.dirname(folder)

    def stuck(self, rel: str) -> str | None:
        """Why a moving module is left where and as it is (it does not parse, a rename collides…)."""
        if rel not in self.moves or self.local_check is None:
            return None
        if rel not in self._stuck:
            self._stuck[rel] = self.local_check(rel)
        deps.note(rel)  # the answer is remembered: every file that asks depends on rel's bytes
        return self._stuck[rel]

    def config_for(self, rel: str) -> TsConfig | None:
        """The nearest tsconfig.json / tsconfig.app.json (with baseUrl or paths) above ``rel``."""
        found, record = self._folder_config(posixpath.dirname(rel))
        deps.replay(record)  # remembered per folder: each file that asks depends on what it read
        return found

    def _folder_config(self, folder: str) -> tuple[TsConfig | None, deps.Record]:
        hit = self._configs.get(folder)
        if hit is not None:
            return hit
        with deps.recording() as record:
            found = None
            for name in TSCONFIG_NAMES:
                cand = posixpath.join(folder, name) if folder else name
                # a listed config is in every result's context; one on disk only is asked about
                if cand in self.files or _on_disk(self.root, cand):
                    found = _config_from(self.root, cand)
                    if found is not None:
                        break
            if found is None and folder:
                found, above = self._folder_config(posixpath.dirname(folder))
                deps.replay(above)
        self._configs[folder] = (found, record)
        return found, record

    # -- resolution -------------------------------------------------------------
    def _probe(self, base: str) -> tuple[str, str] | None:
        """(file, suffix added to base) for the first candidate that exists (a recorded question)."""
        found = _probe_in(self.files, base)
        deps.asked(PROBE, base, json.dumps(found))
        return found

    def resolve(self, importer: str, spec: str) -> "Resolved | None":
        found = self._resolve(importer, spec)
        return found if found is not None else self._aliased(importer, spec)

    def _resolve(self, importer: str, spec: str) -> "Resolved | None":
        if not spec:
            return None
        if spec.startswith("./") or spec.startswith("../") or spec in (".", ".."):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
            base = "" if base == "." else base
            hit = self._probe(base)
            return Resolved(spec, "relative", hit[0], base, hit[1]) if hit else Resolved(spec, "relative", None, base, "")
        if spec.startswith("/"):
            return None
        cfg = self.config_for(importer)
        if cfg is None:
            return None
        best = None
        for pattern, subs in cfg.paths:
            if "*" in pattern:
                pre, _, post = pattern.partition("*")
                if spec.startswith(pre) and spec.endswith(post) and len(spec) >= len(pre) + len(post):
                    if best is None or len(pre) > len(best[0].partition("*")[0]):
                        best = (pattern, subs, spec[len(pre):len(spec) - len(post)])
            elif pattern == spec:
                best = (pattern, subs, "")
                break
        if best is not None:
            pattern, subs, star = best
            for sub in subs:
                base = posixpath.normpath(posixpath.join(cfg.base, sub.replace("*", star)))
                hit = self._probe(base)
                if hit:
                    return Resolved(spec, "alias", hit[0], base, hit[1], cfg, pattern)
            return Resolved(spec, "alias", None, "", "", cfg, pattern)
        if cfg.has_base_url:
            base = posixpath.normpath(posixpath.join(cfg.base, spec))
            hit = self._probe(base)
            if hit:
                return Resolved(spec, "base", hit[0], base, hit[1], cfg)
        return None  # a package

    # -- after the change ---------------------------------------------------------
    def new_path(self, rel: str) -> str:
        """Where ``rel`` is after the change (conflicting module moves do not happen)."""
        if rel in self.moves and self.conflict_of(rel) is None and self.stuck(rel) is None:
            return self.moves[rel]
        return rel

    def new_specifier(self, res: "Resolved", importer: str, new_importer: str) -> str | None:
        """The specifier for the moved target (or from the moved importer); None if unchanged."""
        target = res.target
        assert target is not None
        new_target = self.new_path(target)
        if new_target == target and new_importer == importer:
            return None
        if new_target == target and res.style != "relative":
            return None
        new_base = _as_written(res, new_target) or _strip_suffix(new_target, res.suffix)
        if res.style == "bundler":
            if new_target == target:
                return None
            inside = posixpath.relpath(new_base, res.folder or ".")
            return None if inside.startswith("..") else f"{res.pattern}{inside}"
        if res.style == "relative" or res.config is None:
            return _relative(posixpath.dirname(new_importer), new_base)
        cfg = res.config
        spec = _via_paths(cfg, new_base, prefer=res.pattern)
        if spec is None and res.style == "base" and cfg.has_base_url:
            spec = _under_base(cfg, new_base)
        if spec is None:
            spec = _relative(posixpath.dirname(new_importer), new_base)
        return None if spec == res.spec else spec

    # -- module-level conflicts ---------------------------------------------------
    def conflict_of(self, rel: str) -> str | None:
        """Why moving ``rel`` would make a module path ambiguous (None: it would not); a recorded
        question."""
        found = self.conflicts().get(rel)
        deps.asked(CONFLICT, rel, found or "")
        return found

    def conflicts(self) -> dict[str, str]:
        """Moving module file -> reason, for moves that make a module path ambiguous. Only the module
        paths of the moved files are looked up: a run that moves no module reads no file list. (Not
        recorded: a pass asks :meth:`conflict_of`.)"""
        if self._conflicts is not None:
            return self._conflicts
        out: dict[str, str] = {}
        todo = [(old, new) for old, new in sorted(self.moves.items())
                if old not in self.deletes and old not in self.explicit and is_module(new)]
        if todo:
            after: dict[str, set[str]] = {}  # path after the change -> the files that land there
            for f in self.files:
                if f not in self.deletes:
                    after.setdefault(self.moves.get(f, f), set()).add(f)
            ordered = sorted(after)
            for old, new in todo:
                ids = module_ids(new)
                for mid in ids:
                    others = _importable_as(mid, after) - {old}
                    if others:
                        other = min(others)
                        out[old] = (f"moving '{old}' to '{new}' makes module '{mid}' ambiguous with "
                                    f"'{self.moves.get(other, other)}'")
                        break
                    if mid == ids[0] and not new.rsplit("/", 1)[-1].startswith("index."):
                        inside = _under_folder(mid, ordered, after) - {old}
                        if inside:
                            out[old] = (f"moving '{old}' to '{new}' makes module '{mid}' ambiguous with the "
                                        f"existing folder '{mid}/'")
                            break
        self._conflicts = out
        return out


# the questions the index is asked of the file list (runsmig.listing answers them again)
PROBE, LISTED, DISK = "typescript.modules:probe", "typescript.modules:listed", "typescript.modules:disk"
CONFLICT = "typescript.modules:conflict"


def _on_disk(root: Path, rel: str) -> bool:
    """Is there a file at ``rel`` in the work tree, listed or not (a recorded question)?"""
    found = (root / rel).is_file()
    deps.asked(DISK, rel, "1" if found else "0")
    return found


def _probe_in(files: frozenset[str], base: str) -> tuple[str, str] | None:
    if base.startswith("../") or base == "..":
        return None
    if base in files:
        return base, ""
    for ext in EXTENSIONS:
        if base + ext in files:
            return base + ext, ext
    stem, ext = posixpath.splitext(base)
    for alt in _JS_TO_TS.get(ext, ()):
        if stem + alt in files:  # ESM style './x.js' naming x.ts
            return stem + alt, ""
    for suf in INDEX_SUFFIXES:
        cand = (base + suf) if base else suf[1:]
        if cand in files:
            return cand, suf
    return None


def listed(files: frozenset[str], rel: str) -> bool:
    """Is ``rel`` a file of the checkout (a recorded question)?"""
    found = rel in files
    deps.asked(LISTED, rel, "1" if found else "0")
    return found


def answer(kind: str, question: str, view) -> str | None:
    """The answer the file list of ``view`` (runsmig.listing.View) gives to a question recorded here
    (None: not a question of ours)."""
    if kind == PROBE:
        return json.dumps(_probe_in(view.files, question))
    if kind == LISTED:
        return "1" if question in view.files else "0"
    if kind == DISK:
        return "1" if (view.root / question).is_file() else "0"
    if kind == CONFLICT:
        idx = view.memo.get(CONFLICT)
        if idx is None:
            idx = view.memo[CONFLICT] = ModuleIndex(view.root, view.files, view.moves, view.deletes,
                                                    explicit_moves(view.recipe, view.moves))
        return idx.conflicts().get(question) or ""
    return None


def _importable_as(mid: str, after: dict[str, set[str]]) -> set[str]:
    """The files (before the change) whose path after it can be imported as ``mid``: ``mid`` plus a
    module suffix, or the index file of folder ``mid``, as :func:`module_ids` reads them."""
    index = f"{mid}/index" if mid else "index"
    found = set()
    for suf in MODULE_SUFFIXES:
        for path in (mid + suf, index + suf):
            if path in after and mid in module_ids(path):
                found |= after[path]
    return found


def _under_folder(folder: str, ordered: list[str], after: dict[str, set[str]]) -> set[str]:
    """The files (before the change) whose path after it lies under ``folder/`` (``ordered``: the
    sorted paths after the change)."""
    if not folder:
        return set()
    found: set[str] = set()
    for path in starting_with(ordered, folder + "/"):
        found |= after[path]
    return found


@dataclass(frozen=True)
class Resolved:
    spec: str
    style: str  # relative, alias, base
    target: str | None  # the file it denotes (rel), None when nothing matches
    base: str  # the path the specifier names, without the probed suffix
    suffix: str  # what resolution added ("", ".ts", "/index.tsx", ...)
    config: TsConfig | None = None
    pattern: str | None = None  # the paths pattern that matched (aliases); a bundler alias's 'name/'
    folder: str = ""  # a bundler alias: the folder it stands for


def is_module(rel: str) -> bool:
    return rel.endswith(MODULE_SUFFIXES)


def module_ids(rel: str) -> list[str]:
    """The extensionless paths by which a module file can be imported (folder for index files)."""
    for suf in MODULE_SUFFIXES:
        if rel.endswith(suf):
            stem = rel[: -len(suf)]
            ids = [stem]
            if stem == "index" or stem.endswith("/index"):
                ids.append(posixpath.dirname(stem))
            return ids
    return []


def _as_written(res: "Resolved", new_target: str) -> str | None:
    """The ESM spelling of a moved module: './job.js' naming job.ts names run.ts as './run.js' (the
    extension the specifier was written with stays); None when the specifier named its file as it is."""
    if res.suffix or res.target is None or res.target == res.base:
        return None
    written = posixpath.splitext(res.base)[1]
    stem, ext = posixpath.splitext(new_target)
    if ext in _JS_TO_TS.get(written, ()):
        return stem + written
    for js, ts in _JS_TO_TS.items():  # the target changed its TS extension: its JS counterpart
        if ext in ts:
            return stem + js
    return None


def _strip_suffix(path: str, suffix: str) -> str:
    if suffix and path.endswith(suffix):
        return path[: -len(suffix)]
    if suffix:  # the target changed its extension: drop whatever module suffix it has now
        for suf in MODULE_SUFFIXES:
            if path.endswith(suf):
                stem = path[: -len(suf)]
                return posixpath.dirname(stem) if suffix.startswith("/index") and stem.endswith("/index") else stem
    return path


def _relative(from_dir: str, to: str) -> str:
    rel = posixpath.relpath(to or ".", from_dir or ".")
    if rel == ".":
        return "."
    return rel if rel.startswith("../") or rel == ".." else "./" + rel


def _via_paths(cfg: TsConfig, new_base: str, prefer: str | None) -> str | None:
    """Express ``new_base`` through a paths alias, the one used before first."""
    order = sorted(cfg.paths, key=lambda p: (p[0] != prefer, -len(p[0])))
    for pattern, subs in order:
        for sub in subs:
            if "*" in pattern and "*" in sub:
                t_pre, t_post = _sub_parts(cfg.base, sub)
                if (new_base.startswith(t_pre) and new_base.endswith(t_post)
                        and len(new_base) > len(t_pre) + len(t_post)):
                    star = new_base[len(t_pre): len(new_base) - len(t_post)]
                    p_pre, _, p_post = pattern.partition("*")
                    return p_pre + star + p_post
            elif "*" not in pattern and "*" not in sub:
                if posixpath.normpath(posixpath.join(cfg.base, sub)) == new_base:
                    return pattern
    return None


def _sub_parts(base: str, sub: str) -> tuple[str, str]:
    """A paths substitution 'shared/*' under base -> ('<base>/shared/', '')."""
    pre, _, post = sub.partition("*")
    if not pre or pre in (".", "./"):
        return (base + "/" if base else ""), post
    joined = posixpath.normpath(posixpath.join(base, pre))
    if pre.endswith("/"):
        joined = "" if joined == "." else joined + "/"
    return joined, post


def _under_base(cfg: TsConfig, new_base: str) -> str | None:
    prefix = cfg.base + "/" if cfg.base else ""
    if new_base.startswith(prefix):
        return new_base[len(prefix):]
    return None


_INDEX: dict[int, tuple[object, ModuleIndex]] = {}


def module_index(root: Path, files: frozenset[str], moves: dict[str, str], deletes: frozenset[str],
                 explicit: frozenset[str]) -> ModuleIndex:
    """One index per run (cached on the identity of the run's file set, kept alive here)."""
    key = id(files)
    hit = _INDEX.get(key)
    if hit is not None and hit[0] is files and hit[1].moves is moves and hit[1].root == root:
        return hit[1]
    if len(_INDEX) > 8:
        _INDEX.clear()
    idx = ModuleIndex(root, files, moves, deletes, explicit)
    _INDEX[key] = (files, idx)
    return idx
