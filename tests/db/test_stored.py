"""Stored values (``stored_values:``): identifiers the application keeps in its database that the
code migration renames - the mini project's permission keys, shaped like ADE's RBAC tables.

After ``alembic upgrade head`` the database must hold exactly the names the migrated code uses,
so that the application's startup sync (which deletes permission rows its registry no longer
defines, cascading into role_permissions) leaves custom roles their permissions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from runsmig.db import plan_revisions
from runsmig.db.stored import rewritten_literals
from runsmig.errors import RefusedError
from runsmig.recipe import load_recipe

from .conftest import PRE_HEAD, rows, seed, upgrade, write_files, write_recipe

PERMISSIONS = [
    {"id": "p_read", "key": "Workspace.Read", "label": "Read workspace"},
    {"id": "p_jobs_r", "key": "Workspace.Jobs.Read", "label": "Read jobs"},
    {"id": "p_jobs_rw", "key": "Workspace.Jobs.ReadWrite", "label": "Submit jobs"},
    # an instance of the new code already started once: its sync created the new key next to the old
    {"id": "p_runs_r", "key": "Workspace.Runs.Read", "label": "Read runs"},
]
ROLES = [{"id": "r_custom", "slug": "custom-auditor"}, {"id": "r_both", "slug": "custom-both"}]
ROLE_PERMISSIONS = [
    {"id": "rp1", "role_id": "r_custom", "permission_id": "p_read"},
    {"id": "rp2", "role_id": "r_custom", "permission_id": "p_jobs_r"},
    {"id": "rp3", "role_id": "r_custom", "permission_id": "p_jobs_rw"},
    {"id": "rp4", "role_id": "r_both", "permission_id": "p_jobs_r"},  # has old and new: one must go
    {"id": "rp5", "role_id": "r_both", "permission_id": "p_runs_r"},
]


def _seed_rbac(url: str) -> None:
    eng = sa.create_engine(url)
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        conn.execute(md.tables["permissions"].insert(), PERMISSIONS)
        conn.execute(md.tables["roles"].insert(), ROLES)
        conn.execute(md.tables["role_permissions"].insert(), ROLE_PERMISSIONS)
    eng.dispose()


def _registry_keys(project: Path) -> list[str]:
    """The keys of the (migrated) registry, read from its source like the application imports it."""
    tree = ast.parse((project / "mini_app" / "permissions.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PERMISSIONS":
            return [ast.literal_eval(elt)[0] for elt in node.value.elts]
    raise AssertionError("no PERMISSIONS")


def _startup_sync(url: str, keys: list[str]) -> None:
    """What ADE's sync_permission_registry does at startup: add missing keys, delete the others
    (the ON DELETE CASCADE into role_permissions made explicit: SQLite enforces none here)."""
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        have = {r[0] for r in conn.execute(sa.text("SELECT key FROM permissions"))}
        for i, key in enumerate(k for k in keys if k not in have):
            conn.execute(sa.text("INSERT INTO permissions (id, key, label) VALUES (:i, :k, :k)"), {"i": f"new{i}", "k": key})
        obsolete = sorted(have - set(keys))
        if obsolete:
            params = {f"k{i}": k for i, k in enumerate(obsolete)}
            where = ", ".join(f":k{i}" for i in range(len(obsolete)))
            conn.execute(sa.text(f"DELETE FROM role_permissions WHERE permission_id IN (SELECT id FROM permissions WHERE key IN ({where}))"), params)
            conn.execute(sa.text(f"DELETE FROM permissions WHERE key IN ({where})"), params)
    eng.dispose()


def _role_keys(url: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows(url, "SELECT rp.role_id, p.key FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id ORDER BY rp.role_id, p.key"):
        out.setdefault(r["role_id"], []).append(r["key"])
    return out


def _apply_code_plan(project: Path, recipe) -> None:
    """Write the migrated registry, as 'runsmig apply' would (only the file the test reads)."""
    from runsmig.runner import run

    for o in run(project, recipe, workers=1).outcomes:
        if o.rel == "mini_app/permissions.py":
            assert o.status == "changed"
            (project / o.rel).write_bytes(o.new)


def test_permission_keys_follow_the_code_and_custom_roles_survive_the_startup_sync(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    _seed_rbac(db_url)
    files = plan_revisions(project, recipe)
    text = files[1].content
    assert '("Workspace.Jobs.Read", "Workspace.Runs.Read")' in text
    assert '("Workspace.Jobs.ReadWrite", "Workspace.Runs.ReadWrite")' in text
    assert '"Read jobs"' not in text  # labels do not match the recipe's 'match'
    assert any("stored values permissions.key" in n for n in files[0].notes)
    write_files(project, files)
    upgrade(project, db_url)

    perms = {r["key"]: r["id"] for r in rows(db_url, "SELECT id, key FROM permissions")}
    # renamed in place (ids kept); the old row of a key that already existed is gone, no duplicate
    assert perms == {"Workspace.Read": "p_read", "Workspace.Runs.Read": "p_runs_r", "Workspace.Runs.ReadWrite": "p_jobs_rw"}
    assert _role_keys(db_url) == {
        "r_custom": ["Workspace.Read", "Workspace.Runs.Read", "Workspace.Runs.ReadWrite"],
        "r_both": ["Workspace.Runs.Read"],
    }
    assert len(rows(db_url, "SELECT * FROM role_permissions")) == 4
    assert not rows(db_url, "SELECT * FROM role_permissions WHERE permission_id NOT IN (SELECT id FROM permissions)")
    assert "runsmig_value_map" not in sa.inspect(sa.create_engine(db_url)).get_table_names()

    # the migrated code starts: its sync finds every key it defines and deletes nothing a role uses
    _apply_code_plan(project, recipe)
    keys = _registry_keys(project)
    assert "Workspace.Runs.Read" in keys and not any(".Jobs." in k for k in keys)
    before = _role_keys(db_url)
    _startup_sync(db_url, keys)
    assert _role_keys(db_url) == before


def test_without_stored_values_the_startup_sync_strips_custom_roles(project, tmp_path):
    """Guard: the test above is not vacuous - without the renames, the same sync removes the run
    permissions of the custom role."""
    url = f"sqlite:///{tmp_path / 'guard.db'}"
    upgrade(project, url, "head")
    _seed_rbac(url)
    folder = tmp_path / "r"
    folder.mkdir()
    recipe = load_recipe(write_recipe(folder))
    _apply_code_plan(project, recipe)
    _startup_sync(url, _registry_keys(project))
    assert _role_keys(url)["r_custom"] == ["Workspace.Read"]


def test_rewritten_literals_align_in_source_order():
    old = 'X = ("Workspace.Jobs.Read", "keep")\ndef f():\n    """Doc about jobs."""\n    return {"a": f"job {1}", "b": "Jobs.X"}\n'
    new = 'X = ("Workspace.Runs.Read", "keep")\ndef f():\n    """Doc about runs."""\n    return {"a": f"run {1}", "b": "Runs.X"}\n'
    assert rewritten_literals(old, new) == [
        ("Workspace.Jobs.Read", "Workspace.Runs.Read"), ("Doc about jobs.", "Doc about runs."), ("Jobs.X", "Runs.X"),
    ]
    # a literal the plan removed or added is not paired with a neighbour
    assert rewritten_literals('A = "a"\nB = "Jobs.Old"\nC = "c"\n', 'A = "a"\nC = "c"\n') == []


class _Outcome:
    def __init__(self, rel, old, new, status="changed"):
        self.rel, self.old, self.new, self.status = rel, old.encode(), new.encode(), status


def test_pairs_come_only_from_the_named_files_and_conflicts_are_refused():
    from runsmig.db.spec import StoredValues
    from runsmig.db.stored import literal_pairs

    entry = StoredValues("permissions", "key", ("app/registry.py",), r"[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)+")
    other = _Outcome("app/other.py", 'K = "Jobs.Other"\n', 'K = "Runs.Other"\n')
    reg = _Outcome("app/registry.py", 'A = "Jobs.A"\nL = "Read jobs"\n', 'A = "Runs.A"\nL = "Read runs"\n')
    assert literal_pairs(entry, [other, reg]) == ([("Jobs.A", "Runs.A")], ["app/registry.py"])
    deleted = _Outcome("app/registry.py", 'A = "Jobs.A"\n', "", status="deleted")
    assert literal_pairs(entry, [deleted]) == ([], ["app/registry.py"])
    # a key the plan removes is reported, not renamed
    from runsmig.db.stored import vanished_literals

    gone = _Outcome("app/registry.py", 'A = "Jobs.A"\nB = "Jobs.Gone"\nC = "c"\n', 'A = "Runs.A"\nC = "c"\n')
    pairs, _ = literal_pairs(entry, [gone])
    assert pairs == [] and vanished_literals(entry, [gone], pairs) == ["Jobs.A", "Jobs.Gone"]
    assert vanished_literals(entry, [reg], [("Jobs.A", "Runs.A")]) == []
    with pytest.raises(RefusedError, match="several values become 'Runs.A'"):
        literal_pairs(entry, [_Outcome("app/registry.py", 'A = "Jobs.A"\nB = "Job.A"\n', 'A = "Runs.A"\nB = "Runs.A"\n')])
    with pytest.raises(RefusedError, match="both renamed and a new name"):
        literal_pairs(entry, [_Outcome("app/registry.py", 'A = "Jobs.A"\nK = "K"\nB = "Runs.A"\n',
                                             'A = "Runs.A"\nK = "K"\nB = "Tasks.A"\n')])
    with pytest.raises(RefusedError, match="becomes both"):
        literal_pairs(entry, [_Outcome("app/registry.py", 'A = "Jobs.A"\nB = "Jobs.A"\n', 'A = "Runs.A"\nB = "Tasks.A"\n')])


def test_stored_values_are_renamed_when_job_history_is_discarded_too(project, recipe, tmp_path):
    url = f"sqlite:///{tmp_path / 'discard.db'}"
    upgrade(project, url, PRE_HEAD)
    seed(url)
    _seed_rbac(url)
    files = plan_revisions(project, recipe, jobs_history="discard")
    assert "STORED_0_VALUES" in files[1].content and "runsmig_carry_map" not in files[1].content
    write_files(project, files)
    upgrade(project, url)
    assert _role_keys(url)["r_custom"] == ["Workspace.Read", "Workspace.Runs.Read", "Workspace.Runs.ReadWrite"]
    assert not rows(url, "SELECT * FROM runs WHERE id LIKE 'J%'")  # no job became a run
