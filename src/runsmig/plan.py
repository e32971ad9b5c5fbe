"""The change set: built from a run, rendered as one git diff, saved with hashes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.diff import file_diff
from runsmig.findings import PAYLOAD_KEY, Finding
from runsmig.generators import NewFile, generate_all
from runsmig.recipe.model import Recipe
from runsmig.recipe.sections.stored import keeps_stored as stored_keeps
from runsmig.runner import RunResult, file_mode, run
from runsmig.symlinks import retarget

PLAN_FORMAT = 1


@dataclass(frozen=True)
class Change:
    action: str  # modify, rename, delete, create
    path: str
    new_path: str | None
    old: bytes | None
    new: bytes | None
    mode: int

    @property
    def target(self) -> str:
        return self.new_path or self.path

    def old_sha256(self) -> str | None:
        return hashlib.sha256(self.old).hexdigest() if self.old is not None else None

    def diff(self) -> bytes:
        return file_diff(self.action, self.path, self.new_path, self.old, self.new, self.mode)


@dataclass
class Plan:
    root: Path
    recipe: Recipe | None
    changes: list[Change]
    result: RunResult | None = None
    notes: list[str] = field(default_factory=list)
    # stored names the plan's new migrations rename (stored: migrate): (kind, old, new, table, file)
    migrated: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    # stored names kept with what they derive from (stored: keep): (kind, name, table, file)
    derived_kept: list[tuple[str, str, str, str]] = field(default_factory=list)
    # renamed public names and their aliases (runsmig.compat): runsmig.compat.model.Alias
    public: list = field(default_factory=list)

    def diff(self) -> bytes:
        return b"".join(c.diff() for c in self.changes)

    @property
    def empty(self) -> bool:
        return not self.changes

    def failures(self) -> list[tuple[str, str, int | None]]:
        if self.result is None:
            return []
        return [(o.rel, o.reason, o.line) for o in self.result.by_status("failed")]

    def follow_ups(self) -> list[Finding]:
        """What a person must look at: follow-ups, conflicts, links (not the external notes)."""
        if self.result is None:
            return []
        out = [f for o in self.result.looked for f in o.reported if f.rule != "external"]
        out += [f for f in self.result.paths.findings if f.rule in ("conflict", "follow-up")]
        return out

    def externals(self) -> list[Finding]:
        """Names kept because they belong to another package or tool's schema (one per file and name)."""
        if self.result is None:
            return []
        return [f for o in self.result.looked for f in o.reported if f.rule == "external"]

    def history(self) -> dict[str, str]:
        """The released history this plan keeps as it is (runsmig.history): file -> kind."""
        return dict(self.result.history.kinds) if self.result is not None else {}

    def identifiers(self) -> list[Finding]:
        """Rewritten string literals that look like identifiers (no whitespace): one per literal."""
        if self.result is None:
            return []
        out, seen = [], set()
        for o in self.result.looked:
            for f in o.applied:
                key = (f.path, f.line, f.literal)
                if f.literal and key not in seen:
                    seen.add(key)
                    out.append(f)
        return out

    def stored(self) -> list[Finding]:
        """Stored names the plan keeps (``stored: keep``): every occurrence kept in SQL text, in an
        ORM declaration or spelled by a literal, and every implicit name it writes out."""
        if self.result is None:
            return []
        return [f for o in self.result.looked for f in o.allowed + o.applied if f.stored]

    def review(self) -> dict:
        """The reviewer's view as data (``plan --format json``)."""
        section = self.recipe.sections.get("literals") if self.recipe is not None else None
        idents = []
        for f in self.identifiers():
            rule = section.rule_for(f.path, f.literal) if section is not None else None
            item = {"path": f.path, "line": f.line, "col": f.col, "old": f.literal, "new": f.literal_replacement}
            if rule is not None and rule.action == "note":
                item["note"] = rule.reason
            idents.append(item)
        counts = Counter(c.action for c in self.changes)
        return {
            "summary": {**{a: counts.get(a, 0) for a in ("modify", "rename", "delete", "create")},
                        "failed": len(self.failures()), "follow_ups": len(self.follow_ups()),
                        "externals": len(self.externals()), "identifiers": len(idents),
                        "stored": len(self.stored()) + len(self.derived_kept), "stored_migrated": len(self.migrated),
                        "history": len(self.history()),
                        **({"public_renamed": len(self.public), "aliases": sum(1 for a in self.public if a.aliased)}
                           if self.public else {})},
            "changes": [{"action": c.action, "path": c.path, "new_path": c.new_path} for c in self.changes],
            "failures": [{"path": p, "line": ln, "reason": r} for p, r, ln in self.failures()],
            "follow_ups": [f.as_dict() for f in self.follow_ups()],
            "externals": [f.as_dict() for f in self.externals()],
            "identifiers": idents,
            "stored": [{"path": f.path, "line": f.line, "col": f.col, "name": f.word or f.text, "kind": f.stored,
                        "action": "kept" if f.allowed_by else "renamed" if f.stored == PAYLOAD_KEY else "written out"}
                       for f in self.stored()]
            + [{"path": path, "line": None, "col": None, "name": name, "kind": kind, "action": "kept", "table": table,
                "derived": True} for kind, name, table, path in self.derived_kept]
            + [{"path": path, "line": None, "col": None, "name": old, "kind": kind, "action": "migrated", "new": new,
                "table": table} for kind, old, new, table, path in self.migrated],
            "history": [{"path": p, "kind": k} for p, k in self.history().items()],
            **({"public": [a.as_dict() for a in self.public]} if self.public else {}),
            "notes": list(self.notes),
        }

    # -- persistence ---------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({
            "format": PLAN_FORMAT,
            "root": str(self.root),
            "recipe": str(self.recipe.source) if self.recipe else None,
            "changes": [
                {
                    "action": c.action,
                    "path": c.path,
                    "new_path": c.new_path,
                    "old_sha256": c.old_sha256(),
                    "old": _b64(c.old) if c.action in ("delete", "rename", "modify") and c.old is not None else None,
                    "new": _b64(c.new),
                    "mode": c.mode,
                }
                for c in self.changes
            ],
        }, indent=1)

    @staticmethod
    def load(path: Path, root: Path) -> "Plan":
        """A saved plan, checked whole before anything is read or written (runsmig.planfile)."""
        from runsmig.planfile import load_plan

        return load_plan(path, root)


