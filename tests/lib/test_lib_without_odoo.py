"""Each addon's lib/ is pure Python: it imports where Odoo cannot be imported."""

import ast
import subprocess
import sys

import pytest

from conftest import ADDONS, REPO

BLOCK_ODOO_AND_IMPORT = """
import importlib.abc, importlib.util, pkgutil, sys

class NoOdoo(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "odoo" or name.startswith("odoo."):
            raise ImportError("odoo is not importable here")

sys.meta_path.insert(0, NoOdoo())
lib = {lib!r}
spec = importlib.util.spec_from_file_location(
    "pure_lib", lib + "/__init__.py", submodule_search_locations=[lib])
module = importlib.util.module_from_spec(spec)
sys.modules["pure_lib"] = module
spec.loader.exec_module(module)
for info in pkgutil.walk_packages([lib], prefix="pure_lib."):
    importlib.import_module(info.name)
print("ok")
"""


@pytest.mark.parametrize("addon", ADDONS)
def test_lib_imports_with_odoo_unavailable(addon):
    code = BLOCK_ODOO_AND_IMPORT.format(lib=str(REPO / addon / "lib"))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("addon", ADDONS)
def test_no_lib_module_names_odoo_in_its_imports(addon):
    offenders = []
    for path in sorted((REPO / addon / "lib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{path}:{node.lineno} {n}" for n in names if n.split(".")[0] == "odoo"
            ]
    assert not offenders


@pytest.mark.parametrize("addon", ADDONS)
def test_lib_is_importable_under_its_short_name(addon):
    assert sys.modules[f"{addon}_lib"].__doc__
