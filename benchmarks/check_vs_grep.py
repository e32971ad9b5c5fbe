"""Wall time of `runsmig check` against `git grep -i -c <term>` on the same checkout, in one script.

    python benchmarks/check_vs_grep.py PATH [--repeat N]                 # an existing git checkout
    python benchmarks/check_vs_grep.py --generate 50000 [--share 0.02]   # trees built here

With ``--generate N`` it builds two git checkouts of N files each (Python, TypeScript, TSX,
Markdown, JSON, YAML in folders of 100): one with no term anywhere, one where ``--share`` of the
files carry the term (identifiers, strings, comments, prose, config keys). On each it times, best
of ``--repeat``:

* ``git grep -i -c job`` (the baseline: what a grep-based gate costs);
* ``runsmig check --no-job-terms --format json`` with an empty cache (first run);
* the parse floor (the term tree only): git grep for the files holding the term, then each parsed
  once on every core, nothing decided (what no first run can beat), Python by CPython's ast and by
  LibCST;
* the same again, with the cache the first run left (the term tree only);
* the same after one Python, TypeScript or Markdown file gained a line with the term since the
  cached run (the everyday gate of a pull request: the cache answers for every other file; each
  repetition writes a new line, so the file is analysed, not recalled);
* the same after one new Python file was added (the file list changed: each cached result is kept
  only while what it asked of the file list gets the same answers).

Before timing, one untimed run of each warms the page cache and writes runsmig's bytecode (the
children run with bytecode caching on, as an installed package does). It prints every time, the
ratio to git grep, and the peak memory of all runsmig processes together (the CLI and its
workers), sampled every 10 ms with psutil in one more run (sampling costs CPU, so timed runs are
not sampled): the largest sum of their
proportional set sizes (PSS: a page shared by k processes counts 1/k in each, so the sum is the
memory the group really holds; workers forked from the CLI share its pages), and beside it the
largest sum of their resident set sizes (RSS, which counts shared pages once per process).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "rules" / "jobs-to-runs"

# -- the tree ---------------------------------------------------------------------------------
PY_HEAD = '''"""{what} helpers for the {area} area."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)
'''

PY = '''

@dataclass
class {Cls}:
    """A {word} of the {area} area."""

    {ident}_id: str
    attempts: int = 0

    def describe(self) -> str:
        # shown in the {area} screen
        return f"{word} {{self.{ident}_id}} after {{self.attempts}} attempts"


def load_{ident}(store: dict, key: str) -> {Cls}:
    logger.info("loading {word} %s", key)
    return {Cls}(store["{ident}s"][key])
'''

TS_HEAD = '''import {{ useEffect, useState }} from "react";
'''

TS = '''
export interface {Cls} {{
  {camel}Id: string;
  attempts: number;
}}

// Loads one {word} of the {area} area.
export async function fetch{Cls}(id: string): Promise<{Cls}> {{
  const response = await fetch(`/api/{area}/{word}s/${{id}}`);
  return (await response.json()) as {Cls};
}}

export function use{Cls}(id: string) {{
  const [{camel}, set{Cls}] = useState<{Cls} | null>(null);
  useEffect(() => {{
    fetch{Cls}(id).then(set{Cls});
  }}, [id]);
  return {camel};
}}
'''

TSX_HEAD = '''import * as hooks from "./hooks";
'''

TSX = '''
type Props{Cls} = {{ {camel}Id: string }};

/** Shows one {word} of the {area} area. */
export function {Cls}Card({{ {camel}Id }}: Props{Cls}) {{
  const {camel} = hooks.use{Cls}({camel}Id);
  if (!{camel}) {{
    return <p className="muted">Loading {word}…</p>;
  }}
  return (
    <section aria-label="{word}">
      <h2>{Cls} {{{camel}.{camel}Id}}</h2>
      <p>{{{camel}.attempts}} attempts</p>
    </section>
  );
}}
'''

MD_HEAD = '''# {what}
'''

MD = '''
## The {area} area

