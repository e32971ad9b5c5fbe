"""Docker Compose files (``docker-compose*.yml``, ``compose*.yml``, ``.yaml`` too).

Compose's: every key of the Compose specification (``services``, ``volumes``, ``networks``,
``configs``, ``secrets``, ``build``, ``deploy``, ``healthcheck``, ``depends_on``, ``environment``,
``restart`` ...), and an ``image:`` the service pulls (someone's registry reference). The user's:
service, network, volume, config and secret names, variable, label and build-arg names, ``x-*``
extension fields, the ``image:`` a service builds itself (``build:`` beside it names its tag), and
every other value (commands, paths, volume mounts).
"""

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas.shapes import EXT, TOOL, Keys, Map, Names, Value

_X = ("x-",)


def _image(service: Map):
    return TOOL if service.get("build") is not None else Value(EXT, owner="the image's registry")


SERVICE = Keys({
    "environment": Names(),
    "labels": Names(),
    "annotations": Names(),
    "extra_hosts": Names(),
    "build": Keys({"args": Names(), "labels": Names(), "additional_contexts": Names()}, user_prefixes=_X),
    "depends_on": Names(TOOL),  # service names: the user's; condition, restart, required: Compose's
    "networks": Names(TOOL),
    "image": _image,
    "logging": Keys({"options": TOOL}),
}, user_prefixes=_X)

RESOURCE = Keys({"labels": Names(), "driver_opts": TOOL}, user_prefixes=_X)

COMPOSE = Keys({
    "services": Names(SERVICE),
    "networks": Names(RESOURCE),
    "volumes": Names(RESOURCE),
    "configs": Names(RESOURCE),
    "secrets": Names(RESOURCE),
}, user_prefixes=_X)

SCHEMA = Schema(
    name="Docker Compose file",
    owner="Docker Compose",
    format="yaml",
    patterns=("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml"),
    shape=COMPOSE,
)
