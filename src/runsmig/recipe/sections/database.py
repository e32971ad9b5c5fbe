"""``database:`` section: how ``runsmig db revisions`` folds the jobs table into runs.

Example (the ADE values are in rules/jobs-to-runs/database.snippet.yaml)::

    database:
      tables: {from: jobs, to: runs}
      jobs_history: migrate            # or discard
      link: trace_id                   # jobs.trace_id holds the id of the job's run
      new_run_id: "{id}"               # id of the run made for a job that has none
      rename: {retry_of_job_id: retry_of_run_id, cancelled_at: canceled_at}
      values: {status: {cancelled: canceled}}
      references: [retry_of_job_id]    # ids of other jobs -> ids of their runs
      lookups:
        configuration_id: {table: configurations, match: {config_id: config_id}, take: id}
      paths:
        columns: [artifact_uri, output_uri, logs_uri]
        from: ["jobs/{id}/", "{run_id}/"]
        to: "runs/{run_id}/"
      drop: {input_hash: "why it is not carried"}
      json_single:                     # run column <- the only element of a job JSON list
        input_document_id: {list: input_documents, key: document_id}
      stored_values:                   # values the code renames, renamed in the database too
        - {table: permissions, column: key, literals: [src/app/registry.py], match: '[A-Za-z.]+'}
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.db.spec import HISTORY_CHOICES, DatabaseSpec, JsonSingle, Lookup, PathRewrite, StoredValues
from runsmig.recipe.yamlnode import Node

KEYS = {
    "tables", "jobs_history", "link", "new_run_id", "rename", "values", "references",
    "lookups", "paths", "drop", "words", "env", "naming_convention", "stored_values", "json_single",
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _ident(n: Node) -> str:
    s = n.string()
    if not _IDENT.fullmatch(s):
        raise n.fail(f"'{s}' is not a table or column name")
    return s


def _template(n: Node, allowed_extra: set[str]) -> str:
    s = n.string()
    for name in _PLACEHOLDER.findall(s):
        if name not in allowed_extra and not _IDENT.fullmatch(name):
            raise n.fail(f"placeholder '{{{name}}}' is not a column name")
    if "{" in _PLACEHOLDER.sub("", s) or "}" in _PLACEHOLDER.sub("", s):
        raise n.fail("unbalanced '{' or '}'")
    return s


def parse(node: Node, folder: Path) -> DatabaseSpec:
    m = node.mapping(allowed=KEYS)
    kw: dict = {}
    if "tables" in m:
        t = m["tables"].mapping(allowed={"from", "to"}, required={"from", "to"})
        kw["source_table"], kw["target_table"] = _ident(t["from"]), _ident(t["to"])
    if "jobs_history" in m:
        kw["history"] = m["jobs_history"].choice(set(HISTORY_CHOICES))
    if "link" in m:
        kw["link"] = _ident(m["link"])
    if "new_run_id" in m:
        tpl = _template(m["new_run_id"], set())
        if not _PLACEHOLDER.search(tpl):
            raise m["new_run_id"].fail("needs at least one placeholder such as '{id}' (ids must differ per job)")
        kw["new_id"] = tpl
    rename: dict[str, str] = {}
    if "rename" in m:
        for key, v in m["rename"].mapping().items():
            if not _IDENT.fullmatch(key):
                raise v.fail(f"'{key}' is not a column name")
            rename[key] = _ident(v)
        targets = list(rename.values())
        for key, v in m["rename"].mapping().items():
            if targets.count(rename[key]) > 1:
                raise v.fail(f"two columns are renamed to '{rename[key]}'")
        kw["rename"] = tuple(rename.items())
    if "values" in m:
        values = []
        for col, v in m["values"].mapping().items():
            if not _IDENT.fullmatch(col):
                raise v.fail(f"'{col}' is not a column name")
            pairs = tuple((old, new.string()) for old, new in v.mapping().items())
            values.append((col, pairs))
        kw["values"] = tuple(values)
    if "references" in m:
        kw["references"] = tuple(_ident(n) for n in m["references"].sequence())
    if "lookups" in m:
        lookups = []
        for target, v in m["lookups"].mapping().items():
            if not _IDENT.fullmatch(target):
                raise v.fail(f"'{target}' is not a column name")
            lm = v.mapping(allowed={"table", "match", "take"}, required={"table", "match", "take"})
            match = tuple((k, _ident(x)) for k, x in lm["match"].mapping().items())
            if not match:
                raise lm["match"].fail("needs at least one 'lookup column: job column' pair")
            lookups.append((target, Lookup(_ident(lm["table"]), _ident(lm["take"]), match)))
        kw["lookups"] = tuple(lookups)
    if "paths" in m:
        pm = m["paths"].mapping(allowed={"columns", "from", "to"}, required={"columns", "from", "to"})
        cols = tuple(_ident(n) for n in pm["columns"].sequence())
        prefixes = tuple(_template(n, {"run_id"}) for n in pm["from"].sequence())
        if not prefixes:
            raise pm["from"].fail("needs at least one prefix")
        kw["paths"] = PathRewrite(cols, prefixes, _template(pm["to"], {"run_id"}))
    if "drop" in m:
        drops = []
        for col, v in m["drop"].mapping().items():
            if not _IDENT.fullmatch(col):
                raise v.fail(f"'{col}' is not a column name")
            drops.append((col, v.string()))
        kw["drop"] = tuple(drops)
        for col, v in m["drop"].mapping().items():
            if col in rename:
                raise v.fail(f"'{col}' is both renamed and dropped")
    if "words" in m:
        kw["words"] = tuple((k, v.string()) for k, v in m["words"].mapping().items())
    if "naming_convention" in m:
        nc = m["naming_convention"].mapping(allowed={"ix", "uq", "ck", "fk", "pk"})
        kw["naming_convention"] = tuple((k, v.string()) for k, v in nc.items())
    if "json_single" in m:
        singles = []
        for target, v in m["json_single"].mapping().items():
            if not _IDENT.fullmatch(target):
                raise v.fail(f"'{target}' is not a column name")
            jm = v.mapping(allowed={"list", "key"}, required={"list", "key"})
            key = jm["key"].string()
            if not re.fullmatch(r"[A-Za-z0-9_]+", key):
                raise jm["key"].fail("a JSON object key of letters, digits and '_'")
            singles.append(JsonSingle(target, _ident(jm["list"]), key))
        kw["json_single"] = tuple(singles)
    if "stored_values" in m:
        entries = []
        for item in m["stored_values"].sequence():
            sm = item.mapping(allowed={"table", "column", "literals", "match"}, required={"table", "column", "literals"})
            globs = tuple(g.replace("\\", "/") for g in sm["literals"].strings())
            if not globs:
                raise sm["literals"].fail("needs at least one file (glob) whose string literals the plan rewrites")
            match = None
            if "match" in sm:
                match = sm["match"].string()
                try:
                    re.compile(match)
                except re.error as exc:
                    raise sm["match"].fail(f"not a regular expression: {exc}") from None
            entries.append(StoredValues(_ident(sm["table"]), _ident(sm["column"]), globs, match))
        kw["stored_values"] = tuple(entries)
    if "env" in m:
        env = m["env"].string().replace("\\", "/")
        if env.startswith("/") or ".." in env.split("/"):
            raise m["env"].fail("a path relative to the checkout, without '..'")
        kw["env"] = env
    return DatabaseSpec(**kw)
