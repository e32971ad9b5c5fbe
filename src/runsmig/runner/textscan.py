"""A file too large to parse (:mod:`runsmig.limits`): its content scanned as plain text, in chunks,
with THE term matcher (:meth:`runsmig.terms.TermEngine.find`), so memory stays bounded whatever
its size or the length of its lines.

Every occurrence of a term is a finding of kind ``text`` saying why the file was not parsed; the
file is never rewritten (``plan`` lists them as follow-ups). What the runner does around a language
pass holds here too, line by line: inline ``runsmig: ignore`` / ``ignore-next-line`` comments, and
the allowlist (entries with a line pattern need the whole line: on a line longer than a chunk only
entries without one apply). Raw occurrences are reconciled as for a parsed file. At most
:data:`LISTED` findings and as many not-the-term words are listed per file; the last listed finding
says how many more there are (the counts stay exact).
"""

from __future__ import annotations

import codecs
from bisect import bisect_left, bisect_right
from dataclasses import replace

from runsmig.findings import Finding
from runsmig.runner.outcome import FileOutcome

CHUNK = 1 << 20  # bytes read at a time
LISTED = 1000


def scan_file(path: str, out: FileOutcome, engine, recipe, reason: str, size: int | None = None) -> FileOutcome:
    """Fill ``out`` (status unchanged) from the file at ``path``, read in chunks; ``out.digest`` is the
    content hash of what was read when ``size`` (its length from stat) held, as runner.cache hashes."""
    from runsmig.runner.cache import content_hash_start

    scan = _Scanner(out, engine, recipe, reason)
    digest = content_hash_start(size) if size is not None else None
    total = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if digest is not None:
                digest.update(chunk)
            scan.feed(chunk)
    scan.close()
    if digest is not None and total == size:
        out.digest = digest.hexdigest()
    return out


def scan_bytes(data: bytes, out: FileOutcome, engine, recipe, reason: str) -> FileOutcome:
    """The same, over bytes already read (a file under the size limit with a line over the length limit)."""
    scan = _Scanner(out, engine, recipe, reason)
    for i in range(0, len(data), CHUNK):
        scan.feed(data[i:i + CHUNK])
    scan.close()
    return out


def count_raw(path: str, engine) -> int:
    """Raw stem occurrences in a (binary) file, read in chunks."""
    pattern = engine.raw_re
    keep = max((len(t.singular) for t in engine.terms), default=1) - 1
    n, tail = 0, ""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            text = tail + chunk.decode("latin-1")
            cut = max(0, len(text) - keep)
            n += sum(1 for m in pattern.finditer(text) if m.start() < cut)
            tail = text[cut:]
    return n + len(pattern.findall(tail))


