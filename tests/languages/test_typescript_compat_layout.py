"""Lines runsmig writes into a TS/JS source laid out within the project's line length, as prettier
would (runsmig.languages.typescript.compat_layout, runsmig.linelength.script_layout)."""

from __future__ import annotations

import json

from runsmig.languages.typescript.compat_layout import generated, lay_out
from runsmig.linelength import ScriptLayout, prettier_style, script_layout

P80 = ScriptLayout(80, "  ", "all", True)

LONG_CALL = (
    "class A {\n"
    "  f() {\n"
    "    const run = new Run(queue, name, data, opts, opts && compatRead(opts, 'runId', 'RunOptions'));\n"
    "  }\n"
    "}\n"
)


def test_a_long_call_gets_one_argument_a_line_with_the_trailing_comma_of_all():
    out = lay_out(LONG_CALL, "a.ts", {3}, P80)
    assert out.splitlines()[2:10] == [
        "    const run = new Run(",
        "      queue,",
        "      name,",
        "      data,",
        "      opts,",
        "      opts && compatRead(opts, 'runId', 'RunOptions'),",
        "    );",
        "  }",
    ]
    assert all(len(line) <= 80 for line in out.splitlines())


def test_no_trailing_comma_after_arguments_with_es5_or_none():
    for comma in ("es5", "none"):
        out = lay_out(LONG_CALL, "a.ts", {3}, ScriptLayout(80, "    ", comma, True))
        assert "\n        opts && compatRead(opts, 'runId', 'RunOptions')\n    );" in out


def test_a_line_that_fits_or_that_runsmig_did_not_write_is_left_as_it_is():
    assert lay_out(LONG_CALL, "a.ts", {1, 2, 4}, P80) == LONG_CALL
    assert lay_out(LONG_CALL, "a.ts", {3}, ScriptLayout(120, "  ", "all", True)) == LONG_CALL
    assert lay_out(LONG_CALL, "a.ts", {3}, None) == LONG_CALL


def test_laying_out_again_changes_nothing():
    once = lay_out(LONG_CALL, "a.ts", {3}, P80)
    assert lay_out(once, "a.ts", set(range(1, once.count("\n") + 2)), P80) == once


def test_an_if_condition_breaks_at_its_operator_and_a_template_literal_is_not_broken():
    text = (
        "function f(opts: O) {\n"
        "  if (`${parseInt(compatRead(opts, 'runId', 'RunOptions'), 10)}` === compatRead(opts, 'runId', 'RunOptions')) {\n"
        "    return 1;\n"
        "  }\n"
        "}\n"
    )
    out = lay_out(text, "a.ts", {2}, P80)
    assert out.splitlines()[1:5] == [
        "  if (",
        "    `${parseInt(compatRead(opts, 'runId', 'RunOptions'), 10)}` ===",
        "    compatRead(opts, 'runId', 'RunOptions')",
        "  ) {",
    ]


def test_name_read_after_a_call_breaks_before_the_calls_arguments():
    text = (
        "function f(opts: O) {\n"
        "  if (\n"
        "    compatRead(opts, 'runId', 'RunOptions').includes(':') &&\n"
        "    compatRead(this.options, 'runId', 'BaseRunOptions', true)?.split(':').length !== 3\n"
        "  ) {\n"
        "    return 1;\n"
        "  }\n"
        "}\n"
    )
    out = lay_out(text, "a.ts", {4}, P80)
    assert out.splitlines()[3:5] == [
        "    compatRead(this.options, 'runId', 'BaseRunOptions', true)?.split(':')",
        "      .length !== 3",
    ]


def test_an_assigned_binary_breaks_after_the_equals_sign():
    text = "function f(opts: O) {\n  this.runsOpts = compatRead(opts, 'defaultRunOptions', 'QueueOptions', true) ?? {};\n}\n"
    out = lay_out(text, "a.ts", {2}, P80)
    assert out.splitlines()[1:3] == [
        "  this.runsOpts =",
        "    compatRead(opts, 'defaultRunOptions', 'QueueOptions', true) ?? {};",
    ]


