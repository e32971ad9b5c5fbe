"""A file the code loads by a stored name the run keeps keeps its name (runsmig.runner.keptfiles):
one decision per name across file names and strings."""

from __future__ import annotations

from runsmig.runner import run
from tests.helpers import committed_checkout

TERMS = "version: 1\nname: loaded\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
MIGRATE = TERMS + "stored: migrate\n"
FUNCTION = ("CREATE OR REPLACE FUNCTION add_job(p jsonb) RETURNS bigint AS $$\n"
            "  SELECT 1::bigint;\n$$ LANGUAGE sql;\n")
LOADER = ("import { readFileSync } from 'fs';\n"
          "export const load = (name: string) => readFileSync(`${__dirname}/commands/${name}.sql`, 'utf8');\n"
          "export const add = () => load('add_job');\n")


def _checkout(tmp_path, files, recipe=TERMS):
    return committed_checkout(tmp_path, files, recipe)


def test_a_data_file_loaded_by_a_kept_stored_name_keeps_it(tmp_path):
    root, recipe = _checkout(tmp_path, {"db/schema.sql": FUNCTION, "src/commands/add_job.sql": "SELECT add_job($1);\n",
                                        "src/loader.ts": LOADER})
    result = run(root, recipe, workers=1)
    assert "src/commands/add_job.sql" not in result.paths.moves
    (kept,) = [f for f in result.paths.allowed if f.path == "src/commands/add_job.sql"]
    assert "stored name" in kept.allowed_by and "src/loader.ts:3" in kept.allowed_by
    assert not [f for f in result.paths.findings if f.path == "src/commands/add_job.sql"]
    assert any(n.startswith("src/commands/add_job.sql keeps its name") for n in result.notes)


def test_no_code_string_spells_it_so_it_moves(tmp_path):
    loader = LOADER.replace("load('add_job')", "load(kind)").replace("() =>", "(kind: string) =>")
    root, recipe = _checkout(tmp_path, {"db/schema.sql": FUNCTION, "src/commands/add_job.sql": "SELECT add_job($1);\n",
                                        "src/loader.ts": loader})
    result = run(root, recipe, workers=1)
    assert result.paths.moves.get("src/commands/add_job.sql") == "src/commands/add_run.sql"
    assert not result.notes or not any("keeps its name" in n for n in result.notes)


def test_a_code_module_named_like_a_stored_name_still_moves(tmp_path):
    root, recipe = _checkout(tmp_path, {"db/schema.sql": FUNCTION, "src/add_job.ts": "export const x = 1;\n",
                                        "src/use.ts": "import { x } from './add_job';\nexport const n = 'add_job';\n"})
    result = run(root, recipe, workers=1)
    assert result.paths.moves.get("src/add_job.ts") == "src/add_run.ts"


def test_only_its_own_name_is_kept_its_folder_still_moves(tmp_path):
    root, recipe = _checkout(tmp_path, {"db/schema.sql": FUNCTION, "src/jobs/add_job.sql": "SELECT add_job($1);\n",
                                        "src/loader.ts": LOADER.replace("/commands/", "/jobs/")})
    result = run(root, recipe, workers=1)
    assert result.paths.moves.get("src/jobs/add_job.sql") == "src/runs/add_job.sql"


def test_under_migrate_the_name_and_the_file_move_together(tmp_path):
    root, recipe = _checkout(tmp_path, {"db/schema.sql": FUNCTION, "src/commands/add_job.sql": "SELECT add_job($1);\n",
                                        "src/loader.ts": LOADER}, MIGRATE)
    result = run(root, recipe, workers=1)
    assert result.paths.moves.get("src/commands/add_job.sql") == "src/commands/add_run.sql"
    loader = next(o for o in result.outcomes if o.rel == "src/loader.ts")
    assert b"load('add_run')" in loader.new


def test_a_module_of_another_language_or_a_bare_word_moves(tmp_path):
    schema = FUNCTION + "CREATE TABLE job (id int);\n"
    root, recipe = _checkout(tmp_path, {"db/schema.sql": schema, "src/commands/add_job.sql": "SELECT add_job($1);\n",
                                        "rust/src/add_job.rs": "pub fn add() {}\n", "data/job.json": "{}\n",
                                        "src/loader.ts": LOADER + "export const t = 'job';\n"})
    result = run(root, recipe, workers=1)
    assert "src/commands/add_job.sql" not in result.paths.moves
    assert result.paths.moves.get("rust/src/add_job.rs") == "rust/src/add_run.rs"  # a module, not data
    assert result.paths.moves.get("data/job.json") == "data/run.json"  # 'job': one word, no evidence
