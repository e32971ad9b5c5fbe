"""Django models under a rename, without running Django: which classes are models, what keep writes
out (and where), what the new migration holds, its name and dependencies, and what check accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from runsmig.cli.check import build_report
from runsmig.django.apps import app_folder, migrations_of
from runsmig.django.models import models_of
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from runsmig.written import written_reason


def _recipe(tmp: Path, extra: str = ""):
    p = tmp / "r.yaml"
    p.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n" + extra)
    return load_recipe(p)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def _plan(tmp: Path, files: dict[str, str], extra: str = ""):
    work = _tree(tmp / "w", files)
    plan = build_plan(work, _recipe(tmp, extra), workers=1)
    return work, plan, {c.path: c for c in plan.changes}


INIT = {"shop/__init__.py": "", "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                                           "    dependencies = []\n    operations = []\n"}


def test_models_found_by_base_fields_and_meta():
    module = cst.parse_module(textwrap.dedent("""
        from django.db import models
        from django.db.models import Model, CharField
        from core.base import Stamped

        class Base(models.Model):
            job_note = models.TextField()

            class Meta:
                abstract = True

        class Job(Base):
            job_name = CharField(max_length=5)
            owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, db_column="who")

        class Direct(Model):
            pass

        class Stampy(Stamped):
            job_kind = models.IntegerField()

        class Helper:
            x = models.Value(1)

        class Proxy(Job):
            class Meta:
                proxy = True
                app_label = "other"
                db_table = "t"
    """))
    found = {m.name: m for m in models_of(module)}
    assert sorted(found) == ["Base", "Direct", "Job", "Proxy", "Stampy"]
    assert found["Base"].abstract and not found["Base"].concrete
    job = found["Job"]
    assert [f.name for f in job.fields] == ["job_note", "job_name", "owner"]  # the abstract base's field first
    assert [f.column for f in job.fields] == ["job_note", "job_name", "who"]
    assert job.table("shop") == "shop_job" and not job.explicit_table
    assert found["Proxy"].proxy and found["Proxy"].option("app_label") == "other" and found["Proxy"].table("x") == "t"
    assert models_of(cst.parse_module("class Job(Model):\n    x = CharField()\n")) == []  # not Django's


def test_app_folder_and_leaves(tmp_path):
    assert app_folder("src/shop/models.py") == "src/shop"
    assert app_folder("shop/models/job.py") == "shop"
    assert app_folder("shop/views.py") is None
    files = {"shop/migrations/__init__.py": "",
             "shop/migrations/0001_initial.py": "dependencies = []\n",
             "shop/migrations/0002_a.py": "dependencies = [('shop', '0001_initial')]\n",
             "shop/migrations/0002_b.py": "dependencies = [('shop', '0001_initial'), ('auth', '0002_a')]\n",
             "shop/migrations/helpers.py": "x = 1\n"}
    _tree(tmp_path, files)
    h = migrations_of(tmp_path, "shop", "shop", set(files))
    assert (h.folder, h.leaves, h.next_number) == ("shop/migrations", ("0002_a", "0002_b"), 3)
    assert migrations_of(tmp_path, "nowhere", "nowhere", set(files)) is None


def test_keep_writes_out_table_and_columns_where_derived(tmp_path):
    work, plan, changes = _plan(tmp_path, {**INIT, "shop/apps.py": """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "pkg.shop"
            label = "store"
        """, "shop/models.py": """
        from django.db import models


        class Job(models.Model):
            job_name = models.CharField(max_length=5)
            job_code = models.CharField(max_length=5, db_column="code")
            parent_job = models.OneToOneField(
                "self",
                on_delete=models.CASCADE,
            )
            tags = models.ManyToManyField("Tag")
            done = models.BooleanField()


        class Named(models.Model):
            job = models.ForeignKey(Job, on_delete=models.CASCADE)

            class Meta:
                db_table = "named_jobs"
        """})
    new = changes["shop/models.py"].new.decode()
    assert 'run_name = models.CharField(max_length=5, db_column="job_name")' in new
    assert 'run_code = models.CharField(max_length=5, db_column="code")' in new  # explicit already
    assert '        on_delete=models.CASCADE,\n        db_column="parent_job_id",\n    )' in new
    assert '    done = models.BooleanField()\n\n    class Meta:\n        db_table = "store_job"\n' in new
    assert 'db_table = "named_jobs"\n' in new and new.count("db_table") == 2  # an explicit table stays as it is
    assert 'run = models.ForeignKey(Run, on_delete=models.CASCADE, db_column="job_id")' in new
    kept = {(s["name"], s["kind"]) for s in plan.review()["stored"] if s["action"] == "written out"}
    assert kept == {("store_job", "table"), ("job_name", "column"), ("parent_job_id", "column"), ("job_id", "column")}
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    assert '("store", "0001_initial")' in mig
    assert 'migrations.AlterModelTable(\n            name="job",\n            table="store_job",' in mig
    assert ('field=models.OneToOneField(\n'
            '                "store.run", on_delete=models.CASCADE, db_column="parent_job_id"\n'
            '            ),') in mig
    assert any("many-to-many" in n for n in plan.notes)  # its table's column job_id follows the model name


def test_migrate_writes_nothing_out(tmp_path):
    work, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models

        class Job(models.Model):
            job_name = models.CharField(max_length=5)
        """}, "stored: migrate\n")
    new = changes["shop/models.py"].new.decode()
    assert "db_table" not in new and "db_column" not in new
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    assert "AlterModelTable" not in mig and "AlterField" not in mig
    assert 'old_name="Job"' in mig and 'old_name="job_name"' in mig
    assert mig.startswith("# Written by runsmig")


