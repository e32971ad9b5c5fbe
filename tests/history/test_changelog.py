"""A changelog's released sections start at its first release heading (runsmig.history.changelog)."""

from __future__ import annotations

import pytest

from runsmig.history.changelog import released_from

KEEP_A_CHANGELOG = "# Changelog\n\n## [Unreleased]\n- jobs\n\n```\n## 9.9\n```\n\n## [1.2.0] - 2024-01-02\n- jobs\n"


@pytest.mark.parametrize("rel, text, want", [
    ("CHANGELOG.md", KEEP_A_CHANGELOG, 10),  # the '## 9.9' in a code fence is no heading
    ("CHANGELOG.md", "# Changelog\n\nv2.0.0\n======\n\n- jobs\n", 3),  # setext
    ("CHANGELOG.md", "# Changelog\n\n## Unreleased\n\n- jobs\n", None),
    ("CHANGES.rst", "Changes\n=======\n\nNext\n----\n* a\n\n1.0 (2020-01-01)\n----------------\n* b\n", 8),
    ("HISTORY.rst", "=====\n1.0.0\n=====\n\n* jobs\n", 1),  # an overline belongs to its heading
    ("NEWS", "Upcoming\n  - a\n\nVersion 1.0\n  - jobs\n", 4),
    ("NEWS.txt", "Notes about jobs\n\n2024-05-01\n  - b\n", 3),
])
def test_released_from(rel, text, want):
    assert released_from(rel, text) == want
