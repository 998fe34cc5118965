"""The documentation site builds with warnings as errors and loads nothing from the network."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_docs_build_without_warnings_and_offline(tmp_path):
    out = tmp_path / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(out)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    pages = list(out.rglob("*.html"))
    assert len(pages) > 40  # notebooks, API pages, data page
    data_page = (out / "_generated" / "data.html").read_text()
    # the data page is generated from the registry: every data set with its checksum and licence
    from resilience_analytics import datasets

    for name in datasets.names():
        assert name in data_page
    assert "non-commercial" in data_page
    remote = re.compile(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(?:https?:)?//", re.I)
    offenders = [p.name for p in pages if remote.search(p.read_text(errors="replace"))]
    assert offenders == []
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert (out / "_generated" / "notebooks" / f"{nb.stem}.html").is_file()
