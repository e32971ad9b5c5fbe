"""Lines a rewrite pushes past the project's line length (Python files; TS/JS files when the
project's ESLint configuration sets ``max-len``).

A term whose new spelling is longer, or prose reworded beside it ("jobs will run" -> "runs will
execute"), can make a line longer than the limit the project's linter enforces (ruff's or black's
``line-length``, flake8's ``max-line-length``): its CI then fails on a line runsmig wrote. The line is
not wrapped (a string literal copied in a test must stay equal to its source, and only the project's
formatter knows its layout): ``plan`` names each such line in a note, to wrap by hand or with the
formatter. A line that was already too long is not named. A comment or docstring line that grew past
a configured limit is wrapped before the note is made (runsmig.prosewrap), and a Python call on a
line of its own is laid out as black / ruff format would (runsmig.pysplit): only what could not be
is named.

Interface: ``line_length(root) -> int``; ``line_length_at(root, rel) -> int`` (the configuration
nearest to a file); ``configured_at(root, rel) -> int | None`` (the same, without the default);
``eslint_max_len(root) -> int | None``; ``eslint_comment_len(root) -> int | None`` (its limit for
comments); ``prettier_style(root, rel) -> Prettier | None`` and ``script_layout(root, rel) ->
ScriptLayout | None`` (how code runsmig writes into a TS/JS file is laid out: the width, indent and
call-argument trailing comma of the project's prettier, else its ESLint ``max-len``);
``notes(root, changes) -> list[str]``.
"""

from __future__ import annotations

import configparser
import json
import re
from dataclasses import dataclass
from pathlib import Path

_SCRIPTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_ESLINT = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ".eslintrc",
           ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml")
# 'max-len': ['error', { code: 120 }] / "max-len": [2, 100] / max-len: [error, {code: 120}] (read, never run)
_MAX_LEN = re.compile(r"""max-len['"]?\s*:\s*\[\s*['"]?(?:error|warn|2|1)['"]?\s*,\s*"""
                      r"""(?:\{[^}]*?\bcode['"]?\s*:\s*(\d+)|(\d+))""")


def line_length(root: Path) -> int:
    """The project's line length: ruff's or black's ``line-length`` (pyproject.toml, ruff.toml,
    .ruff.toml), else flake8's ``max-line-length`` (setup.cfg, tox.ini, .flake8), else 88 (both
    formatters' default)."""
    found = _configured(root)
    return 88 if found is None else found


