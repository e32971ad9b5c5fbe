"""Build hook: the bundled recipes (``rules/``) travel in the wheel as ``runsmig/_rules``.

``rules/`` stays at the top of the repository (recipes are data, not code of the package); a built
wheel or a plain ``pip install .`` carries a copy, which ``runsmig.recipe.load.default_recipe_path``
finds when there is no source checkout around the package. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"


class BuildPyWithRules(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False) or not RULES.is_dir():
            return  # an editable install reads rules/ where it is
        target = Path(self.build_lib) / "runsmig" / "_rules"
        shutil.copytree(RULES, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".runsmig_cache"))


setup(cmdclass={"build_py": BuildPyWithRules})
