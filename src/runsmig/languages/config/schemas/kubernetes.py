"""Kubernetes manifests, recognised by content: a YAML document whose top level has ``apiVersion``
and ``kind`` strings, in any ``*.yml``/``*.yaml`` file no path-named schema claims (multi-document
files too, and Helm chart templates: see :mod:`runsmig.languages.config.helm`).

The shapes come from a maintained package of the upstream schemas, kubernetes-validate (its
``kubernetes-json-schema/<version>-local/_definitions.json``, the newest version it carries), read as
data: none of its code is imported or run. Each document is matched to its definition by the
``x-kubernetes-group-version-kind`` entries (``batch/v1`` + ``CronJob`` is
``io.k8s.api.batch.v1.CronJob``); from there :mod:`.jsonshape` decides: a declared property
(``jobTemplate``, ``failedJobsHistoryLimit``, ``backoffLimit``) is Kubernetes' key, an open map
(``metadata.labels``, ``annotations``, a ConfigMap's ``data``) holds the user's names, and values are
the user's (``metadata.name``, container names, images) unless Kubernetes names them:

- ``apiVersion`` and ``kind`` of every document (custom resources' too: their type is defined
  elsewhere, by a CRD or an operator);
- a ``kind`` value naming a known kind (``ownerReferences``, ``roleRef``), a ``resources`` or
  ``resource`` value naming a known resource (RBAC's ``jobs``, ``cronjobs/status``);
- a CamelCase value the property's own description lists (``podFailurePolicy``'s ``FailJob``).

In a manifest's comments, Kubernetes' compound names (``CronJob``, ``jobTemplate``) and its kinds as
it spells them (``Job``) are its words, kept; the rest of the prose (``the nightly job``) is the
project's.

A CustomResourceDefinition's type names (``spec.names``, ``spec.group``, its ``metadata.name``)
are kept like the kinds and apiVersions they define. A custom resource (a kind the schemas do not
know) keeps ``apiVersion``, ``kind`` and ``metadata``'s
keys; the rest of it is the user's.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas._prose import _AFTER, _BEFORE, bare_words
from runsmig.languages.config.schemas.jsonshape import JsonShape
from runsmig.languages.config.schemas.shapes import EXT, FREE, Ext, Keys, Map, Node, Scalar, Seq, Shape

OWNER = "Kubernetes"
_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_CRD_SPEC = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec"
_CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*\Z")


def _folder() -> Path | None:
    """The newest ``vX.Y.Z-local`` folder of kubernetes-validate's schemas (found, not imported)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    found = []
    for p in base.glob("v*-local") if base.is_dir() else ():
        m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local", p.name)
        if m and (p / "_definitions.json").is_file():
            found.append((tuple(map(int, m.groups())), p))
    return max(found)[1] if found else None


@lru_cache(maxsize=1)
def definitions() -> dict:
    """The schemas' ``_definitions.json`` (every definition under ``$defs``), read on first need;
    empty when the package is missing."""
    folder = _folder()
    if folder is None:
        return {}
    return json.loads((folder / "_definitions.json").read_bytes())


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, str, str], str], dict[str, list[str]], frozenset[str], frozenset[str]]:
    """(group, version, kind) -> definition name; kind -> names; every kind; every resource plural."""
    gvk: dict[tuple[str, str, str], str] = {}
    by_kind: dict[str, list[str]] = {}
    for name, d in (definitions().get("$defs") or {}).items():
        for e in d.get("x-kubernetes-group-version-kind") or ():
            key = (e.get("group", ""), e.get("version", ""), e.get("kind", ""))
            gvk.setdefault(key, name)
            if name not in by_kind.setdefault(key[2], []):
                by_kind[key[2]].append(name)
    kinds = frozenset(k for _, _, k in gvk if k)
    return gvk, by_kind, kinds, frozenset(_plural(k) for k in kinds)


