"""Extension sections of a recipe. A top-level key ``foo`` is parsed by the
module ``runsmig.recipe.sections.foo``, which defines ``parse(node, folder)``
(``node`` is a :class:`runsmig.recipe.yamlnode.Node`; raise ``node.fail(...)``
on bad input). Add a section by adding a module."""
