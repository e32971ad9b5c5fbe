"""A plan says when the TS/JS packages are not installed: their declarations decide which object
keys handed to them are theirs (``pack({ keepJobs })``: msgpackr's ``value: any``, the project's data)."""

from __future__ import annotations

from tests.helpers import committed_checkout, runsmig

RECIPE = "version: 1\nname: t\nterms: [{from: job, plural: jobs, to: run, to_plural: runs}]\n"
SOURCE = ("import { pack } from 'msgpackr';\n\n"
          "export function f(getKeepJobs: () => number) {\n"
          "  const keepJobs = getKeepJobs();\n"
          "  return pack({ name: 'x', keepJobs });\n}\n")
FILES = {"package.json": '{"name": "x", "version": "1.0.0", "private": true, "dependencies": {"msgpackr": "1.0.0"}}\n',
         ".gitignore": "node_modules/\n", "src/a.ts": SOURCE}


def _plan(root, tmp_path):
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode(), proc.stderr.decode()


def test_not_installed_keeps_the_key_and_says_so(tmp_path):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    out, err = _plan(root, tmp_path)
    assert "+  return pack({ name: 'x', keepJobs: keepRuns });" in out
    assert "note: package.json: 1 of its 1 dependencies are not installed in node_modules (msgpackr)" in err


def test_installed_renames_the_data_key_and_says_nothing(tmp_path):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    pkg = root / "node_modules" / "msgpackr"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "msgpackr", "version": "1.0.0", "types": "index.d.ts"}\n')
    (pkg / "index.d.ts").write_text("export function pack(value: any): Uint8Array;\n")
    out, err = _plan(root, tmp_path)
    assert "+  return pack({ name: 'x', keepRuns });" in out
    assert "not installed" not in err


def test_no_note_without_a_term_in_typescript(tmp_path):
    files = dict(FILES, **{"src/a.ts": "export const x = 1;\n", "README.md": "A job.\n"})
    root, _ = committed_checkout(tmp_path, files, RECIPE)
    _, err = _plan(root, tmp_path)
    assert "not installed" not in err


def test_an_optional_peer_that_is_not_installed_is_no_reason(tmp_path):
    files = dict(FILES, **{"package.json": '{"name": "x", "version": "1.0.0", "private": true, '
                                           '"peerDependencies": {"msgpackr": "1"}, '
                                           '"peerDependenciesMeta": {"msgpackr": {"optional": true}}}\n'})
    root, _ = committed_checkout(tmp_path, files, RECIPE)
    _, err = _plan(root, tmp_path)
    assert "not installed" not in err


def _check(root, tmp_path):
    return runsmig("check", str(root), "--recipe", str(tmp_path / "recipe.yaml"), "--no-cache")


APPLIED = ("import { pack } from 'msgpackr';\n\n"
           "export function f(getKeepRuns: () => number) {\n"
           "  const keepRuns = getKeepRuns();\n"
           "  return pack({ name: 'x', keepJobs: keepRuns });\n}\n")


def test_the_gate_counts_a_key_kept_on_unread_declarations_as_undecided(tmp_path):
    """What a plan without the packages made (`pack({ keepJobs: keepRuns })`), checked without them:
    whether 'keepJobs' is msgpackr's cannot be known, so the gate fails closed (3), never passes; with
    the declarations read, the key is the project's data and a finding (1)."""
    root, _ = committed_checkout(tmp_path, dict(FILES, **{"src/a.ts": APPLIED}), RECIPE)
    proc = _check(root, tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "src/a.ts" in err and "undecided" in err and "'keepJobs' is kept as an option of" in err
    pkg = root / "node_modules" / "msgpackr"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "msgpackr", "version": "1.0.0", "types": "index.d.ts"}\n')
    (pkg / "index.d.ts").write_text("export function pack(value: any): Uint8Array;\n")
    proc = _check(root, tmp_path)
    assert proc.returncode == 1 and "keepJobs" in proc.stdout.decode() + proc.stderr.decode()


def test_a_key_the_declarations_name_is_the_packages_and_passes(tmp_path):
    """An option the installed declarations name (`pack({ jobId })` where pack takes `{ jobId }`):
    the package's, kept, and the gate passes."""
    source = "import { pack } from 'msgpackr';\n\nexport const g = (jobId: string) => pack({ jobId });\n"
    root, _ = committed_checkout(tmp_path, dict(FILES, **{"src/a.ts": source.replace("(jobId: string)", "(id: string)")
                                                          .replace("{ jobId }", "{ jobId: id }")}), RECIPE)
    pkg = root / "node_modules" / "msgpackr"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "msgpackr", "version": "1.0.0", "types": "index.d.ts"}\n')
    (pkg / "index.d.ts").write_text("export function pack(value: { jobId: string }): Uint8Array;\n")
    proc = _check(root, tmp_path)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
