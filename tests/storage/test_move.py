"""End-to-end: `python -m runsmig storage move` on a tree + database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from runsmig.storage import journal as jr
from runsmig.storage.plan import render
from tests.storage.builders import (
    build, check_result, cli, db_dump, stored_paths, tree_files, write_recipe,
)


def move_args(b, recipe: Path, *extra: str) -> list[str]:
    args = ["storage", "move", "--from", str(b.src), "--to", str(b.dst), "--recipe", str(recipe)]
    if b.db_url:
        args += ["--db", b.db_url]
    return args + list(extra)


def journal_ops(b) -> list[dict]:
    st = jr.read(b.dst.parent / ".runsmig-storage-runs.journal")
    assert st is not None and st.ended
    return st.ops


def test_move_maps_every_file_and_stored_path(tmp_path, db_url):
    b = build(tmp_path / "dep", db_url, n_run=8, n_job=9, n_orphan=2, n_norun=1, seed=3)
    recipe = write_recipe(tmp_path)
    before_paths = stored_paths(db_url)
    r = cli(*move_args(b, recipe, "--format", "json"))
    assert r.returncode == 0, r.stderr
    check_result(b, orphans="keep")
    doc = json.loads(r.stdout)
    # the job without a run keeps its id (without_run: keep): it moves like a run-named folder
    assert doc["renamed"] == 9 and doc["moved"] == 8 + 1 and doc["orphans"] == 2
    # the job-named folders' three stored paths changed; the others' absolute logs_uri too
    assert doc["db_rows"] == 9 * 3 + 8 + 1
    after = {(j, c): v for j, c, v in stored_paths(db_url)}
    for job, col, value in before_paths:
        new = after[(job, col)]
        assert "/data/jobs/" not in new or any(f"{o}/" in new for o in b.orphans)
    # second run: nothing to do, exit 0, tree unchanged
    snapshot = tree_files(b.dst)
    r2 = cli(*move_args(b, recipe, "--format", "json"))
    assert r2.returncode == 0, r2.stderr
    doc2 = json.loads(r2.stdout)
    assert doc2["moved"] == doc2["renamed"] == doc2["db_rows"] == 0
    assert tree_files(b.dst) == snapshot


def test_dry_run_changes_nothing_and_prints_the_journal(tmp_path, db_url):
    b = build(tmp_path / "dep", db_url, n_run=4, n_job=5, n_orphan=2, seed=5)
    recipe = write_recipe(tmp_path)
    tree_before = tree_files(tmp_path / "dep")
    db_before = db_dump(db_url)
    text = cli(*move_args(b, recipe, "--dry-run", "--orphans", "quarantine"))
    js = cli(*move_args(b, recipe, "--dry-run", "--orphans", "quarantine", "--format", "json"))
    assert text.returncode == 0 and js.returncode == 0, text.stderr + js.stderr
    assert tree_files(tmp_path / "dep") == tree_before
    assert not b.dst.exists() and not (tmp_path / "dep" / "data" / "runs-orphans").exists()
    assert db_dump(db_url) == db_before
    printed = json.loads(js.stdout)["operations"]
    r = cli(*move_args(b, recipe, "--orphans", "quarantine"))
    assert r.returncode == 0, r.stderr
    ops = journal_ops(b)
    assert printed == ops
    assert text.stdout.splitlines() == [render(op) for op in ops]
    assert {op["op"] for op in ops} >= {"mkdir", "move", "rename", "quarantine", "db-update", "rmdir"}
    check_result(b, orphans="quarantine", quarantine=tmp_path / "dep" / "data" / "runs-orphans")


def test_without_db_every_folder_keeps_its_name(tmp_path):
    b = build(tmp_path / "dep", None, n_run=3, n_job=3, n_orphan=1, seed=7)
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst))
    assert r.returncode == 0, r.stderr
    names = {p.name for p in b.dst.iterdir()}
    assert names == set(b.kinds)
    assert not b.src.exists()


@pytest.mark.parametrize("mode", ["keep", "move", "quarantine"])
def test_orphans(tmp_path, mode):
    db = f"sqlite:///{tmp_path / 'ade.db'}"
    b = build(tmp_path / "dep", db, n_run=2, n_job=2, n_orphan=2, n_norun=1, seed=11)
    r = cli(*move_args(b, write_recipe(tmp_path), "--orphans", mode))
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("orphan: ") == 2
    q = tmp_path / "dep" / "data" / "runs-orphans"
    check_result(b, orphans=mode, quarantine=q if mode == "quarantine" else None)
    if mode == "keep":
        assert set(os.listdir(b.src)) == set(b.orphans)
        assert not q.exists()


def test_existing_destination_is_a_conflict_and_nothing_moves(tmp_path, db_url):
    b = build(tmp_path / "dep", db_url, n_run=2, n_job=2, n_orphan=0, n_norun=0, seed=13)
    taken = next(run for run in b.expected)
    (b.dst / taken).mkdir(parents=True)  # empty: a plain rename(2) would silently replace it
    before = tree_files(tmp_path / "dep")
    db_before = db_dump(db_url)
    r = cli(*move_args(b, write_recipe(tmp_path)))
    assert r.returncode == 4, r.stderr
    assert "conflict" in r.stderr and taken in r.stderr
    assert tree_files(tmp_path / "dep") == before
    assert sorted(os.listdir(b.dst)) == [taken]
    assert db_dump(db_url) == db_before


def test_job_folder_and_its_run_folder_both_present_conflict(tmp_path):
    db = f"sqlite:///{tmp_path / 'ade.db'}"
    b = build(tmp_path / "dep", db, n_run=0, n_job=1, n_orphan=0, n_norun=0, seed=17)
    run = next(iter(b.expected))
    (b.src / run / "logs").mkdir(parents=True)  # old job folder and new run folder of the same run
    r = cli(*move_args(b, write_recipe(tmp_path)))
    assert r.returncode == 4, r.stderr
    assert "both map to" in r.stderr
    assert not b.dst.exists() or not any(b.dst.iterdir())


@pytest.mark.parametrize("bad", ["..", "../evil", "a/b", "/etc", ".hidden", ""])
def test_unsafe_run_id_from_database_is_refused(tmp_path, bad):
    db = f"sqlite:///{tmp_path / 'ade.db'}"
    b = build(tmp_path / "dep", db, n_run=1, n_job=1, n_orphan=0, n_norun=0, seed=19)
    from sqlalchemy import create_engine, text

    eng = create_engine(db)
    with eng.begin() as c:
        c.execute(text("update jobs set trace_id = :bad where id in (select id from jobs where artifact_uri not like 'run_%')"),
                  {"bad": bad})
    eng.dispose()
    before = tree_files(tmp_path / "dep")
    r = cli(*move_args(b, write_recipe(tmp_path)))
    if bad == "":
        # an empty run id means "no run": with without_run: keep the folder keeps the job id
        assert r.returncode == 0, r.stderr
        assert sorted(os.listdir(b.dst)) == sorted(b.kinds)
        return
    assert r.returncode == 4, r.stderr
    assert "not a safe folder name" in r.stderr
    assert tree_files(tmp_path / "dep") == before
    assert not (tmp_path / "evil").exists() and not Path("/etc/runs").exists()


def test_symlinks_are_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("x")
    b = build(tmp_path / "dep", None, n_run=1, n_job=0, n_orphan=0, n_norun=0, seed=23)
    (b.src / "link-out").symlink_to(outside, target_is_directory=True)
    inner = next(iter(b.expected))
    (b.src / inner / "logs" / "escape").symlink_to(outside / "secret")
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst))
    assert r.returncode == 0, r.stderr
    assert "link-out: symlink" in r.stderr
    assert (b.src / "link-out").is_symlink()  # left where it was, reported
    assert (b.dst / inner / "logs" / "escape").is_symlink()  # moved as a link
    assert sorted(os.listdir(outside)) == ["secret"]


def test_nested_roots_are_refused(tmp_path):
    b = build(tmp_path / "dep", None, n_run=1, n_job=0, n_orphan=0, n_norun=0)
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.src / "runs"))
    assert r.returncode == 4, r.stderr
    assert "nest" in r.stderr


def test_unfinished_journal_with_other_options_is_refused(tmp_path):
    b = build(tmp_path / "dep", None, n_run=2, n_job=0, n_orphan=0, n_norun=0)
    from runsmig.storage.plan import Options, build_plan, header

    opts = Options(b.src, b.dst, None, "keep", None, None)
    plan = build_plan(opts)
    jr.Journal.create(b.dst.parent / ".runsmig-storage-runs.journal", header(opts), plan.ops).close()
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst), "--orphans", "move")
    assert r.returncode == 4
    assert "orphans" in r.stderr
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst))
    assert r.returncode == 0, r.stderr
    assert "resumed" in r.stderr
    check_result(b)


def test_env_file_rewritten_with_the_move(tmp_path):
    b = build(tmp_path / "dep", None, n_run=1, n_job=0, n_orphan=0, n_norun=0)
    env = tmp_path / "dep" / ".env"
    env.write_bytes(b"# storage\r\nADE_DOCUMENTS_DIR=./data/documents\r\nADE_JOBS_DIR=./data/jobs\r\n")
    recipe = write_recipe(tmp_path)
    args = ["storage", "move", "--from", str(b.src), "--to", str(b.dst), "--env-file", str(env), "--recipe", str(recipe)]
    dry = cli(*args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"env {env}:3: 'ADE_JOBS_DIR=./data/jobs' -> 'ADE_RUNS_DIR=./data/runs'" in dry.stdout.splitlines()
    assert b"ADE_JOBS_DIR" in env.read_bytes()
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    assert env.read_bytes() == b"# storage\r\nADE_DOCUMENTS_DIR=./data/documents\r\nADE_RUNS_DIR=./data/runs\r\n"


def test_recipe_without_storage_section_is_a_usage_error(tmp_path):
    b = build(tmp_path / "dep", f"sqlite:///{tmp_path / 'a.db'}", n_run=1, n_job=0, n_orphan=0, n_norun=0)
    recipe = tmp_path / "r.yaml"
    recipe.write_text("version: 1\nname: x\nterms:\n  - {from: job, to: run}\n")
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst), "--db", b.db_url, "--recipe", str(recipe))
    assert r.returncode == 2
    assert "no 'storage:' section" in r.stderr
    assert b.src.exists() and not b.dst.exists()


def test_no_progress_bar_without_a_tty_and_json_summary_on_stdout(tmp_path):
    src = tmp_path / "data" / "jobs"
    for i in range(1200):  # above the progress threshold
        (src / f"r{i:05d}").mkdir(parents=True)
    r = cli("storage", "move", "--from", str(src), "--to", str(tmp_path / "data" / "runs"), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "moving" not in r.stderr and "\x1b[" not in r.stderr
    doc = json.loads(r.stdout)
    assert doc["moved"] == 1200 and doc["renamed"] == 0 and doc["skipped"] == 0
    assert "summary: moved 1200" in r.stderr


def test_journal_inside_a_root_is_refused(tmp_path):
    b = build(tmp_path / "dep", None, n_run=1, n_job=0, n_orphan=0, n_norun=0)
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst), "--journal", str(b.src / "j.jsonl"))
    assert r.returncode == 2
    assert "journal must not be inside" in r.stderr
    assert not b.dst.exists()


def test_files_and_hidden_entries_are_skipped_and_left(tmp_path):
    b = build(tmp_path / "dep", None, n_run=2, n_job=0, n_orphan=0, n_norun=0)
    (b.src / "README").write_text("notes")
    (b.src / ".DS_Store").write_bytes(b"\0")
    r = cli("storage", "move", "--from", str(b.src), "--to", str(b.dst), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["skipped"] == 2
    assert sorted(os.listdir(b.src)) == [".DS_Store", "README"]
    assert sorted(os.listdir(b.dst)) == sorted(b.expected)


def test_jobs_table_already_dropped_leaves_job_folders_as_orphans(tmp_path):
    db = f"sqlite:///{tmp_path / 'ade.db'}"
    b = build(tmp_path / "dep", db, n_run=2, n_job=2, n_orphan=0, n_norun=0, seed=29)
    from sqlalchemy import create_engine, text

    eng = create_engine(db)
    with eng.begin() as c:
        c.execute(text("drop table jobs"))
    eng.dispose()
    r = cli(*move_args(b, write_recipe(tmp_path), "--format", "json"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["moved"] == 2 and doc["renamed"] == 0 and doc["orphans"] == 2
    assert any("table jobs not found" in n for n in doc["notes"])
    assert sorted(os.listdir(b.src)) == sorted(n for n, k in b.kinds.items() if k == "job")


def test_job_without_run_is_an_orphan_by_default(tmp_path):
    db = f"sqlite:///{tmp_path / 'ade.db'}"
    b = build(tmp_path / "dep", db, n_run=1, n_job=1, n_orphan=0, n_norun=2, seed=53, norun_keeps=False)
    r = cli(*move_args(b, write_recipe(tmp_path, norun_keeps=False), "--format", "json"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["orphans"] == 2
    assert {f["reason"] for f in doc["findings"]} == {"job without a run (its run id column is empty)"}
    check_result(b, orphans="keep")