def _current(path: Path, mode: int) -> bytes | None:
    """The bytes a change's ``old`` is compared with: a symlink's text (mode 120000), else the file's."""
    if mode & 0o170000 == 0o120000:
        return os.fsencode(os.readlink(path)) if path.is_symlink() else None
    return path.read_bytes() if path.exists() else None


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def build_plan(root: Path, recipe: Recipe, workers: int | None = None, regenerate: bool = True,
               generator_options: dict | None = None, progress=None, cache: bool = False, limits=None) -> Plan:
    if "downstream" in recipe.sections:  # a downstream recipe: only uses of a library's names (runsmig.compat)
        from runsmig.compat.rewrite import build

        return build(root, recipe)
    result = run(root, recipe, workers=workers, progress=progress, cache=cache, limits=limits)
    changes: list[Change] = []
    for o in result.looked:  # an unread file neither moves nor changes
        if o.status == "deleted":
            changes.append(Change("delete", o.rel, None, o.old, None, o.mode))
        elif o.status in ("changed", "unchanged") and o.moved:
            changes.append(Change("rename", o.rel, o.new_rel, o.old, o.new, o.mode))
        elif o.status == "changed":
            changes.append(Change("modify", o.rel, None, o.old, o.new, o.mode))
        elif o.status in ("skipped",) and o.moved and o.old is not None:
            changes.append(Change("rename", o.rel, o.new_rel, o.old, o.old, o.mode))
    notes: list[str] = [f"{o.rel}: not parsed ({o.unparsed}); its terms are listed as follow-ups and left as "
                        "they are (rewrite them by hand, or raise the limit: README 'Settings')"
                        for o in result.looked if o.unparsed]
    notes.extend(result.history.notes)
    notes.extend(result.notes)
    renamed_py = [(c.path, c.new_path, c.old) for c in changes if c.action == "rename" and c.path.endswith(".py")
                  and c.old is not None]
    if renamed_py:  # a module's logger named after it (runsmig.loggers): a stored value
        from runsmig import loggers
        from runsmig.recipe.sections.stored import stored_of

        before = {o.rel for o in result.looked} | set(result.unread)
        after = {o.new_rel or o.rel for o in result.looked} | set(result.unread)
        notes.extend(loggers.notes(renamed_py, before, after, stored_of(recipe).action == "keep"))
    if result.history and stored_keeps(recipe):
        from runsmig.migration.implicit import implicit_notes

        listed = {f.word or f.text for o in result.looked for f in o.allowed + o.applied if f.stored}
        notes.extend(implicit_notes(root, recipe, result.history, listed))
    taken = {c.target for c in changes} | {o.rel for o in result.looked} | set(result.unread)
    migrated: list[tuple[str, str, str, str | None, str]] = []
    derived_kept: list[tuple[str, str, str, str]] = []
    for nf in generate_all(root, recipe, result, generator_options):
        notes.extend(nf.notes)
        if not nf.path:  # notes only
            continue
        if nf.path in taken or (root / nf.path).exists():
            continue
        changes.append(Change("create", nf.path, None, None, nf.content.encode("utf-8"), 0o100644))
        migrated.extend(nf.migrates)
        derived_kept.extend(nf.keeps)
        changes = _updated(root, changes, nf.updates)
    _carried_follow_ups(result, migrated)
    if regenerate and recipe.generated:
        changes = _regenerated(root, recipe, result, changes, notes)
    from runsmig.compat.planning import extend  # deprecated aliases of renamed public names (issue #22)

    changes, public, compat_notes = extend(root, recipe, result, changes)
    notes.extend(compat_notes)
    from runsmig.linelength import notes as long_lines  # lines pushed past the project's line length
    from runsmig.mdreflow import reflow_changes
    from runsmig.prosewrap import wrap_changes
    from runsmig.pysplit import split_changes

    generated = {g.path for g in recipe.generated}
    changes = wrap_changes(root, changes, generated)  # prose wrapped; the rest named
    changes = reflow_changes(root, changes, generated)  # Markdown paragraphs filled as prettier would
    changes = split_changes(root, changes, generated)  # grown Python calls laid out as the formatter would
    notes.extend(long_lines(root, changes))
    relinks, unfollowed = retarget(root, result, changes)  # symlinks to what moves
    changes += relinks
    result.paths.findings.extend(unfollowed)
    changes.sort(key=lambda c: c.path)
    return Plan(root, recipe, changes, result, notes, migrated, derived_kept, public)


