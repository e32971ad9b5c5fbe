"""Upgrade check: a database with ADE job history survives `alembic upgrade head`, and ADE serves it.

Usage (with the Python of ADE's venv; nothing is installed or built):

    python scripts/ade_upgrade_check.py MIGRATED_ADE [--before REV|DIR] [--db URL] [--keep]

MIGRATED_ADE is an ADE checkout after `runsmig apply`. The pre-apply tree is taken from that
checkout's git history with `git archive` (default `--before HEAD`, i.e. run it right after
`runsmig apply`, before committing; if the migration is committed pass `--before HEAD~1`), or from
a directory holding a pristine checkout. Only apps/ade-api and apps/ade-engine of it are exported
into a temp folder; neither checkout is modified. Each ADE step runs in a subprocess whose
PYTHONPATH starts with that tree's apps/*/src, so the PYTHONPATH you start with only needs the
database drivers (an editable ADE install in the venv is overridden).

Steps, each printed as PASS/FAIL rows; exit 0 when every row passes, 1 otherwise, 2 on a setup error:

1. a fresh database: a SQLite file in the temp folder, or with `--db URL` a new database created
   on that PostgreSQL server (dropped afterwards unless `--keep`);
2. `alembic upgrade 0006_jobs_config_fk` with the PRE-apply revisions; the pre-apply API is started
   once on it (its startup writes the permission registry and system roles, as every ADE deployment
   has), realistic rows are inserted with SQL (users, credentials, API keys, workspaces, members,
   two custom workspace roles - one granting Workspace.Jobs.Read/ReadWrite, assigned to a user -,
   configurations, builds, documents, runs with logs, and jobs: with and without a run, succeeded,
   failed, cancelled, retried, running, queued, a job whose run is gone, a job on a soft-deleted
   document, with artifact/log/output uris) and the pre-apply API must list the jobs (the seed is valid for the old code); then every
   row of every table is fingerprinted;
3. `alembic upgrade head` with the migrated revisions; every row of every table other than jobs and
   runs must be unchanged (permission keys may only be renamed Workspace.Jobs.* -> Workspace.Runs.*),
   every run keeps its values (empty ones may be filled), and every job is a run with the expected
   id, status (cancelled -> canceled), retry link, uris (<run id>/...), input document, times; and
   alembic autogenerate (migrated models vs the upgraded database) finds no difference that ADE's
   own models vs its 0006 database did not already have;
4. the migrated API is started on that database (uvicorn on a free port; ADE_DATABASE_DSN, storage
   folders in the temp folder; login with the seeded API keys, header X-API-Key) and must serve the
   migrated runs: GET /api/v1/workspaces/{id}/runs (all, status and input_document_id filters,
   paging with totals), GET /api/v1/runs/{id} and /runs/{id}/artifact, the documents list's
   last_run, GET /runs/{id}/logs; as a workspace owner, as a global administrator, and as the user
   of the custom role (which must now grant Workspace.Runs.*); a docs-only user must get 403.

PostgreSQL: give a URL with a sync driver the script's Python has, e.g.
`--db postgresql+psycopg://postgres@127.0.0.1:5432/postgres`. The API gets the same database as
`postgresql+psycopg://` (psycopg 3 is also async); ADE's startup renders its migration URL without
a driver, so psycopg2 must be importable too. ADE's own 0004-0006 use
`batch_alter_table(recreate="always")`, which cannot rebuild `runs` on PostgreSQL (foreign keys
point at it), so for PostgreSQL only the exported pre-apply copy gets `recreate="auto"` in those
three files (same end schema); the migrated checkout is used as it is.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

PRE_HEAD = "0006_jobs_config_fk"
ROWS: list[tuple[bool, str, str]] = []


def check(ok: bool, name: str, detail: str = "") -> bool:
    ROWS.append((bool(ok), name, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  -- {detail}" if detail and not ok else ""), flush=True)
    return bool(ok)


class SetupError(Exception):
    pass


# ---------------------------------------------------------------- seed data (all ids are ours)

def uid(tag: str) -> str:
    """A valid 26-character ULID (Crockford base32: ADE's schemas check it) that says what it is."""
    return ("01" + tag.upper().translate(str.maketrans("ILOU", "110V")) + "Z").ljust(26, "0")


def rid(tag: str) -> str:
    """A pre-apply run id (ADE: run_<uuid4 hex>)."""
    return "run_" + tag.ljust(32, "0")


T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


def t(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


WA, WB = uid("WSACME"), uid("WSBETA")
U = {n: uid("USR" + n) for n in ("admin", "alice", "rita", "dora", "svc", "olga")}
KEYS = {n: (f"seed{n}key"[:12], f"secret-{n}-{'x' * 24}") for n in ("admin", "alice", "rita", "dora")}
CA1, CA2, CB1 = uid("CFGA1"), uid("CFGA2"), uid("CFGB1")          # configurations.config_id
CID = {CA1: uid("CONFA1"), CA2: uid("CONFA2"), CB1: uid("CONFB1")}  # configurations.id
DA = [uid(f"DOCA{i}") for i in range(1, 5)]
DB1, DX = uid("DOCB1"), uid("DOCDELETED")  # DX: soft-deleted (deleted_at set), ADE keeps the row
DOC_NAME = {d: f"claims-{i}.xlsx" for i, d in enumerate([*DA, DB1, DX], 1)}
R = {n: rid(n) for n in ("r1", "r2", "r3", "r4", "r5", "r6")}
J = {n: uid("JOB" + n) for n in ("J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8", "J9", "J10", "J11", "J12")}
GONE = rid("gone")
CUSTOM_ROLE, DOCS_ROLE = uid("ROLEJOBREV"), uid("ROLEDOCS")
LABEL = {**{v: k for k, v in J.items()}, **{v: k for k, v in R.items()}}


def runs_rows() -> list[dict]:
    def run(rid_, conf, doc, status, created, started=None, finished=None, **kw):
        ws = WB if conf == CB1 else WA
        return dict(id=rid_, configuration_id=CID[conf], workspace_id=ws, config_id=conf, status=status,
                    created_at=t(created), started_at=started and t(started), finished_at=finished and t(finished),
                    input_document_id=doc, **kw)
    return [
        run(R["r1"], CA1, DA[0], "succeeded", 10, 11, 14, exit_code=0, summary='{"rows": 12}', input_sheet_name="Sheet1", input_sheet_names=["Sheet1"]),
        run(R["r2"], CA1, DA[1], "failed", 20, 21, 22, exit_code=1, error_message="boom: missing header row"),
        run(R["r3"], CA1, DA[2], "canceled", 30, 31, None),           # finished_at left empty: the job fills it
        run(R["r4"], CA1, DA[1], "succeeded", 40, 41, 45, exit_code=0),
        run(R["r5"], CA2, DA[3], "running", 50, 51, None),
        run(R["r6"], CA1, DA[2], "succeeded", 5, 6, 7, exit_code=0),  # a run started directly, no job
    ]


def jobs_rows() -> list[dict]:
    def job(jid, conf, status, created, docs, trace=None, user="alice", attempt=1, retry=None, uris=True,
            prefix="", started=None, completed=None, cancelled=None, error=None):
        ws = WB if conf == CB1 else WA
        base = f"{prefix}{jid}/"
        return dict(
            id=jid, workspace_id=ws, config_id=conf, config_version_id=conf,
            submitted_by_user_id=U[user] if user else None, status=status, attempt=attempt,
            retry_of_job_id=retry, input_hash=hashlib.sha256(jid.encode()).hexdigest(),
            input_documents=[{"document_id": d, "display_name": DOC_NAME[d], "name": DOC_NAME[d],
                              "original_filename": DOC_NAME[d],
                              "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              "byte_size": 4096} for d in docs],
            trace_id=trace, run_request_uri=f"/api/v1/runs/{trace}" if trace else None,
            artifact_uri=base + "logs/artifact.json" if uris else None,
            logs_uri=base + "logs/events.ndjson" if uris else None,
            output_uri=base + "output" if uris else None,
            queued_at=t(created), started_at=started and t(started), completed_at=completed and t(completed),
            cancelled_at=cancelled and t(cancelled), error_message=error,
            last_heartbeat=started and t(started), created_at=t(created), updated_at=t(created + 9),
        )
    return [
        job(J["J1"], CA1, "succeeded", 10, [DA[0]], R["r1"], started=11, completed=14),
        job(J["J2"], CA1, "failed", 20, [DA[1]], R["r2"], started=21, completed=22, error="boom: missing header row"),
        job(J["J3"], CA1, "cancelled", 30, [DA[2]], R["r3"], user="rita", started=31, completed=33, cancelled=33),
        job(J["J4"], CA1, "succeeded", 40, [DA[1]], R["r4"], attempt=2, retry=J["J2"], started=41, completed=45),
        job(J["J5"], CA2, "succeeded", 60, [DA[3]], prefix="jobs/", started=61, completed=63),
        job(J["J6"], CA1, "cancelled", 70, [DA[0]], user="rita", uris=False, cancelled=71, completed=71),
        job(J["J7"], CA1, "failed", 80, [DA[0]], user="rita", attempt=2, retry=J["J6"], started=81, completed=82, error="engine exited 2"),
        job(J["J8"], CA1, "failed", 90, [DA[3]], GONE, user="svc", started=91, completed=92, error="Run record not found; job status could not be reconciled."),
        job(J["J9"], CB1, "succeeded", 100, [DB1], user=None, started=101, completed=104),
        job(J["J10"], CA2, "running", 50, [DA[3]], R["r5"], started=51),
        job(J["J11"], CA1, "queued", 110, [], uris=False),
        job(J["J12"], CA1, "succeeded", 2, [DX], user="dora", started=3, completed=4),
    ]


def expected_runs() -> dict[str, dict]:
    """What `runs` must hold after the upgrade, per run id (only the columns named)."""
    runs = {r["id"]: r for r in runs_rows()}
    exp: dict[str, dict] = {}
    for r in runs.values():
        exp[r["id"]] = {k: r.get(k) for k in ("workspace_id", "configuration_id", "config_id", "status", "input_document_id",
                                          "created_at", "started_at", "finished_at", "error_message")}
        exp[r["id"]].update(trace_id=None, retry_of_run_id=None, submitted_by_user_id=None, attempt=1)
    jobs = jobs_rows()
    target = {j["id"]: (j["trace_id"] if j["trace_id"] in runs else j["id"]) for j in jobs}
    for j in jobs:
        rid_ = target[j["id"]]
        e = exp.setdefault(rid_, {})
        run = runs.get(rid_)
        status = "canceled" if j["status"] == "cancelled" else j["status"]
        docs = [d["document_id"] for d in j["input_documents"]]

        def moved(uri):
            if uri is None:
                return None
            for p in (f"jobs/{j['id']}/", f"{j['id']}/"):
                if uri.startswith(p):
                    return f"{rid_}/" + uri[len(p):]
            return uri
        e.update(
            workspace_id=j["workspace_id"], config_id=j["config_id"], configuration_id=CID[j["config_id"]],
            status=run["status"] if run else status,
            input_document_id=run["input_document_id"] if run else (docs[0] if len(docs) == 1 else None),
            created_at=run["created_at"] if run else j["created_at"],
            started_at=(run and run["started_at"]) or j["started_at"],
            finished_at=(run and run["finished_at"]) or j["completed_at"],
            error_message=(run and run.get("error_message")) or j["error_message"],
            canceled_at=j["cancelled_at"], trace_id=j["trace_id"], submitted_by_user_id=j["submitted_by_user_id"],
            attempt=j["attempt"], retry_of_run_id=target.get(j["retry_of_job_id"]),
            artifact_uri=moved(j["artifact_uri"]), logs_uri=moved(j["logs_uri"]), output_uri=moved(j["output_uri"]),
            config_version_id=j["config_version_id"], input_documents=j["input_documents"],
        )
    return exp


def seed(conn, md: sa.MetaData) -> None:
    def ins(table: str, rows: list[dict]) -> None:
        tbl = md.tables[table]
        for row in rows:
            unknown = set(row) - set(tbl.c.keys())
            if unknown:
                raise SetupError(f"seed: {table} has no column {sorted(unknown)} at {PRE_HEAD}")
            try:
                conn.execute(tbl.insert().values(**row))
            except sa.exc.DBAPIError as exc:
                raise SetupError(f"seed: {table}: {str(exc.orig).strip()} for {row.get('id')}") from None

    perm = dict(conn.execute(sa.text("SELECT key, id FROM permissions")).all())
    role_id = dict(conn.execute(sa.text("SELECT slug, id FROM roles WHERE scope_id IS NULL")).all())
    for need in ("Workspace.Jobs.Read", "Workspace.Jobs.ReadWrite", "Workspace.Documents.Read"):
        if need not in perm:
            raise SetupError(f"the pre-apply permission registry has no {need}")
    ts = dict(created_at=t(-600), updated_at=t(-600))
    ins("workspaces", [dict(id=WA, name="Acme Claims", slug="acme-claims", settings={"retention_days": 30}, **ts),
                       dict(id=WB, name="Beta Intake", slug="beta-intake", settings={}, **ts)])
    ins("users", [dict(id=U[n], email=f"{n}@example.test", email_canonical=f"{n}@example.test",
                       display_name=n.title(), is_service_account=(n == "svc"), is_active=(n != "olga"),
                       failed_login_count=2 if n == "olga" else 0, last_login_at=t(-5), **ts) for n in U])
    ins("user_credentials", [dict(id=uid("CRED" + n), user_id=U[n], password_hash=f"scrypt$16384$8$1$c2FsdA${n}",
                                  last_rotated_at=t(-100), **ts) for n in ("admin", "alice", "olga")])
    ins("user_identities", [dict(id=uid("IDNrita"), user_id=U["rita"], provider="oidc", subject="rita-subject-42",
                                 last_authenticated_at=t(-3), **ts)])
    ins("api_keys", [dict(id=uid("KEY" + n), user_id=U[n], token_prefix=p,
                          token_hash=base64.urlsafe_b64encode(hashlib.sha256(s.encode()).digest()).decode().rstrip("="),
                          label=f"{n} laptop", **ts) for n, (p, s) in KEYS.items()])
    ins("principals", [dict(id=uid("PRN" + n), principal_type="user", user_id=U[n], **ts) for n in U])
    ins("workspace_memberships", [dict(id=uid(f"MEM{n}{w[4]}"), user_id=U[n], workspace_id=w, is_default=(w == WA), **ts)
                                  for n, w in (("alice", WA), ("alice", WB), ("rita", WA), ("dora", WA), ("svc", WA))])
    ins("roles", [dict(id=CUSTOM_ROLE, scope_type="workspace", scope_id=WA, slug="job-reviewer", name="Job reviewer",
                       description="Reviews extraction jobs", built_in=False, editable=True, created_by=U["alice"], **ts),
                  dict(id=DOCS_ROLE, scope_type="workspace", scope_id=WA, slug="docs-reader", name="Docs reader",
                       description=None, built_in=False, editable=True, created_by=U["alice"], **ts)])
    grants = {CUSTOM_ROLE: ["Workspace.Read", "Workspace.Documents.Read", "Workspace.Jobs.Read", "Workspace.Jobs.ReadWrite"],
              DOCS_ROLE: ["Workspace.Read", "Workspace.Documents.Read"]}
    ins("role_permissions", [dict(id=uid(f"RP{r[6]}{i}"), role_id=r, permission_id=perm[k])
                             for r, keys in grants.items() for i, k in enumerate(keys)])
    assign = [("admin", "global-administrator", None), ("alice", "workspace-owner", WA), ("alice", "workspace-owner", WB),
              ("svc", "workspace-member", WA)]
    ins("role_assignments", [dict(id=uid(f"RA{i}"), principal_id=uid("PRN" + n), role_id=role_id[slug],
                                  scope_type="workspace" if w else "global", scope_id=w, **ts)
                             for i, (n, slug, w) in enumerate(assign)]
        + [dict(id=uid("RAcustom"), principal_id=uid("PRNrita"), role_id=CUSTOM_ROLE, scope_type="workspace", scope_id=WA, **ts),
           dict(id=uid("RAdocs"), principal_id=uid("PRNdora"), role_id=DOCS_ROLE, scope_type="workspace", scope_id=WA, **ts)])
    ins("system_settings", [dict(id=uid("SETbanner"), key="ui.banner", value={"text": "maintenance sunday"}, **ts)])
    ins("configs", [dict(id=uid("LEGCFG"), workspace_id=WA, slug="claims", title="Claims", created_by_user_id=U["alice"], **ts)])
    ins("config_versions", [dict(id=uid("LEGCFGV1"), config_id=uid("LEGCFG"), sequence=1, label="v1", manifest={"name": "claims"},
                                 manifest_sha256="a" * 64, package_sha256="b" * 64, package_path="configs/claims/v1.zip", **ts)])
    ins("configurations", [dict(id=CID[c], workspace_id=w, config_id=c, display_name=n, status=s, config_version=v,
                                content_digest="sha256:" + c.lower(), activated_at=t(-50) if s == "active" else None, **ts)
                           for c, w, n, s, v in ((CA1, WA, "Claims v3", "active", 3), (CA2, WA, "Claims draft", "inactive", 1),
                                                 (CB1, WB, "Intake", "active", 1))])
    ins("configuration_builds", [dict(id=uid("CBUILD1"), workspace_id=WA, config_id=CA1, configuration_id=CID[CA1], build_id=uid("BREF1"),
                                      status="active", venv_path="/var/ade/venvs/a1", config_version=3, built_at=t(-40), **ts)])
    ins("builds", [dict(id="build_" + "1" * 32, workspace_id=WA, config_id=CA1, configuration_id=CID[CA1],
                        configuration_build_id=uid("CBUILD1"), build_ref=uid("BREF1"), status="active", exit_code=0,
                        created_at=t(-41), started_at=t(-41), finished_at=t(-40))])
    ins("build_logs", [dict(build_id="build_" + "1" * 32, created_at=t(-41), stream="stdout", message="pip install ok")])
    ins("documents", [dict(id=d, workspace_id=WB if d == DB1 else WA, original_filename=DOC_NAME[d],
                           content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", byte_size=4096,
                           sha256=hashlib.sha256(d.encode()).hexdigest(), stored_uri=f"{d[:2]}/{d}", attributes={"source": "email"},
                           uploaded_by_user_id=U["alice"], status="processed", source="manual_upload", expires_at=t(60 * 24 * 30),
                           last_run_at=t(100), deleted_at=t(200) if d == DX else None,
                           deleted_by_user_id=U["alice"] if d == DX else None, **ts) for d in [*DA, DB1, DX]])
    ins("document_tags", [dict(id=uid("TAG1"), document_id=DA[0], tag="invoice"), dict(id=uid("TAG2"), document_id=DA[1], tag="q1")])
    ins("runs", runs_rows())
    ins("run_logs", [dict(run_id=R["r1"], created_at=t(11), stream="stdout", message="engine started"),
                     dict(run_id=R["r1"], created_at=t(14), stream="stderr", message="warning: empty column C")])
    ins("jobs", jobs_rows())


# ---------------------------------------------------------------- database helpers

def norm(v):
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    if isinstance(v, str) and v[:1] in "[{":
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads(v), sort_keys=True)
    if hasattr(v, "value") and not isinstance(v, (int, float, str, bytes)):  # enum
        return v.value
    return v


def fingerprint(engine) -> dict[str, dict[tuple, dict]]:
    md = sa.MetaData()
    md.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, tbl in md.tables.items():
            pk = [c.name for c in tbl.primary_key.columns] or [c.name for c in tbl.columns]
            out[name] = {tuple(norm(r[k]) for k in pk): {k: norm(v) for k, v in r.items()}
                         for r in conn.execute(tbl.select()).mappings()}
    return out


def renamed_key(key: str) -> str:
    return key.replace("Workspace.Jobs.", "Workspace.Runs.")


def grants(fp: dict) -> tuple[set, set]:
    """Permission keys and (role id, permission key) grants, Workspace.Jobs.* read as Workspace.Runs.*."""
    key = {row["id"]: renamed_key(row["key"]) for row in fp["permissions"].values()}
    return set(key.values()), {(row["role_id"], key.get(row["permission_id"])) for row in fp["role_permissions"].values()}


def compare_tables(before, after) -> None:
    skipped = {"jobs", "runs", "alembic_version", "permissions", "role_permissions"}
    (keys_b, grants_b), (keys_a, grants_a) = grants(before), grants(after)
    check(keys_b <= keys_a, f"table permissions: all {len(keys_b)} keys kept (Workspace.Jobs.* may become Workspace.Runs.*)",
          f"lost {sorted(keys_b - keys_a)}")
    lost = grants_b - grants_a
    check(not lost, f"table role_permissions: all {len(grants_b)} grants kept (by role and key)",
          "; ".join(f"role {r} lost {k}" for r, k in sorted(lost, key=str)))
    for name in sorted(set(before) - skipped):
        rows_b, rows_a = before[name], after.get(name)
        if rows_a is None:
            check(False, f"table {name} kept", "table is gone")
            continue
        problems = []
        for pk, row in rows_b.items():
            got = rows_a.get(pk)
            if got is None:
                problems.append(f"row {pk} missing")
                continue
            for col, val in row.items():
                new = got.get(col, "<column gone>")
                if new == val:
                    continue
                problems.append(f"row {pk} {col}: {val!r} -> {new!r}")
        extra = len(set(rows_a) - set(rows_b))
        check(not problems, f"table {name}: {len(rows_b)} rows kept, values unchanged",
              "; ".join(problems[:4]) + (f" (+{len(problems) - 4} more)" if len(problems) > 4 else "") + (f"; {extra} new rows" if extra else ""))


def compare_runs(before, after) -> None:
    runs_a = {pk[0]: row for pk, row in after.get("runs", {}).items()}
    for pk, row in before["runs"].items():
        got = runs_a.get(pk[0])
        diffs = [] if got else ["missing"]
        for col, val in row.items() if got else ():
            if got.get(col, "<column gone>") != val and val is not None:
                diffs.append(f"{col}: {val!r} -> {got.get(col, '<column gone>')!r}")
        check(not diffs, f"pre-existing run {LABEL[pk[0]]} ({pk[0]}) keeps its values", "; ".join(diffs))
    exp = expected_runs()
    for rid_, want in exp.items():
        if rid_ in {pk[0] for pk in before["runs"]} and not want.get("trace_id"):
            continue  # a run with no job: covered above
        got = runs_a.get(rid_)
        if got is None:
            check(False, f"job carried to run {rid_}", "no such run")
            continue
        diffs = [f"{k}: want {norm(v)!r}, got {got.get(k, '<no column>')!r}" for k, v in want.items() if got.get(k, "<no column>") != norm(v)]
        src = [j["id"] for j in jobs_rows() if (j["trace_id"] if j["trace_id"] in {r["id"] for r in runs_rows()} else j["id"]) == rid_]
        check(not diffs, f"job {LABEL[src[0]]} -> run {LABEL[rid_]} ({rid_}, {want['status']})", "; ".join(diffs))
    check("jobs" not in after, "table jobs dropped")


def role_keys(engine, role_id: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT p.key FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id "
                                        "WHERE rp.role_id = :r"), {"r": role_id}).scalars())


# ---------------------------------------------------------------- processes

AUTOGEN = r"""
import json, sys, sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
import ade_api.main  # every feature model
from ade_api.shared.db import metadata
def key(d):
    if isinstance(d, list):
        return [k for x in d for k in key(x)]
    op, obj = d[0], d[-1]
    if op.startswith("modify_"):
        return [f"{op} {d[2]}.{d[3]}"]
    if op in ("add_column", "remove_column"):
        return [f"{op} {d[2]}.{obj.name}"]
    table = getattr(obj, "table", None) if op.endswith(("_index", "_constraint")) else getattr(obj, "parent", None)
    table = obj if op.endswith("_table") else table
    return [f"{op} {getattr(table, 'name', table)}.{getattr(obj, 'name', obj)}"]
with sa.create_engine(sys.argv[1]).connect() as c:
    diffs = compare_metadata(MigrationContext.configure(c), metadata)
print("AUTOGEN:" + json.dumps(sorted(k for d in diffs for k in key(d))))
"""


def model_drift(tree: Path, env: dict, url: str) -> set[str] | str:
    """Differences alembic autogenerate finds between the tree's models and the database."""
    p = subprocess.run([sys.executable, "-c", AUTOGEN, url], env=env, capture_output=True, text=True, timeout=300)
    line = [x for x in p.stdout.splitlines() if x.startswith("AUTOGEN:")]
    return set(json.loads(line[-1][8:])) if line else (p.stderr.strip()[-800:] or "no output")


def tree_env(tree: Path, extra: dict[str, str]) -> dict[str, str]:
    srcs = [str(tree / "apps" / app / "src") for app in ("ade-api", "ade-engine", "ade-cli") if (tree / "apps" / app / "src").is_dir()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADE_")}
    env.update(extra, PYTHONPATH=os.pathsep.join(srcs + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    return env


def alembic(tree: Path, env: dict, target: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alembic", "upgrade", target], cwd=tree / "apps" / "ade-api",
                          env=env, capture_output=True, text=True, timeout=900)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(tree: Path, env: dict, log: Path):
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "ade_api.main:app", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=log.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SetupError(f"the API exited ({proc.returncode}); log {log}:\n" + log.read_text()[-3000:])
            with contextlib.suppress(OSError):
                if http(base, "/api/v1/health")[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise SetupError(f"the API did not answer in 120 s; log {log}:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def http(base: str, path: str, user: str | None = None):
    req = urllib.request.Request(base + path, headers={"X-API-Key": ".".join(KEYS[user])} if user else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


# ---------------------------------------------------------------- API checks

def warm_up(base: str, label: str) -> None:
    """First request of each seeded API key. ADE (at aa9f0407 and after the migration alike) writes
    the key's last_seen_at on its first use in 5 minutes, once per session; a workspace-scoped route
    resolves the identity in two sessions (FastAPI caches dependencies per security scopes), so the
    second UPDATE of the same api_keys row meets the first one's lock: SQLite answers "database is
    locked" (HTTP 500), PostgreSQL waits forever. A plain authenticated GET first keeps that
    pre-existing ADE issue out of the upgrade's results."""
    codes = {u: http(base, "/api/v1/auth/me", u)[0] for u in KEYS}
    check(all(c == 200 for c in codes.values()), f"{label}: the seeded API keys authenticate (GET /auth/me)", str(codes))


def epoch(v: datetime | None) -> int | None:
    return None if v is None else int(v.timestamp())


def api_checks(base: str) -> None:
    exp = expected_runs()
    in_ws = {w: {r for r, e in exp.items() if e["workspace_id"] == w} for w in (WA, WB)}

    def ids(path, user="alice"):
        st, body = http(base, path, user)
        return st, ({i["id"] for i in body["items"]} if st == 200 else body)

    for w, name in ((WA, "acme"), (WB, "beta")):
        st, got = ids(f"/api/v1/workspaces/{w}/runs?page_size=100")
        check(st == 200 and got == in_ws[w], f"GET /workspaces/{name}/runs lists its {len(in_ws[w])} runs (owner)",
              f"HTTP {st}" + (f"; missing {sorted(in_ws[w] - got)}; unexpected {sorted(got - in_ws[w])}" if st == 200 else f" {got}"))
    for status in ("canceled", "failed", "succeeded", "running", "queued"):
        want = {r for r in in_ws[WA] if exp[r]["status"] == status}
        st, got = ids(f"/api/v1/workspaces/{WA}/runs?page_size=100&status={status}")
        check(st == 200 and got == want, f"  ?status={status}: {len(want)} runs", f"HTTP {st}; want {sorted(want)}; got {sorted(got) if st == 200 else got}")
    for d in [*DA, DX]:
        want = {r for r in in_ws[WA] if exp[r]["input_document_id"] == d}
        st, got = ids(f"/api/v1/workspaces/{WA}/runs?page_size=100&input_document_id={d}")
        check(st == 200 and got == want, f"  ?input_document_id={DOC_NAME[d]}: {len(want)} runs",
              f"HTTP {st}; want {sorted(want)}; got {sorted(got) if st == 200 else got}")
    seen, pages, total = [], 0, None
    while pages < 20:
        pages += 1
        st, body = http(base, f"/api/v1/workspaces/{WA}/runs?page_size=4&page={pages}&include_total=true", "alice")
        if st != 200 or not body["items"]:
            break
        seen += [i["id"] for i in body["items"]]
        total = body.get("total")
        if not body.get("has_next", len(body["items"]) == 4):
            break
    check(sorted(seen) == sorted(in_ws[WA]) and total == len(in_ws[WA]), f"  paging by 4: {pages} pages, every run once, total={total}",
          f"seen {len(seen)} ({len(set(seen))} distinct) of {len(in_ws[WA])}")

    for rid_, e in sorted(exp.items()):
        st, body = http(base, f"/api/v1/runs/{rid_}", "alice")
        if st != 200:
            check(False, f"GET /runs/{rid_}", f"HTTP {st} {body}")
            continue
        want = dict(status=e["status"], input_document_id=e["input_document_id"], config_id=e["config_id"],
                    created=epoch(e["created_at"]), started=epoch(e["started_at"]), finished=epoch(e["finished_at"]),
                    error_message=e["error_message"])
        for k in ("submitted_by_user_id", "attempt", "retry_of_run_id"):  # when the RunResource has them
            if k in body:
                want[k] = e[k]
        diffs = [f"{k}: want {v!r}, got {body.get(k)!r}" for k, v in want.items() if body.get(k) != v]
        check(not diffs, f"GET /runs/{rid_} ({LABEL[rid_]}, {e['status']}; {len(want)} fields)", "; ".join(diffs))
        if e.get("artifact_uri"):
            st, art = http(base, f"/api/v1/runs/{rid_}/artifact", "alice")
            check(st == 200 and isinstance(art, dict) and art.get("run") == rid_, f"GET /runs/{rid_}/artifact (stored {e['artifact_uri']})", f"HTTP {st}")

    st, body = http(base, f"/api/v1/runs/{R['r1']}/logs", "alice")
    msgs = [e.get("message") for e in body.get("entries", [])] if st == 200 else body
    check(st == 200 and msgs == ["engine started", "warning: empty column C"], "GET /runs/{id}/logs (r1): its 2 run_logs rows", f"HTTP {st} {msgs}")

    st, body = http(base, f"/api/v1/workspaces/{WA}/documents?page_size=100", "alice")
    if check(st == 200, "GET /workspaces/acme/documents", f"HTTP {st} {body if st != 200 else ''}"):
        docs = {d["id"]: d for d in body["items"]}
        for d in DA:
            cands = [r for r in in_ws[WA] if exp[r]["input_document_id"] == d]
            key = lambda r: (exp[r]["finished_at"] or exp[r]["started_at"] or exp[r]["created_at"], r)  # noqa: E731
            want = max(cands, key=key) if cands else None
            last = (docs.get(d) or {}).get("last_run") or {}
            ok = last.get("run_id") == want and (want is None or last.get("status") == exp[want]["status"])
            check(ok, f"  {DOC_NAME[d]} last_run = {LABEL.get(want, want)} ({exp[want]['status'] if want else '-'})", f"got {last}")

    st, got = ids(f"/api/v1/workspaces/{WB}/runs?page_size=100", "admin")
    check(st == 200 and got == in_ws[WB], "global administrator (no workspace role): GET /workspaces/beta/runs", f"HTTP {st} {got}")
    st, got = ids(f"/api/v1/workspaces/{WA}/runs?page_size=100", "rita")
    check(st == 200 and got == in_ws[WA], "custom role 'job-reviewer' (rita): GET /workspaces/acme/runs", f"HTTP {st} {got if st != 200 else ''}")
    st, _ = ids(f"/api/v1/workspaces/{WB}/runs?page_size=100", "rita")
    check(st == 403, "  rita: GET /workspaces/beta/runs is 403 (no role there)", f"HTTP {st}")
    st, _ = http(base, f"/api/v1/runs/{J['J6']}", "rita")
    check(st == 200, f"  rita: GET /runs/{J['J6']} (her cancelled job)", f"HTTP {st}")
    st, _ = ids(f"/api/v1/workspaces/{WA}/runs?page_size=100", "dora")
    check(st == 403, "docs-only role (dora): GET /workspaces/acme/runs is 403", f"HTTP {st}")


# ---------------------------------------------------------------- main

def export_before(checkout: Path, before: str, dest: Path) -> Path:
    paths = ["apps/ade-api", "apps/ade-engine"]
    if Path(before).is_dir():
        src = Path(before)
        for p in paths:
            shutil.copytree(src / p, dest / p, ignore=shutil.ignore_patterns("node_modules", "__pycache__", "tests", "*.sqlite"))
        return dest
    proc = subprocess.run(["git", "-C", str(checkout), "archive", "--format=tar", before, *paths], capture_output=True)
    if proc.returncode:
        raise SetupError(f"git archive {before}: {proc.stderr.decode().strip()}")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def heads(tree: Path) -> set[str]:
    revs, downs = set(), set()
    for f in (tree / "apps/ade-api/migrations/versions").glob("*.py"):
        text = f.read_text()
        m = re.search(r'^revision\s*=\s*"([^"]+)"', text, re.M)
        if m:
            revs.add(m.group(1))
        downs.update(re.findall(r'^(?:down_revision|previous)\s*=\s*"([^"]+)"', text, re.M))
    return revs - downs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", type=Path, help="ADE checkout after `runsmig apply`")
    ap.add_argument("--before", default="HEAD", help="pre-apply tree: a commit of the checkout (default HEAD) or a directory")
    ap.add_argument("--db", help="PostgreSQL server URL (a new database is created on it); default: a SQLite file")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder and the database")
    a = ap.parse_args()
    after_tree = a.checkout.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="ade-upgrade-check-"))
    admin = db_name = None
    try:
        before_tree = export_before(after_tree, a.before, tmp / "before")
        if heads(before_tree) != {PRE_HEAD}:
            raise SetupError(f"the pre-apply tree ({a.before}) has heads {sorted(heads(before_tree))}, not {PRE_HEAD}")
        if heads(after_tree) in ({PRE_HEAD}, set()):
            raise SetupError(f"{after_tree} has no revision after {PRE_HEAD}: run `runsmig apply` on it first")
        if a.db:
            url = sa.engine.make_url(a.db)
            db_name = "ade_upgrade_check_" + uuid.uuid4().hex[:8]
            admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
            sync_url = url.set(database=db_name)
            api_dsn = sync_url.set(drivername="postgresql+psycopg")
            for f in sorted((before_tree / "apps/ade-api/migrations/versions").glob("000[456]_*.py")):
                f.write_text(f.read_text().replace('recreate="always"', 'recreate="auto"'))
            print(f"note: PostgreSQL database {db_name}; pre-apply 0004-0006 copies use recreate=\"auto\"")
        else:
            sync_url = sa.engine.make_url(f"sqlite:///{tmp / 'ade.sqlite'}")
            api_dsn = sync_url.set(drivername="sqlite+aiosqlite")
        render = lambda u: u.render_as_string(hide_password=False)  # noqa: E731
        data = tmp / "data"
        ade = {"ADE_DATABASE_DSN": render(api_dsn), "ALEMBIC_DATABASE_URL": render(sync_url),
               "PYTHONUNBUFFERED": "1", "ADE_SAFE_MODE": "true", "ADE_LOGGING_LEVEL": "WARNING", "ADE_SERVER_PUBLIC_URL": "http://127.0.0.1",
               **{f"ADE_{k.upper()}_DIR": str(data / k) for k in ("documents", "configs", "venvs", "jobs", "runs", "pip_cache")}}
        env_before, env_after = tree_env(before_tree, ade), tree_env(after_tree, ade)
        (tmp / "cwd").mkdir()
        engine = sa.create_engine(sync_url, poolclass=sa.pool.NullPool)

        p = alembic(before_tree, env_before, PRE_HEAD)
        if not check(p.returncode == 0, f"pre-apply revisions: alembic upgrade {PRE_HEAD}", p.stderr.strip()[-800:] if p.returncode else ""):
            return 1
        with serve(before_tree, env_before, tmp / "cwd" / "api-before.log") as base:
            md = sa.MetaData()
            md.reflect(engine)
            with engine.begin() as conn:
                seed(conn, md)
            warm_up(base, "pre-apply API")
            want = {j["id"] for j in jobs_rows() if j["workspace_id"] == WA}
            st, body = http(base, f"/api/v1/workspaces/{WA}/jobs?limit=500", "rita")
            got = {j["id"] for j in body} if st == 200 else body
            check(st == 200 and got == want, f"seeded {sum(1 for _ in jobs_rows())} jobs, {len(runs_rows())} runs; pre-apply API lists acme's {len(want)} jobs to the custom-role user",
                  f"HTTP {st} {got}")
        drift_before = model_drift(before_tree, env_before, render(sync_url))
        before = fingerprint(engine)
        if a.keep and not a.db:
            shutil.copy(tmp / "ade.sqlite", tmp / f"ade-{PRE_HEAD}.sqlite")
        print(f"fingerprinted {sum(len(v) for v in before.values())} rows in {len(before)} tables")

        p = alembic(after_tree, env_after, "head")
        if not check(p.returncode == 0, "migrated revisions: alembic upgrade head", p.stderr.strip()[-1500:] if p.returncode else ""):
            return 1
        after = fingerprint(engine)
        compare_tables(before, after)
        compare_runs(before, after)
        drift = model_drift(after_tree, env_after, render(sync_url))
        if isinstance(drift_before, str) or isinstance(drift, str):
            check(False, "alembic autogenerate: models vs database", drift if isinstance(drift, str) else drift_before)
        else:
            new = drift - drift_before
            check(not new, f"alembic autogenerate: no model/database difference the migration adds "
                  f"(ADE's own at {PRE_HEAD}: {len(drift_before)}, after: {len(drift)})", "; ".join(sorted(new)))
        custom_before = {renamed_key(k) for k in role_keys_from(before, CUSTOM_ROLE)}

        exp = expected_runs()
        for rid_, e in exp.items():  # storage as `runsmig storage move` leaves it: <runs dir>/<stored uri>
            if e.get("artifact_uri"):
                f = data / "runs" / e["artifact_uri"]
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(json.dumps({"run": rid_}))
        with serve(after_tree, env_after, tmp / "cwd" / "api-after.log") as base:
            keys = role_keys(engine, CUSTOM_ROLE)
            check(keys == custom_before and {"Workspace.Runs.Read", "Workspace.Runs.ReadWrite"} <= keys,
                  "custom role 'job-reviewer' grants Workspace.Runs.Read/ReadWrite after the API's permission sync", f"grants {sorted(keys)}")
            warm_up(base, "migrated API")
            api_checks(base)
        return 0 if all(ok for ok, _, _ in ROWS) else 1
    except SetupError as exc:
        print(f"setup error: {exc}", file=sys.stderr)
        return 2
    finally:
        failed = [r for r in ROWS if not r[0]]
        if ROWS:
            print(f"\n{len(ROWS) - len(failed)} PASS, {len(failed)} FAIL ({'PostgreSQL' if a.db else 'SQLite'})")
        for _, name, detail in failed:
            print(f"  FAIL {name}: {detail}")
        if a.keep:
            print(f"kept: {tmp}" + (f", database {db_name}" if db_name else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            if admin is not None and db_name:
                with admin.connect() as c:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))


def role_keys_from(fp: dict, role_id: str) -> set[str]:
    pid = {row["id"]: row["key"] for row in fp["permissions"].values()}
    return {pid[row["permission_id"]] for row in fp["role_permissions"].values() if row["role_id"] == role_id}


if __name__ == "__main__":
    sys.exit(main())
