"""YAML: keys and scalar values found through ruamel.yaml's composer (nodes
carry character offsets), edited narrowly in the text so comments, quoting,
anchors and layout stay. Comments are prose (``comment``).

Files of another tool's format (GitHub Actions workflows and actions, GitLab CI,
docker compose, pnpm's lockfile) keep that tool's keywords and references: see
:mod:`runsmig.languages.config.schemas`; the top-level ``jobs:`` of a workflow stays
and is reported once as ``external``, while the job ids are renamed; in comments and free text the
tool's own words ("the release job") stay too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from runsmig.findings import Analysis, Edit, Finding
from runsmig.languages.base import FileContext, Language
from runsmig.languages.config import helm
from runsmig.languages.config.schemas import TreeError, guard
from runsmig.languages.config.schemas.trees import from_yaml
from runsmig.languages.config.tokens import new_text, span_edits

ANCHOR = re.compile(r"(?<![\w\-])[&*]([A-Za-z0-9_\-]+)")


def _walk(node, spans: list[tuple[int, int, str, str]], seen: set[int], groups: list[list[tuple[int, int]]]) -> None:
    """Collect scalar spans; ``groups`` gets the scalar spans of each mapping's keys and each
    sequence's items (a rewrite that repeats a sibling is a conflict)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        spans.append((node.start_mark.index, node.end_mark.index, "config-value", node.style or ""))
    elif isinstance(node, MappingNode):
        keys = []
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                spans.append((k.start_mark.index, k.end_mark.index, "config-key", k.style or ""))
                keys.append((k.start_mark.index, k.end_mark.index))
            else:
                _walk(k, spans, seen, groups)
            _walk(v, spans, seen, groups)
        groups.append(keys)
    elif isinstance(node, SequenceNode):
        items = [(v.start_mark.index, v.end_mark.index) for v in node.value if isinstance(v, ScalarNode)]
        for v in node.value:
            _walk(v, spans, seen, groups)
        groups.append(items)


class Yaml(Language):
    name = "yaml"
    patterns = ("*.yml", "*.yaml")
    priority = 10
    listing_queries = True  # asks only whether a chart's Chart.yaml is there (helm.CHART)

    def analyze(self, ctx: FileContext) -> Analysis:
        text = ctx.text
        acts = helm.actions(text) if helm.chart_template(ctx) else []
        unread = None  # why a chart template could not be read with its actions blanked
        if acts:
            docs, spans, groups, failed = _compose(helm.blank(text, acts))
            if failed is not None:  # read it as before, and say so
                unread, acts = failed, []
        if not acts:
            docs, spans, groups, failed = _compose(text)
            if failed is not None:
                if unread is not None:
                    failed = replace(failed, failed=f"{failed.failed} (a Helm template, unreadable even with its "
                                                    f"{{{{ }}}} actions blanked: {unread.failed})")
                return failed
        try:
            tool = guard(ctx, "yaml", lambda: [from_yaml(d) for d in docs])
        except TreeError as exc:
            return Analysis(failed=f"cannot read the YAML structure: {exc.reason}",
                            failed_line=ctx.index.pos(exc.offset)[0])
        edits: list[Edit] = []
        findings: list[Finding] = []
        if acts:  # the actions' own text: the user's values and templates, Helm's built-ins kept
            tool.extend(helm.builtins(text, acts))
            inside = sorted((s, e) for s, e, _, _ in spans)
            for a, b in acts:
                i = bisect_right(inside, (a, len(text) + 1)) - 1
                if i < 0 or inside[i][1] < b:  # an action inside a scalar is edited with it
                    edits.extend(tool(ctx.term_edits(a, b, "code")))
        elif unread is not None and ctx.engine.find(text):
            findings.append(ctx.finding(0, 0, "config-value", None, "follow-up",
                                        f"a Helm template unreadable with its {{{{ }}}} actions blanked "
                                        f"({unread.failed}): read as plain YAML, review by hand"))
        spans.sort()
        by_span: dict[tuple[int, int], list[Edit]] = {}
        for s, e, kind, style in spans:
            if s >= e:
                continue
            by_span[(s, e)] = tool(span_edits(ctx, s, e, kind, escapes=(style == '"')))
        held = set()
        for group in groups:
            for s, e in group:
                mine = by_span.get((s, e))
                if not mine:
                    continue
                new = new_text(ctx, s, e, mine)
                if any(new == new_text(ctx, a, b, by_span.get((a, b), [])) for a, b in group if (a, b) != (s, e)):
                    held.add((s, e))
                    findings.append(ctx.finding(s, e, mine[0].finding.kind, new, "conflict",
                                                f"'{text[s:e]}' would become '{new}', which a sibling already is: "
                                                "merge by hand"))
        for span, ed in by_span.items():
            if span not in held:
                edits.extend(ed)
        # comments and anchors/aliases: outside every scalar
        covered = [(s, e) for s, e, _, _ in spans] + acts
        for s, e in _outside(text, covered):
            chunk = text[s:e]
            for m in re.finditer(r"(?:(?<=\s)|^)#[^\n]*", chunk, re.M):
                ed, fd = tool.prose(s + m.start(), s + m.end(), "comment")  # the tool's words stay
                edits.extend(ed)
                findings.extend(fd)
            for m in ANCHOR.finditer(re.sub(r"(?:(?<=\s)|^)#[^\n]*", lambda x: " " * len(x.group(0)), chunk, flags=re.M)):
                edits.extend(ctx.term_edits(s + m.start(1), s + m.end(1), "config-key"))
        # covered: every kept occurrence (not just the one reported) is external in check's reconciliation
        seqs = []
        if edits:  # keys of a sorted dump stay sorted (runsmig.languages.order)
            from runsmig.languages.config.order import yaml_sequences

            try:
                seqs = yaml_sequences(text, docs)
            except Exception:  # an unforeseen shape: the order is left as the rewrite makes it
                seqs = []
        return Analysis(edits=edits, findings=findings + tool.findings, covered=tool.covered, sequences=seqs)


def _compose(text: str):
    """(documents, scalar spans, sibling groups, None) or ([], [], [], a failed Analysis)."""
    spans: list[tuple[int, int, str, str]] = []
    groups: list[list[tuple[int, int]]] = []
    docs = []
    try:
        yaml = YAML(typ="rt")
        for doc in yaml.compose_all(text):
            if doc is not None:
                docs.append(doc)
                _walk(doc, spans, set(), groups)
    except (MarkedYAMLError, YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [], [], Analysis(failed=f"invalid YAML: {problem}", failed_line=mark.line + 1 if mark else None)
    except Exception as exc:  # composer quirks: leave the file, say why
        return [], [], [], Analysis(failed=f"cannot parse YAML: {type(exc).__name__}: {exc}")
    return docs, spans, groups, None


def _outside(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for s, e in sorted(covered):
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < len(text):
        out.append((pos, len(text)))
    return out


LANGUAGE = Yaml()
