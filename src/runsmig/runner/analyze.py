"""One file: read, prefilter, language transformer and recipe transforms, suppressions and
allowlist, reconciliation of every raw occurrence, new content. Nothing raises past it."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from runsmig import deps
from runsmig.findings import (
    PAYLOAD_KEY,
    Analysis,
    Edit,
    Finding,
    LineIndex,
    OverlapError,
    apply_edits,
    dedupe_edits,
)
from runsmig.languages import FileContext, language_for
from runsmig.limits import DEFAULT as DEFAULT_LIMITS
from runsmig.limits import Limits, shown_size
from runsmig.onename import CODE_LANGUAGES, FOLLOWERS, SPELLS_STORED
from runsmig.recipe.sections.literals import unquote
from runsmig.recipe.model import Recipe
from runsmig.runner.modkeys import module_keys
from runsmig.runner.outcome import FileOutcome
from runsmig.sql.jsonkeys import KIND as JSON_KEY
from runsmig.sql.jsonkeys import json_keys
from runsmig.terms import TermEngine
from runsmig.textio import DecodeFailure, decode, is_binary, read_file, wide_mark
from runsmig.transforms import recipe_transforms_for
from runsmig.vendored import generated_marker
from runsmig.written import history_written_reason, written_reason

SUPPRESS_RE = re.compile(r"runsmig:\s*ignore(-next-line)?\b")


def suppressed_lines(text: str) -> set[int]:
    lines: set[int] = set()
    if "runsmig:" not in text:
        return lines
    for i, line in enumerate(text.splitlines(), start=1):
        for m in SUPPRESS_RE.finditer(line):
            lines.add(i + 1 if m.group(1) else i)
    return lines


def _compat_lines(text: str) -> dict[int, str]:
    if "runsmig: compat" not in text:
        return {}
    from runsmig.compat.marker import line_reasons

    return line_reasons(text)


def file_mode(path: Path) -> int:
    st = os.lstat(path)
    return 0o100755 if st.st_mode & stat.S_IXUSR else 0o100644


def analyze_file(root: Path, rel: str, new_rel: str, recipe: Recipe, engine: TermEngine,
                 moves: dict[str, str], deletes: frozenset[str], all_files: frozenset[str],
                 limits: Limits = DEFAULT_LIMITS, history=None, names=None) -> FileOutcome:
    """``names``: the code's decisions (runsmig.onename.Names), followed by prose and config files."""
    full = root / rel
    # released history (runsmig.history) is never rewritten: accepted whole, before any limit or parser
    frozen = recipe.allow_for_file(rel) is None and history is not None and history.whole(rel)
    try:
        st = os.stat(full)
        mode = file_mode(full)
        if frozen and st.st_size > limits.size_for(rel):
            from runsmig.runner.textscan import count_raw

            out = FileOutcome(rel, new_rel, "unchanged", mode=mode)
            out.raw = count_raw(str(full), engine)
            out.coverage["allowed"] = out.raw
            return out
        if st.st_size > limits.size_for(rel) and new_rel == rel:  # never read whole (a moved file's bytes move with it)
            return _too_large(full, rel, new_rel, mode, engine, recipe, st.st_size, limits)
        data = read_file(full)  # a FIFO or device is refused, never waited on
    except OSError as exc:
        return FileOutcome(rel, new_rel, "failed", f"cannot read: {exc.strerror or exc}", line=None)
    out = FileOutcome(rel, new_rel, "unchanged", old=data, mode=mode)
    if is_binary(data):
        if not (engine.may_contain(data) or _names_moved_module(data, recipe) or recipe_transforms_for(recipe, rel)):
            out.new = data  # a candidate for a UTF-16 mark's bytes deep inside: as if never opened
            return out
        out.status, out.reason = ("skipped", "binary file")
        out.raw = len(engine.raw_re.findall(data.decode("latin-1")))
        return out
    marker = generated_marker(data) if not any(g.path == rel for g in recipe.generated) else None
    if marker is not None:  # a tool's output: never edited, never checked (the recipe may name it to regenerate)
        out.new, out.status, out.reason = data, "skipped", marker
        out.raw = len(engine.raw_re.findall(data.decode("latin-1")))
        return out
    if frozen:
        out = _allowed_whole(out, data, engine, history_written_reason(data) or frozen)
        from runsmig.recipe.sections.stored import keeps_stored

        if rel.lower().endswith(".sql") and keeps_stored(recipe):
            out.stored_spellings = _history_json_keys(out.new, engine)
        return out
    unparsed = _over_limit(data, limits, limits.size_for(rel))
    if unparsed:
        from runsmig.runner.textscan import scan_bytes

        out.new, out.unparsed = data, unparsed
        return scan_bytes(data, out, engine, recipe, unparsed)
    # a language pass can only act on a term, a symbol or the name of a moved module: a file with
    # none of them is unchanged, or (named by a recipe transform) seen by its transforms alone
    probe = data
    if wide_mark(data) is not None:  # UTF-16/32 text: its terms are looked for in its characters
        try:
            probe = decode(data).text.encode("utf-8")
        except DecodeFailure as exc:
            out.status, out.reason, out.line = "failed", exc.reason, exc.line
            out.new = data
            return out
    language = engine.may_contain(probe) or _names_moved_module(probe, recipe)
    if not language and not recipe_transforms_for(recipe, rel):
        out.new = data
        return out
    try:
        dec = decode(data)
    except DecodeFailure as exc:
        out.status, out.reason, out.line = "failed", exc.reason, exc.line
        out.new = data
        # still report its terms (it cannot be rewritten): the gate must not go green on it
        loose = data.decode("utf-8", "surrogateescape")
        index = LineIndex(loose)
        found = engine.find(loose)
        for m in found:
            ln, col = index.pos(m.start)
            out.reported.append(Finding(rel, ln, col, m.text, "text", m.replacement, "term",
                                        message=f"'{m.text}' in a file that is not UTF-8 (not rewritten)"))
        _reconcile(out, loose, engine, index, [(m.start, m.end, "term") for m in found])
        return out
    text = dec.text
    allow_file = recipe.allow_for_file(rel)
    whole_reason = allow_file.reason if allow_file is not None else written_reason(rel, data)
    index = LineIndex(text)
    if whole_reason is not None:  # allowlisted whole, or a migration runsmig wrote
        return _allowed_whole(out, data, engine, whole_reason, text, index)
    # a changelog's released sections are history: from this line down nothing is rewritten
    released = history.released_from(rel, text) if history else None
    if released is not None:
        from runsmig.history import CHANGELOG
        from runsmig.history import reason as history_reason

        released_reason = history_reason(CHANGELOG)
    ctx = FileContext(root, rel, new_rel, text, engine, recipe, moves, deletes, all_files)
    ctx._index = index
    lang = language_for(rel)
    if not (language and lang.listing_queries) or recipe_transforms_for(recipe, rel):
        deps.whole_listing()  # it may read the file list other than by recorded questions
    try:
        with lang.session():
            analysis = lang.analyze(ctx) if language else Analysis()
            analysis = _with_transforms(ctx, analysis, limits.transform_timeout)
        if language:  # path references follow what they name (runsmig.languages.refs)
            from runsmig.languages.refs.follow import follow

            analysis = follow(ctx, analysis)
    except Exception as exc:  # a transformer bug must not lose the run: report, leave the file
        analysis = Analysis(failed=f"{lang.name} transformer error: {type(exc).__name__}: {exc}")
    if analysis.failed:
        out.status, out.reason, out.line = "failed", analysis.failed, analysis.failed_line
        out.new = data
        spans = [(m.start, m.end, "term") for m in engine.find(text)]
        for m in engine.find(text):
            ln, col = index.pos(m.start)
            out.reported.append(Finding(rel, ln, col, m.text, "text", m.replacement, "term"))
        _reconcile(out, text, engine, index, spans)
        return out
    kept: list[Finding] = []
    forced: set[tuple[int, int]] = set()
    if names and lang.name in FOLLOWERS:  # one decision per name: what the code decided (runsmig.onename)
        from runsmig.onename import follow

        analysis, kept, forced = follow(ctx, analysis, names)
    quiet = suppressed_lines(text)
    compat = _compat_lines(text)  # hooks of generated compat code (runsmig.compat.marker)
    stored = _stored_names(text, analysis, recipe, engine)
    if stored is not None:  # what other files keep with it (runsmig.runner.storedset)
        from runsmig.runner.storedset import spellings_of

        out.stored_spellings = spellings_of(text, stored, index, engine)
    elsewhere = names.stored if names is not None and lang.name in CODE_LANGUAGES else None
    foreign = names.stored if names is not None and names.stored and lang.name == "text" else None
    for f in kept:
        start = index.offset(f.line, f.col)
        if f.line in quiet:
            analysis.covered.append((start, start + len(f.text), "suppressed"))
            continue
        held = stored.at(start, start + len(f.text)) if stored is not None else None
        if held is not None:  # a stored name of this file: kept for that reason of its own
            f = Finding(**{**f.__dict__, "allowed_by": "stored", "stored": held.kind})
        out.allowed.append(f)
    edits: list[Edit] = []
    spans: list[tuple[int, int, str]] = []  # (start, end, label) for the reconciliation
    todo = dedupe_edits(analysis.edits)
    read = _read_by_name(text, todo, stored)
    for e in todo:
        f = e.finding
        if f is not None and f.line in quiet:
            spans.append((e.start, e.end, "suppressed"))
            continue
        if f is not None:
            allow = recipe.allow_for(rel, index.line_text(f.line), f.kind)
            if f.line in compat:
                reason = compat[f.line]
            elif allow is not None and not allow.rewrite:
                reason = allow.reason
            elif forced and any(a <= e.start and e.end <= b for a, b in forced):
                reason = None  # renamed as the code renames it: no literals: rule of this file keeps it
            else:
                reason = _kept_literal(recipe, rel, f)
            if reason is None and f.literal and not f.stored and lang.name in CODE_LANGUAGES \
                    and _key_namespace(recipe, rel, f.literal):
                f, reason = Finding(**{**f.__dict__, "stored": KEY_PREFIX}), "stored"
            if reason is None and released is not None and index.pos(e.start)[0] >= released:
                reason = released_reason
            if reason == "stored" and not f.stored:  # a literals: entry says it is a stored value
                f = Finding(**{**f.__dict__, "stored": "value"})
            if reason is None and stored is not None:
                kind = _stored_kind(stored, e, f, read, code=any(
                    a <= e.start and e.end <= b for a, b in analysis.code_names))
                if kind is not None:
                    f, reason = Finding(**{**f.__dict__, "stored": kind}), "stored"
            if reason is None and elsewhere and (f.literal or (f.kind == "string" and "_" in f.word)) and not any(
                    a <= e.start and e.end <= b for a, b in analysis.code_names) and not any(
                    a <= e.start and e.end <= b and elsewhere.keyword_mapping(keys) for a, b, keys in analysis.dict_keys):
                # the whole literal, or a snake_case word of a SQL piece too short to read; not a
                # string that names code (the decorated function's own parameters, a key of a dict
                # of keyword arguments: runsmig.runner.kwsets)
                hit = elsewhere.get(unquote(f.literal) if f.literal else f.word)
                if hit is not None and not _compound(unquote(f.literal) if f.literal else f.word):
                    # a bare word ("jobs": a CLI option, a key) is no evidence of the table, unless it
                    # is listed beside names of that kind: ['job', 'job_log', 'event'] of tables
                    hit = _listed_with(hit, e, analysis.siblings, elsewhere)
                if hit is not None:  # spells a stored name another file keeps
                    kind, written, where = hit
                    f = Finding(**{**f.__dict__, "stored": kind,
                                   "message": f"{SPELLS_STORED}{kind} '{written}' kept at {where}"})
                    reason = "stored"
            word = _quoted_word(text, e.start, e.end) if reason is None and foreign is not None else None
            if word is not None:
                # a file of a language runsmig does not parse (a port in Elixir, C#, Go): a quoted
                # word spelling a stored name the code keeps ("add_job") is kept with it
                hit = foreign.get(word) if _compound(word) else None
                if hit is not None:
                    kind, written, where = hit
                    f = Finding(**{**f.__dict__, "stored": kind,
                                   "message": f"{SPELLS_STORED}{kind} '{written}' kept at {where}"})
                    reason = "stored"
            if reason is None and elsewhere and elsewhere.texts and f.kind == "string":
                # a string comparing with a text the kept SQL emits (runsmig.runner.storedtext)
                hit = _stored_text(text, analysis.sql, e, elsewhere, engine)
                if hit is not None:  # listed under the literal's text, not its word alone
                    kind, said, where, written = hit
                    f = Finding(**{**f.__dict__, "stored": "value", "word": written, "word_replacement": written,
                                   "message": f"{SPELLS_STORED}text {_quoted(said)} ({kind}) kept at {where}"})
                    reason = "stored"
            row = elsewhere.get(f.word) if reason is None and elsewhere and lang.name == "typescript" \
                and f.kind == "identifier" else None
            if row is not None and ("_" in f.word or row[0] == JSON_KEY) \
                    and (stored is None or f.word not in stored.names or _inside(analysis.keys, e.start)):
                # a snake_case property of a row another file's SQL stores (``interface DbJob {
                # job_queue_id }``, ``job.job_queue_id``, an object literal ``{ job_key: spec.key }``
                # of such a type), or a key of the JSON released SQL builds (``args.jobId`` of an event
                # a kept function writes); a file whose own SQL keeps it decides its other identifiers itself
                kind, written, where = row
                f = Finding(**{**f.__dict__, "stored": kind,
                               "message": f"{SPELLS_STORED}{kind} '{written}' kept at {where}"})
                reason = "stored"
            if reason is not None:
                out.allowed.append(Finding(**{**f.__dict__, "allowed_by": reason}))
                spans.append((e.start, e.end, "allowed"))
                continue
            if stored is not None and stored.follows and not f.stored and stored.followed(e.start, e.end):
                f = Finding(**{**f.__dict__, "stored": PAYLOAD_KEY})  # listed: renamed with the code
            out.applied.append(f)
            if stored is not None and f.kind == "identifier" and f.word in stored.names and _member(text, e.start):
                out.reported.append(_member_note(text, e, f, stored.names[f.word]))
        spans.append((e.start, e.end, "term"))
        edits.append(e)
    for f in analysis.findings:
        start = index.offset(f.line, f.col) if f.line else None
        span = (start, start + len(f.text)) if start is not None else None
        if f.line in quiet:
            if span:
                spans.append((*span, "suppressed"))
            continue
        kept = stored.at(*span) if stored is not None and span and f.rule in ("follow-up", "conflict") else None
        if kept is not None:  # a clash of words in SQL text, or of the name a stored name spells (a
            # db_column="job_name" beside the compat alias job_name = run_name): the stored name is kept anyway
            out.allowed.append(Finding(**{**f.__dict__, "allowed_by": "stored", "stored": kept.kind}))
            spans.append((*span, "allowed"))
            continue
        allow = recipe.allow_for(rel, index.line_text(f.line) if f.line else "", f.kind)
        if f.line in compat:  # generated compat code: its old names stand beside the new ones on purpose
            out.allowed.append(Finding(**{**f.__dict__, "allowed_by": compat[f.line]}))
            label = "allowed"
        elif allow is not None and f.rule not in ("conflict", "follow-up"):
            out.allowed.append(Finding(**{**f.__dict__, "allowed_by": allow.reason}))
            label = "allowed"
        elif released is not None and f.line and f.line >= released and f.rule != "external":
            out.allowed.append(Finding(**{**f.__dict__, "allowed_by": released_reason}))
            label = "allowed"
        else:
            out.reported.append(f)
            label = "external" if f.rule == "external" else "term"
        if span:
            spans.append((*span, label))
    spans += [(a, b, label) for a, b, label in analysis.covered if index.pos(a)[0] not in quiet]
    # a task name written out under its old spelling (runsmig.languages.python.task_names): a stored
    # name other files' strings spell (an alias registered under the old name keeps it too)
    out.stored_spellings += [[f.word, f.stored, f.word, f.line] for f in out.applied
                             if f.rule == "stored" and f.stored == "task name" and f.word
                             and [f.word, f.stored, f.word, f.line] not in out.stored_spellings]
    if edits and rel.lower().endswith(".sql"):  # a schema dump is the database's picture (runsmig.sql.dump)
        edits = _dump_untouched(out, data, edits, spans, recipe, root, rel, all_files)
    _reconcile(out, text, engine, index, spans)
    if analysis.sequences and edits:  # sorted before, sorted after (the final edits decide)
        from runsmig.languages.order import resort

        try:
            edits, notes = resort(text, edits, analysis.sequences)
        except Exception:  # never lose the file's rewrite to the re-sort: keep it as the pass made it
            notes = []
        for n in notes:
            ln, col = index.pos(n.start)
            out.reported.append(Finding(rel, ln, col, index.line_text(ln)[col - 1:].strip(), "code", None,
                                        "follow-up", n.message))
    try:
        new_text = apply_edits(text, edits)
    except OverlapError as exc:
        out.status, out.reason = "failed", f"{lang.name} transformer produced {exc}"
        out.new = data
        return out
    out.new = dec.encode(new_text)
    if out.new != data:
        out.status = "changed"
    return out


