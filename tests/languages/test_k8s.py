"""Kubernetes manifests (recognised by content, shaped by kubernetes-validate's upstream schemas) and
Helm chart templates: Kubernetes' keys, kinds and names stay; the project's names are renamed."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.findings import apply_edits
from runsmig.languages import language_for
from runsmig.languages.base import FileContext
from runsmig.languages.config.schemas import schema_for
from runsmig.recipe import load_recipe
from runsmig.terms import TermEngine
from tests.golden import FIXTURES

RECIPE = load_recipe(FIXTURES / "cfg-schema-noop" / "recipe.yaml")  # only job -> run
ENGINE = TermEngine.from_recipe(RECIPE)


def analyze(text: str, rel: str, root: Path = Path("/nonexistent")):
    ctx = FileContext(root, rel, rel, text, ENGINE, RECIPE)
    return language_for(rel).analyze(ctx)


def run(text: str, rel: str = "deploy/app.yaml", root: Path = Path("/nonexistent")):
    res = analyze(text, rel, root)
    assert not res.failed, res.failed
    return apply_edits(text, res.edits), res


def kept(res) -> set[str]:
    assert all(f.rule == "external" and f.replacement is None for f in res.findings), res.findings
    return {f.text for f in res.findings}


CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-job
  labels:
    job-tier: nightly
spec:
  schedule: "0 3 * * *"
  failedJobsHistoryLimit: 3
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job-runner
              image: registry.example.com/jobs:1.4
              args: ["--max-jobs", "4"]
"""


def test_cronjob_keeps_kubernetes_keys_and_kind_renames_the_users_names():
    out, res = run(CRONJOB)
    assert out == (CRONJOB.replace("nightly-job", "nightly-run").replace("job-tier", "run-tier")
                   .replace("job-runner", "run-runner").replace("/jobs:", "/runs:").replace("max-jobs", "max-runs"))
    assert kept(res) == {"CronJob", "failedJobsHistoryLimit", "successfulJobsHistoryLimit", "jobTemplate"}
    assert all("Kubernetes" in f.message for f in res.findings)


def test_job_kind_and_kubernetes_values_stay():
    text = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: nightly-job\n  annotations:\n    job-owner: ops\n"
            "spec:\n  podFailurePolicy:\n    rules:\n      - action: FailJob\n  template:\n    spec:\n"
            "      containers:\n        - name: job\n          image: jobs:1\n"
            "          env: [{name: JOB_QUEUE, value: jobs}]\n")
    out, res = run(text)
    assert out == (text.replace("nightly-job", "nightly-run").replace("job-owner", "run-owner")
                   .replace("name: job\n", "name: run\n").replace("image: jobs:1", "image: runs:1")
                   .replace("JOB_QUEUE, value: jobs", "RUN_QUEUE, value: runs"))
    assert kept(res) == {"Job", "FailJob"}


def test_multi_document_file_each_document_by_its_kind():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: job-settings}\ndata:\n  job_timeout: '600'\n"
            "---\n"
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: job-reader}\nrules:\n"
            "  - apiGroups: [batch]\n    resources: [jobs, cronjobs/status]\n    verbs: [get]\n"
            "---\n"
            "jobs: a plain document\n"
            "---\n"
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate-jobs}\nspec:\n  backoffLimit: 1\n")
    out, res = run(text)
    assert out == (text.replace("job-settings", "run-settings").replace("job_timeout", "run_timeout")
                   .replace("job-reader", "run-reader").replace("jobs: a plain", "runs: a plain")
                   .replace("migrate-jobs", "migrate-runs"))
    assert kept(res) == {"jobs", "Job"}  # RBAC's resource name; the kind


def test_custom_resource_keeps_only_its_type_and_metadata_keys():
    text = ("apiVersion: queues.example.com/v1\nkind: JobQueue\nmetadata:\n  name: default-jobs\n"
            "  labels: {job-tier: default}\nspec:\n  maxJobs: 10\n  jobSelector: {tier: default}\n")
    out, res = run(text)
    assert out == (text.replace("default-jobs", "default-runs").replace("job-tier", "run-tier")
                   .replace("maxJobs", "maxRuns").replace("jobSelector", "runSelector"))
    assert kept(res) == {"JobQueue"}


