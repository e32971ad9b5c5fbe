"""Renamed members' aliases are not listed by ``dir()`` of an instance (issue #22): the generated
compat module is imported by a small package in a fresh interpreter. Every renamed member keeps its
old name as a forwarding descriptor on its class (``cls.old``, ``super().old``; no hook on the
instances' reads or writes, so no cost on other names), left out of ``dir(instance)``; ``dir(cls)``
(the metaclass's) lists it. Access, writes, deletes, warnings and subclass overrides keep working,
with a class's own ``__getattr__``/``__dir__``/``__setattr__`` and with ``__slots__``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runsmig.compat import pyruntime

MEMBERS = {"pkg.m": {
    "Plain": {"job_store": "run_store", "fetch_job": "fetch_run", "job_count": "run_count",
              "job_limit": "run_limit", "from_jobs": "from_runs"},
    "Slotted": {"job_id": "run_id"},
    "Hooked": {"job_tag": "run_tag"},
}}

MODULE = '''
class Plain:
    run_limit = 3

    def __init__(self):
        self.run_store = {"a": 1}

    def fetch_run(self):
        return "fetched"

    @property
    def run_count(self):
        return len(self.run_store)

    @property
    def broken(self):
        raise AttributeError("broken inside")

    @classmethod
    def from_runs(cls):
        return cls()


class Base:
    pass


class Derived(Base):
    def __init__(self):
        self.run_store = 1


class Slotted:
    __slots__ = ("run_id",)

    def __init__(self):
        self.run_id = "a"


class Hooked:
    def __init__(self):
        self.run_tag = "t"

    def __getattr__(self, name):
        if name.startswith("dyn_"):
            return name
        raise AttributeError(f"no {name}")

    def __dir__(self):
        return list(object.__dir__(self)) + ["dyn_x"]
'''


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("listing")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    members = {**MEMBERS, "pkg.m": {**MEMBERS["pkg.m"], "Derived": {"job_store": "run_store"}}}
    (root / "pkg" / "_deprecated_aliases.py").write_text(
        pyruntime.module_text("pkg", "r", "2.0", {}, members, {}, {}, {}, {}, []))
    (root / "pkg" / "m.py").write_text(MODULE + "\n\n" + pyruntime.hook("pkg._deprecated_aliases", "2.0"))
    return root


def run(root: Path, code: str) -> dict:
    script = textwrap.dedent("""
        import json, warnings
        warnings.simplefilter("always")
        _log = warnings.catch_warnings(record=True).__enter__()
        def warned():
            msgs = [str(w.message) for w in _log if issubclass(w.category, DeprecationWarning)]
            _log.clear()
            return msgs
        from pkg.m import Plain, Base, Derived, Slotted, Hooked
        out = {}
    """) + textwrap.dedent(code) + "\nprint(json.dumps(out, default=str))\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_dir_lists_no_alias_of_an_instance(pkg):
    out = run(pkg, """
        p, s, h = Plain(), Slotted(), Hooked()
        olds = {"job_store", "fetch_job", "job_count", "job_limit", "from_jobs", "job_id", "job_tag"}
        out["instances"] = sorted(olds & (set(dir(p)) | set(dir(s)) | set(dir(h))))
        out["new"] = sorted({"run_store", "fetch_run", "run_count", "run_limit", "from_runs"} - set(dir(p)))
        out["own_dir"] = "dyn_x" in dir(h)
        out["classes"] = sorted(olds & (set(dir(Plain)) | set(dir(Slotted)) | set(dir(Hooked))))
        out["derived"] = sorted(set(dir(Derived)) - set(dir(Base)))
        out["warned"] = warned()
    """)
    assert out["instances"] == [] and out["new"] == [] and out["own_dir"] is True
    # the descriptors are on the classes, and the metaclass's dir() lists what classes hold
    assert out["classes"] == ["fetch_job", "from_jobs", "job_count", "job_id", "job_limit", "job_store", "job_tag"]
    assert out["derived"] == ["job_store"]
    assert out["warned"] == []  # listing reads no alias


def test_old_names_read_write_delete_with_a_warning(pkg):
    out = run(pkg, """
        p = Plain()
        out["read"] = [p.job_store, p.fetch_job(), p.job_count, p.job_limit, Plain.job_limit,
                       type(Plain.from_jobs()).__name__]
        out["read_warned"] = warned()
        p.job_store = {"b": 2, "c": 3}
        out["write"] = [p.run_store, p.run_count, "job_store" in vars(p), warned()]
        del p.job_store
        out["deleted"] = [hasattr(p, "run_store"), warned()]
        s = Slotted()
        s.job_id = "b"
        out["slot"] = [s.run_id, s.job_id, len(warned())]
        out["new_only"] = [Plain().run_store, Plain().fetch_run(), warned()]
    """)
    assert out["read"] == [{"a": 1}, "fetched", 1, 3, 3, "Plain"]
    for old in ("Plain.job_store", "Plain.fetch_job", "Plain.job_count", "Plain.job_limit", "Plain.from_jobs"):
        assert any(m.startswith(f"pkg.m.{old} is deprecated, use pkg.m.Plain.") for m in out["read_warned"]), old
    assert out["write"] == [{"b": 2, "c": 3}, 2, False, [
        "pkg.m.Plain.job_store is deprecated, use pkg.m.Plain.run_store instead; it will be removed in 2.0"]]
    assert out["deleted"][0] is False and len(out["deleted"][1]) == 1
    assert out["slot"] == ["b", "b", 2]
    assert out["new_only"] == [{"a": 1}, "fetched", []]


def test_missing_names_fail_as_before(pkg):
    out = run(pkg, """
        for obj, name in ((Plain(), "nope"), (Plain(), "broken"), (Hooked(), "nope")):
            try:
                getattr(obj, name)
            except AttributeError as exc:
                out[name + type(obj).__name__] = str(exc)
        out["dyn"] = Hooked().dyn_y
        out["tag"] = [Hooked().job_tag, warned()]
    """)
    assert out["nopePlain"] == "'Plain' object has no attribute 'nope'"
    assert out["brokenPlain"] == "broken inside"  # a property's own error is not masked
    assert out["nopeHooked"] == "no nope" and out["dyn"] == "dyn_y"
    assert out["tag"] == ["t", [("pkg.m.Hooked.job_tag is deprecated, use pkg.m.Hooked.run_tag instead; "
                                 "it will be removed in 2.0")]]


def test_subclasses(pkg):
    out = run(pkg, """
        class Mine(Plain):
            job_limit = 9
            def fetch_job(self):
                return "mine:" + super().fetch_job()
        out["defined"] = warned()
        m = Mine()
        out["override"] = [m.fetch_run(), m.run_limit, "fetch_job" in dir(m), "job_store" in dir(m), len(warned())]

        class OwnHooks(Plain):
            def __getattr__(self, name):
                return "own:" + name
            def __setattr__(self, name, value):
                object.__setattr__(self, name, value)
            def __dir__(self):
                return ["only", "job_count"]
        o = OwnHooks()
        o.job_store = {"z": 0}
        out["own"] = [o.job_store, o.run_store, o.other, dir(o), len(warned())]

        class Logged:
            def __setattr__(self, name, value):
                object.__setattr__(self, "log", getattr(self, "log", []) + [name])
                object.__setattr__(self, name, value)
        class Both(Plain, Logged):  # the next __setattr__ after Plain's in Both's MRO is Logged's
            pass
        b = Both()
        b.job_store = {}
        out["mro"] = [b.log, b.run_store, len(warned())]
    """)
    assert len(out["defined"]) == 2 and all("(overrides pkg.m.Plain." in m for m in out["defined"])
    assert out["override"] == ["mine:fetched", 9, True, False, 1]  # super().fetch_job() warns
    assert out["own"] == [{"z": 0}, {"z": 0}, "own:other", ["only"], 2]
    # the old name is written through the MRO's __setattr__ (Logged's), then the descriptor writes the new one
    assert out["mro"] == [["run_store", "job_store", "run_store"], {}, 1]
