"""Recipes: declarative YAML, validated at load."""

from runsmig.recipe.load import load_recipe
from runsmig.recipe.model import Recipe

__all__ = ["Recipe", "load_recipe"]
