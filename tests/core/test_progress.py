"""The progress bar (console.progress): on stderr, only on a terminal, outside CI, not with
-q/--quiet, only after PROGRESS_DELAY seconds of work; stdout never touched. Unit cases inject a
terminal Console through the console layer; end-to-end cases run the commands with stderr on a
pseudo-terminal and stdout on a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from runsmig import console
from tests.helpers import git, runsmig_on_pty, runsmig_piped

RECIPE = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def term(monkeypatch):
    """stderr is a terminal; the bar appears on the first update."""
    stream = _Terminal()
    monkeypatch.setattr(console, "err", Console(file=stream, force_terminal=True, width=100, highlight=False))
    monkeypatch.setattr(console, "PROGRESS_DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("RUNSMIG_PROGRESS_DELAY", raising=False)
    return stream


def _work(quiet: bool = False) -> None:
    with console.progress("checking", quiet) as update:
        for i in range(1, 11):
            update(i, 10)


def test_bar_on_a_terminal_then_erased_and_stdout_untouched(term, capsys):
    _work()
    shown = term.getvalue()
    assert "checking" in shown and " 1/10" in shown and "10/10" in shown
    assert shown.endswith("\x1b[1A\x1b[2K")  # transient: the bar's line is erased at the end
    assert capsys.readouterr().out == ""


def test_quiet_writes_nothing(term, capsys):
    _work(quiet=True)
    assert term.getvalue() == "" and capsys.readouterr().out == ""


def test_ci_writes_nothing(term, monkeypatch):
    monkeypatch.setenv("CI", "true")
    _work()
    assert term.getvalue() == ""


def test_a_pipe_writes_nothing(monkeypatch):
    stream = io.StringIO()  # not a terminal, even when rich is told to colour it (FORCE_COLOR)
    monkeypatch.setattr(console, "err", Console(file=stream, force_terminal=True))
    monkeypatch.setattr(console, "PROGRESS_DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)
    _work()
    assert stream.getvalue() == ""


def test_short_work_never_flashes_a_bar(term, monkeypatch):
    monkeypatch.setattr(console, "PROGRESS_DELAY", 60.0)
    _work()
    assert term.getvalue() == ""


def test_a_second_phase_restarts_the_bar(term):
    with console.progress("db revisions") as update:
        update(1, 4)
        update(2, 3000)
        update(2999, 3000)
    shown = term.getvalue()
    assert "1/4" in shown and "2999/3000" in shown


# -- end to end: stderr on a pseudo-terminal --------------------------------------------------------

def _checkout(where: Path) -> Path:
    root = where / "co"
    (root / "src").mkdir(parents=True)
    for i in range(30):
        (root / "src" / f"m{i}.py").write_text(f'def job_{i}(job):\n    """Run the job."""\n    return job.id\n')
    (where / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A fresh checkout for each test (nothing analyzed or cached yet: every file is work)."""
    return _checkout(tmp_path)


def test_check_shows_a_bar_on_a_terminal_and_its_stdout_is_the_piped_one(checkout):
    args = ["check", ".", "--no-job-terms", "--recipe", "../recipe.yaml", "--workers", "1"]
    rc, out, err = runsmig_on_pty(args, checkout)
    assert rc == 1
    assert b"checking" in err and b"/30" in err
    piped = runsmig_piped(args, checkout)
    assert out == piped.stdout and b"\x1b" not in out
    assert b"checking" not in piped.stderr and b"\x1b" not in piped.stderr


def test_quiet_and_ci_show_no_bar_on_a_terminal(checkout):
    args = ["check", ".", "--no-job-terms", "--recipe", "../recipe.yaml", "--workers", "1"]
    for extra, env in ((["-q"], {}), (["--quiet"], {}), ([], {"CI": "1"})):
        rc, out, err = runsmig_on_pty(args + extra, checkout, **env)
        assert rc == 1 and b"checking" not in err and b"/30" not in err, (extra, env, err[-500:])
        assert b"runsmig check: " in err  # the summary line is still there: quiet silences only the bar


def test_plan_and_apply_show_their_bars(tmp_path):
    co = _checkout(tmp_path / "plan")
    rc, out, err = runsmig_on_pty(["plan", ".", "--recipe", "../recipe.yaml", "--workers", "1"], co)
    assert rc == 0 and b"planning" in err and out.startswith(b"diff --git "), err[-1000:]
    co = _checkout(tmp_path / "apply")
    rc, out, err = runsmig_on_pty(["apply", ".", "--recipe", "../recipe.yaml", "--workers", "1"], co)
    assert rc == 0, err[-1000:]
    assert b"planning" in err and b"writing" in err
    assert "def run_0(run):" in (co / "src" / "m0.py").read_text()


def test_storage_move_shows_a_bar_unless_quiet(tmp_path):
    args = ["storage", "move", "--from", "data/jobs", "--to", "data/runs"]
    for quiet in (False, True):
        where = tmp_path / str(quiet)
        for i in range(5):
            (where / "data" / "jobs" / f"r{i}").mkdir(parents=True)
        rc, out, err = runsmig_on_pty(args + (["-q"] if quiet else []), where, RUNSMIG_STORAGE_BATCH="1")
        assert rc == 0, err[-1000:]
        assert (b"moving" in err and b"/5" in err) is not quiet, err[-1000:]
        assert out == b"" and b"summary: moved 5" in err
        assert sorted(p.name for p in (where / "data" / "runs").iterdir()) == [f"r{i}" for i in range(5)]
