"""The database objects a series of SQL migrations leaves behind, read with sqlglot.

:func:`replay` takes the released migrations' SQL in order and returns a :class:`Catalog`: the
tables with their columns, the constraints and indexes (with the names PostgreSQL gives the
unnamed ones: ``jobs_pkey``, ``steps_job_id_fkey``, ``jobs_name_key``, ``steps_pos_idx``), the
sequences (``SERIAL`` and identity columns own ``<table>_<column>_seq``), the types and their enum
values, and the functions, triggers and views with the statement that defined them, as released.

Names are read from the text with its placeholders masked (``:SCHEMA`` psql variables, ``$1``): a
schema qualifier is kept as written (``:GRAPHILE_WORKER_SCHEMA``, ``app``) in :attr:`Obj.schema`, so
the statements that rename an object name it as the history did. An unnamed object whose name is
taken already gets PostgreSQL's next one (``jobs_pkey1`` beside a renamed table's ``jobs_pkey``).

What sqlglot reads only as an opaque command (``ALTER TYPE ... ADD VALUE``, ``ALTER TABLE ...
RENAME CONSTRAINT``, a plpgsql ``CREATE FUNCTION``) is read from its tokens; a statement neither
can place is listed in :attr:`Catalog.unread` (never guessed).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

NAMEDATALEN = 63  # PostgreSQL truncates identifiers to this many bytes

RELATIONS = ("table", "view", "index", "sequence")  # one namespace in PostgreSQL


@dataclass(frozen=True)
class Obj:
    kind: str  # table, column, constraint, index, sequence, type, enum value, attribute, function, trigger, view
    name: str
    table: str | None = None  # column, constraint, index, trigger: its table; enum value, attribute: its type
    sql: str | None = None  # function, trigger, view: the statement that defined it, as released
    args: str | None = None  # function: its argument list (for DROP FUNCTION)
    index: bool = False  # constraint: a primary key or unique constraint (its index has its name)
    where: str = ""  # the migration file that made it (last)
    schema: str = ""  # the schema qualifier as the history writes it (its table's, for a column ...)
    type: str = ""  # column: its data type as PostgreSQL writes it (``VARCHAR(128)``, ``TEXT``); "" unknown


@dataclass
class Catalog:
    objects: list[Obj] = field(default_factory=list)  # in creation order
    unread: list[tuple[str, str]] = field(default_factory=list)  # (file, statement head) not placed

    def of(self, kind: str) -> list[Obj]:
        return [o for o in self.objects if o.kind == kind]

    def find(self, kind: str, name: str, table: str | None = None) -> Obj | None:
        for o in self.objects:
            if o.kind == kind and o.name == name and (table is None or o.table == table):
                return o
        return None

    def names(self, kinds: tuple[str, ...]) -> set[str]:
        return {o.name for o in self.objects if o.kind in kinds}

    def add(self, obj: Obj) -> None:
        self.drop(obj.kind, obj.name, obj.table)
        self.objects.append(obj)

    def drop(self, kind: str, name: str, table: str | None = None) -> None:
        self.objects = [o for o in self.objects
                        if not (o.kind == kind and o.name == name and (table is None or o.table == table))]

    def drop_table(self, table: str) -> None:
        owned = {o.name for o in self.objects if o.kind == "sequence" and o.table == table}
        self.objects = [o for o in self.objects if not (
            (o.kind == "table" and o.name == table) or (o.kind in ("column", "constraint", "index", "trigger")
                                                        and o.table == table)
            or (o.kind == "sequence" and o.name in owned))]

    def rename(self, kind: str, old: str, new: str, table: str | None = None) -> None:
        for i, o in enumerate(self.objects):
            if o.kind == kind and o.name == old and (table is None or o.table == table):
                self.objects[i] = replace(o, name=new)
        if kind == "table":
            self.objects = [replace(o, table=new) if o.kind in ("column", "constraint", "index", "trigger", "sequence")
                            and o.table == old else o for o in self.objects]
        elif kind == "type":
            self.objects = [replace(o, table=new) if o.kind in ("enum value", "attribute") and o.table == old else o
                            for o in self.objects]
        elif kind == "index":  # the constraint an index backs shares its name
            for i, o in enumerate(self.objects):
                if o.kind == "constraint" and o.index and o.name == old:
                    self.objects[i] = replace(o, name=new)
        elif kind == "constraint":
            for i, o in enumerate(self.objects):
                if o.kind == "index" and o.name == old and o.table == table:
                    self.objects[i] = replace(o, name=new)


def object_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL makes for an unnamed object (``makeObjectName``): ``name1_name2_label``,
    the longer of name1/name2 shortened until it fits in NAMEDATALEN bytes."""
    n1, n2 = name1.encode(), (name2 or "").encode()
    overhead = len(label) + 1 + (1 if name2 else 0)
    while len(n1) + len(n2) + overhead > NAMEDATALEN:
        if len(n1) > len(n2):
            n1 = n1[:-1]
        else:
            n2 = n2[:-1]
    parts = [n1.decode(errors="ignore")] + ([n2.decode(errors="ignore")] if name2 else []) + [label]
    return "_".join(parts)


