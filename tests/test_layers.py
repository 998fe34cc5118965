"""The pipeline's layers (data -> analysis -> presentation -> runner) hold: `lint-imports`.

The contracts live in pyproject.toml ([tool.importlinter]); known violations are listed there
in ``ignore_imports`` with a comment each.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    exe = Path(sys.executable).parent / "lint-imports"
    found = str(exe) if exe.is_file() else shutil.which("lint-imports")
    if found is None:
        pytest.skip("import-linter is not installed (pip install 'resilience_analytics[test]')")
    return found


def test_import_contracts_are_kept():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_manifest_does_not_import_the_runner():
    # the former import circle report <-> manifest: manifest is below the runner now
    text = (ROOT / "resilience_analytics" / "manifest.py").read_text("utf-8")
    assert "from .report" not in text and "import report" not in text