class _Scanner:
    def __init__(self, out: FileOutcome, engine, recipe, reason: str) -> None:
        from runsmig.runner.analyze import SUPPRESS_RE

        self.out, self.engine, self.recipe, self.reason = out, engine, recipe, reason
        self.suppress = SUPPRESS_RE
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        longest = max([len(t.plural) for t in engine.terms] + [len(t.singular) for t in engine.terms]
                      + [len(s) for s in engine.symbols] + [len(k) for k in engine.keep] + [0])
        self.margin = max(64, 2 * longest + 2)  # context either side of a cut inside a line
        self.buf = ""  # left context (already scanned) + text not scanned yet
        self.ctx = 0  # how much of buf is left context
        self.line = 1  # line of buf[0]
        self.col = 0  # column (0-based) of buf[0] on its line
        self.first = True
        self.closing = False
        self.file_allow = recipe.allow_for_file(out.rel)
        self.plain_allow = next((e for e in recipe.allowlist if e.pattern is None and e.covers(out.rel, "", "text")),
                                None)
        self.quiet: set[int] = set()
        self.pending: list[Finding] = []  # findings of the open line (the line not ended yet)
        self.pending_n = 0  # term matches on it
        self.pending_raw = 0  # raw occurrences they cover
        self.pending_line = 0
        self.listed = 0
        self.unlisted = 0
        self.non_term_unlisted = 0
        self.carry_end = 0  # absolute end of a match that ran past the last cut
        self.base = 0  # absolute offset of buf[0]

    # -- input ------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> None:
        text = self.decoder.decode(chunk)
        if self.first:
            self.first = False
            text = text.removeprefix("\ufeff")
        self.buf += text
        self._drain(final=False)

    def close(self) -> None:
        self.buf += self.decoder.decode(b"", final=True)
        self.closing = True
        self._drain(final=True)
        self._finish_line(None)
        if self.unlisted and self.out.reported:
            last = self.out.reported[-1]
            self.out.reported[-1] = replace(last, message=f"{last.message} (+{self.unlisted} more in this file, "
                                                          f"not listed)")
        if self.non_term_unlisted:
            self.out.coverage["not_the_term_unlisted"] = self.non_term_unlisted

    def _drain(self, final: bool) -> None:
        while True:
            n = len(self.buf)
            if final:
                end = n
            else:
                nl = self.buf.rfind("\n", self.ctx)
                if nl != -1:
                    end = nl + 1  # complete lines
                elif n - self.ctx > CHUNK:
                    end = n - self.margin  # a long line: scan most of it, keep a margin for the next cut
                else:
                    return
            if end <= self.ctx:
                return
            self._scan(end)
            # keep a left context; lines and columns move with the start of buf
            start = max(0, end - self.margin)
            dropped = self.buf[:start]
            nls = dropped.count("\n")
            if nls:
                self.line += nls
                self.col = start - (dropped.rfind("\n") + 1)
            else:
                self.col += start
            self.buf = self.buf[start:]
            self.base += start
            self.ctx = end - start
            if final or end == n:
                return

    # -- one cut ----------------------------------------------------------------------------
    def _scan(self, end: int) -> None:
        a = self.ctx
        text = self.buf[:min(len(self.buf), end + self.margin)]
        locate = _Locator(text, self.line, self.col, whole=end == len(self.buf) and self.closing)
        for m in self.suppress.finditer(text):
            if a <= m.start() < end:
                ln = locate(m.start())[0]
                self.quiet.add(ln + 1 if m.group(1) else ln)
        matches = [m for m in self.engine.find(text) if a <= m.start < end]
        raws = [m.start() for m in self.engine.raw_re.finditer(text) if a <= m.start() < end]
        self.out.raw += len(raws)
        mi = 0
        for p in raws:  # raw occurrences covered by a match are counted with its line; the rest are not the term
            while mi < len(matches) and matches[mi].end <= p:
                mi += 1
            if self.base + p < self.carry_end:
                self.pending_raw += 1  # inside a match that began before this cut, on the open line
            elif not (mi < len(matches) and matches[mi].start <= p):
                self._not_term(text, p, locate)
        for m in matches:
            ln, col = locate(m.start)
            if ln != self.pending_line:
                self._finish_line(ln, text, locate)
            self.pending_n += 1
            self.pending_raw += bisect_left(raws, m.end) - bisect_left(raws, m.start)
            if self.listed + len(self.pending) < LISTED:
                self.pending.append(Finding(self.out.rel, ln, col, m.text, "text", m.replacement,
                                            "symbol" if m.term is None else "term",
                                            message=f"text '{m.text}' -> '{m.replacement}' in a file not parsed "
                                                    f"({self.reason}): not rewritten"))
            self.carry_end = max(self.carry_end, self.base + m.end)
        ln_end = locate(end - 1)[0] if end > a else self.pending_line
        ended = end > 0 and text[end - 1] == "\n"
        if self.pending_line and (self.pending_line < ln_end or ended):
            self._finish_line(None, text, locate)
        self.quiet = {q for q in self.quiet if q >= (ln_end if not ended else ln_end + 1) - 1}

    def _not_term(self, text: str, p: int, locate) -> None:
        if len(self.out.non_term) >= LISTED:
            self.non_term_unlisted += 1
            return
        ws = p
        while ws > 0 and p - ws < 64 and (text[ws - 1].isalnum() or text[ws - 1] == "_"):
            ws -= 1
        we = p + 1
        while we < len(text) and we - p < 64 and (text[we].isalnum() or text[we] == "_"):
            we += 1
        ln, col = locate(p)
        self.out.non_term.append((ln, col, text[ws:we]))

    def _finish_line(self, next_line: int | None, text: str | None = None, locate=None) -> None:
        """Decide the open line (suppressed, allowlisted or reported), then open ``next_line``."""
        ln = self.pending_line
        if ln and self.pending_n:
            out = self.out
            if ln in self.quiet:
                out.coverage["suppressed"] = out.coverage.get("suppressed", 0) + self.pending_raw
            else:
                allow = self.file_allow or self._line_allow(ln, text, locate)
                label = "allowed" if allow is not None else "term"
                out.coverage[label] = out.coverage.get(label, 0) + self.pending_raw
                if allow is not None:
                    out.allowed.extend(replace(f, allowed_by=allow.reason) for f in self.pending)
                else:
                    out.reported.extend(self.pending)
                    self.unlisted += self.pending_n - len(self.pending)
                self.listed += len(self.pending)
        self.pending, self.pending_n, self.pending_raw = [], 0, 0
        self.pending_line = next_line or 0

    def _line_allow(self, ln: int, text: str | None, locate):
        """An allowlist entry for line ``ln``: with its whole text when this cut holds all of it."""
        if text is not None and locate is not None:
            line_text = locate.line_text(ln)
            if line_text is not None:
                return self.recipe.allow_for(self.out.rel, line_text, "text")
        return self.plain_allow


class _Locator:
    """Offsets of one cut -> (line, column), columns 1-based; the cut starts at ``line``, ``col`` (0-based)."""

    def __init__(self, text: str, line: int, col: int, whole: bool = False) -> None:
        self.text, self.line, self.col, self.whole = text, line, col, whole  # whole: the text ends the file
        self.starts = [0]
        i = text.find("\n")
        while i != -1:
            self.starts.append(i + 1)
            i = text.find("\n", i + 1)

    def __call__(self, p: int) -> tuple[int, int]:
        i = bisect_right(self.starts, p) - 1
        return self.line + i, (p + self.col + 1) if i == 0 else p - self.starts[i] + 1

    def line_text(self, ln: int) -> str | None:
        """The whole text of line ``ln`` when this cut holds its start and its end, else None."""
        i = ln - self.line
        if i < 0 or (i == 0 and self.col) or i >= len(self.starts):  # its start lies before the cut
            return None
        if i + 1 < len(self.starts):
            return self.text[self.starts[i]:self.starts[i + 1] - 1].rstrip("\r")
        return self.text[self.starts[i]:].rstrip("\r") if self.whole else None  # its end lies past the cut

