"""Keywords a library's public callable takes through ``**kwargs`` (fixtures/compat-py-kwargs-keys):
the keys it reads from that dict, and those of the callables it forwards ``**kwargs`` to, are
keyword parameters. Renamed, the old key still works with a warning (passed by name or in a dict
splatted into the call); it is never handed on silently as a stray keyword."""

from __future__ import annotations

from tests.compat.test_python_aliases import py
from tests.helpers import REPO, applied_case, git_copy, runsmig

CASE = REPO / "fixtures" / "compat-py-kwargs-keys"


def test_old_keys_of_kwargs_are_accepted_with_a_warning(tmp_path):
    work = applied_case(CASE, tmp_path)
    out = py(work, """
        from kwq import Queue, submit
        q = Queue()
        f = print
        out["new"] = [list(q.enqueue(f, 1, run_timeout=5, x=2)[1:]), warned()]
        out["old"] = [list(q.enqueue(f, 1, job_timeout=5, x=2)[1:]), warned()]
        out["splat"] = list(q.enqueue(f, **{"job_timeout": 6, "job_label": "l"})[1:])
        out["forwarded"] = list(submit(q, f, job_timeout=8)[1:])
        out["warned"] = warned()
        try:
            q.enqueue(f, job_timeout=1, run_timeout=2)
        except TypeError as exc:
            out["both"] = str(exc)
    """)
    assert out["new"] == [[[1], {"x": 2}, 5, None], []]
    assert out["old"][0] == [[1], {"x": 2}, 5, None]
    assert out["old"][1] == [("parameter 'job_timeout' of kwq.queue.Queue.enqueue() is deprecated, use 'run_timeout' "
                              "instead; it will be removed in 2.0")]
    assert out["splat"] == [[], {}, 6, "l"]
    assert out["forwarded"] == [[], {}, 8, None]
    assert any("'job_label' of kwq.queue.Queue.enqueue()" in m for m in out["warned"])
    assert any("'job_timeout' of kwq.queue.submit()" in m for m in out["warned"])
    assert "got both 'job_timeout' (deprecated) and 'run_timeout'" in out["both"]


def test_a_dict_attribute_whose_keys_are_renamed_answers_its_old_keys(tmp_path):
    """The reverse direction, a dict the library builds and its users read (``q.defaults['job_timeout']``):
    the plan lists its renamed key among the public names, and the old key still reads, with a warning
    (runsmig.compat.pykeys; fixtures/compat-py-dict-keys has the rest)."""
    work = git_copy(CASE / "before", tmp_path / "lib")
    err = runsmig("plan", str(work), "--recipe", str(CASE / "recipe.yaml"), check_rc=0).stderr.decode()
    assert "dictkey kwq.queue.Queue.defaults['job_timeout'] -> kwq.queue.Queue.defaults['run_timeout']" in err
    work = applied_case(CASE, tmp_path / "applied")
    out = py(work, """
        from kwq import Queue
        d = Queue().defaults
        out["read"] = [d.get("job_timeout"), d["run_timeout"], list(d), warned()]
    """)
    assert out["read"] == [180, 180, ["run_timeout", "ttl"], [
        ("key 'job_timeout' of kwq.queue.Queue.defaults is deprecated, use 'run_timeout' instead; it will be "
        "removed in 2.0")]]
