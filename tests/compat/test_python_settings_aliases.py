"""Renamed Django settings of a library (fixtures/compat-py-django-settings): a deployment that still
sets the old name is read as a fallback with a DeprecationWarning; the new name wins when both are
set; ``plan`` lists them; ``compat drop`` removes the fallback. The library imported in a fresh
interpreter with Django's settings configured (``settings.configure``) or overridden in a test."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runsmig.compat.pysurface import django_settings_read, surface
from tests.helpers import REPO, git, git_copy, runsmig

pytest.importorskip("django")

FIXTURE = REPO / "fixtures" / "compat-py-django-settings"
RECIPE = FIXTURE / "recipe.yaml"
OLD_ONLY = ("setting FAILED_JOBS_EMAIL_PREFIX is deprecated, use FAILED_RUNS_EMAIL_PREFIX instead; "
            "it will be removed in 1.0")


@pytest.fixture()
def applied(tmp_path) -> Path:
    work = git_copy(FIXTURE / "before", tmp_path / "lib")
    runsmig("apply", str(work), "--recipe", str(RECIPE), "-q", check_rc=0)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "apply")
    return work


def py(root: Path, settings: dict, code: str) -> dict:
    """Configure Django with ``settings``, run ``code`` (it sets ``out``; ``warned()``: the
    DeprecationWarnings so far)."""
    script = textwrap.dedent(f"""
        import json, warnings
        warnings.simplefilter("always")
        _caught = warnings.catch_warnings(record=True)
        _log = _caught.__enter__()
        def warned():
            msgs = [str(w.message) for w in _log if issubclass(w.category, DeprecationWarning)]
            _log.clear()
            return msgs
        from django.conf import settings
        settings.configure(**{settings!r})
        import django
        django.setup()
        out = {{}}
    """) + textwrap.dedent(code) + "\nprint(json.dumps(out, default=str))\n"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False,
                          env={**env, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_old_setting_only_is_read_with_a_warning(applied):
    out = py(applied, {"FAILED_JOBS_EMAIL_PREFIX": "[old] ", "CRON_JOB_KEEP_DAYS": 3}, """
        from cronq import notify
        out["prefix"] = notify.failed_runs_prefix()
        out["warned"] = warned()
        out["days"] = notify.keep_days()  # hasattr(settings, NEW), then settings.NEW
        out["days_warned"] = warned()
        out["again"] = notify.failed_runs_prefix()  # read once per configuration: warned once
        out["again_warned"] = warned()
    """)
    assert out["prefix"] == "[old] " and out["warned"] == [OLD_ONLY]
    assert out["days"] == 3 and len(out["days_warned"]) == 1 and "CRON_JOB_KEEP_DAYS" in out["days_warned"][0]
    assert out["again"] == "[old] " and out["again_warned"] == []


def test_a_test_setting_only_the_old_name_sees_it(applied):
    out = py(applied, {}, """
        from django.test import override_settings
        from cronq import notify
        out["before"] = notify.failed_runs_prefix()
        with override_settings(FAILED_JOBS_EMAIL_PREFIX="[test] "):
            out["inside"] = notify.failed_runs_prefix()
            out["warned"] = warned()
        out["after"] = notify.failed_runs_prefix()
        out["after_warned"] = warned()
    """)
    assert out["before"] == "" and out["after"] == "" and out["after_warned"] == []
    assert out["inside"] == "[test] " and out["warned"] == [OLD_ONLY]


def test_both_set_the_new_one_wins_with_the_warning(applied):
    out = py(applied, {"CRON_JOB_LOCK_TIME": 1, "CRON_RUN_LOCK_TIME": 2}, """
        from cronq import lock
        out["time"] = lock.lock_time()
        out["warned"] = warned()
    """)
    assert out["time"] == 2
    assert out["warned"] == ["setting CRON_JOB_LOCK_TIME (ignored: CRON_RUN_LOCK_TIME is set) is deprecated, use "
                             "CRON_RUN_LOCK_TIME instead; it will be removed in 1.0"]


def test_new_name_or_neither_no_warning(applied):
    out = py(applied, {"FAILED_RUNS_EMAIL_PREFIX": "[new] "}, """
        from django.conf import settings
        from cronq import lock, notify
        out["prefix"] = notify.failed_runs_prefix()
        out["days"] = notify.keep_days()
        out["time"] = lock.lock_time()
        out["has"] = hasattr(settings, "CRON_RUN_KEEP_DAYS")
        out["plain"] = lock.run_limit()  # a name read from another object: no fallback
        out["warned"] = warned()
    """)
    assert out == {"prefix": "[new] ", "days": 7, "time": 60, "has": False, "plain": 3, "warned": []}


def test_plan_lists_settings_among_public_names(tmp_path):
    work = git_copy(FIXTURE / "before", tmp_path / "lib")
    review = json.loads(runsmig("plan", str(work), "--recipe", str(RECIPE), "--format", "json", check_rc=0).stdout)
    settings = {(a["old"], a["new"]) for a in review["public"] if a["kind"] == "setting"}
    assert settings == {(f"django.conf.settings.{o}", f"django.conf.settings.{n}") for o, n in (
        ("FAILED_JOBS_EMAIL_PREFIX", "FAILED_RUNS_EMAIL_PREFIX"), ("CRON_JOB_KEEP_DAYS", "CRON_RUN_KEEP_DAYS"),
        ("CRON_JOB_LOCK_TIME", "CRON_RUN_LOCK_TIME"),
        ("CRONJOB_REPORT_PREFIX", "CRONRUN_REPORT_PREFIX"))}  # a joined spelling: paired by place
    # JOB_LIMIT is read from a class of the package, not Django's settings: a member, not a setting
    assert not any("JOB_LIMIT" in a["old"] and a["kind"] == "setting" for a in review["public"])


def test_drop_removes_the_fallback(applied):
    runsmig("compat", "drop", str(applied), "--before", "1.0", check_rc=0)
    assert not (applied / "cronq" / "_deprecated_aliases.py").exists()
    assert "runsmig: compat" not in (applied / "cronq" / "notify.py").read_text()
    out = py(applied, {"FAILED_JOBS_EMAIL_PREFIX": "[old] "}, """
        from cronq import notify
        out["prefix"] = notify.failed_runs_prefix()
        out["warned"] = warned()
    """)
    assert out == {"prefix": "", "warned": []}  # the old name is ignored now, silently
    runsmig("check", str(applied), "--recipe", str(RECIPE), check_rc=0)


def test_joined_spelling_old_setting_is_read(applied):
    out = py(applied, {"CRONJOB_REPORT_PREFIX": "[r] "}, """
        from cronq.notify import CronRun
        out["prefix"] = CronRun().report_prefix()
        out["warned"] = warned()
    """)
    assert out["prefix"] == "[r] " and out["warned"] == [
        "setting CRONJOB_REPORT_PREFIX is deprecated, use CRONRUN_REPORT_PREFIX instead; it will be removed in 1.0"]


def test_surface_reads_only_djangos_settings():
    tree = ast.parse(textwrap.dedent("""
        from django.conf import settings as s
        from myconf import settings
        class C:
            JOB_A = 1
        def f(obj):
            return (getattr(s, "JOB_A", 1), hasattr(s, "JOB_B"), s.JOB_C, s.configure, getattr(s, "lower", 0),
                    getattr(settings, "JOB_D"), settings.JOB_E, getattr(obj, "JOB_F"), getattr(C, "JOB_A"))
        s.JOB_G = 1
    """))
    assert django_settings_read(tree) == {"JOB_A", "JOB_B", "JOB_C"}
    assert surface("import os\nX = os.environ.get('JOB_X')\n").settings == set()
