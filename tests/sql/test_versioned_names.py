"""Folders of SQL migrations named after the release shipping them (``<version>_<index>[_<phase>]_x.sql``):
they are history, they run in (version, index) order, and ``stored: migrate`` names the next file in
their scheme (runsmig.migration.versioned)."""

from __future__ import annotations

import subprocess

import pytest

from runsmig.history.kinds import sql_numbered
from runsmig.migration import versioned
from runsmig.migration.sqlfolder import next_names, steps

PHASED = ["q/01.00.00_01_init.sql", "q/01.02.00_01_add_job_index.sql", "q/02.00.00_01_pre_job_lock.sql",
          "q/02.00.00_50_post_job_lock.sql", "q/02.01.00_01_pre_job_heartbeat.sql",
          "q/02.01.00_50_post_job_heartbeat.sql", "q/02.01.00_51_post_drop_old.sql"]


def test_versioned_files_are_history():
    paths = ["pkg/sql/migrations/01.00.00_01_init.sql", "pkg/sql/migrations/01.02.00_01_b.sql", "pkg/sql/schema.sql"]
    got = {c.rel: c.kind for c in sql_numbered.claims(paths, frozenset(paths))}
    assert got == {"pkg/sql/migrations/01.00.00_01_init.sql": "sql-numbered",
                   "pkg/sql/migrations/01.02.00_01_b.sql": "sql-numbered"}


def test_they_run_in_version_then_index_order():
    files = ["m/02.00.00_50_post_a.sql", "m/02.00.00_01_pre_a.sql", "m/01.10.00_01_b.sql", "m/01.09.00_01_c.sql"]
    assert [s.rel for s in steps(files, "sql-numbered")] == [
        "m/01.09.00_01_c.sql", "m/01.10.00_01_b.sql", "m/02.00.00_01_pre_a.sql", "m/02.00.00_50_post_a.sql"]


@pytest.mark.parametrize("tags, expected", [
    # a tag equals a file's version: the folder names releases; next minor after the newest tag
    ([(1, 0, 0), (2, 0, 0), (2, 1, 0), (2, 3, 1)], "q/02.04.00_01_pre_runsmig_stored_names.sql"),
    # no release evidence: the last file's minor part + 1
    ([], "q/02.02.00_01_pre_runsmig_stored_names.sql"),
    ([(7, 7, 7)], "q/02.02.00_01_pre_runsmig_stored_names.sql"),
])
def test_next_file_ships_with_the_next_release_in_the_first_phase(tags, expected):
    ordered = [s for s in steps(PHASED, "sql-numbered") if s.up]
    assert next_names("q", "sql-numbered", ordered, lambda: tags) == [expected]


def test_an_unreleased_version_with_files_continues_its_index():
    files = PHASED + ["q/02.02.00_01_pre_new.sql", "q/02.02.00_50_post_new.sql"]
    ordered = [s for s in steps(files, "sql-numbered") if s.up]
    assert next_names("q", "sql-numbered", ordered, lambda: [(2, 1, 0)]) == ["q/02.02.00_02_pre_runsmig_stored_names.sql"]


@pytest.mark.parametrize("leaves, expected", [
    # no phase word: two values are needed, each twice, in an order every release keeps
    (["1.0.0_01_add_a.sql", "1.1.0_01_add_b.sql", "1.1.0_02_create_c.sql"], "1.2.0_01_runsmig_stored_names.sql"),
    (["1.0.0_01_pre_a.sql", "1.0.0_50_post_a.sql", "1.1.0_01_post_b.sql", "1.1.0_50_pre_b.sql"],
     "1.2.0_01_runsmig_stored_names.sql"),
    (["1.0_1_a.sql", "1.1_1_b.sql"], "1.2_1_runsmig_stored_names.sql"),
])
def test_phases_are_read_from_the_names(leaves, expected):
    assert versioned.next_name(leaves, "runsmig_stored_names", []) == expected


def test_a_dotted_version_without_index_bumps_its_last_part():
    ordered = [s for s in steps(["m/1.9_a.sql", "m/1.10_b.sql"], "sql-numbered") if s.up]
    assert next_names("m", "sql-numbered", ordered, lambda: []) == ["m/1.11_runsmig_stored_names.sql"]


def test_release_tags_come_from_git(tmp_path):
    run = lambda *a: subprocess.run(["git", "-C", str(tmp_path), *a], check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x")
    for tag in ("1.2.0", "v2.0.1", "nightly"):
        run("tag", tag)
    assert sorted(versioned.release_tags(tmp_path)) == [(1, 2, 0), (2, 0, 1)]
    assert versioned.release_tags(tmp_path / "nowhere") == []
