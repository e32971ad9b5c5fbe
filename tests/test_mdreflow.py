"""runsmig.mdreflow: changed Markdown paragraphs filled as prettier's proseWrap "always" would."""

from __future__ import annotations

from pathlib import Path

from runsmig.linelength import prettier_style
from runsmig.mdreflow import reflow_text


def flow(old: str, new: str, width: int = 40) -> str:
    return reflow_text(old, new, width)


def test_grown_line_is_refilled_and_later_words_move_up():
    old = "A worker takes the next job to run and\ncalls it; then it sleeps.\n"
    new = "A worker takes the next run to execute and\ncalls it; then it sleeps.\n"
    assert flow(old, new) == "A worker takes the next run to execute\nand calls it; then it sleeps.\n"


def test_shrunk_line_takes_words_from_the_next():
    old = "Each queued job-to-run item is given\nten tries.\n"
    new = "Each queued run item is given\nten tries.\n"
    assert flow(old, new) == "Each queued run item is given ten tries.\n"


def test_unchanged_paragraph_and_blocks_stay():
    old = "a job\n\nleft as it is even though it could be\njoined.\n\n```\nx job y\n```\n"
    new = "a run\n\nleft as it is even though it could be\njoined.\n\n```\nx run y\n```\n"
    assert flow(old, new) == new


def test_heading_table_fence_html_never_refilled():
    text = ("# a job heading that is long enough to pass the width\n\n| a job | b |\n| - | - |\n\n"
            "<div>a job in html that is long enough to pass forty</div>\n")
    new = text.replace("job", "run to execute")
    assert flow(text, new) == new


def test_link_code_span_and_html_tag_are_never_broken():
    old = "See the job [type assertion functions](https://x.y/z) and `a b c` and <a href=\"q\">x</a>.\n"
    new = old.replace("job", "run to execute")
    out = flow(old, new)
    assert "[type assertion functions](https://x.y/z)" in out
    assert "`a b c`" in out
    assert '<a href="q">' in out
    assert out == ("See the run to execute\n[type assertion functions](https://x.y/z)\n"
                   "and `a b c` and <a href=\"q\">x</a>.\n")  # as prettier --print-width 40 lays it


def test_word_that_would_start_a_list_stays_after_the_previous_one():
    old = "the jobs to run may come in the order -\norder is kept (Default:\n25)\n"
    new = old.replace("jobs to run", "runs to execute")
    assert flow(old, new) == "the runs to execute may come in the\norder - order is kept (Default: 25)\n"


def test_list_item_and_blockquote_keep_their_prefixes():
    old = "- a job to run that is long enough to\n  wrap over lines.\n\n> a job to run that is long enough to\n> wrap over.\n"
    new = old.replace("job to run", "run to execute")
    assert flow(old, new) == ("- a run to execute that is long enough\n  to wrap over lines.\n\n"
                              "> a run to execute that is long enough\n> to wrap over.\n")


def test_hard_break_ends_a_segment():
    old = "a job to run here  \nnext line stays\n"
    new = old.replace("job to run", "run to execute")
    assert flow(old, new) == "a run to execute here  \nnext line stays\n"


def test_long_word_goes_on_its_own_line():
    old = "a job https://example.com/a/very/long/path/that/is/long end\n"
    new = old.replace("job", "run")
    assert flow(old, new) == "a run\nhttps://example.com/a/very/long/path/that/is/long\nend\n"


def test_prettier_style_reads_prose_wrap(tmp_path: Path):
    (tmp_path / ".prettierrc.js").write_text('module.exports = {\n  proseWrap: "always",\n};\n')
    assert prettier_style(tmp_path, "docs/a.md").prose_wrap == "always"
    (tmp_path / ".prettierrc.js").write_text("module.exports = {};\n")
    assert prettier_style(tmp_path, "docs/a.md").prose_wrap == "preserve"


def test_sibling_ordered_items_are_not_joined_into_the_paragraph():
    old = "1. the first job to run is long enough\n   to wrap\n2. second item\n3. third\n"
    new = old.replace("job to run", "run to execute")
    assert flow(old, new) == "1. the first run to execute is long\n   enough to wrap\n2. second item\n3. third\n"


def test_ordered_marker_not_at_one_continues_a_top_level_paragraph():
    old = "a job to run is given ten tries, see\n2. below\n"
    new = old.replace("job to run", "run")
    assert flow(old, new) == "a run is given ten tries, see 2. below\n"


def test_overrides_decide_per_file(tmp_path: Path):
    from runsmig.mdreflow import markdown_style

    (tmp_path / ".prettierrc").write_text(
        '{"printWidth": 100, "overrides": [{"files": ["*.{md,mdx}"], "options": {"proseWrap": "always",'
        ' "printWidth": 72}}, {"files": "CHANGELOG.md", "options": {"proseWrap": "preserve"}}]}')
    assert markdown_style(tmp_path, "docs/guide.md") == ("always", 72)
    assert markdown_style(tmp_path, "CHANGELOG.md") == ("preserve", 72)
    assert markdown_style(tmp_path, "src/a.ts") == ("preserve", 100)


def test_yaml_override_with_exclude(tmp_path: Path):
    from runsmig.mdreflow import markdown_style

    (tmp_path / ".prettierrc.yaml").write_text(
        "overrides:\n  - files: 'docs/**/*.md'\n    excludeFiles: 'docs/api/*.md'\n"
        "    options:\n      proseWrap: always\n")
    assert markdown_style(tmp_path, "docs/a/b.md") == ("always", 80)
    assert markdown_style(tmp_path, "docs/api/x.md") == ("preserve", 80)
    assert markdown_style(tmp_path, "README.md") == ("preserve", 80)


def test_reflow_changes_follows_the_override(tmp_path: Path):
    from runsmig.mdreflow import reflow_changes
    from runsmig.plan import Change

    (tmp_path / ".prettierrc.json").write_text(
        '{"overrides": [{"files": "*.md", "options": {"proseWrap": "always", "printWidth": 40}}]}')
    old = b"A worker takes the next job to run and\ncalls it; then it sleeps.\n"
    new = old.replace(b"job to run", b"run to execute")
    md, txt = reflow_changes(tmp_path, [Change("modify", "a.md", None, old, new, 0o100644),
                                        Change("modify", "a.txt", None, old, new, 0o100644)])
    assert md.new == b"A worker takes the next run to execute\nand calls it; then it sleeps.\n"
    assert txt.new == new