def _dump_untouched(out: FileOutcome, data: bytes, edits: list[Edit], spans: list, recipe: Recipe, root: Path,
                    rel: str, all_files: frozenset[str]) -> list[Edit]:
    """The edits left to make: none in a schema dump (runsmig.sql.dump), whose words are kept with
    the database's names (``stored: keep``) or listed as follow-ups (dump it again), else all."""
    from runsmig.recipe.sections.stored import keeps_stored
    from runsmig.sql.dump import dump_tool, generator

    tool = dump_tool(data)
    if tool is None:
        return edits
    made = {(e.start, e.end) for e in edits}
    if keeps_stored(recipe):
        why = f"stored: a schema dump ({tool}) pictures the database, which keeps its names"
        out.allowed += [Finding(**{**f.__dict__, "allowed_by": "stored", "stored": f.stored or "schema dump",
                                   "message": why}) for f in out.applied]
        spans[:] = [(a, b, "allowed" if (a, b) in made and label == "term" else label) for a, b, label in spans]
    else:
        how = generator(root, rel, all_files, tool)
        by = f" ({how})" if how else f" with {tool}"
        out.reported += [Finding(**{**f.__dict__, "rule": "follow-up", "replacement": None,
                                    "message": f"schema dump ({tool}): never edited as text; dump the schema again "
                                               f"after apply and migrate{by}"}) for f in out.applied]
    out.applied = []
    return []


