"""Fallback reads in destructuring patterns, arrow callbacks and object properties laid out as prettier
writes them (runsmig.languages.typescript.compat_layout; issue #22, fixture ts-compat-read-layout).

``RUNSMIG_PRETTIER`` (the path of a project's ``prettier`` 2.x binary) also checks each laid-out text
against prettier itself; without it that test is skipped (no prettier is installed with runsmig)."""

from __future__ import annotations

import os
import subprocess

import pytest

from runsmig.languages.typescript.compat_layout import lay_out
from runsmig.linelength import ScriptLayout

P80 = ScriptLayout(80, "  ", "all", True)
W = "GraphConfig.WorkerOptions"


def _all(text: str) -> set[int]:
    return set(range(1, text.count("\n") + 2))


def _lines(text: str, changed: set[int] | None = None) -> list[str]:
    return lay_out(text, "a.ts", changed or _all(text), P80).splitlines()


NESTED = ("const {\n  logger,\n  preset: {\n"
          f"    worker: {{ concurrentRuns: concurrency = compatRead(options?.preset?.worker, \"concurrentRuns\", \"{W}\") }},\n"
          "  },\n} = options;\n")


def test_a_nested_object_pattern_breaks_one_property_a_line_before_the_call():
    assert _lines(NESTED)[3:11] == [
        "    worker: {",
        "      concurrentRuns: concurrency = compatRead(",
        "        options?.preset?.worker,",
        '        "concurrentRuns",',
        f'        "{W}",',
        "      ),",
        "    },",
        "  },",
    ]


SEVERAL = ("function f(compiledOptions: O) {\n"
           "  const { logger, escapedWorkerSchema, withPgClient, addRun = compatRead(compiledOptions, \"addRun\", "
           "\"Helpers\"), addRuns = compatRead(compiledOptions, \"addRuns\", \"Helpers\") } =\n"
           "    compiledOptions;\n}\n")


def test_an_object_pattern_of_several_names_breaks_one_a_line_and_its_value_comes_back_after_it():
    assert _lines(SEVERAL, {2})[1:9] == [
        "  const {",
        "    logger,",
        "    escapedWorkerSchema,",
        "    withPgClient,",
        '    addRun = compatRead(compiledOptions, "addRun", "Helpers"),',
        '    addRuns = compatRead(compiledOptions, "addRuns", "Helpers"),',
        "  } = compiledOptions;",
        "}",
    ]


def test_no_trailing_comma_after_a_rest_element():
    text = "const { a, b, addRun = compatRead(compiledOptions, \"addRun\", \"Helpers\"), ...rest } = opts;\n"
    assert _lines(text)[-2:] == ["  ...rest", "} = opts;"]


ARROW = ("function f(specs: S[]) {\n  return specs\n"
         "    .map((failure) => compatRead(failure, \"run\", \"RunAndCronIdentifierSpecs\").id)\n"
         "    .join(\", \");\n}\n")


def test_an_arrow_with_an_expression_body_given_last_breaks_the_calls_arguments():
    assert _lines(ARROW, {3})[2:5] == [
        "    .map(",
        '      (failure) => compatRead(failure, "run", "RunAndCronIdentifierSpecs").id,',
        "    )",
    ]


def test_an_arrow_with_a_block_body_given_last_is_still_hugged():
    text = ("specs.forEach((failure) => { use(compatRead(failure, \"run\", \"RunAndCronIdentifierSpecs\").id, 1, 2); });\n")
    assert _lines(text)[0] == "specs.forEach((failure) => { use("


TEMPLATE = ("function f(specs: S[]) {\n  return `failed '${specs\n"
            "    .map((failure) => compatRead(failure, \"run\", \"RunAndCronIdentifierSpecs\").id)\n"
            "    .join(\"', '\")}'`;\n}\n")


def test_in_a_template_substitution_prettier_broke_over_lines_groups_break_too():
    text = TEMPLATE
    assert _lines(text, {3})[2:5] == [
        "    .map(",
        '      (failure) => compatRead(failure, "run", "RunAndCronIdentifierSpecs").id,',
        "    )",
    ]
    one_line = "const m = `${compatRead(failure, \"run\", \"RunAndCronIdentifierSpecs\").id} ${compatRead(x, \"run\", \"R\")}`;\n"
    assert lay_out(one_line, "a.ts", {1}, P80) == one_line


PROPERTIES = ("function f(helpers: H) {\n  return {\n"
              "    LAYOUT_WORKER_RUN_KEY_VALUE: compatRead(helpers, \"run\", \"RunHelpers\").key ?? undefined,\n"
              "    LAYOUT_WORKER_RUN_RUN_AT: compatRead(helpers, \"run\", \"RunHelpers\").run_at.toISOString(),\n"
              "  };\n}\n")


def test_a_property_whose_value_is_a_logical_expression_breaks_after_its_colon():
    assert _lines(PROPERTIES, {3})[2:4] == [
        "    LAYOUT_WORKER_RUN_KEY_VALUE:",
        '      compatRead(helpers, "run", "RunHelpers").key ?? undefined,',
    ]


def test_a_member_chain_ending_in_a_call_breaks_at_the_first_calls_arguments():
    assert _lines(PROPERTIES, {4})[3:9] == [
        "    LAYOUT_WORKER_RUN_RUN_AT: compatRead(",
        "      helpers,",
        '      "run",',
        '      "RunHelpers",',
        "    ).run_at.toISOString(),",
        "  };",
    ]


