"""Markdown: prose, headings and their anchors, links, inline code, code fences.

markdown-it-py gives the block structure with line ranges; each inline
content is aligned back to source columns (:mod:`.embed`) and scanned for
code spans, links, HTML and bare URLs; everything else is prose (recipe
phrases, then the term map, then a clash check). Code fences go to the
language registered for their info string. Links to renamed files are
re-pointed; anchors into rewritten headings (in this or another file) are
recomputed; a link that resolves now and would not after the change is
reported (``rule="link"``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from runsmig import deps
from runsmig.findings import Analysis, Edit, Finding, apply_edits, dedupe_edits
from runsmig.languages.base import FileContext, Language
from runsmig.languages.markdown import anchors as A
from runsmig.languages.markdown.embed import FENCE_EXT, Segment, align, analyze_embedded
from runsmig.languages.markdown.prose import is_clash, prose_edits

CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^\s<>]*)>")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s+[^<>]*?)?/?>|<!--.*?-->", re.S)
ATTR_LINK = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]`]+|\bwww\.[^\s<>()\[\]`]+")
REF_DEF = re.compile(r"^[ \t>]*\[((?:[^\]\\]|\\.)+)\]:[ \t]*(<[^>\n]*>|\S+)(?:[ \t]+(\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$")


@dataclass
class Piece:
    kind: str  # prose, code, link, html, url
    start: int  # content offsets
    end: int
    dest: tuple[int, int] | None = None  # link destination span (content offsets)


def _link_dest(c: str, i: int) -> tuple[int, int, int] | None:
    """At c[i] == '(' after ']': (dest_start, dest_end, close_paren_end) or None."""
    n = len(c)
    j = i + 1
    while j < n and c[j] in " \t\n":
        j += 1
    if j < n and c[j] == "<":
        k = c.find(">", j)
        if k < 0:
            return None
        ds, de = j + 1, k
        j = k + 1
    else:
        ds = j
        depth = 0
        while j < n and not c[j].isspace():
            if c[j] == "\\":
                j += 2
                continue
            if c[j] == "(":
                depth += 1
            elif c[j] == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        de = j
    while j < n and c[j] in " \t\n":
        j += 1
    if j < n and c[j] in "\"'(":
        close = {"\"": "\"", "'": "'", "(": ")"}[c[j]]
        k = c.find(close, j + 1)
        if k < 0:
            return None
        j = k + 1
        while j < n and c[j] in " \t\n":
            j += 1
    if j < n and c[j] == ")":
        return ds, de, j + 1
    return None


def scan_inline(c: str) -> list[Piece]:
    """Split inline content into prose, code spans, link destinations, HTML tags and URLs."""
    special: list[Piece] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in CODE_SPAN.finditer(c):
        special.append(Piece("code", m.start(), m.end()))
        taken.append(m.span())
    for m in AUTOLINK.finditer(c):
        if free(*m.span()):
            special.append(Piece("url", m.start(), m.end()))
            taken.append(m.span())
    for m in HTML_TAG.finditer(c):
        if free(*m.span()):
            special.append(Piece("html", m.start(), m.end()))
            taken.append(m.span())
    i = 0
    while True:
        i = c.find("](", i)
        if i < 0:
            break
        if not free(i, i + 2):
            i += 2
            continue
        d = _link_dest(c, i + 1)
        if d is None or not free(i + 1, d[2]):
            i += 2
            continue
        special.append(Piece("link", i + 1, d[2], (d[0], d[1])))
        taken.append((i + 1, d[2]))
        i = d[2]
    for m in BARE_URL.finditer(c):
        if free(*m.span()):
            special.append(Piece("url", m.start(), m.end()))
            taken.append(m.span())
    special.sort(key=lambda p: p.start)
    out: list[Piece] = []
    pos = 0
    for p in special:
        if p.start > pos:
            out.append(Piece("prose", pos, p.start))
        out.append(p)
        pos = p.end
    if pos < len(c):
        out.append(Piece("prose", pos, len(c)))
    return out


# -- trees and anchors -----------------------------------------------------------
_TREES: dict = {}
_INFO: dict = {}


# the questions links ask of the file list (runsmig.listing answers them again)
BEFORE, AFTER, LOCATION, DISK = "markdown:before", "markdown:after", "markdown:location", "markdown:disk"


def _trees(files: frozenset[str], moves: dict[str, str], deletes: frozenset[str]) -> tuple[A.Tree, A.Tree]:
    key = (id(files), id(moves), id(deletes))
    hit = _TREES.get(key)
    if hit is not None and hit[0] is files and hit[1] is moves and hit[2] is deletes:
        return hit[3], hit[4]
    before = A.Tree(files)
    after = A.Tree(moves.get(f, f) for f in files if f not in deletes)
    _TREES.clear()
    _TREES[key] = (files, moves, deletes, before, after)
    return before, after


class _Asked:
    """A tree whose answers are recorded questions."""

    def __init__(self, tree: A.Tree, kind: str) -> None:
        self.tree, self.kind = tree, kind

    def exists(self, rel: str) -> bool:
        found = self.tree.exists(rel)
        deps.asked(self.kind, rel, "1" if found else "0")
        return found


def trees(ctx: FileContext) -> tuple[_Asked, _Asked]:
    """The files and folders before and after the change, for link resolution."""
    before, after = _trees(ctx.all_files, ctx.moves, ctx.deletes)
    return _Asked(before, BEFORE), _Asked(after, AFTER)


def on_disk(root, rel: str) -> bool:
    """Is there anything at ``rel`` in the work tree (listed or not)?"""
    found = (root / rel).exists()
    deps.asked(DISK, rel, "1" if found else "0")
    return found


def new_location(before: A.Tree, moves: dict[str, str], deletes, target: str) -> tuple[str, bool]:
    """Where a link target (a file or a folder of the ``before`` tree) is after the change, and
    whether it is gone. A folder goes where the first of its files that moves (by path) goes."""
    t = target.rstrip("/")
    if t in before.files:
        if t in deletes:
            return t, True
        return moves.get(t, t), False
    prefix = t + "/" if t else ""
    under = list(before.under(prefix))
    if under and all(f in deletes for f in under):
        return t, True
    for f in under:
        if f in moves:
            suffix = f[len(prefix):]
            nf = moves[f]
            if nf.endswith("/" + suffix):
                return nf[: -len(suffix) - 1] + ("/" if target.endswith("/") else ""), False
    return target, False


def answer(kind: str, question: str, view) -> str | None:
    """What ``view`` (runsmig.listing.View) answers to a question a link recorded (None: not ours)."""
    if kind in (BEFORE, AFTER):
        before, after = _trees(view.files, view.moves, view.deletes)
        return "1" if (before if kind == BEFORE else after).exists(question) else "0"
    if kind == LOCATION:
        before, _ = _trees(view.files, view.moves, view.deletes)
        return json.dumps(list(new_location(before, view.moves, view.deletes, question)))
    if kind == DISK:
        return "1" if (view.root / question).exists() else "0"
    return None


def _filtered(ctx: FileContext, edits: list[Edit]) -> list[Edit]:
    """The edits the runner will keep (suppressed and allowlisted lines dropped)."""
    from runsmig.runner import suppressed_lines

    quiet = suppressed_lines(ctx.text)
    out = []
    for e in dedupe_edits(edits):
        f = e.finding
        if f is not None:
            if f.line in quiet:
                continue
            allow = ctx.recipe.allow_for(ctx.rel, ctx.index.line_text(f.line), f.kind)
            if allow is not None and not allow.rewrite:
                continue
        out.append(e)
    return out


@dataclass
class MdInfo:
    old: list[str]
    new: list[str]
    amap: dict[str, str] = field(default_factory=dict)  # old anchor (lowercase) -> new anchor


def _info_from(ctx: FileContext, content_edits: list[Edit]) -> MdInfo:
    old = A.anchors(ctx.text)
    if ctx.recipe.allow_for_file(ctx.rel) is not None:
        new = old
    else:
        try:
            new = A.anchors(apply_edits(ctx.text, _filtered(ctx, content_edits)))
        except Exception:
            new = old
    info = MdInfo(old, new)
    if len(old) == len(new):
        for o, n in zip(old, new):
            info.amap.setdefault(o.lower(), n)
    return info


def md_info(ctx: FileContext, rel: str) -> MdInfo | None:
    """Anchors of a Markdown file before and after the change (cached per run)."""
    if rel == ctx.rel:
        return None
    deps.note(rel)
    try:
        st = (ctx.root / rel).stat()
    except OSError:
        return None
    key = (str(ctx.root), rel, id(ctx.recipe), st.st_mtime_ns, st.st_size)
    if key in _INFO:
        return _INFO[key]
    info = None
    try:
        from runsmig.textio import decode, read_file

        data = read_file(ctx.root / rel)
        text = decode(data).text
        sub = FileContext(ctx.root, rel, ctx.moves.get(rel, rel), text, ctx.engine, ctx.recipe,
                          ctx.moves, ctx.deletes, ctx.all_files)
        edits, _ = MarkdownAnalyzer(sub, anchors_only=True).content()
        info = _info_from(sub, edits)
    except Exception:
        info = None
    if len(_INFO) > 2000:
        _INFO.clear()
    _INFO[key] = info
    return info


# -- the analyzer ----------------------------------------------------------------
class MarkdownAnalyzer:
    def __init__(self, ctx: FileContext, anchors_only: bool = False):
        self.ctx = ctx
        self.anchors_only = anchors_only  # code cannot change an anchor: skip it
        self.text = ctx.text
        self.starts = ctx.index.starts
        self.edits: list[Edit] = []
        self.findings: list[Finding] = []
        self.links: list[tuple[int, int, str]] = []  # source span of a link destination, its text
        self.covered: set[int] = set()  # 0-based lines handled
        self.cursor: dict[int, int] = {}
        self.fence_no = 0
        self.resolved: list[tuple[int, int]] = []  # link destinations that named a file or folder here

    # offsets
    def line_span(self, a: int, b: int) -> tuple[int, int]:
        s = self.starts[a] if a < len(self.starts) else len(self.text)
        e = self.starts[b] if b < len(self.starts) else len(self.text)
        return s, e

    def content(self) -> tuple[list[Edit], list[Finding]]:
        """Edits of everything but link destinations (those need other files' anchors)."""
        body, fm_lines = A.strip_front_matter(self.text)
        if fm_lines:
            self._front_matter(fm_lines)
        toks = A.parser().parse(body)
        for i, t in enumerate(toks):
            if t.type == "inline" and t.map:
                self._inline(t)
            elif t.type == "fence" and t.map:
                if self.anchors_only:
                    self.covered.update(range(t.map[0], t.map[1]))
                else:
                    self._fence(t)
            elif t.type == "code_block" and t.map:
                s, e = self.line_span(t.map[0], t.map[1])
                self.edits.extend(self.ctx.term_edits(s, e, "code"))
                self.covered.update(range(t.map[0], t.map[1]))
            elif t.type == "html_block" and t.map:
                self._html_block(t)
            elif t.type == "hr" and t.map:
                self.covered.update(range(t.map[0], t.map[1]))
        self._rest()
        self._follow_ids()
        return self.edits, self.findings

    def _follow_ids(self) -> None:
        """An HTML id shaped from a heading's slug follows that heading's rewrite."""
        ids = [i for i in A.html_ids(self.text) if self.ctx.engine.raw_re.search(i[2])]
        if not ids:
            return
        old = A.heading_slugs(self.text)
        try:
            new = A.heading_slugs(apply_edits(self.text, _filtered(self.ctx, self.edits)))
        except Exception:
            return
        if len(old) != len(new):
            return
        edited = [(e.start, e.end) for e in self.edits]
        for s, e, ident in ids:
            if any(a < e and s < b for a, b in edited):
                continue
            for o, n in zip(old, new):
                if o == n:
                    continue
                hit = next((shape(n) for shape in A.ID_SHAPES if shape(o) == ident), None)
                if hit is not None and hit != ident:
                    f = self.ctx.finding(s, e, "path", hit, "term", f"anchor id '{ident}' follows its heading -> '{hit}'")
                    self.edits.append(Edit(s, e, hit, f))
                    break

    def _front_matter(self, n: int) -> None:
        s, e = self.line_span(1, n - 1)
        seg = align(self.text, self.starts, 1, self.text[s:e].replace("\r\n", "\n").rstrip("\n"))
        if seg is not None:
            ed, fd = analyze_embedded(self.ctx, seg, f"{self.ctx.rel}~front-matter/front.yaml", "config-value")
            self.edits.extend(ed)
            self.findings.extend(fd)
        self.covered.update(range(0, n))

    def _inline(self, t) -> None:
        seg = align(self.text, self.starts, t.map[0], t.content, self.cursor)
        lines = range(t.map[0], t.map[1])
        if seg is None:
            # cannot map columns (e.g. tabs expanded): plain prose over the source lines
            s, e = self.line_span(t.map[0], t.map[1])
            self.edits.extend(self.ctx.term_edits(s, e, "prose"))
            self.covered.update(lines)
            return
        self.covered.update(lines)
        self._pieces(seg, scan_inline(t.content))

    def _pieces(self, seg: Segment, pieces: list[Piece]) -> None:
        ctx = self.ctx
        first_edit, first_finding = len(self.edits), len(self.findings)
        for p in pieces:
            a, b = seg.to_source(p.start), seg.to_source(p.end)
            if p.kind == "prose":
                ed, fd = prose_edits(ctx, a, b, "prose")
                self.edits.extend(ed)
                self.findings.extend(fd)
            elif p.kind == "code":
                self.edits.extend(ctx.term_edits(a, b, "code"))
            elif p.kind == "link":
                ds, de = p.dest
                sa, sb = seg.to_source(ds), seg.to_source(de)
                self.links.append((sa, sb, self.text[sa:sb]))
                # the title, if any, is prose
                if seg.to_source(p.end) - sb > 2:
                    ed, fd = prose_edits(ctx, sb, b - 1, "prose")
                    self.edits.extend(ed)
                    self.findings.extend(fd)
            elif p.kind == "html":
                self._html(a, b)
            elif p.kind == "url":
                self._external(a, b)
        if len(pieces) > 1 and any(p.kind == "prose" for p in pieces):
            self._clashes_across(seg.to_source(pieces[0].start), seg.to_source(pieces[-1].end), first_edit,
                                 first_finding)

    def _clashes_across(self, start: int, end: int, first_edit: int, first_finding: int) -> None:
        """A clash the rewrite makes across the pieces of one paragraph ("a run of `runName` gets
        run": prose, code, prose), which no piece sees alone: kept whole and reported, as within one."""
        from runsmig.languages.markdown.prose import clash_findings, reworded

        mine = self.edits[first_edit:]
        if not mine:
            return
        seen = [(self.ctx.index.offset(f.line, f.col), len(f.text)) for f in self.findings[first_finding:] if is_clash(f)]
        seen = [(a, a + n) for a, n in seen]
        found = [f for f in clash_findings(self.ctx, start, end, mine, "prose")
                 if not any(a < self.ctx.index.offset(f.line, f.col) + len(f.text) and
                            self.ctx.index.offset(f.line, f.col) < b for a, b in seen)]
        if not found:
            return
        mine, found = reworded(self.ctx, start, end, mine, found, "prose")
        spans = [(self.ctx.index.offset(f.line, f.col), self.ctx.index.offset(f.line, f.col) + len(f.text))
                 for f in found]
        self.edits[first_edit:] = [e for e in mine if not any(a < e.end and e.start < b for a, b in spans)]
        self.findings.extend(found)

    def _html(self, a: int, b: int) -> None:
        """An HTML tag: href/src values are links, other attribute values are prose words."""
        chunk = self.text[a:b]
        pos = 0
        for m in ATTR_LINK.finditer(chunk):
            g = 1 if m.group(1) is not None else 2
            ds, de = a + m.start(g), a + m.end(g)
            self.edits.extend(self.ctx.term_edits(a + pos, ds, "prose"))
            self.links.append((ds, de, self.text[ds:de]))
            pos = m.end(g)
        self.edits.extend(self.ctx.term_edits(a + pos, b, "prose"))

    def _html_block(self, t) -> None:
        s, e = self.line_span(t.map[0], t.map[1])
        self.covered.update(range(t.map[0], t.map[1]))
        chunk = self.text[s:e]
        pos = 0
        for m in HTML_TAG.finditer(chunk):
            if m.start() > pos:
                self._prose_text(s + pos, s + m.start())
            if m.group(0).startswith("<!--"):
                ed, fd = prose_edits(self.ctx, s + m.start(), s + m.end(), "comment")
                self.edits.extend(ed)
                self.findings.extend(fd)
            else:
                self._html(s + m.start(), s + m.end())
            pos = m.end()
        if pos < len(chunk):
            self._prose_text(s + pos, e)

    def _prose_text(self, a: int, b: int) -> None:
        """Text between HTML tags: Markdown inline rules still apply on GitHub for many blocks."""
        c = self.text[a:b]
        for p in scan_inline(c):
            pa, pb = a + p.start, a + p.end
            if p.kind == "prose":
                ed, fd = prose_edits(self.ctx, pa, pb, "prose")
                self.edits.extend(ed)
                self.findings.extend(fd)
            elif p.kind == "code":
                self.edits.extend(self.ctx.term_edits(pa, pb, "code"))
            elif p.kind == "link":
                ds, de = a + p.dest[0], a + p.dest[1]
                self.links.append((ds, de, self.text[ds:de]))
            elif p.kind == "html":
                self._html(pa, pb)
            elif p.kind == "url":
                self._external(pa, pb)

    def _external(self, a: int, b: int) -> None:
        for m in self.ctx.engine.find(self.text[a:b]):
            self.findings.append(self.ctx.finding(a, b, "path", None, "external",
                                                  "external URL carries the term; left as it is"))
            break

    def _fence(self, t) -> None:
        first, last = t.map[0], t.map[1]
        self.covered.update(range(first, last))
        info = (t.info or "").strip().strip("{}").split()
        lang = info[0].lower().lstrip(".") if info else ""
        content = t.content[:-1] if t.content.endswith("\n") else t.content
        if not content:
            return
        seg = align(self.text, self.starts, first + 1, content)
        if seg is None:
            s, e = self.line_span(first + 1, last)
            self.edits.extend(self.ctx.term_edits(s, e, "code"))
            return
        self.fence_no += 1
        ext = FENCE_EXT.get(lang)
        if ext is None:
            ed, fd = analyze_embedded(self.ctx, seg, f"{self.ctx.rel}~fence{self.fence_no}/snippet.txt-code", "code")
        else:
            # a Markdown snippet inside Markdown is prose: its follow-ups (clashes) stay
            ed, fd = analyze_embedded(self.ctx, seg, f"{self.ctx.rel}~fence{self.fence_no}/snippet{ext}", "code",
                                      doc_snippet=ext != ".md")
        self.edits.extend(ed)
        self.findings.extend(fd)

    def _rest(self) -> None:
        """Lines no token covers: link reference definitions, and anything else as prose."""
        for ln in range(len(self.starts)):
            if ln in self.covered:
                continue
            s, e = self.line_span(ln, ln + 1)
            line = self.text[s:e].rstrip("\r\n")
            if not line.strip():
                continue
            m = REF_DEF.match(line)
            if m:
                self.edits.extend(self.ctx.term_edits(s + m.start(1), s + m.end(1), "prose"))
                g = m.group(2)
                ds = s + m.start(2) + (1 if g.startswith("<") else 0)
                de = s + m.end(2) - (1 if g.startswith("<") else 0)
                self.links.append((ds, de, self.text[ds:de]))
                if m.group(3):
                    ed, fd = prose_edits(self.ctx, s + m.start(3), s + m.end(3), "prose")
                    self.edits.extend(ed)
                    self.findings.extend(fd)
                continue
            self.edits.extend(self.ctx.term_edits(s, s + len(line), "prose"))

    # -- links ---------------------------------------------------------------
    def link_edits(self, own: Callable[[], MdInfo]) -> None:
        """``own()``: this file's anchors before and after the change (worked out only for a link
        into the file itself: it parses the file twice more)."""
        ctx = self.ctx
        before, after = trees(ctx)
        for sa, sb, dest in self.links:
            self._existed = False
            new, problem = self._relink(dest, own, before, after)
            if self._existed:
                self.resolved.append((sa, sb))
            if new is not None and new != dest:
                rule = "term" if ctx.engine.raw_re.search(dest) else "link"
                f = ctx.finding(sa, sb, "path", new, rule, f"link '{dest}' -> '{new}'")
                self.edits.append(Edit(sa, sb, new, f))
            if problem:
                self.findings.append(ctx.finding(sa, sb, "path", None, "link", problem))
            elif (new is None or new == dest) and ctx.engine.raw_re.search(dest):
                # the stem stays in a link on purpose: say so (info, like a third-party name)
                why = ("external URL carries the term; left as it is" if A.is_external(dest)
                       else f"link '{dest}' left as it is: its target keeps its name, or it did not resolve before")
                self.findings.append(ctx.finding(sa, sb, "path", None, "external", why))

    def _relink(self, dest: str, own: Callable[[], MdInfo], before, after) -> tuple[str | None, str | None]:
        ctx = self.ctx
        if not dest or A.is_external(dest):
            if dest and ctx.engine.find(dest):
                return None, None
            return None, None
        path, frag = A.split_dest(dest)
        if path:
            target = A.resolve(ctx.rel, path)
            if target is None:
                return None, None
        else:
            target = ctx.rel
        # (its own name: it is there; anything else is asked of the file list before the disk)
        existed = not target or target == ctx.rel or before.exists(target) or on_disk(ctx.root, target)
        self._existed = existed
        if not existed:
            # broken before the change: not ours to check; keep the words consistent
            return (ctx.engine.rewrite(dest) if ctx.engine.find(dest) else None), None
        tracked = before.exists(target)
        new_target, gone = self._new_location(target) if tracked else (target, False)
        if gone:
            # the term map's name for it may exist after the change (features/jobs/ -> features/runs/)
            alt = ctx.engine.rewrite(path) if path else path
            alt_target = A.resolve(ctx.rel, alt) if alt != path else None
            if alt_target is not None and after.exists(alt_target):
                if ctx.new_rel != ctx.rel:
                    alt = A.relative(ctx.new_rel, alt_target, path)
                return alt + ("#" + ctx.engine.rewrite(frag) if frag is not None else ""), None
            return None, f"link '{dest}' points at '{target}', which the recipe deletes: re-point or remove it"
        new_path = path
        if path and (new_target != target or ctx.new_rel != ctx.rel):
            new_path = A.relative(ctx.new_rel, new_target, path)
            if not path.startswith("./") and new_path.startswith("./"):
                new_path = new_path[2:]
            if " " in new_path and " " not in path:
                new_path = new_path.replace(" ", "%20")
        new_frag = frag
        is_md = target.lower().endswith(A.MD_SUFFIXES) or target == ctx.rel
        anchors_ok_before = True
        info = own() if target == ctx.rel else (md_info(ctx, target) if is_md else None)
        if frag is not None and info is not None:
            if A.fragment_matches(frag, info.old):
                mapped = info.amap.get(A.unquote(frag).lower())
                if mapped is not None and mapped.lower() != A.unquote(frag).lower():
                    new_frag = mapped
            else:
                anchors_ok_before = False
                if ctx.engine.find(frag):
                    new_frag = ctx.engine.rewrite(frag)
        elif frag is not None and ctx.engine.find(frag):
            new_frag = frag if re.fullmatch(r"L\d+(-L\d+)?", frag) else ctx.engine.rewrite(frag)
        new = new_path + ("#" + new_frag if new_frag is not None else "")
        # would it still resolve?
        problem = None
        if tracked and not after.exists(new_target):
            problem = f"link '{dest}' would no longer resolve after the change (target '{new_target}')"
        elif frag and info is not None and anchors_ok_before and not A.fragment_matches(new_frag, info.new):
            problem = f"link '{dest}' would lose its anchor after the change (now '#{new_frag}')"
        return new, problem

    def _new_location(self, target: str) -> tuple[str, bool]:
        ctx = self.ctx
        found = new_location(_trees(ctx.all_files, ctx.moves, ctx.deletes)[0], ctx.moves, ctx.deletes, target)
        deps.asked(LOCATION, target, json.dumps(list(found)))
        return found


class Markdown(Language):
    name = "markdown"
    patterns = ("*.md", "*.markdown")
    priority = 10
    listing_queries = True  # links ask recorded questions (BEFORE, AFTER, LOCATION, DISK)

    def analyze(self, ctx: FileContext) -> Analysis:
        an = MarkdownAnalyzer(ctx)
        edits, _ = an.content()
        an.link_edits(cache(lambda: _info_from(ctx, list(edits))))
        return Analysis(edits=an.edits, findings=an.findings, references=an.resolved)


LANGUAGE = Markdown()
