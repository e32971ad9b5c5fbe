"""The term matcher: examples and properties (hypothesis)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from runsmig.recipe.model import Term
from runsmig.terms import TermEngine

JOB = Term("job", "jobs", "run", "runs")
ENGINE = TermEngine((JOB,), {}, ("n_jobs",))


@pytest.mark.parametrize(
    "before, after",
    [
        ("job_id", "run_id"),
        ("jobId", "runId"),
        ("JobId", "RunId"),
        ("JOB_ID", "RUN_ID"),
        ("job-id", "run-id"),
        ("jobs_dir", "runs_dir"),
        ("useDocumentJobsQuery", "useDocumentRunsQuery"),
        ("ADE_JOBS_DIR", "ADE_RUNS_DIR"),
        ("JobsService", "RunsService"),
        ("JobStatus", "RunStatus"),
        ("retry_of_job_id", "retry_of_run_id"),
        ("/workspaces/{id}/jobs", "/workspaces/{id}/runs"),
        ("A job's status. Jobs run; JOBS too.", "A run's status. Runs run; RUNS too."),
        ("XMLJob", "XMLRun"),
        ("JOBs", "RUNs"),
        ("job2", "run2"),
    ],
)
def test_examples(before, after):
    assert ENGINE.rewrite(before) == after
    assert ENGINE.find(before)


@pytest.mark.parametrize("word", ["jobserver", "subjob", "Jobsite", "jobless", "nojobs", "JOBSTATUS", "jOb", "n_jobs", "blowjob"])
def test_not_the_term(word):
    assert ENGINE.find(word) == []
    assert ENGINE.rewrite(word) == word


def test_symbols_override_and_keep():
    eng = TermEngine((JOB,), {"JobsService": "RunsService", "enqueue_job": "start_run"}, ("n_jobs",))
    assert eng.rewrite("enqueue_job(n_jobs=2)") == "start_run(n_jobs=2)"
    m = eng.find("enqueue_job")
    assert len(m) == 1 and m[0].term is None and m[0].replacement == "start_run"


def test_a_kept_snake_name_keeps_its_kebab_spelling():
    eng = TermEngine((JOB,), {}, ("job_id",))
    assert eng.rewrite('option("--job-id") job_id') == 'option("--job-id") job_id'
    # another name: a longer kebab word, or one joined to a word before it
    assert eng.rewrite("--job-id-prefix x-job-id my_job_id") == "--run-id-prefix x-run-id my_run_id"


def test_prefilter_is_case_insensitive():
    assert ENGINE.may_contain(b"x = JOB")
    assert ENGINE.may_contain("Jobs")
    assert not ENGINE.may_contain(b"runs only")


# -- properties -------------------------------------------------------------------
WORDS = st.sampled_from(["user", "input", "document", "config", "status", "id", "dir", "query", "service", "use", "retry", "of"])
TERMS = st.sampled_from(["job", "jobs"])
PART = st.one_of(WORDS, TERMS)
CONVENTION = st.sampled_from(["snake", "camel", "pascal", "upper", "kebab"])


def _join(parts: list[str], conv: str) -> str:
    if conv == "snake":
        return "_".join(parts)
    if conv == "upper":
        return "_".join(p.upper() for p in parts)
    if conv == "kebab":
        return "-".join(parts)
    if conv == "pascal":
        return "".join(p.capitalize() for p in parts)
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


@given(st.lists(PART, min_size=1, max_size=5), CONVENTION)
def test_identifier_parts_are_replaced_in_every_convention(parts, conv):
    ident = _join(parts, conv)
    expected = _join([{"job": "run", "jobs": "runs"}.get(p, p) for p in parts], conv)
    assert ENGINE.rewrite(ident) == expected
    assert len(ENGINE.find(ident)) == sum(p in ("job", "jobs") for p in parts)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4),
       st.text(alphabet="acdefghiklmnopqrtuvwxyz", min_size=1, max_size=4))
def test_letters_glued_to_the_term_never_match(before, after):
    # lower-case letters on both sides make another word (subjobx, xjobsy)
    for core in ("job", "jobs"):
        word = before + core + after
        assert ENGINE.find(word) == []


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("jobsJOBSrunRUN _-./:'\"\n\tXxAaé")), max_size=40))
def test_rewrite_leaves_no_term_and_check_agrees(text):
    out = ENGINE.rewrite(text)
    # after a rewrite, check finds nothing (idempotence at the text level)
    assert ENGINE.find(out) == []
    # check and rewrite never disagree: a text changes iff check reports something
    assert (out != text) == bool(ENGINE.find(text))


@given(st.sampled_from(["job", "Job", "JOB", "jobs", "Jobs", "JOBS"]))
def test_case_and_number_preserved(word):
    out = ENGINE.rewrite(word)
    assert out.lower() == ("runs" if word.lower() == "jobs" else "run")
    assert out.isupper() == word.isupper()
    assert out[0].isupper() == word[0].isupper()


@given(st.text(max_size=60))
def test_matches_are_sorted_and_disjoint(text):
    ms = ENGINE.find(text)
    for a, b in zip(ms, ms[1:]):
        assert a.end <= b.start
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert re.fullmatch("(?i)jobs?", m.text)


def test_paths_that_may_hold_finds_each_path_once():
    from runsmig.recipe.model import Term
    from runsmig.terms import TermEngine

    engine = TermEngine((Term("job", "jobs", "run", "runs"),), {"Widget": "Gadget"})
    rels = ["a/jobs/x.py", "JOB.md", "b/c.py", "Widget.ts", "widgets/x", "d/ajobx/e", "", "ok/run.py", "x/Widget"]
    # any case for terms, inside other words too; a symbol only as a whole, case-sensitive word
    assert engine.paths_that_may_hold(rels) == {"a/jobs/x.py", "JOB.md", "Widget.ts", "d/ajobx/e", "x/Widget"}


def test_a_term_inside_encoded_data_is_not_the_term():
    """base64, hex and keys: random letters may spell the term; in such a run they are chance (the
    run is never rewritten, never reported, never printed whole)."""
    import base64
    import random

    from runsmig.recipe.model import Term
    from runsmig.terms import TermEngine, encoded_spans

    rnd = random.Random(7)
    blob = base64.b64encode(bytes(rnd.randrange(256) for _ in range(120))).decode()
    blob = blob[:50] + "JobS" + blob[54:]
    eng = TermEngine((Term("job", "jobs", "run", "runs"),))
    text = f'DATA = "{blob}"  # the job blob\n'
    assert [m.text for m in eng.find(text)] == ["job"]  # only the comment's word
    assert encoded_spans(blob) == [(0, len(blob))]
    # words, paths and long identifiers are not encoded data
    for word in ("apps/ade-web/src/screens/Workspace/sections/Documents/components/JobsPanelComponent",
                 "SOME_VERY_LONG_ENVIRONMENT_VARIABLE_NAME_FOR_THE_JOB_QUEUE_WORKER_SETTINGS_2024"):
        assert encoded_spans(word) == [] and eng.find(word)
