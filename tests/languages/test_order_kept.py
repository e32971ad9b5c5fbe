"""Order kept (issue #19, item 4): a sequence sorted before the rewrite is sorted after it."""

from __future__ import annotations

from functools import cmp_to_key
from pathlib import Path

import pytest

from runsmig.apply import apply_plan
from runsmig.languages import language_for
from runsmig.languages.order import natural_compare
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

RECIPE_TEXT = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def migrate(tmp_path: Path, files: dict[str, str]):
    """Write the files, plan and apply with only the term map; (texts after, plan)."""
    root = tmp_path / "w"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    rp = tmp_path / "recipe.yaml"
    rp.write_text(RECIPE_TEXT, encoding="utf-8")
    recipe = load_recipe(rp)
    plan = build_plan(root, recipe, workers=1)
    apply_plan(plan)
    again = build_plan(root, recipe, workers=1)
    assert again.empty, "not idempotent"
    out = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}
    return out, plan


def follow_ups(plan) -> list[str]:
    return [f.message for f in plan.follow_ups() if f.rule == "follow-up"]


# -- the shared keys ------------------------------------------------------------------------
def test_natural_compare_is_jests():
    names = ["b 10", "b 2", "B 1", "a-b 1", "a 1", "a.b 1", "x 01", "x 1"]
    got = sorted(names, key=cmp_to_key(natural_compare))
    # natural-compare: numbers by value, '.' before '-', upper case before lower case
    assert got == ["B 1", "a 1", "a.b 1", "a-b 1", "b 2", "b 10", "x 01", "x 1"]


# -- Python ---------------------------------------------------------------------------------
PY_MODULES = {
    "app/__init__.py": "",
    "app/jobs.py": "class JobRunner:\n    pass\n\n\ndef make_job_id():\n    pass\n",
    "app/queue.py": "class Queue:\n    pass\n",
    "app/utils.py": "def helper():\n    pass\n",
}


def test_python_import_block_resorted_with_its_comments(tmp_path):
    src = ("import os\n"
           "# the queue (moves with its import)\n"
           "from app.jobs import JobRunner  # noqa: F401\n"
           "from app.queue import Queue\n"
           "from app.utils import helper\n\n"
           "print(os, JobRunner, Queue, helper)\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("import os\n"
                              "from app.queue import Queue\n"
                              "# the queue (moves with its import)\n"
                              "from app.runs import RunRunner  # noqa: F401\n"
                              "from app.utils import helper\n\n"
                              "print(os, RunRunner, Queue, helper)\n")


def test_python_import_names_resorted_by_isort_type(tmp_path):
    src = ("from app.jobs import (\n"
           "    JobRunner,  # the runner\n"
           "    make_job_id,\n"
           ")\n"
           "from app.mod import Alpha, JobThing, Zeta, alpha\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "app/mod.py": "Alpha = JobThing = Zeta = alpha = 1\n",
                                "main.py": src})
    assert out["main.py"] == ("from app.mod import Alpha, RunThing, Zeta, alpha\n"
                              "from app.runs import (\n"
                              "    RunRunner,  # the runner\n"
                              "    make_run_id,\n"
                              ")\n")
    src2 = "from app.mod import Alpha, JobThing, Queue, alpha\n"
    out, _ = migrate(tmp_path / "b", {**PY_MODULES, "app/mod.py": "Alpha = JobThing = Queue = alpha = 1\n",
                                      "main.py": src2})
    assert out["main.py"] == "from app.mod import Alpha, Queue, RunThing, alpha\n"


def test_python_dunder_all_resorted(tmp_path):
    src = ('from app.jobs import JobRunner\n\n'
           '__all__ = [\n    "JobRunner",\n    "Queue",  # re-exported\n    "helper",\n]\n'
           'Queue = helper = 1\n')
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert '__all__ = [\n    "Queue",  # re-exported\n    "RunRunner",\n    "helper",\n]\n' in out["main.py"]


def test_python_unsorted_before_is_left_alone(tmp_path):
    src = ("from app.utils import helper\nfrom app.jobs import JobRunner\nfrom app.queue import Queue\n\n"
           '__all__ = ["Queue", "helper", "JobRunner"]\n')
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("from app.utils import helper\nfrom app.runs import RunRunner\nfrom app.queue import Queue\n\n"
                              '__all__ = ["Queue", "helper", "RunRunner"]\n')


def test_python_blank_line_separates_blocks_and_future_stays_first(tmp_path):
    src = ("from __future__ import annotations\n"
           "from app.jobs import JobRunner\n"
           "from app.queue import Queue\n\n"
           "from app.utils import helper\n")
    out, _ = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == ("from __future__ import annotations\n"
                              "from app.queue import Queue\n"
                              "from app.runs import RunRunner\n\n"
                              "from app.utils import helper\n")


