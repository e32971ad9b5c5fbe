"""Environment discovery, heads, template rendering, determinism, idempotence, recipe section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from runsmig.db import plan_revisions
from runsmig.errors import RecipeError, RefusedError, UsageError
from runsmig.recipe import load_recipe

from .conftest import PRE_HEAD, rows, seed, upgrade, write_files, write_recipe

BRANCH = '''"""A side branch."""
from alembic import op
import sqlalchemy as sa

revision = "0004b_side"
down_revision = "0003_run_inputs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("side", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("side")
'''


def test_no_alembic_environment_plans_nothing(tmp_path, recipe):
    (tmp_path / "src").mkdir()
    assert plan_revisions(tmp_path, recipe) == []


def test_several_environments_is_a_usage_error(project, recipe):
    shutil.copytree(project / "migrations", project / "other" / "migrations")
    shutil.copy(project / "alembic.ini", project / "other" / "alembic.ini")
    with pytest.raises(UsageError, match="several Alembic environments"):
        plan_revisions(project, recipe)
    files = plan_revisions(project, recipe, ini="other/alembic.ini")
    assert files[0].path == "other/migrations/versions/0005_runs_extend.py"


def test_several_heads_refused_unless_head_given(project, recipe):
    (project / "migrations" / "versions" / "0004b_side.py").write_text(BRANCH)
    with pytest.raises(RefusedError, match="several heads: 0004_jobs_config_fk, 0004b_side") as exc:
        plan_revisions(project, recipe)
    assert "--head" in exc.value.hint
    files = plan_revisions(project, recipe, head="0004_jobs_config_fk")
    assert 'down_revision = "0004_jobs_config_fk"' in files[0].content
    with pytest.raises(UsageError, match="no such revision|Can't locate"):
        plan_revisions(project, recipe, head="nope")


def test_output_is_deterministic_and_chains(project, recipe):
    a = plan_revisions(project, recipe)
    b = plan_revisions(project, recipe)
    assert a == b and [f.content for f in a] == [f.content for f in b]
    ext, hist = a
    assert 'revision = "0005_runs_extend"' in ext.content and 'down_revision = "0004_jobs_config_fk"' in ext.content
    assert 'revision = "0006_runs_history"' in hist.content and 'down_revision = "0005_runs_extend"' in hist.content
    # rendered through the project's template: its header lines are kept
    assert ext.content.startswith('"""Extend runs') and "from alembic import op\nimport sqlalchemy as sa\n" in ext.content
    compile(ext.content, ext.path, "exec")
    compile(hist.content, hist.path, "exec")
    notes = "\n".join(ext.notes)
    assert "not carried: jobs.input_hash:" in notes and "not carried: jobs.queued_at:" in notes
    assert "retry_of_job_id -> retry_of_run_id" in notes


def test_standard_alembic_template_with_revision_variables(project, recipe, tmp_path):
    import alembic

    generic = Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako"
    shutil.copy(generic, project / "migrations" / "script.py.mako")
    files = plan_revisions(project, recipe)
    ext = files[0].content
    assert ext.count("revision: str = '0005_runs_extend'") == 1 and "\nrevision = " not in ext
    assert "Revises: 0004_jobs_config_fk" in ext
    url = f"sqlite:///{tmp_path / 'std.db'}"
    upgrade(project, url, PRE_HEAD)
    seed(url)
    write_files(project, files)
    upgrade(project, url)
    assert rows(url, "SELECT version_num FROM alembic_version") == [{"version_num": "0006_runs_history"}]


def test_nothing_to_do_once_jobs_is_gone_even_without_markers(project, recipe, tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    write_files(project, plan_revisions(project, recipe))
    for f in (project / "migrations" / "versions").glob("000[56]_*.py"):
        f.write_text(f.read_text().replace("RUNSMIG_REVISION = ", "_WAS = "))
    assert plan_revisions(project, recipe) == []  # the replayed head has no jobs table
    upgrade(project, url)
    assert "jobs" not in sa.inspect(sa.create_engine(url)).get_table_names()


def test_recipe_column_missing_from_schema_is_refused(project, tmp_path):
    assert plan_revisions(project, load_recipe(write_recipe(tmp_path)))  # the snippet itself is fine
    text = (tmp_path / "recipe.yaml").read_text().replace("references: [retry_of_job_id]", "references: [retry_of_task_id]")
    (tmp_path / "recipe.yaml").write_text(text)
    with pytest.raises(RefusedError, match=r"database.references: column 'jobs.retry_of_task_id' does not exist"):
        plan_revisions(project, load_recipe(tmp_path / "recipe.yaml"))


@pytest.mark.parametrize(
    "section, message, line",
    [
        ("database:\n  jobs_history: keep\n", "'keep' is not one of: discard, migrate", 6),
        ("database:\n  linkk: trace_id\n", "database.linkk: unknown key", 6),
        ("database:\n  rename: {a: x, b: x}\n", "two columns are renamed to 'x'", 6),
        ("database:\n  new_run_id: fixed\n", "needs at least one placeholder", 6),
        ("database:\n  paths: {columns: [a], from: ['{no such}/'], to: 'runs/{run_id}/'}\n", "placeholder", 6),
        ("database:\n  drop: {a: ''}\n", "must not be empty", 6),
        ("database:\n  stored_values: [{table: permissions, column: key}]\n", "literals", 6),
        ("database:\n  stored_values: [{table: p, column: k, literals: [a.py], match: '(['}]\n", "not a regular expression", 6),
        ("database:\n  json_single: {input_document_id: {list: input_documents, key: 'a.b'}}\n", "JSON object key", 6),
    ],
)
def test_database_section_errors_name_file_line_col(tmp_path, section, message, line):
    path = write_recipe(tmp_path, section, snippet=False)
    with pytest.raises(RecipeError) as exc:
        load_recipe(path)
    assert message in exc.value.message
    assert exc.value.path == str(path) and exc.value.line == line and exc.value.col is not None


def test_snippet_parses(recipe):
    spec = recipe.sections["database"]
    assert spec.history == "migrate" and spec.link == "trace_id"
    assert dict(spec.rename)["retry_of_job_id"] == "retry_of_run_id"
    assert spec.value_map("status") == {"cancelled": "canceled"}


def test_shipped_recipe_and_snippet_agree_on_stored_values_and_json_single(recipe):
    """The tests run the snippet; ADE runs rules/jobs-to-runs/recipe.yaml: same entries."""
    from runsmig.recipe import load_recipe

    from .conftest import REPO

    shipped = load_recipe(REPO / "rules" / "jobs-to-runs" / "recipe.yaml").sections["database"]
    assert shipped.json_single == recipe.sections["database"].json_single
    assert [(s.table, s.column, s.match) for s in shipped.stored_values] == [("permissions", "key", r"[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)+")]
    assert shipped.stored_values[0].literals == ("apps/ade-api/src/ade_api/features/roles/registry.py",)
    assert [(s.table, s.column, s.match) for s in recipe.sections["database"].stored_values] == [
        (s.table, s.column, s.match) for s in shipped.stored_values
    ]
