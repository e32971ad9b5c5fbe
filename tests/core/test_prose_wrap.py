"""Comment and docstring lines a rewrite pushes past a configured line length are wrapped at a word
boundary (runsmig.prosewrap); code, plain strings, URLs and over-long words stay, named in the plan's
line-length note (runsmig.linelength)."""

from __future__ import annotations

import ast
from pathlib import Path

from runsmig.plan import build_plan
from runsmig.prosewrap import wrap_text
from tests.helpers import committed_checkout

# "jobs to run" -> "runs to execute": 4 columns longer, as on a real checkout
RECIPE = "version: 1\nname: w\nterms: [{from: job, plural: jobs, to: run, to_plural: runs}]\nstored: keep\n"


def _renamed(text: str) -> str:
    return text.replace("jobs to run", "runs to execute").replace("job", "run")


def _wrap(old: str, limit: int = 40, kind: str = "py", grammar: str = "typescript") -> str:
    return wrap_text(old, _renamed(old), limit, kind, grammar)


def test_a_comment_line_is_wrapped_with_its_indentation_and_marker():
    old = "def f():\n    # the worker waits for jobs to run\n    return 1\n"  # 38 -> 42
    assert _wrap(old) == "def f():\n    # the worker waits for runs to\n    # execute\n    return 1\n"
    assert _wrap("#: the worker waits for jobs to run ok\n") == "#: the worker waits for runs to execute\n#: ok\n"


def test_a_line_already_too_long_or_still_within_the_limit_stays():
    old = "# the worker waits for the jobs to run, it was already long\n"
    assert _wrap(old) == _renamed(old)
    assert wrap_text("# aa bb\n# cc\n", "# aa bb\n# cc dd ee\n", 7, "py") == "# aa bb\n# cc dd\n# ee\n"
    assert wrap_text("# aa bb cc\n", "# aa bb cc dd\n", 6, "py") == "# aa bb cc dd\n"  # over before: stays
    assert _wrap("# waits for jobs to run\n") == "# waits for runs to execute\n"


def test_a_line_that_spills_twice_becomes_three_lines():
    old = "    # a worker waits for jobs to run\n"
    assert _wrap(old, limit=20) == _renamed(old)  # 33 before: already over 20
    old = "# jobs to run wait here\n"  # 23 -> 27 at limit 23: within before
    assert _wrap(old, limit=23) == "# runs to execute wait\n# here\n"
    three = wrap_text("# aa bb cc dd\n", "# aaaa bbbb cccc dddd eeee ffff\n", 13, "py")
    assert three == "# aaaa bbbb\n# cccc dddd\n# eeee ffff\n"


def test_code_plain_strings_trailing_comments_and_pragmas_stay():
    cases = [
        "x = 'the worker waits for jobs to run'\n",  # a string literal that is no docstring
        "x = 1  # the worker waits for jobs to run\n",  # a comment after code
        "# waits = run_jobs(queue, 'jobs to run')\n",  # commented-out code
        "# noqa: E501 - the worker waits for jobs to run\n",  # a pragma
        "\t# the worker waits for jobs to run\n",  # a tab: its width is the linter's
    ]
    for old in cases:
        assert _wrap(old, limit=len(old) - 1) == _renamed(old), old


def test_a_word_longer_than_the_room_or_a_url_leaves_the_line_whole():
    assert wrap_text("# " + "a" * 30, "# " + "a" * 45, 40, "py") == "# " + "a" * 45  # no space to break at
    code = wrap_text("    - aa " + "b" * 25, "    - aaaa " + "b" * 25, 34, "py")  # not prose (nor Python): left
    assert code == "    - aaaa " + "b" * 25
    doc = '"""S.\n\n- aa ' + "b" * 30 + '\n"""\n'  # the hang (2) leaves 34 columns: the word needs 30, fits
    assert wrap_text(doc, doc.replace("aa", "aaaaaa"), 35, "py") == '"""S.\n\n- aaaaaa\n  ' + "b" * 30 + '\n"""\n'
    url = "# the jobs to run are listed at https://example.com/q\n"  # the spill is the URL
    assert _wrap(url, limit=len(url) - 1) == _renamed(url)


def test_docstring_lines_but_not_its_opening_line_nor_its_examples():
    old = ('def f():\n'
           '    """It waits for the jobs to run.\n'  # the summary line: stays
           '\n'
           '    Then it waits for jobs to run.\n'  # 34 -> 38: wrapped, same indentation
           '\n'
           '    >>> f()  # jobs to run, one\n'  # doctest: stays
           '\n'
           '    Example::\n'
           '\n'
           '        f(jobs)  # jobs to run now\n'  # literal block: stays
           '\n'
           '    ```\n'
           '    f()  # the jobs to run, one\n'  # fenced: stays
           '    ```\n'
           '    The end of the jobs to run."""\n'  # the closing line: wrapped, quotes carried
           '    return 1\n')
    new = _wrap(old, limit=34)
    assert new.splitlines()[1] == '    """It waits for the runs to execute.'
    assert "    Then it waits for runs to\n    execute.\n" in new
    assert "    >>> f()  # runs to execute, one\n" in new
    assert "        f(runs)  # runs to execute now\n" in new
    assert "    f()  # the runs to execute, one\n" in new
    assert '    The end of the runs to\n    execute."""\n' in new
    doc = ast.get_docstring(ast.parse(new).body[0], clean=False)
    before = ast.get_docstring(ast.parse(_renamed(old)).body[0], clean=False)
    assert doc.split() == before.split()  # only whitespace moved


