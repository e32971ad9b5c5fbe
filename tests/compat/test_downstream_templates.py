"""Templates of a downstream project: an attribute lookup in a template tag spelled like a renamed
member of the library is renamed when nothing of the project's own has that spelling
(fixtures/compat-py-downstream-templates), and left with a note when something has
(fixtures/compat-py-downstream-templates-noop, fixtures/compat-py-downstream-declared); prose,
comments, string literals and verbatim/raw bodies are not rewritten."""

from __future__ import annotations

import ast

from runsmig.compat import templates
from tests.helpers import REPO, git_copy, runsmig

FIXTURES = REPO / "fixtures"
MEMBERS = {"job_id": "run_id", "job": "run", "failed_job_count": "failed_run_count"}


def _plan(case: str, tmp_path):
    work = git_copy(FIXTURES / case / "before", tmp_path / "d")
    proc = runsmig("plan", str(work), "--recipe", str(FIXTURES / case / "recipe.yaml"), check_rc=0)
    return proc.stdout.decode(), proc.stderr.decode()


def test_a_lookup_the_project_defines_too_is_left_with_a_note(tmp_path):
    diff, err = _plan("compat-py-downstream-declared", tmp_path)  # app/moves.py: a class's own enqueue_job
    assert "queues.html" not in diff
    assert ("downstream: app/templates/queues.html:2: template lookup .enqueue_job: left as it is (the project "
            "defines .enqueue_job too: what it reads is not known); if it reads workq's, it is .enqueue_run now") in err
    assert err.count("template lookup") == 1


def test_lookups_only_the_library_has_are_renamed_in_tags_only(tmp_path):
    diff, err = _plan("compat-py-downstream-templates", tmp_path)
    assert "template lookup" not in err
    assert "+  <a href=\"{% url 'job_detail' execution.run_id %}\" title=\"{% trans 'execution.job_id' %}\">" in diff
    assert "+{%- for id in queue.get_run_ids() %}" in diff
    for kept in ("execution.job_id and worker.failed_job_count in prose", "{# a comment: execution.job_id",
                 "{% verbatim %}{{ execution.job_id }}", "{% raw %}{{ queue.job_ids }}"):
        assert f"-{kept}" not in diff and f"+{kept}" not in diff


def test_the_noop_twin_names_each_kept_lookup(tmp_path):
    diff, err = _plan("compat-py-downstream-templates-noop", tmp_path)
    assert "@@" not in diff
    for line, attr in ((2, "job_id"), (2, "job"), (2, "job_ids"), (4, "failed_job_count")):
        assert f"downstream: app/templates/app/attempts.html:{line}: template lookup .{attr}: left as it is" in err
    assert "downstream: app/jinja/forms.jinja2:2: template lookup .get_job_ids: left as it is" in err


def test_only_lookup_segments_in_tags_are_read():
    text = ('<p>x.job_id</p>\n{{ a.job_id|default:b.job_id }} {% url "v" c.job_id \'d.job_id\' %}'
            '{% load e.job_id %}{# f.job_id #}{{ job_id }}{{ g.0.job_id }}{{ "h.\\"job_id" }}{%- if i.job -%}'
            '{{ .Values.job_id }}{{ $j.job_id }}')
    found = [(text[at:at + len(name)], name) for at, name in templates.lookups(text)]
    assert [n for _, n in found] == ["job_id", "job_id", "job_id", "job_id", "job"]
    new, said = templates.rewrite(text, MEMBERS, own={"job"})
    assert new.count("run_id") == 4 and "x.job_id</p>" in new and "'d.job_id'" in new and "i.job -%}" in new
    assert said[-1] == (2, "job", False)


def test_a_template_context_names_variables_not_attributes():
    src = '''
def view(request):
    context = {"job": 1}
    context["job_id"] = 2
    stats = {"failed_job_count": 3}
    return render(request, "t.html", {"context": context, "stats": stats})
'''
    own = templates.own_spellings({"app/views.py": ast.parse(src)}, lambda b, t: False, set(MEMBERS))
    assert own == {"job", "job_id", "failed_job_count"}  # context is a value in the context, not the context
    rendered = src.replace('{"context": context, "stats": stats}', "context")
    own = templates.own_spellings({"app/views.py": ast.parse(rendered)}, lambda b, t: False, set(MEMBERS))
    assert own == {"failed_job_count"}


def test_a_test_modules_dicts_reach_no_template_unless_it_renders_one():
    src = 'def test_it(response):\n    assert response.context["job_id"] == {"job": 1}["job"]\n'
    trees = {"tests/test_views.py": ast.parse(src)}
    assert templates.own_spellings(trees, lambda b, t: False, set(MEMBERS)) == set()
    trees = {"tests/test_views.py": ast.parse(src + 'render_to_string("t.html", {"x": {"job_id": 1}})\n')}
    assert templates.own_spellings(trees, lambda b, t: False, set(MEMBERS)) == {"job", "job_id"}


def test_a_model_relation_field_defines_its_id_and_a_library_subclass_defines_nothing():
    src = '''
from workq import Worker
class Attempt(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE)
class MyWorker(Worker):
    failed_job_count = 0
'''
    tree = ast.parse(src)

    def library(base, t):
        return isinstance(base, ast.Name) and base.id == "Worker"

    assert templates.own_spellings({"app/models.py": tree}, library, set(MEMBERS)) == {"job", "job_id"}
