"""Deprecated aliases of coroutine functions (fixtures/compat-py-async): the wrapper that accepts a
renamed keyword under its old name is itself a coroutine function, so callers that test it
(``asyncio.iscoroutinefunction``, asgiref's ``async_to_sync``) still see one, on every Python (no
``inspect.markcoroutinefunction`` before 3.12); a plain method stays plain."""

from __future__ import annotations

from tests.compat.test_python_aliases import py
from tests.helpers import REPO, applied_case

CASE = REPO / "fixtures" / "compat-py-async"


def test_coroutine_functions_stay_coroutine_functions(tmp_path):
    work = applied_case(CASE, tmp_path)
    out = py(work, """
        import asyncio, inspect
        from asyncq.manager import Manager, finish_run
        m = Manager()
        out["kinds"] = [inspect.iscoroutinefunction(finish_run), asyncio.iscoroutinefunction(m.retry_run_by_id),
                        inspect.iscoroutinefunction(Manager.retry_job_by_id), inspect.iscoroutinefunction(m.count_runs)]
        out["member"] = warned()  # the old method name read above
        out["new"] = [asyncio.run(finish_run(run_id=1, status="ok")), warned()]
        out["old"] = [asyncio.run(finish_run(job_id=2, status="ok")), asyncio.run(m.retry_run_by_id(job_id=3, delay=1)),
                      m.count_runs(job_id=4)]
        out["warned"] = warned()
        try:
            asyncio.run(finish_run(job_id=1, run_id=1, status="ok"))
        except TypeError as exc:
            out["both"] = str(exc)
    """)
    assert out["kinds"] == [True, True, True, False]
    assert len(out["member"]) == 1 and "Manager.retry_job_by_id is deprecated" in out["member"][0]
    assert out["new"] == [[1, "ok"], []]
    assert out["old"] == [[2, "ok"], [3, 1], 4]
    assert any("parameter 'job_id' of asyncq.manager.finish_run() is deprecated, use 'run_id'" in m
               for m in out["warned"])
    assert any("asyncq.manager.Manager.retry_run_by_id()" in m for m in out["warned"])
    assert "got both 'job_id' (deprecated) and 'run_id'" in out["both"]
