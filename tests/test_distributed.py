"""A batch of reports on a real Dask cluster: ``dask scheduler`` + two ``dask worker`` processes.

The batch goes through :func:`resilience_analytics.report.run_reports` with ``scheduler=`` (the
CLI's ``--scheduler``), the path for users with a cluster of several machines.
"""

from __future__ import annotations

import json

import pytest
from dask_cluster import real_cluster
from notebook_factory import make_suite, suite_of

from resilience_analytics import report


@pytest.mark.slow
def test_batch_through_a_real_scheduler_and_two_workers(tmp_path):
    pytest.importorskip("dask.distributed")
    suite = make_suite(tmp_path / "suite")
    out = tmp_path / "out"
    cities = ["Kyiv", "Rotterdam", "Den Haag"]
    with real_cluster(tmp_path / "cluster", n_workers=2) as address:
        assert address.startswith("tcp://127.0.0.1:")
        table = report.run_reports(cities, out=out, notebooks=["01"], suite=suite_of(suite),
                                   scheduler=address, html=False, progress=False)
        from dask.distributed import Client

        with Client(address) as client:  # both workers were there and are still alive
            assert len(client.scheduler_info()["workers"]) == 2
    assert list(table["city"]) == ["Kyiv", "Rotterdam", "The Hague"]
    assert list(table["status"]) == ["ok", "ok", "ok"], table["error"].tolist()
    assert sorted(p.name for p in out.iterdir()) == ["kyiv", "rotterdam", "the-hague"]
    m = json.loads((out / "the-hague" / "manifest.json").read_text())
    assert m["city"]["country_iso3"] == "NLD"
    # the work ran in the worker processes, not in this one
    logs = " ".join((tmp_path / "cluster" / f"worker-{i}.log").read_text() for i in range(2))
    assert "Registered to" in logs


@pytest.mark.slow
def test_unreachable_scheduler_is_a_typed_error(tmp_path):
    pytest.importorskip("dask.distributed")
    import dask

    from resilience_analytics.errors import ResilienceError

    suite = make_suite(tmp_path / "suite")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(ResilienceError, match="127.0.0.1:9"):
            report.run_reports(["Kyiv"], out=tmp_path / "out", notebooks=["01"],
                               suite=suite_of(suite), scheduler="tcp://127.0.0.1:9", html=False,
                               progress=False)