def replay(files: list[tuple[str, str]], dialect: str = "postgres") -> Catalog:
    """The catalog after the migrations ``files`` ((name, SQL text), in the order they run)."""
    from runsmig.sql.reader import _dialect, _statements

    from runsmig.sql.mask import mask

    d = _dialect(dialect)
    cat = Catalog()
    for where, text in files:
        masked = mask(text)[0]  # a psql variable (:SCHEMA) reads as a name of the same length
        try:
            tokens = d.tokenize(masked)
        except Exception:
            cat.unread.append((where, "(not tokenized)"))
            continue
        for stmt in _statements(tokens):
            sql = text[stmt[0].start:stmt[-1].end + 1]
            try:
                _apply(cat, d, stmt, _Text(masked, text), sql, where)
            except Exception:
                cat.unread.append((where, " ".join(text[t.start:t.end + 1] for t in stmt[:4])))
    return cat


class _Text(str):
    """The masked text (what the parser reads), with the text as written beside it."""

    def __new__(cls, masked: str, written: str):
        out = super().__new__(cls, masked)
        out.written = written
        return out


def _qualified(stmt, i: int, text) -> tuple[str, str, int]:
    """The name at token ``i`` (``schema . name`` or ``name``): (name, schema as written, next index)."""
    from sqlglot.tokens import TokenType

    if i + 2 < len(stmt) and stmt[i + 1].token_type == TokenType.DOT:
        written = getattr(text, "written", text)
        return _tok(stmt[i + 2]), written[stmt[i].start:stmt[i].end + 1], i + 3
    return _tok(stmt[i]), "", i + 1


def _after(stmt, words: list[str], first: int, text) -> tuple[str, str, int]:
    """The (qualified) name after ``first`` and any IF [NOT] EXISTS / ONLY."""
    i = first
    while i < len(words) and words[i] in ("IF", "NOT", "EXISTS", "ONLY"):
        i += 1
    return _qualified(stmt, i, text)


