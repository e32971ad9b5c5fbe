"""Measure runsmig on a project nobody here wrote (issue #11): apply, then compare before/after.

Usage: python scripts/third_party_acceptance.py SOURCE RECIPE WORKDIR [--link REL=DIR ...]
                                               [--tsc CMD] [--runsmig CMD]

SOURCE is a git checkout (or URL); only its committed HEAD is used and it is never modified.
WORKDIR is emptied of before/ and after/, then:

1. clones SOURCE fresh into WORKDIR/before (left untouched) and WORKDIR/after;
2. in after/: ``runsmig plan --recipe RECIPE --out plan.json --format json`` (review.json: the
   reviewer's data; an engine without --format gets plan.diff instead; stderr saved), then
   ``runsmig apply --recipe RECIPE`` (timed, stderr saved), then ``plan`` again (should be empty);
3. ``scripts/statement_counts.py before after --moves plan.json`` (statements per file);
4. Python projects: ``ruff check --select F821,F401,F811`` on both trees, counts per rule;
5. projects with a tsconfig.json or .d.ts files: ``tsc --noEmit`` on both trees, errors per code
   (``--link node_modules=DIR`` symlinks an existing install into both clones so types resolve);
6. ``.github/workflows``: which files are not byte-identical;
7. follow-ups, conflicts and failed files from apply's stderr, grouped by message pattern; the
   "identifiers outside code" list, where the plan output has one (else n/a);
8. ``runsmig check --no-job-terms`` remnants before/after, by kind; the names kept as third-party
   ('external': in no follow-up and not failing the gate) and the words judged not the term.

It installs and builds nothing and runs no test of the project: running its suite on before/ and
after/ is a manual step. Prints the figures and writes them to WORKDIR/summary.json; the raw outputs
(plan.json, review.json, *.stderr, ruff-*.txt, tsc-*.txt, statements.*) stay in WORKDIR; the diff is
``git -C WORKDIR/after status`` / ``diff``.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = HERE.parent
RUFF_RULES = "F821,F401,F811"


def run(cmd: list[str], cwd: Path | None = None, out: Path | None = None, err: Path | None = None,
        env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, check=False)
    dt = time.perf_counter() - t
    if out is not None:
        out.write_bytes(p.stdout)
    if err is not None:
        err.write_bytes(p.stderr)
    return p, dt


def default_runsmig() -> list[str]:
    venv = MAIN / ".venv" / "bin" / "runsmig"
    if venv.exists():
        return [str(venv)]
    return [sys.executable, "-m", "runsmig"]


def tracked(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "-z"],
                         capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    return sorted(r for r in out.split("\0") if r and (root / r).is_file())


# -- follow-ups ---------------------------------------------------------------------------------
LINE_RE = re.compile(r"^(follow-up|conflict|failed|warning|runsmig: error): (.*)$")
LOC_RE = re.compile(r"^(\S+?)(:\d+)?(:\d+)?: ")


def pattern_of(message: str) -> str:
    """The cause of a follow-up: its message with location, quoted names and numbers masked."""
    m = re.sub(r"'[^']*'", "'…'", message)
    m = re.sub(r'"[^"]*"', '"…"', m)
    m = re.sub(r"`[^`]*`", "`…`", m)
    return re.sub(r"\b\d+\b", "N", m)


def follow_ups(stderr: str) -> dict:
    groups: dict[str, Counter] = {}
    examples: dict[tuple[str, str], str] = {}
    for line in stderr.splitlines():
        m = LINE_RE.match(line.strip())
        if not m:
            continue
        kind, rest = m.groups()
        loc = LOC_RE.match(rest)
        message = rest[loc.end():] if loc else rest
        pat = pattern_of(message)
        groups.setdefault(kind, Counter())[pat] += 1
        examples.setdefault((kind, pat), rest)
    return {kind: [{"count": n, "pattern": pat, "example": examples[(kind, pat)]}
                   for pat, n in c.most_common()] for kind, c in groups.items()}


def identifiers_outside_code(stderr: str, plan_json: dict) -> str | int:
    """The plan's list of identifiers found outside code (strings, docs), if it reports one:
    a plan-json key, or stderr's 'identifiers in strings (N literals, M distinct)' heading."""
    for key in ("identifiers_outside_code", "identifiers", "literals"):
        if isinstance(plan_json.get(key), list):
            return len(plan_json[key])
    m = re.search(r"identifiers? in strings \((\d+) literals?, (\d+) distinct\)", stderr)
    if m:
        return f"{m.group(1)} literals ({m.group(2)} distinct)"
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if re.search(r"identifiers?\b.*(outside|literal|string|prose)", line, re.IGNORECASE):
            m = re.search(r"\b(\d+)\b", line)
            if m:
                return int(m.group(1))
            return sum(1 for x in lines[i + 1:] if x.startswith(("  ", "\t")) and x.strip())
    return "n/a"