def test_the_right_operand_stays_after_a_left_operand_just_broken():
    text = ("const settings = {\n  concurrentRuns:\n"
            "    enforceNumberOrUndefined(\"concurrentRuns\", compatRead(fileSettings, \"concurrentRuns\", \"WorkerOptions\", true)) ||\n"
            "    1,\n};\n")
    assert _lines(text, {3})[1:9] == [
        "  concurrentRuns:",
        "    enforceNumberOrUndefined(",
        '      "concurrentRuns",',
              '      compatRead(fileSettings, "concurrentRuns", "WorkerOptions", true),',
        "    ) || 1,",
        "};",
    ]


DEFAULTS = ("const {\n  worker: {\n"
            f"    completeRunBatchDelay = compatRead(options?.preset?.worker, \"completeRunBatchDelay\", \"{W}\") ?? -1,\n"
            f"    failRunBatchDelay = compatRead(options?.preset?.worker, \"failRunBatchDelay\", \"{W}\") ?? (poll || 2),\n"
            "  },\n} = options;\n")


def test_a_default_kept_after_the_broken_read():
    out = _lines(DEFAULTS, {3, 4})
    assert out[6] == "    ) ?? -1,"
    assert out[11:13] == ["    ) ??", "      (poll || 2),"]


def test_laying_out_again_changes_nothing():
    for text in (NESTED, SEVERAL, ARROW, PROPERTIES, DEFAULTS):
        once = lay_out(text, "a.ts", _all(text), P80)
        assert lay_out(once, "a.ts", _all(once), P80) == once


@pytest.mark.skipif(not os.environ.get("RUNSMIG_PRETTIER"),
                    reason="set RUNSMIG_PRETTIER to a prettier 2.x binary to compare with prettier itself")
def test_each_shape_is_what_prettier_writes(tmp_path):
    (tmp_path / ".prettierrc").write_text('{"trailingComma": "all"}\n')
    for i, text in enumerate((NESTED, SEVERAL, ARROW, TEMPLATE, PROPERTIES, DEFAULTS)):
        out = lay_out(text, "a.ts", _all(text), P80)
        path = tmp_path / f"case{i}.ts"
        path.write_text(out)
        res = subprocess.run([os.environ["RUNSMIG_PRETTIER"], "--no-cache", "--stdin-filepath", str(path)],
                             input=out, capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert res.stdout == out


def _dropped(text: str) -> str:
    from runsmig.languages.typescript.compat_layout import rejoin
    from runsmig.languages.typescript.compat_reads import undo_reads

    laid = lay_out(text, "a.ts", _all(text), P80)
    back = undo_reads("a.ts", laid)
    return rejoin(back, "a.ts", _all(back), P80)


def test_compat_drop_gives_back_the_layout_prettier_writes_without_the_reads():
    assert _dropped(NESTED) == ("const {\n  logger,\n  preset: {\n    worker: { concurrentRuns: concurrency },\n"
                                "  },\n} = options;\n")
    assert _dropped(SEVERAL) == ("function f(compiledOptions: O) {\n"
                                 "  const { logger, escapedWorkerSchema, withPgClient, addRun, addRuns } =\n"
                                 "    compiledOptions;\n}\n")
    assert _dropped(PROPERTIES).splitlines()[2:4] == [
        "    LAYOUT_WORKER_RUN_KEY_VALUE: helpers.run.key ?? undefined,",
        "    LAYOUT_WORKER_RUN_RUN_AT: helpers.run.run_at.toISOString(),",
    ]
    settings = ("const settings = {\n  concurrentRuns:\n"
                "    enforceNumberOrUndefined(\"concurrentRuns\", compatRead(fileSettings, \"concurrentRuns\", "
                "\"WorkerOptions\", true)) ||\n    1,\n};\n")
    assert _dropped(settings).splitlines()[2:4] == [
        '    enforceNumberOrUndefined("concurrentRuns", fileSettings?.concurrentRuns) ||',
        "    1,",
    ]


LONG_TEMPLATE = TEMPLATE.replace("}'`;", "}':\\n${String(error)}`;")


def test_compat_drop_joins_a_member_chain_whole_or_not_at_all():
    assert _dropped(TEMPLATE).splitlines()[1] == "  return `failed '${specs.map((failure) => failure.run.id).join(\"', '\")}'`;"
    assert _dropped(LONG_TEMPLATE).splitlines()[1:4] == [
        "  return `failed '${specs",
        "    .map((failure) => failure.run.id)",
        "    .join(\"', '\")}':\\n${String(error)}`;",
    ]


@pytest.mark.skipif(not os.environ.get("RUNSMIG_PRETTIER"),
                    reason="set RUNSMIG_PRETTIER to a prettier 2.x binary to compare with prettier itself")
def test_each_dropped_shape_is_what_prettier_writes(tmp_path):
    (tmp_path / ".prettierrc").write_text('{"trailingComma": "all"}\n')
    for i, text in enumerate((NESTED, SEVERAL, ARROW, TEMPLATE, LONG_TEMPLATE, PROPERTIES, DEFAULTS)):
        out = _dropped(text)
        res = subprocess.run([os.environ["RUNSMIG_PRETTIER"], "--no-cache", "--stdin-filepath",
                              str(tmp_path / f"case{i}.ts")], input=out, capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert res.stdout == out