def test_no_migration_without_a_rename_or_a_migrations_package(tmp_path):
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models

        class Thing(models.Model):
            name = models.CharField(max_length=5, help_text="no term here")
        """, "shop/views.py": "def job():\n    return 1\n"})
    assert [c.action for c in plan.changes] == ["modify"]  # views.py only
    _, plan, changes = _plan(tmp_path / "b", {"shop/__init__.py": "", "shop/models.py": """
        from django.db import models

        class Job(models.Model):
            pass
        """})
    assert not any(c.action == "create" for c in plan.changes)
    assert any("no migrations package" in n for n in plan.notes)


def test_field_the_migration_cannot_write_is_a_note(tmp_path):
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models
        from .choices import KINDS

        class Thing(models.Model):
            job_kind = models.CharField(max_length=5, choices=KINDS)
        """})
    mig = changes["shop/migrations/0002_rename_thing_run_kind.py"].new.decode()
    assert "RenameField" in mig and "AlterField" not in mig
    assert any("run 'makemigrations' for its AlterField" in n for n in plan.notes)


def test_cross_app_reference_depends_on_the_other_apps_migration(tmp_path):
    files = {**INIT, "shop/models.py": """
        from django.db import models

        class Job(models.Model):
            pass
        """, "bill/__init__.py": "", "bill/migrations/__init__.py": "",
             "bill/migrations/0001_initial.py": "dependencies = [('shop', '0001_initial')]\n",
             "bill/models.py": """
        from django.db import models

        class Invoice(models.Model):
            job = models.ForeignKey("shop.Job", on_delete=models.PROTECT)
        """}
    _, plan, changes = _plan(tmp_path, files)
    bill = changes["bill/migrations/0002_rename_invoice_run_and_more.py"].new.decode()
    assert '("bill", "0001_initial"),\n        ("shop", "0002_rename_run_and_more"),' in bill
    assert 'models.ForeignKey(\n                "shop.run", on_delete=models.PROTECT, db_column="job_id"\n' in bill


def test_written_migration_is_accepted_only_where_migrations_live(tmp_path):
    marker = b"# Written by runsmig: x\nRenameModel('Job')\n"
    assert written_reason("shop/migrations/0003_rename_run.py", marker) == "migration written by runsmig"
    assert written_reason("shop/views.py", marker) is None
    assert written_reason("shop/migrations/0003_rename_run.py", b"import x\n" + marker) is None
    work = _tree(tmp_path / "w", {**INIT, "shop/migrations/0002_x.py": marker.decode(), "shop/notes.py": marker.decode()})
    report = build_report(work, _recipe(tmp_path), workers=1)
    assert {f.path for f in report.findings} == {"shop/notes.py"}