Every {word} of the {area} area is stored once and shown in its own screen. A {word} that
fails is retried three times, then reported to the workspace owners.

### Settings

- `{ident}_timeout`: seconds before a {word} is stopped (default 300)
- `{ident}_retries`: how often a failed {word} is retried

See [the reference](../reference/{area}.md) for the full list.
'''

JSON_HEAD = ""

JSON = '''{{
  "area": "{area}",
  "{camel}Timeout": 300,
  "{camel}Retries": 3,
  "labels": ["{word}", "queued", "done"],
  "owners": ["platform"]
}}
'''

YAML_HEAD = ""

YAML = '''- area: {area}
  {ident}_timeout: 300
  {ident}_retries: 3
  labels:
    - {word}
    - queued
    - done
  # owners of the {area} {word}s
  owners: [platform]
'''

KINDS = [("py", PY_HEAD, PY), ("ts", TS_HEAD, TS), ("tsx", TSX_HEAD, TSX), ("md", MD_HEAD, MD),
         ("json", JSON_HEAD, JSON), ("yaml", YAML_HEAD, YAML)]
SECTIONS = (4, 20)  # sections per file: 4.5 KB on average (ADE: 8.5 KB, its JSON included)
WEIGHTS = [30, 25, 15, 15, 10, 5]
CLEAN = [("task", "Task", "task"), ("entry", "Entry", "entry"), ("report", "Report", "report"),
         ("batch", "Batch", "batch"), ("upload", "Upload", "upload")]
TERM = [("job", "Job", "job")]


def generate(root: Path, n: int, share: float, seed: int = 12) -> int:
    """N files in folders of 100; ``share`` of them carry the term. Returns how many do."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    with_term = set(rng.sample(range(n), int(n * share)))
    for i in range(n):
        ext, head, body = rng.choices(KINDS, WEIGHTS)[0]
        k = rng.randint(*SECTIONS)
        term_at = rng.randrange(k) if i in with_term else -1  # the term in one section of the file
        parts = []
        for j in range(k):
            ident, cls, word = TERM[0] if j == term_at else CLEAN[(i + j) % len(CLEAN)]
            parts.append(body.format(what=f"Module {i}", area=f"area{(i + j) % 37}", Cls=f"{cls}{i}x{j}",
                                     ident=f"{ident}{j}" if ident != "job" else ident, camel=ident, word=word))
        text = head.format(what=f"Module {i}", area=f"area{i % 37}")
        if ext == "json":
            text = "[\n" + ",\n".join(parts) + "]\n"
        else:
            text += "".join(parts)
        folder = root / f"pkg{i // 100:04d}"
        folder.mkdir(exist_ok=True)
        name = f"hooks{i}.{ext}" if ext != "tsx" else f"Card{i}.tsx"
        (folder / name).write_text(text, "utf-8")
    git = ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "-c", "gc.auto=0"]
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "tree"], cwd=root, check=True)
    return len(with_term)


# -- timing -----------------------------------------------------------------------------------
def wall(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    """Wall seconds of one run, nothing else running in this script meanwhile. A run that fails
    (exit 2 or more: a usage or recipe error, a crash) stops the script: its time would be a
    figure of nothing (git grep -c exits 1 when nothing matches, runsmig check 1 on findings)."""
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    took = time.perf_counter() - t
    if done.returncode not in (0, 1):
        sys.exit(f"check_vs_grep: {' '.join(cmd[:4])} ... exited {done.returncode}: "
                 f"{done.stderr.decode('utf-8', 'replace').strip()[-500:]}")
    return took


def peak_memory(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """(peak summed PSS, peak summed RSS) in MB of the process and its children, sampled every
    10 ms in a run of its own (reading /proc/PID/smaps costs CPU: timed runs are not sampled)."""
    import psutil

    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss = rss = 0
        try:
            for p in [proc, *proc.children(recursive=True)]:
                try:
                    info = p.memory_full_info()
                    pss += info.pss
                    rss += info.rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.01)
    return peak_pss / 2**20, peak_rss / 2**20


def best(cmd: list[str], cwd: Path, repeat: int, before=None, env: dict | None = None,
         memory: bool = True) -> tuple[float, tuple]:
    """(best wall time of ``repeat`` runs, peak memory of one more run); ``before`` runs before each."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(wall(cmd, cwd, env))
    if not memory:
        return min(runs), (0.0, 0.0)
    if before is not None:
        before()
    return min(runs), peak_memory(cmd, cwd, env)


def child_env(cache: Path, pycache: Path) -> dict:
    """runsmig's environment: its result cache here, and bytecode caching on (in a folder of its
    own), as an installed package runs, even when PYTHONDONTWRITEBYTECODE is set in this shell."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["RUNSMIG_CACHE_DIR"] = str(cache)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def measure(tree: Path, repeat: int, term: str, recipe: Path, cached: bool) -> list[tuple[str, float, tuple]]:
    cache = tree.parent / f"{tree.name}-cache"
    env = child_env(cache, tree.parent / f"{tree.name}-pycache")
    check = [sys.executable, "-m", "runsmig", "check", ".", "--no-job-terms", "--format", "json",
             "--recipe", str(recipe)]
    grep = ["git", "grep", "-i", "-c", term]
    wall(grep, tree)  # warm-up, untimed: the page cache holds the tree, and runsmig's bytecode is written
    wall([sys.executable, "-m", "runsmig", "--version"], tree, env)
    rows = [("git grep -i -c " + term, *best(grep, tree, repeat, memory=False))]
    rows.append(("runsmig check, empty cache",
                 *best(check, tree, repeat, before=lambda: shutil.rmtree(cache, ignore_errors=True), env=env)))
    if cached:
        rows += [floor(tree, term, "ast"), floor(tree, term, "libcst")]
        wall(check, tree, env)  # fill the cache
        rows.append(("runsmig check, cached", *best(check, tree, repeat, env=env)))
        # the everyday gate of a pull request: the cache holds the last run, one file changed since
        # (each repetition writes a line of its own: a tree checked before would be answered by the
        # report memo, which is the "cached" row)
        for ext, comment in (("py", b"#"), ("ts", b"//"), ("md", b"")):
            edited = _one_file_to_edit(tree, ext)
            original = edited.read_bytes()
            count = iter(range(1_000_000))

            def edit(edited=edited, original=original, comment=comment, count=count) -> None:
                edited.write_bytes(original)
                wall(check, tree, env)  # the cache holds this tree ...
                line = comment + b" one more line about job %d" % (next(count) + time.time_ns())
                edited.write_bytes(original + b"\n" + line.lstrip() + b"\n")  # ... then one file changes
            try:
                rows.append((f"runsmig check, 1 .{ext} file edited", *best(check, tree, repeat, before=edit, env=env)))
            finally:
                edited.write_bytes(original)
        # a pull request that adds a file (untracked here): the file list changes, so no result may
        # be taken on trust; each one is kept only while its questions to the list get the same answers
        added: list[Path] = []

        def add() -> None:
            for p in added:
                p.unlink(missing_ok=True)
            wall(check, tree, env)  # the cache holds this tree ...
            p = tree / "pkg0000" / f"added_{time.time_ns()}.py"
            p.write_text("def helper():\n    return 'one more job'\n", "utf-8")  # ... then a file is added
            added.append(p)
        try:
            rows.append(("runsmig check, 1 .py file added", *best(check, tree, repeat, before=add, env=env)))
        finally:
            for p in added:
                p.unlink(missing_ok=True)
    return rows


FLOOR = r"""
import ast, json, os, subprocess, sys
from concurrent.futures import ProcessPoolExecutor

def parse(rel):
    with open(rel, encoding="utf-8") as fh:
        text = fh.read()
    ext = rel.rsplit(".", 1)[-1]
    if ext in ("py", "pyi"):
        if sys.argv[2] == "libcst":
            import libcst
            libcst.parse_module(text)
        else:
            ast.parse(text)
    elif ext in ("ts", "tsx", "js", "jsx"):
        from ast_grep_py import SgRoot
        SgRoot(text, "tsx" if ext in ("tsx", "jsx") else "typescript").root()
    elif ext == "md":
        from markdown_it import MarkdownIt
        MarkdownIt("commonmark").parse(text)
    elif ext == "json":
        json.loads(text)
    elif ext in ("yaml", "yml"):
        from ruamel.yaml import YAML
        YAML(typ="safe", pure=True).load(text)

if __name__ == "__main__":
    out = subprocess.run(["git", "grep", "-l", "-z", "-i", "-F", "-e", sys.argv[1], "--", "."],
                         capture_output=True).stdout.decode()
    files = [f for f in out.split("\0") if f]
    with ProcessPoolExecutor(os.cpu_count()) as ex:
        list(ex.map(parse, files, chunksize=16))
"""


def floor(tree: Path, term: str, python: str) -> tuple[str, float, tuple]:
    """The least a first run can cost: the files holding the term found by git grep, then each
    parsed once, on every core, with nothing decided and nothing else read; Python files by
    CPython's ``ast`` (the fastest parser at hand) or by LibCST (the lossless tree runsmig edits).
    A first-run goal below this ratio cannot be met by any analysis that parses what it analyses."""
    script = tree.parent / "parse-floor.py"
    script.write_text(FLOOR, "utf-8")
    cmd = [sys.executable, str(script), term, python]
    wall(cmd, tree)
    return (f"parse floor, Python by {python}", min(wall(cmd, tree) for _ in range(3)), (0.0, 0.0))


def _one_file_to_edit(tree: Path, ext: str) -> Path:
    out = subprocess.run(["git", "ls-files", f"*.{ext}"], cwd=tree, capture_output=True, text=True, check=True).stdout
    return tree / out.split()[len(out.split()) // 2]


def report(title: str, rows: list[tuple[str, float, tuple]]) -> None:
    base = rows[0][1]
    print(f"\n{title}")
    for name, secs, (pss, rss) in rows:
        extra = "" if name.startswith("git") else f"  ratio {secs / base:5.2f}x" + (
            f"  peak PSS {pss:4.0f} MB (RSS {rss:4.0f} MB)" if pss else "")
        print(f"  {name:32s} {secs:7.3f} s{extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?")
    ap.add_argument("--generate", type=int, metavar="N")
    ap.add_argument("--share", type=float, default=0.02)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--term", default="job")
    ap.add_argument("--recipe", type=Path, default=RECIPE)
    ap.add_argument("--keep", type=Path, help="build the trees here and keep them")
    a = ap.parse_args()
    if a.generate:
        work = a.keep or Path(tempfile.mkdtemp(prefix="runsmig-check-bench-"))
        try:
            trees = {"clean": (work / "clean", 0.0), "term": (work / "term", a.share)}
            for name, (tree, share) in trees.items():
                if not tree.exists():
                    t = time.perf_counter()
                    k = generate(tree, a.generate, share)
                    print(f"generated {name}: {a.generate} files, {k} with the term ({time.perf_counter() - t:.1f} s)")
            report(f"clean tree ({a.generate} files, no term)", measure(trees["clean"][0], a.repeat, a.term, a.recipe, False))
            report(f"term tree ({a.generate} files, {a.share:.0%} with the term)",
                   measure(trees["term"][0], a.repeat, a.term, a.recipe, True))
        finally:
            if a.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        return
    if not a.path:
        ap.error("give a PATH or --generate N")
    report(f"{a.path}", measure(Path(a.path), a.repeat, a.term, a.recipe, True))


if __name__ == "__main__":
    main()