def _configured(root: Path) -> int | None:
    """The line length the configuration files of this one folder set, else None."""
    import tomllib

    for name, table in (("pyproject.toml", ("tool", "ruff")), ("pyproject.toml", ("tool", "black")),
                        ("ruff.toml", ()), (".ruff.toml", ())):
        try:
            data = tomllib.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        value = data.get("line-length") if isinstance(data, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        cfg = configparser.ConfigParser(interpolation=None)
        try:
            cfg.read_string((root / name).read_text(encoding="utf-8"))
            value = cfg.get("flake8", "max-line-length", fallback=None) or cfg.get("flake8", "max_line_length",
                                                                                   fallback=None)
        except (OSError, UnicodeDecodeError, configparser.Error):
            continue
        if value and value.strip().isdigit():
            return int(value.strip())
    return None


def line_length_at(root: Path, rel: str) -> int:
    """The line length for the file or folder ``rel`` of the checkout (see :func:`_nearest`)."""
    return _nearest(root, rel, {})


def _nearest(root: Path, rel: str, seen: dict[str, int | None]) -> int:
    """The line length for the file ``rel``: the configuration nearest to it, up to the root (a
    monorepo's ``apps/api/pyproject.toml``), else 88."""
    found = configured_at(root, rel, seen)
    return 88 if found is None else found


def configured_at(root: Path, rel: str, seen: dict[str, int | None] | None = None) -> int | None:
    """The line length the configuration nearest to the file ``rel`` sets, up to the root, else None
    (no default: what runsmig.prosewrap wraps to must be a limit the project chose). ``seen`` caches
    each folder's answer."""
    seen = {} if seen is None else seen
    parts = rel.split("/")[:-1]
    for i in range(len(parts), -1, -1):
        folder = "/".join(parts[:i])
        if folder not in seen:
            seen[folder] = _configured(root / folder if folder else root)
        if seen[folder] is not None:
            return seen[folder]
    return None


def _eslint_max_len_rule(root: Path) -> tuple[str, re.Match[str]] | None:
    """(the configuration's text, the match of its ``max-len`` rule) of the first ESLint configuration
    at the root that sets one (its text read, never run), else None."""
    for name in _ESLINT:
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        m = _MAX_LEN.search(text)
        if m:
            return text, m
    return None


def eslint_max_len(root: Path) -> int | None:
    """The ``max-len`` an ESLint configuration at the root sets, else None."""
    found = _eslint_max_len_rule(root)
    return None if found is None else int(found[1].group(1) or found[1].group(2))


def eslint_comment_len(root: Path) -> int | None:
    """The length ESLint's ``max-len`` allows a comment line: its ``comments`` option, else its
    ``code``; None without ``max-len`` or with ``ignoreComments: true``."""
    found = _eslint_max_len_rule(root)
    if found is None:
        return None
    text, m = found
    options = text[m.start():text.find("}", m.end()) + 1] if m.group(1) else ""
    if re.search(r"""ignoreComments['"]?\s*:\s*true""", options):
        return None
    comments = re.search(r"""\bcomments['"]?\s*:\s*(\d+)""", options)
    return int(comments.group(1)) if comments else int(m.group(1) or m.group(2))


_PRETTIER = (".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml", ".prettierrc.yml",
             ".prettierrc.toml", ".prettierrc.js", ".prettierrc.cjs", ".prettierrc.mjs", ".prettierrc.ts",
             ".prettierrc.cts", ".prettierrc.mts", "prettier.config.js", "prettier.config.cjs",
             "prettier.config.mjs", "prettier.config.ts", "prettier.config.cts", "prettier.config.mts")


@dataclass(frozen=True)
class Prettier:
    """The options of a prettier configuration that decide how a broken call is laid out."""
    print_width: int = 80
    tab_width: int = 2
    use_tabs: bool = False
    trailing_comma: str = "all"  # all | es5 | none (prettier 3's default is all, prettier 2's es5)
    source: str = ""  # the file it was read from (checkout-relative)
    prose_wrap: str = "preserve"  # always | never | preserve (how Markdown paragraphs are wrapped)


@dataclass(frozen=True)
class ScriptLayout:
    """How runsmig lays out a line it writes into a TS/JS file that would be too long: ``width`` is the
    project's print width (prettier) or ``max-len`` (ESLint); a call, object or array broken across
    lines has one item a line, indented by ``indent``; ``trailing_comma`` is prettier's option: after
    the last argument of a call with ``all``, after the last item of an object or array with ``all`` or
    ``es5``, never with ``none``."""
    width: int
    indent: str = "  "
    trailing_comma: str = "all"
    prettier: bool = False  # laid out as the project's prettier would (else: only kept within max-len)


def _option(text: str, name: str) -> str | None:
    """The value of option ``name`` in a configuration's text (JSON, YAML, TOML, JS: read, never run)."""
    m = re.search(r"""(?m)(?:^|[{,\s])['"]?""" + name + r"""['"]?\s*[:=]\s*['"]?([A-Za-z0-9]+)""", text)
    return m.group(1) if m else None


def _prettier_major(root: Path, folder: str) -> int | None:
    """The major version of prettier the package.json nearest ``folder`` asks for, else None."""
    parts = folder.split("/") if folder else []
    for i in range(len(parts), -1, -1):
        try:
            pkg = json.loads((root.joinpath(*parts[:i]) / "package.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if not isinstance(pkg, dict):
            continue
        for section in ("devDependencies", "dependencies", "peerDependencies"):
            spec = (pkg.get(section) or {}).get("prettier") if isinstance(pkg.get(section), dict) else None
            if isinstance(spec, str):
                m = re.search(r"(\d+)", spec)
                return int(m.group(1)) if m else None
    return None


def prettier_style(root: Path, rel: str = "") -> Prettier | None:
    """The prettier configuration nearest the file or folder ``rel`` (a ``.prettierrc*``,
    ``prettier.config.*`` or a package.json's ``prettier`` key, up to the root), else None. A
    package.json that names prettier as a dependency without configuring it: prettier's defaults."""
    parts = [p for p in rel.split("/") if p]
    if parts and "." in parts[-1]:
        parts = parts[:-1]
    folder = "/".join(parts)
    for i in range(len(parts), -1, -1):
        here = root.joinpath(*parts[:i])
        prefix = "/".join(parts[:i])
        text, source = None, ""
        for name in _PRETTIER:
            try:
                text = (here / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            source = f"{prefix}/{name}" if prefix else name
            break
        if text is None:
            try:
                pkg = json.loads((here / "package.json").read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                pkg = None
            if isinstance(pkg, dict) and "prettier" in pkg:
                conf = pkg["prettier"]
                text = json.dumps(conf) if isinstance(conf, dict) else ""
                source = f"{prefix}/package.json" if prefix else "package.json"
        if text is None:
            continue
        return _read_prettier(text, source, _prettier_major(root, folder))
    if _prettier_major(root, folder) is not None:
        return _read_prettier("", "", _prettier_major(root, folder))
    return None


def _read_prettier(text: str, source: str, major: int | None) -> Prettier:
    width, tab, tabs, comma, prose = (_option(text, k) for k in
                                      ("printWidth", "tabWidth", "useTabs", "trailingComma", "proseWrap"))
    default_comma = "es5" if major is not None and major < 3 else "all"
    return Prettier(print_width=int(width) if width and width.isdigit() else 80,
                    tab_width=int(tab) if tab and tab.isdigit() else 2,
                    use_tabs=tabs == "true",
                    trailing_comma=comma if comma in ("all", "es5", "none") else default_comma,
                    source=source,
                    prose_wrap=prose if prose in ("always", "never") else "preserve")


def _indent_of(text: str) -> str:
    """The indent unit a file uses: a tab, else the most common step between nested lines (2 or 4 spaces)."""
    steps: dict[int, int] = {}
    tabs = 0
    last = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("\t"):
            tabs += 1
            continue
        n = len(line) - len(line.lstrip(" "))
        if n > last:
            steps[n - last] = steps.get(n - last, 0) + 1
        last = n
    if tabs and tabs > sum(steps.values()):
        return "\t"
    best = max((s for s in steps if s in (2, 4)), key=lambda s: steps[s], default=2)
    return " " * best


def script_layout(root: Path, rel: str, text: str = "") -> ScriptLayout | None:
    """How code runsmig writes into the TS/JS file ``rel`` (its current ``text``) is laid out: as the
    project's prettier configures (print width, indent, a trailing comma after the last argument with
    ``trailingComma: all``), else within its ESLint ``max-len`` in the file's own indent (a trailing
    comma when the file writes one after a broken call's last argument), else None (left as written)."""
    style = prettier_style(root, rel)
    if style is not None:
        return ScriptLayout(style.print_width, "\t" if style.use_tabs else " " * style.tab_width,
                            style.trailing_comma, True)
    limit = eslint_max_len(root)
    if limit is None:
        return None
    comma = "all" if re.search(r",\r?\n[ \t]*\)", text) else "es5" if re.search(r",\r?\n[ \t]*[}\]]", text) \
        else "none"
    return ScriptLayout(limit, _indent_of(text), comma, False)


def _grown(old: bytes, new: bytes, limit: int) -> list[tuple[int, int]]:
    """(1-based line, length) of the new lines longer than ``limit``: a line rewritten in place that
    was within it, or a line added (a hook, a fallback read); a line already too long is not one."""
    import difflib

    a = old.decode("utf-8", "replace").splitlines()
    b = new.decode("utf-8", "replace").splitlines()
    out: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for k in range(j1, j2):
            if len(b[k]) <= limit:
                continue
            before = a[i1 + k - j1] if tag == "replace" and i2 - i1 == j2 - j1 else None
            if before is None or len(before) <= limit:
                out.append((k + 1, len(b[k])))
    return out


def notes(root: Path, changes) -> list[str]:
    """One note per Python file whose rewrite made lines longer than the limit that were not."""
    limits: dict[str, int | None] = {}
    folders: dict[str, int | None] = {}
    out: list[str] = []
    for c in changes:
        kind = "py" if c.target.endswith(".py") else "script" if c.target.endswith(_SCRIPTS) else None
        if c.action not in ("modify", "rename") or kind is None or c.old is None or c.new is None:
            continue
        limit: int | None
        if kind == "py":
            limit = _nearest(root, c.target, folders)
        else:
            if kind not in limits:
                limits[kind] = eslint_max_len(root)
            limit = limits[kind]
        if limit is None:
            continue
        over = [f"{i} ({n})" for i, n in _grown(c.old, c.new, limit)]
        if over:
            out.append(f"{c.target}: the rewrite makes line(s) {', '.join(over)} longer than the project's "
                       f"line length ({limit}): wrap them, or run the project's formatter")
    return out


__all__ = ["Prettier", "ScriptLayout", "configured_at", "eslint_comment_len", "eslint_max_len", "line_length",
           "line_length_at", "notes", "prettier_style", "script_layout"]
