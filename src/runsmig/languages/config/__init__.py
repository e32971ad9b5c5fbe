"""Config files: JSON, YAML, TOML, ``.env``, ignore files and pip requirements, one language
module each; :mod:`.tokens` is their offset tokenizer and :mod:`.schemas` keeps other tools'
formats (GitHub Actions, GitLab CI, Compose, ``package.json``, ``pyproject.toml``, lockfiles)."""
