"""TypeScript, TSX and JavaScript through ast-grep-py (tree-sitter).

What it rewrites (each edit is a narrow span inside one syntax leaf, so the tree
keeps its shape):

* identifiers of every kind (``jobId``, ``JobRecord``, ``#jobs``, JSX tag names) -> kind ``identifier``
* string and template literal parts (API routes such as ``/workspaces/${id}/jobs``,
  query keys, CSV file names, JSX attribute values) -> kind ``string``
* comments -> ``comment``; JSX text -> ``prose``
* import specifiers (``import``/``export … from``, ``import()``, ``require()``,
  ``vi.mock()`` …) -> kind ``code``: not by the term map but by module
  resolution (:mod:`runsmig.languages.typescript.modules`): a specifier that denotes a
  moving module gets the module's new path; one that denotes a deleted module
  becomes a ``follow-up``; a move that makes a module path ambiguous is a ``conflict``.

Comments and JSX text go through :func:`runsmig.languages.markdown.prose.prose_edits`
(recipe phrases first; "runs and runs" clashes become follow-ups).

Safety (see :mod:`runsmig.languages.typescript.collisions`): a rename that would make two
members of one interface/object/class/enum one keeps that key and reports a
``conflict``; one that would redeclare a name in a scope leaves the file as it is
(failed); one that would change what a name refers to (an inner declaration of the new
name captures a use, or the renamed binding hides an outer one: :mod:`runsmig.languages.typescript.scopes`)
keeps that binding's name, all its uses with it, and reports a ``conflict``. A file that does not parse (ERROR or MISSING nodes) is reported and
left as it is; so is a file whose rewrite would not parse. A moving module that
is left as it is (any of these) does not move, and its importers keep their
specifier and the names they import from it.

Names that come from a third-party package are never renamed: what an import,
``require()`` or ``import()`` of a package binds, the members reached through it
(also through a variable assigned from a call on it) and the option keys passed
to it (:mod:`runsmig.languages.typescript.externals`); each is reported once per file as
``external``. In an embedded snippet (a Markdown fence, ``ctx.rel`` not a real
file) an import that resolves nowhere is rewritten as text, and the package
imports of the earlier fences of the same file count as imported.
"""

from __future__ import annotations

import bisect
import itertools
import re

from runsmig import deps
from runsmig.envnames import message as env_message
from runsmig.envnames import tool_of
from runsmig.findings import UNREAD_DECLARATIONS, Analysis, Edit, Finding, apply_edits, dedupe_edits
from runsmig.languages.base import FileContext, Language
from runsmig.languages.markdown.prose import prose_edits
from runsmig.languages.typescript.collisions import (
    Renames,
    declaration_collisions,
    member_collisions,
)
from runsmig.languages.typescript.externals import SNIPPET, Externals, find_externals
from runsmig.languages.typescript.modules import Resolved, listed, module_index
from runsmig.languages.typescript.offsets import NodeSpans
from runsmig.languages.typescript.scopes import SHORTHAND, captures
from runsmig.paths import explicit_moves
from runsmig.recipe.sections.stored import keeps_stored, migrates_stored
from runsmig.textio import DecodeFailure, decode, read_file

GRAMMARS = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".snap": "javascript",  # jest/vitest snapshots: CommonJS that assigns `exports[...]`
}

IDENTIFIER_KINDS = (
    "identifier", "property_identifier", "type_identifier", "shorthand_property_identifier",
    "shorthand_property_identifier_pattern", "private_property_identifier", "statement_identifier",
)
LEAF_KINDS = {
    **{k: "identifier" for k in IDENTIFIER_KINDS},
    "string_fragment": "string",
    "regex_pattern": "string",
    "comment": "comment",
    "html_comment": "comment",
    "hash_bang_line": "comment",
    "jsx_text": "prose",
}
# calls whose first argument is a module specifier: import("x"), require("x"), vi.mock("x"), …
SPECIFIER_METHODS = {
    "mock", "doMock", "unmock", "doUnmock", "importActual", "importMock", "requireActual",
    "requireMock", "setMock", "resolve",
}


def _rust_escape(s: str) -> str:
    return re.sub(r"([\\.+*?()|\[\]{}^$#&\-~])", r"\\\1", s)


