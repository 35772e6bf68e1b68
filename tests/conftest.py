"""Repo-level tests: pure lib/ tests, conformance, end-to-end, setup scripts.

Each addon's ``lib`` package is made importable without its addon (whose ``__init__``
imports Odoo) under the name ``<addon>_lib``, e.g.
``from l10n_be_nl_einvoice_lib import ogm``.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = tuple(sorted(p.parent.name for p in REPO.glob("*/__manifest__.py")))
SHARED = REPO.parent / "shared"


def load_lib(addon):
    name = f"{addon}_lib"
    if name not in sys.modules:
        lib = REPO / addon / "lib"
        spec = importlib.util.spec_from_file_location(
            name, lib / "__init__.py", submodule_search_locations=[str(lib)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


for _addon in ADDONS:
    load_lib(_addon)


def _load_setup_module(name, alias):
    spec = importlib.util.spec_from_file_location(alias, REPO / "setup" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


# setup/rules.py, importable by the tests as `rules_module`.
_load_setup_module("rules", "rules_module")
