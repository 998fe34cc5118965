"""Benchmark batch reports: N cities serially vs on a real Dask cluster (throughput and ratio).

Both runs go through :func:`resilience_analytics.report.run_reports` in the same process and the
same session, side by side: first ``engine="serial"`` (the anchor), then ``scheduler=`` a real
``dask scheduler`` with ``--workers`` ``dask worker`` processes on 127.0.0.1 (started from the
command line as on a cluster, one thread each; start-up time reported separately, not counted
in the throughput). Each run writes into its own temporary folder and uses its own fresh cache
folder, so neither profits from the other's cache.

    RESILIENCE_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_batch.py \
        [--n 20] [--workers 2] [--notebooks 02 03]

``--n`` is the number of cities (default 4 so that it finishes in a few minutes; issue 12 asks
for 20): the N most populous gazetteer cities. By default each report runs one tiny fictional
notebook (``tests/notebook_factory.py``: build a table and a manifest), so the numbers measure
the runner and the cluster (kernel start, papermill, manifest) rather than one analysis;
``--notebooks`` runs suite notebooks instead (names as ``--notebooks`` of the CLI).

On a machine with 2 cores, 2 workers can at best halve the wall time; the load average is
printed so that a number from a busy machine can be read as such.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # notebook_factory and dask_cluster live with the tests


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover
        return f"{os.cpu_count()} cores"


def _cities(n: int) -> list[int]:
    import resilience_analytics as ra

    slugify = getattr(ra.report, "slugify", lambda name: str(name).casefold())
    g = ra.cities.load_cities().sort_values("population", ascending=False, kind="stable")
    out, slugs = [], set()
    for cid, name in zip(g.index, g["name"], strict=True):
        slug = slugify(str(name))
        if slug not in slugs:  # two cities with one report folder cannot share a batch
            slugs.add(slug)
            out.append(int(cid))
        if len(out) == n:
            break
    return out


def _run(cities, notebooks, suite, *, scheduler=None) -> tuple[float, object]:
    import resilience_analytics as ra

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        ra.settings.cache_dir = Path(tmp) / "cache"
        start = time.perf_counter()
        table = ra.report.run_reports(cities, out=Path(tmp) / "out", notebooks=notebooks,
                                      suite=suite, scheduler=scheduler, html=False,
                                      progress=False)
        return time.perf_counter() - start, table


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=4, help="number of cities (issue 12: 20)")
    p.add_argument("--workers", type=int, default=2, help="dask worker processes")
    p.add_argument("--notebooks", nargs="+", help="suite notebooks to run (default: a tiny one)")
    args = p.parse_args(argv)
    if args.n < 1 or args.workers < 1:
        p.error("--n and --workers must be >= 1")

    from dask_cluster import real_cluster
    from notebook_factory import make_suite, suite_of

    import resilience_analytics as ra

    ra.settings.progress = False
    cities = _cities(args.n)
    print(f"{args.n} cities: {', '.join(ra.cities.as_city(c).name for c in cities)}")
    print(_load())
    with tempfile.TemporaryDirectory(prefix="bench-batch-nb-") as nbdir:
        if args.notebooks:  # the real suite's notebooks, by name
            notebooks, suite = args.notebooks, None
        else:  # one tiny fictional notebook, in a fictional suite of its own
            suite = suite_of(make_suite(Path(nbdir)))
            notebooks = ["01"]
        print(f"notebooks: {', '.join(notebooks)}" + ("" if args.notebooks else
                                                      " (tests/notebook_factory.py 01-alpha)"))

        serial_s, serial = _run(cities, notebooks, suite)
        ok = int((serial["status"] == "ok").sum())
        print(f"serial     : {serial_s:7.1f} s for {ok}/{args.n} reports ok, "
              f"{60 * args.n / serial_s:6.2f} reports/min")

        with tempfile.TemporaryDirectory(prefix="bench-batch-cluster-") as cl:
            t0 = time.perf_counter()
            with real_cluster(Path(cl), n_workers=args.workers) as address:
                startup = time.perf_counter() - t0
                dist_s, dist = _run(cities, notebooks, suite, scheduler=address)
        ok_d = int((dist["status"] == "ok").sum())
        print(f"distributed: {dist_s:7.1f} s for {ok_d}/{args.n} reports ok, "
              f"{60 * args.n / dist_s:6.2f} reports/min ({args.workers} workers; cluster "
              f"start-up {startup:.1f} s not counted)")
        print(f"throughput ratio distributed/serial: {serial_s / dist_s:.2f}x "
              f"(ideal <= {min(args.workers, os.cpu_count() or 1)}x on this machine)")
        print(_load())
        failed = [*serial.loc[serial["status"] != "ok", "error"],
                  *dist.loc[dist["status"] != "ok", "error"]]
        if failed:
            print("failures:", *failed[:5], sep="\n  ")


if __name__ == "__main__":
    main()
