"""Usage errors through the installed console script: one line, a hint, exit 2, no traceback,
whatever CLI-library version is installed (Typer vendors click; runsmig never imports it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import runsmig

SCRIPT = Path(sys.executable).parent / "runsmig"


def call(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "runsmig"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("args, says", [
    (["check", "--formt", "json"], ("No such option", "--formt")),  # click 8.1 and 8.2+ quote it differently
    (["frobnicate"], "No such command 'frobnicate'"),
    (["chek"], "No such command 'chek'. Did you mean 'check'?"),
    (["plan", "--workers", "many"], "Invalid value for '--workers'"),
    (["plan", "a", "b", "c"], "Got unexpected extra argument"),  # check takes several paths
    (["check", "--format", "xml"], "unknown --format 'xml'"),
])
def test_usage_error_is_one_line_a_hint_and_exit_2(args, says, tmp_path):
    proc = call(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("runsmig: error: "), proc.stderr
    assert all(part in lines[0] for part in ((says,) if isinstance(says, str) else says)), proc.stderr
    assert lines[0].count("Did you mean") <= 1, proc.stderr  # one suggestion, whichever library made it
    assert lines[1].startswith("  hint: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_version():
    proc = call("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"runsmig {runsmig.__version__}"