def test_a_plain_yaml_file_is_not_a_manifest():
    text = "kind: Job\njobTemplate: x\n"  # no apiVersion: the project's own file
    assert run(text)[0] == "kind: Run\nrunTemplate: x\n"
    assert schema_for("deploy/cron.yaml", "yaml") is None  # recognised by content, never by name


def test_a_path_named_schema_wins_over_content():
    text = "apiVersion: batch/v1\nkind: Job\njobs:\n  build-job:\n    runs-on: ubuntu-latest\n"
    out, res = run(text, ".github/workflows/ci.yml")
    assert "build-run:" in out
    assert res.findings and all("GitHub Actions" in f.message for f in res.findings)


def test_comments_keep_kubernetes_words_rename_the_projects():
    text = "# the nightly job: a CronJob whose jobTemplate makes a Job\n" + CRONJOB
    out, _ = run(text)
    assert out.startswith("# the nightly run: a CronJob whose jobTemplate makes a Job\n")


def test_definitions_by_group_version_kind():
    from runsmig.languages.config.schemas.kubernetes import definition

    assert definition("batch/v1", "CronJob") == "io.k8s.api.batch.v1.CronJob"
    assert definition("v1", "ConfigMap") == "io.k8s.api.core.v1.ConfigMap"
    assert definition("", "Job") == "io.k8s.api.batch.v1.Job"  # apiVersion not written: by kind alone
    assert definition("queues.example.com/v1", "JobQueue") is None


def test_no_op_manifest():
    text = CRONJOB.replace("nightly-job", "nightly").replace("job-", "worker-").replace("jobs", "worker")
    out, res = run(text)
    assert out == text and kept(res) == {"CronJob", "failedJobsHistoryLimit", "successfulJobsHistoryLimit",
                                         "jobTemplate"}


# -- Helm chart templates --------------------------------------------------------------------------
TEMPLATE = """\
{{- if .Values.jobWorker.enabled }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "worker.jobName" . }}
  labels:
    release: {{ .Release.Name }}
    {{- include "worker.labels" . | nindent 4 }}
    job-tier: worker
spec:
  schedule: {{ .Values.jobWorker.schedule | quote }}
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job-worker
              image: "{{ .Values.image.jobRepo }}:{{ .Chart.AppVersion }}"
              {{- with .Values.jobWorker.resources }}
              resources:
                {{- toYaml . | nindent 16 }}
              {{- end }}
{{- end }}
"""


@pytest.fixture
def chart(tmp_path):
    (tmp_path / "charts" / "worker" / "templates").mkdir(parents=True)
    (tmp_path / "charts" / "worker" / "Chart.yaml").write_text("apiVersion: v2\nname: worker\nversion: 0.1.0\n")
    return tmp_path


def test_helm_template_reads_as_a_manifest_values_names_renamed(chart):
    out, res = run(TEMPLATE, "charts/worker/templates/cron.yaml", chart)
    assert out == TEMPLATE.replace("job", "run").replace("Job", "Run").replace("CronRun", "CronJob").replace(
        "failedRunsHistoryLimit", "failedJobsHistoryLimit").replace("runTemplate", "jobTemplate")
    assert kept(res) == {"CronJob", "failedJobsHistoryLimit", "jobTemplate"}


def test_helms_built_in_objects_stay(chart):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-jobs\ndata:\n"
            "  chart: {{ .Chart.Name }}\n  jobs: {{ $.Values.jobs | quote }}\n"
            "{{- /* .Release.Jobs is Helm's, .Values.Jobs the chart's */}}\n")
    out, res = run(text, "charts/worker/templates/cm.yaml", chart)
    assert out == text.replace("-jobs", "-runs").replace("jobs: {{ $.Values.jobs", "runs: {{ $.Values.runs").replace(
        ".Values.Jobs", ".Values.Runs")
    assert kept(res) == {"Jobs"}  # .Release.Jobs: a field of Helm's built-in object
    assert "Helm" in res.findings[0].message


def test_template_outside_a_chart_is_plain_yaml_as_before():
    res = analyze(TEMPLATE, "charts/worker/templates/cron.yaml")  # no Chart.yaml: not a chart template
    assert res.failed and "invalid YAML" in res.failed and "Helm" not in res.failed


