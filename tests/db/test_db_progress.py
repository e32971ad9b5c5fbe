"""runsmig db revisions / db model: a progress bar on a terminal (revisions replayed, then files
analyzed), none with -q; stdout is the same diff either way."""

from __future__ import annotations

from tests.helpers import runsmig_on_pty, runsmig_piped

from .conftest import write_recipe


def test_db_revisions_bar_on_a_terminal_and_none_with_quiet(project, tmp_path):
    recipe = write_recipe(tmp_path)
    args = ["db", "revisions", str(project), "--recipe", str(recipe)]
    rc, out, err = runsmig_on_pty(args, project)
    assert rc == 0, err[-1000:]
    assert b"db revisions" in err and b"/4" in err  # the four revisions of the fixture, replayed
    assert out == runsmig_piped(args, project).stdout and out.startswith(b"diff --git ")
    rc, out_q, err = runsmig_on_pty(args + ["--quiet"], project)
    assert rc == 0 and b"db revisions" not in err and out_q == out


def test_db_model_bar_on_a_terminal_and_none_with_quiet(project, tmp_path):
    recipe = write_recipe(tmp_path)
    args = ["db", "model", str(project), "--recipe", str(recipe)]
    rc, out, err = runsmig_on_pty(args, project)
    assert rc == 0 and b"db model" in err, err[-1000:]
    rc, out_q, err = runsmig_on_pty(args + ["-q"], project)
    assert rc == 0 and b"db model" not in err and out_q == out and out
