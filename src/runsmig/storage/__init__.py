"""Storage migration: move ``data/jobs/<id>`` folders to ``data/runs/<run_id>``.

Modules, one job each:

* ``config``   - the recipe's ``storage:`` section as frozen data
* ``names``    - which folder names are acceptable (no ``..``, no separators)
* ``fsops``    - rename without replacing, fsync, verified cross-filesystem copy
* ``mapping``  - folder name -> run id, read from the database
* ``dbpaths``  - stored path columns: compute rewrites, apply them set-based
* ``envfile``  - ``.env`` rewrite (ADE_JOBS_DIR -> ADE_RUNS_DIR)
* ``plan``     - scan + mapping -> the list of operations (what dry-run prints)
* ``journal``  - write-ahead journal (JSON lines, fsynced)
* ``mover``    - execute or resume a journaled plan
"""