@pytest.mark.parametrize("case", ["django-stored-keep", "django-stored-migrate"])
def test_second_plan_after_apply_writes_no_migration(case, tmp_path):
    from tests.golden import FIXTURES, run_case

    _, plan, again = run_case(FIXTURES / case, tmp_path)
    assert [c.path for c in plan.changes if c.action == "create"] == ["shop/migrations/0004_rename_run_and_more.py"]
    assert again.empty and not any("new Django migration" in n for n in again.notes)


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed")
    return found


def test_written_migration_is_formatted_and_lint_clean(tmp_path):
    """A multi-line declaration of the models module is laid out afresh (no copied continuation
    indent: flake8 E122), the permissions helper shadows no import (F402), and black (ruff
    format) leaves the file as it is."""
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models


        class Job(models.Model):
            id = models.CharField(
                max_length=255, primary_key=True, help_text="Unique id for this job, as the scheduler gives it."
            )
            note = models.TextField(
                null=True,
                help_text=(
                    "Details of what happened during the job execution (if anything did happen at all)."
                ),
            )
            job_kind = models.CharField(
                max_length=5,  # short
                # a comment of its own
                blank=True,
            )
        """})
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    path = tmp_path / "0002_mig.py"
    path.write_text(mig)
    ruff = _ruff()
    fmt = subprocess.run([ruff, "format", "--no-cache", "--diff", str(path)], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = subprocess.run([ruff, "check", "--no-cache", "--isolated", "--select", "F,E9,E1,W", "--preview",
                           str(path)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    assert "for app_label, model_names, old, new, name in PERMISSIONS:" in mig
    assert ('            field=models.CharField(\n'
            '                max_length=255,\n'
            '                primary_key=True,\n'
            '                help_text="Unique id for this run, as the scheduler gives it.",\n'
            '                serialize=False,\n'
            '            ),\n') in mig  # a primary key is serialize=False in Django's state
    assert '                max_length=5,  # short\n                # a comment of its own\n                blank=True,\n' in mig
    assert max(len(line) for line in mig.splitlines()) <= 127


def test_constants_of_the_models_module_are_inlined(tmp_path):
    from runsmig.django.constants import Constants

    c = Constants(textwrap.dedent("""
        LIMIT = 20
        TWICE = 1
        TWICE = 2
        if x:
            MAYBE = 1
        from .kinds import KINDS
        PREFIX = "job"

        class Execution(models.Model):
            SENT = "Started job"
            ERROR = "Error!"
            STATES = [(x, x) for x in [SENT, ERROR]]
            LABELS = {SENT: PREFIX + " sent", ERROR: -LIMIT}
            LIMIT = 5

        class Kinds(models.TextChoices):
            A = "a"
    """))
    assert c.value("STATES", "Execution") == [("Started job", "Started job"), ("Error!", "Error!")]
    assert c.value("LABELS", "Execution") == {"Started job": "job sent", "Error!": -5}  # the class's LIMIT first
    assert c.value("LIMIT") == 20 and c.value("Execution.SENT") == "Started job"
    for unknown in ("TWICE", "MAYBE", "KINDS", "Kinds.choices", "Execution.NOPE", "len(PREFIX)", "STATES"):
        assert not c.known(c.value(unknown, None)), unknown

    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models

        JOB_LENGTH = 30


        class Execution(models.Model):
            SENT = "Started"
            STATES = [(x, x) for x in [SENT, "Done"]]

            status = models.CharField(max_length=JOB_LENGTH, choices=STATES, default=SENT,
                                      help_text="The job's status.")
            kind = models.CharField(max_length=5, choices=models.TextChoices("K", "A B").choices,
                                    help_text="The job's kind.")
        """})
    mig = changes["shop/migrations/0002_alter_execution_status.py"].new.decode()
    assert 'choices=[("Started", "Started"), ("Done", "Done")],\n' in mig
    assert "max_length=30," in mig and 'default="Started",' in mig and "JOB_LENGTH" not in mig
    assert "STATES" not in mig and 'help_text="The run\'s status."' in mig
    # an enum's .choices is not evaluated: left to makemigrations, with a note
    assert '"kind"' not in mig and any("Execution.kind" in n and "makemigrations" in n for n in plan.notes)