def test_unreadable_template_fails_and_says_so(chart):
    text = "apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n  x: {{ .Values.job }}\n"
    res = analyze(text, "charts/worker/templates/bad.yaml", chart)
    assert res.failed and "Helm template" in res.failed and "blanked" in res.failed


def test_template_unreadable_blanked_is_read_as_before_with_a_finding(chart, monkeypatch):
    from runsmig.languages.config import helm

    monkeypatch.setattr(helm, "blank", lambda text, spans: "a: [unclosed\n")  # however blanking went wrong
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: job-settings}\ndata: {x: '{{ .Values.x }}'}\n"
    out, res = run(text, "charts/worker/templates/cm.yaml", chart)
    assert out == text.replace("job-settings", "run-settings")  # today's behaviour: plain YAML
    follow = [f for f in res.findings if f.rule == "follow-up"]
    assert len(follow) == 1 and "Helm template" in follow[0].message and "plain YAML" in follow[0].message


def test_crd_type_names_stay_with_the_custom_resources_kind():
    text = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            "metadata:\n  name: jobqueues.jobs.example.com\n  labels: {job-tier: x}\n"
            "spec:\n  group: jobs.example.com\n  scope: Namespaced\n"
            "  names: {kind: JobQueue, plural: jobqueues, singular: jobqueue, shortNames: [jq]}\n"
            "---\napiVersion: jobs.example.com/v1\nkind: JobQueue\nmetadata: {name: main-jobs}\n")
    out, res = run(text)
    assert out == text.replace("job-tier", "run-tier").replace("main-jobs", "main-runs")
    assert {"JobQueue", "jobs"} <= kept(res)


# -- removed apiVersions, manifests and field paths inside code strings -----------------------------
def test_a_removed_api_version_of_a_built_in_kind_keeps_kubernetes_keys():
    from runsmig.languages.config.schemas.kubernetes import definition

    assert definition("batch/v1beta1", "CronJob") == "io.k8s.api.batch.v1.CronJob"
    assert definition("extensions/v1beta1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert definition("queues.example.com/v1beta1", "CronJob") is None  # a custom resource's group
    text = CRONJOB.replace("batch/v1", "batch/v1beta1")
    out, res = run(text)
    assert out == run(CRONJOB)[0].replace("batch/v1", "batch/v1beta1")
    assert kept(res) == {"CronJob", "failedJobsHistoryLimit", "successfulJobsHistoryLimit", "jobTemplate"}


def test_field_paths_over_a_kind_are_kubernetes():
    from runsmig.languages.config.schemas.kubernetes import field_paths

    path = "spec.jobTemplate.spec.template.spec.volumes[].persistentVolumeClaim"
    assert field_paths(path) == [(0, len(path))]
    assert field_paths("{.spec.jobTemplate.spec}") == [(1, 23)]  # JSONPath
    assert field_paths("app.jobs.enabled") == []  # no kind declares it
    assert field_paths("my.jobTemplate.x") == []  # not from a kind's root
    assert field_paths("spec.template.spec") == []  # no compound segment: too plain to tell


PY_MANIFEST = '''\
PATH = "spec.jobTemplate.spec.template"
OWN = "reports.jobTemplate.name"
MANIFEST = """
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly-job
spec:
  backoffLimit: 2
"""


def get(url):
    return [MANIFEST] if url == "jobs" else []
'''


def test_python_strings_holding_manifests_field_paths_and_resources():
    out, res = run(PY_MANIFEST, "tests/test_cleanup.py")
    assert out == PY_MANIFEST.replace("nightly-job", "nightly-run").replace("reports.jobTemplate", "reports.runTemplate")
    assert {"Job", "jobs", "jobTemplate"} <= {f.text for f in res.findings if f.rule == "external"}


def test_a_resource_name_is_kubernetes_only_where_the_file_holds_that_kind():
    text = 'def get(url):\n    return url == "jobs"\n'  # no manifest here: the project's word
    assert run(text, "app/queue.py")[0] == text.replace('"jobs"', '"runs"')


def test_no_op_python_manifest_string():
    text = ('M = """\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n'
            '  failedJobsHistoryLimit: 1\n  jobTemplate: {}\n"""\nP = "spec.jobTemplate.spec"\n')
    out, res = run(text, "tests/test_m.py")
    assert out == text and all(f.rule == "external" for f in res.findings)
