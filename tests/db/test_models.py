"""The rendered Run declarations make the models match the upgraded database (autogenerate: no diff)."""

from __future__ import annotations

import sys
import types
import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from runsmig.db import model_declarations, plan_revisions

from .conftest import PRE_HEAD, seed, upgrade, write_files


def _models_after(project, decl: str):
    src = (project / "mini_app" / "models.py").read_text()
    start = src.index("\n# <job-model>\n")
    end = src.index("\n# </job-model>\n") + len("\n# </job-model>\n")
    src = src[:start] + src[end:]
    body = [ln for ln in decl.splitlines() if ln.startswith("    ") and not ln.startswith("        ")]
    idx = [ln for ln in decl.splitlines() if ln.startswith("        ")]
    assert "    # <run-columns>\n" in src and "        # <run-indexes>\n" in src
    src = src.replace("    # <run-columns>\n", "\n".join(body) + "\n")
    src = src.replace("        # <run-indexes>\n", "\n".join(idx) + "\n")
    name = f"mini_models_after_{uuid.uuid4().hex}"
    mod = types.ModuleType(name)
    sys.modules[name] = mod  # SQLAlchemy resolves string annotations through the module
    try:
        exec(compile(src, f"{name}.py", "exec"), mod.__dict__)
    finally:
        sys.modules.pop(name, None)
    return mod.metadata


def test_rendered_model_declarations_match_the_upgraded_schema(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    decl = model_declarations(project, recipe)
    assert "retry_of_run_id: Mapped[str | None]" in decl
    assert "delete class Job" in decl
    write_files(project, plan_revisions(project, recipe))
    upgrade(project, db_url)
    metadata = _models_after(project, decl)
    eng = sa.create_engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    eng.dispose()
    assert diff == []


def test_without_declarations_autogenerate_sees_the_difference(project, recipe, tmp_path):
    """Guard against a vacuous comparison: the unchanged Run model does differ."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(project, url, PRE_HEAD)
    write_files(project, plan_revisions(project, recipe))
    upgrade(project, url)
    metadata = _models_after(project, "")
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    eng.dispose()
    removed = {d[3].name for d in diff if isinstance(d, tuple) and d[0] == "remove_column"}
    assert "retry_of_run_id" in removed and "attempt" in removed