def _plural(kind: str) -> str:
    low = kind.lower()
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def definition(api_version: str | None, kind: str | None) -> str | None:
    """The definition of a document's (apiVersion, kind); by kind alone when the apiVersion is not
    written (a Helm template's ``{{ }}``) and one definition has that kind. A built-in kind at an
    apiVersion the schemas no longer carry (``batch/v1beta1`` CronJob) takes the kind's current
    definition: its keys are still Kubernetes', not the user's."""
    if not kind:
        return None
    gvk, by_kind, _, _ = _index()
    names = by_kind.get(kind) or []
    if api_version:
        group, _, version = api_version.rpartition("/")
        found = gvk.get((group, version, kind))
        if found is not None or not _builtin_group(group):
            return found
        # an API version Kubernetes has since removed (batch/v1beta1 CronJob, extensions/v1beta1
        # Deployment): the kind as Kubernetes defines it now, in the same group if it is there
        same = [n for (g, _, k), n in gvk.items() if g == group and k == kind]
        return same[-1] if same else (names[0] if len(names) == 1 else None)
    return names[0] if len(names) == 1 else None


def _builtin_group(group: str) -> bool:
    """Kubernetes' own API groups: the core group (""), single-word groups (``batch``, ``apps``,
    ``extensions``) and ``*.k8s.io``; a custom resource's group is a domain of its own."""
    return "." not in group or group == "k8s.io" or group.endswith(".k8s.io")


class K8sShape(JsonShape):
    """A JSON Schema shape over Kubernetes' definitions, with Kubernetes' names among its values."""

    def __init__(self, root: dict, nodes: tuple, owner: str | None = None, key: str = ""):
        super().__init__(root, nodes, owner)
        self.key = key

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        if key in ("names", "group") and any(b is self.root["$defs"].get(_CRD_SPEC) for b in self.branches):
            return True, Ext(OWNER)  # a CRD's type names: its custom resources' kind and apiVersion keep them
        tools, sh = super().field(key, parent)
        if isinstance(sh, JsonShape):
            sh = K8sShape(sh.root, sh._nodes, sh.owner, key)
        return tools, sh

    @cached_property
    def value(self):
        base = super().value
        _, _, kinds, plurals = _index()
        words = " ".join(b.get("description") or "" for b in self.branches)
        key = self.key

        def rule(text: str, node: Scalar) -> list[tuple[int, int]]:
            v = node.value
            if key == "kind" and v in kinds:
                return EXT(text, node)
            if key in ("resources", "resource") and v.split("/", 1)[0] in plurals:
                return EXT(text, node)
            if _CAMEL.match(v) and re.search(rf"(?<![\w.]){re.escape(v)}(?!\w)", words):
                return EXT(text, node)
            return list(base(text, node)) if base is not None else []
        return rule


class _CrdMeta(Shape):
    def __init__(self, meta: Shape):
        self.meta = meta

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        tools, sh = self.meta.field(key, parent)
        return (tools, _KEPT) if key == "name" else (tools, sh)


_KEPT = Keys(names=FREE, value=EXT)  # apiVersion, kind: the value is Kubernetes' (a map there: the user's)


@lru_cache(maxsize=None)
def _kind_shape(name: str) -> Shape:
    root = definitions()
    return K8sShape(root, (root["$defs"][name],))


@lru_cache(maxsize=1)
def _custom() -> Shape:
    """A custom resource: apiVersion, kind and metadata's keys are Kubernetes'; the rest is the user's."""
    root = definitions()
    meta = root.get("$defs", {}).get(_META)
    return Keys({"apiVersion": _KEPT, "kind": _KEPT,
                 "metadata": K8sShape(root, (meta,)) if meta else FREE}, names=FREE)


def is_manifest(doc: Node) -> bool:
    return (isinstance(doc, Map) and isinstance(doc.get("apiVersion"), Scalar)
            and isinstance(doc.get("kind"), Scalar) and bool(doc.text("kind")))


class Manifests(Shape):
    """The root of every document of a file: each one takes the shape of its own kind."""

    def __init__(self):
        self._by_doc: dict[int, Shape] = {}

    def _shape(self, doc: Map) -> Shape:
        got = self._by_doc.get(id(doc))
        if got is None:
            if not is_manifest(doc):
                got = FREE
            else:
                kind = doc.text("kind")
                name = definition(doc.text("apiVersion"), kind)
                if name is not None:
                    got = _kind_shape(name)
                elif kind == "List":  # a v1 List: its items are manifests
                    got = Keys({"apiVersion": _KEPT, "kind": _KEPT, "items": self,
                                "metadata": _custom().fields["metadata"]}, names=FREE)
                else:
                    got = _custom()
            self._by_doc[id(doc)] = got
        return got

    def field(self, key: str, parent: Map) -> tuple[bool, Shape]:
        tools, sh = self._shape(parent).field(key, parent)
        if key in ("apiVersion", "kind") and tools and is_manifest(parent):
            return True, _KEPT  # the value is Kubernetes' even where the schema lists no enum
        if key == "metadata" and parent.text("kind") == "CustomResourceDefinition" and isinstance(sh, K8sShape):
            return tools, _CrdMeta(sh)  # its name is <plural>.<group>: kept with them
        return tools, sh