def test_python_import_sharing_a_line_is_a_follow_up(tmp_path):
    src = "from app.jobs import JobRunner; import os\nfrom app.queue import Queue\n"
    out, plan = migrate(tmp_path, {**PY_MODULES, "main.py": src})
    assert out["main.py"] == "from app.runs import RunRunner; import os\nfrom app.queue import Queue\n"
    assert any(m.startswith("order: these imports no longer sorted; sort it") for m in follow_ups(plan))


# -- TypeScript / JavaScript -----------------------------------------------------------------
TS_MODULES = {
    "src/jobs.ts": "export const jobQueue = 1;\nexport const JobKind = 2;\nexport const queue = 3;\n",
    "src/alpha.ts": "export const alpha = 1;\n",
    "src/queue.ts": "export const q = 1;\n",
}


def test_ts_named_imports_and_exports_resorted(tmp_path):
    src = ('import { JobKind, jobQueue, queue } from "./jobs";\n\n'
           "export { JobKind, jobQueue, queue };\n")
    out, _ = migrate(tmp_path, {**TS_MODULES, "src/main.ts": src})
    assert out["src/main.ts"] == ('import { RunKind, queue, runQueue } from "./runs";\n\n'
                                  "export { RunKind, queue, runQueue };\n")


def test_ts_import_declarations_resorted_by_source_with_comments(tmp_path):
    src = ('import { alpha } from "./alpha";\n'
           "// the queue\n"
           'import { jobQueue } from "./jobs"; // eslint-disable-line\n'
           'import { q } from "./queue";\n\n'
           "console.log(alpha, jobQueue, q);\n")
    out, _ = migrate(tmp_path, {**TS_MODULES, "src/main.ts": src})
    assert out["src/main.ts"] == ('import { alpha } from "./alpha";\n'
                                  'import { q } from "./queue";\n'
                                  "// the queue\n"
                                  'import { runQueue } from "./runs"; // eslint-disable-line\n\n'
                                  "console.log(alpha, runQueue, q);\n")


def test_ts_import_declarations_by_first_name_sort_imports(tmp_path):
    # eslint's sort-imports: by the first local name (memberSyntaxSortOrder: single after multiple)
    src = ('import { alpha } from "./alpha";\n'
           'import { jobQueue } from "./jobs";\n'
           'import { q } from "./queue";\n')
    files = {**TS_MODULES, "src/zz.ts": "export const jobQueue = 1;\n", "src/main.ts": src.replace('"./jobs"', '"./zz"')}
    out, _ = migrate(tmp_path, files)
    assert out["src/main.ts"] == ('import { alpha } from "./alpha";\n'
                                  'import { q } from "./queue";\n'
                                  'import { runQueue } from "./zz";\n')


def test_ts_object_keys_resorted_and_small_or_unsorted_left(tmp_path):
    src = ("export const settings = {\n  alpha: 1,\n  // the queue\n  jobQueue: 2, // trailing\n  queue: 3,\n};\n"
           "export const two = { alpha: 1, jobs: 2 };\n"  # below three keys: order may be chance
           "export const loose = { b: 1, jobs: 2, a: 3 };\n"
           "export const spread = { alpha: 1, ...two, jobs: 2, queue: 3 };\n")
    out, _ = migrate(tmp_path, {"src/main.ts": src})
    assert out["src/main.ts"] == ("export const settings = {\n  alpha: 1,\n  queue: 3,\n  // the queue\n  runQueue: 2, // trailing\n};\n"
                                  "export const two = { alpha: 1, runs: 2 };\n"
                                  "export const loose = { b: 1, runs: 2, a: 3 };\n"
                                  "export const spread = { alpha: 1, ...two, runs: 2, queue: 3 };\n")


SNAP = ("// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n"
        "exports[`alpha 1`] = `\"a\"`;\n\n"
        "exports[`job queue 2`] = `\n{\n  \"jobs\": 1,\n}\n`;\n\n"
        "exports[`job queue 10`] = `\"x\"`;\n\n"
        "exports[`queue 1`] = `\"q\"`;\n")


def test_jest_snapshot_file_is_javascript_and_entries_resorted(tmp_path):
    assert language_for("src/__snapshots__/main.test.ts.snap").name == "typescript"
    assert language_for("other/main.test.js.snap").name == "typescript"
    out, _ = migrate(tmp_path, {"src/__snapshots__/main.test.ts.snap": SNAP})
    assert out["src/__snapshots__/main.test.ts.snap"] == (
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n"
        "exports[`alpha 1`] = `\"a\"`;\n\n"
        "exports[`queue 1`] = `\"q\"`;\n\n"
        "exports[`run queue 2`] = `\n{\n  \"runs\": 1,\n}\n`;\n\n"
        "exports[`run queue 10`] = `\"x\"`;\n")


