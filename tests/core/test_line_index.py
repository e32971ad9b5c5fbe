"""LineIndex: offsets to (line, column) and back, with only '\\n' ending a line (as every pass
counts lines)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runsmig.findings import LineIndex


@settings(max_examples=300)
@given(st.text(alphabet="ab\n\r\u2028\u0085", max_size=60))
def test_line_starts_are_the_offsets_after_each_newline(text):
    index = LineIndex(text)
    assert index.starts == [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for offset in range(len(text) + 1):
        line, col = index.pos(offset)
        assert index.offset(line, col) == offset
