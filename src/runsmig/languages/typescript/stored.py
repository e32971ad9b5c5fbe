"""Where stored names may be in TypeScript/JavaScript, for ``stored: keep`` (runsmig.runner.stored
decides): string and template literals that may be SQL (a template's ``${expr}`` is a hole, an
escape sequence a blank), and the names a TypeORM entity declares: ``@Entity("jobs")``,
``@Entity({ name: "jobs" })``, ``@Column({ name: "job_id" })``, ``@JoinColumn({ name: "job_id",
referencedColumnName: "id" })``, ``@JoinTable({ name: "job_tags" })``, ``@Index("ix_jobs_state")``,
``@Unique("uq_jobs", [...])``; and the keys of object literals (``{ jobId: job.id }``): a value
of the file's SQL that spells one is a payload key, renamed with the code."""

from __future__ import annotations

from runsmig.findings import SqlRegion, StoredSpan

_DECORATORS = {"Entity": "table", "ViewEntity": "view", "Index": "index", "Unique": "constraint",
               "Check": "constraint", "Column": "column", "PrimaryColumn": "column",
               "PrimaryGeneratedColumn": "column", "CreateDateColumn": "column", "UpdateDateColumn": "column",
               "DeleteDateColumn": "column", "VersionColumn": "column", "JoinColumn": "column",
               "JoinTable": "table"}
_FIRST_STRING = {"Entity", "ViewEntity", "Index", "Unique", "Check"}  # Column("varchar"): a type, not a name
_KEYS = {"referencedColumnName": "column", "schema": "schema", "database": "database",
         "foreignKeyConstraintName": "constraint", "primaryKeyConstraintName": "constraint",
         "enumName": "type"}


def regions(root, span, text: str, has_term) -> list[SqlRegion]:
    out: list[SqlRegion] = []
    for node in root.find_all(any=[{"kind": "string"}, {"kind": "template_string"}]):
        a, b = span(node)
        if b - a < 2 or not has_term(a, b):
            continue
        holes = []
        for child in node.children():
            kind = child.kind()
            if kind == "template_substitution":
                holes.append((*span(child), False))
            elif kind == "escape_sequence":
                holes.append((*span(child), True))
        out.append(SqlRegion(a + 1, b - 1, tuple(holes)))
    return out


def entity_names(root, span, text: str, has_term) -> list[StoredSpan]:
    out: list[StoredSpan] = []

    def add(node, kind: str) -> None:
        if node is None or node.kind() != "string":
            return
        a, b = span(node)
        a, b = a + 1, b - 1
        if b > a and has_term(a, b):
            out.append(StoredSpan(a, b, kind, text[a:b]))

    for deco in root.find_all(kind="decorator"):
        call = next((c for c in deco.children() if c.kind() == "call_expression"), None)
        if call is None:
            continue
        fn = call.field("function")
        name = fn.text().rsplit(".", 1)[-1] if fn is not None else ""
        kind = _DECORATORS.get(name)
        if kind is None:
            continue
        args = call.field("arguments")
        for i, arg in enumerate(c for c in (args.children() if args else []) if c.is_named()):
            if arg.kind() == "string" and i == 0 and name in _FIRST_STRING:
                add(arg, kind)
            elif arg.kind() == "object":
                for pair in arg.children():
                    if pair.kind() != "pair":
                        continue
                    key = pair.field("key")
                    k = key.text().strip("'\"") if key is not None else ""
                    if k == "name":
                        add(pair.field("value"), kind)
                    elif k in _KEYS:
                        add(pair.field("value"), _KEYS[k])
    return out


def listed(root, span, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Plain string elements of one array literal (no substitution), the quotes left out, with the
    other elements' texts (runsmig.findings.Analysis.siblings)."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for arr in root.find_all(kind="array"):
        strings = []
        for el in arr.children():
            if el.kind() == "string" or (el.kind() == "template_string" and el.find(kind="template_substitution") is None):
                a, b = span(el)
                if b - a >= 2:
                    strings.append((a + 1, b - 1))
        if len(strings) < 2:
            continue
        texts = [text[a:b] for a, b in strings]
        for i, (a, b) in enumerate(strings):
            out.append((a, b, tuple(texts[:i] + texts[i + 1:])))
    return out


def object_keys(root, span, has_term) -> list[tuple[int, int, bool]]:
    """(start, end, shorthand) of each key of an object literal that holds a term: the ``key`` of
    a ``key: value`` pair, and a shorthand ``{ job1 }`` (a variable's use that is also the key:
    renamed with the variable). Not a method, nor a type's member."""
    out: list[tuple[int, int, bool]] = []
    for pair in root.find_all(kind="pair"):
        key = pair.field("key")
        if key is None or key.kind() != "property_identifier":
            continue
        a, b = span(key)
        if has_term(a, b):
            out.append((a, b, False))
    for node in root.find_all(kind="shorthand_property_identifier"):
        a, b = span(node)
        if has_term(a, b):
            out.append((a, b, True))
    return out