def test_snapshot_object_keys_resorted(tmp_path):
    """pretty-format prints an object's keys sorted: a renamed key moves to its place, its value
    (however many lines) with it; an object that was not sorted stays as it is."""
    snap = ("// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n"
            "exports[`options 1`] = `\nObject {\n  \"backfill\": 0,\n  \"jobKey\": Object {\n    \"a\": 1,\n  },\n"
            "  \"maxAttempts\": undefined,\n  \"queue\": null,\n}\n`;\n\n"
            "exports[`unsorted 1`] = `\nObject {\n  \"zeta\": 0,\n  \"jobKey\": 1,\n  \"alpha\": 2,\n}\n`;\n")
    out, _ = migrate(tmp_path, {"src/__snapshots__/o.test.ts.snap": snap})
    assert out["src/__snapshots__/o.test.ts.snap"] == (
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n"
        "exports[`options 1`] = `\nObject {\n  \"backfill\": 0,\n  \"maxAttempts\": undefined,\n  \"queue\": null,\n"
        "  \"runKey\": Object {\n    \"a\": 1,\n  },\n}\n`;\n\n"
        "exports[`unsorted 1`] = `\nObject {\n  \"zeta\": 0,\n  \"runKey\": 1,\n  \"alpha\": 2,\n}\n`;\n")


def test_ts_import_sharing_a_line_is_a_follow_up(tmp_path):
    src = 'import { jobQueue } from "./jobs"; import { q } from "./queue";\nimport { zeta } from "./zeta";\n'
    files = {**TS_MODULES, "src/zeta.ts": "export const zeta = 1;\n", "src/main.ts": src.replace('"./zeta"', '"./queue2"'),
             "src/queue2.ts": "export const zeta = 1;\n"}
    out, plan = migrate(tmp_path, files)
    assert out["src/main.ts"].startswith('import { runQueue } from "./runs"; import { q } from "./queue";\n')
    assert any(m.startswith("order: these imports no longer sorted; sort it") for m in follow_ups(plan))


# -- JSON and YAML ----------------------------------------------------------------------------
def test_json_schema_dump_keys_resorted(tmp_path):
    src = ('{\n  "definitions": {\n    "Alpha": {"type": "object"},\n    "JobStatus": {\n'
           '      "enum": ["queued", "done"],\n      "type": "string"\n    },\n'
           '    "Queue": {"b": 1, "job_x": 2}\n  },\n  "title": "t"\n}\n')
    out, _ = migrate(tmp_path, {"schema.json": src})
    assert out["schema.json"] == ('{\n  "definitions": {\n    "Alpha": {"type": "object"},\n'
                                  '    "Queue": {"b": 1, "run_x": 2},\n    "RunStatus": {\n'
                                  '      "enum": ["queued", "done"],\n      "type": "string"\n    }\n  },\n'
                                  '  "title": "t"\n}\n')


def test_json_two_keys_only_in_a_sorted_dump(tmp_path):
    # one object out of order: not a sorted dump, so a two-key object is left as it is
    src = '{"z": 1, "a": {"b": 1, "job_x": 2}}\n'
    out, _ = migrate(tmp_path, {"x.json": src})
    assert out["x.json"] == '{"z": 1, "a": {"b": 1, "run_x": 2}}\n'


def test_yaml_mapping_keys_resorted_with_comments(tmp_path):
    src = ("alpha: 1\n# the job settings\njob_settings:\n  beta: 2\n  job_limit: 3\n  queue: 4\n"
           "queue: 5  # last\n")
    out, _ = migrate(tmp_path, {"conf.yaml": src})
    assert out["conf.yaml"] == ("alpha: 1\nqueue: 5  # last\n# the run settings\nrun_settings:\n  beta: 2\n"
                                "  queue: 4\n  run_limit: 3\n")


def test_yaml_anchors_make_a_follow_up(tmp_path):
    src = "alpha: &a 1\njob_x: *a\nqueue: 3\n"
    out, plan = migrate(tmp_path, {"conf.yaml": src})
    assert out["conf.yaml"] == "alpha: &a 1\nrun_x: *a\nqueue: 3\n"
    assert any(m.startswith("order: the keys of this mapping no longer sorted; sort it") for m in follow_ups(plan))


def test_syrupy_amber_entries_resorted(tmp_path):
    assert language_for("tests/__snapshots__/test_api.ambr").name == "amber"
    src = ("# serializer version: 1\n"
           "# name: test_alpha\n  'a'\n# ---\n"
           "# name: test_job_status\n  dict({\n    'job': 1,\n  })\n# ---\n"
           "# name: test_queue\n  'q'\n# ---\n")
    out, _ = migrate(tmp_path, {"tests/__snapshots__/test_api.ambr": src})
    assert out["tests/__snapshots__/test_api.ambr"] == (
        "# serializer version: 1\n"
        "# name: test_alpha\n  'a'\n# ---\n"
        "# name: test_queue\n  'q'\n# ---\n"
        "# name: test_run_status\n  dict({\n    'run': 1,\n  })\n# ---\n")


def test_ts_import_require_is_not_an_import_run(tmp_path):
    # found by the property tests: `import x = require()` has no source field
    src = 'import { jobItem2 } from "node-schedule";\nimport Job = require("node-schedule");\nconst jobItem3 = 0;\n'
    out, plan = migrate(tmp_path, {"src/jobItem.ts": src})
    assert not plan.failures()
    assert out["src/runItem.ts"].endswith("const runItem3 = 0;\n")
