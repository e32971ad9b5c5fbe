"""Keys handed to a third-party call are the package's options only when its declarations name them."""

from __future__ import annotations

from pathlib import Path

from runsmig import deps
from runsmig.languages.typescript.package_types import NAMES, answer, declared_names
from runsmig.listing import View
from tests.languages.test_typescript import analyze, make_tree, rewritten

PACKR = {"node_modules/msgpackr/index.d.ts": "export function pack(value: any, encodeOptions?: number): Buffer\n",
         "package.json": '{"dependencies": {"msgpackr": "1", "bull": "4"}}\n'}
BULL = {"node_modules/bull/index.d.ts": "export interface JobOptions { jobId?: string; /* keepJobs */ }\n"
                                        "export function add(data: any, opts?: JobOptions): void\n"}
UTIL = {"node_modules/@types/node/util.d.ts":
        "declare module 'util' {\n  interface ParseArgsOptionsConfig { [longOption: string]: { type: string } }\n"
        "  export function parseArgs(config?: { options?: ParseArgsOptionsConfig }): { values: any };\n}\n"}


def run(tmp_path: Path, files: dict[str, str], text: str) -> str:
    a, _ = analyze(tmp_path, {**files, "src/a.ts": text}, "src/a.ts")
    return rewritten(a, text)


def test_a_key_an_any_parameter_takes_is_the_projects(tmp_path):
    text = "import { pack } from 'msgpackr';\nexport const b = pack({ keepJobs: 1, maxJobs });\n"
    assert run(tmp_path, PACKR, text) == "import { pack } from 'msgpackr';\nexport const b = pack({ keepRuns: 1, maxRuns });\n"


def test_a_key_the_package_declares_stays_its_option(tmp_path):
    text = "import { add } from 'bull';\nadd({}, { jobId, keepJobs: 1 });\n"
    # jobId is declared (kept, its value renamed); keepJobs only appears in a comment there: the project's
    assert run(tmp_path, {**PACKR, **BULL}, text) == "import { add } from 'bull';\nadd({}, { jobId: runId, keepRuns: 1 });\n"


def test_parse_args_keys_and_the_members_read_back_are_the_projects(tmp_path):
    text = ("import { parseArgs } from 'node:util';\n"
            "const { values } = parseArgs({ options: { 'job-id': { type: 'string' } } });\n"
            "export const x = [values['job-id'], values.keepJobs];\n")
    assert run(tmp_path, {**PACKR, **UTIL}, text) == (
        "import { parseArgs } from 'node:util';\n"
        "const { values } = parseArgs({ options: { 'run-id': { type: 'string' } } });\n"
        "export const x = [values['run-id'], values.keepRuns];\n")


def test_without_declarations_the_keys_stay_the_packages(tmp_path):
    text = "import { pack } from 'msgpackr';\nexport const b = pack({ keepJobs: 1 }).byteJobs;\n"
    assert run(tmp_path, {"package.json": PACKR["package.json"]}, text) == text


def test_the_nearest_node_modules_from_the_importer_wins(tmp_path):
    make_tree(tmp_path, {**PACKR, "pkg/node_modules/msgpackr/index.d.ts": "export function pack(o: { keepJobs: number }): Buffer\n"})
    assert "keepJobs" in declared_names(tmp_path, "pkg/src/a.ts", "msgpackr")
    assert "keepJobs" not in declared_names(tmp_path, "src/a.ts", "msgpackr")
    assert declared_names(tmp_path, "src/a.ts", "nowhere") is None


def test_the_declarations_are_a_recorded_question(tmp_path):
    make_tree(tmp_path, PACKR)
    with deps.recording() as rec:
        declared_names(tmp_path, "src/a.ts", "msgpackr")
    [(kind, question)] = list(rec.asked)
    assert kind == NAMES
    view = View(tmp_path, frozenset(), {}, frozenset(), None)
    assert answer(kind, question, view) == rec.asked[(kind, question)]
    (tmp_path / "node_modules/msgpackr/index.d.ts").unlink()
    assert answer(kind, question, view) == "-"  # uninstalled: a different answer, so analysed again


def test_names_of_a_package_the_declarations_import_count(tmp_path):
    files = {"node_modules/queue/index.d.ts": "import { RedisOptions } from 'redis-lib';\n"
                                              "export function connect(o: RedisOptions): void\n",
             "node_modules/@types/redis-lib/index.d.ts": "/// <reference types=\"node\" />\n"
                                                         "export interface RedisOptions { maxJobs?: number }\n",
             "node_modules/@types/node/index.d.ts": "export interface Spawn { jobSlots: number }\n",
             "package.json": '{"dependencies": {"queue": "1"}}\n'}
    text = "import { connect } from 'queue';\nconnect({ maxJobs: 1, jobSlots: 2, minJobs: 0 });\n"
    assert run(tmp_path, files, text) == "import { connect } from 'queue';\nconnect({ maxJobs: 1, jobSlots: 2, minRuns: 0 });\n"
