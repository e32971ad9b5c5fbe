"""Lockfiles of package managers (npm, pnpm, uv, Poetry, PDM, Cargo): generated records of
third-party packages. Nothing in them is renamed (package names, versions, URLs and hashes must
match the registry); regenerate the file after the migration instead."""

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas.shapes import Ext

_OWNER = "a lockfile (regenerate it with its package manager)"

SCHEMAS = (
    Schema("npm lockfile", _OWNER, "json", ("package-lock.json", "npm-shrinkwrap.json"), Ext()),
    Schema("pnpm lockfile", _OWNER, "yaml", ("pnpm-lock.yaml",), Ext()),
    Schema("TOML lockfile", _OWNER, "toml", ("uv.lock", "poetry.lock", "pdm.lock", "Cargo.lock"), Ext()),
)