def test_changed_constant_value_is_an_alter_field(tmp_path):
    """The declaration's text is the same, the constant it names changed: its value is compared."""
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models

        DEFAULT = "job"


        class Thing(models.Model):
            kind = models.CharField(max_length=5, default=DEFAULT)
        """})
    mig = changes["shop/migrations/0002_alter_thing_kind.py"].new.decode()
    assert 'field=models.CharField(max_length=5, default="run"),' in mig


@pytest.mark.parametrize("stored", ["keep", "migrate"])
@pytest.mark.parametrize("rename_index", [True, False])
def test_meta_constraints_and_indexes(stored, rename_index, tmp_path, monkeypatch):
    from runsmig.django import apps

    monkeypatch.setattr(apps, "installed_django", lambda root: (4, 1) if rename_index else (4, 0))
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models
        from django.db.models import UniqueConstraint


        class Job(models.Model):
            job_name = models.CharField(max_length=5)
            day = models.DateField()

            class Meta:
                constraints = [UniqueConstraint(fields=("job_name", "day"), name="unique_job_day")]
                indexes = [models.Index(fields=["day"], name="job_day_idx")]
        """}, f"stored: {stored}\n")
    new = changes["shop/models.py"].new.decode()
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    assert 'fields=("run_name", "day")' in new  # the field names follow the rename
    if stored == "keep":
        # the names are the database's (stored names): kept, and listed as such
        assert 'name="unique_job_day"' in new and 'name="job_day_idx"' in new
        kept = {(s["name"], s["kind"]) for s in plan.review()["stored"] if s["action"] != "written out"}
        assert {("unique_job_day", "constraint"), ("job_day_idx", "index")} <= kept
        # the database holds the constraint already: the state follows, the database is not touched
        assert ('migrations.SeparateDatabaseAndState(\n            state_operations=[\n'
                '                migrations.RemoveConstraint(model_name="job", name="unique_job_day")\n') in mig
        assert 'fields=("run_name", "day"), name="unique_job_day"' in mig
        assert "Index" not in mig  # the index changed in nothing
        assert mig.index("RemoveConstraint") < mig.index("migrations.RenameModel") < mig.index("AddConstraint")
    else:
        assert 'name="unique_run_day"' in new and 'name="run_day_idx"' in new
        assert "SeparateDatabaseAndState" not in mig
        assert 'migrations.RemoveConstraint(\n            model_name="job",\n            name="unique_job_day",' in mig
        assert 'constraint=models.UniqueConstraint(\n                fields=("run_name", "day"), name="unique_run_day"' in mig
        assert mig.index("RemoveConstraint") < mig.index("migrations.RenameModel") < mig.index("AddConstraint")
        if rename_index:
            assert 'migrations.RenameIndex(\n            model_name="run",\n            new_name="run_day_idx",\n' \
                   '            old_name="job_day_idx",' in mig
            assert "RemoveIndex" not in mig
        else:  # RenameIndex is Django 4.1's
            assert "RenameIndex" not in mig
            assert 'migrations.RemoveIndex(\n            model_name="job",\n            name="job_day_idx",' in mig
            assert 'index=models.Index(fields=["day"], name="run_day_idx"),' in mig