def _allowed_whole(out: FileOutcome, data: bytes, engine: TermEngine, reason: str, text: str | None = None,
                   index: LineIndex | None = None) -> FileOutcome:
    """A file accepted whole (an allowlist entry, released history): every raw occurrence, term or
    not, is covered by it; its bytes stay as they are (not valid UTF-8 too: it is never rewritten)."""
    if text is None:
        try:
            text = decode(data).text
        except DecodeFailure:
            text = data.decode("utf-8", "surrogateescape")
        index = LineIndex(text)
    for m in engine.raw_re.finditer(text):
        ln, col = index.pos(m.start())
        out.allowed.append(Finding(out.rel, ln, col, m.group(0), "text", None, "term", allowed_by=reason))
    out.raw = len(out.allowed)
    out.coverage["allowed"] = out.raw
    out.new = data
    return out


def _over_limit(data: bytes, limits: Limits, size_limit: int) -> str:
    """Why these bytes must not be parsed ('' when they may be): too many, or a line too long."""
    if len(data) > size_limit:
        return f"{shown_size(len(data))}, over max-file-size ({shown_size(size_limit)} for this file)"
    if len(data) <= limits.max_line_length:
        return ""
    longest, line = 0, 0
    for n, part in enumerate(data.split(b"\n"), start=1):
        if len(part) > longest:
            longest, line = len(part), n
    if longest > limits.max_line_length:
        return f"line {line} is {longest:,} bytes long, over max-line-length {limits.max_line_length:,}"
    return ""


