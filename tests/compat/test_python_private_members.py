"""Single-underscore members of a public class (fixtures/compat-py-private-members) are aliased like
public ones: a downstream project that drives or subclasses the class (``scheduler._cron_jobs``, an
override of ``_enqueue_job``) keeps working with a warning. Mangled ``__names`` are not aliased."""

from __future__ import annotations

from tests.compat.test_python_aliases import py
from tests.helpers import REPO, applied_case

CASE = REPO / "fixtures" / "compat-py-private-members"


def test_private_members_keep_their_old_names(tmp_path):
    work = applied_case(CASE, tmp_path)
    out = py(work, """
        from privq import Scheduler
        s = Scheduler()
        out["new"] = [s._enqueue_run("a"), list(s._cron_runs), Scheduler._default_run_ttl, warned()]
        out["old"] = [s._enqueue_job("b"), list(s._cron_jobs), Scheduler._default_job_ttl]
        out["warned"] = warned()

        class Mine(Scheduler):
            def _enqueue_job(self, job):
                return "mine"

        out["override"] = [Mine()._enqueue_run("c"), len(warned())]
        out["mangled"] = hasattr(s, "_Scheduler__job_lock")
    """)
    assert out["new"] == [1, ["a"], 60, []]
    assert out["old"] == [2, ["a", "b"], 60]
    assert len(out["warned"]) == 3 and all("is deprecated, use privq.sched.Scheduler._" in m for m in out["warned"])
    assert out["override"] == ["mine", 1]
    assert out["mangled"] is False
