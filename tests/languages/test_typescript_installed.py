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