def test_bullets_and_fields_hang_under_their_text():
    old = ('def f():\n'
           '    """Summary.\n'
           '\n'
           '    Args:\n'
           '        jobs (list): jobs to run now\n'  # a Google entry: 4 further
           '\n'
           '    - each of the jobs to run here\n'  # a bullet: under its text
           '    :param jobs: the jobs to run ok\n'  # an RST field: 4 further
           '    Note: all of the jobs to run ok\n'  # prose at the docstring's indentation: same
           '    """\n')
    new = _wrap(old, limit=36)
    assert "        runs (list): runs to execute\n            now\n" in new
    assert "    - each of the runs to execute\n      here\n" in new
    assert "    :param runs: the runs to execute\n        ok\n" in new
    assert "    Note: all of the runs to execute\n    ok\n" in new


def test_no_break_inside_an_inline_code_span():
    old = "# call `the jobs to run now` then\n"  # 33 -> 37
    assert _wrap(old, limit=34) == "# call `the runs to execute now`\n# then\n"
    old = "# `see jobs to run now ok`\n"  # the only spaces are inside the span
    assert _wrap(old, limit=27) == _renamed(old)


def test_line_endings_are_kept():
    old = "x = 1\r\n# the worker waits for jobs to run\r\ny = 2\r\n"
    assert _wrap(old, limit=36) == "x = 1\r\n# the worker waits for runs to\r\n# execute\r\ny = 2\r\n"
    last = "x = 1\n# the worker waits for jobs to run"  # no newline at the end of the file
    assert _wrap(last, limit=36) == "x = 1\n# the worker waits for runs to\n# execute"


def test_scripts_wrap_line_comments_and_jsdoc_lines_only():
    old = ("/**\n"
           " * Waits for the jobs to run, ok.\n"  # 34 -> 38: the star kept
           " * - one of the jobs to run, ok\n"  # a bullet
           " * @example\n"
           " * wait(); // the jobs to run ok\n"  # an example: stays
           " */\n"
           "export function wait() {\n"
           "  // waits for the jobs to run ok\n"  # 33 -> 37
           "  const s = `\n"
           "  // waits for the jobs to run ok\n"  # inside a template literal: stays
           "  `;\n"
           "  return s; // the jobs to run ok\n"  # after code: stays
           "}\n")
    new = _wrap(old, limit=34, kind="script")
    assert " * Waits for the runs to execute,\n * ok.\n" in new
    assert " * - one of the runs to execute,\n *   ok\n" in new
    assert " * wait(); // the runs to execute ok\n" in new
    assert "  // waits for the runs to execute\n  // ok\n  const s = `\n  // waits for the runs to execute ok\n" in new
    assert "  return s; // the runs to execute ok\n" in new
    prose = "  // if the queue is empty, jobs to run wait,\n"  # prose, though it starts with "if"
    assert _wrap(prose, limit=46, kind="script") == "  // if the queue is empty, runs to execute\n  // wait,\n"
    for code in ("  // const s = 'jobs to run';\n", "  // waitFor(queue, 'jobs to run')\n",
                 "  // queue.filter((j) => 'jobs to run')\n"):  # commented-out code: 4 longer, stays
        assert _wrap(code, limit=len(code) - 1, kind="script") == _renamed(code), code


def _plan(tmp_path: Path, files: dict[str, str]):
    root, recipe = committed_checkout(tmp_path, files, RECIPE)
    plan = build_plan(root, recipe, workers=1)
    return {c.target: c.new.decode() for c in plan.changes}, [n for n in plan.notes if "line length" in n]


def test_the_plan_wraps_to_the_configured_limit_and_names_only_what_stays(tmp_path):
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 36\n",
        "app.py": ("# the worker waits for jobs to run\n"  # wrapped
                   "MSG = 'the worker waits, jobs to run'\n"  # a string: named
                   "def f(job):\n    return job\n"),
    }
    new, notes = _plan(tmp_path, files)
    assert new["app.py"].startswith("# the worker waits for runs to\n# execute\nMSG = 'the worker waits, runs to execute'\n")
    (note,) = notes
    assert note.startswith("app.py: the rewrite makes line(s) 3 (") and "(36)" in note


def test_without_a_configured_limit_nothing_is_wrapped(tmp_path):
    text = "# " + "x" * 50 + " the worker waits for jobs to run\n"  # 86 -> 90: past the default 88
    new, notes = _plan(tmp_path, {"app.py": text, "web/a.ts": "// " + "x" * 100 + " jobs to run\n"})
    assert new["app.py"] == _renamed(text)  # no linter configured: its default is no limit to wrap to
    assert new["web/a.ts"] == "// " + "x" * 100 + " runs to execute\n"
    assert len(notes) == 1 and notes[0].startswith("app.py:") and "(88)" in notes[0]


def test_eslint_comment_options_decide_for_scripts(tmp_path):
    comment = "// the worker waits for jobs to run ok\n"  # 38 -> 42
    for name, rule, wrapped in [
            ("code", "['error', { code: 40 }]", True),
            ("comments", "['error', { code: 200, comments: 40 }]", True),
            ("ignored", "['error', { code: 40, ignoreComments: true }]", False)]:
        files = {"eslint.config.mjs": f"export default [{{ rules: {{ 'max-len': {rule} }} }}];\n", "a.ts": comment}
        new, _ = _plan(tmp_path / name, files)
        assert (new["a.ts"] == "// the worker waits for runs to execute\n// ok\n") is wrapped, (name, new["a.ts"])
