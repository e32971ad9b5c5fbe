"""Ownership follows the target (issue #19, item 1): a keyword or attribute that hangs off a
third-party call is third-party only when what it binds to resolves outside the checkout.
Through functools.partial, wraps, forwarders of **kwargs, typing.cast, isinstance narrowing
and annotations it is ours when the target is ours; undecidable places are follow-ups, never
``external``."""

from __future__ import annotations

import textwrap

import pytest

from tests.languages.test_python import new_text, outcomes, recipe, rules, tree

MODELS = """
    class Manager:
        def __init__(self, job_limit=1):
            self.jobs = []
            self.job_limit = job_limit


    def own_factory(name, job_manager=None):
        return name, job_manager


    def open_factory(name, **kwargs):
        return name, kwargs
"""


def run_use(tmp_path, src: str):
    got = outcomes(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/use.py": src})
    models = new_text(got["app/models.py"])
    assert "run_manager" in models and "self.runs" in models and "run_limit" in models  # the definitions move
    return got["app/use.py"]


def externals(o) -> list[str]:
    return [f.text for f in rules(o, "external")]


# -- ours when the target is ours ------------------------------------------------------
OURS = [
    ("import functools\nfrom app.models import own_factory\nmake = functools.partial(own_factory, job_manager=None)\n",
     "make = functools.partial(own_factory, run_manager=None)"),
    ("from functools import partial\nfrom app.models import own_factory\nmake = partial(own_factory, job_manager=None)\n",
     "make = partial(own_factory, run_manager=None)"),
    ("from functools import partial as bind\nfrom app.models import own_factory\nbind(own_factory, job_manager=1)()\n",
     "bind(own_factory, run_manager=1)()"),
    ("import functools\nfrom app.models import Manager\nfunctools.partial(Manager, job_limit=2)().jobs\n",
     "functools.partial(Manager, run_limit=2)().runs"),
    ("import typing\nfrom app.models import Manager\ndef use(x):\n    return typing.cast(Manager, x).jobs\n",
     "return typing.cast(Manager, x).runs"),
    ("from typing import cast\nfrom app.models import Manager\ndef use(x):\n    return cast(Manager, x).jobs\n",
     "return cast(Manager, x).runs"),
    ("from typing import cast\nfrom app.models import Manager\ndef use(x):\n    return cast('Manager', x).job_limit\n",
     "return cast('Manager', x).run_limit"),
    ("import functools\nfrom app.models import own_factory\n"
     "def impl(*a, **k):\n    return own_factory(*a, **k)\nfunctools.wraps(own_factory)(impl)('a', job_manager=1)\n",
     "functools.wraps(own_factory)(impl)('a', run_manager=1)"),
    ("import asyncio\nfrom app.models import own_factory\nasyncio.to_thread(own_factory, 'a', job_manager=1)\n",
     "asyncio.to_thread(own_factory, 'a', run_manager=1)"),
    ("from concurrent.futures import ThreadPoolExecutor\nfrom app.models import own_factory\n"
     "pool = ThreadPoolExecutor()\npool.submit(own_factory, 'a', job_manager=1)\n",
     "pool.submit(own_factory, 'a', run_manager=1)"),
]


@pytest.mark.parametrize("src,expected", OURS, ids=["functools.partial", "partial", "partial-as", "partial-class",
                                                    "typing.cast", "cast", "cast-string", "wraps", "to_thread",
                                                    "submit"])
def test_ours_through_a_third_party_wrapper(tmp_path, src, expected):
    o = run_use(tmp_path, src)
    assert expected in new_text(o)
    assert not externals(o) or all("job" not in t for t in externals(o))
    assert not rules(o, "follow-up")


def test_defined_in_the_same_file(tmp_path):
    src = textwrap.dedent(MODELS) + "\n\nimport functools\nmake = functools.partial(own_factory, job_manager=None)\n"
    o = outcomes(tmp_path, {"app/__init__.py": "", "app/solo.py": src})["app/solo.py"]
    assert "functools.partial(own_factory, run_manager=None)" in new_text(o)
    assert "def own_factory(name, run_manager=None)" in new_text(o)


# -- narrowing and annotations over a variable that holds a third-party object -----------
def test_isinstance_narrows_a_third_party_variable(tmp_path):
    src = ("from rq.job import Job\nfrom app.models import Manager\nthing = Job.fetch('x')\nthing.jobs\n"
           "if isinstance(thing, Manager):\n    thing.jobs\n")
    o = run_use(tmp_path, src)
    text = new_text(o)
    assert "thing.jobs\nif" in text  # before the narrowing: rq's Job
    assert "    thing.runs\n" in text
    assert [f.line for f in rules(o, "external") if f.text == "jobs"] == [4]


def test_assert_isinstance_narrows_what_follows(tmp_path):
    src = ("from rq.job import Job\nfrom app.models import Manager\nthing = Job.fetch('x')\n"
           "assert isinstance(thing, (Manager, int))\nthing.job_limit\n")
    o = run_use(tmp_path, src)
    assert "thing.run_limit" in new_text(o)


def test_annotation_makes_the_variable_ours(tmp_path):
    src = ("from rq.job import Job\nfrom app.models import Manager\n"
           "def g(other: Manager | None):\n    other = Job.fetch('y')\n    return other.jobs\n"
           "thing: Manager\nthing = Job.fetch('x')\nthing.jobs\n")
    o = run_use(tmp_path, src)
    assert "return other.runs" in new_text(o)
    assert "thing.runs" in new_text(o)
    assert not [t for t in externals(o) if t.startswith("job") and t != "job"]


# -- a third-party call handed checkout code: judged by what that code declares --------------
def test_unknown_third_party_call_keyword_the_target_declares(tmp_path):
    src = "from somelib import schedule\nfrom app.models import own_factory\nschedule(own_factory, job_manager=1, job_timeout=3)\n"
    o = run_use(tmp_path, src)
    assert "schedule(own_factory, run_manager=1, job_timeout=3)" in new_text(o)
    assert [f.text for f in rules(o, "follow-up")] == ["job_manager"]  # renamed, listed for review
    assert "job_timeout" in externals(o)  # own_factory has no such parameter: schedule's own


def test_unknown_third_party_call_attribute_of_the_target(tmp_path):
    src = "from somelib import get_object_or_404\nfrom app.models import Manager\nget_object_or_404(Manager, job_limit=2).jobs\n"
    o = run_use(tmp_path, src)
    assert "get_object_or_404(Manager, run_limit=2).runs" in new_text(o)
    assert sorted(f.text for f in rules(o, "follow-up")) == ["job_limit", "jobs"]
    assert not externals(o) or "jobs" not in externals(o)


def test_undecidable_keyword_is_a_follow_up_not_external(tmp_path):
    src = ("import asyncio\nfrom somelib import schedule\nfrom app.models import open_factory\n"
           "schedule(open_factory, job_timeout=3)\n"
           "def f(cb):\n    return asyncio.to_thread(cb, job_manager=1)\n")
    o = run_use(tmp_path, src)
    assert o.status == "unchanged"
    assert sorted(f.text for f in rules(o, "follow-up")) == ["job_manager", "job_timeout"]
    assert not [t for t in externals(o) if t.startswith("job_")]


def test_check_points_at_the_undecidable_place(tmp_path):
    from runsmig.cli.check import build_report

    tree(tmp_path / "co", {"app/__init__.py": "", "app/use.py":
                           "import asyncio\n\ndef f(cb):\n    return asyncio.to_thread(cb, job_manager=1)\n"})
    rep = build_report(tmp_path / "co", recipe(tmp_path).source, workers=1)
    assert [(f.line, f.rule) for f in rep.findings] == [(4, "follow-up")]
    assert not rep.externals


# -- functools.partial binds like a direct call, even of a callable this file cannot resolve ------
BOUND = [
    ("import functools\ndef fixture(factory, pg):\n    return functools.partial(factory, job_manager=pg)\n",
     "return functools.partial(factory, run_manager=pg)"),
    ("from functools import partial as bind\ndef fixture(self):\n    return bind(self.make, job_manager=1)\n",
     "return bind(self.make, run_manager=1)"),
    ("import functools\nclass C:\n    def _impl(self, job_id):\n        pass\n"
     "    go = functools.partialmethod(_impl, job_id=1)\n",
     "go = functools.partialmethod(_impl, run_id=1)"),
]


@pytest.mark.parametrize("src,expected", BOUND, ids=["parameter", "attribute-alias", "partialmethod"])
def test_partial_of_an_unresolved_callable_renames_like_a_direct_call(tmp_path, src, expected):
    o = run_use(tmp_path, src)
    assert expected in new_text(o)
    direct = run_use(tmp_path / "direct", "def fixture(factory, pg):\n    return factory(job_manager=pg)\n")
    assert "factory(run_manager=pg)" in new_text(direct)  # the decision partial now shares
    assert not rules(o, "follow-up")
    assert not [t for t in externals(o) if t.startswith("job_")]


def test_partial_not_from_functools_is_still_undecided(tmp_path):
    src = "from somelib import partial\ndef fixture(factory):\n    return partial(factory, job_manager=1)\n"
    o = run_use(tmp_path, src)
    assert o.status == "unchanged"
    assert [f.text for f in rules(o, "follow-up")] == ["job_manager"]


# -- still third-party -------------------------------------------------------------------
NOOPS = [
    "import functools\nfrom somelib import fetch\nfunctools.partial(fetch, job_id=1)\n",
    "from functools import partial\nimport requests\npartial(requests.get, job_id=1)\n",
    "from typing import cast\nfrom rq.job import Job\ndef f(x):\n    return cast(Job, x).jobs_count\n",
    "from somelib import schedule\nschedule(print, job_timeout=3)\n",
    "from rq.job import Job\nfrom app.models import Manager\nthing = Job.fetch('x')\n"
    "if isinstance(thing, int):\n    thing.jobs\n",
]


@pytest.mark.parametrize("src", NOOPS, ids=["partial-of-third-party", "partial-of-attribute", "cast-to-third-party", "builtin-target",
                                             "narrowed-to-other"])
def test_still_third_party(tmp_path, src):
    o = run_use(tmp_path, src)
    assert o.status == "unchanged", new_text(o)
    assert not rules(o, "follow-up")
    assert any(t.startswith("job") for t in externals(o))


# -- annotated with a third-party class: its attributes are the package's --------------------
def test_annotated_third_party_parameter_keeps_its_attributes(tmp_path):
    src = ("from typing import Optional, Any\nfrom somelib import events\nfrom somelib.events import JobEvent\n"
           "from app.models import Manager\n"
           "def on_event(event: JobEvent, other: Optional[events.SubmitEvent], job_id: str):\n"
           "    return event.job_id, other.job_id, job_id\n"
           "def mixed(x: 'JobEvent | Manager', y: Any, z):\n    return x.jobs, y.jobs, z.jobs\n"
           "box: JobEvent = make()\nbox.job_id\n")
    o = run_use(tmp_path, src)
    text = new_text(o)
    assert "return event.job_id, other.job_id, run_id" in text  # the parameter is ours, its attributes not
    assert "box.job_id" in text
    assert "return x.runs, y.runs, z.runs" in text  # a union naming ours, Any, untyped: not third-party
    assert "job_id" in externals(o)
