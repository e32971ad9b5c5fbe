#!/usr/bin/env python
"""Count broken intra-repo Markdown links and anchors in a tree.

    python scripts/md_links.py [ROOT] [--list] [--json]
    python scripts/md_links.py [ROOT] --clashes   # rewrite clashes without / with the recipe phrases
    python scripts/md_links.py [ROOT] --prose [--list]   # sentences that read wrong after the migration

Every link in every Markdown file (inline links and images, reference
definitions, HTML href/src; not code) that points inside the tree is checked:
the file or folder must exist, and a '#fragment' into a Markdown file must be
one of its anchors (GitHub heading slugs with -1/-2 for duplicates, HTML
id/name). External URLs, mailto: and links leaving the tree are not counted.
Run it before and after 'runsmig apply' to compare.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from runsmig.languages.base import FileContext
from runsmig.languages.markdown import MarkdownAnalyzer
from runsmig.languages.markdown import anchors as A
from runsmig.recipe import load_recipe
from runsmig.terms import TermEngine
from runsmig.textio import decode


def md_files(root: Path) -> list[str]:
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
    return sorted(f for f in files if f.lower().endswith(A.MD_SUFFIXES) and (root / f).is_file())


def check_tree(root: Path) -> dict:
    recipe = load_recipe(None)
    engine = TermEngine.from_recipe(recipe)
    anchor_cache: dict[str, list[str]] = {}

    def anchors_of(rel: str) -> list[str]:
        if rel not in anchor_cache:
            try:
                anchor_cache[rel] = A.anchors(decode((root / rel).read_bytes()).text)
            except Exception:
                anchor_cache[rel] = []
        return anchor_cache[rel]

    total = intra = 0
    broken: list[dict] = []
    files = md_files(root)
    for rel in files:
        try:
            text = decode((root / rel).read_bytes()).text
        except Exception:
            continue
        ctx = FileContext(root, rel, rel, text, engine, recipe)
        an = MarkdownAnalyzer(ctx, anchors_only=True)
        an.content()
        for start, _end, dest in an.links:
            total += 1
            if not dest or A.is_external(dest):
                continue
            path, frag = A.split_dest(dest)
            target = A.resolve(rel, path) if path else rel
            if target is None:
                continue
            intra += 1
            line = ctx.index.pos(start)[0]
            if not (root / target).exists():
                broken.append({"file": rel, "line": line, "link": dest, "problem": "missing file"})
                continue
            if frag and (target == rel or target.lower().endswith(A.MD_SUFFIXES)) and not re.fullmatch(r"L\d+(-L\d+)?", frag):
                if not A.fragment_matches(frag, anchors_of(target)):
                    broken.append({"file": rel, "line": line, "link": dest, "problem": "missing anchor"})
    return {
        "markdown_files": len(files),
        "links": total,
        "intra_repo_links": intra,
        "broken": len(broken),
        "broken_files": sum(1 for b in broken if b["problem"] == "missing file"),
        "broken_anchors": sum(1 for b in broken if b["problem"] == "missing anchor"),
        "items": broken,
    }


# Sentences that read wrong once 'job' became 'run' (the prose check of issue 7): a concept
# doubled ('runs and runs', '`Run` vs `Run`', 'Runs (runs)', 'run run'), a path set beside
# itself ('`/runs/{run_id}` or `/runs/{run_id}`'), the idiom 'the UI's job is to' turned into
# 'run', runs described as a legacy name of themselves, the engine's run denied. Markup
# (emphasis, code ticks, quotes) is ignored; fenced code is skipped.
_RUN = r"/?(?<![\w\-\u2011])runs?\b"
UNNATURAL = [
    ("doubled", re.compile(r"/?(?<![\w\-\u2010\u2011])(runs?)\b\s*(?:[/&+]|\(or|,\s*and|and|or|vs\.?|versus|and/or)?\s*/?\1\b(?!\s+extraction)"
                           r"|" + _RUN + r"\s*\(" + _RUN + r"\)", re.I)),
    ("doubled", re.compile(r"(`[^`\n]*\bruns?\b[^`\n]*`)\s*(?:,|/|or|and|vs\.?)\s*\1", re.I)),
    ("article", re.compile(r"\ban\s+runs?\b", re.I)),
    ("idiom", re.compile(r"['\u2019]s\s+run\s+is\s+to\b", re.I)),
    ("doubled", re.compile(r"(?<![\w\-\u2010\u2011])run\s+(?:runtime|runner|a\s+run)\b|\brunning\s+runs\b"
                           r"|\brun_run\b|\bruns?\s+that\s+runs\b|\bruns\s+drive\s+actual\s+runs\b", re.I)),
    ("legacy", re.compile(r"(?:still|currently)\s+(?:use[sd]?\s+|under\s+|backed\s+by\s+)?/runs\b|legacy\s+(?:path|naming)[^.\n]*\bruns?\b"
                          r"|\bruns?\b[^.\n]*legacy\s+(?:path|naming)|conceptually\s+these\s+are\s+runs", re.I)),
    ("engine", re.compile(r"no\s+first.class\s+run\s+concept|backend\s+runs?\b[^.\n]*\bone\s+or\s+many\s+runs"
                          r"|\bruns\s+in\s+parallel\s+across\s+backend\s+runs", re.I)),
]
_MARKUP = re.compile(r"[*`\u201c\u201d\"]|(?<!\w)_|_(?!\w)")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")


def unnatural_lines(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, line text) of every prose line that reads wrong (see UNNATURAL).
    Fenced code is skipped, except a ```markdown fence (a Markdown file quoted in a bundle) and a
    ```mermaid diagram (its labels are prose)."""
    out: list[tuple[int, str, str]] = []
    fence: tuple[str, int, bool] | None = None  # char, length, is code
    for no, line in enumerate(text.splitlines(), 1):
        m = _FENCE.match(line)
        if m:
            mark, info = m.group(1), m.group(2).lower()
            if fence is None:
                fence = (mark[0], len(mark), info not in ("markdown", "md", "mermaid"))
                continue
            if mark[0] == fence[0] and len(mark) >= fence[1] and not info:
                fence = None
                continue
        if fence is not None and fence[2]:
            continue
        for kind, rx in UNNATURAL:
            hay = line if kind == "doubled" and "`" in rx.pattern else _MARKUP.sub("", line)
            if rx.search(hay):
                out.append((no, kind, line.strip()))
                break
    return out


