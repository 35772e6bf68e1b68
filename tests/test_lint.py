"""The code stays clean by the project's lint command (ruff, pylint-odoo, READMEs)."""

import subprocess

from conftest import REPO


def test_lint_is_clean():
    result = subprocess.run(
        [str(REPO / "setup" / "lint")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