def detect(docs: list[Node]) -> bool:
    """Whether a file holds a manifest (and the schemas are there to read)."""
    return any(is_manifest(d) or (isinstance(d, Seq) and any(is_manifest(i) for i in d.items))
               for d in docs) and bool(definitions())


_WORD = re.compile(rf"{_BEFORE}[A-Za-z][A-Za-z0-9]*{_AFTER}")
_COMPOUND = re.compile(r"[A-Za-z][a-z0-9]*[A-Z]")  # CronJob, jobTemplate: not Job, not name


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Kubernetes' compound names (lowercased): its kinds and its fields (``CronJob``,
    ``jobTemplate``, ``failedJobsHistoryLimit``), any case. A bare one in a manifest's comments is
    Kubernetes' word, and so is a kind written as Kubernetes writes it (``Job``, not ``job``)."""
    _, _, kinds, _ = _index()
    fields = {k for d in (definitions().get("$defs") or {}).values() for k in (d.get("properties") or {})}
    return frozenset(w.lower() for w in kinds | fields if _COMPOUND.match(w))


@dataclass(frozen=True)
class _Schema(Schema):
    def words(self, text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        vocab, kinds = vocabulary(), _index()[2]
        return [(a, b) for a, b in bare_words(text, regions, _WORD)
                if text[a:b].lower() in vocab or text[a:b] in kinds]


SCHEMA = _Schema(name="Kubernetes manifest", owner=OWNER, format="yaml", patterns=("*.yml", "*.yaml"),
                 shape=lambda docs: Manifests(), priority=-10, detect=detect,
                 vocabulary=("CronJob", "jobTemplate"))  # a sample: words() reads the definitions' names


_PATH = re.compile(r"(?<![\w.$\]])(?:\$?\.)?[A-Za-z_]\w*(?:\[[^\]\s]*\])?(?:\.[A-Za-z_]\w*(?:\[[^\]\s]*\])?)+")
_INDEX = re.compile(r"\[[^\]]*\]")


def field_paths(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are field paths over a Kubernetes object: two or more dotted
    segments (``[]``, ``[*]``, ``[0]`` allowed after one) that Kubernetes' schemas declare one
    inside the other from some kind's root (``spec.jobTemplate.spec.template``: a CronJob's).
    Only a path with a compound segment (``jobTemplate``, not ``spec.name``) counts."""
    out = []
    for m in _PATH.finditer(text):
        segments = tuple(_INDEX.sub("", p) for p in m.group(0).lstrip("$.").split("."))
        if any(_COMPOUND.match(p) for p in segments) and _resolves(segments):
            out.append(m.span())
    return out


def _props(node: dict, defs: dict, depth: int = 0) -> dict:
    """The declared properties at a schema node ($ref followed, an array's items)."""
    while depth < 16 and isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node, depth = defs.get(ref[len("#/$defs/"):]) or {}, depth + 1
        elif isinstance(node.get("items"), dict):
            node, depth = node["items"], depth + 1
        else:
            return node.get("properties") or {}
    return {}


@lru_cache(maxsize=1024)
def _resolves(segments: tuple[str, ...]) -> bool:
    defs = definitions().get("$defs") or {}
    gvk, _, _, _ = _index()
    for name in dict.fromkeys(gvk.values()):
        node = defs.get(name)
        for seg in segments:
            node = _props(node, defs).get(seg) if isinstance(node, dict) else None
            if node is None:
                break
        else:
            return True
    return False


def resource_of(value: str) -> str | None:
    """The known kind whose REST resource ``value`` is (``jobs``, ``cronjobs/status``), else None."""
    plural = value.split("/", 1)[0]
    if not plural or not plural.islower():
        return None
    _, by_kind, kinds, _ = _index()
    for k in kinds:
        if _plural(k) == plural:
            return k
    return None