def count_unnatural(root: Path) -> dict:
    items = []
    for rel in md_files(root):
        try:
            text = decode((root / rel).read_bytes()).text
        except Exception:
            continue
        items += [{"file": rel, "line": no, "kind": kind, "text": line} for no, kind, line in unnatural_lines(text)]
    return {"unnatural": len(items), "items": items}


def count_clashes(root: Path) -> dict:
    """Prose clashes ('runs and runs', 'run run') a plan would produce, without and with the phrases."""
    import dataclasses

    from runsmig.runner import run

    recipe = load_recipe(None)
    out = {}
    for label, rec in (("without_phrases", dataclasses.replace(recipe, phrases=())), ("with_phrases", recipe)):
        res = run(root, rec, workers=1)  # workers reload the recipe from its file: stay in-process
        found = [f for o in res.outcomes for f in o.reported if f.rule == "follow-up" and "rewrite would read" in f.message]
        out[label] = len(found)
        out[label + "_items"] = [f"{f.path}:{f.line}: {f.message}" for f in found]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--list", action="store_true", help="list every broken link")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--clashes", action="store_true", help="count rewrite clashes without and with the recipe phrases")
    ap.add_argument("--prose", action="store_true", help="count prose lines that read wrong after the migration")
    args = ap.parse_args(argv)
    if args.prose:
        res = count_unnatural(Path(args.root).resolve())
        if args.json:
            print(json.dumps(res, indent=1))
            return 0
        print(f"unnatural prose lines: {res['unnatural']}")
        if args.list:
            for it in res["items"]:
                print(f"{it['file']}:{it['line']}: {it['kind']}: {it['text'][:200]}")
        return 0
    if args.clashes:
        res = count_clashes(Path(args.root).resolve())
        print(f"clashes without phrases: {res['without_phrases']}, with phrases: {res['with_phrases']}")
        if args.list:
            for item in res["with_phrases_items"]:
                print(item)
        return 0
    res = check_tree(Path(args.root).resolve())
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"{res['markdown_files']} Markdown files, {res['links']} links, {res['intra_repo_links']} intra-repo; "
          f"broken: {res['broken']} ({res['broken_files']} missing file, {res['broken_anchors']} missing anchor)")
    if args.list:
        for b in res["items"]:
            print(f"{b['file']}:{b['line']}: {b['problem']}: {b['link']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
