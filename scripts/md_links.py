#!/usr/bin/env python
"""Count broken intra-repo Markdown links and anchors in a tree.

    python scripts/md_links.py [ROOT] [--list] [--json]
    python scripts/md_links.py [ROOT] --clashes   # rewrite clashes without / with the recipe phrases

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

from runsmig.languages import md_anchors as A
from runsmig.languages.base import FileContext
from runsmig.languages.markdown import MarkdownAnalyzer
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


def count_clashes(root: Path) -> dict:
    """Prose clashes ('runs and runs', 'run run') a plan would produce, without and with the phrases."""
    import dataclasses

    from runsmig.runner import run

    recipe = load_recipe(None)
    out = {}
    for label, rec in (("without_phrases", dataclasses.replace(recipe, phrases=())), ("with_phrases", recipe)):
        res = run(root, rec, workers=1)  # workers reload the recipe from its file: stay in-process
        found = [f for o in res.outcomes for f in o.reported if f.rule == "follow-up" and f.message.startswith("rewrite reads")]
        out[label] = len(found)
        out[label + "_items"] = [f"{f.path}:{f.line}: {f.message}" for f in found]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--list", action="store_true", help="list every broken link")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--clashes", action="store_true", help="count rewrite clashes without and with the recipe phrases")
    args = ap.parse_args(argv)
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
