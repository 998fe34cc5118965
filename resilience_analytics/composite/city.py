"""The default city risk index: the city framework built over the gazetteer's cities.

Examples
--------
>>> import resilience_analytics as ra
>>> idx = ra.composite.build_city_index(ra.composite.city.example_exposure())
>>> idx[["score", "rank"]].notna().all().all()
np.True_
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import DataFileError
from . import framework as _fw
from .pipeline import Coin, rank_desc

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ABSENT_MEANS_ZERO",
    "CITY_AGGREGATION",
    "CITY_UPPER",
    "CITY_UNCERTAINTY",
    "build_city_index",
    "city_coin",
    "example_exposure",
]

#: Hazard maxima that are missing when no event was recorded: no event means 0.
ABSENT_MEANS_ZERO = ("tc_wind_max_kt", "ts_max_height_m")

#: INFORM-style aggregation of the city framework (see frameworks/README.md).
CITY_AGGREGATION: dict[Any, str] = {
    "HE": "inform_complement",
    "VU": "arithmetic",
    "CC": "arithmetic",
    "RISK": "inform",
}

#: Bound of the complement geometric mean: ``11 - gmean(11 - x)`` keeps [0, 10] onto [0, 10]
#: without letting one indicator at its maximum saturate the dimension at 10.
CITY_UPPER = 11.0

#: Alternative assumptions for the city index's uncertainty analysis.
CITY_UNCERTAINTY: dict[str, Any] = {
    "winmax": [1, 2, 3, 4, 5],
    "normalisation": [
        {"method": "minmax", "l_u": (0, 10)},
        {"method": "prank", "l_u": (0, 10)},
    ],
    "aggregation": [
        CITY_AGGREGATION,
        {"default": "arithmetic"},
    ],
    "weight_noise": {1: 0.25, 2: 0.25},
}


def example_exposure(n: int = 40, *, seed: int = 0) -> pd.DataFrame:
    """Make a fictional exposure table with the columns of ``ra.hazards.exposure()``.

    Units are named "Example City 0", "Example City 1", ...; values are random draws and
    describe no real place.

    Examples
    --------
    >>> example_exposure(5).shape[0]
    5
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    meta = _fw.city_framework()
    ind = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    df = pd.DataFrame(
        {c: rng.gamma(0.6, 2.0, n) * (rng.random(n) < 0.7) for c in ind},
        index=pd.Index(np.arange(1, n + 1) * 1000, name="city_id"),
    )
    for c in ind:
        if c.startswith(("inform_", "wri_", "ndgain_")):
            df[c] = rng.uniform(0.5, 9.5, n)
    df["population"] = rng.integers(15_000, 5_000_000, n)
    df["name"] = [f"Example City {i}" for i in range(n)]
    df["country_iso3"] = rng.choice(["XAA", "XBB", "XCC"], n)
    return df


