"""The Python pass over one file: LibCST's parse with positions and scopes, the decisions
(:mod:`.decide`), and narrow edits of names, strings, comments and imports."""

from __future__ import annotations

import ast
import re
from dataclasses import replace

import libcst as cst
from libcst.metadata import PositionProvider, ScopeProvider

from runsmig.envnames import message as env_message
from runsmig.envnames import tool_of
from runsmig.findings import Analysis, Edit, Finding, splice
from runsmig.languages.base import FileContext
from runsmig.languages.markdown.prose import prose_edits
from runsmig.languages.python.decide import Decider, Keep
from runsmig.languages.python.fastvisit import fast_visits
from runsmig.languages.python.imports import ImportRec, analyze_imports
from runsmig.languages.python.members import class_info, missing_uses
from runsmig.languages.python.modules import index_for
from runsmig.languages.python.scan import Scan, chain_names, scan, walk
from runsmig.languages.python.spans import resolve, shared_wrapper
from runsmig.languages.python.targets import target_info
from runsmig.languages.python import task_names
from runsmig.recipe.sections.stored import keeps_stored, migrates_stored

_NL = re.compile(r"\r\n|\r|\n")


def analyze(ctx: FileContext) -> Analysis:
    try:
        module = shared_wrapper(ctx).module
    except cst.ParserSyntaxError as exc:
        return Analysis(failed=f"Python syntax error: {exc.message}", failed_line=exc.raw_line)
    except Exception as exc:  # libcst raises a few other errors on odd input
        return Analysis(failed=f"Python parse error: {type(exc).__name__}: {exc}")
    with fast_visits():
        return _FileRewrite(ctx, module).run()