def test_the_compat_module_keeps_prettier_off_where_it_cannot_be_laid_out():
    text = (
        "import type {\n  Processor,\n} from './interfaces/processor';\n\n"
        "declare module './worker' {\n  interface Worker {\n"
        "    processJob(...args: CompatArgs<Worker['processRun']>): CompatResult<Worker['processRun']>;\n"
        "  }\n}\n"
        "aliasMember(Worker.prototype, 'processJob', 'processRun', 'Worker', true);\n"
        "aliasMember(Worker.prototype, 'waitForCurrentJobAndExit', 'waitForCurrentRunAndExit', 'Worker');\n"
    )
    out = generated(text, "src/compat.ts", P80)
    lines = out.splitlines()
    assert lines[0] == "// prettier-ignore" and lines[1] == "import type {"
    assert lines[lines.index("declare module './worker' {") - 1] == "// prettier-ignore"
    assert "aliasMember(Worker.prototype, 'processJob', 'processRun', 'Worker', true);" in lines
    assert lines[-6:] == ["aliasMember(", "  Worker.prototype,", "  'waitForCurrentJobAndExit',",
                          "  'waitForCurrentRunAndExit',", "  'Worker',", ");"]
    assert generated(text, "src/compat.ts", None) == text


def test_script_layout_reads_prettier_then_eslint(tmp_path):
    assert script_layout(tmp_path, "src/a.ts") is None
    (tmp_path / "eslint.config.mjs").write_text("export default [{ rules: { 'max-len': ['error', { code: 120 }] } }];\n")
    lay = script_layout(tmp_path, "src/a.ts", "f(\n    a,\n    b\n);\nconst o = {\n    a: 1,\n};\n")
    assert (lay.width, lay.indent, lay.trailing_comma, lay.prettier) == (120, "    ", "es5", False)
    (tmp_path / ".prettierrc.js").write_text("module.exports = {\n  printWidth: 100,\n  tabWidth: 4,\n"
                                             "  trailingComma: 'none',\n};\n")
    lay = script_layout(tmp_path, "src/a.ts")
    assert (lay.width, lay.indent, lay.trailing_comma, lay.prettier) == (100, "    ", "none", True)


def test_prettier_defaults_follow_its_major_version(tmp_path):
    pkg = {"name": "x", "devDependencies": {"prettier": "^2.8.0"}}
    (tmp_path / "package.json").write_text(json.dumps(pkg))
    style = prettier_style(tmp_path, "src/a.ts")
    assert (style.print_width, style.trailing_comma) == (80, "es5")
    pkg["devDependencies"]["prettier"] = "3.3.3"
    pkg["prettier"] = {"printWidth": 90}
    (tmp_path / "package.json").write_text(json.dumps(pkg))
    style = prettier_style(tmp_path, "src/a.ts")
    assert (style.print_width, style.trailing_comma, style.source) == (90, "all", "package.json")


def test_rejoin_gives_back_the_projects_layout_after_the_reads_are_undone():
    from runsmig.languages.typescript.compat_reads import undo_reads
    from runsmig.languages.typescript.compat_style import added_lines
    from runsmig.languages.typescript.compat_layout import rejoin

    original = (
        "function f(opts: O) {\n"
        "  if (`${parseInt(opts.runId, 10)}` === opts.runId) {\n"
        "    return new Run(name, opts, opts && opts.runId ? opts.runId : queueName);\n"
        "  }\n"
        "  const fallback =\n"
        "    opts.defaultRunTimeout ?? settings.defaults?.prefix?.length ?? 10000;\n"
        "  return opts.defaultRunTimeout ?? fallback ?? 1000;\n"
        "}\n"
    )
    reads = (original.replace("opts.runId", "compatRead(opts, 'runId', 'RunOptions')")
             .replace("opts.defaultRunTimeout", "compatRead(opts, 'defaultRunTimeout', 'RunOptions')"))
    laid = lay_out(reads, "a.ts", set(range(1, 9)), P80)
    assert laid != reads and all(len(line) <= 80 for line in laid.splitlines())
    undone = undo_reads("a.ts", laid)
    assert undone != original  # the reads are back, the layout is not
    assert rejoin(undone, "a.ts", added_lines(laid, undone), P80) == original
    # in a project without prettier the layout is left as it is (its own breaks are not known)
    eslint_only = ScriptLayout(80, "  ", "all", False)
    assert rejoin(undone, "a.ts", added_lines(laid, undone), eslint_only) == undone


def test_a_ternary_argument_after_non_ascii_text_breaks_at_its_question_mark():
    text = (
        "function f(opts: O) {\n"
        "  return make('café ☕', opts, opts && compatRead(opts, 'runId', 'RunOptions') ? compatRead(opts, 'runId', 'RunOptions') : 'none');\n"
        "}\n"
    )
    out = lay_out(text, "a.ts", {2}, P80)
    assert out.splitlines()[1:9] == [
        "  return make(",
        "    'café ☕',",
        "    opts,",
        "    opts && compatRead(opts, 'runId', 'RunOptions')",
        "      ? compatRead(opts, 'runId', 'RunOptions')",
        "      : 'none',",
        "  );",
        "}",
    ]
