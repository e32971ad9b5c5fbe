"""Check findings rendered as text, JSON, SARIF 2.1.0 or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from runsmig import __version__
from runsmig.findings import Finding

FORMATS = ("text", "json", "sarif", "github")


@dataclass
class CheckReport:
    findings: list[Finding]
    allowed: list[Finding]
    failures: list[tuple[str, str, int | None]]  # (path, reason, line)
    files: int
    raw: int = 0
    non_term: list[tuple[str, int, int, str]] = field(default_factory=list)  # (path, line, col, word)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)  # raw occurrences by what covers them
    raw_in_binary: int = 0
    raw_in_deleted: int = 0  # raw occurrences inside files the recipe deletes
    externals: list[Finding] = field(default_factory=list)  # third-party names: info, never a failure
    unparsed: list[tuple[str, str]] = field(default_factory=list)  # (path, why): scanned as text (runsmig.limits)

    def summary(self) -> dict:
        return {
            "files_scanned": self.files,
            "findings": len(self.findings),
            "findings_by_kind": dict(sorted(Counter(f.kind for f in self.findings).items())),
            "findings_by_rule": dict(sorted(Counter(f.rule for f in self.findings).items())),
            "allowlisted": len(self.allowed),
            "allowlisted_by_reason": dict(sorted(Counter(f.allowed_by for f in self.allowed).items())),
            "failed_files": len(self.failures),
            "not_parsed_files": len(self.unparsed),
            "reconciliation": {
                "raw_occurrences_total": self.raw,
                "term_findings_in_content": self.coverage.get("term", 0),
                "allowlisted_in_content": self.coverage.get("allowed", 0),
                "suppressed_inline": self.coverage.get("suppressed", 0),
                "external_names": self.coverage.get("external", 0),
                "not_the_term": len(self.non_term) + self.coverage.get("not_the_term_unlisted", 0),
                "in_files_deleted_by_recipe": self.raw_in_deleted,
                "in_binary_files": self.raw_in_binary,
            },
        }


def render_text(rep: CheckReport) -> str:
    lines = []
    for f in rep.findings:
        loc = f"{f.path}:{f.line}:{f.col}" if f.line else f.path
        lines.append(f"{loc}: [{f.rule}/{f.kind}] {f.describe()}")
    for path, reason, line in rep.failures:
        lines.append(f"{path}:{line or 1}: [failed] {reason}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(rep: CheckReport) -> str:
    return _records_per_line({
        "tool": "runsmig",
        "version": __version__,
        "summary": rep.summary(),
        "findings": [f.as_dict() for f in rep.findings],
        "allowlisted": [f.as_dict() for f in rep.allowed],
        "external": [f.as_dict() for f in rep.externals],
        "failed": [{"path": p, "reason": r, "line": ln} for p, r, ln in rep.failures],
        "not_the_term": [{"path": p, "line": ln, "col": c, "word": w} for p, ln, c, w in rep.non_term],
        "skipped": [{"path": p, "reason": r} for p, r in rep.skipped],
        "not_parsed": [{"path": p, "reason": r} for p, r in rep.unparsed],
    })


def _records_per_line(doc: dict) -> str:
    """``doc`` indented like ``json.dumps(indent=2)``, except that each record of a list of records
    is one line: greppable, and written by json's C encoder (the pure-Python indenting encoder
    took a third of a cached check of a large tree)."""
    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows = ",\n".join("    " + json.dumps(v) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: " + json.dumps(value, indent=2).replace("\n", "\n  "))
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render_sarif(rep: CheckReport) -> str:
    rules = sorted({f.rule for f in rep.findings} | ({"failed"} if rep.failures else set()))
    results = []
    for f in rep.findings:
        loc: dict = {"physicalLocation": {"artifactLocation": {"uri": f.path.rstrip("/") or ".", "uriBaseId": "SRCROOT"}}}
        if f.line:
            loc["physicalLocation"]["region"] = {"startLine": f.line, "startColumn": f.col, "endColumn": f.col + max(1, len(f.text))}
        res = {
            "ruleId": f.rule,
            "level": "error",
            "message": {"text": f.describe()},
            "locations": [loc],
            "properties": {"kind": f.kind, "matched": f.text, "replacement": f.replacement},
        }
        if f.replacement is not None and f.line and f.kind != "path":
            res["fixes"] = [{
                "description": {"text": f"replace with '{f.replacement}'"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                    "replacements": [{
                        "deletedRegion": {"startLine": f.line, "startColumn": f.col, "endColumn": f.col + len(f.text)},
                        "insertedContent": {"text": f.replacement},
                    }],
                }],
            }]
        results.append(res)
    for path, reason, line in rep.failures:
        results.append({
            "ruleId": "failed", "level": "error", "message": {"text": reason},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "SRCROOT"},
                                                "region": {"startLine": line or 1}}}],
        })
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "runsmig",
                "version": __version__,
                "informationUri": "https://github.com/clac-ca/automatic-data-extractor",
                "rules": [{"id": r, "shortDescription": {"text": _RULE_TEXT.get(r, r)}} for r in rules],
            }},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


_RULE_TEXT = {
    "term": "A legacy term remains",
    "symbol": "A legacy symbol remains",
    "follow-up": "Manual follow-up: a place to review by hand",
    "conflict": "A rename collides with an existing name",
    "external": "A third-party name carries the term",
    "failed": "A file could not be read or parsed",
    "link": "A link or anchor does not resolve",
}


def _gh_escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_escape(s).replace(":", "%3A").replace(",", "%2C")


def render_github(rep: CheckReport) -> str:
    lines = []
    for f in rep.findings:
        props = f"file={_gh_prop(f.path)}"
        if f.line:
            props += f",line={f.line},col={f.col}"
        props += f",title={_gh_prop('runsmig ' + f.rule)}"
        lines.append(f"::error {props}::{_gh_escape(f.describe())}")
    for path, reason, line in rep.failures:
        lines.append(f"::error file={_gh_prop(path)},line={line or 1},title=runsmig failed::{_gh_escape(reason)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render(rep: CheckReport, fmt: str) -> str:
    return {"text": render_text, "json": render_json, "sarif": render_sarif, "github": render_github}[fmt](rep)
