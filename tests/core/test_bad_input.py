"""Bad input: one clear line naming file (and line), a documented exit code, nothing lost."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import files, git_copy, runsmig, MINI


def _main(argv: list[str], monkeypatch) -> int:
    from runsmig.cli import main

    monkeypatch.setattr(sys, "argv", ["runsmig", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code or 0)


def test_path_that_does_not_exist(tmp_path):
    proc = runsmig("check", str(tmp_path / "nope"))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip().splitlines()
    assert err[0] == f"runsmig: error: {tmp_path / 'nope'}: path does not exist or is not a folder"
    assert err[1].startswith("  hint:")


def test_non_utf8_file_is_reported_with_line_and_left_untouched(tmp_path):
    root = git_copy(MINI, tmp_path / "mini")
    bad = root / "docs" / "latin1.md"
    data = "Line one\nThe job caf\u00e9\n".encode("latin-1")
    bad.write_bytes(data)
    proc = runsmig("apply", str(root), "--allow-dirty")
    assert proc.returncode == 3
    assert b"failed: docs/latin1.md:2: not valid UTF-8 (byte 0xe9)" in proc.stderr
    assert bad.read_bytes() == data  # untouched
    assert (root / "docs/guides/run-guide.md").exists()  # the rest was done
    chk = runsmig("check", str(root))
    assert chk.returncode == 3  # undecided: 3 wins over the findings (1) it still reports
    assert b"docs/latin1.md:2: [failed] not valid UTF-8" in chk.stdout
    assert b"docs/latin1.md:2:5: [term/text] 'job' in a file that is not UTF-8" in chk.stdout


def test_unreadable_file(tmp_path, monkeypatch, capsys):
    root = git_copy(MINI, tmp_path / "mini")
    target = root / "README.md"
    import runsmig.runner.analyze

    real = runsmig.runner.analyze.read_file

    def deny(path):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(runsmig.runner.analyze, "read_file", deny)
    rc = _main(["plan", str(root)], monkeypatch)
    assert rc == 3
    err = capsys.readouterr().err
    assert "failed: README.md:1: cannot read: Permission denied (left untouched)" in err


@pytest.mark.parametrize(
    "text, where",
    [
        ("version: 1\nname: x\nterms: [\n", ":4:1: invalid YAML"),
        ("version: 1\nname: x\nterms:\n  - {from: job, to: run}\nbogus: 1\n", ":5:8: unknown top-level key 'bogus'"),
        ("version: 1\nname: x\nterms:\n  - {from: job, too: run}\n", ":4:17: terms[0].too: unknown key"),
        ("version: 2\nname: x\nterms:\n  - {from: job, to: run}\n", ":1:10: version: only version 1 is supported"),
        ("version: 1\nname: x\nterms:\n  - {from: job, to: run}\nallowlist:\n  - {path: a, pattern: '(', reason: r}\n",
         ":6:24: allowlist[0].pattern: invalid regular expression"),
        ("version: 1\nname: x\nterms:\n  - {from: job, to: run}\npaths:\n  delete:\n    - {path: ../x, reason: r}\n",
         ":7:14: paths.delete[0].path: paths are relative"),
    ],
)
def test_malformed_recipe(tmp_path, text, where):
    recipe = tmp_path / "bad.yaml"
    recipe.write_text(text)
    proc = runsmig("check", str(MINI), "--recipe", str(recipe))
    assert proc.returncode == 2
    first = proc.stderr.decode().splitlines()[0]
    assert first.startswith(f"runsmig: error: {recipe}")
    assert where in first, first


def test_missing_recipe(tmp_path):
    proc = runsmig("plan", str(MINI), "--recipe", str(tmp_path / "none.yaml"))
    assert proc.returncode == 2
    assert b"recipe file does not exist" in proc.stderr


def test_unknown_format():
    proc = runsmig("check", str(MINI), "--format", "xml")
    assert proc.returncode == 2
    assert b"unknown --format 'xml'" in proc.stderr


def test_malformed_saved_plan(tmp_path):
    root = git_copy(MINI, tmp_path / "mini")
    bad = tmp_path / "plan.json"
    bad.write_text("{not json")
    snapshot = files(root)
    proc = runsmig("apply", str(root), "--plan", str(bad))
    assert proc.returncode == 2
    assert str(bad).encode() in proc.stderr
    assert files(root) == snapshot
