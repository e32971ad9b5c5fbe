"""Path-level changes: recipe deletions, explicit renames, term renames, conflicts."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from runsmig.findings import Finding
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


def plan_paths(files: list[str], recipe: Recipe, engine: TermEngine) -> PathPlan:
    """Deletes, explicit renames, term renames and their conflicts. Only the paths a recipe entry
    names or whose names may hold a term are looked at (one regex search over them all)."""
    plan = PathPlan()
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
                    plan.deletes[rel] = d.reason
                    break
    proposed: dict[str, str] = {}
    for rel in files_looked:
        if rel in plan.deletes:
            continue
        target = None
        if rel in renamed:
            for r in recipe.renames:
                if _under(rel, r.source):
                    target = r.target + rel[len(r.source):] if r.source.endswith("/") else r.target
                    break
        if target is None:
            if rel not in named:
                continue
            target = "/".join(engine.rewrite(seg) for seg in rel.split("/"))
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
    plan.findings.extend(_path_findings([f for f in files_looked if f in named], recipe, engine, plan))
    return plan


def _path_findings(files: list[str], recipe: Recipe, engine: TermEngine, plan: PathPlan) -> list[Finding]:
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
            if allow is not None:
                plan.allowed.append(Finding(**{**f.__dict__, "allowed_by": allow.reason}))
            else:
                out.append(f)
    return out
