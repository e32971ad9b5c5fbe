"""Small units: recipe section, stored-path rewriting, journal reading, .env rewriting, names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runsmig.errors import OperationError, RecipeError, RefusedError
from runsmig.recipe.load import load_recipe
from runsmig.storage import journal as jr
from runsmig.storage.config import JobsTable, PathColumn, RunsTable
from runsmig.storage.dbpaths import Dest, PathRewriter
from runsmig.storage.envfile import apply_env, plan_env
from runsmig.storage.names import name_problem
from tests.storage.builders import SNIPPET, write_recipe

HEAD = "version: 1\nname: x\nterms:\n  - {from: job, to: run}\n"


# -- recipe section ---------------------------------------------------------------------------
def test_snippet_parses_to_the_ade_values(tmp_path):
    cfg = load_recipe(write_recipe(tmp_path)).sections["storage"]
    assert cfg.jobs == JobsTable("jobs", "id", "trace_id", without_run="keep")
    assert cfg.runs == RunsTable("runs", "id")
    assert cfg.paths == (PathColumn("jobs", "artifact_uri"), PathColumn("jobs", "logs_uri"), PathColumn("jobs", "output_uri"))
    assert cfg.env_keys == (("ADE_JOBS_DIR", "ADE_RUNS_DIR"),)
    assert cfg.env_values == (("data/jobs", "data/runs"),)
    assert cfg.orphans_dir == "runs-orphans"
    assert SNIPPET.read_text().startswith("#")


@pytest.mark.parametrize(
    "section, message, line, col",
    [
        ("storage:\n  jobs: {table: jobs, id: id}\n", "missing required key 'run'", 7, 9),
        ("storage:\n  jobs: {table: jobs, id: 'id; drop table runs', run: trace_id}\n", "not a plain SQL identifier", 7, 27),
        ("storage:\n  runs: {table: runs, id: id}\n  colour: red\n", "unknown key", 8, 3),
        ("storage:\n  paths:\n    - {table: jobs, column: a}\n    - {table: jobs, column: a}\n", "listed twice", 9, 7),
        ("storage:\n  orphans_dir: ../x\n", "single folder name", 7, 16),
        ("storage:\n  jobs: {table: jobs, id: id, run: trace_id, without_run: drop}\n", "not one of: keep, orphan", 7, 59),
        ("storage:\n  env:\n    - {from: ADE-JOBS, to: ADE_RUNS_DIR}\n", "not an environment variable", 8, 14),
        ("storage:\n  env_values:\n    - {from: data/../jobs, to: data/runs}\n", "path segments", 8, 14),
    ],
)
def test_section_errors_name_file_line_col(tmp_path, section, message, line, col):
    p = tmp_path / "recipe.yaml"
    p.write_text(HEAD + "description: d\n" + section)
    with pytest.raises(RecipeError) as info:
        load_recipe(p)
    assert message in info.value.message
    assert (info.value.path, info.value.line, info.value.col) == (str(p), line, col)


# -- stored paths ------------------------------------------------------------------------------
def _rw():
    moves = {
        "J1": Dest("/srv/data/runs", "run_1", True),
        "run_2": Dest("/srv/data/runs", "run_2", True),
        "O1": Dest("/srv/data/runs-orphans", "O1", False),
    }
    return PathRewriter([("/srv/data/jobs", "/srv/data/runs"), ("data/jobs", "data/runs")], moves)


@pytest.mark.parametrize(
    "old, new",
    [
        ("J1/logs/artifact.json", "run_1/logs/artifact.json"),
        ("J1/output", "run_1/output"),
        ("J1", "run_1"),
        ("run_2/logs/events.ndjson", "run_2/logs/events.ndjson"),  # keeps its name, relative: unchanged
        ("/srv/data/jobs/run_2/logs/e", "/srv/data/runs/run_2/logs/e"),
        ("/srv/data/jobs/J1/logs/e", "/srv/data/runs/run_1/logs/e"),
        ("data/jobs/J1/output", "data/runs/run_1/output"),
        ("/srv/data/jobs/O1/logs/e", "/srv/data/runs-orphans/O1/logs/e"),
        ("/srv/data/jobs/UNKNOWN/x", "/srv/data/jobs/UNKNOWN/x"),  # a folder that stays
        ("/srv/data/jobsx/J1/x", "/srv/data/jobsx/J1/x"),  # not the old root
        ("/elsewhere/J1/x", "/elsewhere/J1/x"),
        ("J10/logs", "J10/logs"),  # segment match, not prefix match
    ],
)
def test_path_rewriter(old, new):
    assert _rw().rewrite(old) == new


def test_path_rewriter_is_idempotent_on_its_output():
    rw = _rw()
    for v in ("J1/logs/a", "/srv/data/jobs/J1/x", "data/jobs/J1/output"):
        once = rw.rewrite(v)
        assert rw.rewrite(once) == once


# -- journal -----------------------------------------------------------------------------------
def test_journal_torn_last_line_is_ignored_but_damage_elsewhere_is_not(tmp_path):
    p = tmp_path / "j"
    ops = [{"op": "move", "src": "/a/x", "dst": "/b/x", "seq": 1}]
    j = jr.Journal.create(p, {"h": 1}, ops)
    j.append({"done": 1})
    j.close()
    with open(p, "ab") as f:
        f.write(b'{"db_do')  # killed in the middle of a write
    st = jr.read(p)
    assert st.ops == ops and st.done_upto == 1 and not st.db_done
    lines = p.read_bytes().split(b"\n")
    lines[1] = b"garbage"
    p.write_bytes(b"\n".join(lines))
    with pytest.raises(OperationError):
        jr.read(p)


def test_journal_missing_plan_end_is_damage(tmp_path):
    p = tmp_path / "j"
    jr.Journal.create(p, {}, [{"op": "rmdir", "path": "/x", "seq": 1}]).close()
    text = p.read_text().replace('{"plan_end":1}\n', "")
    p.write_text(text)
    with pytest.raises(OperationError, match="incomplete"):
        jr.read(p)


def test_journal_create_leaves_no_temporary(tmp_path):
    jr.Journal.create(tmp_path / "j", {}, []).close()
    assert sorted(os.listdir(tmp_path)) == ["j"]


# -- .env --------------------------------------------------------------------------------------
KEYS = (("ADE_JOBS_DIR", "ADE_RUNS_DIR"),)
VALUES = (("data/jobs", "data/runs"),)


def _rewrite(tmp_path: Path, data: bytes) -> tuple[bytes, list]:
    p = tmp_path / ".env"
    p.write_bytes(data)
    notes: list[str] = []
    ops = plan_env(p, KEYS, VALUES, notes)
    apply_env(p, ops)
    return p.read_bytes(), notes


def test_env_keeps_everything_else_byte_for_byte(tmp_path):
    before = (
        b"# ADE settings\r\n"
        b"ADE_DOCUMENTS_DIR=./data/documents\r\n"
        b"# ADE_JOBS_DIR=./data/jobs\r\n"
        b"export ADE_JOBS_DIR = \"/srv/ade/data/jobs\"  # storage\r\n"
        b"ADE_JOBS_DIR_EXTRA=keep\r\n"
        b"ADE_PIP_CACHE_DIR=./data/cache/pip"  # no final newline
    )
    after, _ = _rewrite(tmp_path, before)
    assert after == (
        b"# ADE settings\r\n"
        b"ADE_DOCUMENTS_DIR=./data/documents\r\n"
        b"# ADE_RUNS_DIR=./data/runs\r\n"
        b"export ADE_RUNS_DIR = \"/srv/ade/data/runs\"  # storage\r\n"
        b"ADE_JOBS_DIR_EXTRA=keep\r\n"
        b"ADE_PIP_CACHE_DIR=./data/cache/pip"
    )
    again, _ = _rewrite(tmp_path, after)
    assert again == after


def test_env_value_segments_only(tmp_path):
    after, notes = _rewrite(tmp_path, b"ADE_JOBS_DIR=/srv/data/jobsite\n")
    assert after == b"ADE_RUNS_DIR=/srv/data/jobsite\n"
    assert any("kept as is" in n for n in notes)


def test_env_with_both_keys_is_refused(tmp_path):
    p = tmp_path / ".env"
    p.write_text("ADE_JOBS_DIR=./data/jobs\nADE_RUNS_DIR=./data/runs\n")
    with pytest.raises(RefusedError, match="both ADE_JOBS_DIR"):
        plan_env(p, KEYS, VALUES, [])


def test_env_keeps_mode_and_leaves_no_temporary(tmp_path):
    p = tmp_path / ".env"
    p.write_text("ADE_JOBS_DIR=./data/jobs\n")
    os.chmod(p, 0o600)
    apply_env(p, plan_env(p, KEYS, VALUES, []))
    assert p.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(tmp_path)) == [".env"]


def test_env_changed_between_plan_and_apply_is_refused(tmp_path):
    p = tmp_path / ".env"
    p.write_text("ADE_JOBS_DIR=./data/jobs\n")
    ops = plan_env(p, KEYS, VALUES, [])
    p.write_text("ADE_JOBS_DIR=/other\n")
    with pytest.raises(RefusedError):
        apply_env(p, ops)
    assert p.read_text() == "ADE_JOBS_DIR=/other\n"


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["..", ".", "a/b", "a\\b", "", ".runsmig-tmp-1", " x", "x\x00"])
def test_unsafe_names(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", ["run_0123abcd", "01HZX3Q9W8K7", "job-1"])
def test_safe_names(name):
    assert name_problem(name) is None
