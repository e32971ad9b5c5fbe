"""Whether a plan keeps aliases, until which release, and what the checkout is (its metadata).

Interface: ``resolve(root, recipe) -> Compat`` with ``action`` ("aliases" | "none"), ``removed_in``
(a release string, or None when ``action`` is "none"), ``library`` (:class:`Library` or None) and
``said``: one sentence for the plan saying where the choice and the release came from.
``read_library(root) -> Library | None`` and ``next_major(version) -> str`` are used by both languages.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Library:
    name: str  # distribution / package name
    version: str | None
    language: str  # "python" or "typescript"
    source: str  # the metadata file, checkout-relative


@dataclass(frozen=True)
class Compat:
    action: str
    removed_in: str | None
    library: Library | None
    said: str


def next_major(version: str | None) -> str | None:
    """The next major release after ``version``: "2.4.1" -> "3.0"; "0.9" -> "1.0"."""
    if not version:
        return None
    m = re.match(r"v?(\d+)", version.strip())
    return f"{int(m.group(1)) + 1}.0" if m else None


def resolve(root: Path, recipe) -> Compat:
    section = recipe.sections.get("compat") if recipe is not None else None
    if section is not None and section.action == "none":
        return Compat("none", None, None, "compat: none (recipe)")
    libs = read_libraries(root)
    lib = libs[0] if libs else None
    if section is None and lib is None:
        return Compat("none", None, None, "no library metadata: no aliases (say 'compat: aliases' to add them)")
    release = section.removed_in if section is not None and section.removed_in else None
    if release is not None:
        said = f"aliases removed in {release} (recipe)"
    else:
        release = next_major(lib.version if lib else None) or "the next major release"
        said = (f"aliases removed in {release}: the next major release after {lib.name} {lib.version} "
                f"({lib.source})" if lib and lib.version else
                "aliases removed in the next major release (no version found in the metadata: say "
                "'compat: {action: aliases, removed_in: ...}')")
    how = "compat: aliases (recipe)" if section is not None else f"a library by its metadata ({lib.source})"
    return Compat("aliases", release, lib, f"{how}; {said}")


def read_libraries(root: Path) -> list[Library]:
    out = [x for x in (_python(root), _npm(root)) if x is not None]
    return out


def read_library(root: Path, language: str | None = None) -> Library | None:
    for lib in read_libraries(root):
        if language is None or lib.language == language:
            return lib
    return None


def _python(root: Path) -> Library | None:
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            import tomllib

            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            data = {}
        project = data.get("project")
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            version = project.get("version") if isinstance(project.get("version"), str) else _dynamic_version(root, data, project["name"])
            return Library(project["name"], version, "python", "pyproject.toml")
    cfg = root / "setup.cfg"
    if cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(cfg, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            parser = None
        if parser is not None and parser.has_option("metadata", "name"):
            name = parser.get("metadata", "name")
            version = parser.get("metadata", "version", fallback=None)
            if version and version.startswith("attr:"):
                version = _attr_version(root, version[5:].strip())
            return Library(name, version or _guess_version(root, name), "python", "setup.cfg")
    setup = root / "setup.py"
    if setup.is_file():
        name, version = _setup_py(setup)
        if name:
            return Library(name, version or _guess_version(root, name), "python", "setup.py")
    return None


def _npm(root: Path) -> Library | None:
    pkg = root / "package.json"
    if not pkg.is_file():
        return None
    try:
        data = json.loads(pkg.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("private") is True or not isinstance(data.get("name"), str):
        return None
    version = data.get("version") if isinstance(data.get("version"), str) else None
    return Library(data["name"], version, "typescript", "package.json")


def _setup_py(path: Path) -> tuple[str | None, str | None]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None, None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup":
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            name = kw.get("name")
            version = kw.get("version")
            return (name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None,
                    version.value if isinstance(version, ast.Constant) and isinstance(version.value, str) else None)
    return None, None


def _dynamic_version(root: Path, data: dict, name: str) -> str | None:
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    hatch = tool.get("hatch", {}).get("version", {}) if isinstance(tool.get("hatch"), dict) else {}
    if isinstance(hatch, dict) and isinstance(hatch.get("path"), str):
        v = _version_in(root / hatch["path"])
        if v:
            return v
    st = tool.get("setuptools", {}).get("dynamic", {}) if isinstance(tool.get("setuptools"), dict) else {}
    attr = st.get("version", {}).get("attr") if isinstance(st, dict) and isinstance(st.get("version"), dict) else None
    if isinstance(attr, str):
        v = _attr_version(root, attr)
        if v:
            return v
    return _guess_version(root, name)


def _attr_version(root: Path, attr: str) -> str | None:
    module = attr.rsplit(".", 1)[0] if "." in attr else attr
    for base in (root, root / "src"):
        for cand in (base / (module.replace(".", "/") + ".py"), base / module.replace(".", "/") / "__init__.py"):
            v = _version_in(cand)
            if v:
                return v
    return None


def _guess_version(root: Path, name: str) -> str | None:
    pkg = name.replace("-", "_").lower()
    for base in (root, root / "src"):
        for cand in (base / pkg / "version.py", base / pkg / "__version__.py", base / pkg / "_version.py",
                     base / pkg / "__init__.py"):
            v = _version_in(cand)
            if v:
                return v
    return None


_VERSION = re.compile(r"""^(?:__version__|VERSION|version)\s*(?::\s*\w+\s*)?=\s*['"]([^'"]+)['"]""", re.MULTILINE)


def _version_in(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = _VERSION.search(text)
    return m.group(1) if m else None