def _too_large(full: Path, rel: str, new_rel: str, mode: int, engine: TermEngine, recipe: Recipe, size: int,
               limits: Limits) -> FileOutcome:
    """A file over the size limit: scanned as text in chunks, never held whole."""
    from runsmig.runner.textscan import count_raw, scan_file

    with open(full, "rb") as fh:
        head = fh.read(8000)
    out = FileOutcome(rel, new_rel, "unchanged", mode=mode)
    if is_binary(head):
        out.status, out.reason = ("skipped", "binary file")
        out.raw = count_raw(str(full), engine)
        return out
    out.unparsed = f"{shown_size(size)}, over max-file-size ({shown_size(limits.size_for(rel))} for this file)"
    return scan_file(str(full), out, engine, recipe, out.unparsed, size)


def _stored_names(text: str, analysis: Analysis, recipe: Recipe, engine: TermEngine):
    if not (analysis.sql or analysis.stored):
        return None  # nothing in this file can be a stored name: runsmig.sql is never imported
    from runsmig.runner.stored import stored_names

    return stored_names(text, analysis, recipe, engine)


def _stored_text(text: str, regions, e: Edit, elsewhere, engine: TermEngine):
    """(kind, stored text, path:line, the literal as written) when the string literal holding this
    edit spells a text the kept SQL emits, or a piece of it (runsmig.runner.storedtext)."""
    from runsmig.runner.storedtext import literal_of

    region = next((r for r in regions if r.start <= e.start and e.end <= r.end), None)
    if region is None:
        return None
    raw = engine.raw_re
    hit = elsewhere.text_spelled(literal_of(text, region), lambda t: raw.search(t) is not None)
    return None if hit is None else (*hit, text[region.start:region.end])


