"""runsmig.pathmatch.compile_patterns answers what pathspec's gitignore PathSpec answers for a
checkout-relative path, whatever the patterns: one regex when no pattern negates, pathspec itself
otherwise. ``RUNSMIG_PROPERTY_EXAMPLES`` sets the number of generated examples."""

from __future__ import annotations

import os

import hypothesis.strategies as st
import pathspec
import pytest
from hypothesis import HealthCheck, example, given, settings

from runsmig.pathmatch import compile_patterns

EXAMPLES = int(os.environ.get("RUNSMIG_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=max(EXAMPLES * 5, 200), deadline=None, database=None,
                    derandomize=not os.environ.get("RUNSMIG_PROPERTY_RANDOM"),
                    suppress_health_check=list(HealthCheck))

NAME_CHARS = "ab."  # a small alphabet, so that generated patterns and paths meet often


def _spec_answer(lines: list[str], rel: str) -> bool:
    return bool(pathspec.PathSpec.from_lines("gitignore", lines).match_file(rel))


# -- generated patterns and paths -----------------------------------------------------------------
_literal = st.text(NAME_CHARS, min_size=1, max_size=2)
_glob_piece = st.one_of(_literal, st.just("*"), st.just("?"))
_segment = st.one_of(
    st.lists(_glob_piece, min_size=1, max_size=3).map("".join),
    st.just("**"),
)


@st.composite
def _pattern(draw) -> str:
    kind = draw(st.sampled_from(["pattern"] * 8 + ["comment", "blank", "escaped"]))
    if kind == "comment":
        return "#" + draw(st.text(NAME_CHARS + "*/", max_size=4))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\t"]))
    body = "/".join(draw(st.lists(_segment, min_size=1, max_size=3)))
    if kind == "escaped":  # a literal '#' or '!' at the start
        return draw(st.sampled_from(["\\#", "\\!"])) + body
    if draw(st.booleans()):
        body = "/" + body
    if draw(st.booleans()):
        body = body + "/"
    if draw(st.integers(0, 3)) == 0:
        body = "!" + body
    return body


# a checkout-relative path as git lists it: no '.' or '..' segment (pathspec would normalise a
# leading './'; compile_patterns is only ever given git's names)
_path_segment = st.text(NAME_CHARS, min_size=1, max_size=3).filter(lambda s: s not in (".", ".."))
_paths = st.builds(lambda parts, slash: "/".join(parts) + ("/" if slash else ""),
                   st.lists(_path_segment, min_size=1, max_size=4), st.integers(0, 5).map(lambda n: n == 0))


@SETTINGS
@given(lines=st.lists(_pattern(), max_size=5), rels=st.lists(_paths, min_size=1, max_size=8))
@example(lines=["a/", "b/", "**/a.b/"], rels=["a/b", "x/b/a", "a.b/a", "a.b"])
@example(lines=["*.a", "!b.a"], rels=["b.a", "a/b.a", "c.a"])
@example(lines=["a/**/b", "/a?"], rels=["a/b", "a/x/y/b", "ab", "x/ab"])
@example(lines=["/a/b", "a.a/*", "b.b ", "**/b/a"], rels=["a/b", "a/b/c", "a/bb", "a.a/x", "b.b", "x/b/a", "b/a"])
def test_generated_patterns_answer_what_pathspec_answers(lines, rels):
    try:
        pathspec.PathSpec.from_lines("gitignore", lines)
    except Exception as exc:  # an invalid pattern: compile_patterns refuses it the same way
        with pytest.raises(type(exc)):
            compile_patterns(lines)
        return
    match = compile_patterns(lines)
    for rel in rels:
        assert match(rel) == _spec_answer(lines, rel), (lines, rel)
    # the whole-list answer, found by bisection on the anchored patterns' literal beginnings
    assert match.select(sorted(set(rels))) == {rel for rel in rels if _spec_answer(lines, rel)}, lines


# -- named cases ------------------------------------------------------------------------------------
CASES = [
    # (patterns, path, expected)
    (["*.py"], "a/b/c.py", True),
    (["*.py"], "a/b/c.pyi", False),
    (["/build/"], "build/out.js", True),
    (["/build/"], "src/build/out.js", False),
    (["build/"], "src/build/out.js", True),
    (["build/"], "build", False),  # a folder pattern does not name a file of that name
    (["docs/**/*.md"], "docs/a/b/c.md", True),
    (["docs/**/*.md"], "docs/c.md", True),
    (["docs/**/*.md"], "x/docs/c.md", False),
    (["**/tests"], "a/tests/t.py", True),
    (["a?c.txt"], "abc.txt", True),
    (["a?c.txt"], "a/c.txt", False),
    (["apps/ade-web/src/*.ts"], "apps/ade-web/src/x.ts", True),
    (["apps/ade-web/src/*.ts"], "apps/ade-web/src/deep/x.ts", False),
    (["# a comment", "", "   "], "# a comment", False),
    (["\\#notes.md"], "#notes.md", True),
    (["!keep.py"], "keep.py", False),  # a negation alone includes nothing
    (["*.py", "!keep.py"], "keep.py", False),
    (["*.py", "!keep.py"], "drop.py", True),
    (["*.py", "!keep.py", "keep.py"], "keep.py", True),  # the last match wins
    ([], "a.py", False),
    (["a/", "b/", "c/"], "c/x", True),  # several folder patterns in one alternation
]


@pytest.mark.parametrize("lines, rel, expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_named_cases(lines, rel, expected):
    assert _spec_answer(lines, rel) is expected  # the reference says so ...
    assert compile_patterns(lines)(rel) is expected  # ... and so does the compiled matcher


def test_without_negations_pathspec_is_not_asked_per_path(monkeypatch):
    """The point of the module: a list of plain patterns is one regex, not pathspec's loop (so the
    generated equivalence above exercises the regex, not a fallback)."""
    match = compile_patterns(["*.py", "/build/", "docs/**/*.md", "a?c", "x/"])

    def refuse(self, *args, **kwargs):
        raise AssertionError("pathspec consulted for a path")

    monkeypatch.setattr(pathspec.PathSpec, "match_file", refuse)
    assert match("src/a.py") and match("build/x") and match("docs/q/r.md") and match("abc") and match("y/x/z")
    assert not match("src/build/x") and not match("a.pyc")


def test_a_bracket_expression_holding_group_syntax_keeps_its_characters():
    lines = ["[(?P<a>]x"]
    assert _spec_answer(lines, "ax") and not _spec_answer(lines, ":x")
    match = compile_patterns(lines)
    assert match("ax")
    assert not match(":x")


@pytest.mark.parametrize("line", ["*/", "**/"])
def test_any_folder_pattern_names_every_file_inside_a_folder(line):
    assert _spec_answer([line], "a/b.py") and not _spec_answer([line], "b.py")
    match = compile_patterns([line])
    assert not match("b.py")
    assert match("a/b.py")


def test_paths_matching_searches_the_joined_list_and_returns_whole_paths():
    import re

    from runsmig.pathmatch import paths_matching

    rels = ["a/jobs/x.py", "b/y.py", "c/JOB.md", "d/z.py"]
    job = re.compile("job", re.I)
    assert paths_matching(rels, job) == {"a/jobs/x.py", "c/JOB.md"}
    assert paths_matching(["only/job.py"], job) == {"only/job.py"}  # the last (and only) line
    assert paths_matching([], job) == set()
    odd = ["x\njob.py", "job\n", "plain.py"]  # a path holding a line break: each path alone
    assert paths_matching(odd, job) == {"x\njob.py", "job\n"}
    last = re.compile(r"(?:^|/)package\.json$", re.M)
    assert paths_matching(["web/package.json", "package.json.bak", "package.json"], last) == {
        "web/package.json", "package.json"}
