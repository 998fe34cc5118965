"""All pairs: the top-``k`` similar peers of every city at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import ParameterError
from .similarity import _agglo
from .tables import _check_k, _table, feature_space

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["all_pairs"]


def all_pairs(
    k: int = 10,
    *,
    features: Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    metric: str = "seuclidean",
    scaling: str = "robust",
    params: Mapping[str, float] | None = None,
    agglomeration: str = "urban_area",
    agglomeration_km: float = 25.0,
    table: pd.DataFrame | None = None,
    block_size: int = 8192,
    workers: int = -1,
) -> pd.DataFrame:
    """Return the top-``k`` similar peers of every city (as :func:`similar` with defaults).

    Method: candidates are the agglomeration representatives (every city if
    ``agglomeration="none"``). Identical candidate vectors (cities with the same saturated
    profile, e.g. no recorded hazard, inland, far from volcanoes) are searched once: a k-d tree
    (:class:`scipy.spatial.cKDTree`) over the distinct vectors is queried for the ``k + 1``
    nearest distinct vectors of every city, ``block_size`` cities at a time on ``workers``
    threads; each distinct vector stands for its cities, larger first. The focal city's own
    agglomeration is dropped (at most one candidate), which ``k + 1`` distinct vectors always
    leave room for. ``gower`` is computed exactly, ``block_size // 16`` rows against all
    candidates at a time.

    Parameters
    ----------
    k : int, default 10
    features, weights, metric, scaling, params, agglomeration, agglomeration_km, table
        As in :func:`similar`.
    block_size : int, default 8192
        Rows per block.
    workers : int, default -1
        Threads for the k-d tree query (-1: all cores).

    Returns
    -------
    pandas.DataFrame
        Long table ``city_id, rank, peer_id, distance`` (``n × k`` rows), nearest first per
        city; among equal distances of identical profiles the larger city comes first.

    Raises
    ------
    ParameterError
        ``k`` larger than the candidate pool, bad ``block_size`` and as :func:`similar`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.2]}, index=pd.Index([1, 2, 3, 4], name="city_id"))
    >>> ra.peers.all_pairs(k=1, features=["a"], table=t)["peer_id"].tolist()
    [2, 1, 4, 3]
    """
    import numpy as np
    import pandas as pd

    table = _table(table)
    k = _check_k(k)
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ParameterError(f"block_size must be a whole number >= 1, got {block_size!r}")
    fs = feature_space(table, features, weights, metric, scaling, params)
    agglo, note = _agglo(table, agglomeration, agglomeration_km)
    n = len(table)
    if agglo is None:
        group = np.arange(n)
        cand = np.arange(n)
    else:
        rep = agglo["representative"].to_numpy()
        group = table.index.get_indexer(rep)
        cand = np.flatnonzero(agglo["is_representative"].to_numpy(dtype=bool))
    if k > len(cand) - 1:
        raise ParameterError(
            f"k={k} is larger than the pool ({len(cand) - 1} other "
            f"{'agglomerations' if agglo is not None else 'cities'})"
        )
    pop = (table["population"].to_numpy(dtype=float, na_value=0.0)
           if "population" in table.columns else np.zeros(n))
    if metric != "gower":
        nbr, dist = _euclidean(fs.x, cand, group, pop, fs.ids, k, block_size, workers)
        if metric == "cosine":
            dist = dist**2 / 2.0
    else:
        nbr, dist = _gower(fs, cand, group, k, max(1, block_size // 16))
    out = pd.DataFrame(
        {
            "city_id": np.repeat(fs.ids, k),
            "rank": np.tile(np.arange(1, k + 1), n),
            "peer_id": fs.ids[nbr.ravel()],
            "distance": dist.ravel(),
        }
    )
    out.attrs.update(metric=metric, scaling=fs.scaling, features=list(fs.features), k=k,
                     agglomeration=note)
    return out


def _euclidean(x, cand, group, pop, ids, k, block_size, workers):
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(x)
    xc = np.ascontiguousarray(x[cand])
    uniq, inv = np.unique(xc, axis=0, return_inverse=True)
    inv = inv.ravel()
    # members of each distinct vector (CSR), larger city first (then smaller city_id)
    order = np.lexsort((ids[cand], -pop[cand], inv))
    members = cand[order]
    size = np.bincount(inv, minlength=len(uniq))
    start = np.r_[0, np.cumsum(size)[:-1]]
    slots = k + 1  # at most one candidate (the own agglomeration's) is dropped
    ku = min(slots, len(uniq))
    tree = cKDTree(uniq, balanced_tree=False, compact_nodes=False)
    nbr = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    j = np.arange(slots)
    for s in range(0, n, block_size):
        e = min(s + block_size, n)
        b = e - s
        dd, ii = tree.query(x[s:e], k=ku, workers=workers)
        dd, ii = dd.reshape(b, ku), ii.reshape(b, ku)
        sz = size[ii]
        cum = np.cumsum(sz, axis=1)
        off = (np.arange(b) * (n + 1))[:, None]
        col = np.searchsorted((cum + off).ravel(), (j[None, :] + off).ravel(), side="right")
        col = col.reshape(b, slots) - (np.arange(b) * ku)[:, None]
        col = np.minimum(col, ku - 1)
        u = np.take_along_axis(ii, col, axis=1)
        within = j[None, :] - (np.take_along_axis(cum, col, axis=1)
                               - np.take_along_axis(sz, col, axis=1))
        have = within < size[u]  # fewer candidates than slots (tiny tables)
        cm = members[np.where(have, start[u] + within, 0)]
        cd = np.take_along_axis(dd, col, axis=1)
        valid = have & (group[cm] != group[s:e, None])
        first = np.argsort(~valid, axis=1, kind="stable")[:, :k]
        nbr[s:e] = np.take_along_axis(cm, first, axis=1)
        dist[s:e] = np.take_along_axis(cd, first, axis=1)
    return nbr, dist


def _gower(fs, cand, group, k, step):
    import numpy as np

    from .features import _gower_rows

    n = len(fs.ids)
    nbr = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    for s in range(0, n, step):
        rows = np.arange(s, min(s + step, n))
        d = _gower_rows(fs, rows, targets=cand)
        d = np.where(np.isnan(d) | (group[cand][None, :] == group[rows][:, None]), np.inf, d)
        part = np.argpartition(d, k - 1, axis=1)[:, :k]
        pd_ = np.take_along_axis(d, part, axis=1)
        o = np.argsort(pd_, axis=1, kind="stable")
        nbr[rows] = cand[np.take_along_axis(part, o, axis=1)]
        dist[rows] = np.take_along_axis(pd_, o, axis=1)
    return nbr, dist
