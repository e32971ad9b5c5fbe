"""What one file ends as: a result value (changed, unchanged, skipped, failed, deleted)."""

from __future__ import annotations

from dataclasses import dataclass, field

from runsmig.findings import Finding


@dataclass
class FileOutcome:
    rel: str
    new_rel: str
    status: str  # changed, unchanged, skipped, failed, deleted
    reason: str = ""
    line: int | None = None
    old: bytes | None = None
    new: bytes | None = None
    mode: int = 0o100644
    applied: list[Finding] = field(default_factory=list)  # fixed by apply
    reported: list[Finding] = field(default_factory=list)  # remain after apply (follow-ups, conflicts)
    allowed: list[Finding] = field(default_factory=list)
    raw: int = 0  # case-insensitive occurrences of the stems (what 'git grep -i -o' counts)
    non_term: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, word) not the term
    coverage: dict[str, int] = field(default_factory=dict)  # raw occurrences by what covers them
    unparsed: str = ""  # why its content was only scanned as text (runsmig.limits), when it was
    stored_spellings: list[list] = field(default_factory=list)  # [spelling, kind, name, line] kept (runner.storedset)
    digest: str | None = None  # content hash of what was read, when ``old`` is not kept (a text scan)

    def without_bytes(self) -> "FileOutcome":
        """The same outcome without its old and new contents (the gate keeps no file bytes)."""
        self.old = self.new = None
        return self

    @property
    def moved(self) -> bool:
        return self.new_rel != self.rel
