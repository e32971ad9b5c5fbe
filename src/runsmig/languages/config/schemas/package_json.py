"""npm's ``package.json``.

npm's: the top-level keys (``name``, ``version``, ``scripts``, ``dependencies``, ``engines``,
``exports`` ...), the lifecycle script names (``test``, ``prepare``, ``postinstall`` ...), and the
configuration sections of other tools (``jest``, ``eslintConfig``, ``prettier``, ``babel`` ...:
their keys are those tools'). Third-party: every package name and version in ``dependencies``,
``devDependencies``, ``peerDependencies``, ``optionalDependencies``, ``bundleDependencies``,
``peerDependenciesMeta``, ``overrides`` and ``resolutions`` (``"bull-jobs": "^1.0"`` stays). The
user's: the package's own ``name``, its other script names and commands, ``bin`` command names,
``exports``/``imports`` paths, ``config``, custom top-level sections, keywords and descriptions,
and a dependency on a package of the checkout itself (``workspace:``, ``file:``, ``link:`` or a
relative path), which is renamed with it.
"""

from runsmig.languages.config.schemas import Schema
from runsmig.languages.config.schemas.shapes import (
    EXT,
    FREE,
    SELF,
    Ext,
    Keys,
    Map,
    Pick,
    Value,
)

LIFECYCLE = (
    "preinstall", "install", "postinstall", "preuninstall", "uninstall", "postuninstall",
    "prepublish", "preprepare", "prepare", "postprepare", "prepublishOnly", "prepack", "postpack",
    "publish", "postpublish", "preversion", "version", "postversion", "pretest", "test", "posttest",
    "prestop", "stop", "poststop", "prestart", "start", "poststart", "prerestart", "restart",
    "postrestart", "preshrinkwrap", "shrinkwrap", "postshrinkwrap", "dependencies",
)
LOCAL = ("workspace:", "file:", "link:", "portal:", "./", "../", "/")

PACKAGE = Ext("a third-party package")


def _dependency(name: str, deps: Map):
    """A dependency on a package of the checkout is the user's; any other is a third-party package."""
    spec = deps.text(name)
    if spec is not None and spec.startswith(LOCAL):
        return False, FREE
    return True, PACKAGE


TOOLS = ("jest", "eslintConfig", "prettier", "babel", "stylelint", "commitlint", "release", "nyc", "c8",
         "ava", "mocha", "xo", "standard", "volta", "pnpm", "publishConfig", "engines", "repository",
         "bugs", "author", "contributors", "funding", "directories", "remarkConfig", "browserslist")

PACKAGE_JSON = Keys({
    "name": FREE,
    "scripts": Keys({name: FREE for name in LIFECYCLE}, names=FREE),
    "bin": FREE,
    "exports": FREE,
    "imports": FREE,
    "browser": FREE,
    "config": FREE,
    "workspaces": Keys({"packages": FREE, "nohoist": FREE}, value=None),
    "lint-staged": FREE,  # keys are the user's globs
    **{k: Pick(_dependency, value=EXT) for k in ("dependencies", "devDependencies", "peerDependencies",
                                                 "optionalDependencies")},
    **{k: PACKAGE for k in ("bundleDependencies", "bundledDependencies", "peerDependenciesMeta",
                            "overrides", "resolutions")},
    **{k: Keys(other=SELF, owner=f"'{k}' in package.json") for k in TOOLS},
    **{k: Value(EXT) for k in ("packageManager", "type", "license", "os", "cpu")},
}, names=FREE)  # other top-level sections: the user's own configuration

SCHEMA = Schema(
    name="package.json",
    owner="npm",
    format="json",
    patterns=("package.json",),
    shape=PACKAGE_JSON,
)
