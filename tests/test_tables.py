"""The project's own tables (data/) ship as package data with checksums checked on every read."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from resilience_analytics import _tables
from resilience_analytics.errors import ChecksumError, DataFileError

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_is_listed_with_its_checksum():
    listed = _tables._checksums()
    present = {p.name for p in (ROOT / "data").glob("*.csv")}
    assert set(listed) == present
    for name in present:  # and every listed checksum is the file's
        assert _tables.project_table_path(name).name == name


def test_an_edited_table_is_refused_until_its_checksum_is_updated(tmp_path, monkeypatch):
    copy = tmp_path / "tables"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setattr(_tables, "PROJECT_DATA", copy)
    with (copy / "themes.csv").open("a", encoding="utf-8") as f:
        f.write("made_up,Made up,,,\n")
    with pytest.raises(ChecksumError, match="themes.csv.*SHA256SUMS"):
        _tables.read_project_table("themes.csv")  # (load_themes caches: read the file itself)
    with pytest.raises(DataFileError, match="ships exchanges.csv"):
        _tables.project_table_path("nope.csv")


@pytest.mark.slow
def test_the_wheel_carries_the_tables(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("resilience_analytics-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in [*_tables._checksums(), "SHA256SUMS"]:
        assert f"resilience_analytics/tables/{table}" in names
    assert "resilience_analytics/py.typed" in names
