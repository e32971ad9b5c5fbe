"""Findings and edits: the data every language transformer returns."""

from __future__ import annotations

from dataclasses import dataclass, field


# the stored kind of a quoted SQL value renamed with the object key the code builds (runner.stored)
PAYLOAD_KEY = "payload key (renamed with the code)"

@dataclass(frozen=True)
class Finding:
    """One remnant (or note) at path:line:col. ``replacement`` is what the recipe would write."""

    path: str
    line: int
    col: int
    text: str
    kind: str  # identifier, string, comment, docstring, prose, code, path, config-key, config-value, text
    replacement: str | None
    rule: str = "term"  # term, symbol, follow-up, conflict, external, parse-error, link
    message: str = ""
    allowed_by: str | None = None  # the allowlist reason, when allowlisted
    word: str = ""  # the enclosing word or identifier (e.g. ADE_JOBS_DIR for the match JOBS)
    word_replacement: str = ""
    literal: str = ""  # a string literal that looks like an identifier (no whitespace): 'rq:job:'
    literal_replacement: str = ""  # ... and what it becomes
    stored: str = ""  # a stored name's kind (table, column, channel, value, unparsed SQL ...): kept or migrated

    def describe(self) -> str:
        if self.message:
            return self.message
        if self.word and self.word != self.text:
            return f"{self.kind} '{self.word}' -> '{self.word_replacement}'"
        if self.replacement is not None:
            return f"{self.kind} '{self.text}' -> '{self.replacement}'"
        return f"{self.kind} '{self.text}'"

    def as_dict(self) -> dict:
        d = {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "text": self.text,
            "kind": self.kind,
            "replacement": self.replacement,
            "rule": self.rule,
        }
        if self.message:
            d["message"] = self.message
        if self.allowed_by:
            d["allowed_by"] = self.allowed_by
        if self.word and self.word != self.text:
            d["word"] = self.word
            d["word_replacement"] = self.word_replacement
        if self.literal:
            d["literal"] = self.literal
            d["literal_replacement"] = self.literal_replacement
        if self.stored:
            d["stored"] = self.stored
        return d


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with ``text``. ``finding`` says why."""

    start: int
    end: int
    text: str
    finding: Finding | None = None


class OverlapError(ValueError):
    pass


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (in reverse order of position)."""
    if not edits:
        return text
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            raise OverlapError(f"edits overlap at offsets {a.start}-{a.end} and {b.start}-{b.end}")
    out = text
    for e in reversed(ordered):
        out = out[: e.start] + e.text + out[e.end :]
    return out


def splice(text: str, start: int, end: int, edits: list[Edit]) -> str:
    """text[start:end] with those of ``edits`` that lie inside it applied (offsets are ``text``'s)."""
    out = text[start:end]
    for e in sorted((e for e in edits if start <= e.start and e.end <= end), key=lambda e: e.start, reverse=True):
        out = out[: e.start - start] + e.text + out[e.end - start:]
    return out


def dedupe_edits(edits: list[Edit]) -> list[Edit]:
    """Drop exact duplicates and edits nested inside an earlier, larger edit."""
    result: list[Edit] = []
    seen: set[tuple[int, int, str]] = set()
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if result and e.start < result[-1].end or (e.start, e.end, e.text) in seen:
            continue
        seen.add((e.start, e.end, e.text))
        result.append(e)
    return result


class LineIndex:
    """Offset -> (line, col), both 1-based; col counts characters."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        find, add = text.find, self.starts.append  # one search a line, not a step a character
        i = find("\n")
        while i != -1:
            add(i + 1)
            i = find("\n", i + 1)

    def pos(self, offset: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1


@dataclass(frozen=True)
class SqlRegion:
    """Text that may be SQL: text[start:end] with holes (start, end, blank) that are not its text
    (a template's ``${expr}``: a stand-in name; the quotes between concatenated pieces, an escape
    sequence: blanks). ``known``: it is SQL (a ``.sql`` file), not a string that may be."""

    start: int
    end: int
    holes: tuple[tuple[int, int, bool], ...] = ()
    known: bool = False
    # under stored: migrate, the schema this SQL runs against when it is not the head ("migration 10":
    # code that runs the history up to there, runsmig.languages.typescript.asof): its names are kept
    as_of: str = ""


@dataclass(frozen=True)
class StoredSpan:
    """A string the code hands the database as a stored name (``__tablename__ = "jobs"``,
    ``Column("job_id")``, ``@Entity("jobs")``): text[start:end] is the name, of this kind."""

    start: int
    end: int
    kind: str
    name: str


# the end of an external finding's message for a key kept as a package's option only because the
# package's type declarations cannot be read: the gate counts it as undecided (runsmig.cli.check)
UNREAD_DECLARATIONS = ("whose type declarations cannot be read (not installed in node_modules, or none "
                       "shipped): whether it is that module's option is undecided; install the project's "
                       "dependencies (npm ci) and check again")


@dataclass
class Analysis:
    """What a language transformer says about one file."""

    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # report-only (follow-ups, conflicts, externals)
    failed: str | None = None  # a reason: the file is left untouched
    failed_line: int | None = None
    # spans kept on purpose without a finding of their own (the 2nd..nth use of an external name
    # already reported once in the file): (start, end, label) for check's reconciliation
    covered: list[tuple[int, int, str]] = field(default_factory=list)
    # sequences a tool may keep sorted (runsmig.languages.order.Sequence): put back in order after
    # the rewrite when they were sorted before
    sequences: list = field(default_factory=list)
    # where stored names may be (runsmig.runner.stored decides, for plan and check alike): text that
    # may be SQL, and strings the code declares as the database's names
    sql: list[SqlRegion] = field(default_factory=list)
    stored: list[StoredSpan] = field(default_factory=list)
    # keys of object literals the code builds ({ jobId: job.id }): a quoted value of the file's SQL
    # that spells one (``el->>'jobId'``) is that payload's key, renamed with the code (runner.stored)
    keys: list[tuple[int, int, bool]] = field(default_factory=list)  # (start, end, shorthand)
    # spans of path references the language resolved itself (module specifiers, Markdown links):
    # the path-reference pass (runsmig.languages.refs.follow) leaves them to it
    references: list[tuple[int, int]] = field(default_factory=list)
    # strings that name the file's own code (a decorated function's parameters, the keys of a dict compared
    # with a queryset's .values(): runsmig.languages.python.ormdicts): never kept for
    # spelling a stored name of another file (runsmig.languages.python.paramnames)
    code_names: list[tuple[int, int]] = field(default_factory=list)
    # string keys of dict literals of string keys, with the dict's key set: a keyword mapping's keys
    # are the code's names too (runsmig.runner.kwsets)
    dict_keys: list[tuple[int, int, frozenset]] = field(default_factory=list)
    # plain string elements of one list or array literal, with the other elements' texts: a bare word
    # listed beside stored names of one kind is one of them (runsmig.runner.analyze)
    siblings: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)
