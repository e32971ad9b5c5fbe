"""ade_api_run_execution_context

What it does: in ADE's ``features/runs/service.py``, ``RunExecutionContext`` loses its ``job_id`` and
``jobs_dir`` fields, their ``as_dict``/``from_dict`` keys and every ``job_id=``/``jobs_dir=``
keyword passed for them; ``prepare_run`` loses the matching parameters; the engine's working
folder is ``<runs_dir>/<run id>`` (``self._runs_dir / run.id``) and the engine metadata no longer
carries a ``job_id`` beside ``run_id``.
Why: a job id could override the run's folder, and a jobs root could override the storage root;
with jobs gone, storage is keyed by run id under the one runs root. Renaming the fields would
collide with ``run_id`` (and ``runs_dir`` would shadow the setting with a per-run override).
Example: ``job_id = context.job_id or run.id`` / ``jobs_root = Path(context.jobs_dir or
self._settings.jobs_dir)`` / ``job_dir = jobs_root / job_id`` -> ``run_dir = self._runs_dir / run.id``;
``"job_id": self.job_id or "",`` in ``as_dict`` -> (removed).
No-op when ``RunExecutionContext`` has no ``job_id``/``jobs_dir`` field.
"""

import re

import libcst as cst
from libcst.metadata import PositionProvider

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import resolve, shared_wrapper

PATHS = ["apps/ade-api/src/ade_api/features/runs/service.py"]

DROP = {"job_id", "jobs_dir"}


def _name(node):
    return node.value if isinstance(node, cst.Name) else None


def _key(element):
    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
        return element.key.evaluated_value
    return None


class _Finder(cst.CSTVisitor):
    def __init__(self):
        self.fields = []  # SimpleStatementLine of dropped dataclass fields
        self.items = []  # (item, siblings) to remove from a comma-separated list
        self.engine_dir = []  # statements that derive the engine folder from the context
        self.has_run_id_field = False
        self.in_context = 0

    def visit_ClassDef(self, node):
        if node.name.value == "RunExecutionContext":
            self.in_context += 1
            for stmt in node.body.body:
                if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.AnnAssign):
                    name = _name(stmt.body[0].target)
                    if name in DROP:
                        self.fields.append(stmt)
                    elif name == "run_id":
                        self.has_run_id_field = True

    def leave_ClassDef(self, node):
        if node.name.value == "RunExecutionContext":
            self.in_context -= 1

    def visit_Dict(self, node):
        keys = {_key(e) for e in node.elements}
        if "run_id" in keys:
            self.items += [(e, node.elements) for e in node.elements if _key(e) in DROP]

    def visit_Call(self, node):
        callee = _name(node.func)
        if callee == "RunExecutionContext" or (callee == "cls" and self.in_context):
            self.items += [(a, node.args) for a in node.args if a.keyword is not None and a.keyword.value in DROP]

    def visit_Parameters(self, node):
        names = {p.name.value for p in node.kwonly_params}
        if DROP <= names:
            self.items += [(p, node.kwonly_params) for p in node.kwonly_params if p.name.value in DROP]


def _bounds(ctx, pos, item):
    """(start, end) of an item without its comma: LibCST gives a parameter's position oddly, so
    measure from its first to its last significant child."""
    if isinstance(item, cst.Param):
        first, last = item.name, item.default or (item.annotation and item.annotation.annotation) or item.name
    elif isinstance(item, cst.Arg):
        first, last = item.keyword or item.value, item.value
    else:
        first, last = item.key, item.value
    a, b = pos[first], pos[last]
    return ctx.index.offset(a.start.line, a.start.column + 1), ctx.index.offset(b.end.line, b.end.column + 1)