class _FileRewrite:
    def __init__(self, ctx: FileContext, module: cst.Module):
        self.ctx = ctx
        self.module = module
        # one resolution: resolving positions alone first costs a walk of the tree that visits nothing
        meta = resolve(ctx, PositionProvider, ScopeProvider)
        self.pos = meta[PositionProvider]
        self.scopes = meta[ScopeProvider]
        self.scan: Scan = scan(module)
        self.starts = [0] + [m.end() for m in _NL.finditer(ctx.text)]
        self._reset()

    def _reset(self) -> None:
        """What one pass over the file produces (a second pass starts from nothing)."""
        self.edits: list[Edit] = []
        self.findings: list[Finding] = []
        self.covered: set[int] = set()  # ids of Name nodes handled by an import rewrite
        self._removed: dict[int, int] = {}  # id(block) -> statements removed from it (imports of deleted modules)
        self.covered_spans: list[tuple[int, int, str]] = []  # kept without a finding of their own (Analysis.covered)

    # -- positions --------------------------------------------------------------
    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        r = self.pos[node]
        return self.starts[r.start.line - 1] + r.start.column, self.starts[r.end.line - 1] + r.end.column

    def line_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The whole source lines of ``node`` (indentation and newline included)."""
        r = self.pos[node]
        start = self.starts[r.start.line - 1]
        end = self.starts[r.end.line] if r.end.line < len(self.starts) else len(self.ctx.text)
        return start, end

    # -- the pass -----------------------------------------------------------------
    def run(self) -> Analysis:
        ctx = self.ctx
        idx = index_for(ctx.all_files) if ctx.all_files else index_for(frozenset({ctx.rel}))
        imports = analyze_imports(idx, ctx, self.scan.imports)
        decider = Decider(self.scan, self.scopes, imports, ctx.engine, dict(ctx.engine.symbols),
                          lambda rel, name: target_info(idx, ctx.root, rel or ctx.rel, name))
        decider.run()
        self.keep = decider.keep
        self.notes = decider.notes
        self._name_by_id = {id(n): n for n in self.scan.names}
        self._emit(idx, imports, decider)
        repeats = self._repeated_lines()
        if repeats:
            # Two statements that differ today would read the same after the rename: a conflict.
            # The names that make them equal are kept (all their uses, so the file stays
            # consistent), and the pass runs again; nothing is ever dropped.
            for line, twin in repeats:
                self._keep_line_symbols(line, twin, decider)
            self._reset()
            self._emit(idx, imports, decider)
            for line, twin in repeats:
                s, e = self.span(line.body[0])
                if not any(s <= ed.start < e for ed in self.edits):
                    continue  # its own names were kept: the finding is on them
                self.findings.append(ctx.finding(s, e, "code", None, "conflict",
                                                 f"after the rename this statement repeats line {twin}; "
                                                 "review it by hand (one of the two may be obsolete)"))
        analysis = Analysis(edits=self.edits, findings=self.findings, covered=self.covered_spans,
                            sequences=self._sequences() if self.edits else [])
        if self.edits and keeps_stored(ctx.recipe):
            self._stored_names(analysis)
        elif self.findings and keeps_stored(ctx.recipe):
            # nothing to rename, but a finding may sit on a stored name the model declares (a
            # conflict on db_column="job_name"): the name is kept anyway (runsmig.runner.analyze)
            from runsmig.languages.python import orm

            if orm.applies(ctx.text):
                analysis.stored = orm.stored_spans(ctx, self.scan, self.span)
        elif self.edits and migrates_stored(ctx.recipe) and task_names.applies(ctx.text):
            analysis.findings += task_names.written_out(ctx, self.module, self.span, self.edits, keep=False)[1]
        return analysis

    def _stored_names(self, analysis: Analysis) -> None:
        """Where stored names may be: strings that may be SQL, and the names ORM models declare
        (runsmig.runner.stored keeps them); an implicit column name is written out."""
        from runsmig.languages.python import dictkeys, listed, orm, ormdicts, paramnames, sqltext

        ctx = self.ctx
        analysis.code_names = paramnames.spans(self.module, self.span)
        if ormdicts.applies(ctx.text):  # a dict compared with QuerySet.values(): keyed by field names
            analysis.code_names += ormdicts.spans(self.module, self.span)
        analysis.dict_keys = dictkeys.spans(self.module, self.span)
        analysis.siblings = listed.spans(self.module, self.span)
        raw = ctx.engine.raw_re
        analysis.sql = sqltext.regions(ctx.text, sqltext.outermost(self.module, walk), self.span,
                                       lambda a, b: raw.search(ctx.text, a, b) is not None)
        if orm.applies(ctx.text):
            analysis.stored = orm.stored_spans(ctx, self.scan, self.span)
            analysis.edits += orm.implicit_columns(ctx, self.scan, self.span)
        if "django" in ctx.text:
            from runsmig.languages.python.django_keep import written_out

            analysis.edits += written_out(ctx, self.module, self.span, analysis.edits)
        if task_names.applies(ctx.text):  # a task function's stored name (runsmig.languages.python.task_names)
            analysis.stored += task_names.stored_spans(ctx, self.module, self.span)
            analysis.edits += task_names.written_out(ctx, self.module, self.span, analysis.edits, keep=True)[0]

    def _sequences(self):
        """What isort and ruff keep sorted (runsmig.languages.order puts it back in order)."""
        from runsmig.languages.python.order import sequences

        all_lists = [a.value for a in self.scan.assigns if isinstance(a.value, (cst.List, cst.Tuple))
                     and any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in a.targets)]
        try:
            return sequences(self.ctx.text, self.module, self.scan.imports, all_lists, self.scan.parent, self.span)
        except Exception:  # an unforeseen shape: the order is left as the rewrite makes it
            return []

    def _emit(self, idx, imports: list[ImportRec], decider: Decider) -> None:
        for rec in imports:
            self._import_edits(rec, decider)
        self._member_follow_ups(idx, decider)
        self._name_edits()
        self._string_edits(decider)
        for c in self.scan.comments:
            s, e = self.span(c)
            self._prose(s, e, "comment")
        self._sorted_literals()

    def _prose(self, s: int, e: int, kind: str) -> None:
        """Comments, docstrings and messages: recipe phrases, the term map, and the clash check
        ("run a run", "runs run"): a rewrite that would read badly is kept and reported."""
        edits, clashes = prose_edits(self.ctx, s, e, kind)
        self.edits += edits
        self.findings += clashes

    # -- imports --------------------------------------------------------------------
    def _import_edits(self, rec: ImportRec, decider: Decider) -> None:
        stmt = rec.stmt
        gone = [a for a in rec.aliases if a.status in ("follow-up", "merged")]
        relevel = rec.new_module is not None and rec.new_module[0] != rec.old_module[0]
        if isinstance(stmt, cst.ImportFrom):
            module_names = chain_names(stmt.module)
            if not rec.external and rec.res is not None and rec.res.rel is not None:
                self.covered.update(id(n) for n in module_names)  # the module name follows its file, not the terms
        if gone or relevel:
            self._rewrite_import(rec, gone)
            return
        if isinstance(stmt, cst.ImportFrom) and rec.new_module is not None and stmt.module is not None:
            new = rec.new_module[1]
            old = rec.old_module[1]
            if new != old:
                s, e = self.span(stmt.module)
                self.edits.append(Edit(s, e, new, self.ctx.finding(s, e, "identifier", new, "term",
                                                                    f"import of '{old}' -> '{new}' ({rec.why or 'module moves'})")))
        elif isinstance(stmt, cst.Import):
            for a in rec.aliases:
                if a.new_source and a.new_source != a.source:
                    s, e = self.span(a.alias.name)
                    self.covered.update(id(n) for n in chain_names(a.alias.name))
                    self.edits.append(Edit(s, e, a.new_source, self.ctx.finding(s, e, "identifier", a.new_source, "term",
                                                                                f"import of '{a.source}' -> '{a.new_source}' (module moves)")))

    def _rename_name(self, node: cst.Name) -> cst.Name:
        if id(node) in self.keep:
            return node
        return node.with_changes(value=self.ctx.engine.rewrite(node.value))

    def _rewrite_import(self, rec: ImportRec, gone) -> None:
        stmt = rec.stmt
        kept = [a for a in rec.aliases if a not in gone]
        for n in _names_in(stmt):
            self.covered.add(id(n))
        if not kept:
            self._remove_statement(stmt, f"import removed: {rec.why or 'its names are removed'}")
            return
        aliases = []
        for a in kept:
            name = a.alias.name
            if a.new_source is not None:
                name = cst.parse_expression(a.new_source) if "." in a.new_source else cst.Name(a.new_source)
            elif isinstance(name, cst.Name) and a.status != "external":
                name = self._rename_name(name)
            asname = a.alias.asname
            if asname is not None and isinstance(asname.name, cst.Name):
                asname = asname.with_changes(name=self._rename_name(asname.name))
            aliases.append(a.alias.with_changes(name=name, asname=asname))
        parens = isinstance(stmt, cst.ImportFrom) and stmt.lpar is not None
        if not (parens and isinstance(rec.aliases[-1].alias.comma, cst.Comma)):
            aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if isinstance(stmt, cst.ImportFrom):
            changes: dict = {"names": aliases}
            if rec.new_module is not None:
                level, dotted_name = rec.new_module
                changes["relative"] = [cst.Dot()] * level
                changes["module"] = cst.parse_expression(dotted_name) if dotted_name else None
            new_stmt = stmt.with_changes(**changes)
        else:
            new_stmt = stmt.with_changes(names=aliases)
        code = self.module.code_for_node(new_stmt)
        s, e = self.span(stmt)
        dropped = ", ".join(a.bound for a in gone)
        self.edits.append(Edit(s, e, code, self.ctx.finding(s, e, "identifier", code, "term",
                                                            f"import rewritten ({rec.why or 'duplicate merged'}; dropped: {dropped})")))

    def _remove_statement(self, stmt: cst.CSTNode, message: str) -> None:
        line = self.scan.parent.get(id(stmt))
        block = self.scan.parent.get(id(line)) if line is not None else None
        body = getattr(block, "body", None)
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(body, (list, tuple)):
            removed = self._removed
            count = removed.get(id(block), 0) + 1
            if isinstance(block, cst.Module) or count < len(body):
                removed[id(block)] = count
                s, e = self.line_span(line)
                self.edits.append(Edit(s, e, "", self.ctx.finding(s, e, "identifier", "", "term", message)))
                return
        s, e = self.span(stmt)
        self.edits.append(Edit(s, e, "pass", self.ctx.finding(s, e, "identifier", "pass", "term", message)))

    def _member_follow_ups(self, idx, decider: Decider) -> None:
        """Uses of a class that the recipe's deletion redirects to its counterpart, naming a member
        the counterpart does not declare (see .members). A class that is only renamed keeps all
        its members (they are renamed with it), so a member it lacks was lacking before: not ours."""
        ctx = self.ctx
        seen: set[tuple[int, str]] = set()
        for sym in decider.symbols:
            if sym.assigned or len(sym.aliases) != 1:
                continue
            rec, a = sym.aliases[0]
            if (a.status != "normal" or not a.redirected or rec.source_rel is None
                    or not isinstance(rec.stmt, cst.ImportFrom)):
                continue
            info = class_info(idx, ctx.root, rec.source_rel, a.new_source or a.source)
            if info is None:
                continue
            bindings = {id(n) for n in a.binding_names}
            refs = [n for n in sym.nodes if id(n) not in bindings and id(n) not in self.keep]
            shown = ctx.engine.rewrite(a.bound)
            for use in missing_uses(refs, shown, info, self.scan.parent, ctx.engine.rewrite, decider.symbol_of,
                                    set(self.keep)):
                s, e = self.span(use.node)
                member = ctx.engine.rewrite(use.member)
                if (s, member) in seen:
                    continue  # one finding per place and cause
                seen.add((s, member))
                self.findings.append(ctx.finding(s, e, "identifier", None, "follow-up",
                                                 f"'{shown}' ({rec.source_rel}) has no member '{member}': "
                                                 "rewrite this use by hand"))

    # -- names ------------------------------------------------------------------------
    def _name_edits(self) -> None:
        ctx = self.ctx
        seen_external: set[str] = set()
        first_of_group: dict[int, int] = {}
        for node in self.scan.names:
            if id(node) in self.covered:
                continue
            s, e = self.span(node)
            k = self.keep.get(id(node))
            if k is None:
                self.edits += ctx.term_edits(s, e, "identifier")
                note = self.notes.get(id(node))
                if note is not None:  # renamed with the checkout code it reaches: listed for review
                    self.findings.append(ctx.finding(s, e, "identifier", ctx.engine.rewrite(node.value),
                                                     "follow-up", note))
                continue
            if not ctx.engine.find(node.value) and k.reason != "follow-up":
                continue  # a use of a removed name is listed even when it carries no term (an alias)
            self._report(node.value, s, e, k, seen_external, first_of_group)

    def _report(self, word: str, s: int, e: int, k: Keep, seen_external: set[str], first: dict[int, int]) -> None:
        ctx = self.ctx
        if k.reason == "external":
            if word in seen_external:
                self.covered_spans.append((s, e, "external"))  # reported once per file; counted everywhere
                return
            seen_external.add(word)
            self.findings.append(ctx.finding(s, e, "identifier", None, "external",
                                             f"'{word}' belongs to a third-party module: kept"))
            return
        line = ctx.index.pos(s)[0]
        if k.group in first:
            msg = f"{k.reason}: '{word}' kept (see line {first[k.group]})"
        else:
            first[k.group] = line
            msg = k.message
        repl = k.replacement if k.replacement is not None else ctx.engine.rewrite(word)
        self.findings.append(ctx.finding(s, e, "identifier", repl, k.reason, msg))

    # -- strings ------------------------------------------------------------------------
    def _string_edits(self, decider: Decider) -> None:
        """Strings, f-string text, docstrings. In ``__all__`` entries and string annotations a
        word that names a kept symbol (or, in an annotation, nothing defined here) is kept."""
        ctx = self.ctx
        kept: dict[str, Keep] = {}
        for node_id, k in self.keep.items():
            node = self._name_by_id.get(node_id)
            if node is not None:
                kept.setdefault(node.value, k)
        annotations = {id(a.node) for s in {id(s): s for s in self.scopes.values() if s is not None}.values()
                       for a in s.accesses if isinstance(a.node, cst.SimpleString)}
        bound = {sym.name for sym in decider.symbols}
        first: dict[int, int] = {}
        dict_keys = self._dict_key_conflicts()
        manifests = self._manifest_kinds()
        for node in self.scan.strings:
            s, e = self.span(node)
            kind = "docstring" if id(node) in self.scan.docstrings else "string"
            edits = ctx.term_edits(s, e, kind)
            if not edits:
                continue
            value = _value(node)
            tool = tool_of(value) if value else None
            if tool is not None:  # os.environ["GITHUB_JOB"]: another tool's variable (runsmig.envnames)
                self.findings.append(ctx.finding(s, e, kind, None, "external", env_message(value, tool)))
                continue
            if kind == "string" and self._embedded(s, e, edits, manifests):
                continue
            k = dict_keys.get(id(node))
            if k is None and value is not None and value.isidentifier():
                k = kept.get(value)  # "job_id" names the identifier kept in this file: it stays with it
                if k is not None and k.reason == "external" and id(node) not in annotations | self.scan.all_strings:
                    k = None
            if k is not None:
                for ed in edits:
                    self._report(value or ctx.text[ed.start:ed.end], ed.start, ed.end, k, set(), first)
                continue
            if id(node) not in annotations and id(node) not in self.scan.all_strings:
                if " " in ctx.text[s:e]:  # prose (messages, docstrings): recipe phrases first
                    self._prose(s, e, kind)
                else:
                    self.edits += edits
                continue
            for ed in edits:
                ws, we = ed.start, ed.end
                while ws > s and (ctx.text[ws - 1].isalnum() or ctx.text[ws - 1] == "_"):
                    ws -= 1
                while we < e and (ctx.text[we].isalnum() or ctx.text[we] == "_"):
                    we += 1
                word = ctx.text[ws:we]
                k = kept.get(word)
                if k is None and id(node) in annotations and word not in bound and not self.scan.star_import:
                    k = Keep("follow-up", f"'{word}' is not defined in this file; rewrite it by hand", group=hash(word))
                if k is None:  # a name in code (``__all__``, a string annotation), not data: not listed
                    f = ed.finding and replace(ed.finding, literal="", literal_replacement="")
                    self.edits.append(Edit(ed.start, ed.end, ed.text, f))
                else:
                    self._report(word, ws, we, k, set(), first)

    def _manifest_kinds(self) -> frozenset[str]:
        """The kinds of the Kubernetes manifests this file's strings hold (read only where a
        string says ``apiVersion``)."""
        if "apiVersion" not in self.ctx.text:
            return frozenset()
        from runsmig.languages.config.embedded import manifest_kinds

        lits = [self.ctx.text[slice(*self.span(n))] for n in self.scan.strings if isinstance(n, cst.SimpleString)]
        return manifest_kinds([t for t in lits if "apiVersion" in t])

    def _embedded(self, s: int, e: int, edits: list[Edit], kinds: frozenset[str]) -> bool:
        """A string holding another tool's names (a Kubernetes manifest, a field path over one, the
        resource of a kind the file's manifests declare): its names stay as in that tool's files,
        the rest is renamed (runsmig.languages.config.embedded)."""
        from runsmig.languages.config.embedded import string_guard

        g = string_guard(self.ctx, s, e, kinds)
        if g is None:
            return False
        self.edits += g(edits)
        self.findings += g.findings
        self.covered_spans += g.covered
        return True

    def _dict_key_conflicts(self) -> dict[int, Keep]:
        """``{"run_id": ..., "job_id": ...}``: renaming a key onto another key is a conflict."""
        out: dict[int, Keep] = {}
        for d in self.scan.dicts:
            keys = [el.key for el in d.elements if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)]
            values = [_value(k) for k in keys]
            final = [self.ctx.engine.rewrite(v) if v is not None else None for v in values]
            for key, v, f in zip(keys, values, final):
                if v is not None and f != v and (f in values or final.count(f) > 1):
                    out[id(key)] = Keep("conflict", f"renaming dictionary key '{v}' to '{f}' would repeat a key of this dict",
                                        f, id(key))
        return out

    # -- literals compared with sorted(...) ---------------------------------------------
    def _sorted_literals(self) -> None:
        """``assert sorted(keys) == [b'arq:job:x', b'arq:queue']``: the literal states a sorted
        order, and renaming its items can break it ('run' sorts after 'queue'). The comparison
        means "same items, in sorted order", so the renamed items are put back in sorted order
        (each item's text moves whole, comments and commas stay); the meaning is unchanged."""
        if "sorted(" not in self.ctx.text or not self.edits:
            return
        for cmp in walk(self.module):
            if not isinstance(cmp, cst.Comparison) or len(cmp.comparisons) != 1:
                continue
            op = cmp.comparisons[0].operator
            if not isinstance(op, (cst.Equal, cst.NotEqual)):
                continue
            sides = [cmp.left, cmp.comparisons[0].comparator]
            for this, other in (sides, sides[::-1]):
                if (isinstance(other, cst.Call) and isinstance(other.func, cst.Name) and other.func.value == "sorted"
                        and not any(a.keyword is not None for a in other.args)
                        and isinstance(this, (cst.List, cst.Tuple))):
                    self._keep_sorted(this)

    def _keep_sorted(self, seq: cst.List | cst.Tuple) -> None:
        items = [el.value for el in seq.elements]
        if len(items) < 2 or not all(isinstance(v, cst.SimpleString) for v in items):
            return
        spans = [self.span(v) for v in items]
        before = [_evaluated(v) for v in items]
        if any(b is None for b in before) or len({type(b) for b in before}) != 1 or before != sorted(before):
            return
        inner = [[e for e in self.edits if s <= e.start and e.end <= t] for s, t in spans]
        if not any(inner):
            return
        texts = [splice(self.ctx.text, s, t, eds) for (s, t), eds in zip(spans, inner)]
        try:
            after = [ast.literal_eval(c) for c in texts]
        except (ValueError, SyntaxError):
            return
        if after == sorted(after):
            return
        order = sorted(range(len(items)), key=lambda i: after[i])
        dropped = {id(e) for eds in inner for e in eds}
        self.edits = [e for e in self.edits if id(e) not in dropped]
        for pos, ((s, t), src) in enumerate(zip(spans, order)):
            new = texts[src]
            if new != self.ctx.text[s:t]:
                f = self.ctx.finding(s, t, "string", new, "term",
                                     "compared with sorted(...): the renamed items are put back in sorted order")
                # listed as the item it came from: its old text and what the rename made of it (an
                # item only moved into this place is no renamed string)
                was = self.ctx.text[spans[src][0]:spans[src][1]]
                self.edits.append(Edit(s, t, new, replace(f, literal=was if was != new else "",
                                                          literal_replacement=new if was != new else "")))

    # -- statements made equal by the rename --------------------------------------------
    def _repeated_lines(self) -> list[tuple[cst.SimpleStatementLine, int]]:
        """Expression statements of one block that differ now and would be equal after the
        rename (``include_router(jobs_router)`` beside ``include_router(runs_router)``).
        Statements that are equal already (``job.save()`` twice on purpose) are not a finding."""
        if not self.edits or len(self.scan.expr_lines) < 2:
            return []
        groups: dict[int, list[cst.SimpleStatementLine]] = {}
        for line in self.scan.expr_lines:
            groups.setdefault(id(self.scan.parent.get(id(line))), []).append(line)
        out: list[tuple[cst.SimpleStatementLine, int]] = []
        for lines in groups.values():
            if len(lines) < 2:
                continue
            first: dict[str, tuple[int, str]] = {}  # new text -> (line, old text) of its first statement
            for line in lines:
                s, e = self.span(line.body[0])
                code = self.ctx.text[s:e]
                new = splice(self.ctx.text, s, e, self.edits)
                prev = first.get(new)
                if prev is None:
                    first[new] = (self.ctx.index.pos(s)[0], code)
                elif prev[1] != code:
                    out.append((line, prev[0]))
        return out

    def _keep_line_symbols(self, line: cst.SimpleStatementLine, twin: int, decider: Decider) -> None:
        """Keep every renamed name of ``line`` that this file binds (with all its uses)."""
        msg = None
        for node in _names_in(line):
            if id(node) in self.keep or not self.ctx.engine.find(node.value):
                continue
            sym = decider.symbol_of.get(id(node))
            if sym is None or not (sym.assigned or any(a.alias.asname is not None for _, a in sym.aliases)):
                continue  # not bound here (an attribute, an imported name): renamed like everywhere else
            if any(a.status == "merged" for _, a in sym.aliases):
                continue  # its import merges into its counterpart's (the recipe deletes its module)
            new = self.ctx.engine.rewrite(node.value)
            msg = msg or (f"renaming '{node.value}' to '{new}' would make this statement repeat line {twin}; "
                          "kept: review by hand, or map it under 'symbols:' in the recipe")
            for n in sym.nodes:
                self.keep.setdefault(id(n), Keep("conflict", msg, new, id(sym)))


def _evaluated(node: cst.CSTNode) -> str | bytes | None:
    """The value of a plain string or bytes literal."""
    if isinstance(node, cst.SimpleString):
        try:
            return node.evaluated_value
        except Exception:
            return None
    return None


def _value(node: cst.CSTNode) -> str | None:
    v = _evaluated(node)
    return v if isinstance(v, str) else None


def _names_in(node: cst.CSTNode) -> list[cst.Name]:
    return [n for n in walk(node) if isinstance(n, cst.Name)]