class TypeScript(Language):
    name = "typescript"
    patterns = ("*.ts", "*.tsx", "*.mts", "*.cts", "*.js", "*.jsx", "*.mjs", "*.cjs",
                "**/__snapshots__/*.snap", "*.js.snap", "*.jsx.snap", "*.ts.snap", "*.tsx.snap")
    priority = 10
    # the file list only through recorded questions (modules.PROBE, LISTED), package.json and
    # tsconfig files (in every result's context), and module moves (then all of it)
    listing_queries = True

    def grammar(self, rel: str) -> str:
        low = rel.lower()
        for ext, grammar in GRAMMARS.items():
            if low.endswith(ext):
                return grammar
        return "typescript"

    def analyze(self, ctx: FileContext) -> Analysis:
        try:
            return _analyze(ctx, self.grammar(ctx.rel))
        except Exception as exc:  # never raise: the file is reported and left alone
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return Analysis(failed=f"typescript transformer error: {type(exc).__name__}: {first}")


def _parse(text: str, grammar: str):
    """The tree of ``text``; when it does not parse only because of ``typeof import('pkg')`` type
    arguments, the tree of the text with those read as ``typeof`` a name (:mod:`typeimports`)."""
    from ast_grep_py import SgRoot

    from runsmig.languages.typescript.typeimports import masked

    root = SgRoot(text, grammar).root()
    if "import" in text and syntax_problem(root) is not None:
        other = masked(text)
        if other is not None:
            alt = SgRoot(other, grammar).root()
            if syntax_problem(alt) is None:
                return alt
    return root


_KINDS: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def kinds_of(grammar: str, kinds) -> tuple[str, ...]:
    """The node kinds among ``kinds`` that this grammar knows (ast-grep rejects unknown ones)."""
    key = (grammar, tuple(kinds))
    if key not in _KINDS:
        root = _parse("", grammar)
        ok = []
        for k in kinds:
            try:
                root.find(kind=k)
                ok.append(k)
            except Exception:
                pass
        _KINDS[key] = tuple(ok)
    return _KINDS[key]


def syntax_problem(root) -> tuple[str, int] | None:
    """(reason, line) for the first ERROR or MISSING node, None for a clean tree."""
    err = root.find(kind="ERROR")
    if err is not None:
        return "syntax error", err.range().start.line + 1
    missing = root.find(regex="^$")
    if missing is not None and missing.kind() != "program":
        return f"syntax error (missing '{missing.kind()}')", missing.range().start.line + 1
    return None


_Offsets = NodeSpans