# -- ruff / tsc ---------------------------------------------------------------------------------
def ruff(root: Path, work: Path, side: str) -> dict:
    exe = shutil.which("ruff", path=str(MAIN / ".venv" / "bin")) or shutil.which("ruff") or "ruff"
    p, _ = run([exe, "check", "--select", RUFF_RULES, "--output-format", "concise", "--no-cache",
                "--exit-zero", "."], cwd=root, out=work / f"ruff-{side}.txt", err=work / f"ruff-{side}.stderr")
    lines = [x for x in p.stdout.decode().splitlines() if re.match(r"^\S+:\d+:\d+: [A-Z]+\d+", x)]
    by_rule = Counter(re.match(r"^\S+:\d+:\d+: ([A-Z]+\d+)", x).group(1) for x in lines)
    return {"total": len(lines), "by_rule": dict(sorted(by_rule.items())), "lines": lines,
            "error": p.stderr.decode()[-500:] if p.returncode not in (0, 1) else None}


def tsc_targets(root: Path) -> list[str] | None:
    files = [f for f in tracked(root) if not f.startswith("node_modules/")]
    if "tsconfig.json" in files:
        return ["-p", "tsconfig.json"]
    dts = [f for f in files if f.endswith(".d.ts")]
    return dts or None


def tsc(root: Path, work: Path, side: str, tsc_cmd: list[str]) -> dict | None:
    targets = tsc_targets(root)
    if targets is None:
        return None
    p, _ = run([*tsc_cmd, "--noEmit", *targets], cwd=root, out=work / f"tsc-{side}.txt", err=work / f"tsc-{side}.stderr")
    lines = [x for x in p.stdout.decode().splitlines() if re.search(r"error TS\d+", x)]
    by_code = Counter(re.search(r"error (TS\d+)", x).group(1) for x in lines)
    return {"command": shlex.join([*tsc_cmd, "--noEmit", *targets]), "exit": p.returncode, "total": len(lines),
            "by_code": dict(sorted(by_code.items())), "lines": lines,
            "stderr": p.stderr.decode()[-500:] if p.returncode not in (0, 1, 2) else None}


# -- workflows, remnants ------------------------------------------------------------------------
def workflows(before: Path, after: Path) -> dict:
    def files(root: Path) -> dict[str, bytes]:
        d = root / ".github" / "workflows"
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()} if d.is_dir() else {}

    b, a = files(before), files(after)
    changed = sorted(k for k in b if k in a and a[k] != b[k])
    diff = ""
    for k in changed:
        diff += subprocess.run(["git", "diff", "--no-index", "--no-color", "-U0", str(before / k), str(after / k)],
                               capture_output=True, text=True, check=False).stdout
    return {"files": len(b), "identical": sorted(k for k in b if a.get(k) == b[k]), "changed": changed,
            "missing_after": sorted(k for k in b if k not in a), "new_after": sorted(k for k in a if k not in b),
            "diff": diff}


def remnants(rm: list[str], root: Path, recipe: str, work: Path, side: str) -> dict:
    p, _ = run([*rm, "check", ".", "--recipe", recipe, "--no-job-terms", "--format", "json"], cwd=root,
               out=work / f"check-{side}.json", err=work / f"check-{side}.stderr")
    try:
        d = json.loads(p.stdout)
        s = d["summary"]
        return {"findings": s["findings"], "by_kind": s.get("findings_by_kind", {}), "exit": p.returncode,
                "list": [f"{f['path']}:{f['line']}: {f.get('kind')} '{f.get('text')}' ({f.get('rule')})"
                         for f in d.get("findings", []) if isinstance(f, dict)],
                "external": [f"{f['path']}:{f['line']}: '{f.get('text')}': {f.get('message')}"
                             for f in d.get("external", []) if isinstance(f, dict)],
                "not_the_term": sorted({f.get("word") or f.get("text") for f in d.get("not_the_term", [])
                                        if isinstance(f, dict)} - {None})}
    except (ValueError, KeyError):
        return {"findings": None, "exit": p.returncode, "stderr": p.stderr.decode()[-500:]}


