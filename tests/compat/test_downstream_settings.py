"""Which files of a downstream project are Django settings modules (runsmig.compat.rewrite): their
module-level names are the settings the downstream recipe renames."""

from __future__ import annotations

from pathlib import Path

from runsmig.compat.rewrite import _named_settings_modules, _settings_module


def test_named_by_their_file_name():
    for rel in ("mysite/settings.py", "settings.py", "mysite/settings/base.py", "test_settings.py",
                "settings_sqlite.py", "src/proj/settings/__init__.py"):
        assert _settings_module(rel, set()), rel
    for rel in ("app/views.py", "app/settingsview.py", "app/constants.py", "mysite/settings/deep/x.py"):
        assert not _settings_module(rel, set()), rel


def test_named_by_django_settings_module(tmp_path: Path):
    (tmp_path / "manage.py").write_text('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.prod")\n')
    (tmp_path / "run.py").write_text("os.environ['DJANGO_SETTINGS_MODULE'] = 'proj.staging'\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = proj.ci\n")
    (tmp_path / "notes.md").write_text("DJANGO_SETTINGS_MODULE=proj.docs\n")  # not configuration
    named = _named_settings_modules(tmp_path, ["manage.py", "run.py", "pytest.ini", "notes.md"])
    assert named == {"proj.prod", "proj.staging", "proj.ci"}
    assert _settings_module("src/proj/prod.py", named) and _settings_module("proj/ci.py", named)
    assert not _settings_module("proj/docs.py", named) and not _settings_module("other/prod_x.py", named)