def _quoted(said: str, most: int = 80) -> str:
    one = said.replace("\n", "\\n")
    return repr(one if len(one) <= most else one[:most - 1] + "…")


def _inside(keys: list[tuple[int, int, bool]], p: int) -> bool:
    """Is ``p`` inside the key of a ``key: value`` pair (not a shorthand ``{ job_key }``)?"""
    return any(a <= p < b for a, b, shorthand in keys if not shorthand)


def _history_json_keys(data: bytes, engine: TermEngine) -> list[list]:
    """The keys of the JSON a released SQL file builds or reads (runsmig.sql.jsonkeys) that hold a
    term and read as a name of two or more word parts: deployments run that SQL as it is, so the
    keys are stored names other files keep ([spelling, kind, name, line], runsmig.runner.storedset)."""
    text = data.decode("utf-8", "surrogateescape")
    if not engine.raw_re.search(text):
        return []
    index = LineIndex(text)
    return [[key, JSON_KEY, key, index.pos(at)[0]] for key, at in json_keys(text)
            if _compound(key) and engine.find(key)]


def _listed_with(hit, e: Edit, siblings, elsewhere):
    """``hit`` (a stored name a bare word spells) when the word is an element of a list whose other
    elements spell stored names of the same kind, one of them holding two or more word parts (the
    list is of those names), with the sibling named in the message; else None."""
    for a, b, others in siblings:
        if a <= e.start and e.end <= b:
            for other in others:
                near = elsewhere.get(other)
                if near is not None and near[0] == hit[0] and _compound(other):
                    return hit[0], hit[1], f"{hit[2]}, listed beside '{other}'"
            return None
    return None