# -- main ---------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("recipe")
    ap.add_argument("workdir")
    ap.add_argument("--link", action="append", default=[], metavar="REL=DIR",
                    help="symlink an installed folder (e.g. node_modules=/path) into both clones, git-excluded")
    ap.add_argument("--tsc", default="npx --no-install tsc",
                    help="tsc command (default 'npx --no-install tsc': a linked node_modules' typescript)")
    ap.add_argument("--runsmig", default=None, help="runsmig command (default: /work/main/.venv/bin/runsmig)")
    a = ap.parse_args()
    rm = shlex.split(a.runsmig) if a.runsmig else default_runsmig()
    recipe = str(Path(a.recipe).resolve())
    work = Path(a.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    before, after = work / "before", work / "after"
    for d in (before, after):
        shutil.rmtree(d, ignore_errors=True)
        p, _ = run(["git", "clone", "-q", a.source, str(d)])
        if p.returncode:
            sys.exit(f"git clone {a.source} failed: {p.stderr.decode()}")
    head = subprocess.run(["git", "-C", str(before), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    engine = subprocess.run(["git", "-C", str(MAIN), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False).stdout.strip()
    S: dict = {"source": a.source, "commit": head, "recipe": recipe, "runsmig": shlex.join(rm), "engine": engine}

    # 2. plan, apply (timed), plan again
    # the reviewer's data (plan --format json: follow-ups, externals, identifiers in strings) where the
    # engine has it, else the diff
    p, S["plan_seconds"] = run([*rm, "plan", ".", "--recipe", recipe, "--out", str(work / "plan.json"),
                                "--format", "json"], cwd=after, out=work / "review.json", err=work / "plan.stderr")
    if p.returncode == 2 and b"--format" in p.stderr:
        (work / "review.json").unlink()
        p, S["plan_seconds"] = run([*rm, "plan", ".", "--recipe", recipe, "--out", str(work / "plan.json")],
                                   cwd=after, out=work / "plan.diff", err=work / "plan.stderr")
    S["plan_exit"] = p.returncode
    p, S["apply_seconds"] = run([*rm, "apply", ".", "--recipe", recipe], cwd=after,
                                out=work / "apply.stdout", err=work / "apply.stderr")
    S["apply_exit"] = p.returncode
    apply_err = p.stderr.decode("utf-8", "replace")
    p, _ = run([*rm, "plan", ".", "--recipe", recipe], cwd=after, out=work / "replan.diff", err=work / "replan.stderr")
    S["replan_nonempty_diff_bytes"] = len(p.stdout)
    try:
        plan = json.loads((work / "plan.json").read_text())
    except (OSError, ValueError):
        plan = {}
    S["plan_changes"] = dict(Counter(c["action"] for c in plan.get("changes", [])))

    for spec in a.link:  # after apply: a link is never part of what runsmig sees
        rel, _, target = spec.partition("=")
        for d in (before, after):
            (d / rel).symlink_to(Path(target).resolve())
            with open(d / ".git" / "info" / "exclude", "a") as f:
                f.write(f"\n/{rel}\n")

    # 3. statements
    p, _ = run([sys.executable, str(HERE / "statement_counts.py"), str(before), str(after),
                "--moves", str(work / "plan.json"), "--json", str(work / "statements.json")],
               out=work / "statements.txt", err=work / "statements.stderr")
    S["statements_exit"] = p.returncode
    try:
        st = json.loads((work / "statements.json").read_text())
        S["statements"] = {"totals": st["totals"], "differ": st["differ"], "unparsable": st["unparsable"],
                           "only_before": [x["path"] for x in st["only_before"]],
                           "only_after": [x["path"] for x in st["only_after"]]}
    except (OSError, ValueError):
        S["statements"] = {"error": p.stderr.decode()[-800:]}

    # 4. ruff, 5. tsc
    if any(f.endswith(".py") for f in tracked(before)):
        S["ruff"] = {"before": ruff(before, work, "before"), "after": ruff(after, work, "after")}
    if tsc_targets(before) is not None:
        cmd = shlex.split(a.tsc)
        S["tsc"] = {"before": tsc(before, work, "before", cmd), "after": tsc(after, work, "after", cmd)}

    # 6. workflows, 7. follow-ups, 8. remnants
    S["workflows"] = workflows(before, after)
    S["follow_ups"] = follow_ups(apply_err)
    try:
        review = json.loads((work / "review.json").read_text())
        idents = review["identifiers"]
        S["identifiers_outside_code"] = f"{len(idents)} literals ({len({i['old'] for i in idents})} distinct)"
    except (OSError, ValueError, KeyError, TypeError):
        S["identifiers_outside_code"] = identifiers_outside_code(apply_err, plan)
    S["remnants"] = {"before": remnants(rm, before, recipe, work, "before"),
                     "after": remnants(rm, after, recipe, work, "after")}
    (work / "summary.json").write_text(json.dumps(S, indent=1, default=str))
    report(S, work)
    return 0


def report(S: dict, work: Path) -> None:
    print(f"source {S['source']} @ {S['commit'][:12]}  recipe {S['recipe']}  engine {S['engine']}")
    print(f"plan: exit {S['plan_exit']}, {S['plan_seconds']:.1f} s, changes {S['plan_changes']}")
    print(f"apply: exit {S['apply_exit']}, {S['apply_seconds']:.1f} s; plan after apply: "
          f"{'empty' if not S['replan_nonempty_diff_bytes'] else str(S['replan_nonempty_diff_bytes']) + ' bytes of diff'}")
    st = S["statements"]
    if "totals" in st:
        for lang, t in sorted(st["totals"].items()):
            extra = (f", imported names {t['imports_before']}->{t['imports_after']}" if lang == "python"
                     else f", ERROR nodes {t['errors_before']}->{t['errors_after']}")
            print(f"statements {lang}: files {t['files_before']}->{t['files_after']}, "
                  f"statements {t['statements_before']}->{t['statements_after']}{extra}")
        print(f"statement differences: {len(st['differ'])} file(s)")
        for d in st["differ"]:
            name = d["before"] if d["before"] == d["after"] else f"{d['before']} -> {d['after']}"
            print(f"  {name}: {d['counts_before']} -> {d['counts_after']}")
        for u in st["unparsable"]:
            print(f"  unparsable ({u['side']}): {u['path']}: {u['reason']}")
        print(f"only before: {st['only_before'] or 'none'}; only after: {st['only_after'] or 'none'}")
    else:
        print(f"statements: failed: {st['error']}")
    if "ruff" in S:
        b, a = S["ruff"]["before"], S["ruff"]["after"]
        print(f"ruff {RUFF_RULES}: before {b['total']} {b['by_rule']}, after {a['total']} {a['by_rule']}")
        for side in ("before", "after"):
            if S["ruff"][side]["error"]:
                print(f"  ruff {side} error: {S['ruff'][side]['error']}")
        if a["total"] != b["total"] or a["by_rule"] != b["by_rule"]:
            print("  after:")
            for x in a["lines"][:40]:
                print(f"    {x}")
    if "tsc" in S:
        b, a = S["tsc"]["before"], S["tsc"]["after"]
        print(f"tsc ({a['command']}): before {b['total']} errors {b['by_code']}, after {a['total']} errors {a['by_code']}")
        if a["by_code"] != b["by_code"]:
            for x in a["lines"][:40]:
                print(f"    {x}")
    w = S["workflows"]
    print(f"workflows: {w['files']} file(s), changed {w['changed'] or 'none'}, missing after {w['missing_after'] or 'none'}, "
          f"new after {w['new_after'] or 'none'}")
    for x in w["diff"].splitlines():
        if x.startswith(("-", "+")) and not x.startswith(("---", "+++")):
            print(f"    {x}")
    print("follow-ups by cause:" + ("" if S["follow_ups"] else " none"))
    for kind, groups in S["follow_ups"].items():
        for g in groups:
            print(f"  {g['count']:4d} {kind}: {g['pattern']}   e.g. {g['example']}")
    print(f"identifiers outside code: {S['identifiers_outside_code']}")
    rb, ra = S["remnants"]["before"], S["remnants"]["after"]
    print(f"check --no-job-terms: before {rb['findings']}, after {ra['findings']} {ra.get('by_kind', '')}")
    for x in ra.get("list", [])[:30]:
        print(f"  remnant {x}")
    ext = ra.get("external", [])
    print(f"kept as external (not follow-ups, not gate findings): {len(ext)}")
    for x in ext[:30]:
        print(f"  {x}")
    print(f"words judged 'not the term': {ra.get('not_the_term', [])}")
    print(f"details: {work}/summary.json")


if __name__ == "__main__":
    sys.exit(main())
