"""The plan/apply summary table (stderr)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from runsmig.console import err
from runsmig.findings import PAYLOAD_KEY

if TYPE_CHECKING:
    from runsmig.plan import Plan


def print_summary(p: Plan, verb: str = "would change") -> None:
    from rich.table import Table

    counts = Counter(c.action for c in p.changes)
    if not p.changes:  # nothing to write: the title says so (plan after apply)
        verb = "nothing to change" if verb == "would change" else "nothing changed"
    table = Table(title=f"runsmig: {verb}", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("files", justify="right")
    for action in ("modify", "rename", "delete", "create"):
        table.add_row(action, str(counts.get(action, 0)))
    if p.result is not None:
        r = p.result
        table.add_row("unchanged", str(len(r.unread) + len([o for o in r.looked if o.status == "unchanged" and not o.moved])))
        table.add_row("skipped", str(len(r.by_status("skipped")) + len(r.skipped)))
        table.add_row("failed", str(len(r.by_status("failed"))))
        table.add_row("follow-ups", str(len(p.follow_ups())))
        table.add_row("external (kept)", str(len(p.externals())))
        table.add_row("identifiers in strings", str(len(p.identifiers())))
        if p.stored() or p.derived_kept:
            table.add_row("stored names (kept)", str(len(p.stored()) + len(p.derived_kept)))
        if p.migrated:
            table.add_row("stored names migrated", str(len(p.migrated)))
        table.add_row("history (kept as released)", str(len(p.history())))
    if p.public:
        table.add_row("public names renamed", str(len(p.public)))
        table.add_row("aliases kept (deprecated)", str(sum(1 for a in p.public if a.aliased)))
    err.print(table)
    for path, reason, line in p.failures():
        err.print(f"failed: {path}:{line or 1}: {reason} (left untouched)", markup=False)
    for f, more in _grouped(p.follow_ups()):
        loc = f"{f.path}:{f.line}:{f.col}" if f.line else f.path
        if more:
            loc += f" (+{more} more in this file)"
        err.print(f"{f.rule}: {loc}: {f.describe()}", markup=False)
    _identifiers(p)
    _stored(p)
    _migrated(p)
    _public(p)
    for note in p.notes:
        err.print(f"note: {note}", markup=False)


def _grouped(findings: list) -> list[tuple]:
    """(first finding, how many more) of each run of findings of one file that say the same (a
    schema dump's or an unparsed file's every term: one line, not hundreds)."""
    out: list[list] = []
    for f in findings:
        if out and out[-1][0].path == f.path and out[-1][0].rule == f.rule and out[-1][0].describe() == f.describe():
            out[-1][1] += 1
        else:
            out.append([f, 0])
    return [(f, n) for f, n in out]


def _identifiers(p: Plan) -> None:
    """Identifier-like string literals the plan renames, grouped by old -> new (first place shown):
    key prefixes, field, env var and option names that data and deployments may depend on."""
    groups: dict[tuple[str, str], list] = {}
    for f in p.identifiers():
        groups.setdefault((f.literal, f.literal_replacement), []).append(f)
    if not groups:
        return
    err.print(f"identifiers in strings ({len(p.identifiers())} literals, {len(groups)} distinct): stored data, "
              "deployments and clients may depend on these; keep one with a recipe 'literals:' entry",
              markup=False)
    for (old, new), fs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        more = f" (+{len(fs) - 1} more)" if len(fs) > 1 else ""
        err.print(f"  {fs[0].path}:{fs[0].line}: {_short(old)} -> {_short(new)}{more}", markup=False)


def _stored(p: Plan) -> None:
    """Stored names kept (``stored: keep``), grouped by kind and name (first place shown)."""
    groups: dict[tuple[str, str], list] = {}
    for f in p.stored():
        # a namespaced key is listed whole ('rq:job:'), a name by its word
        name = f.literal.strip("'\"`") if f.stored == "key prefix" and f.literal else f.word or f.text
        groups.setdefault((f.stored, name), []).append(f)
    if not groups and not p.derived_kept:
        return
    why = ("the database, listeners and stored data know these names; the code keeps using them (recipe 'stored: "
           "keep')")
    if p.recipe is not None and _action(p.recipe) != "keep":  # only values rows hold (orm_values) are kept
        why = ("rows of the database hold these values (a queryset stores or looks rows up by them): kept as "
               "written, a migration reaches neither every row nor a lock or cache key built from them")
    elif all(", as of " in (f.stored or "") for f in p.stored()) and not p.derived_kept:
        why = ("SQL that runs against the schema before the new migration (code running the history up to a "
               "fixed migration) keeps the names that schema has")
    err.print(f"stored names kept ({len(p.stored()) + len(p.derived_kept)} occurrences, "
              f"{len(groups) + len(p.derived_kept)} distinct): {why}", markup=False)
    for (kind, name), fs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1].lower())):
        more = f" (+{len(fs) - 1} more)" if len(fs) > 1 else ""
        how = " (written out)" if not fs[0].allowed_by and kind != PAYLOAD_KEY else ""
        kind, _, as_of = kind.partition(", as of ")
        as_of = f" (the schema as of {as_of})" if as_of else ""
        err.print(f"  {kind} {_short(name)}{as_of}: {fs[0].path}:{fs[0].line}{how}{more}", markup=False)
    for kind, name, table, path in p.derived_kept:
        err.print(f"  {kind} {_short(name)} (of {table}; derived from it, kept with it): {path}", markup=False)


def _action(recipe) -> str:
    from runsmig.recipe.sections.stored import stored_of

    return stored_of(recipe).action


def _migrated(p: Plan) -> None:
    """Stored names the plan's new migration files rename (``stored: migrate``), by kind; a stored value
    rows hold (a task name) names the column whose rows carry it (``table.column``)."""
    from runsmig.migration.values import WORDS as VALUE_KINDS

    if not p.migrated:
        return
    counts = Counter(kind for kind, *_ in p.migrated)
    err.print(f"stored names migrated ({len(p.migrated)}: "
              + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + "): renamed with the code and by the "
              "new migration (recipe 'stored: migrate')", markup=False)
    for kind, old, new, table, path in p.migrated:
        where = f" (in {table})" if kind in ("channel", "value", "parameter") else f" (of {table})" if table and kind in (
            "column", "constraint", "enum value", "attribute", "trigger") else f" (rows of {table})" if table and kind in (
            VALUE_KINDS) else ""
        err.print(f"  {kind} {old} -> {new}{where}: {path}", markup=False)


def _short(text: str, most: int = 120) -> str:
    """A literal as one line of at most ``most`` characters: a long one is never printed whole."""
    one = text.replace("\n", "\\n")
    return one if len(one) <= most else f"{one[:most - 30]}…{one[-20:]} ({len(text):,} characters)"


def _public(p: Plan) -> None:
    """The public names the plan renames (runsmig.compat), each with the alias it keeps."""
    if not p.public:
        return
    kept = sum(1 for a in p.public if a.aliased)
    err.print(f"public names renamed ({len(p.public)}; {kept} kept as deprecated aliases):", markup=False)
    for a in p.public:
        how = (f"alias in {a.where}, removed in {a.removed_in}" if a.aliased
               else f"no alias{': ' + a.why if a.why else ''}")
        err.print(f"  {a.kind} {a.old} -> {a.new} ({how})", markup=False)