def _carried_follow_ups(result: RunResult, migrated) -> None:
    """A stored value the plan's new migration carries for the rows that hold it (a task name,
    runsmig.migration.values) is listed with the names it migrates: its follow-up is done."""
    from runsmig.migration.values import WORDS

    carried = {(kind, old) for kind, old, *_ in migrated if kind in WORDS}
    if not carried:
        return
    for o in result.looked:
        if any(f.stored in WORDS for f in o.reported):
            o.reported = [f for f in o.reported
                          if not (f.rule == "follow-up" and (f.stored, f.word) in carried)]


def _updated(root: Path, changes: list[Change], updates) -> list[Change]:
    """Existing files a new file changes (runsmig.generators.NewFile.updates): their content was
    computed on what the plan already makes of them, so it replaces a planned modify or rename."""
    for rel, content in updates:
        planned = next((c for c in changes if c.path == rel), None)
        if planned is None:
            old = (root / rel).read_bytes()
            if old != content:
                changes.append(Change("modify", rel, None, old, content, file_mode(root / rel)))
        elif planned.action in ("modify", "rename"):
            changes[changes.index(planned)] = Change(planned.action, planned.path, planned.new_path, planned.old,
                                                     content, planned.mode)
    return changes


def _regenerated(root: Path, recipe: Recipe, result: RunResult, changes: list[Change], notes: list[str]) -> list[Change]:
    """Replace the planned content of generated files with what their generator writes on the
    migrated code (runsmig.regenerate); files it cannot regenerate keep the structural rewrite."""
    from runsmig.regenerate import RegenResult, regenerate_in, tool_missing
    from runsmig.shadow import shadow_tree

    entries = [g for g in recipe.generated if (root / g.path).is_file()]
    runnable = [g for g in entries if tool_missing(g) is None]
    if runnable:  # the shadow tree is built only when some generator can run
        links = sorted({rel for g in runnable for rel in g.link})
        with shadow_tree(root, [o.rel for o in result.looked] + result.unread, changes, links) as shadow:
            results = regenerate_in(shadow, entries)
    else:
        results = [RegenResult(g.path, "structural", tool_missing(g)) for g in entries]
    by_target = {c.target: c for c in changes}
    out = list(changes)
    for r in results:
        notes.append(r.describe())
        planned = by_target.get(r.path)
        if r.content is None or (planned is not None and planned.action == "delete"):
            continue
        if planned is not None:
            out.remove(planned)
            if planned.action != "modify" or planned.old != r.content:
                out.append(Change(planned.action, planned.path, planned.new_path, planned.old, r.content, planned.mode))
            continue
        old = (root / r.path).read_bytes()
        if old != r.content:
            out.append(Change("modify", r.path, None, old, r.content, file_mode(root / r.path)))
    return out


__all__ = ["Change", "NewFile", "Plan", "build_plan"]