@pytest.mark.parametrize("stored", ["keep", "migrate"])
def test_unmanaged_model_gets_no_field_operations(stored, tmp_path):
    # Django's state holds no field, index or constraint change of an unmanaged model: a RenameField
    # of a field its state lacks fails ('KeyError'), and makemigrations would never write one
    work, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": """
        from django.db import models

        class Job(models.Model):
            job_name = models.CharField(max_length=5)

            class Meta:
                managed = False
                db_table = "shop_jobs"

        class Step(models.Model):
            job = models.ForeignKey(Job, on_delete=models.CASCADE)

            class Meta:
                managed = False
                db_table = "steps"
        """}, f"stored: {stored}\n")
    name = next(p for p in changes if p.startswith("shop/migrations/0002_"))
    mig = changes[name].new.decode()
    assert 'old_name="Job"' in mig
    assert "RenameField" not in mig and "AlterField" not in mig


def test_migration_follows_the_apps_future_import(tmp_path):
    files = {**INIT, "shop/migrations/0001_initial.py": "from __future__ import annotations\n\n" + INIT[
        "shop/migrations/0001_initial.py"], "shop/models.py": """
        from django.db import models

        class Job(models.Model):
            name = models.CharField(max_length=5)
        """}
    work, plan, changes = _plan(tmp_path, files, "stored: migrate\n")
    mig = changes["shop/migrations/0002_rename_run.py"].new.decode()
    assert "\nfrom __future__ import annotations\n\nfrom django.db import migrations" in mig
    work, plan, changes = _plan(tmp_path / "b", {**files, "shop/migrations/0001_initial.py": INIT[
        "shop/migrations/0001_initial.py"]}, "stored: migrate\n")
    assert "__future__" not in next(c for p, c in changes.items() if "0002_" in p).new.decode()


DERIVED_MODELS = """
    from django.db import models


    class Job(models.Model):
        key = models.CharField(max_length=40, unique=True)
        job_name = models.CharField(max_length=20, db_index=True)
        job_attempts = models.PositiveIntegerField(default=0)


    class Attempt(models.Model):
        job = models.ForeignKey(Job, on_delete=models.CASCADE)
        number = models.IntegerField()

        class Meta:
            unique_together = [("job", "number")]
    """


def test_derived_names_are_djangos_and_postgresqls():
    """runsmig.django.derived names what Django's schema editor and PostgreSQL name (the digest, the
    truncation of long names), without importing Django."""
    pytest.importorskip("django")
    from django.db.backends.postgresql.base import DatabaseWrapper

    from runsmig.django.derived import index_name, pg_name

    editor = DatabaseWrapper({"NAME": "x", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {},
                              "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                              "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False}).schema_editor(collect_sql=True)
    for table, columns, suffix in [("shop_job", ["job_name"], ""), ("shop_job", ["key"], "_like"),
                                   ("django_apscheduler_djangojobexecution", ["job_id"], ""),
                                   ("django_apscheduler_djangojobexecution", ["job_id"],
                                    "_fk_django_apscheduler_djangojob_id"),
                                   ("shop_attempt", ["job_id", "number"], "_uniq"), ("_x" * 40, ["a" * 50], "")]:
        assert index_name(table, columns, suffix) == editor._create_index_name(table, columns, suffix)
    assert pg_name("shop_job", None, "pkey") == "shop_job_pkey"
    assert pg_name("shop_job", "id", "seq") == "shop_job_id_seq"
    long = pg_name("t" * 70, "c" * 10, "key")
    assert len(long) == 63 and long == "t" * 48 + "_" + "c" * 10 + "_key"  # the longer part shortened


@pytest.mark.parametrize("stored", ["keep", "migrate"])
def test_plan_lists_the_names_derived_from_tables(stored, tmp_path):
    """Under migrate the plan lists the table, the columns and every name derived from them
    (pkey, sequence, unique key, index and its _like twin, check, foreign key, unique_together),
    old -> new, and the migration renames them at migrate time (RunPython); under keep it lists
    the derived names as kept with the table written out, and the migration has no such step."""
    _, plan, changes = _plan(tmp_path, {**INIT, "shop/models.py": DERIVED_MODELS}, f"stored: {stored}\n")
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    if stored == "migrate":
        got = {(k, o, n) for k, o, n, _, _ in plan.migrated}
        assert {("table", "shop_job", "shop_run"), ("column", "job_name", "run_name"),
                ("column", "job_id", "run_id"), ("constraint", "shop_job_pkey", "shop_run_pkey"),
                ("sequence", "shop_job_id_seq", "shop_run_id_seq"),
                ("constraint", "shop_job_key_key", "shop_run_key_key"),
                ("constraint", "shop_job_job_attempts_check", "shop_run_run_attempts_check"),
                ("index", "shop_job_job_name_4057c02d", "shop_run_run_name_cfdeb332"),
                ("index", "shop_job_job_name_4057c02d_like", "shop_run_run_name_cfdeb332_like"),
                ("index", "shop_attempt_job_id_405d19a5", "shop_attempt_run_id_435b1ab5"),
                ("constraint", "shop_attempt_job_id_405d19a5_fk_shop_job_id",
                 "shop_attempt_run_id_435b1ab5_fk_shop_run_id"),
                ("constraint", "shop_attempt_job_id_number_096ffe57_uniq",
                 "shop_attempt_run_id_number_687f2bd3_uniq")} <= got
        assert not plan.derived_kept
        assert "migrations.RunPython(rename_derived, restore_derived)," in mig
        assert '("shop_attempt", "shop_attempt", {"job_id": "run_id"}),' in mig
        assert plan.review()["summary"]["stored_migrated"] == len(plan.migrated)
    else:
        kept = {(k, n) for k, n, _, _ in plan.derived_kept}
        assert {("constraint", "shop_job_pkey"), ("index", "shop_job_job_name_4057c02d"),
                ("constraint", "shop_attempt_job_id_405d19a5_fk_shop_job_id")} <= kept
        assert not plan.migrated and "rename_derived" not in mig
        entries = [e for e in plan.review()["stored"] if e.get("derived")]
        assert len(entries) == len(plan.derived_kept) and all(e["action"] == "kept" for e in entries)


def test_written_migration_with_derived_names_is_formatted_and_lint_clean(tmp_path):
    _, _, changes = _plan(tmp_path, {**INIT, "shop/models.py": DERIVED_MODELS}, "stored: migrate\n")
    path = tmp_path / "0002_mig.py"
    path.write_bytes(changes["shop/migrations/0002_rename_run_and_more.py"].new)
    ruff = _ruff()
    fmt = subprocess.run([ruff, "format", "--no-cache", "--diff", str(path)], capture_output=True, text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = subprocess.run([ruff, "check", "--no-cache", "--isolated", "--select", "F,E9,E1,W", "--preview",
                           str(path)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
    text = path.read_text()
    helper = text[text.index("RENAMED = ["):text.index("class Migration")]
    assert max(len(line) for line in helper.splitlines()) <= 88  # black's width: nothing for it to wrap


def test_keep_renames_the_model_in_state_only_and_its_content_type_itself(tmp_path):
    """Under keep a RenameModel is state only: Django before 4.1 alters every foreign key into the
    renamed model although its table stays (PostgreSQL rebuilds the constraint under a new name,
    SQLite copies the whole table). The content type, which Django's hook renames only after a
    top-level RenameModel, is renamed by a RunPython of the migration (tests/django/test_real_django
    checks the row on a real database)."""
    _, _, changes = _plan(tmp_path, {**INIT, "shop/models.py": DERIVED_MODELS}, "stored: keep\n")
    mig = changes["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    assert ('        migrations.SeparateDatabaseAndState(\n'
            '            state_operations=[migrations.RenameModel(old_name="Job", new_name="Run")]\n        ),\n') in mig
    assert "        migrations.RenameModel(" not in mig  # none with database operations
    assert 'CONTENT_TYPES = [\n    ("shop", "job", "run"),\n]' in mig
    assert mig.index("RunPython(rename_content_types, restore_content_types)") < mig.index(
        "RunPython(rename_permissions, restore_permissions)")
    _, _, migrated = _plan(tmp_path / "m", {**INIT, "shop/models.py": DERIVED_MODELS}, "stored: migrate\n")
    mig = migrated["shop/migrations/0002_rename_run_and_more.py"].new.decode()
    assert "CONTENT_TYPES" not in mig and "SeparateDatabaseAndState" not in mig  # Django renames it all
