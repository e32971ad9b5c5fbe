"""Scan the old root, ask the database, and produce the operations of a move.

The operation list is what ``--dry-run`` prints and what the journal records, in order:
``mkdir`` (the new root), one ``move`` per folder, ``db-update`` per stored path, ``env`` per
.env line, ``rmdir`` (the old root, when nothing stays in it). Findings (orphans, skipped
entries, conflicts) are not operations; any conflict refuses the whole move before it starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.storage.config import StorageConfig
from runsmig.storage.envfile import plan_env
from runsmig.storage.names import name_problem

ORPHAN_MODES = ("keep", "move", "quarantine")


@dataclass(frozen=True)
class Options:
    src: Path  # --from, as given
    dst: Path  # --to, as given
    db: str | None
    orphans: str
    env_file: Path | None
    cfg: StorageConfig | None

    @property
    def src_abs(self) -> Path:
        return Path(os.path.realpath(self.src))

    @property
    def dst_abs(self) -> Path:
        return Path(os.path.realpath(self.dst))

    @property
    def quarantine_abs(self) -> Path:
        name = self.cfg.orphans_dir if self.cfg else "runs-orphans"
        return self.dst_abs.parent / name


@dataclass(frozen=True)
class Finding:
    kind: str  # orphan | skipped | conflict
    name: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "reason": self.reason}


@dataclass
class Plan:
    ops: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "conflict"]


def header(opts: Options) -> dict[str, Any]:
    """What a journal must match to be resumed by a command."""
    return {
        "command": "storage move",
        "from": str(opts.src_abs),
        "to": str(opts.dst_abs),
        "db": _redact(opts.db),
        "orphans": opts.orphans,
        "env_file": str(Path(os.path.abspath(opts.env_file))) if opts.env_file else None,
    }


def _redact(url: str | None) -> str | None:
    if url is None:
        return None
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _names(root: Path) -> set[str]:
    try:
        return set(os.listdir(root))
    except FileNotFoundError:
        return set()


def build_plan(opts: Options, engine=None) -> Plan:
    plan = Plan()
    src, dst, quarantine = opts.src_abs, opts.dst_abs, opts.quarantine_abs
    ops = plan.ops
    if not dst.exists():
        ops.append({"op": "mkdir", "path": str(dst)})
    taken = _names(dst)
    q_taken = _names(quarantine)
    claimed: dict[str, str] = {}
    src_s, dst_s, q_s = str(src), str(dst), str(quarantine)
    mapping = None
    if engine is not None:  # SQLAlchemy is imported only with --db
        from runsmig.storage.mapping import load_mapping

        assert opts.cfg is not None
        with engine.connect() as conn:
            mapping = load_mapping(conn, opts.cfg)
        plan.notes.extend(mapping.notes)
    moves: dict[str, tuple[str, str, bool]] = {}  # folder -> (root, target, in the new root)
    stays = 0
    entries = sorted(os.scandir(src), key=lambda e: e.name) if src.is_dir() else []
    q_mkdir = False
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            plan.findings.append(Finding("skipped", name, "hidden entry"))
            stays += 1
            continue
        if entry.is_symlink():
            plan.findings.append(Finding("skipped", name, "symlink (never followed)"))
            stays += 1
            continue
        if not entry.is_dir(follow_symlinks=False):
            plan.findings.append(Finding("skipped", name, "not a folder"))
            stays += 1
            continue
        problem = name_problem(name)
        if problem:
            plan.findings.append(Finding("skipped", name, problem))
            stays += 1
            continue
        if mapping is None:
            kind, target, why = "unmapped", name, "no database: keeps its name"
        else:
            kind, target, why = mapping.classify(name)
        root, root_names, in_new_root = dst_s, taken, True
        if kind == "orphan":
            plan.findings.append(Finding("orphan", name, why))
            if opts.orphans == "keep":
                stays += 1
                continue
            target = name
            if opts.orphans == "quarantine":
                root, root_names, in_new_root = q_s, q_taken, False
        assert target is not None
        problem = name_problem(target) if target != name else None
        if problem:
            plan.findings.append(Finding("conflict", name, f"its run id is not a safe folder name: {problem}"))
            continue
        dest = f"{root}/{target}"
        if target in root_names:
            plan.findings.append(Finding("conflict", name, f"destination exists: {dest}"))
            continue
        if dest in claimed:
            plan.findings.append(Finding("conflict", name, f"{claimed[dest]} and {name} both map to {dest}"))
            continue
        claimed[dest] = name
        if not in_new_root and not q_mkdir and not quarantine.exists():
            ops.append({"op": "mkdir", "path": str(quarantine)})
            q_mkdir = True
        action = "quarantine" if not in_new_root else ("rename" if target != name else "move")
        ops.append({"op": action, "src": f"{src_s}/{name}", "dst": dest})
        moves[name] = (root, target, in_new_root)
    if engine is not None and opts.cfg is not None and opts.cfg.paths:
        old_roots = [(str(src), str(dst)), (os.path.abspath(opts.src), os.path.abspath(opts.dst))]
        if not opts.src.is_absolute():
            old_roots.append((os.path.normpath(opts.src), os.path.normpath(opts.dst)))
        from runsmig.storage.dbpaths import Dest, PathRewriter, plan_updates

        rw = PathRewriter(old_roots, {name: Dest(*dest) for name, dest in moves.items()})
        with engine.connect() as conn:
            ops.extend(plan_updates(conn, opts.cfg.paths, rw, plan.notes))
    if opts.env_file is not None:
        cfg = opts.cfg
        keys = cfg.env_keys if cfg else ()
        values = cfg.env_values if cfg else ()
        if not keys:
            plan.notes.append("the recipe's storage section lists no env keys: --env-file changes nothing")
        ops.extend(plan_env(Path(os.path.abspath(opts.env_file)), keys, values, plan.notes))
    if src.is_dir() and stays == 0 and not plan.conflicts:
        ops.append({"op": "rmdir", "path": str(src)})
    for i, op in enumerate(ops, start=1):
        op["seq"] = i
    return plan


def render(op: dict[str, Any]) -> str:
    """One line per operation, for dry-run output (the journal's operations render identically)."""
    kind = op["op"]
    if kind in ("move", "rename", "quarantine"):
        return f"{kind} {op['src']} -> {op['dst']}"
    if kind in ("mkdir", "rmdir"):
        return f"{kind} {op['path']}"
    if kind == "db-update":
        key = ",".join(f"{k}={v}" for k, v in op["key"].items())
        return f"db-update {op['table']}.{op['column']} [{key}]: {op['old']!r} -> {op['new']!r}"
    if kind == "env":
        return f"env {op['file']}:{op['line']}: {op['old']!r} -> {op['new']!r}"
    return f"{kind} {op!r}"  # pragma: no cover
