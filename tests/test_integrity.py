"""Data integrity: re-verification of changed files, receipts of the bytes read, corrupt caches.

Every file here is synthetic and lives in ``tmp_path``; the registry entry is temporary
(monkeypatched), so nothing from the shared data is copied.
"""

from __future__ import annotations

import hashlib
import os
import warnings

import numpy as np
import pandas as pd
import pytest

from resilience_analytics import _io, datasets, hazards, settings
from resilience_analytics.errors import CacheWarning, ChecksumError, DataFileError

GOOD = b"city,value\nExample City,1\n"


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A temporary registry holding only the fictional data set ``tiny`` (one CSV)."""
    folder = tmp_path / "data" / "tiny"
    folder.mkdir(parents=True)
    path = folder / "tiny.csv"
    path.write_bytes(GOOD)
    entry = datasets.DataFile("tiny.csv", hashlib.sha256(GOOD).hexdigest(),
                              read={"format": "csv", "options": {}})
    ds = datasets.Dataset("tiny", "Tiny", "Example publisher (fictional)", "http://example.org",
                          "CC0", "Fictional example.", files=(entry,))
    monkeypatch.setattr(datasets, "_registry", lambda: {"tiny": ds})
    monkeypatch.setattr(settings, "data_dir", tmp_path / "data")
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    return path


@pytest.fixture
def hash_calls(monkeypatch):
    calls = []
    real = datasets.sha256

    def counting(path):
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(datasets, "sha256", counting)
    return calls


def _bump_mtime(path, seconds=10):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_unchanged_file_is_hashed_once_and_every_use_recorded(tiny, hash_calls):
    for _ in range(3):
        assert datasets.read("tiny")["value"].tolist() == [1]
    assert len(hash_calls) == 1
    [rec] = [r for r in datasets.reads() if r["dataset"] == "tiny"]
    assert rec["sha256"] == hashlib.sha256(GOOD).hexdigest()
    assert rec["bytes"] == len(GOOD)
    assert rec["mtime_ns"] == tiny.stat().st_mtime_ns
    assert rec["uses"] == 3
    assert rec["path"] == str(tiny.resolve())
    assert datasets.files_read()[str(tiny.resolve())] == rec["sha256"]


def test_changed_bytes_are_refused_not_served(tiny):
    datasets.read("tiny")
    tiny.write_bytes(b"city,value\nExample City,666\n")  # same size, new content
    _bump_mtime(tiny)
    with pytest.raises(ChecksumError, match="expected"):
        datasets.read("tiny")
    with pytest.raises(ChecksumError):
        datasets.get_path("tiny")


def test_replaced_file_with_same_bytes_is_rehashed_and_recorded_again(tiny, hash_calls):
    datasets.get_path("tiny")
    replacement = tiny.with_suffix(".new")
    replacement.write_bytes(GOOD)
    os.replace(replacement, tiny)  # new inode, same bytes
    _bump_mtime(tiny)
    datasets.get_path("tiny")
    assert len(hash_calls) == 2
    recs = [r for r in datasets.reads() if r["dataset"] == "tiny"]
    assert len(recs) == 2 and recs[0]["mtime_ns"] != recs[1]["mtime_ns"]
    assert {r["sha256"] for r in recs} == {hashlib.sha256(GOOD).hexdigest()}


def test_truncated_file_is_detected_after_first_verification(tiny):
    datasets.get_path("tiny")
    tiny.write_bytes(GOOD[:5])
    with pytest.raises(ChecksumError):
        datasets.get_path("tiny")


def test_catalog_verify_really_rehashes(tiny, hash_calls):
    datasets.get_path("tiny")
    assert len(hash_calls) == 1
    cat = datasets.catalog(verify=True)
    assert len(hash_calls) == 2  # re-hashed although verified and unchanged
    assert bool(cat.loc["tiny", "verified"]) is True
    # a corruption that keeps size and timestamps (undetectable by stat) is found by catalog
    st = tiny.stat()
    tiny.write_bytes(GOOD.replace(b"1", b"2"))
    os.utime(tiny, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert bool(datasets.catalog(verify=True).loc["tiny", "verified"]) is False


def test_file_changing_while_hashed_is_hashed_again(tiny, monkeypatch):
    real = datasets.sha256
    calls = []

    def changing(path):
        calls.append(1)
        if len(calls) == 1:  # a writer touches the file during the first hash
            _bump_mtime(tiny)
        return real(path)

    monkeypatch.setattr(datasets, "sha256", changing)
    datasets.get_path("tiny")
    assert len(calls) == 2
    rec = [r for r in datasets.reads() if r["dataset"] == "tiny"][-1]
    assert rec["mtime_ns"] == tiny.stat().st_mtime_ns


def test_file_that_never_settles_is_a_data_file_error(tiny, monkeypatch):
    real = datasets.sha256

    def always_changing(path):
        _bump_mtime(tiny)
        return real(path)

    monkeypatch.setattr(datasets, "sha256", always_changing)
    with pytest.raises(DataFileError, match="kept changing"):
        datasets.get_path("tiny")


def test_verify_false_neither_hashes_nor_records(tiny, hash_calls):
    datasets.get_path("tiny", verify=False)
    assert hash_calls == []
    assert not [r for r in datasets.reads() if r["dataset"] == "tiny"]


# ------------------------------------------------------------------ corrupt cache entries
def test_disk_cached_discards_a_truncated_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    built = []

    def build():
        built.append(1)
        return pd.DataFrame({"x": [1.5, 2.5]})

    _io.disk_cached("demo", "t", ["k"], build)
    [path] = list((tmp_path / "demo").glob("t-*.parquet"))
    path.write_bytes(path.read_bytes()[:20])  # truncated
    with pytest.warns(CacheWarning, match="unreadable"):
        again = _io.disk_cached("demo", "t", ["k"], build)
    assert again["x"].tolist() == [1.5, 2.5] and len(built) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rebuilt file is good: no warning, no rebuild
        assert _io.disk_cached("demo", "t", ["k"], build)["x"].tolist() == [1.5, 2.5]
    assert len(built) == 2


def test_corrupt_exposure_cache_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    monkeypatch.setattr(hazards, "_cache_key", lambda params, df, chosen: "corrupt-test")
    computed = []

    def fake_compute(df, params, chosen):
        computed.append(1)
        out = df.copy()
        out["vo_count_100km"] = 0
        return out, {}

    monkeypatch.setattr(hazards, "_compute", fake_compute)
    city = pd.DataFrame({"name": ["Example City"], "latitude": [0.5], "longitude": [102.0]},
                        index=pd.Index([1], name="city_id"))
    path = tmp_path / "hazards" / "exposure_corrupt-test.parquet"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PAR1\x00\x00 truncated")
    with pytest.warns(CacheWarning, match="exposure_corrupt-test"):
        out = hazards.exposure(city, hazards=["volcano"])
    assert out["vo_count_100km"].tolist() == [0] and computed == [1]
    again = hazards.exposure(city, hazards=["volcano"])  # served from the rebuilt cache
    assert computed == [1] and again.attrs["cache"] == str(path)


def test_corrupt_derived_npy_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    src = tmp_path / "fake_package_file.bin"
    src.write_bytes(b"synthetic source")
    monkeypatch.setattr(hazards, "_package_file", lambda package, name: src)
    monkeypatch.setattr(hazards, "_MEMO", {})
    arr = np.arange(6, dtype=np.uint8).reshape(2, 3)
    builds = []

    def build(s):
        builds.append(s)
        return arr

    path = hazards._derived_path("test_grid", src)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x93NUMPY truncated")
    with pytest.warns(CacheWarning):
        got = hazards._derived_array("test_grid", "pkg", "f", build)
    assert np.array_equal(got, arr) and len(builds) == 1
    assert np.array_equal(np.load(path), arr)  # the rebuilt file replaced the corrupt one


def test_file_replaced_during_a_read_is_checked_again(tiny, monkeypatch):
    """A read whose file changes under it re-verifies: changed bytes are refused."""
    import pandas as pd

    real = pd.read_csv
    calls = []

    def read_then_tamper(path, **kw):
        calls.append(1)
        df = real(path, **kw)
        if len(calls) == 1:
            tiny.write_bytes(b"city,value\nExample City,9\n")
            _bump_mtime(tiny)
        return df

    monkeypatch.setattr(pd, "read_csv", read_then_tamper)
    with pytest.raises(ChecksumError):
        datasets.read("tiny")


def test_file_touched_during_a_read_is_read_again(tiny, monkeypatch, hash_calls):
    import pandas as pd

    real = pd.read_csv
    calls = []

    def read_then_touch(path, **kw):
        calls.append(1)
        df = real(path, **kw)
        if len(calls) == 1:
            _bump_mtime(tiny)  # same bytes, new mtime: verified again, then read again
        return df

    monkeypatch.setattr(pd, "read_csv", read_then_touch)
    assert datasets.read("tiny")["value"].tolist() == [1]
    assert len(calls) == 2 and len(hash_calls) == 2