def _remove_items(ctx, pos, siblings, drop):
    """Edits removing the ``drop`` indexes of a comma-separated list: whole lines when an item has
    its lines alone, else the item and one separating comma."""
    bounds = [_bounds(ctx, pos, item) for item in siblings]
    kept = [i for i in range(len(siblings)) if i not in drop]
    edits = []
    for i in sorted(drop):
        start, end = bounds[i]
        line_start = ctx.text.rfind("\n", 0, start) + 1
        m = re.match(r"[ \t]*,?[ \t]*(#[^\n]*)?\n", ctx.text[end:])
        if not ctx.text[line_start:start].strip() and m:
            edits.append(Edit(line_start, end + m.end(), ""))
        elif any(k > i for k in kept) or not kept:
            nxt = bounds[i + 1][0] if i + 1 < len(siblings) else end + len(re.match(r"[ \t]*,?", ctx.text[end:]).group(0))
            edits.append(Edit(start, nxt, ""))
        else:
            prev_end = bounds[i - 1][1]
            if "#" in ctx.text[prev_end:start]:
                return None
            edits.append(Edit(prev_end, end, ""))
    return edits


def _engine_dir(ctx, wrapper, pos, engine):
    """``X = context.job_id or <run>``, ``Y = Path(context.jobs_dir or ...)``, ``Z = Y / X``:
    one ``<Z renamed> = self._runs_dir / <run>``; returns edits or None when the shape differs."""
    edits = []
    for fn in (n for n in _walk(wrapper.module) if isinstance(n, cst.FunctionDef)):
        if not isinstance(fn.body, cst.IndentedBlock):
            continue
        stmts = list(fn.body.body)
        assigns = {}
        for s in stmts:
            if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Assign) \
                    and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name):
                assigns[s.body[0].targets[0].target.value] = s
        code = cst.Module(body=[])
        id_var = root_var = None
        for name, s in assigns.items():
            text = code.code_for_node(s.body[0].value)
            if re.fullmatch(r"context\.job_id or (.+)", text):
                id_var, run_expr = name, re.fullmatch(r"context\.job_id or (.+)", text).group(1)
            elif text.startswith("Path(context.jobs_dir or"):
                root_var = name
        if id_var is None and root_var is None:
            continue
        if id_var is None or root_var is None:
            return None
        target = next((n for n, s in assigns.items()
                       if code.code_for_node(s.body[0].value).replace(" ", "") == f"{root_var}/{id_var}"), None)
        if target is None:
            return None
        for name in (id_var, root_var):
            r = pos[assigns[name]]
            edits.append(Edit(ctx.index.offset(r.start.line, 1), ctx.index.offset(r.end.line + 1, 1), ""))
        r = pos[assigns[target]]
        edits.append(Edit(ctx.index.offset(r.start.line, r.start.column + 1), ctx.index.offset(r.end.line, r.end.column + 1),
                          f"{engine.rewrite(target)} = self._runs_dir / {run_expr}"))
    return edits


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def transform(ctx):
    wrapper = shared_wrapper(ctx)  # the file's one parse, shared with the Python pass
    pos = resolve(ctx, PositionProvider)[PositionProvider]
    finder = _Finder()
    wrapper.module.visit(finder)
    if not finder.fields or not finder.has_run_id_field:
        return Analysis()
    if "self._jobs_dir = " not in ctx.text:
        return Analysis()  # not ADE's shape: no runs root to key the folder on
    dirs = _engine_dir(ctx, wrapper, pos, ctx.engine)
    if dirs is None:
        return Analysis()
    edits = list(dirs)
    for stmt in finder.fields:
        r = pos[stmt]
        edits.append(Edit(ctx.index.offset(r.start.line, 1), ctx.index.offset(r.end.line + 1, 1), ""))
    groups = {}
    for item, siblings in finder.items:
        groups.setdefault(id(siblings), (siblings, set()))[1].add([id(x) for x in siblings].index(id(item)))
    for siblings, drop in groups.values():
        removed = _remove_items(ctx, pos, list(siblings), drop)
        if removed is None:
            return Analysis()
        edits += removed
    return Analysis(edits=edits)
