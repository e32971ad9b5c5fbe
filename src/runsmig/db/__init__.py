"""Database migration: Alembic revisions that extend runs, carry job history into runs and drop jobs.

Entry points:

* :func:`plan_revisions` - the revision files to create (``NewFile``), for the planner and
  ``runsmig db revisions``; [] when the checkout has no Alembic environment, no jobs table at the
  head, or the revisions already exist (detected by their ``RUNSMIG_REVISION`` marker).
* :func:`model_declarations` - the column/index declarations the ``Run`` model must gain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.db.spec import HISTORY_CHOICES, DatabaseSpec
from runsmig.errors import UsageError


@dataclass(frozen=True)
class NewFile:
    """A file the planner should create: checkout-relative '/'-separated path, full content,
    and summary lines for the plan (columns added, renamed, not carried and why)."""

    path: str
    content: str
    notes: list[str] = field(default_factory=list, compare=False, hash=False)


STEPS = ("runs-extend", "runs-history")
_MARKER_RE = re.compile(r'^RUNSMIG_REVISION\s*=\s*["\']runsmig:([a-z-]+):', re.M)


def database_spec(recipe: Any) -> DatabaseSpec | None:
    sections = getattr(recipe, "sections", None) or {}
    spec = sections.get("database")
    return spec if isinstance(spec, DatabaseSpec) else None


def existing_markers(versions: Path) -> set[str]:
    found: set[str] = set()
    if not versions.is_dir():
        return found
    for path in sorted(versions.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found.update(_MARKER_RE.findall(text))
    return found


def _rev_ids(script: Any, head: str, spec: DatabaseSpec) -> tuple[str, str]:
    """ADE-style numbered ids (``0007_runs_extend``) after a numbered head, else fingerprinted ids."""
    m = re.match(r"^(\d+)_", head)
    fp = spec.fingerprint()
    if m:
        width, n = len(m.group(1)), int(m.group(1))
        ids = (f"{n + 1:0{width}d}_runs_extend", f"{n + 2:0{width}d}_runs_history")
    else:
        ids = (f"runs_extend_{fp}", f"runs_history_{fp}")
    for rid in ids:
        try:
            taken = script.get_revision(rid) is not None
        except Exception:
            taken = False
        if taken:
            return (f"runs_extend_{fp}", f"runs_history_{fp}")
    return ids


def _prepare(checkout_root: Path, recipe: Any, head: str | None, jobs_history: str | None, ini: str | None,
             progress=None):
    """``progress(done, total)``: revisions replayed, then (for stored values) files analyzed."""
    from runsmig.db.discover import resolve_head, select_environment

    spec = database_spec(recipe)
    if spec is None:
        return None
    if jobs_history is not None and jobs_history not in HISTORY_CHOICES:
        raise UsageError(f"--jobs-history must be one of: {', '.join(HISTORY_CHOICES)}")
    spec = spec.with_history(jobs_history)
    root = Path(checkout_root).resolve()
    env = select_environment(root, ini or spec.env)
    if env is None:  # no Alembic environment: Alembic and SQLAlchemy are never imported
        return None
    from runsmig.db.carry import build_plan
    from runsmig.db.schema import replay_schema

    script = env.script()
    head_rev = resolve_head(script, head, env.ini_rel)

    def make_plan(result: Any = None, stored: bool = True):
        schema = replay_schema(script, head_rev, dict(spec.naming_convention), progress=progress)
        plan = build_plan(schema, spec)
        if plan is None or not spec.stored_values or not stored:
            return plan
        from dataclasses import replace

        from runsmig.db.stored import build_stored

        if result is None:  # standalone (runsmig db revisions): the literals the plan would rewrite
            from runsmig.runner import run

            result = run(root, recipe, progress=progress)
        return replace(plan, stored=build_stored(schema, spec.stored_values, result.outcomes))

    return spec, env, script, head_rev, make_plan


def plan_revisions(
    checkout_root: Path,
    recipe: Any,
    head: str | None = None,
    jobs_history: str | None = "migrate",
    *,
    ini: str | None = None,
    result: Any = None,
    progress=None,
) -> list[NewFile]:
    """The two revision files to add to the checkout, or [] when there is nothing to do.

    ``jobs_history`` (``migrate`` | ``discard``) overrides the recipe's ``jobs_history``; pass
    None to take the recipe's value. ``result`` is the plan's ``RunResult`` (the stored values
    are the literals it rewrites); without it the plan is computed when the recipe has
    ``stored_values``. Output is deterministic (plan == apply).
    """
    prepared = _prepare(checkout_root, recipe, head, jobs_history, ini, progress)
    if prepared is None:
        return []
    from runsmig.db.render import MARKER, extend_revision, history_revision, render_file

    spec, env, script, head_rev, make_plan = prepared
    if existing_markers(env.versions) & set(STEPS):
        return []
    plan = make_plan(result)
    if plan is None:
        return []
    ext_id, hist_id = _rev_ids(script, head_rev, spec)
    fp = spec.fingerprint()
    ext = extend_revision(plan, ext_id, head_rev, f"runsmig:{STEPS[0]}:{fp}")
    hist = history_revision(plan, hist_id, ext_id, f"runsmig:{STEPS[1]}:{fp}", ext_id)
    assert MARKER
    folder = env.rel(env.versions)
    notes = plan.notes()
    return [
        NewFile(f"{folder}/{ext_id}.py", render_file(env.template, ext), notes),
        NewFile(
            f"{folder}/{hist_id}.py",
            render_file(env.template, hist),
            [f"{hist_id}: {spec.source_table} history {'carried into ' + spec.target_table if spec.history == 'migrate' else 'discarded'}, then {spec.source_table} dropped; downgrade fails with a message"],
        ),
    ]


def carry_plan(checkout_root: Path, recipe: Any, head: str | None = None, *, ini: str | None = None):
    """The carry plan (without stored values), or None when there is nothing to migrate."""
    prepared = _prepare(checkout_root, recipe, head, None, ini)
    return None if prepared is None else prepared[4](stored=False)


def model_edits(checkout_root: Path, recipe: Any, text: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, text) that make the model source ``text`` declare what the revisions
    add to the target table; [] when nothing is to do (see :mod:`runsmig.db.model_edit`)."""
    from runsmig.db.model_edit import model_edits as _edits

    plan = carry_plan(checkout_root, recipe)
    return [] if plan is None else _edits(text, plan)


def model_declarations(checkout_root: Path, recipe: Any, head: str | None = None, *, ini: str | None = None,
                       progress=None) -> str:
    """The declarations the ``Run`` model must gain (text), '' when there is nothing to do."""
    from runsmig.db.models import render_model_declarations

    prepared = _prepare(checkout_root, recipe, head, None, ini, progress)
    if prepared is None:
        return ""
    plan = prepared[4](stored=False)  # the model needs no stored values
    return "" if plan is None else render_model_declarations(plan)


__all__ = ["NewFile", "carry_plan", "database_spec", "model_declarations", "model_edits", "plan_revisions"]
