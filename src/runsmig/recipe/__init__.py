"""Recipes: declarative YAML, validated at load. The package imports nothing until a name is asked
for (PEP 562): the gate reads a recipe's YAML (runsmig.recipe.yamlload) before anything else."""

__all__ = ["Recipe", "load_recipe"]


def __getattr__(name: str):
    if name == "load_recipe":
        from runsmig.recipe.load import load_recipe

        return load_recipe
    if name == "Recipe":
        from runsmig.recipe.model import Recipe

        return Recipe
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
