"""Property tests for the Python pass (issue #11): whatever the program, the term rewrite never
adds or removes a statement, the output parses, a file without the term is byte-identical, and a
second plan is empty.

Programs come from two sources: a generator of our own that writes the shapes runsmig reasons
about (classes, functions, forward references under ``from __future__ import annotations``,
repeated statements, third-party and checkout imports, strings, f-strings, comments, docstrings,
``__all__``), with the term and its target injected into names, strings and comments so that
collisions happen; and ``hypothesmith`` programs (LibCST node strategies) with the term injected into
their identifiers. ``RUNSMIG_PROPERTY_EXAMPLES`` sets the number of examples (CI keeps it small).
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, assume, given, settings

from runsmig.apply import apply_plan
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

EXAMPLES = int(os.environ.get("RUNSMIG_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("RUNSMIG_PROPERTY_RANDOM"),
                    suppress_health_check=list(HealthCheck))
TERM = re.compile(r"job", re.IGNORECASE)

# names: the term in every case and number, its target (to provoke collisions), and neutral ones
NAMES = st.sampled_from(["job", "jobs", "job_id", "jobId", "Job", "JobQueue", "run_job", "JOB_TTL", "get_jobs",
                         "run", "runs", "run_id", "Run", "RunQueue", "run_run", "RUN_TTL", "get_runs",
                         "value", "item", "helper", "Thing"])
CLASSES = st.sampled_from(["Job", "Jobs", "JobQueue", "Run", "RunQueue", "Thing"])
WORDS = st.sampled_from(["job", "jobs", "Job", "run", "runs", "the", "a", "failed", "queue", "rq:job:", "job_id"])


@st.composite
def phrase(draw) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=1, max_size=5)))


@st.composite
def expr(draw) -> str:
    n = draw(NAMES)
    return draw(st.sampled_from([
        n, f"{n}.save()", f"{n}(1)", f"{n}[0]", f"{n}.{draw(NAMES)}", repr(draw(phrase())),
        f'f"{{{n}}}:{draw(WORDS)}"', f"{draw(NAMES)}({n}={draw(NAMES)})", "None", "1",
        f"[{n}, {draw(NAMES)}]", f"{{{repr(draw(WORDS))}: {n}}}",
    ]))


@st.composite
def simple(draw) -> str:
    n = draw(NAMES)
    return draw(st.sampled_from([
        f"{n} = {draw(expr())}",
        f"{draw(expr())}",
        f"{n}: {draw(CLASSES)} | None = None",
        f"{n} += 1",
        f"# {draw(phrase())}",
        f"assert {n}, {repr(draw(phrase()))}",
        "pass",
        f"del {n}",
    ]))


@st.composite
def block(draw, depth: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            lines += draw(compound(depth + 1))
        else:
            line = draw(simple())
            lines.append(line)
            if draw(st.integers(0, 4)) == 0:
                lines.append(line)  # a statement repeated on purpose (job.save() twice)
    return lines


def indent(lines: list[str]) -> list[str]:
    return ["    " + ln for ln in lines]


@st.composite
def compound(draw, depth: int) -> list[str]:
    kind = draw(st.sampled_from(["def", "class", "if", "for", "with"]))
    if kind == "def":
        name, p, t = draw(NAMES), draw(NAMES), draw(CLASSES)
        doc = [f'"""{draw(phrase())}."""'] if draw(st.booleans()) else []
        head = f"def {name}({p}: {t} | None = None, *, {draw(NAMES)}: '{t}' = None) -> {t}:"
        return ([f"@{draw(NAMES)}"] if draw(st.booleans()) else []) + [head] + indent(doc + draw(block(depth)))
    if kind == "class":
        name = draw(CLASSES)
        body = [f"{draw(NAMES)}: int = 0", f"def {draw(NAMES)}(self) -> {name}:",
                f"    self.{draw(NAMES)} = {draw(expr())}", f"    return self"]
        return [f"class {name}({draw(st.sampled_from(['object', 'Base', 'Exception']))}):"] + indent(body)
    if kind == "if":
        return [f"if {draw(expr())}:"] + indent(draw(block(depth))) + ["else:"] + indent(draw(block(depth)))
    if kind == "for":
        return [f"for {draw(NAMES)} in {draw(expr())}:"] + indent(draw(block(depth)))
    return [f"with {draw(expr())} as {draw(NAMES)}:"] + indent(draw(block(depth)))


@st.composite
def module(draw) -> str:
    lines = ["from __future__ import annotations"] if draw(st.booleans()) else []
    imports = draw(st.lists(st.sampled_from([
        "import os", "from redis import Redis", "from rq.job import Job", "from rq import Queue as JobQueue",
        "from pkg.other import helper", "from .other import get_jobs", "from typing import TYPE_CHECKING",
        "import pkg.other as jobs",
    ]), max_size=3, unique=True))
    lines += imports
    if draw(st.booleans()):
        lines.append(f"__all__ = [{', '.join(repr(n) for n in draw(st.lists(NAMES, max_size=3)))}]")
    for _ in range(draw(st.integers(1, 4))):
        lines += draw(compound(0)) if draw(st.booleans()) else draw(block(1))
    return "\n".join(lines) + "\n"


@st.composite
def grammar_module(draw) -> str:
    """A program from hypothesmith (LibCST node strategies: any statement shape the grammar
    allows), the term injected into some of its names."""
    import hypothesmith
    import libcst as cst

    src = draw(hypothesmith.from_node(cst.Module))
    try:
        tree = cst.parse_module(src)
    except Exception:
        assume(False)
    names: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            names.add(node.value)

    tree.visit(Collect())
    assume(names)
    chosen = set(draw(st.lists(st.sampled_from(sorted(names)), max_size=3)))
    style = draw(st.sampled_from(["job_{}", "Job{}", "{}_jobs", "JOB_{}"]))

    class Inject(cst.CSTTransformer):
        def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            return updated.with_changes(value=style.format(updated.value)) if updated.value in chosen else updated

    return tree.visit(Inject()).code


def statements(src: str) -> int:
    return sum(isinstance(n, ast.stmt) for n in ast.walk(ast.parse(src)))


RECIPE_TEXT = "version: 1\nname: prop\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def check_invariants(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "co"
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(text.encode("utf-8"))
        (Path(tmp) / "recipe.yaml").write_text(RECIPE_TEXT, encoding="utf-8")
        recipe = load_recipe(Path(tmp) / "recipe.yaml")
        plan = build_plan(root, recipe, workers=1, regenerate=False)
        assert not plan.failures(), plan.failures()
        moved = {c.path: c.new_path for c in plan.changes if c.action == "rename"}
        apply_plan(plan)
        for rel, before in files.items():
            after_rel = moved.get(rel, rel)
            after = (root / after_rel).read_bytes().decode("utf-8")  # no newline translation
            if not TERM.search(before) and rel not in moved:
                assert after == before, f"{rel}: changed without the term"
            assert statements(after) == statements(before), f"{rel}: statement count changed\n{before}\n---\n{after}"
        again = build_plan(root, recipe, workers=1, regenerate=False)
        assert not again.changes, [c.path for c in again.changes]


@SETTINGS
@given(module(), module())
def test_generated_programs_keep_every_statement(mod: str, other: str):
    for src in (mod, other):
        try:
            ast.parse(src)
        except SyntaxError:
            assume(False)
    check_invariants({"pkg/__init__.py": "", "pkg/mod.py": mod, "pkg/other.py": other})


@SETTINGS
@given(grammar_module())
def test_grammar_programs_keep_every_statement(src: str):
    try:
        ast.parse(src)
    except (SyntaxError, ValueError):
        assume(False)
    check_invariants({"m.py": src, "clean.py": "x = 1  # nothing here\n"})


def test_generator_produces_the_term_and_repeats():
    """The generator is not vacuous: it writes the term, its target and repeated statements."""
    seen = {"term": 0, "target": 0, "repeat": 0}

    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(module())
    def collect(src):
        seen["term"] += bool(TERM.search(src))
        seen["target"] += bool(re.search(r"\brun", src, re.IGNORECASE))
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        seen["repeat"] += any(a == b for a, b in zip(lines, lines[1:]))

    collect()
    assert seen["term"] > 20 and seen["target"] > 10 and seen["repeat"] > 3, seen


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])


# -- capture (issue #19): nested scopes whose names collide after the rename -----------------------
# A generated program gives every binding a token of its own ("d7") and logs, at every use, the
# token it reads (or the NameError it meets). Run before and after the rewrite, the two logs must
# be equal: every use still resolves to the binding it resolved to, whatever the nesting (functions,
# closures, classes, comprehensions, lambdas, global/nonlocal, walrus, match, except-as, for). A
# name that carries the term and is not renamed must come with a reported conflict.
CAPTURE_EXAMPLES = int(os.environ.get("RUNSMIG_PROPERTY_EXAMPLES", "40"))
CAPTURE_SETTINGS = settings(max_examples=CAPTURE_EXAMPLES, deadline=None, database=None,
                            derandomize=not os.environ.get("RUNSMIG_PROPERTY_RANDOM"),
                            suppress_health_check=list(HealthCheck))
SCOPE_NAMES = ["job", "run", "jobs", "runs", "job_id", "run_id", "JobBox", "RunBox", "x", "y"]
CAPTURE_STATS = {"programs": 0, "conflicts": 0, "renamed": 0}


class _Prog:
    def __init__(self, draw):
        self.draw, self.n = draw, 0

    def tok(self) -> str:
        self.n += 1
        return f"d{self.n}"

    def name(self) -> str:
        return self.draw(st.sampled_from(SCOPE_NAMES))

    def use(self, expr: str) -> list[str]:
        self.n += 1
        return ["try:", f"    log('u{self.n}', {expr})", "except NameError:", f"    log('u{self.n}', 'NameError')"]

    def block(self, depth: int, fn: dict | None) -> list[str]:
        """Statements of one body; ``fn``: the enclosing function (params, names it binds), or None."""
        out: list[str] = []
        for _ in range(self.draw(st.integers(1, 4))):
            out += self.statement(depth, fn)
        return out

    def statement(self, depth: int, fn: dict | None) -> list[str]:
        n = self.name()
        kinds = ["assign", "use", "use", "comp", "lambda", "walrus", "for", "match", "except"]
        if depth < 3:
            kinds += ["def", "def", "class"]
        kind = self.draw(st.sampled_from(kinds))
        if fn is not None and kind == "assign":
            fn["bound"].add(n)
        if kind == "assign":
            return [f"{n} = '{self.tok()}'"]
        if kind == "use":
            return self.use(n)
        if kind == "comp":
            v, w = self.name(), self.name()
            shape = self.draw(st.sampled_from(["[{e} for {v} in ['{t}'] if {w}]", "{{{v}: {e} for {v} in ['{t}']}}",
                                               "list({e} for {v} in ['{t}'])", "[{e} for {v} in {w}]"]))
            return self.use(shape.format(e=self.name(), v=v, w=w, t=self.tok()))
        if kind == "lambda":
            p = self.name()
            return self.use(f"(lambda {p}='{self.tok()}': {self.name()})()")
        if kind == "walrus":
            body = self.use(f"[{n} for {self.name()} in ['{self.tok()}']]")
            return [f"if ({n} := '{self.tok()}'):"] + indent(body)
        if kind == "for":
            return [f"for {n} in ['{self.tok()}']:"] + indent(self.block(depth + 1, fn) if depth < 3 else self.use(n))
        if kind == "match" and fn is not None and fn.get("declares"):
            # LibCST records no binding for a capture pattern of a name declared global or
            # nonlocal (``global job`` then ``case job:``): a known limit, left out here
            return self.use(n)
        if kind == "match":
            return [f"match '{self.tok()}':", f"    case {n}:"] + indent(indent(self.use(self.name())))
        if kind == "except":
            return ["try:", "    raise ValueError", f"except ValueError as {n}:"] + indent(self.use(self.name()))
        if kind == "class":
            # the method's name stays out of the pool: a class member kept by a conflict is still
            # renamed where it is reached as an attribute (``K().job()``), a member question
            m = "method"
            body = [f"{self.name()} = '{self.tok()}'"] + self.use(self.name())
            body += [f"def {m}(self):"] + indent(self.block(depth + 1, {"params": set(), "bound": set()}))
            return ([f"class {n}:"] + indent(body)
                    + ["try:", f"    {n}().{m}()", "except NameError:", "    log('c', 'NameError')"])
        # def, then call it
        params = sorted(set(self.draw(st.lists(st.sampled_from(SCOPE_NAMES), max_size=2))))
        inner = {"params": set(params), "bound": set()}
        head: list[str] = []
        outer = [x for x in (fn["bound"] if fn else ()) if x not in params]
        if self.draw(st.booleans()):
            if fn is not None and outer and self.draw(st.booleans()):
                head.append(f"nonlocal {self.draw(st.sampled_from(sorted(outer)))}")
            elif self.draw(st.booleans()):
                g = self.draw(st.sampled_from([x for x in SCOPE_NAMES if x not in params]))
                head.append(f"global {g}")
        inner["declares"] = bool(head)
        body = head + self.block(depth + 1, inner)
        args = ", ".join(f"'{self.tok()}'" for _ in params)
        return ([f"def {n}({', '.join(params)}):"] + indent(body)
                + ["try:", f"    {n}({args})", "except NameError:", "    log('c', 'NameError')"])


@st.composite
def scoped_program(draw) -> str:
    p = _Prog(draw)
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lines += p.statement(0, None)
    return "\n".join(lines) + "\n"


def _plain(v):
    """A token as it is; anything else (an exception, a function, a class) by its kind."""
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {_plain(k): _plain(x) for k, x in v.items()}
    return type(v).__name__


def _trace(src: str) -> list:
    out: list = []
    code = compile(src, "<generated>", "exec")
    try:
        exec(code, {"log": lambda site, v: out.append((site, _plain(v))), "__name__": "generated"})
    except Exception as exc:  # the same failure before and after is the same behaviour
        out.append(("raised", type(exc).__name__))
    return out


_CODE_NAMES = re.compile(r"\b(?!d\d|u\d)[A-Za-z_]\w*\b")


def _kept_term_names(src: str) -> set[str]:
    """Names in code (not the tokens in quotes) that still carry the term."""
    code = re.sub(r"'[^']*'", "''", src)
    return {n for n in _CODE_NAMES.findall(code) if TERM.search(n)}


def check_capture(src: str) -> None:
    from runsmig.runner import run

    try:
        before = _trace(src)
    except SyntaxError:
        assume(False)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "co"
        root.mkdir()
        (root / "m.py").write_text(src, encoding="utf-8")
        (Path(tmp) / "recipe.yaml").write_text(RECIPE_TEXT, encoding="utf-8")
        res = run(root, load_recipe(Path(tmp) / "recipe.yaml"), workers=1)
    (o,) = [o for o in res.outcomes if o.rel == "m.py"]
    assert o.status != "failed", (o.reason, src)
    after = o.new.decode("utf-8") if o.new is not None else src
    conflicts = [f for f in o.reported if f.rule == "conflict"]
    CAPTURE_STATS["programs"] += 1
    CAPTURE_STATS["conflicts"] += bool(conflicts)
    CAPTURE_STATS["renamed"] += after != src
    try:
        got = _trace(after)
    except SyntaxError as exc:
        raise AssertionError(f"the rewrite does not compile: {exc}\n{src}\n---\n{after}") from None
    assert got == before, f"a use resolves elsewhere after the rename\n{src}\n---\n{after}"
    if _kept_term_names(after):  # kept: a conflict, or a follow-up (a name bound nowhere)
        assert conflicts or any(f.rule == "follow-up" for f in o.reported), \
            f"names kept without a conflict: {_kept_term_names(after)}\n{src}\n---\n{after}"


@CAPTURE_SETTINGS
@given(scoped_program())
def test_nested_scopes_keep_their_binding_structure(src: str):
    check_capture(src)


def test_scope_generator_provokes_captures():
    """The generator is not vacuous: it writes programs that the plain rename would break."""
    broken = {"n": 0, "all": 0}

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(scoped_program())
    def collect(src):
        try:
            before = _trace(src)
        except SyntaxError:
            assume(False)
        naive = re.sub(r"(?<=[\W_])job|^job", "run", src, flags=re.M)
        naive = re.sub(r"Job", "Run", naive)
        broken["all"] += 1
        try:
            broken["n"] += _trace(naive) != before
        except SyntaxError:
            broken["n"] += 1

    collect()
    assert broken["n"] >= 10, broken


def test_long_run_reports_its_figures():
    """With RUNSMIG_PROPERTY_STATS=FILE, the figures of the capture run are written there."""
    path = os.environ.get("RUNSMIG_PROPERTY_STATS")
    if not path:
        pytest.skip("set RUNSMIG_PROPERTY_STATS to record the figures of a long run")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"python capture: {CAPTURE_STATS}\n")
