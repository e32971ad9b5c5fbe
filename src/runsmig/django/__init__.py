"""Django models and their migrations, read from source (never imported, never run).

* :mod:`runsmig.django.models`: the model classes a module declares, their fields and ``Meta``, and
  the table and column names Django derives from them.
* :mod:`runsmig.django.apps`: an app's label and its ``migrations`` package (the leaf migrations a
  new one depends on, the next number).
* :mod:`runsmig.django.migration`: the operations that carry a rename of models and fields into
  Django's migration state, and the text of the new migration file.

Used by the Python pass (``stored: keep`` writes derived names out: ``Meta.db_table``,
``db_column``) and by the generator of the new migration (runsmig.generators.django_migrations).
"""
