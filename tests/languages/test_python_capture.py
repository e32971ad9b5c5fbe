"""Capture in every Python scope (issue #19, item 3): a rename into a name that an enclosing or
enclosed scope binds at one of the uses is a ``conflict`` (the name is kept, all its uses), both
ways: the renamed binding's uses would be captured by an inner binding of the new name, or the
renamed binding would capture a use of an outer binding of the new name."""

from __future__ import annotations

import textwrap

import pytest

from tests.languages.test_python import new_text, one, rules

CAPTURED = {
    # (a) an inner binding of the new name would capture the renamed binding's uses
    "function_local": """
        job_count = 1

        def a():
            run_count = 2
            return job_count + run_count
        """,
    "closure_local": """
        def b():
            def inner():
                run_total = 0
                return job_total + run_total
            job_total = 5
            return inner()
        """,
    "comprehension_variable": """
        def d(jobs):
            return [runs for runs in range(3) if jobs]
        """,
    "generator_variable": """
        def d(job_limit):
            return sum(run_limit for run_limit in range(3) if run_limit < job_limit)
        """,
    "lambda_parameter": """
        def h(jobs):
            return lambda runs: runs + jobs
        """,
    "walrus_then_comprehension": """
        def w(items):
            if (job_n := len(items)):
                return [run_n for run_n in items if job_n]
            return 0
        """,
    "match_capture_pattern": """
        job_v = 1

        def mt(x):
            match x:
                case [run_v]:
                    return run_v + job_v
            return 0
        """,
    "except_as": """
        job_err = None

        def f():
            try:
                pass
            except ValueError as run_err:
                return job_err, run_err
        """,
    "for_target_in_function": """
        job_item = 0

        def f(xs):
            for run_item in xs:
                print(run_item, job_item)
        """,
    "class_body_binding": """
        job_limit = 9

        class K:
            run_limit = 1
            x = job_limit
        """,
    "nested_class_in_function": """
        def f():
            job_cfg = 1

            class C:
                run_cfg = 2
                value = job_cfg
            return C
        """,
    # (b) the renamed binding would capture a use of an outer binding of the new name
    "closure_reads_outer": """
        run_size = 3

        def c():
            job_size = 4
            def g():
                return run_size
            return job_size + g()
        """,
    "comprehension_reads_outer": """
        runs = [1]

        def f():
            jobs = 2
            return [x for x in range(3) if x in runs and x < jobs]
        """,
    "lambda_reads_outer": """
        run_id = 7

        def f(job_id):
            return (lambda: run_id)(), job_id
        """,
    "global_declaration": """
        def e():
            global job_g
            job_g = 1
            run_g = 2
            return job_g, run_g
        """,
    "nonlocal_declaration": """
        def o():
            job_x = 0
            def i():
                nonlocal job_x
                job_x += 1
                run_x = 2
                return run_x
            return i
        """,
    # found by the long property run: a declared name would meet a parameter (a syntax error)
    "nonlocal_beside_parameter": """
        def f():
            job = 1
            def g(run):
                nonlocal job
                job = 2
            return g
        """,
    "global_beside_parameter": """
        def h(run_x):
            global job_x
            job_x = run_x
        """,
    "global_of_an_unbound_name_meets_a_local": """
        def f():
            global job_id
            run_id = 'd1'
        """,
    "global_of_an_unbound_name_read_in_function": """
        def f(jobs):
            def runs():
                global jobs
                return jobs
            return runs
        """,
    "global_of_an_unbound_name_hides_an_enclosing_one": """
        def f():
            def run_id(x):
                global job_id
                return run_id
            return run_id
        """,
    "global_of_an_unbound_name_meets_a_match_capture": """
        def f():
            match 'd4':
                case job_id:
                    pass
            def g():
                global job_id
                return job_id
            return g
        """,
}

NOT_CAPTURED = {
    # a class body does not enclose its methods: the method reads the module's name
    "class_body_does_not_enclose_methods": ("""
        job_limit = 9

        class K:
            run_limit = 1

            def m(self):
                return job_limit
        """, "run_limit = 9"),
    # the outermost iterable of a comprehension is evaluated in the enclosing scope
    "comprehension_first_iterable": ("""
        def d(job_limit):
            return sum(run_limit for run_limit in range(job_limit))
        """, "range(run_limit)"),
    "sibling_functions": ("""
        def a():
            run_v = 1
            return run_v

        def b():
            job_v = 2
            return job_v
        """, "run_v = 2"),
    "comprehension_scope_is_its_own": ("""
        job_i = 1
        ys = [run_i for run_i in range(3)]
        z = job_i
        """, "z = run_i"),
    "both_renamed_alike": ("""
        jobs = []

        def f(jobs):
            return [job for job in jobs]
        """, "return [run for run in runs]"),
    "global_declared_both": ("""
        job_g = 0

        def e():
            global job_g
            job_g = 1
        """, "global run_g"),
}


@pytest.mark.parametrize("name", sorted(CAPTURED))
def test_capture_is_a_conflict_and_nothing_is_renamed(tmp_path, name):
    src = CAPTURED[name]
    o = one(tmp_path, src)
    text = textwrap.dedent(src).lstrip("\n")
    assert new_text(o) in ("", text), new_text(o)
    conflicts = rules(o, "conflict")
    assert conflicts and "would collide" in conflicts[0].message, [f.message for f in o.reported]


@pytest.mark.parametrize("name", sorted(NOT_CAPTURED))
def test_no_capture_is_renamed(tmp_path, name):
    src, expected = NOT_CAPTURED[name]
    o = one(tmp_path, src)
    assert expected in new_text(o), new_text(o)
    assert "job" not in new_text(o).lower()
    assert not rules(o, "conflict")