def _choose(cat: Catalog, name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's ChooseRelationName: ``name1_name2_label``, else ``..._label1``, ``label2`` ...
    while a table, view, index, sequence or index-backed constraint has the name."""
    taken = cat.names(RELATIONS) | {o.name for o in cat.objects if o.kind == "constraint" and o.index}
    name, n = object_name(name1, name2, label), 0
    while name in taken:
        n += 1
        name = object_name(name1, name2, f"{label}{n}")
    return name


def _ident(node) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Identifier):
        return node.name if node.quoted else node.name.lower()
    if isinstance(node, (exp.Table, exp.Column)):
        return _ident(node.this)
    if isinstance(node, exp.Schema):
        return _ident(node.this)
    return str(node.name if hasattr(node, "name") else node).lower()


def _tok(t) -> str:
    from sqlglot.tokens import TokenType

    return t.text if t.token_type == TokenType.IDENTIFIER else t.text.lower()


def _apply(cat: Catalog, d, stmt, text: str, sql: str, where: str) -> None:
    from sqlglot import exp

    words = [t.text.upper() for t in stmt]
    written = getattr(text, "written", text)
    head = " ".join(written[t.start:t.end + 1] for t in stmt[:4])
    if words[:2] == ["ALTER", "TABLE"] and _no_names(words):
        return  # row level security, owner, storage: no object made or renamed
    if words[0] == "CREATE" and _created_kind(words) in ("FUNCTION", "PROCEDURE"):
        return _function(cat, stmt, text, sql, where)
    if words[0] == "CREATE" and _created_kind(words) == "TRIGGER":
        return _trigger(cat, stmt, words, sql, where, text)
    if words[0] == "DROP" and len(words) > 2 and words[1] in ("FUNCTION", "PROCEDURE"):
        return _drop_function(cat, stmt, words)
    if words[:2] == ["ALTER", "TABLE"] and "RENAME" in words:
        return _rename_in_table(cat, stmt, words, text)
    if words[0] == "ALTER" and len(words) > 2 and words[1] in ("FUNCTION", "PROCEDURE", "TRIGGER") and "RENAME" in words:
        return _rename_routine(cat, d, stmt, words, text)
    if words[:2] == ["ALTER", "TYPE"] or (words[:2] == ["ALTER", "SEQUENCE"] and "RENAME" in words):
        return _alter_tokens(cat, stmt, words, where, text)
    if words[:2] == ["DROP", "TRIGGER"]:
        return _drop_trigger(cat, stmt, words, text)
    trees = [t for t in d.parser().parse(stmt, text) if t is not None]
    tree = trees[0] if len(trees) == 1 else None
    if tree is None or isinstance(tree, exp.Command):
        if words[0] in ("CREATE", "ALTER", "DROP"):
            cat.unread.append((where, head))
        return
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        k = _created_kind(words)
        at = words.index(k, 1) + (2 if k == "MATERIALIZED" else 1)
        qual = _after(stmt, words, at, text)[1]
        if kind == "TABLE":
            return _create_table(cat, tree, where, qual)
        if kind == "INDEX":
            on = words.index("ON", at)
            return _create_index(cat, tree, where, _after(stmt, words, on + 1, text)[1])
        if kind in ("VIEW", "MATERIALIZED VIEW"):
            cat.add(Obj("view", _ident(tree.this), sql=sql, where=where, schema=qual))
            return
        if kind == "SEQUENCE":
            cat.add(Obj("sequence", _ident(tree.this), where=where, schema=qual))
            return
        if kind == "TYPE":
            name = _ident(tree.this)
            cat.add(Obj("type", name, where=where, schema=qual))
            expr = tree.args.get("expression")
            if isinstance(expr, exp.Schema):  # a composite type: its attributes
                for a in expr.expressions:
                    if isinstance(a, exp.ColumnDef):
                        cat.add(Obj("attribute", _ident(a.this), table=name, where=where, schema=qual))
            if isinstance(expr, exp.DataType):
                for v in expr.expressions:
                    if isinstance(v, exp.Literal):
                        cat.add(Obj("enum value", v.this, table=name, where=where))
            return
        cat.unread.append((where, head))
        return
    if isinstance(tree, exp.Alter):
        return _alter(cat, tree, where, _after(stmt, words, 2, text)[1])
    if isinstance(tree, exp.Drop):
        kind = str(tree.args.get("kind") or "").upper()
        for t in tree.args.get("tables") or []:
            name = _ident(t)
            if kind == "TABLE":
                cat.drop_table(name)
            elif kind in ("INDEX", "VIEW", "SEQUENCE", "TYPE", "FUNCTION", "PROCEDURE", "TRIGGER",
                          "MATERIALIZED VIEW"):
                k = {"MATERIALIZED VIEW": "view", "PROCEDURE": "function"}.get(kind, kind.lower())
                cat.drop(k, name)
                if k == "type":
                    cat.objects = [o for o in cat.objects
                                   if not (o.kind in ("enum value", "attribute") and o.table == name)]
                if k == "index":
                    cat.objects = [o for o in cat.objects if not (o.kind == "constraint" and o.index and o.name == name)]
        return
    # DML, COMMENT, GRANT ...: no object made


def _no_names(words: list[str]) -> bool:
    """ALTER TABLE t {ENABLE|DISABLE|FORCE|NO FORCE} ROW LEVEL SECURITY, OWNER TO, REPLICA IDENTITY:
    actions that make, rename or drop no named object (alone in their statement)."""
    text = " ".join(words)
    return "," not in words and any(p in text for p in (" ROW LEVEL SECURITY", " OWNER TO ", " REPLICA IDENTITY "))


def _created_kind(words: list[str]) -> str:
    i = 1
    if words[i:i + 2] == ["OR", "REPLACE"]:
        i += 2
    while i < len(words) and words[i] in ("CONSTRAINT", "TEMP", "TEMPORARY", "UNLOGGED"):
        i += 1
    return words[i] if i < len(words) else ""


def _create_table(cat: Catalog, tree, where: str, qual: str = "") -> None:
    from sqlglot import exp

    schema = tree.this
    if not isinstance(schema, exp.Schema):
        cat.unread.append((where, "CREATE TABLE ... AS"))
        return
    table = _ident(schema.this)
    cat.drop_table(table)
    cat.add(Obj("table", table, where=where, schema=qual))
    for e in schema.expressions:
        if isinstance(e, exp.ColumnDef):
            _column(cat, table, e, where)
        else:
            _table_constraint(cat, table, e, where)


def _column(cat: Catalog, table: str, col, where: str) -> None:
    from sqlglot import exp

    name = _ident(col.this)
    qual = _schema_of(cat, table)
    kind = col.args.get("kind")
    cat.add(Obj("column", name, table=table, where=where, schema=qual,
                type=kind.sql("postgres") if isinstance(kind, exp.DataType) else ""))
    if isinstance(kind, exp.DataType) and kind.this in (exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL,
                                                        exp.DataType.Type.SMALLSERIAL):
        cat.add(Obj("sequence", _choose(cat, table, name, "seq"), table=table, where=where, schema=qual))
    for c in col.args.get("constraints") or []:
        ck = c.args.get("kind")
        given = _ident(c.this) if c.this is not None else None
        if isinstance(ck, exp.GeneratedAsIdentityColumnConstraint):
            cat.add(Obj("sequence", _choose(cat, table, name, "seq"), table=table, where=where, schema=qual))
        elif isinstance(ck, exp.PrimaryKeyColumnConstraint):
            _constraint(cat, table, given or _choose(cat, table, None, "pkey"), True, where)
        elif isinstance(ck, exp.UniqueColumnConstraint):
            _constraint(cat, table, given or _choose(cat, table, name, "key"), True, where)
        elif isinstance(ck, exp.Reference):
            _constraint(cat, table, given or object_name(table, name, "fkey"), False, where)
        elif isinstance(ck, exp.CheckColumnConstraint):
            _constraint(cat, table, given or object_name(table, name, "check"), False, where)


def _constraint(cat: Catalog, table: str, name: str, index: bool, where: str) -> None:
    cat.add(Obj("constraint", name, table=table, index=index, where=where, schema=_schema_of(cat, table)))


def _schema_of(cat: Catalog, table: str | None) -> str:
    t = cat.find("table", table) if table else None
    return t.schema if t is not None else ""


def _cols(node) -> list[str]:
    from sqlglot import exp

    if node is None:
        return []
    if isinstance(node, exp.Schema):
        return [_ident(e) for e in node.expressions]
    return [_ident(e) for e in getattr(node, "expressions", []) if isinstance(e, (exp.Identifier, exp.Column))]


def _table_constraint(cat: Catalog, table: str, e, where: str, given: str | None = None) -> None:
    from sqlglot import exp

    if isinstance(e, exp.Constraint):
        for inner in e.expressions:
            _table_constraint(cat, table, inner, where, _ident(e.this))
        return
    if isinstance(e, exp.PrimaryKey):
        _constraint(cat, table, given or _choose(cat, table, None, "pkey"), True, where)
    elif isinstance(e, exp.UniqueColumnConstraint):
        cols = _cols(e.this)
        _constraint(cat, table, given or _choose(cat, table, "_".join(cols) or None, "key"), True, where)
    elif isinstance(e, exp.ForeignKey):
        cols = [_ident(x) for x in e.expressions]
        _constraint(cat, table, given or object_name(table, "_".join(cols) or None, "fkey"), False, where)
    elif isinstance(e, exp.CheckColumnConstraint):
        first = next(iter(e.find_all(exp.Column)), None)
        _constraint(cat, table, given or object_name(table, _ident(first) if first else None, "check"), False, where)
    elif given is not None:
        _constraint(cat, table, given, False, where)


def _create_index(cat: Catalog, tree, where: str, qual: str = "") -> None:
    from sqlglot import exp

    index = tree.this
    table = _ident(index.args["table"])
    name = index.args.get("this")
    if name is None:
        params = index.args.get("params")
        cols = []
        for o in (params.args.get("columns") or []) if params is not None else []:
            c = o.this if isinstance(o, exp.Ordered) else o
            cols.append(_ident(c) if isinstance(c, exp.Column) else "expr")
        label = _choose(cat, table, "_".join(cols) or None, "idx")
    else:
        label = _ident(name)
    cat.add(Obj("index", label, table=table, where=where, schema=qual or _schema_of(cat, table)))


def _alter(cat: Catalog, tree, where: str, qual: str = "") -> None:
    from sqlglot import exp

    kind = str(tree.args.get("kind") or "").upper()
    name = _ident(tree.this)
    for a in tree.args.get("actions") or []:
        if isinstance(a, exp.AlterRename):
            new = _ident(a.this)
            k = {"TABLE": "table", "INDEX": "index", "VIEW": "view", "SEQUENCE": "sequence"}.get(kind)
            if k:
                cat.rename(k, name, new)
            continue
        if kind != "TABLE":
            continue
        if isinstance(a, exp.ColumnDef):
            _column(cat, name, a, where)
        elif isinstance(a, exp.AddConstraint):
            for e in a.expressions:
                _table_constraint(cat, name, e, where)
        elif isinstance(a, exp.RenameColumn):
            cat.rename("column", _ident(a.this), _ident(a.args["to"]), name)
        elif isinstance(a, exp.AlterColumn) and isinstance(a.args.get("dtype"), exp.DataType):
            cat.objects = [replace(o, type=a.args["dtype"].sql("postgres"))
                           if o.kind == "column" and o.name == _ident(a.this) and o.table == name else o
                           for o in cat.objects]
        elif isinstance(a, exp.Drop):
            dk = str(a.args.get("kind") or "").upper()
            for t in a.args.get("tables") or []:
                if dk == "COLUMN":
                    cat.drop("column", _ident(t), name)
                elif dk == "CONSTRAINT":
                    cat.drop("constraint", _ident(t), name)
                    cat.drop("index", _ident(t), name)


def _alter_tokens(cat: Catalog, stmt, words: list[str], where: str, text="") -> None:
    """ALTER TYPE t RENAME TO / RENAME VALUE / ADD VALUE; ALTER SEQUENCE s RENAME TO;
    ALTER TABLE t RENAME CONSTRAINT a TO b (what sqlglot reads as a command)."""
    from sqlglot.tokens import TokenType

    name, _, i = _after(stmt, words, 2, text)
    rest = words[i:]
    if words[1] == "TYPE":
        if rest[:2] == ["RENAME", "TO"]:
            cat.rename("type", name, _tok(stmt[i + 2]))
        elif rest[:2] == ["RENAME", "VALUE"]:
            old, new = stmt[i + 2].text, stmt[i + 4].text
            cat.rename("enum value", old, new, name)
        elif rest[:2] == ["RENAME", "ATTRIBUTE"]:
            cat.rename("attribute", _tok(stmt[i + 2]), _tok(stmt[i + 4]), name)
        elif rest[:2] == ["ADD", "VALUE"]:
            vals = [t.text for t in stmt[i + 2:] if t.token_type == TokenType.STRING]
            if vals:
                cat.add(Obj("enum value", vals[0], table=name, where=where))
        return
    if words[1] == "SEQUENCE" and rest[:2] == ["RENAME", "TO"]:
        cat.rename("sequence", name, _tok(stmt[i + 2]))


def _rename_in_table(cat: Catalog, stmt, words: list[str], text="") -> None:
    """ALTER TABLE [IF EXISTS] [ONLY] t RENAME TO u | RENAME [COLUMN] a TO b | RENAME CONSTRAINT a TO b
    (PostgreSQL's forms; sqlglot reads ``RENAME a TO b`` as a table rename)."""
    table, _, i = _after(stmt, words, 2, text)
    r = words.index("RENAME", i)
    rest = words[r + 1:]
    if rest[:1] == ["TO"]:
        cat.rename("table", table, _tok(stmt[r + 2]))
    elif rest[:1] == ["CONSTRAINT"]:
        cat.rename("constraint", _tok(stmt[r + 2]), _tok(stmt[r + 4]), table)
    else:
        k = r + 2 if rest[:1] == ["COLUMN"] else r + 1
        cat.rename("column", _tok(stmt[k]), _tok(stmt[k + 2]), table)


def _rename_routine(cat: Catalog, d, stmt, words: list[str], text="") -> None:
    """ALTER FUNCTION|PROCEDURE f[(args)] RENAME TO g; ALTER TRIGGER t ON tbl RENAME TO u. The
    object keeps its released statement with the name token changed, so a recreation (a body the
    map rewrites) makes it under the name the database has."""
    old, _, i = _after(stmt, words, 2, text)
    r = words.index("RENAME")
    if words[r + 1:r + 2] != ["TO"] or r + 2 >= len(stmt):
        raise ValueError("not a rename of the object itself")
    new = _tok(stmt[r + 2])
    kind = "trigger" if words[1] == "TRIGGER" else "function"
    table = _qualified(stmt, words.index("ON", i) + 1, text)[0] if kind == "trigger" else None
    for k, o in enumerate(cat.objects):
        if o.kind == kind and o.name == old and (table is None or o.table == table):
            cat.objects[k] = replace(o, name=new, sql=_renamed_sql(d, o.sql, words[1], old, new) if o.sql else o.sql)
        elif kind == "function" and o.kind == "trigger" and o.sql:  # EXECUTE FUNCTION|PROCEDURE f()
            for keyword in ("FUNCTION", "PROCEDURE"):
                cat.objects[k] = o = replace(o, sql=_renamed_sql(d, o.sql, keyword, old, new))


def _renamed_sql(d, sql: str, keyword: str, old: str, new: str) -> str:
    """``sql`` (a CREATE statement) with the name after ``keyword`` changed from ``old`` to ``new``."""
    from sqlglot.tokens import TokenType

    from runsmig.sql.mask import mask

    tokens = d.tokenize(mask(sql)[0])  # a psql variable (:SCHEMA) reads as a name of the same length
    for k, t in enumerate(tokens):
        if t.text.upper() == keyword:
            for u in tokens[k + 1:k + 4]:
                if u.token_type != TokenType.DOT and _tok(u) == old:
                    return sql[:u.start] + new + sql[u.end + 1:]
            break
    return sql


def _drop_function(cat: Catalog, stmt, words: list[str]) -> None:
    """DROP FUNCTION [IF EXISTS] name[(args)][, ...] (sqlglot does not read argument names)."""
    from sqlglot.tokens import TokenType

    i = 4 if words[2:4] == ["IF", "EXISTS"] else 2
    depth = 0
    expect = True
    for k, t in enumerate(stmt[i:], i):
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and t.token_type == TokenType.COMMA:
            expect = True
        elif depth == 0 and expect:
            if t.text.upper() in ("CASCADE", "RESTRICT"):
                break
            if k + 2 < len(stmt) and stmt[k + 1].token_type == TokenType.DOT:
                continue  # a schema: the name follows the dot
            if t.token_type == TokenType.DOT:
                continue
            cat.drop("function", _tok(t))
            expect = False


def _function(cat: Catalog, stmt, text: str, sql: str, where: str) -> None:
    from sqlglot.tokens import TokenType

    i = next(k for k, t in enumerate(stmt) if t.text.upper() in ("FUNCTION", "PROCEDURE"))
    name = _tok(stmt[i + 1])
    qual = ""
    if i + 2 < len(stmt) and stmt[i + 2].token_type == TokenType.DOT:  # schema-qualified
        name, qual, _ = _qualified(stmt, i + 1, text)
        i += 2
    open_ = stmt[i + 2]
    depth, close = 0, None
    for t in stmt[i + 2:]:
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                close = t
                break
    written = getattr(text, "written", text)
    args = written[open_.start + 1:close.start] if close is not None else ""
    cat.add(Obj("function", name, sql=sql, args=_drop_args(args), where=where, schema=qual))


def _drop_args(args: str) -> str:
    """The argument list as DROP FUNCTION takes it: defaults left out."""
    import re

    out = []
    for part in _split_top(args):
        part = re.split(r"(?i)\s+default\s+|\s*=\s*", part.strip(), maxsplit=1)[0]
        if part:
            out.append(part)
    return ", ".join(out)


def _split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _trigger(cat: Catalog, stmt, words: list[str], sql: str, where: str, text="") -> None:
    i = next(k for k, t in enumerate(stmt) if t.text.upper() == "TRIGGER")
    name = _tok(stmt[i + 1])
    on = next(k for k, t in enumerate(stmt) if k > i and t.text.upper() == "ON")
    table, qual, _ = _qualified(stmt, on + 1, text)
    cat.add(Obj("trigger", name, table=table, sql=sql, where=where, schema=qual))


def _drop_trigger(cat: Catalog, stmt, words: list[str], text="") -> None:
    """DROP TRIGGER [IF EXISTS] name ON [schema.]table"""
    i = 4 if words[2:4] == ["IF", "EXISTS"] else 2
    name = _tok(stmt[i])
    table = _qualified(stmt, i + 2, text)[0] if i + 1 < len(words) and words[i + 1] == "ON" else None
    cat.drop("trigger", name, table)


__all__ = ["Catalog", "Obj", "object_name", "replay"]