def _term_regex(ctx: FileContext) -> str:
    words = {t.singular for t in ctx.engine.terms} | set(ctx.engine.symbols)
    return "(?i)(" + "|".join(_rust_escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _specifier_string(node) -> bool:
    """Is this ``string`` (or plain template) node a module specifier?"""
    parent = node.parent()
    if parent is None:
        return False
    pk = parent.kind()
    if pk in ("import_statement", "export_statement", "import_require_clause"):
        return True
    if pk != "arguments":
        return False
    first = next((c for c in parent.children() if c.is_named()), None)
    if first is None or first.range().start.index != node.range().start.index:
        return False
    call = parent.parent()
    if call is None or call.kind() != "call_expression":
        return False
    fn = call.field("function")
    if fn is None:
        return False
    if fn.kind() == "import" or (fn.kind() == "identifier" and fn.text() == "require"):
        return True
    if fn.kind() == "member_expression":
        prop = fn.field("property")
        return prop is not None and prop.text() in SPECIFIER_METHODS and fn.field("object") is not None \
            and fn.field("object").text() in ("vi", "jest", "require")
    return False


def _explicit_moves(ctx: FileContext) -> frozenset[str]:
    return explicit_moves(ctx.recipe, ctx.moves)


def _analyze(ctx: FileContext, grammar: str) -> Analysis:
    text = ctx.text
    root = _parse(text, grammar)
    problem = syntax_problem(root)
    if problem is not None:
        return Analysis(failed=f"does not parse as {grammar}: {problem[0]}", failed_line=problem[1])
    offsets = _Offsets(text)
    index = module_index(ctx.root, ctx.all_files, ctx.moves, ctx.deletes, _explicit_moves(ctx))
    index.local_check = _local_check_for(ctx)
    conflict = index.conflict_of(ctx.rel)
    if conflict is not None:
        # never move onto an ambiguous module path: the file stays where and as it is
        return Analysis(failed=f"module move conflict: {conflict}; resolve it with an explicit "
                               f"paths.rename or paths.delete in the recipe")
    new_rel = index.new_path(ctx.rel)

    edits: list[Edit] = []
    findings: list[Finding] = []
    covered: list[tuple[int, int]] = []

    # 1. module specifiers: resolved, never term-rewritten
    kept_names: dict[str, tuple[str, str]] = {}  # names bound by imports that must not change
    own: list[tuple[int, int]] = []
    for node in root.find_all(any=[{"kind": "string"}, {"kind": "template_string"}]):
        if not _specifier_string(node):
            continue
        a, b = offsets.span(node)
        if b - a < 2 or (node.kind() == "template_string" and "${" in text[a:b]):
            continue
        a, b = a + 1, b - 1
        covered.append((a, b))
        found = index.resolve(ctx.rel, text[a:b])
        if found is not None and found.target is not None:
            own.append((a, b))  # a module of the checkout: its path is followed here
        _specifier(ctx, index, new_rel, node, text[a:b], a, b, edits, findings, kept_names)

    # 2. names from third-party packages: kept
    ext = _externals(ctx, grammar, index, root, offsets)

    # 3. leaves that carry a term; 4. a term anywhere else is reported, not guessed
    term_edits, term_findings, failed = _local(ctx, grammar, root, offsets, covered, kept_names, ext)
    if failed is not None:
        return failed
    edits = dedupe_edits(edits + term_edits)
    seqs = []
    if edits:  # what eslint and jest keep sorted stays sorted (runsmig.languages.order)
        from runsmig.languages.typescript.order import sequences

        try:
            seqs = sequences(text, root, offsets.span, ctx.rel.lower().endswith(".snap"))
        except Exception:  # an unforeseen shape: the order is left as the rewrite makes it
            seqs = []
    analysis = Analysis(edits=edits, findings=findings + term_findings, sequences=seqs, references=own)
    if edits and keeps_stored(ctx.recipe):  # where stored names may be (runsmig.runner.stored decides)
        from runsmig.languages.typescript import stored

        raw = ctx.engine.raw_re
        has_term = lambda a, b: raw.search(text, a, b) is not None  # noqa: E731
        analysis.sql = stored.regions(root, offsets.span, text, has_term)
        analysis.stored = stored.entity_names(root, offsets.span, text, has_term)
        analysis.keys = stored.object_keys(root, offsets.span, has_term)
        analysis.siblings = stored.listed(root, offsets.span, text)
    elif edits and migrates_stored(ctx.recipe):  # SQL run against an older schema keeps its names
        from runsmig.languages.typescript.asof import older_regions

        raw = ctx.engine.raw_re
        analysis.sql = older_regions(root, offsets.span, lambda a, b: raw.search(text, a, b) is not None)
    return analysis


def _externals(ctx: FileContext, grammar: str, index, root, offsets: "_Offsets") -> Externals:
    """What comes from third-party packages (with the earlier fences' imports in a Markdown snippet)."""
    snippet = SNIPPET.get() if not listed(ctx.all_files, ctx.rel) else None
    ext = find_externals(root, offsets.span, lambda spec: index.package_of(ctx.rel, spec),
                         snippet.prelude if snippet is not None else None, lambda ks: kinds_of(grammar, ks),
                         _declares(ctx.root, ctx.rel))
    if snippet is not None:
        snippet.top = ext.top
    return ext


def _declares(root, rel: str):
    """pkg -> the names its type declarations name, as ``rel`` finds them (None: none readable)."""
    from runsmig.languages.typescript.package_types import declared_names

    return lambda pkg: declared_names(root, rel, pkg)


def _local(ctx: FileContext, grammar: str, root, offsets: "_Offsets", covered: list[tuple[int, int]],
           kept_names: dict[str, tuple[str, str]], ext: Externals | None = None,
           ) -> tuple[list[Edit], list[Finding], Analysis | None]:
    """Term edits of one file (no imports), checked for collisions and for parsing."""
    text = ctx.text
    edits: list[Edit] = []
    findings: list[Finding] = []
    given = sorted(covered)  # the import specifiers: looked up by bisection, their reach as a prefix maximum
    given_starts = [x for x, _ in given]
    given_reach = list(itertools.accumulate((y for _, y in given), max))
    covered = list(covered)
    reach = -1  # the furthest end of the leaves taken so far: they come in document order (parents first)
    ext = ext or Externals()
    reported: set[str] = set()
    leaf_rule = {"regex": _term_regex(ctx), "any": [{"kind": k} for k in kinds_of(grammar, LEAF_KINDS)]}
    for node in root.find_all({"rule": leaf_rule}):
        a, b = offsets.span(node)
        i = bisect.bisect_right(given_starts, a) - 1
        if reach >= b or (i >= 0 and given_reach[i] >= b):
            continue  # inside a span already taken (a leaf holding it, or a specifier)
        kind = LEAF_KINDS[node.kind()]
        covered.append((a, b))
        reach = max(reach, b)
        kept = ext.keep.get((a, b))
        mode = ext.expand.get((a, b))
        if kept is not None:  # the package's name: kept, reported once per file
            name, pkg = kept
            if (a, b) in ext.unread and (name, pkg) not in reported:  # not known to be the package's
                reported.add((name, pkg))
                findings.append(ctx.finding(a, b, kind, None, "external",
                                            f"'{name}' is kept as an option of the third-party module '{pkg}', "
                                            f"{UNREAD_DECLARATIONS}"))
            elif name not in reported:
                reported.add(name)
                findings.append(ctx.finding(a, b, kind, None, "external",
                                            f"'{name}' belongs to the third-party module '{pkg}': kept"))
            new = ctx.engine.rewrite(name)
            if mode in ("value", "export") and new != name:  # the user's key or export follows the term map
                repl = f"{new}: {name}" if mode == "value" else f"{name} as {new}"
                edits.append(Edit(a, b, repl, ctx.finding(a, b, "identifier", repl, "term",
                                                          f"'{name}' is kept ({pkg}); the key or export name "
                                                          f"follows the term map")))
            continue
        if mode == "key":  # an option name of a package call: the key stays, the user's variable is renamed
            name = node.text()
            new = ctx.engine.rewrite(name)
            if new != name:
                repl = f"{name}: {new}"
                edits.append(Edit(a, b, repl, ctx.finding(a, b, "identifier", repl, "term",
                                                          f"option key '{name}' of a third-party call is kept; "
                                                          f"its value '{name}' -> '{new}'")))
            continue
        if kind == "identifier" and node.text() in kept_names:
            why_rule, why = kept_names[node.text()]
            for m in ctx.engine.find(node.text()):
                findings.append(ctx.finding(a + m.start, a + m.end, "identifier", m.replacement, why_rule, why))
            continue
        tool = tool_of(node.text()) if kind in ("identifier", "string") else None
        if tool is not None:  # process.env.GITHUB_JOB: another tool's variable (runsmig.envnames)
            findings.append(ctx.finding(a, b, kind, None, "external", env_message(node.text(), tool)))
            continue
        if kind in ("comment", "prose") or kind == "string" and " " in text[a:b]:
            # recipe phrases, then terms; clashes become follow-ups (a string with a space is a
            # message or a label: prose, as in the Python pass)
            ed, fd = prose_edits(ctx, a, b, kind)
            edits.extend(ed)
            findings.extend(fd)
        else:
            edits.extend(ctx.term_edits(a, b, kind))
    covered.sort()
    starts = [c[0] for c in covered]
    for m in ctx.engine.find(text):
        i = bisect.bisect_right(starts, m.start) - 1
        if i < 0 or not (covered[i][0] <= m.start and m.end <= covered[i][1]):
            findings.append(ctx.finding(m.start, m.end, "code", m.replacement, "term",
                                        "term in TypeScript syntax the transformer does not rewrite"))
    edits = dedupe_edits(edits)
    if not edits:
        return edits, findings, None
    # a rename must not make two declarations in one scope one: leave the file as it is
    renames = Renames(text, edits)
    clash = declaration_collisions(root, offsets.span, renames, lambda ks: kinds_of(grammar, ks))
    if clash:
        c = clash[0]
        line = ctx.index.pos(c.start)[0]
        return [], [], Analysis(
            failed=(f"rename collision: '{c.old}' -> '{c.new}' would redeclare '{c.other}' (line {c.other_line}) "
                    f"in the same scope; rename one of them by hand or map it in the recipe's symbols"),
            failed_line=line)
    # nor two members of one interface, object, class or enum: that key keeps its name
    for c in member_collisions(root, offsets.span, renames, lambda ks: kinds_of(grammar, ks)):
        edits = [e for e in edits if not (c.start <= e.start and e.end <= c.end)]
        for m in ctx.engine.find(c.old):
            findings.append(ctx.finding(c.start + m.start, c.start + m.end, "identifier", m.replacement, "conflict",
                                        f"renaming '{c.old}' to '{c.new}' collides with '{c.other}' "
                                        f"(line {c.other_line}) in the same {c.where.replace('_', ' ')}: not renamed"))
    # nor change what a name refers to (an inner declaration of the new name captures a use, or
    # the renamed one hides an outer one): that binding keeps its name, all its uses with it
    edits, kept = _capture_conflicts(ctx, grammar, root, offsets, edits)
    findings += kept
    # the rewrite must parse as cleanly as the original
    problem = syntax_problem(_parse(apply_edits(text, edits), grammar))
    if problem is not None:
        return [], [], Analysis(failed=f"rewrite would not parse as {grammar}: {problem[0]}", failed_line=problem[1])
    return edits, findings, None


def _capture_conflicts(ctx: FileContext, grammar: str, root, offsets: "_Offsets",
                       edits: list[Edit]) -> tuple[list[Edit], list[Finding]]:
    findings: list[Finding] = []
    regex = _term_regex(ctx)
    for _ in range(8):  # keeping a name can only end a capture: a few rounds settle it
        renames = Renames(ctx.text, edits)
        found, spans_of = captures(root, offsets.span, renames, regex, lambda ks: kinds_of(grammar, ks))
        culprits: dict[tuple, tuple[str, int]] = {}
        lone: list = []
        for c in found:
            use_line = ctx.index.pos(c.start)[0]
            mine = [ident for ident in (c.before, c.after) if len(ident) == 2 and any(
                renames.new_text(a, b) != ctx.text[a:b] for a, b in spans_of.get(ident, []))]
            for ident in mine:
                culprits.setdefault(ident, ("a" if ident == c.before else "b", use_line))
            if not mine:
                lone.append(c)  # a name declared nowhere in the file, renamed into a local one
        if not culprits and not lone:
            break
        for c in lone:
            old, new = ctx.text[c.start:c.end], renames.new_text(c.start, c.end)
            edits = [e for e in edits if not (c.start <= e.start and e.end <= c.end)]
            findings.append(ctx.finding(c.start, c.end, "identifier", new, "conflict",
                                        f"renaming '{old}' to '{new}' would make it refer to the '{new}' declared "
                                        f"around it; not renamed"))
        for ident, (how, use_line) in culprits.items():
            places = sorted(set(spans_of.get(ident, [])))
            old = ident[1]
            new = next((renames.new_text(a, b) for a, b in places if renames.new_text(a, b) != old), old)
            why = (f"its use at line {use_line} would refer to another '{new}' declared in an enclosing or "
                   f"enclosed scope" if how == "a" else f"it would hide another '{new}' used at line {use_line}")
            msg = f"renaming '{old}' to '{new}' would change what a name refers to: {why}; not renamed"
            short = set(spans_of.get(SHORTHAND, []))
            keys = {(a, b): renames.new_text(a, b) for a, b in places if (a, b) in short}
            edits = [e for e in edits if not any(a <= e.start and e.end <= b for a, b in places)]
            for (a, b), key in keys.items():  # { jobs } keeps its name, its key follows the term map
                if key != old and ": " not in key:
                    edits.append(Edit(a, b, f"{key}: {old}", ctx.finding(
                        a, b, "identifier", f"{key}: {old}", "term",
                        f"the key '{old}' -> '{key}'; the name '{old}' is kept (a conflict)")))
            for a, b in places:
                for m in ctx.engine.find(old):
                    findings.append(ctx.finding(a + m.start, a + m.end, "identifier", m.replacement, "conflict", msg))
    return edits, findings


def _local_check_for(ctx: FileContext):
    """A function rel -> reason (or None): would this other file be left as it is?"""
    def check(rel: str) -> str | None:
        if ctx.recipe.allow_for_file(rel) is not None:
            return None
        from runsmig.languages import language_for

        lang = language_for(rel)
        if not isinstance(lang, TypeScript):
            return None
        deps.note(rel)
        try:
            dec = decode(read_file(ctx.root / rel))
        except (OSError, DecodeFailure) as exc:
            return f"cannot be read as UTF-8 ({exc})"
        grammar = lang.grammar(rel)
        other = FileContext(ctx.root, rel, rel, dec.text, ctx.engine, ctx.recipe, ctx.moves, ctx.deletes, ctx.all_files)
        root = _parse(dec.text, grammar)
        problem = syntax_problem(root)
        if problem is not None:
            return f"does not parse (line {problem[1]})"
        offsets = _Offsets(dec.text)
        idx = module_index(ctx.root, ctx.all_files, ctx.moves, ctx.deletes, _explicit_moves(ctx))
        ext = find_externals(root, offsets.span, lambda spec: idx.package_of(rel, spec),
                             known=lambda ks: kinds_of(grammar, ks), declares=_declares(ctx.root, rel))
        _, _, failed = _local(other, grammar, root, offsets, [], {}, ext)
        return None if failed is None else failed.failed
    return check


def _specifier(ctx: FileContext, index, new_rel: str, node, spec: str, a: int, b: int,
               edits: list[Edit], findings: list[Finding], kept_names: dict[str, tuple[str, str]]) -> None:
    res: Resolved | None = index.resolve(ctx.rel, spec)
    has_term = bool(ctx.engine.find(spec))
    if res is None:  # a package (its names: .externals), a workspace package or an unknown scheme
        if has_term:
            findings.append(ctx.finding(a, b, "code", None, "external",
                                        f"import of the third-party module '{spec}' carries the term; not rewritten"))
        return
    if res.target is None and not listed(ctx.all_files, ctx.rel):
        # an embedded snippet (a Markdown code fence): its imports are illustrations, rewrite them as text
        edits.extend(ctx.term_edits(a, b, "code"))
        return
    if res.target is None:
        if has_term:
            findings.append(ctx.finding(a, b, "code", None, "follow-up",
                                        f"import '{spec}' does not resolve to a file of the checkout "
                                        f"(a deleted module?): switch it to its replacement by hand"))
        return
    if res.target in ctx.deletes:
        findings.append(ctx.finding(a, b, "code", None, "follow-up",
                                    f"imports '{spec}' ({res.target}), which the recipe deletes: "
                                    f"switch this import to its replacement by hand"))
        return
    conflict = index.conflict_of(res.target)
    stuck = index.stuck(res.target) if conflict is None else None
    if conflict is not None:
        findings.append(ctx.finding(a, b, "code", None, "conflict",
                                    f"imports '{spec}' ({res.target}); {conflict}: the module is not moved"))
    elif stuck is not None:
        findings.append(ctx.finding(a, b, "code", None, "follow-up",
                                    f"imports '{spec}' ({res.target}), which cannot be rewritten ({stuck}): "
                                    f"it stays where and as it is"))
    if conflict is not None or stuck is not None:
        for name in _imported_names(node):  # the module keeps its names, so must this import
            kept_names[name] = ("term", f"'{name}' is imported from '{spec}', which is not rewritten")
    new_spec = index.new_specifier(res, ctx.rel, new_rel)
    if new_spec is None or new_spec == spec:
        return
    rule = "term" if has_term else "link"
    f = ctx.finding(a, b, "code", new_spec, rule, f"import of moved module: '{spec}' -> '{new_spec}'")
    edits.append(Edit(a, b, new_spec, f))


def _imported_names(node) -> list[str]:
    """Local names bound by the import statement that owns this specifier."""
    stmt = node.parent()
    if stmt is None or stmt.kind() != "import_statement":
        return []
    names = []
    for n in stmt.find_all(kind="identifier"):
        names.append(n.text())
    return names


LANGUAGE = TypeScript()
