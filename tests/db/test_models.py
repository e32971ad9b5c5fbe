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


def _apply_edits(text: str, edits) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_model_edits_make_the_model_match_the_upgraded_schema(project, recipe, db_url):
    """The code edit (transform ade_api_run_model_columns) on the mini models: autogenerate finds
    no difference after 'alembic upgrade head'; a second edit changes nothing."""
    from runsmig.db import model_edits

    models = project / "mini_app" / "models.py"
    before = models.read_text()
    edited = _apply_edits(before, model_edits(project, recipe, before))
    assert "    retry_of_run_id: Mapped[str | None] = mapped_column(String(40), nullable=True)\n" in edited
    assert '        Index("runs_retry_of_idx", "retry_of_run_id"),\n' in edited
    assert model_edits(project, recipe, edited) == []  # idempotent
    compile(edited, "models.py", "exec")
    models.write_text(edited)
    upgrade(project, db_url, PRE_HEAD)
    write_files(project, plan_revisions(project, recipe))
    upgrade(project, db_url)
    metadata = _models_after(project, "")  # the edited model, Job removed
    eng = sa.create_engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    eng.dispose()
    assert diff == []
    assert model_edits(project, recipe, edited) == []  # after the revisions: no jobs table, nothing to do


def test_model_edits_add_missing_imports_and_table_args():
    from runsmig.db.carry import AddedColumn, CarryPlan, NewIndex
    from runsmig.db.model_edit import model_edits
    from runsmig.db.spec import DatabaseSpec

    plan = CarryPlan(
        spec=DatabaseSpec(), head="h", source=None, target=None, source_pk="id", target_pk="id", carries=(),
        added=(AddedColumn("attempt", "attempt", sa.Integer(), False, "1"),
               AddedColumn("input_documents", "input_documents", sa.JSON(), True, None)),
        indexes=(NewIndex("runs_attempt_idx", ("attempt",), False),), foreign_keys=(), lookups=(), not_carried=(),
        source_indexes=(), target_enum_types=(), source_enum_names=(),
    )
    src = (
        "from __future__ import annotations\n\nfrom datetime import datetime\n\n"
        "from sqlalchemy import String\nfrom sqlalchemy.orm import Mapped, mapped_column\n\n\n"
        "class Run(Base):\n    __tablename__ = \"runs\"\n\n"
        "    id: Mapped[str] = mapped_column(String(40), primary_key=True)\n"
    )
    out = _apply_edits(src, model_edits(src, plan))
    assert out == (
        "from __future__ import annotations\n\nfrom datetime import datetime\nfrom typing import Any\n\n"
        "from sqlalchemy import JSON, Index, Integer, String, text\nfrom sqlalchemy.orm import Mapped, mapped_column\n\n\n"
        "class Run(Base):\n    __tablename__ = \"runs\"\n\n"
        "    id: Mapped[str] = mapped_column(String(40), primary_key=True)\n"
        "    attempt: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text(\"1\"))\n"
        "    input_documents: Mapped[Any | None] = mapped_column(JSON, nullable=True)\n"
        "\n    __table_args__ = (\n        Index(\"runs_attempt_idx\", \"attempt\"),\n    )\n"
    )
    assert model_edits(out, plan) == []
    compile(out, "m.py", "exec")


def test_long_arguments_are_laid_out_one_level_in_and_stay_valid_python():
    import ast

    from runsmig.db.model_edit import LINE, _layout

    fk = 'ForeignKey("configurations.config_id", ondelete="CASCADE", name="runs_config_version_id_fkey, x")'
    text = _layout("config_version_id: Mapped[str | None] = ", ["String(26)", fk, "nullable=True"], "    ", "mapped_column")
    assert all(len(line) <= LINE for line in text.splitlines())
    assert '            "configurations.config_id", ondelete="CASCADE", name="runs_config_version_id_fkey, x"\n' in text
    call = ast.parse(text.strip()).body[0].value
    assert [ast.unparse(a) for a in call.args][1] == fk.replace('"', "'")
    short = _layout("attempt: Mapped[int] = ", ["Integer", "nullable=False"], "    ", "mapped_column")
    assert short == "    attempt: Mapped[int] = mapped_column(Integer, nullable=False)\n"
