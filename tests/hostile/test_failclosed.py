"""The gate fails closed (issue #20, item 2): whatever it could not read, decode or parse makes
`check` exit 3 with one line per path on stderr, even beside findings; UTF-16/32 texts with a
byte-order mark are read (and written back as they were); the pre-commit hook passes file names
after `--`.

Unreadable files and folders: root reads any file, so as root the CLI runs without the two
capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: `setpriv --bounding-set`, or an
unmapped user namespace); permission bits then hold for it as for any user."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, git

RECIPE = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
TEXT = "# notes\nSee job_id here.\ncafé \u2615 keep\r\nend\n"  # CRLF, non-ASCII: kept byte for byte
AFTER = TEXT.replace("job_id", "run_id")
MARKS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
         "utf-32-be": b"\x00\x00\xfe\xff", "utf-8": b"\xef\xbb\xbf"}


# -- helpers ----------------------------------------------------------------------------------
def _checkout(tmp_path: Path, files: dict[str, str | bytes], use_git: bool = True) -> Path:
    root = tmp_path / "co"
    root.mkdir()
    for rel, body in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body.encode() if isinstance(body, str) else body)
    (tmp_path / "recipe.yaml").write_text(RECIPE)
    if use_git:
        git(root, "init", "-q")
        git(root, "add", "-A", "--", ".")
        git(root, "commit", "-qm", "init")
    return root


def _cli(args: list[str], cwd: Path, prefix: tuple[str, ...] = (), timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    try:
        return subprocess.run([*prefix, sys.executable, "-m", "runsmig", *args], cwd=cwd, capture_output=True,
                              text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"runsmig {' '.join(args)} hung (> {timeout} s)")


def _check(root: Path, *extra: str, prefix: tuple[str, ...] = (), cache: bool = True,
           timeout: float = 120) -> subprocess.CompletedProcess:
    args = ["check", "--no-job-terms", "--recipe", str(root.parent / "recipe.yaml"), *([] if cache else ["--no-cache"])]
    proc = _cli([*args, *extra], root, prefix, timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


_PREFIX: list[tuple[str, ...]] = []


def _unprivileged(tmp_path: Path) -> tuple[str, ...]:
    """A command prefix under which permission bits hold for this user (none needed but as root)."""
    if os.geteuid() != 0:
        return ()
    if _PREFIX:
        return _PREFIX[0]
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    candidates = []
    if shutil.which("setpriv"):
        candidates.append(("setpriv", "--bounding-set=-dac_override,-dac_read_search"))
    if shutil.which("unshare"):
        candidates.append(("unshare", "--user"))
    for prefix in candidates:
        proc = subprocess.run([*prefix, sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True)
        if proc.returncode != 0 and b"PermissionError" in proc.stderr:
            _PREFIX.append(prefix)
            return prefix
    pytest.skip("running as root, and neither setpriv nor unshare can drop the capability to read any file")


@pytest.fixture
def restore_modes():
    """Modes to put back after the test (so its folder can be removed whoever runs the suite)."""
    changed: list[tuple[Path, int]] = []

    def chmod(p: Path, mode: int) -> None:
        changed.append((p, stat.S_IMODE(p.lstat().st_mode)))
        p.chmod(mode)

    yield chmod
    for p, mode in reversed(changed):
        p.chmod(mode)


# -- unreadable files -------------------------------------------------------------------------
@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_unreadable_file_holding_the_term_is_undecided(tmp_path, restore_modes, cache):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "secret.py": "job = 1\n"})
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "secret.py", 0)
    proc = _check(root, prefix=prefix, cache=cache)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: exit 0, "0 unreadable"
    assert "runsmig: could not decide secret.py: cannot read: Permission denied" in proc.stderr
    assert "runsmig check: could not decide 1 file(s) (listed above); 0 finding(s)" in proc.stderr
    assert "secret.py:1: [failed] cannot read: Permission denied" in proc.stdout


def test_findings_and_an_unreadable_file_exit_3_not_1(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"dirty.py": "job_id = 1\n", "secret.py": "job = 1\n"})
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "secret.py", 0)
    proc = _check(root, prefix=prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 1 (findings won)
    assert "dirty.py:1:1: [term/identifier] identifier 'job_id' -> 'run_id'" in proc.stdout
    assert "could not decide 1 file(s) (listed above); 1 finding(s), 0 allowlisted, 2 files" in proc.stderr


def test_an_unreadable_file_named_on_the_command_line_is_undecided(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "secret.py": "job = 1\n"})
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "secret.py", 0)
    proc = _check(root, "--", "secret.py", "clean.py", prefix=prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: a usage error (2), "is not readable"
    assert "could not decide secret.py: cannot read: Permission denied" in proc.stderr


def test_findings_and_a_file_that_does_not_parse_exit_3(tmp_path):
    root = _checkout(tmp_path, {"dirty.py": "job_id = 1\n", "broken.py": "def job(:\n"})
    proc = _check(root)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 1
    assert "runsmig: could not decide broken.py:1: " in proc.stderr
    assert "dirty.py:1:1:" in proc.stdout


# -- unreadable folders -----------------------------------------------------------------------
def test_unreadable_folder_of_tracked_files(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "locked/a.py": "job = 1\n"})
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "locked", 0)
    proc = _check(root, prefix=prefix)  # 0.1.0: a traceback, exit 1 ("remnants")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "runsmig: could not decide locked/: cannot read folder: Permission denied" in proc.stderr
    assert "runsmig: could not decide locked/a.py: cannot read: Permission denied" in proc.stderr


@pytest.mark.parametrize("mode", [0o000, 0o300], ids=["no-access", "no-listing"])
def test_unreadable_folder_of_untracked_files(tmp_path, restore_modes, mode):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n"})
    (root / "fresh").mkdir()
    (root / "fresh" / "new.py").write_text("job = 1\n")
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "fresh", mode)
    proc = _check(root, prefix=prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 0 (git skips what it cannot open)
    assert "runsmig: could not decide fresh/: cannot read folder: Permission denied" in proc.stderr
    assert "could not decide 1 file(s) or folder(s)" in proc.stderr


def test_unreadable_folder_outside_git(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "locked/a.py": "job = 1\n"}, use_git=False)
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "locked", 0)
    proc = _check(root, prefix=prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 0 (the walk skipped it)
    assert "runsmig: could not decide locked/: cannot read folder: Permission denied" in proc.stderr


def test_unreadable_folder_when_the_checkout_is_a_subfolder_of_the_work_tree(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"sub/clean.py": "x = 1\n"})
    (root / "sub" / "fresh").mkdir()
    (root / "sub" / "fresh" / "new.py").write_text("job = 1\n")
    prefix = _unprivileged(tmp_path)
    restore_modes(root / "sub" / "fresh", 0)
    proc = _cli(["check", "sub", "--no-job-terms", "--recipe", str(tmp_path / "recipe.yaml")], root, prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "runsmig: could not decide fresh/: cannot read folder: Permission denied" in proc.stderr


def test_an_unreadable_checkout_is_one_line_and_exit_3(tmp_path, restore_modes):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n"})
    prefix = _unprivileged(tmp_path)
    restore_modes(root, 0)
    proc = _cli(["check", str(root), "--no-job-terms", "--recipe", str(tmp_path / "recipe.yaml")], tmp_path, prefix)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("runsmig: error: ") and "Permission denied" in proc.stderr


# -- what is not a regular file ---------------------------------------------------------------
@pytest.mark.parametrize("use_git", [True, False], ids=["git", "walk"])
def test_fifo_is_undecided_and_never_waited_on(tmp_path, use_git):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "a.py": "job = 1\n"}, use_git=use_git)
    (root / "a.py").unlink()
    os.mkfifo(root / "a.py")  # a tracked file replaced by a FIFO (outside git: a FIFO in the tree)
    proc = _check(root, timeout=60)  # 0.1.0: git: exit 0 (git grep skips it); outside git: waits forever
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "runsmig: could not decide a.py: cannot read: not a regular file (a FIFO)" in proc.stderr


def test_a_folder_where_git_has_a_file_is_undecided(tmp_path):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n", "b.py": "job = 1\n"})
    (root / "b.py").unlink()
    (root / "b.py").mkdir()
    proc = _check(root)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 0
    assert "runsmig: could not decide b.py: cannot read: not a regular file (a folder)" in proc.stderr


# -- encodings --------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", list(MARKS))
def test_text_with_a_byte_order_mark_is_checked_and_written_back_as_it_was(tmp_path, encoding):
    mark = MARKS[encoding]
    root = _checkout(tmp_path, {"notes.md": mark + TEXT.encode(encoding), "clean.md": "nothing\n"})
    for i in range(3):  # then from the report memo; then, a file added, from the blob memo
        if i == 2:
            (root / "added.md").write_text("nothing either\n")
        proc = _check(root)
        assert proc.returncode == 1, proc.stdout + proc.stderr  # 0.1.0: 0 for UTF-16/32 (binary, unlisted)
        assert "notes.md:2:5: [term/prose] prose 'job_id' -> 'run_id'" in proc.stdout
    applied = _cli(["apply", "--recipe", str(tmp_path / "recipe.yaml"), "--no-regenerate", "--allow-dirty"], root)
    assert applied.returncode == 0, applied.stderr
    assert (root / "notes.md").read_bytes() == mark + AFTER.encode(encoding)
    assert _check(root).returncode == 0


def test_utf16_outside_git(tmp_path):
    root = _checkout(tmp_path, {"notes.md": MARKS["utf-16-le"] + TEXT.encode("utf-16-le")}, use_git=False)
    proc = _check(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "notes.md:2:5: [term/prose] prose 'job_id' -> 'run_id'" in proc.stdout


def test_utf16_found_beside_a_non_ascii_needle(tmp_path):
    """A non-ASCII needle keeps git grep in the user's locale: the marks get a grep of their own."""
    from runsmig.recipe import load_recipe
    from runsmig.runner.scan import Candidates
    from runsmig.terms import TermEngine

    root = _checkout(tmp_path, {"notes.md": MARKS["utf-16-be"] + "n\u00e4chste\n".encode("utf-16-be"),
                                "plain.md": "nothing\n", "other.md": "n\u00e4chste\n"})
    recipe = load_recipe(tmp_path / "recipe.yaml")
    scan = Candidates(root, recipe, TermEngine.from_recipe(recipe))
    scan.stop()
    scan.words = ["n\u00e4chste"]
    scan._grep()
    assert scan._marks is not None
    assert scan.of(["notes.md", "other.md", "plain.md"], git=True) == {"notes.md", "other.md"}