def _compound(name: str) -> bool:
    """A name of two or more word parts (``job_name``, ``jobKey``, ``_private_jobs``)."""
    return len(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)) >= 2


def _stored_kind(stored, e: Edit, f: Finding, read: frozenset[int] = frozenset(), code: bool = False) -> str | None:
    """The kind of the stored name this edit would rename (None: not a stored name). An edit that
    writes a stored name out (an ORM column named explicitly) is one already. Beside the file's
    SQL, a snake_case word of a string that spells a stored name (``"job_id = $1"``, a piece of
    SQL too short to read) and a member access that reads one (``row.job_id``, see
    :func:`_read_by_name`) are that name; ``code``: not a string that names the code
    (``Analysis.code_names``: a key of a dict compared with a queryset's ``.values()``)."""
    if f.stored:
        return None
    kept = stored.at(e.start, e.end)
    if kept is not None:
        return kept.kind
    if code:
        return None
    if f.kind == "string" and "_" in f.word and f.word in stored.names:
        return stored.names[f.word]
    if e.start in read:
        return stored.names[f.word]
    return stored.spelled(f)


def _read_by_name(text: str, edits: list[Edit], stored) -> frozenset[int]:
    """The edits (by start) of member accesses that read a stored name of this file which its code
    never declares (``row.job_id``, and no variable, parameter, attribute or property of its own
    called ``job_id``): a row read by column name, kept with the column. A name the code also
    declares is the code's: renamed, and noted (:func:`_member_note`)."""
    if stored is None:
        return frozenset()
    reads: dict[str, list[int]] = {}
    declared: set[str] = set()
    for e in edits:
        f = e.finding
        if f is None or f.kind != "identifier" or f.word not in stored.names:
            continue
        if _member(text, e.start) and not _declares(text, e.start):
            reads.setdefault(f.word, []).append(e.start)
        else:
            declared.add(f.word)
    return frozenset(p for word, starts in reads.items() if word not in declared for p in starts)


