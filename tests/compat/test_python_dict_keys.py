"""Public dicts whose keys a rename changes (fixtures/compat-py-dict-keys): an attribute the class
builds, a dict a public method or function returns. They keep answering their old keys, with a
warning naming the new key and the removal release; iteration, ``==`` and JSON see the new keys only.
The downstream recipe renames the keys a project reads from them; ``compat drop`` makes them plain
dicts again (fixtures/compat-py-drop-dict-keys)."""

from __future__ import annotations

import pytest

from tests.compat.test_python_aliases import py
from tests.helpers import REPO, applied_case, git_copy, runsmig

CASE = REPO / "fixtures" / "compat-py-dict-keys"
DOWNSTREAM = REPO / "fixtures" / "compat-py-downstream-dict-keys"


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    return applied_case(CASE, tmp_path_factory.mktemp("keys"))


def test_new_keys_read_without_warning(applied):
    out = py(applied, """
        import json, pickle, copy
        from keyq.cron import CronRun, run_defaults
        c = CronRun(print, run_timeout=5, ttl=7)
        o = c.run_options
        out["new"] = [o.get("run_timeout"), o["ttl"], "run_timeout" in o, list(o), json.loads(json.dumps(o)),
                      o == {"run_timeout": 5, "ttl": 7}, isinstance(o, dict), dict(**o)]
        out["returned"] = [c.describe()["run_id"] == id(c), run_defaults()["run_timeout"]]
        out["pickled"] = type(pickle.loads(pickle.dumps(o))).__name__
        out["copied"] = copy.copy(o).get("job_timeout")
        out["warned"] = warned()
    """)
    assert out["new"] == [5, 7, True, ["run_timeout", "ttl"], {"run_timeout": 5, "ttl": 7}, True, True,
                          {"run_timeout": 5, "ttl": 7}]
    assert out["returned"] == [True, 180]
    assert out["pickled"] == "dict"
    assert out["copied"] == 5  # a copy keeps answering the old key
    assert len(out["warned"]) == 1  # that read of the copy


def test_old_keys_answer_with_a_warning(applied):
    out = py(applied, """
        from keyq import CronJob, job_defaults
        c = CronJob(print, job_timeout=5)
        warned()
        o = c.job_options
        warned()
        out["get"] = [o.get("job_timeout"), warned()]
        out["item"] = [o["job_timeout"], "job_timeout" in o, "job_timeout" not in o]
        o["job_timeout"] = 9
        out["set"] = [dict(o), list(o)]
        out["pop"] = [o.pop("job_timeout"), dict(o)]
        out["returned"] = [c.describe()["job_id"] == id(c), job_defaults()["job_timeout"]]
        out["warned"] = warned()
        out["missing"] = o.get("job_timeout")
    """)
    assert out["get"] == [5, [("key 'job_timeout' of keyq.cron.CronRun.run_options is deprecated, use "
                              "'run_timeout' instead; it will be removed in 2.0")]]
    assert out["item"] == [5, True, False]
    assert out["set"] == [{"run_timeout": 9}, ["run_timeout"]]
    assert out["pop"] == [9, {}]
    assert out["returned"] == [True, 180]
    assert any("key 'job_id' of keyq.cron.CronRun.describe()" in m for m in out["warned"])
    assert any("key 'job_timeout' of keyq.cron.run_defaults()" in m for m in out["warned"])
    assert out["missing"] is None


def test_plan_lists_the_keys_among_the_public_names(tmp_path):
    work = git_copy(CASE / "before", tmp_path / "lib")
    err = runsmig("plan", str(work), "--recipe", str(CASE / "recipe.yaml"), check_rc=0).stderr.decode()
    assert ("dictkey keyq.cron.CronJob.job_options['job_timeout'] -> keyq.cron.CronRun.run_options['run_timeout'] "
            "(alias in keyq/_deprecated_aliases.py, removed in 2.0)") in err
    assert "dictkey keyq.cron.job_defaults()['job_timeout'] -> keyq.cron.run_defaults()['run_timeout']" in err
    assert "_seen" not in err and "_limits" not in err  # private: not handed out
    assert ("compat: keyq/cron.py:18: CronRun.run_options is assigned a dict not built there: left as it is "
            "(wrapping would copy it)") in err


def test_a_dict_the_caller_holds_is_not_copied(applied):
    out = py(applied, """
        from keyq.cron import CronRun
        c = CronRun(print)
        mine = {"run_timeout": 1}
        c.reset(mine)
        out["same"] = c.run_options is mine
    """)
    assert out == {"same": True}


