"""Under ``stored: keep``, the constraints, indexes and sequences of the released SQL history that no
analysed file spells: the names PostgreSQL gave to objects made without a name (``jobs_pkey``,
``steps_job_id_fkey``, ``jobs_id_seq``) and names only history files write (history is kept, not
read for occurrences). No occurrence lists them, yet the database has them and keeps them. ``plan`` notes them, so its
listing covers every stored name that holds the term (issue #21)."""

from __future__ import annotations

from pathlib import Path


def implicit_notes(root: Path, recipe, history, listed: set[str]) -> list[str]:
    from runsmig.migration.sqlfolder import SQL_KINDS, steps, up_text
    from runsmig.recipe.sections.stored import stored_of
    from runsmig.sql.catalog import replay
    from runsmig.terms import TermEngine

    folders: dict[tuple[str, str], list[str]] = {}
    for rel, kind in history.kinds.items():
        if kind in SQL_KINDS:
            folders.setdefault((rel.rsplit("/", 1)[0] if "/" in rel else "", kind), []).append(rel)
    if not folders:
        return []
    engine = TermEngine.from_recipe(recipe)
    out = []
    for (folder, kind), rels in sorted(folders.items()):
        ups = [s for s in steps(rels, kind) if s.up]
        texts = [(s.rel, up_text((root / s.rel).read_text(encoding="utf-8", errors="replace"))) for s in ups]
        cat = replay(texts, stored_of(recipe).dialect)
        found = sorted({(o.kind, o.name, o.where) for o in cat.objects
                        if o.kind in ("constraint", "index", "sequence") and o.name not in listed
                        and engine.find(o.name)})
        if found:
            names = ", ".join(f"{k} {n} ({w.rsplit('/', 1)[-1]})" for k, n, w in found)
            out.append(f"{folder or '.'}: stored: kept, named by PostgreSQL or spelled only in the released history (listed nowhere else): {names}")
    return out