def city_coin(
    exposure: pd.DataFrame | None = None,
    *,
    framework: pd.DataFrame | None = None,
    winmax: int = 5,
    normalisation: dict | None = None,
    aggregation: Any = None,
    weights=None,
    dat_thresh: tuple[float, float] = (0.5, 1.0),
    drop_constant: bool = True,
) -> Coin:
    """Build the city framework as a :class:`Coin` (treated, normalised, aggregated).

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` output (default: computed for every gazetteer city).
    framework : pandas.DataFrame, optional
        Default :func:`~resilience_analytics.composite.framework.city_framework`.
    winmax : int
        COINr winsorisation limit.
    normalisation : dict, optional
        Default ``{"method": "minmax", "l_u": (0, 10)}`` (INFORM's 0–10 scale).
    aggregation : optional
        Default :data:`CITY_AGGREGATION`.
    weights : optional
        Weights (default the framework's equal weights).
    dat_thresh : tuple
        Minimum share of available children for a dimension and for the index.
    drop_constant : bool
        A subset of cities may have an indicator with one value everywhere (e.g. no volcano
        near any of them): it cannot be normalised and carries no information, so by default
        it is dropped from the framework with a warning and listed in
        ``coin.analysis["dropped"]``. With ``False`` such an indicator raises
        :class:`~resilience_analytics.errors.DataFileError`.

    Examples
    --------
    >>> coin = city_coin(example_exposure(20))
    >>> list(coin.data)
    ['Raw', 'Treated', 'Normalised', 'Aggregated']
    """
    import pandas as pd

    if exposure is None:
        from .. import hazards

        exposure = hazards.exposure()
    meta = _fw.city_framework() if framework is None else _fw.check_framework(framework)
    ind = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    missing = [c for c in ind if c not in exposure.columns]
    if missing:
        raise DataFileError(
            f"exposure table lacks indicator column(s) {missing} of the city framework "
            "(rule: ra.hazards.exposure() columns plus the country context)"
        )
    df = exposure.copy()
    for c in ABSENT_MEANS_ZERO:
        if c in df.columns:
            df[c] = df[c].fillna(0.0)
    idname = df.index.name or "city_id"
    df = df.reset_index().rename(columns={idname: "uCode"})
    keep = ["uCode", *ind] + [c for c in ("name", "country_iso3") if c in df.columns]
    df = df[keep].copy()
    df["uCode"] = pd.Series(df["uCode"]).to_numpy()
    dropped = {}
    if drop_constant:
        for c in ind:
            v = pd.to_numeric(df[c], errors="coerce").dropna()
            if v.empty or v.nunique() == 1:
                dropped[c] = ("no values" if v.empty else f"every city = {v.iloc[0]!r}")
        if dropped:
            import warnings

            warnings.warn(
                "city_coin: dropped indicator(s) without variation in these cities: "
                + "; ".join(f"{k} ({v})" for k, v in dropped.items()), stacklevel=2)
            meta = _fw.check_framework(meta[~meta["iCode"].isin(list(dropped))])
    coin = Coin(df, meta, level_names=["Indicator", "Dimension", "Index"])
    coin.analysis["dropped"] = dropped
    norm = dict(normalisation or {"method": "minmax", "l_u": (0, 10)})
    method = norm.pop("method")
    coin.treat("Raw", winmax=winmax)
    coin.normalise("Treated", method=method, **norm)
    coin.aggregate("Normalised", method=CITY_AGGREGATION if aggregation is None else aggregation,
                   weights=weights, dat_thresh=list(dat_thresh), upper=CITY_UPPER)
    return coin


def build_city_index(exposure: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """Scores and ranks of the city risk index for every city (higher score = more risk).

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` output (default: all 34,006 gazetteer cities).
    **kwargs
        Passed to :func:`city_coin` (``winmax``, ``normalisation``, ``aggregation``,
        ``weights``, ``dat_thresh``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``exposure``: ``name``, ``country_iso3``, ``score`` and ``rank`` of the
        index (rank 1 = highest risk, ties share the best rank), then ``HE``, ``VU``, ``CC`` and
        their ``*_rank``, ``availability`` (share of indicators present) and ``note`` (why a
        score is missing, else empty). ``attrs["coin"]`` holds the coin.

    Examples
    --------
    >>> from resilience_analytics.composite.city import example_exposure
    >>> idx = build_city_index(example_exposure(30))
    >>> int(idx["rank"].min()), bool(idx["score"].between(0, 10).all())
    (1, True)
    """
    import numpy as np
    import pandas as pd

    coin = city_coin(exposure, **kwargs)
    agg = coin.data["Aggregated"]
    top = coin.top_code
    dims = coin.codes_at(coin.n_levels - 1)
    out = pd.DataFrame(index=agg.index)
    for c in ("name", "country_iso3"):
        if c in coin.units.columns:
            out[c] = coin.units[c].reindex(agg.index)
    out["score"] = agg[top]
    out["rank"] = pd.array(rank_desc(agg[top].to_numpy()), dtype="Int64")
    for d in dims:
        out[d] = agg[d]
        out[f"{d}_rank"] = pd.array(rank_desc(agg[d].to_numpy()), dtype="Int64")
    raw = coin.data["Raw"]
    out["availability"] = raw.notna().mean(axis=1).reindex(agg.index)
    notes = np.full(len(out), "", dtype=object)
    th = coin.log["aggregate"]["dat_thresh"]
    for d in dims:
        kids = coin.children(d)
        share = raw[kids].notna().mean(axis=1).reindex(agg.index).to_numpy()
        bad = agg[d].isna().to_numpy()
        for i in np.flatnonzero(bad):
            miss = [k for k in kids if pd.isna(raw.iloc[i][k])]
            notes[i] += (f"{d} missing: {share[i]:.0%} of its indicators available "
                         f"(< {th[0]:.0%}); missing {miss}. ")
    out["note"] = [s.strip() for s in notes]
    out.index.name = exposure.index.name if exposure is not None and exposure.index.name \
        else "city_id"
    out.attrs["coin"] = coin
    return out
