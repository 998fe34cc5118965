"""Many reports: a list of cities or a whole network, serially or on a Dask cluster.

Every city and parameter is validated before any report runs; workers receive the resolved
City (no second gazetteer lookup).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from .._io import slugify
from ..errors import ParameterError, ResilienceError
from .run import run_report, validate_parameters
from .suite import Suite, default_suite

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_reports"]


def _report_task(city, out, parameters, notebooks, data_dir, cache_dir, html_, force, suite):
    """Run one report on a (Dask) worker; return a summary row (picklable)."""
    from .. import settings as s

    if data_dir is not None:
        s.data_dir = Path(data_dir)
    s.cache_dir = Path(cache_dir)
    s.progress = False
    start = time.perf_counter()
    row = {"city": city.name, "city_id": city.city_id}
    try:
        r = run_report(city, out=out, parameters=parameters, notebooks=notebooks, html=html_,
                       progress=False, jobs=1, force=force, suite=suite)
        row.update(report=str(r.path), status="ok", error="")
    except ResilienceError as exc:
        row.update(report="", status="failed", error=str(exc))
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def _run_dask(args: list[tuple], *, scheduler: str | None, n_workers: int | None,
              bar) -> list[dict]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is a declared optional dependency
        raise ParameterError(
            "engine='dask' needs dask.distributed: pip install 'resilience_analytics[dask]'"
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1,
                               threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler)
        except (OSError, TimeoutError) as exc:  # dask: "Timed out trying to connect to ..."
            bar.close()
            raise ParameterError(
                f"scheduler {scheduler!r} could not be reached ({exc}); give the address a "
                "running 'dask scheduler' prints (tcp://host:port), or leave --scheduler out "
                "to run on this machine"
            ) from None
    rows = []
    try:
        futures = [client.submit(_report_task, *a, pure=False) for a in args]
        for fut in as_completed(futures):
            rows.append(fut.result())
            bar.update(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return rows


def _network_cities(network: str) -> list[int]:
    from .. import networks
    from .._validate import check_choice

    check_choice("network", network, list(networks.NETWORKS))
    return sorted({int(c) for c in networks.members(network)})


def run_reports(
    cities: list[str | int] | None = None,
    *,
    network: str | None = None,
    out: str | Path = "build",
    parameters: dict[str, Any] | None = None,
    notebooks: list[str | Path] | None = None,
    engine: str = "serial",
    scheduler: str | None = None,
    n_workers: int | None = None,
    html: bool = True,
    progress: bool | None = None,
    country: str | None = None,
    force: bool = False,
    suite: Suite | None = None,
) -> pd.DataFrame:
    """Run reports for many cities: a list, or every member of a city network.

    Every city and parameter is validated first; then each report runs as in
    :func:`~resilience_analytics.report.run_report`. With ``engine="dask"`` the reports run in
    parallel on a Dask cluster: a ``dask.distributed.LocalCluster`` of ``n_workers`` processes
    by default, or the scheduler at ``scheduler`` (``"tcp://host:8786"``) for a cluster of
    several machines (each worker needs the package, the notebooks and the data directory at
    the same paths).

    Parameters
    ----------
    cities : list of str or int, optional
        City names or GeoNames ids.
    network : str, optional
        A network code of ``ra.networks.NETWORKS`` (``"100rc"``, ``"c40"``, ``"gcom"``).
    out : str or pathlib.Path, default "build"
    parameters : dict, optional
        Parameters other than ``city``, the same for every report.
    notebooks : list, optional
    engine : {"serial", "dask"}, default "serial"
    scheduler : str, optional
        Address of a running Dask scheduler (implies ``engine="dask"``).
    n_workers : int, optional
        Worker processes of the local cluster (default: the number of cores).
    html : bool, default True
    progress : bool, optional
        A progress bar with one step per report.
    country : str, optional
        Country that disambiguates every name in ``cities``.
    force : bool, default False
    suite : Suite, optional

    Returns
    -------
    pandas.DataFrame
        One row per city: ``city, report, status`` (``"ok"``/``"failed"``), ``error, seconds``.

    Raises
    ------
    ParameterError, UnknownCityError, AmbiguousCityError
        Before any report runs.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.run_reports(["Kyiv", "Lviv"], out="build")  # doctest: +SKIP
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from .._validate import check_choice

    suite = suite if suite is not None else default_suite()
    if scheduler is not None:
        engine = "dask"
    check_choice("engine", engine, ("serial", "dask"))
    if (cities is None) == (network is None):
        raise ParameterError("give either cities=[...] or network=<code>, not both or neither")
    if network is not None:
        cities = _network_cities(network)
        if not cities:
            raise ParameterError(f"network {network!r} has no member linked to the gazetteer")
    params = dict(parameters or {})
    if "city" in params:
        raise ParameterError("give the cities with cities=[...], not parameters['city']")
    names = [p.stem for p in suite.select(notebooks)]
    # validate everything before any heavy work; reject two cities with one folder
    folders: dict[str, Any] = {}
    resolved_cities = []
    for c in cities:
        resolved, _ = validate_parameters({**params, "city": c}, names, suite=suite,
                                          country=country)
        resolved_cities.append(resolved)
        slug = slugify(resolved.name)
        if slug in folders and folders[slug] != resolved.city_id:
            raise ParameterError(
                f"cities {c!r} and another city share the report folder {slug!r}; "
                "run them into different --out folders"
            )
        folders[slug] = resolved.city_id
    progress = settings.progress if progress is None else progress
    data_dir = settings.get_data_dir()
    # workers get the resolved City: they need not load the gazetteer again
    args = [(c, str(out), params, names, str(data_dir) if data_dir else None,
             str(settings.get_cache_dir()), html, force, suite) for c in resolved_cities]
    rows: list[dict] = []
    bar = tqdm(total=len(args), desc="reports", unit="report", disable=not progress)
    try:
        if engine == "serial":
            for a in args:
                bar.set_postfix_str(f"running {a[0].name}")
                rows.append(_report_task(*a))
                bar.update(1)
        else:
            rows = _run_dask(args, scheduler=scheduler, n_workers=n_workers, bar=bar)
    finally:
        bar.close()
    order = {c.city_id: i for i, c in enumerate(resolved_cities)}
    rows.sort(key=lambda r: order[r.pop("city_id")])
    return pd.DataFrame(rows, columns=["city", "report", "status", "error", "seconds"])