def _declares(text: str, p: int) -> bool:
    """Is the member whose word holds ``p`` assigned or declared (``self.job_id = …``,
    ``this.job_id: string``)?"""
    while p < len(text) and (text[p].isalnum() or text[p] in "_$"):
        p += 1
    rest = text[p:p + 3].lstrip(" \t")
    if rest[:1] == "!":  # ``this.job_id!: string`` declares; ``row.job_id != null`` compares
        return rest[1:2] == ":"
    return rest[:1] == ":" or (rest[:1] == "=" and rest[1:2] not in ("=", ">"))


def _member(text: str, p: int) -> bool:
    """Is the word at ``p`` a member access (``row.job_name``)?"""
    while p > 0 and (text[p - 1].isalnum() or text[p - 1] in "_$"):
        p -= 1
    return p > 0 and text[p - 1] == "."


def _member_note(text: str, e: Edit, f: Finding, kind: str) -> Finding:
    """A name of the code spelled like a stored name this file keeps (``row.job_name`` beside
    ``SELECT job_name``): renamed with the code, and listed, since a row read by name breaks."""
    return Finding(**{**f.__dict__, "rule": "follow-up", "replacement": None, "literal": "", "literal_replacement": "",
                      "message": f"'{f.word}' is renamed to '{f.word_replacement}' but spells the stored {kind} "
                                 f"'{f.word}' kept in this file's SQL: if it reads a row by column name, keep it "
                                 f"(a recipe 'keep:' word or '# runsmig: ignore')"})


KEY_PREFIX = "key prefix"
# a namespaced key or channel: two or more parts joined by ':' (``rq:job:``, ``jobs:insert``,
# ``job:{id}``, ``queue:%s``); no dot, slash or space (a module:attribute entry point, a URL, a
# sentence), and not one word and a colon (``"job:"``, a label)
_PART = r"(?:[\w$-]+|\{[^{}:./\s]*\}|\$\{[^{}:/\s]*\}|%[sd]|\*)"
_NAMESPACED = re.compile(rf"{_PART}(?::{_PART}?)+")


def _quoted_word(text: str, start: int, end: int) -> str | None:
    """The word around text[start:end] when it stands alone between a pair of quotes ("add_job")."""
    a, b = start, end
    while a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_"):
        a -= 1
    while b < len(text) and (text[b].isalnum() or text[b] == "_"):
        b += 1
    if a == 0 or b >= len(text) or text[a - 1] not in "\"'`" or text[b] != text[a - 1]:
        return None
    return text[a:b]


def _key_namespace(recipe: Recipe, rel: str, literal: str) -> bool:
    """A literal spelling a namespaced key (``'rq:job:'``, a Redis key prefix; ``'jobs:insert'``, a
    channel or event name): under ``stored: keep`` it names what storage and listeners already hold,
    so it is a stored value, kept and listed, unless a recipe ``literals:`` entry says otherwise."""
    from runsmig.recipe.sections.stored import keeps_stored

    text = unquote(literal)
    parts = [p for p in text.split(":") if p]
    if _NAMESPACED.fullmatch(text) is None or len(parts) < 2 or not keeps_stored(recipe):
        return False
    # a part of the namespace is the term itself ('rq:job:', 'jobs:insert'), not a name holding it
    # ('job_id:execution_id', the fields of a composite key, follow the names they spell)
    forms = {w.lower() for t in recipe.terms for w in (t.singular, t.plural)}
    if not any(p.lower() in forms for p in parts):
        return False
    section = recipe.sections.get("literals")
    return section is None or section.rule_for(rel, literal) is None


def _kept_literal(recipe: Recipe, rel: str, f: Finding) -> str | None:
    """The reason of a recipe ``literals:`` entry that keeps this identifier-like literal."""
    section = recipe.sections.get("literals") if f.literal else None
    rule = section.rule_for(rel, f.literal) if section is not None else None
    if rule is not None and rule.stored == "keep":
        return "stored"
    return f"literal kept: {rule.reason}" if rule is not None and rule.action == "keep" and not rule.stored else None