def test_downstream_project_before_and_after_the_recipe_and_after_drop(applied, tmp_path):
    lib = git_copy(applied, tmp_path / "lib")
    code = """
        from app.show import show, Settings
        from keyq import CronRun
        out["show"] = list(show(CronRun(print, run_timeout=5, ttl=7))[:4])
        out["own"] = Settings().timeout()
        out["warned"] = [m for m in warned() if m.startswith("key ")]
    """

    def run(project):
        return py(project, code, PYTHONPATH=f"{project}:{lib}")

    before = run(git_copy(DOWNSTREAM / "before", tmp_path / "unchanged"))
    assert before["show"] == [5, 7, True, ["job_timeout=5", "ttl=7"]]
    assert before["own"] == 3
    # .get('job_timeout'), 'job_timeout' in, the loop's read, job_defaults()[...], describe()[...]
    assert len(before["warned"]) == 5, before["warned"]
    migrated = git_copy(DOWNSTREAM / "after", tmp_path / "migrated")
    after = run(migrated)
    assert after == {"show": [5, 7, True, ["job_timeout=5", "ttl=7"]], "own": 3, "warned": []}
    runsmig("compat", "drop", str(lib), "--before", "2.0", check_rc=0)
    assert "_deprecated_keys" not in (lib / "keyq" / "cron.py").read_text()
    assert run(migrated) == after


def test_wrap_and_unwrap_are_exact_inverses():
    """Columns are UTF-8 bytes in ast: a non-ASCII text before the value, CRLF lines, a long line put
    on lines of its own; unwrap gives back the text byte for byte."""
    from runsmig.compat.pykeys import unwrap, wrap

    text = ("class Cron:\r\n"
            "    def __init__(self, t):\r\n"
            "        self.opts = {'é': 'ü', 'run_timeout': t}  # «é»\r\n"
            "        self.opts = {k: v for k, v in self.opts.items() if v is not None and k != 'something long'}\r\n"
            "        self.opts = t\r\n"
            "\r\n"
            "    def show(self):\r\n"
            "        return {'run_id': 1}\r\n")
    skipped: list = []
    wrapped = wrap(text, {"Cron": {"opts": "Cron.opts"}}, {"Cron.show": "Cron.show()"}, "'", 88, skipped)
    assert "self.opts = _deprecated_keys({'é': 'ü', 'run_timeout': t}, 'Cron.opts')  # «é»\r\n" in wrapped
    assert ("        self.opts = _deprecated_keys(\r\n            {k: v for k, v in self.opts.items() if v is not None"
            " and k != 'something long'}, 'Cron.opts'\r\n        )\r\n") in wrapped
    assert "return _deprecated_keys({'run_id': 1}, 'Cron.show()')" in wrapped
    assert skipped == [(5, "Cron.opts")]  # self.opts = t: the caller's dict, not copied
    assert unwrap(wrapped) == text
    assert wrap(wrapped, {"Cron": {"opts": "Cron.opts"}}, {}, "'") == wrapped  # never wrapped twice


def test_a_multi_line_value_is_laid_out_as_the_formatters_lay_it_out(tmp_path):
    """A dict display on several lines: the value and the owner each on lines of their own, the
    value one level deeper, as black and ruff write it (``ruff format --check`` passes on it, so a
    project's format job stays green); unwrap gives back the text byte for byte. A value holding a
    string that spans lines keeps its lines where they are (moving them would change the string)."""
    import subprocess
    import sys

    from runsmig.compat.pykeys import unwrap, wrap

    text = ("class Cron:\n"
            "    def __init__(self, t, ttl):\n"
            "        self.opts: dict = {\n"
            "            'run_timeout': t,\n"
            "            # a comment stays with its key\n"
            "            'ttl': ttl,\n"
            "        }\n"
            "\n"
            "    def show(self):\n"
            "        return {\n"
            "            'run_id': 1,\n"
            "            'note': '''two\n"
            "lines''',\n"
            "        }\n")
    wrapped = wrap(text, {"Cron": {"opts": "Cron.opts"}}, {"Cron.show": "Cron.show()"}, "'", 88)
    assert ("        self.opts: dict = _deprecated_keys(\n"
            "            {\n"
            "                'run_timeout': t,\n"
            "                # a comment stays with its key\n"
            "                'ttl': ttl,\n"
            "            },\n"
            "            'Cron.opts',\n"
            "        )\n") in wrapped
    assert "        return _deprecated_keys({\n            'run_id': 1,\n" in wrapped  # the string's lines stay
    assert "lines''',\n        }, 'Cron.show()')\n" in wrapped
    assert unwrap(wrapped) == text
    part = wrapped.split("    def show")[0]
    (tmp_path / "cron.py").write_text(part.rstrip() + "\n")
    (tmp_path / "ruff.toml").write_text('[format]\nquote-style = "single"\n')
    done = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "--diff", str(tmp_path / "cron.py")],
                          capture_output=True, text=True, cwd=tmp_path)  # ruff: a test dependency
    assert done.returncode == 0, done.stdout
