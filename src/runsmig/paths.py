"""Path-level changes: recipe deletions, explicit renames, term renames, conflicts.

Released history (runsmig.history) never moves: a history file, and a module history imports, keep
their paths; the folders holding them keep their names (the other files of such a folder are still
renamed inside it). A recipe entry that would delete or rename one, or rename a folder holding one,
is a conflict and is not made: remove the file from history (``history: remove:``) to do it."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from runsmig.findings import Finding
from runsmig.history import NONE as NO_HISTORY
from runsmig.history import History
from runsmig.pathmatch import starting_with
from runsmig.recipe.model import Recipe
from runsmig.terms import TermEngine


@dataclass
class PathPlan:
    moves: dict[str, str] = field(default_factory=dict)  # file rel -> new rel
    deletes: dict[str, str] = field(default_factory=dict)  # file rel -> reason
    findings: list[Finding] = field(default_factory=list)  # path remnants (one per named segment) and conflicts
    allowed: list[Finding] = field(default_factory=list)


def _under(rel: str, prefix: str) -> bool:
    return rel.startswith(prefix) if prefix.endswith("/") else rel == prefix


def _named_by(entries: list[str], ordered: list[str]) -> set[str]:
    """The paths of ``ordered`` (sorted) that recipe path entries name: a trailing '/' is a folder
    prefix, else one file. Found by bisection, not by trying every path."""
    out: set[str] = set()
    for e in entries:
        if e.endswith("/"):
            out.update(starting_with(ordered, e))
        else:
            i = bisect_left(ordered, e)
            if i < len(ordered) and ordered[i] == e:
                out.add(e)
    return out


HELD = "history: the folder holds released history"


def plan_paths(files: list[str], recipe: Recipe, engine: TermEngine, history: History = NO_HISTORY) -> PathPlan:
    """Deletes, explicit renames, term renames and their conflicts. Only the paths a recipe entry
    names or whose names may hold a term are looked at (one regex search over them all). What
    ``history`` pins stays where it is (module docstring)."""
    plan = PathPlan()
    pinned, held = history.pinned, history.held
    plan.findings.extend(history.conflicts)
    refused: set[str] = set()  # recipe folder renames that would carry released history
    named = engine.paths_that_may_hold(files)
    ordered = sorted(files)
    deleted = _named_by([d.path for d in recipe.deletes], ordered)
    renamed = _named_by([r.source for r in recipe.renames], ordered)
    look = named | deleted | renamed
    files_looked = [rel for rel in files if rel in look] if look else []
    for rel in files_looked:
        if rel in deleted:
            for d in recipe.deletes:
                if _under(rel, d.path):
                    if rel in pinned:
                        plan.findings.append(Finding(rel, 0, 0, rel, "path", None, "conflict",
                                                     f"delete conflict: {rel} is kept ({pinned[rel]}); remove it from "
                                                     "history ('history: remove:') to delete it"))
                    else:
                        plan.deletes[rel] = d.reason
                    break
    proposed: dict[str, str] = {}
    for rel in files_looked:
        if rel in plan.deletes:
            continue
        if rel in pinned:  # never moves (its name's finding is allowlisted by _path_findings)
            if rel in renamed and not any(r.source == r.target for r in recipe.renames if _under(rel, r.source)):
                _refuse(plan, refused, next(r for r in recipe.renames if _under(rel, r.source)), rel, pinned[rel])
            continue
        target = None
        if rel in renamed:
            for r in recipe.renames:
                if _under(rel, r.source):
                    if r.source.endswith("/") and any(p.startswith(r.source) for p in pinned):
                        _refuse(plan, refused, r, rel, HELD)
                        break  # falls back to the term rename, which keeps the held folders
                    target = r.target + rel[len(r.source):] if r.source.endswith("/") else r.target
                    break
        if target is None:
            if rel not in named:
                continue
            parts = rel.split("/")
            target = "/".join(seg if i < len(parts) - 1 and "/".join(parts[:i + 1]) in held else engine.rewrite(seg)
                              for i, seg in enumerate(parts))
        if target != rel and recipe.allow_for_file(rel) is None:
            proposed[rel] = target
    # conflicts: onto an existing file that stays, onto an existing folder, or two sources onto one target
    if proposed:
        existing = set(files)
        folders = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}
        staying = existing - set(plan.deletes) - set(proposed)
    seen: dict[str, str] = {}
    for rel, target in sorted(proposed.items()):
        reason = None
        if target in staying:
            reason = f"target '{target}' already exists"
        elif target in folders and target not in proposed:
            reason = f"target '{target}' is an existing folder"
        elif target in seen:
            reason = f"'{seen[target]}' moves to the same target '{target}'"
        if reason:
            plan.findings.append(Finding(rel, 0, 0, rel, "path", target, "conflict",
                                         f"rename conflict: {reason}; resolve it with an explicit recipe entry"))
            continue
        seen[target] = rel
        plan.moves[rel] = target
    plan.findings.extend(_path_findings([f for f in files_looked if f in named], recipe, engine, plan, history))
    return plan


def _refuse(plan: PathPlan, refused: set[str], r, rel: str, why: str) -> None:
    """One conflict per recipe rename entry that would move released history."""
    if r.source in refused:
        return
    refused.add(r.source)
    plan.findings.append(Finding(r.source, 0, 0, r.source, "path", r.target, "conflict",
                                 f"rename conflict: '{r.source}' -> '{r.target}' would move {rel} ({why}); not "
                                 "renamed; remove it from history ('history: remove:') to move it"))


def _path_findings(files: list[str], recipe: Recipe, engine: TermEngine, plan: PathPlan,
                   history: History = NO_HISTORY) -> list[Finding]:
    """One finding per path segment (folder or file name) that still carries a term."""
    out: list[Finding] = []
    seen: set[str] = set()
    for rel in files:  # only paths that may hold a term (plan_paths passes those)
        parts = rel.split("/")
        for i, seg in enumerate(parts):
            prefix = "/".join(parts[: i + 1])
            if prefix in seen:
                continue
            seen.add(prefix)
            if not engine.find(seg):
                continue
            is_file = i == len(parts) - 1
            shown = prefix if is_file else prefix + "/"
            new_seg = engine.rewrite(seg)
            f = Finding(rel if is_file else shown, 0, 0, seg, "path", new_seg, "term",
                        f"{'file' if is_file else 'folder'} name '{shown}' carries the term")
            allow = recipe.allow_for(shown, seg, "path")
            kept = history.pinned.get(rel) if is_file else HELD if prefix in history.held else None
            if allow is not None or kept is not None:
                plan.allowed.append(Finding(**{**f.__dict__, "allowed_by": allow.reason if allow is not None else kept}))
            else:
                out.append(f)
    return out


def explicit_moves(recipe, moves: dict[str, str]) -> frozenset[str]:
    """The moving files an explicit recipe rename names (they never count as conflicts)."""
    out = set()
    for r in recipe.renames:
        for rel in moves:
            if rel.startswith(r.source) if r.source.endswith("/") else rel == r.source:
                out.add(rel)
    return frozenset(out)
