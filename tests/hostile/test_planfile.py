"""Hostile saved plans (`apply --plan`): each is refused with one line and exit 2 (malformed) or
4 (unsafe, stale), before anything is read or written; the checkout, .git included, is unchanged.

Every run is a real CLI process under a 2 GB address-space limit and a 30 s timeout, so a plan
that makes apply read /dev/zero or block on a FIFO fails the test instead of the machine."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import resource
import socket
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, git

A = b"job = 1\n"
B = b"hello\n"
TOOL = b"#!/bin/sh\necho job\n"
EVIL = b"#!/bin/sh\ntouch \"$(dirname \"$0\")/../../PWNED\"\n"
LIMIT_AS = 2 << 30


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode() if data is not None else None


def entry(action: str, path, new_path=None, old: bytes | None = A, new: bytes | None = b"run = 1\n",
          mode=0o100644, **extra) -> dict:
    """One change exactly as `runsmig plan --out` writes it."""
    return {"action": action, "path": path, "new_path": new_path,
            "old_sha256": sha(old) if old is not None else None,
            "old": b64(old) if action != "create" else None,
            "new": b64(new), "mode": mode, **extra}


def modify(path="a.py", old=A, new=b"run = 1\n", **kw) -> dict:
    return entry("modify", path, old=old, new=new, **kw)


def create(path, new=EVIL, mode=0o100755, **kw) -> dict:
    return entry("create", path, old=None, new=new, mode=mode, **kw)


@dataclass
class Result:
    returncode: int
    stderr: str
    seconds: float
    max_rss_mb: float


def run_apply(root: Path, plan: Path, env: dict | None = None, timeout: float = 30) -> Result:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))

    err = plan.with_suffix(".stderr")
    start = time.monotonic()
    with open(err, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "runsmig", "apply", str(root), "--plan", str(plan),
                                 "--allow-dirty"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=fh,
                                env={**os.environ, "COLUMNS": "200", **(env or {})}, preexec_fn=limit)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Result(proc.returncode, err.read_text(errors="replace"), time.monotonic() - start, usage.ru_maxrss / 1024)


def snapshot(root: Path) -> dict:
    """Every entry under root, .git included: type, mode and content (files) or target (links);
    FIFOs, sockets and devices by type only (never opened)."""
    out = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            full = os.path.join(folder, name)
            st = os.lstat(full)
            key = os.path.relpath(full, root)
            if stat.S_ISREG(st.st_mode):
                out[key] = (st.st_mode, sha(Path(full).read_bytes()))
            elif stat.S_ISLNK(st.st_mode):
                out[key] = (st.st_mode, os.readlink(full))
            else:
                out[key] = (stat.S_IFMT(st.st_mode), None)
    return out


@pytest.fixture
def root(tmp_path: Path) -> Path:
    co = tmp_path / "co"
    (co / "sub").mkdir(parents=True)
    (co / "a.py").write_bytes(A)
    (co / "sub" / "b.txt").write_bytes(B)
    (co / "tool.sh").write_bytes(TOOL)
    (co / "tool.sh").chmod(0o755)
    git(co, "init", "-q")
    git(co, "add", "-A")
    git(co, "commit", "-qm", "init")
    return co.resolve()


def write_plan(checkout: Path, changes: list, **top) -> Path:
    data = {"format": 1, "root": str(checkout), "recipe": None, "changes": changes, **top}
    plan = checkout.parent / "PLAN.json"
    plan.write_text(json.dumps(data))
    return plan


def refused(root: Path, plan: Path, rc: int, where: str, words: str, env: dict | None = None) -> Result:
    """Apply ``plan``: exit ``rc``, one error line `runsmig: error: PLAN.json: <where>...<words>`,
    no traceback, and nothing in the checkout (or its .git) changed."""
    before = snapshot(root)
    res = run_apply(root, plan, env)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in res.stderr, res.stderr[-3000:]
    assert res.returncode == rc, (res.returncode, res.stderr[-3000:])
    errors = [ln for ln in lines if ln.startswith("runsmig: error: ")]
    assert len(errors) == 1 and lines[0] == errors[0], res.stderr
    assert all(ln.startswith("  hint: ") for ln in lines[1:]), res.stderr
    prefix = f"runsmig: error: {plan}" + (where if where.startswith(":") else f": {where}")
    assert errors[0].startswith(prefix), errors[0]
    assert words in errors[0], errors[0]
    assert snapshot(root) == before
    assert not (root / "PWNED").exists()
    return res


# -- the cases reported on 0.1.0 -------------------------------------------------------------------
def test_hook_in_git_is_refused_and_never_runs(root):
    plan = write_plan(root, [create(".git/hooks/pre-commit")])
    refused(root, plan, 4, "changes[0].path:", "inside .git")
    git(root, "commit", "-q", "--allow-empty", "-m", "after")
    assert not (root / "PWNED").exists()


def test_fsmonitor_in_git_config_is_refused_and_never_runs(root, tmp_path):
    config = (root / ".git" / "config").read_bytes()
    marker = tmp_path / "FSMONITOR-RAN"
    evil = config + f"[core]\n\tfsmonitor = touch {marker}; false\n".encode()
    plan = write_plan(root, [entry("modify", ".git/config", old=config, new=evil)])
    refused(root, plan, 4, "changes[0].path:", "inside .git")
    subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, env={**os.environ, **GIT_ENV})
    assert not marker.exists()


@pytest.mark.parametrize("mode", [0o104777, 0o104755, 0o102755, 0o101755, 0o100777, 0o100600, 0o644,
                                  0o040755, 2 ** 64, -1], ids=oct)
def test_mode_other_than_a_plain_files_is_refused(root, mode):
    plan = write_plan(root, [modify(mode=mode)])
    refused(root, plan, 4, "changes[0].mode:", "not a plain file's mode")


def test_symlink_mode_is_only_for_a_symlink_retargeted_inside_the_checkout(root):
    """Mode 120000 is what the planner writes for a symlink it retargets (runsmig.symlinks): a
    modify of a path that is a symlink now, to a relative text that stays in the checkout."""
    plan = write_plan(root, [modify(mode=0o120000, new=b"b.py")])  # a.py is a regular file
    refused(root, plan, 4, "changes[0].path:", "not a symlink")
    (root / "link").symlink_to("a.py")
    for text, words in ((b"/etc/passwd", "relative path"), (b"../../outside", "out of the checkout"),
                        (b".git/hooks/pre-commit", "into .git"), (b"", "relative path")):
        plan = write_plan(root, [entry("modify", "link", old=b"a.py", new=text, mode=0o120000)])
        refused(root, plan, 4, "changes[0].new:", words)
    plan = write_plan(root, [entry("modify", "link", old=b"a.py", new=b"sub/b.py", mode=0o120000)])
    res = run_apply(root, plan)
    assert res.returncode == 0, res.stderr
    assert os.readlink(root / "link") == "sub/b.py"


@pytest.mark.parametrize("action", ["exec", "chmod", "symlink", "Modify", ""])
def test_unknown_action_is_refused(root, action):
    plan = write_plan(root, [modify() | {"action": action}])
    refused(root, plan, 2, "changes[0].action:", "unknown action")


@pytest.mark.parametrize("path", ["/dev/zero", "../../../../../../dev/zero", "sub/../../../../../../../dev/zero"])
def test_dev_zero_named_as_a_path_is_refused_without_reading_it(root, path):
    plan = write_plan(root, [modify(path, old=b"")])
    res = refused(root, plan, 4, "changes[0].path:", "")
    assert res.seconds < 10 and res.max_rss_mb < 300, (res.seconds, res.max_rss_mb)


@pytest.mark.parametrize("path, words", [("", "empty path"), (".", "'.' component"), ("..", "'..' component")],
                         ids=["empty", "dot", "dotdot"])
def test_empty_or_dot_path_is_one_line_not_a_traceback(root, path, words):
    plan = write_plan(root, [modify(path)])
    refused(root, plan, 4, "changes[0].path:", words)


# -- paths: variants -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    ".GIT/hooks/post-checkout", ".Git/config", "sub/.git/config", "sub/.git/hooks/pre-commit",
    ".git", ".git./hooks/pre-commit", ".git /config", ".git::$INDEX_ALLOCATION/config", "GIT~1/config",
    ".g\u200cit/hooks/pre-commit", "\ufeff.git/config",
])
def test_dotgit_in_any_spelling_is_refused(root, path):
    plan = write_plan(root, [create(path)])
    refused(root, plan, 4, "changes[0].path:", "inside .git")


@pytest.mark.parametrize("path, words", [
    ("a.py/", "ends with '/'"), ("sub//b.txt", "empty component"), ("sub/./b.txt", "'.' component"),
    ("/etc/passwd", "absolute path"), ("C:\\Windows\\evil", "Windows"), ("C:/evil", "Windows"),
    ("..\\..\\evil", "Windows"), ("a\u0000b", "NUL"), ("\ud800", "not a file name"),
    ("x" * 256, "longer than 255"), ("d/" * 2100 + "f", "longer than 4096"),
], ids=["trailing-slash", "double-slash", "dot-component", "absolute", "backslash-drive", "drive", "backslash",
        "nul", "surrogate", "long-name", "long-path"])
def test_malformed_path_is_refused(root, path, words):
    plan = write_plan(root, [create(path, new=b"x\n", mode=0o100644)])
    refused(root, plan, 4, "changes[0].path:", words)


def test_rename_onto_git_is_refused(root):
    plan = write_plan(root, [entry("rename", "a.py", ".git/hooks/pre-push", new=EVIL, mode=0o100644)])
    refused(root, plan, 4, "changes[0].new_path:", "inside .git")


def test_git_dir_named_by_GIT_DIR_is_refused(tmp_path):
    co = tmp_path / "co"
    co.mkdir()
    (co / "a.py").write_bytes(A)
    env = {"GIT_DIR": str(co / "meta"), "GIT_WORK_TREE": str(co)}
    subprocess.run(["git", "init", "-q"], cwd=co, env={**os.environ, **env}, check=True)
    assert (co / "meta" / "hooks").is_dir()
    plan = write_plan(co, [create("meta/hooks/pre-commit")])
    refused(co, plan, 4, "changes[0].path:", "git's own folder", env=env)


def test_separate_git_dir_found_by_rev_parse_is_refused(tmp_path):
    co = tmp_path / "co"
    co.mkdir()
    (co / "a.py").write_bytes(A)
    subprocess.run(["git", "init", "-q", "--separate-git-dir", str(co / "store")], cwd=co, check=True)
    assert (co / ".git").is_file() and (co / "store" / "hooks").is_dir()
    plan = write_plan(co, [create("store/hooks/pre-commit")])
    refused(co, plan, 4, "changes[0].path:", "git's own folder")
    plan = write_plan(co, [modify("store/config", old=(co / "store" / "config").read_bytes())])
    refused(co, plan, 4, "changes[0].path:", "git's own folder")


def test_plan_for_another_root_is_refused(root, tmp_path):
    plan = write_plan(root, [modify()], root=str(tmp_path / "elsewhere"))
    refused(root, plan, 4, "root:", "the plan was made for")


# -- the file system: what the paths name, checked with lstat before any read ---------------------
def test_symlink_swapped_in_after_plan_is_refused_without_reading(root):
    plan = write_plan(root, [modify()])
    (root / "a.py").unlink()
    (root / "a.py").symlink_to("/dev/zero")
    res = refused(root, plan, 4, "changes[0].path:", "is a symlink")
    assert res.seconds < 10 and res.max_rss_mb < 300, (res.seconds, res.max_rss_mb)


def test_folder_swapped_for_a_symlink_is_refused(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.txt").write_bytes(B)
    plan = write_plan(root, [modify("sub/b.txt", old=B, new=b"bye\n")])
    (root / "sub" / "b.txt").unlink()
    (root / "sub").rmdir()
    (root / "sub").symlink_to(outside)
    refused(root, plan, 4, "changes[0].path:", "is a symlink")
    assert (outside / "b.txt").read_bytes() == B


def test_symlink_into_git_is_refused(root):
    (root / "lnk").symlink_to(".git")
    plan = write_plan(root, [create("lnk/hooks/pre-commit")])
    refused(root, plan, 4, "changes[0].path:", "is a symlink")


def test_fifo_as_source_is_refused_without_blocking(root):
    os.mkfifo(root / "pipe")
    plan = write_plan(root, [modify("pipe", old=b"")])
    res = refused(root, plan, 4, "changes[0].path:", "is a FIFO")
    assert res.seconds < 10


def test_create_whose_target_is_a_fifo_is_refused(root):
    os.mkfifo(root / "new.py")
    plan = write_plan(root, [create("new.py", mode=0o100644)])
    refused(root, plan, 4, "changes[0].path:", "is a FIFO")


def test_rename_onto_a_fifo_is_refused(root):
    os.mkfifo(root / "b.py")
    plan = write_plan(root, [entry("rename", "a.py", "b.py")])
    refused(root, plan, 4, "changes[0].new_path:", "is a FIFO")


def test_socket_as_source_is_refused(root):
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "s.sock"))
        plan = write_plan(root, [modify("s.sock", old=b"")])
        refused(root, plan, 4, "changes[0].path:", "is a socket")
    finally:
        sock.close()


def test_folder_as_source_is_refused(root):
    plan = write_plan(root, [modify("sub", old=b"")])
    refused(root, plan, 4, "changes[0].path:", "is a folder")


def test_target_under_a_file_is_refused(root):
    plan = write_plan(root, [create("a.py/evil", mode=0o100644)])
    refused(root, plan, 4, "changes[0].path:", "not a folder")


def test_mode_must_equal_the_files_mode_on_disk(root):
    plan = write_plan(root, [modify(mode=0o100755)])  # a.py is 644: the plan would add an exec bit
    refused(root, plan, 4, "changes[0].mode:", "has mode 100644 now, the plan recorded 100755")
    plan = write_plan(root, [modify("tool.sh", old=TOOL, new=b"#!/bin/sh\necho run\n", mode=0o100644)])
    refused(root, plan, 4, "changes[0].mode:", "has mode 100755 now")


def test_stale_hash_is_still_refused(root):
    plan = write_plan(root, [modify()])
    (root / "a.py").write_bytes(b"job = 2\n")
    refused(root, plan, 4, "changes[0].path:", "changed since the plan was made")


def test_file_that_exists_now_is_not_overwritten_by_a_create(root):
    (root / "new.py").write_bytes(b"mine\n")
    plan = write_plan(root, [create("new.py", mode=0o100644)])
    refused(root, plan, 4, "changes[0].path:", "exists now")


# -- the plan as a whole ----------------------------------------------------------------------------
def test_duplicate_targets_are_refused(root):
    plan = write_plan(root, [create("new.py", new=b"one\n", mode=0o100644), create("new.py", new=b"two\n", mode=0o100644)])
    refused(root, plan, 4, "changes[1]:", "as changes[0] does")


def test_one_source_in_two_changes_is_refused(root):
    plan = write_plan(root, [entry("rename", "a.py", "b.py"), modify()])
    refused(root, plan, 4, "changes[1].path:", "is also changes[0]'s")


def test_target_inside_another_file_of_the_plan_is_refused(root):
    plan = write_plan(root, [create("new", new=b"x\n", mode=0o100644), create("new/x.py", new=b"y\n", mode=0o100644)])
    refused(root, plan, 4, "changes[1]:", "a file of this plan")


def test_one_bad_change_refuses_the_whole_plan(root):
    good = [modify(), entry("modify", "sub/b.txt", old=B, new=b"bye\n")]
    plan = write_plan(root, good + [create(".git/hooks/pre-commit")])
    refused(root, plan, 4, "changes[2].path:", "inside .git")


# -- the JSON: schema and types ---------------------------------------------------------------------
@pytest.mark.parametrize("field, value, where, words", [
    ("mode", "33188", "changes[0].mode:", "a string, expected a number"),
    ("mode", 33188.0, "changes[0].mode:", "expected a number"),
    ("mode", True, "changes[0].mode:", "true/false"),
    ("mode", None, "changes[0].mode:", "null"),
    ("path", 7, "changes[0].path:", "a number, expected a path"),
    ("path", ["a.py"], "changes[0].path:", "a list"),
    ("action", None, "changes[0].action:", "null"),
    ("old_sha256", "zz" * 32, "changes[0].old_sha256:", "not 64 lowercase hex"),
    ("old_sha256", sha(A).upper(), "changes[0].old_sha256:", "not 64 lowercase hex"),
    ("old_sha256", sha(A)[:63], "changes[0].old_sha256:", "not 64 lowercase hex"),
    ("old_sha256", None, "changes[0].old_sha256:", "a modify needs it"),
    ("new", "cnVu!!ID0gMQo=", "changes[0].new:", "not base64"),
    ("new", None, "changes[0].new:", "a modify needs it"),
    ("old", 7, "changes[0].old:", "a number, expected a string"),
    ("new_path", "b.py", "changes[0].new_path:", "must be null for a modify"),
], ids=lambda v: str(v)[:20])
def test_wrong_type_or_value_is_malformed(root, field, value, where, words):
    plan = write_plan(root, [modify() | {field: value}])
    refused(root, plan, 2, where, words)


def test_unknown_field_in_a_change_is_refused(root):
    plan = write_plan(root, [modify(hook="touch /tmp/x")])
    refused(root, plan, 2, "changes[0].hook:", "unknown field")


def test_missing_field_is_refused(root):
    change = modify()
    del change["mode"]
    plan = write_plan(root, [change])
    refused(root, plan, 2, "changes[0].mode:", "missing")


def test_unknown_top_level_field_is_refused(root):
    plan = write_plan(root, [modify()], run_after="sh -c 'touch /tmp/x'")
    refused(root, plan, 2, "run_after:", "unknown field")


def test_rename_onto_itself_is_malformed(root):
    plan = write_plan(root, [entry("rename", "a.py", "a.py")])
    refused(root, plan, 2, "changes[0].new_path:", "onto its own path")


@pytest.mark.parametrize("fmt", [True, 1.0, "1", 2, None])
def test_format_must_be_the_number_1(root, fmt):
    plan = write_plan(root, [modify()], format=fmt)
    refused(root, plan, 2, "format:", "not a plan format")


FULL = json.dumps({"format": 1, "root": "R", "recipe": None, "changes": [modify()]})


@pytest.mark.parametrize("text, words", [
    ('{"format": 1, "format": 1, "root": "R", "recipe": null, "changes": []}', "appears twice"),
    (FULL.replace("33188", "1" + "0" * 5000), "more than 20 digits"),
    (FULL.replace("33188", "1e999"), "changes[0].mode: a non-integer number, expected a number"),
    (FULL.replace("33188", "NaN"), "NaN is not a JSON number"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('["a plan"]', "not a runsmig plan"),
    ('{"format": 1, "root": "R", "recipe": null, "changes": {"0": {}}}', "changes: an object, expected a list"),
    ('{"format": 1, "root": "R", "recipe": null, "changes": ["modify a.py"]}', "changes[0]: a string"),
], ids=["duplicate-key", "huge-int", "huge-float", "nan", "deep", "list", "changes-object", "change-string"])
def test_malformed_json_is_one_line(root, text, words):
    plan = root.parent / "PLAN.json"
    plan.write_text(text.replace('"R"', json.dumps(str(root))))
    refused(root, plan, 2, "", words)


def test_json_syntax_error_names_line_and_column(root):
    plan = root.parent / "PLAN.json"
    plan.write_text('{\n "format": 1,\n "root": oops\n}')
    refused(root, plan, 2, ":3:10: not valid JSON", "Expecting value")


def test_plan_not_utf8_is_malformed(root):
    plan = root.parent / "PLAN.json"
    plan.write_bytes(b'{"format": 1, "root": "\xff"}')
    refused(root, plan, 2, "", "not UTF-8")


def test_plan_file_that_is_a_device_is_refused_without_reading_it(root):
    before = snapshot(root)
    res = run_apply(root, Path("/dev/zero"))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stderr.startswith("runsmig: error: /dev/zero: saved plan is a character device"), res.stderr
    assert res.seconds < 10 and res.max_rss_mb < 300, (res.seconds, res.max_rss_mb)
    assert snapshot(root) == before


# -- what still works ------------------------------------------------------------------------------
def test_a_real_plan_still_applies_exactly(root):
    (root / "jobs.py").write_bytes(b"def job():\n    return 1\n")
    (root / "job_tool.sh").write_bytes(b"#!/bin/sh\necho job\n")
    (root / "job_tool.sh").chmod(0o755)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "more")
    plan = root.parent / "REAL.json"
    out = subprocess.run([sys.executable, "-m", "runsmig", "plan", str(root), "--out", str(plan)], capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    assert {c["action"] for c in json.loads(plan.read_text())["changes"]} >= {"modify", "rename"}
    res = run_apply(root, plan)
    assert res.returncode == 0, res.stderr
    assert (root / "a.py").read_bytes() == b"run = 1\n"
    assert (root / "run_tool.sh").stat().st_mode & 0o777 == 0o755
    assert not (root / "jobs.py").exists() and (root / "runs.py").exists()
