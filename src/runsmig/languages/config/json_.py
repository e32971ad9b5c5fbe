"""JSON (and JSON with comments): keys and string values edited in place.

A tokenizer with offsets keeps every byte of formatting (indentation, key
order, escapes). A string followed by ':' is a key (``config-key``), any other
string a value (``config-value``); comments are prose (``comment``). When a
rewritten key would equal another key of the same object (``JobStatus`` ->
``RunStatus`` next to an existing ``RunStatus``), or a rewritten array item
would repeat another (``["jobs", "runs"]``), it is left and a ``conflict`` is
reported: merge it by hand or regenerate the file.

Files of another tool's format (``package.json``, npm lockfiles) keep that tool's
keys and the third-party package names: see :mod:`runsmig.languages.config.schemas`.
"""

from __future__ import annotations

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.config.schemas import TreeError, guard
from runsmig.languages.config.schemas.trees import from_json
from runsmig.languages.config.tokens import TokenizeError, new_text, span_edits, tokenize
from runsmig.languages.markdown.prose import prose_edits


class Json(Language):
    name = "json"
    patterns = ("*.json", "*.jsonc", "*.json5", "*.code-workspace", ".babelrc")
    priority = 10
    listing_queries = True  # reads nothing of the file list

    def analyze(self, ctx: FileContext) -> Analysis:
        try:
            toks = tokenize(ctx.text)
        except TokenizeError as exc:
            return Analysis(failed=f"invalid JSON: {exc.reason}", failed_line=ctx.index.pos(exc.offset)[0])
        try:
            tool = guard(ctx, "json", lambda: from_json(ctx.text, toks))
        except TreeError as exc:
            return Analysis(failed=f"invalid JSON: {exc.reason}", failed_line=ctx.index.pos(exc.offset)[0])
        edits: list[Edit] = []
        findings: list[Finding] = []
        stack: list[dict[str, int] | None] = []  # per open container: {} for an object, None for an array
        pending: list[tuple[int, int, str, list[Edit]]] = []  # keys of the innermost object
        pend_stack: list[list] = []
        for i, t in enumerate(toks):
            if t.type == "punct":
                c = ctx.text[t.start]
                if c in "{[":
                    stack.append({} if c == "{" else None)
                    pend_stack.append(pending)
                    pending = []
                elif c in "}]":
                    if stack:
                        self._close(ctx, stack.pop(), pending, edits, findings)
                    pending = pend_stack.pop() if pend_stack else []
                continue
            if t.type == "comment":
                ed, fd = prose_edits(ctx, t.start, t.end, "comment")
                edits.extend(ed)
                findings.extend(fd)
                continue
            if t.type != "string":
                continue
            j = i + 1
            while j < len(toks) and toks[j].type == "comment":
                j += 1
            is_key = j < len(toks) and toks[j].type == "punct" and ctx.text[toks[j].start] == ":"
            a, b = t.inner
            if is_key and stack and stack[-1] is not None:
                kedits = tool(span_edits(ctx, a, b, "config-key"))
                pending.append((a, b, ctx.text[a:b], kedits))
            elif not is_key and stack and stack[-1] is None:
                # an array item: a rewrite that repeats another item ("jobs", "runs") is a conflict
                pending.append((a, b, ctx.text[a:b], tool(span_edits(ctx, a, b, "config-value"))))
            else:
                edits.extend(tool(span_edits(ctx, a, b, "config-key" if is_key else "config-value")))
        while stack:
            self._close(ctx, stack.pop(), pending, edits, findings)
            pending = pend_stack.pop() if pend_stack else []
        seqs = []
        if edits:  # keys of a sorted dump stay sorted (runsmig.languages.order)
            from runsmig.languages.config.order import json_sequences

            try:
                seqs = json_sequences(ctx.text, toks)
            except Exception:  # an unforeseen shape: the order is left as the rewrite makes it
                seqs = []
        return Analysis(edits=edits, findings=findings + tool.findings, covered=tool.covered, sequences=seqs)

    @staticmethod
    def _close(ctx: FileContext, obj, pending, edits: list[Edit], findings: list[Finding]) -> None:
        what = "key" if obj is not None else "item"
        where = "this object" if obj is not None else "this list"
        for a, b, raw, kedits in pending:
            if not kedits:
                continue
            new = new_text(ctx, a, b, kedits)
            others = [r for (x, _, r, ke) in pending if x != a]
            new_others = {new_text(ctx, x, y, ke) for (x, y, r, ke) in pending if x != a}
            if new in others or new in new_others:
                findings.append(ctx.finding(a, b, kedits[0].finding.kind, new, "conflict",
                                            f"{what} '{raw}' would become '{new}', which {where} already has: "
                                            "merge by hand or regenerate the file"))
                continue
            edits.extend(kedits)


LANGUAGE = Json()
