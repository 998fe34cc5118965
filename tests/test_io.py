"""Tests of the private file helpers in resilience_analytics._io."""

import pickle

import pandas as pd
import pytest

from resilience_analytics import _io, settings


def test_atomic_write_failure_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old")

    def broken(tmp):
        with open(tmp, "w") as fh:
            fh.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _io.atomic_write(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_atomic_write_temp_file_keeps_target_suffix(tmp_path):
    seen = []
    _io.atomic_write(tmp_path / "book.xlsx", lambda t: (seen.append(t), open(t, "w").close()))
    assert seen[0].endswith(".xlsx")
    _io.atomic_write(tmp_path / "t.csv", lambda t: (seen.append(t), open(t, "w").close()),
                     suffix=".csv.tmp")
    assert seen[1].endswith(".csv.tmp")


def test_disk_cached_rebuilds_unreadable_file_and_keys_by_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "cache_dir", tmp_path)
    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}

    first = _io.disk_cached("t", "obj", ["a"], build, fmt="pickle")
    path = settings.get_cache_dir() / "t" / f"obj-{_io.hash_key(['a'])}.pkl"
    assert path.is_file() and pickle.loads(path.read_bytes()) == first
    path.write_bytes(b"not a pickle")
    from resilience_analytics.errors import CacheWarning

    with pytest.warns(CacheWarning, match="not a pickle|unreadable"):
        assert _io.disk_cached("t", "obj", ["a"], build, fmt="pickle") == {"n": 2}
    assert _io.disk_cached("t", "obj", ["a"], build, fmt="pickle") == {"n": 2}
    assert _io.disk_cached("t", "obj", ["b"], build, fmt="pickle") == {"n": 3}


def test_disk_cached_read_only_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(settings, "cache_dir", blocker)  # a file: the cache folder cannot be created
    out = _io.disk_cached("t", "frame", ["a"], lambda: pd.DataFrame({"x": [1]}))
    assert out["x"].tolist() == [1]


def test_disk_cached_rejects_unknown_format():
    from resilience_analytics.errors import ParameterError

    with pytest.raises(ParameterError, match="fmt='csv' is not supported; choose from parquet"):
        _io.disk_cached("t", "x", ["a"], dict, fmt="csv")


def test_read_csv_strings_keeps_text_and_names_unreadable_file(tmp_path):
    from resilience_analytics.errors import DataFileError

    good = tmp_path / "t.csv"
    good.write_text("a,b\nNA,007\n")
    assert _io.read_csv_strings(good).iloc[0].tolist() == ["NA", "007"]
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("a\nR\xe9sum\xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match=r"latin1\.csv could not be read: "):
        _io.read_csv_strings(bad)


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os
    import stat

    from resilience_analytics._io import atomic_write

    out = atomic_write(tmp_path / "t.txt", lambda t: open(t, "w").write("x"))
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