def _with_transforms(ctx: FileContext, analysis: Analysis, timeout: float = DEFAULT_LIMITS.transform_timeout) -> Analysis:
    """Recipe transforms first; language edits overlapping a transform edit are dropped. Each runs
    in a child process of its own, for at most ``timeout`` seconds (runsmig.sandbox): whatever it
    raises, an exit or a hang fails this file, never the run."""
    from runsmig import sandbox

    ts = recipe_transforms_for(ctx.recipe, ctx.rel)
    if not ts or analysis.failed:
        return analysis
    t_edits: list[Edit] = []
    t_findings: list[Finding] = []
    owner: dict[int, str] = {}  # id(edit) -> transform name, to name both sides of a clash
    for t in ts:
        res = sandbox.call(t.run, ctx, timeout)
        if res.failed:
            return Analysis(failed=f"transform {t.name}: {res.failed}", failed_line=res.failed_line)
        for e in res.edits:
            if e.finding is None:
                old = ctx.text[e.start:e.end]
                n = old.count("\n") + 1
                f = ctx.finding(e.start, e.end, "code", e.text, "transform",
                                f"transform {t.name}: rewrites {n} line(s)")
                e = Edit(e.start, e.end, e.text, Finding(**{**f.__dict__, "text": old}))
            t_edits.append(e)
            owner[id(e)] = t.name
        t_findings.extend(res.findings)
    if not t_edits and not t_findings:
        return analysis
    clash = _transform_clash(ctx, t_edits, owner)
    if clash:
        return Analysis(failed=clash[0], failed_line=clash[1])
    spans = sorted((e.start, e.end) for e in t_edits)
    keep = [e for e in analysis.edits if not any(a < e.end and e.start < b or (a == b == e.start) for a, b in spans)]
    lang_findings = [f for f in analysis.findings
                     if not (f.line and any(a <= ctx.index.offset(f.line, f.col) < b for a, b in spans))]
    return replace(analysis, edits=t_edits + keep, findings=t_findings + lang_findings)


def _transform_clash(ctx: FileContext, edits: list[Edit], owner: dict[int, str]) -> tuple[str, int] | None:
    """Two transforms editing the same text would lose one of the edits: the file fails instead
    (exact duplicates, such as the same import inserted by both, are one edit)."""
    unique = list({(e.start, e.end, e.text): e for e in edits}.values())
    for i, a in enumerate(unique):
        for b in unique[i + 1:]:
            if owner[id(a)] != owner[id(b)] and _overlap(a, b):
                line = ctx.index.pos(max(a.start, b.start))[0]
                return (f"transforms {owner[id(a)]} and {owner[id(b)]} edit the same text (line {line}); "
                        "one of them must change its anchor", line)
    return None


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return False  # two insertions: both are made
    if a.start == a.end:
        return b.start <= a.start < b.end
    if b.start == b.end:
        return a.start <= b.start < a.end
    return a.start < b.end and b.start < a.end


def _reconcile(out: FileOutcome, text: str, engine: TermEngine, index: LineIndex,
               spans: list[tuple[int, int, str]]) -> None:
    """Classify every raw stem occurrence (what ``git grep -i -o`` counts) exactly once:
    covered by an allowlisted, suppressed, external or term span, or not the term at all."""
    import heapq

    raw = list(engine.raw_re.finditer(text))
    out.raw = len(raw)
    rank = {"allowed": 0, "suppressed": 1, "external": 2, "term": 3}
    ordered = sorted(spans, key=lambda s: s[0])
    active: list[tuple[int, str]] = []  # (end, label) of the spans begun at or before p
    i = 0
    for m in raw:  # in order: one sweep over the spans (a span list per occurrence was quadratic)
        p = m.start()
        while i < len(ordered) and ordered[i][0] <= p:
            heapq.heappush(active, (ordered[i][1], ordered[i][2]))
            i += 1
        while active and active[0][0] <= p:
            heapq.heappop(active)
        labels = [lab for _, lab in active]
        if labels:
            label = min(labels, key=rank.__getitem__)
            out.coverage[label] = out.coverage.get(label, 0) + 1
            continue
        ws = p
        while ws > 0 and (text[ws - 1].isalnum() or text[ws - 1] == "_"):
            ws -= 1
        we = m.end()
        while we < len(text) and (text[we].isalnum() or text[we] == "_"):
            we += 1
        ln, col = index.pos(p)
        word = text[ws:we]
        out.non_term.append((ln, col, word if len(word) <= 80 else f"{word[:60]}…({len(word):,} characters)"))


def _names_moved_module(data: bytes, recipe: Recipe) -> bool:
    keys = module_keys(recipe)
    if not keys:
        return False
    low = data.lower()
    return any(k in low for k in keys)


# -- process pool -------------------------------------------------------------