@pytest.mark.parametrize("name, data, line", [
    ("latin1.md", "job caf\u00e9\n".encode("latin-1"), 1),
    ("broken16.md", MARKS["utf-16-le"] + "ok\njob\n".encode("utf-16-le") + b"\x00\xd8x\x00", 3),
])
def test_undecodable_text_holding_the_term_is_undecided(tmp_path, name, data, line):
    root = _checkout(tmp_path, {name: data, "dirty.py": "job_id = 1\n"})
    proc = _check(root)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 1 (Latin-1), 0 (broken UTF-16)
    assert f"runsmig: could not decide {name}:{line}: not valid UTF-" in proc.stderr
    applied = _cli(["apply", "--recipe", str(tmp_path / "recipe.yaml"), "--no-regenerate"], root)
    assert applied.returncode == 3
    assert (root / name).read_bytes() == data  # left untouched


# -- the pre-commit hook ----------------------------------------------------------------------
def _hook_entry() -> list[str]:
    import yaml

    (hook,) = [h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if h["id"] == "runsmig-check"]
    assert hook["pass_filenames"] is True
    words = shlex.split(hook["entry"])
    assert words[0] == "runsmig"
    return words[1:]


def test_hook_checks_files_named_like_options(tmp_path):
    root = _checkout(tmp_path, {"--help": "job = 1\n", "-q": "job = 2\n", "clean.py": "x = 1\n"})
    (root / "pyproject.toml").write_text(f'[tool.runsmig]\nrecipe = "{tmp_path / "recipe.yaml"}"\n')
    entry = _hook_entry()
    proc = _cli([*entry, "--help", "-q", "clean.py"], root)  # as pre-commit runs it: entry, then the names
    assert proc.returncode == 1, proc.stdout + proc.stderr  # 0.1.0: 0, the usage text
    assert "--help:1:1: [term/text] text 'job' -> 'run'" in proc.stdout
    assert "-q:1:1: [term/text] text 'job' -> 'run'" in proc.stdout
    assert "3 files" in proc.stderr and "Usage" not in proc.stdout + proc.stderr


