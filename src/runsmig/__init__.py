"""runsmig: migrate a codebase from the legacy "job" concept to "run"."""

__version__ = "0.1.0"
