"""Shared fixtures.

Tests marked ``data`` need the real data sets in ``RESILIENCE_DATA_DIR``. Outside CI they
are skipped when the folder is absent; in CI (``CI=true``) a missing folder is a failure.
Every test runs with a private cache folder so that nothing leaks between tests or into the
user's cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def _data_dir() -> Path | None:
    env = os.environ.get("RESILIENCE_DATA_DIR")
    if env:
        return Path(env)
    return DEFAULT_DATA if DEFAULT_DATA.is_dir() else None


def pytest_collection_modifyitems(config, items):
    data = _data_dir()
    if data is not None and data.is_dir():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return  # let them fail loudly in CI
    skip = pytest.mark.skip(reason="real data sets not found: set RESILIENCE_DATA_DIR")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    data = _data_dir()
    if data is None or not data.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"RESILIENCE_DATA_DIR is not set or not a folder in CI: {data}")
        pytest.skip("real data sets not found: set RESILIENCE_DATA_DIR")
    return data


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """Point the cache at a session temp folder and the data dir at the real data."""
    from resilience_analytics import datasets, settings

    # files a test verifies or reads in its own tmp folders must not leak into other tests
    verified = dict(datasets._VERIFIED)
    identity = dict(getattr(datasets, "_IDENTITY", {}))
    reads = dict(getattr(datasets, "_READS", {}))
    cache = tmp_path_factory.getbasetemp() / "ra-cache"
    monkeypatch.setattr(settings, "cache_dir", cache)
    monkeypatch.setattr(settings, "progress", False)
    data = _data_dir()
    if data is not None:
        monkeypatch.setattr(settings, "data_dir", data)
    yield
    datasets._VERIFIED.clear()
    datasets._VERIFIED.update(verified)
    if hasattr(datasets, "_IDENTITY"):
        datasets._IDENTITY.clear()
        datasets._IDENTITY.update(identity)
        datasets._READS.clear()
        datasets._READS.update(reads)