def test_hook_passes_a_clean_file_named_help(tmp_path):
    root = _checkout(tmp_path, {"--help": "nothing here\n"})
    (root / "pyproject.toml").write_text(f'[tool.runsmig]\nrecipe = "{tmp_path / "recipe.yaml"}"\n')
    proc = _cli([*_hook_entry(), "--help"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 finding(s), 0 allowlisted, 0 unreadable, 1 files" in proc.stderr


# -- the exit code, as a function -------------------------------------------------------------
def test_exit_code_precedence():
    from runsmig.cli.check import exit_code
    from runsmig.findings import Finding
    from runsmig.report import CheckReport

    finding = Finding("a.py", 1, 1, "job", "identifier", "run", "term")
    rep = lambda findings, failures: CheckReport(findings, [], failures, 2)  # noqa: E731
    assert exit_code(rep([], [])) == 0
    assert exit_code(rep([finding], [])) == 1
    assert exit_code(rep([], [("b.py", "cannot read: Permission denied", None)])) == 3
    assert exit_code(rep([finding], [("b.py", "cannot read: Permission denied", None)])) == 3


def test_a_binary_file_with_a_marks_bytes_inside_stays_unchanged(tmp_path):
    """The prefilter hands over every file holding a mark's two bytes anywhere (an image often does):
    a binary one without a term is unchanged, as if never opened (not one more "skipped" file)."""
    from runsmig.recipe import load_recipe
    from runsmig.runner.analyze import analyze_file
    from runsmig.terms import TermEngine

    root = _checkout(tmp_path, {"img.bin": b"PNG\x00\x01\xff\xfe\x02", "job.bin": b"PNG\x00 job \xff\xfe"})
    recipe = load_recipe(tmp_path / "recipe.yaml")
    engine = TermEngine.from_recipe(recipe)
    files = frozenset({"img.bin", "job.bin"})
    plain = analyze_file(root, "img.bin", "img.bin", recipe, engine, {}, frozenset(), files)
    assert (plain.status, plain.new) == ("unchanged", b"PNG\x00\x01\xff\xfe\x02")
    holding = analyze_file(root, "job.bin", "job.bin", recipe, engine, {}, frozenset(), files)
    assert (holding.status, holding.reason, holding.raw) == ("skipped", "binary file", 1)


def test_since_keeps_a_changed_file_that_became_a_fifo(tmp_path):
    root = _checkout(tmp_path, {"clean.py": "x = 1\n"})
    git(root, "checkout", "-q", "-b", "topic")
    (root / "a.py").write_text("job = 1\n")
    git(root, "add", "a.py")
    git(root, "commit", "-qm", "a")
    (root / "a.py").unlink()
    os.mkfifo(root / "a.py")
    proc = _check(root, "--since", "HEAD~1", timeout=60)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # 0.1.0: 0 (dropped from the changed files)
    assert "runsmig: could not decide a.py: cannot read: not a regular file (a FIFO)" in proc.stderr
