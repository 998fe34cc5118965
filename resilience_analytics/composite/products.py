"""Two city products with fixed goalposts: a city hazard index and a city risk index.

Both follow INFORM (Marin-Ferrer, Vernaccini and Poljansek 2017, *INFORM Index for Risk
Management: Concept and Methodology*, JRC EUR 28655; INFORM Subnational models apply the same
concept below the national level) and read their thresholds from ThinkHazard! (GFDRR, hazard
classification methodology v2; thresholds in ``thinkhazard_processing.yaml``). The rationale
and anchors of every choice are in ``frameworks/README.md``.

:func:`city_hazard_index`
    City-level hazard only (the hazard v2 columns of :func:`resilience_analytics.hazards.exposure`).
    Each indicator is put on INFORM's 0-10 scale with a stated transform and FIXED goalposts
    from physical meaning (``frameworks/city_hazard_index.csv``), so a city's score never
    depends on which other cities are scored. Indicators of one hazard are averaged into a
    hazard component; components are combined as INFORM combines natural hazards,
    ``10 - geometric mean(10 - H_h)``: one severe hazard is not diluted by the absence of
    others.
:func:`city_risk_index`
    ``geometric mean(hazard index, vulnerability, lack of coping capacity)`` as INFORM combines
    its three dimensions, the latter two national (INFORM 2023; WorldRiskIndex or ND-GAIN
    mapped onto INFORM's scale where INFORM lacks a country; UN-subregion median where all lack
    it, flagged). No city is dropped.

Both report the global rank, the rank within the country and within the UN subregion (UN M49
geographic regions via :func:`un_subregions`) and a per-city ``coverage`` and ``reliability``.

Examples
--------
>>> hi = city_hazard_index(example_hazard_table(6))
>>> hi[["hazard_index", "rank", "rank_in_country", "coverage"]].notna().all().all()
np.True_
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTEXT_SOURCES",
    "HAZARD_COMPONENTS",
    "between_country_share",
    "position_text",
    "city_hazard_index",
    "city_model",
    "city_risk_index",
    "example_hazard_table",
    "hazard_goalposts",
    "licence_note",
    "national_context",
    "screen_indicators",
    "un_subregions",
]

_FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "frameworks"

#: Hazard components of the hazard index and their names.
HAZARD_COMPONENTS = {"EQ": "earthquake", "TC": "tropical cyclone", "FL": "flood",
                     "TS": "tsunami", "VO": "volcano"}

#: Where a city's national vulnerability / coping capacity came from, best first.
CONTEXT_SOURCES = ("INFORM", "WorldRiskIndex (mapped)", "ND-GAIN (mapped)",
                   "imputed: UN-subregion median")

#: Indicators whose missing value means "no recorded event" and scores 0: the highest
#: tsunami water height is empty where no tsunami was observed, and the years since the last
#: eruption within 100 km are empty where no volcano within 100 km has a dated eruption.
ABSENT_SCORES_ZERO = ("ts_max_height_m", "vo_years_since_eruption_100km")


def hazard_goalposts() -> pd.DataFrame:
    """Return the hazard index's indicators with transform, fixed goalposts and anchors.

    Returns
    -------
    pandas.DataFrame
        Index ``iCode``; columns ``hazard``, ``iName``, ``transform`` (``log10`` or ``none``),
        ``lower`` (value scoring 0), ``upper`` (value scoring 10), ``direction``, ``Weight``
        (inside the hazard), ``unit``, ``anchor``.

    Examples
    --------
    >>> gp = hazard_goalposts()
    >>> gp.loc["eq_rate_pga_0p2g", ["lower", "upper"]].tolist()
    [0.0004, 1.0]
    """
    import numpy as np
    import pandas as pd

    gp = pd.read_csv(_FRAMEWORKS_DIR / "city_hazard_index.csv").set_index("iCode")
    bad = gp.index[~gp["hazard"].isin(list(HAZARD_COMPONENTS))]
    if len(bad):
        raise DataFileError(f"city_hazard_index.csv: {bad[0]!r} has hazard "
                            f"{gp.at[bad[0], 'hazard']!r}; accepted {list(HAZARD_COMPONENTS)}")
    for c in gp.index:
        lo, up, tr = gp.at[c, "lower"], gp.at[c, "upper"], gp.at[c, "transform"]
        if tr not in ("log10", "none"):
            raise DataFileError(f"city_hazard_index.csv: {c!r} has transform {tr!r}; "
                                "accepted 'log10', 'none'")
        if not (np.isfinite(lo) and np.isfinite(up)) or lo == up or (
                tr == "log10" and min(lo, up) <= 0):
            raise DataFileError(f"city_hazard_index.csv: {c!r} has goalposts ({lo!r}, {up!r}); "
                                "they must be finite, differ, and be > 0 under log10")
    return gp


def goalpost_scores(values: pd.DataFrame, goalposts: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Each indicator on 0-10 with its fixed goalposts: ``10 * (T(x) - T(l)) / (T(u) - T(l))``.

    ``T`` is ``log10`` or the identity; values beyond a goalpost are truncated (COINr's
    ``n_goalposts`` with ``trunc2posts``); a zero under ``log10`` is below every positive
    lower goalpost and scores 0 (or 10 for a decreasing indicator). Missing stays missing.

    Examples
    --------
    >>> import pandas as pd
    >>> s = goalpost_scores(pd.DataFrame({"eq_rate_pga_0p2g": [0.0, 0.02, 1.0, 5.0]}))
    >>> s["eq_rate_pga_0p2g"].round(3).tolist()
    [0.0, 5.0, 10.0, 10.0]
    """
    import numpy as np
    import pandas as pd

    gp = hazard_goalposts() if goalposts is None else goalposts
    out = {}
    for c in values.columns:
        if c not in gp.index:
            raise ParameterError(f"goalpost_scores: no goalposts for {c!r}; indicators with "
                                 f"goalposts: {list(gp.index)}")
        x = pd.to_numeric(values[c], errors="coerce").to_numpy(dtype=float)
        if np.isinf(x).any() or (x[~np.isnan(x)] < 0).any():
            bad = x[np.isinf(x) | (x < 0)][0]
            raise DataFileError(f"indicator {c!r} has value {float(bad)!r}; hazard indicators "
                                "are finite and >= 0")
        lo, up = float(gp.at[c, "lower"]), float(gp.at[c, "upper"])
        with np.errstate(divide="ignore", invalid="ignore"):
            if gp.at[c, "transform"] == "log10":
                t, tl, tu = np.log10(x), np.log10(lo), np.log10(up)
            else:
                t, tl, tu = x, lo, up
            s = (t - tl) / (tu - tl)
        s = np.clip(s, 0.0, 1.0) * 10.0
        s[np.isnan(x)] = np.nan
        out[c] = s
    return pd.DataFrame(out, index=values.index)


def _weighted_mean(S, w):
    import numpy as np

    m = ~np.isnan(S)
    ww = np.where(m, w[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m.any(axis=1), np.nansum(S * ww, axis=1) / ww.sum(axis=1), np.nan)


def un_subregions() -> pd.DataFrame:
    """UN M49 geographic region of every country (ISO3), from ``country_converter``'s table.

    The ``UNregion`` column of ``country_converter`` (Stadler 2017, JOSS 2(16) 332) lists the
    UN M49 sub-regions, using M49's intermediate regions where it defines them (Caribbean,
    Central America, South America, Eastern/Middle/Southern/Western Africa), as the UN DESA
    World Population Prospects does. Territories M49 does not list (Kosovo, Taiwan) carry the
    package's assignment (Southern Europe, Eastern Asia).

    Returns
    -------
    pandas.DataFrame
        Index ``iso3``; columns ``un_subregion``, ``m49`` (M49 numeric code or empty),
        ``continent``.

    Examples
    --------
    >>> un_subregions().loc[["NLD", "TWN"], "un_subregion"].tolist()
    ['Western Europe', 'Eastern Asia']
    """
    return _un_subregions_table().copy()


@functools.lru_cache(maxsize=1)
def _un_subregions_table() -> pd.DataFrame:
    # Read once per process: city_model() calls city_hazard_index() once per replication of
    # an uncertainty analysis, and re-parsing the package's TSV each time is wasted work.
    import country_converter
    import pandas as pd

    p = Path(country_converter.__file__).parent / "country_data.tsv"
    d = pd.read_csv(p, sep="\t", keep_default_na=False, dtype=str)
    d = d[(d["ISO3"] != "") & (d["UNregion"] != "")]
    out = pd.DataFrame({"un_subregion": d["UNregion"].to_numpy(),
                        "m49": d["UNcode"].to_numpy(), "continent": d["continent"].to_numpy()},
                       index=pd.Index(d["ISO3"].to_numpy(), name="iso3"))
    return out[~out.index.duplicated()]


def _ranks(out, score, country, region):
    import pandas as pd

    from .pipeline import rank_desc

    s = out[score].to_numpy(dtype=float)
    out["rank"] = pd.array(rank_desc(s), dtype="Int64")
    for col, grp in (("rank_in_country", country), ("rank_in_subregion", region)):
        r = pd.Series(pd.NA, index=out.index, dtype="Int64")
        g = pd.Series(grp, index=out.index)
        for _, idx in g.groupby(g, dropna=True).groups.items():
            r.loc[idx] = rank_desc(out.loc[idx, score].to_numpy(dtype=float)).astype("float")
        out[col] = r.astype("Int64")
    return out


def city_hazard_index(exposure: pd.DataFrame | None = None, *, goalposts=None,
                      weights: dict[str, float] | None = None,
                      drop: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Score city-level hazard on INFORM's 0-10 scale with fixed goalposts (hazard index).

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        Hazard v2 columns per city (default ``ra.hazards.exposure()`` for the gazetteer);
        ``country_iso3`` is used for the within-country rank when present.
    goalposts : pandas.DataFrame, optional
        Default :func:`hazard_goalposts`.
    weights : dict, optional
        Weight of each hazard component in the combination (default equal, as INFORM).
    drop : sequence of str
        Indicators to leave out (leave-one-out sensitivity; COINr's ``remove_elements``).

    Returns
    -------
    pandas.DataFrame
        One row per city (index kept): ``name``, ``country_iso3``, ``un_subregion`` when
        known; ``hazard_index`` (0-10), ``rank``, ``rank_in_country``, ``rank_in_subregion``;
        one column per hazard component (``EQ``, ``TC``, ...; 0-10); one ``s_<indicator>``
        per indicator score; ``coverage`` (share of the indicators' weights present) and
        ``missing`` (which indicators are missing). A city with no hazard value at all gets NaN
        with the reason in ``missing`` (it is kept, not dropped). ``attrs["licence"]``: the
        licence flags of the inputs (ISC-GEM share-alike, DFO no redistribution), which the
        scores inherit.

    Examples
    --------
    >>> hi = city_hazard_index(example_hazard_table(5))
    >>> bool(hi["hazard_index"].between(0, 10).all())
    True
    """
    import numpy as np
    import pandas as pd

    gp = hazard_goalposts() if goalposts is None else goalposts
    if exposure is None:
        from .. import hazards

        exposure = hazards.exposure()
    unknown = [c for c in drop if c not in gp.index]
    if unknown:
        raise ParameterError(f"drop: {unknown} are not indicators of the hazard index; "
                             f"indicators: {list(gp.index)}")
    gp = gp.drop(index=list(drop))
    miss = [c for c in gp.index if c not in exposure.columns]
    if miss:
        raise DataFileError(f"exposure table lacks hazard column(s) {miss} (hazard v2 contract; "
                            "rule: every indicator of frameworks/city_hazard_index.csv)")
    vals = exposure[list(gp.index)].apply(pd.to_numeric, errors="coerce")
    S = goalpost_scores(vals, gp)
    for c in ABSENT_SCORES_ZERO:
        if c in vals.columns:
            S[c] = S[c].fillna(0.0)
            vals[c] = vals[c].fillna(-1.0)  # present (no recorded event) for the coverage
    comps = [h for h in HAZARD_COMPONENTS if (gp["hazard"] == h).any()]
    wh = dict.fromkeys(comps, 1.0)
    if weights is not None:
        bad = [k for k in weights if k not in comps]
        if bad:
            raise ParameterError(f"weights: {bad} are not hazard components; components: {comps}")
        wh.update({k: float(v) for k, v in weights.items()})
        wv = np.array(list(wh.values()))
        if not np.isfinite(wv).all() or (wv < 0).any() or wv.sum() <= 0:
            raise ParameterError(f"weights must be finite, >= 0 and not all zero; got {wh}")
    out = pd.DataFrame(index=exposure.index)
    for c in ("name", "country_iso3"):
        if c in exposure.columns:
            out[c] = exposure[c]
    H = np.empty((len(out), len(comps)))
    for j, h in enumerate(comps):
        cols = gp.index[gp["hazard"] == h]
        H[:, j] = _weighted_mean(S[cols].to_numpy(), gp.loc[cols, "Weight"].to_numpy(float))
    from .aggregate import aggregate_values

    w = np.array([wh[h] for h in comps])
    hi = aggregate_values(H, w, method="inform_complement", upper=10.0, codes=comps)
    hi = np.clip(hi, 0.0, 10.0)  # 10 - exp(log 10) can be -2e-15
    if "country_iso3" in out.columns:
        reg = un_subregions()["un_subregion"]
        out["un_subregion"] = out["country_iso3"].map(reg)
    out["hazard_index"] = hi
    out = _ranks(out, "hazard_index", out.get("country_iso3"), out.get("un_subregion"))
    for j, h in enumerate(comps):
        out[h] = H[:, j]
    for c in gp.index:
        out[f"s_{c}"] = S[c]
    wi = gp["Weight"].to_numpy(float) * np.array([wh[h] / (gp["hazard"] == h).sum() for h in
                                                  gp["hazard"]])
    present = ~np.isnan(vals.to_numpy(dtype=float))
    out["coverage"] = (present * wi).sum(axis=1) / wi.sum()
    names = np.array(gp.index)
    out["missing"] = [", ".join(names[~p]) for p in present]
    out.attrs["components"] = list(comps)  # plain values only: pandas compares attrs
    out.attrs["licence"] = licence_note(list(gp.index))
    return out


def licence_note(columns) -> str:
    """Licence flags of the data behind hazard columns (``ra.hazards.exposure_columns()``).

    The hazard index carries the flags of its inputs: the earthquake rates derive from the
    ISC-GEM catalogue (CC BY-SA 3.0, share-alike) and the flood rates from the DFO polygons
    (no redistribution, non-commercial); scores built from them inherit these conditions.

    Examples
    --------
    >>> "share-alike" in licence_note(["eq_rate_pga_0p1g"])
    True
    """
    from .. import hazards

    cols = hazards.exposure_columns().set_index("column")
    notes = []
    for c in columns:
        if c in cols.index:
            n = str(cols.at[c, "licence"] or "").strip()
            if n and n != "nan" and n not in notes:
                notes.append(n)
    return "; ".join(notes)


def _fit_map(x, y):
    """Least-squares line y = a + b x on countries having both; returns (a, b, r2, n)."""
    import numpy as np

    m = ~(np.isnan(x) | np.isnan(y))
    b, a = np.polyfit(x[m], y[m], 1)
    r = np.corrcoef(x[m], y[m])[0, 1]
    return float(a), float(b), float(r**2), int(m.sum())


IMPUTE_METHODS = ("subregion_median", "continent_median", "global_median")


def national_context(iso3=None, *, impute: str = "subregion_median"
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Vulnerability and lack of coping capacity per country on INFORM's 0-10 scale.

    Order of sources (first available wins, recorded in ``source``):

    1. INFORM Risk 2023 ``vulnerability`` and ``lack_of_coping_capacity``;
    2. WorldRiskIndex 2022 ``vulnerability`` / ``lack_of_coping`` or ND-GAIN 2020
       ``vulnerability`` / ``1 - readiness``, each mapped onto INFORM's scale by a
       least-squares line fitted on the countries having both (clipped to 0-10); the source
       whose line fits better (higher R², reported in ``mappings``) is used first;
    3. the median of the countries of the same UN subregion that have a value (flagged
       ``imputed``); a country without a subregion gets the global median (flagged).
       ``impute="continent_median"`` or ``"global_median"`` are the alternatives the
       uncertainty analysis can vary.

    Parameters
    ----------
    iso3 : sequence of str, optional
        Countries to return (default every country of the sources); countries in none of
        the sources are imputed, never dropped.

    Returns
    -------
    tuple
        ``(context, mappings)``: ``context`` indexed by ISO3 with ``VU``, ``CC``, ``source``,
        ``imputed`` (bool), ``un_subregion``; ``mappings`` one row per fitted line
        (``target, source, a, b, r2, n``).

    Examples
    --------
    >>> ctx, maps = national_context(["NLD", "TWN"])
    >>> ctx.loc["TWN", "source"]
    'imputed: UN-subregion median'
    """
    import numpy as np
    import pandas as pd

    from .. import countries

    check_choice("impute", impute, IMPUTE_METHODS)
    c = countries.country_context()
    regs = un_subregions()
    reg = regs["un_subregion"]
    idx = c.index if iso3 is None else pd.Index(pd.unique(pd.Series(list(iso3)).dropna()),
                                                name="iso3")
    cc = c.reindex(c.index.union(idx))
    mappings = []
    out = pd.DataFrame(index=cc.index)
    src = pd.Series(pd.NA, index=cc.index, dtype=object)
    alt = {
        "VU": [("inform_vulnerability", None), ("wri_vulnerability", CONTEXT_SOURCES[1]),
               ("ndgain_vulnerability", CONTEXT_SOURCES[2])],
        "CC": [("inform_lack_of_coping_capacity", None), ("wri_lack_of_coping",
                                                          CONTEXT_SOURCES[1]),
               ("ndgain_readiness", CONTEXT_SOURCES[2])],
    }
    for dim, chain in alt.items():
        y = cc[chain[0][0]].to_numpy(dtype=float)
        v = y.copy()
        s = np.where(np.isnan(v), None, CONTEXT_SOURCES[0]).astype(object)
        fits = []
        for col, name in chain[1:]:
            x = cc[col].to_numpy(dtype=float)
            if col == "ndgain_readiness":
                x = 1 - x
            a, b, r2, n = _fit_map(x, y)
            mappings.append({"target": f"INFORM {dim}", "source": col if col !=
                             "ndgain_readiness" else "1 - ndgain_readiness",
                             "a": a, "b": b, "r2": r2, "n": n})
            fits.append((r2, x, a, b, name))
        # the better-fitting source first
        for _r2, x, a, b, name in sorted(fits, key=lambda f: -f[0]):
            fill = np.isnan(v) & ~np.isnan(x)
            v[fill] = np.clip(a + b * x[fill], 0, 10)
            s[fill] = name
        out[dim] = v
        # a country takes the weakest source of its two dimensions
        rank = {None: 99, **{k: i for i, k in enumerate(CONTEXT_SOURCES)}}
        src = pd.Series([max((a, b), key=lambda z: rank.get(z, 99)) if not pd.isna(a)
                         else b for a, b in zip(src, s, strict=True)], index=cc.index)
    out["un_subregion"] = out.index.map(reg)
    imputed = pd.Series(False, index=out.index)
    by = {"subregion_median": out["un_subregion"],
          "continent_median": pd.Series(out.index.map(regs["continent"]), index=out.index),
          "global_median": pd.Series("world", index=out.index)}[impute]
    for dim in ("VU", "CC"):
        miss = out[dim].isna()
        med = out.loc[~miss, dim].groupby(by[~miss]).median()
        if miss.any():
            fill = pd.to_numeric(by[miss].map(med), errors="coerce")
            fill = fill.fillna(out.loc[~miss, dim].median())
            out.loc[miss, dim] = fill.to_numpy(dtype=float)
        imputed |= miss
    src[imputed] = CONTEXT_SOURCES[3] if impute == "subregion_median" else \
        f"imputed: {impute.replace('_', ' ')}"
    out["source"] = src
    out["imputed"] = imputed
    out.index.name = "iso3"
    return out.loc[idx] if iso3 is not None else out, pd.DataFrame(mappings)


def city_risk_index(
    exposure: pd.DataFrame | None = None, *, hazard: pd.DataFrame | None = None,
    context: pd.DataFrame | None = None, weights: tuple[float, float, float] = (1, 1, 1),
    **hazard_kwargs: Any,
) -> pd.DataFrame:
    """City risk = weighted geometric mean of hazard index, vulnerability and coping capacity.

    INFORM's combination of its three dimensions (Marin-Ferrer et al. 2017): equal weights and a
    geometric mean, so a low dimension cannot be fully compensated by a high one and a zero
    dimension (e.g. no hazard at all) gives zero risk. Vulnerability (``VU``) and lack of
    coping capacity (``CC``) are national (:func:`national_context`): inside one country the
    ranking follows the hazard index alone, which is the honest consequence of having no
    city-level vulnerability data.

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        Hazard v2 columns per city with ``country_iso3`` (default the gazetteer).
    hazard : pandas.DataFrame, optional
        A precomputed :func:`city_hazard_index` (else computed from ``exposure``).
    context : pandas.DataFrame, optional
        A precomputed :func:`national_context` frame (else read).
    weights : tuple
        Weights of (hazard, VU, CC); default equal as INFORM.

    Returns
    -------
    pandas.DataFrame
        ``risk`` (0-10), ``rank``, ``rank_in_country``, ``rank_in_subregion``, ``HE`` (the
        hazard index), ``VU``, ``CC``, ``context_source``, ``context_imputed``, ``coverage``
        (of the hazard indicators), ``reliability`` (see ``frameworks/README.md``) and the
        hazard components. Every input city is in the output.

    Examples
    --------
    >>> import pandas as pd
    >>> ex = example_hazard_table(4)
    >>> ctx = pd.DataFrame({"VU": [5.0, 2.0], "CC": [4.0, 3.0], "source": ["INFORM"] * 2,
    ...                     "imputed": [False, False], "un_subregion": ["Fictional"] * 2},
    ...                    index=pd.Index(["XAA", "XBB"], name="iso3"))
    >>> r = city_risk_index(ex, context=ctx)
    >>> bool(r["risk"].between(0, 10).all()), len(r) == len(ex)
    (True, True)
    """
    import numpy as np

    from .aggregate import aggregate_values

    w = np.asarray(weights, dtype=float)
    if w.shape != (3,) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ParameterError(f"weights: three finite numbers >= 0, not all zero (hazard, VU, "
                             f"CC); got {weights!r}")
    if hazard is None:
        hazard = city_hazard_index(exposure, **hazard_kwargs)
    if "country_iso3" not in hazard.columns:
        raise DataFileError("city_risk_index needs a country_iso3 column per city")
    iso = hazard["country_iso3"]
    if context is None:
        context, _ = national_context(iso.dropna().unique())
    missing_ctx = sorted(set(iso.dropna()) - set(context.index))
    if missing_ctx:
        raise DataFileError(f"context lacks countries {missing_ctx[:5]} (rule: one row per "
                            "country of the cities; national_context() imputes)")
    ctx = context.reindex(iso.to_numpy())
    out = hazard[[c for c in ("name", "country_iso3") if c in hazard.columns]].copy()
    if "un_subregion" in hazard.columns:
        out["un_subregion"] = hazard["un_subregion"].to_numpy()
    else:
        out["un_subregion"] = ctx["un_subregion"].to_numpy()
    X = np.column_stack([hazard["hazard_index"].to_numpy(float), ctx["VU"].to_numpy(float),
                         ctx["CC"].to_numpy(float)])
    risk = aggregate_values(X, w, method="inform", codes=["HE", "VU", "CC"])
    risk[np.isnan(X).any(axis=1)] = np.nan  # INFORM needs all three dimensions
    out["risk"] = risk
    out = _ranks(out, "risk", out.get("country_iso3"), out["un_subregion"])
    out["HE"] = X[:, 0]
    out["VU"] = X[:, 1]
    out["CC"] = X[:, 2]
    out["context_source"] = ctx["source"].to_numpy()
    out["context_imputed"] = ctx["imputed"].to_numpy(dtype=bool)
    out["coverage"] = hazard["coverage"].to_numpy()
    src_score = np.where(out["context_source"] == CONTEXT_SOURCES[0], 1.0,
                         np.where(out["context_imputed"], 0.0, 0.5))
    out["reliability"] = (out["coverage"].to_numpy() + src_score) / 2
    for h in hazard.attrs.get("components", []):
        out[h] = hazard[h].to_numpy()
    out["note"] = ""
    out.loc[out["context_imputed"], "note"] = ("national vulnerability and coping capacity "
                                               "imputed (UN-subregion median)")
    nohaz = out["HE"].isna()
    out.loc[nohaz, "note"] = "no hazard value: " + hazard.loc[nohaz, "missing"].astype(str)
    out.attrs["licence"] = hazard.attrs.get("licence", "")
    return out


def screen_indicators(scores: pd.DataFrame, groups: dict[str, str] | pd.Series, *,
                      cor_thresh: float = 0.9, vif_thresh: float = 10.0,
                      method: str = "spearman") -> pd.DataFrame:
    """Correlation and VIF flags of indicators before aggregation, with a recorded decision.

    The idea of COINr's ``get_corr_flags`` (pairs within a group above ``cor_thresh``) plus
    the variance inflation factor of each indicator on the others (flag above ``vif_thresh``,
    the usual threshold of 10). Decision rule (recorded per pair): two flagged indicators of the
    SAME hazard are kept and averaged inside that hazard's component, so the hazard is not
    counted twice ("merge: averaged within <hazard>"); flagged indicators of DIFFERENT hazards
    are kept as separate hazards ("keep: different hazards").

    Returns
    -------
    pandas.DataFrame
        One row per flagged pair or indicator: ``kind`` (``corr`` or ``vif``), ``ind1``,
        ``ind2``, ``value``, ``group1``, ``group2``, ``decision``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.random(100)
    >>> s = pd.DataFrame({"x": a, "y": a + rng.normal(0, 0.01, 100), "z": rng.random(100)})
    >>> f = screen_indicators(s, {"x": "EQ", "y": "EQ", "z": "FL"})
    >>> f.loc[f["kind"] == "corr", "decision"].tolist()
    ['merge: averaged within EQ']
    """
    import pandas as pd

    from .analysis import vif

    check_choice("method", method, ("pearson", "spearman", "kendall"))
    g = dict(groups)
    cols = list(scores.columns)
    miss = [c for c in cols if c not in g]
    if miss:
        raise ParameterError(f"screen_indicators: no group for {miss}")
    cr = scores.corr(method=method)
    rows = []
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            v = cr.at[a, b]
            if abs(v) > cor_thresh:
                same = g[a] == g[b]
                rows.append({"kind": "corr", "ind1": a, "ind2": b, "value": float(v),
                             "group1": g[a], "group2": g[b],
                             "decision": f"merge: averaged within {g[a]}" if same
                             else "keep: different hazards"})
    var = scores.loc[:, scores.std() > 0]
    if var.shape[1] >= 2:
        v = vif(var)
        for c, x in v.items():
            if x > vif_thresh:
                rows.append({"kind": "vif", "ind1": c, "ind2": "", "value": float(x),
                             "group1": g[c], "group2": "",
                             "decision": f"merge: averaged within {g[c]} (one component per "
                                         "hazard)"})
    return pd.DataFrame(rows, columns=["kind", "ind1", "ind2", "value", "group1", "group2",
                                       "decision"])


def example_hazard_table(n: int = 20, *, seed: int = 0) -> pd.DataFrame:
    """Make a fictional table with the hazard v2 contract columns ("Example City 0", ...).

    Values are random draws describing no real place; countries are the fictional codes
    ``XAA``/``XBB``.

    Examples
    --------
    >>> example_hazard_table(3).shape[0]
    3
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    gp = hazard_goalposts()
    df = pd.DataFrame(index=pd.Index(np.arange(1, n + 1) * 1000, name="city_id"))
    for c in gp.index:
        lo, up = sorted([float(gp.at[c, "lower"]), float(gp.at[c, "upper"])])
        x = 10 ** rng.uniform(np.log10(lo) - 0.5, np.log10(up) + 0.3, n)
        x[rng.random(n) < 0.3] = 0.0 if c != "vo_years_since_eruption_100km" else np.nan
        df[c] = x
    df["tc_rate_96kt"] = np.minimum(df["tc_rate_96kt"], df["tc_rate_64kt"])
    df["eq_rate_pga_0p2g"] = np.minimum(df["eq_rate_pga_0p2g"], df["eq_rate_pga_0p1g"])
    df["name"] = [f"Example City {i}" for i in range(n)]
    df["country_iso3"] = np.where(np.arange(n) % 2 == 0, "XAA", "XBB")
    return df


def city_model(exposure=None, *, product: str = "risk", exposure_fn=None,
               context=None) -> Any:
    """Build a model of the city products for :func:`.gsa.input_uncertainty`.

    Every factor is an input choice.

    Factors the returned ``model(**factors)`` understands:

    ``drop``
        an indicator to leave out (``None`` keeps all): COINr's ``remove_elements``;
    ``hazard_weights``
        a dict of hazard-component weights (``None``: equal);
    ``risk_weights``
        (hazard, VU, CC) weights of the risk index;
    ``impute``
        the national imputation method (:data:`IMPUTE_METHODS`);
    anything else
        a parameter of the hazard computation, passed to ``exposure_fn(**params)`` (default
        ``ra.hazards.exposure(cities, **params)`` for the cities of ``exposure``), e.g.
        ``volcano_km``; results are cached per distinct parameter set.

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        Nominal hazard table (hazard v2 columns, ``country_iso3``); default the gazetteer's.
    product : str
        ``"risk"`` (scores = ``risk``) or ``"hazard"`` (scores = ``hazard_index``).
    exposure_fn : callable, optional
        Recomputes the hazard table for hazard-computation factors.
    context : pandas.DataFrame, optional
        A fixed national context (else :func:`national_context`, varied by ``impute``).

    Examples
    --------
    >>> import pandas as pd
    >>> ex = example_hazard_table(8)
    >>> m = city_model(ex, product="hazard")
    >>> bool((m(drop="fl_rate") != m(drop=None)).any())
    True
    """
    check_choice("product", product, ("risk", "hazard"))
    own = {"drop", "hazard_weights", "risk_weights", "impute"}
    tables: dict[str, Any] = {}
    contexts: dict[str, Any] = {}
    goalposts = hazard_goalposts()  # read and checked once, not once per replication

    def table(params):
        nonlocal exposure
        if not params:
            if exposure is None:
                from .. import hazards

                exposure = hazards.exposure()
            return exposure
        key = repr(sorted(params.items()))
        if key not in tables:
            if exposure_fn is not None:
                tables[key] = exposure_fn(**params)
            else:
                from .. import hazards

                cities = None if exposure is None else exposure
                tables[key] = hazards.exposure(cities, **params)
        return tables[key]

    def model(**f):
        params = {k: v for k, v in f.items() if k not in own}
        ex = table(params)
        drop = f.get("drop")
        hi = city_hazard_index(ex, drop=[drop] if drop else (),
                               weights=f.get("hazard_weights"), goalposts=goalposts)
        if product == "hazard":
            return hi["hazard_index"]
        imp = f.get("impute", "subregion_median")
        if context is not None:
            if "impute" in f:
                raise ParameterError("city_model: the impute factor varies but a fixed "
                                     "context= was given")
            ctx = context
        else:
            if imp not in contexts:
                contexts[imp] = national_context(hi["country_iso3"].dropna().unique(),
                                                 impute=imp)[0]
            ctx = contexts[imp]
        r = city_risk_index(hazard=hi, context=ctx,
                            weights=f.get("risk_weights") or (1, 1, 1))
        return r["risk"]

    return model


def between_country_share(score: pd.Series, country: pd.Series) -> float:
    """Return the share of a score's variance that lies between countries (eta squared).

    ``sum_c n_c (mean_c - mean)^2 / sum_i (x_i - mean)^2`` over the cities with a score: 1
    means the score only says which country a city is in, 0 that countries do not differ on
    average. The city products are meant to rank cities, not countries: this is the measure
    (issue 14 found 0.956 for the old relative index).

    Parameters
    ----------
    score, country : pandas.Series
        Aligned on the same index (cities); missing scores are left out.

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        If fewer than two cities have a score, or every score is the same.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.composite.products import between_country_share
    >>> between_country_share(pd.Series([1.0, 1.0, 3.0, 3.0]), pd.Series(list("AABB")))
    1.0
    >>> between_country_share(pd.Series([1.0, 3.0, 1.0, 3.0]), pd.Series(list("AABB")))
    0.0
    """
    import pandas as pd

    d = pd.DataFrame({"s": score, "c": country}).dropna()
    total = float(((d["s"] - d["s"].mean()) ** 2).sum())
    if len(d) < 2 or total == 0:
        raise ParameterError(
            f"between_country_share needs at least two cities with different scores; got "
            f"{len(d)} scored cities")
    between = d.groupby("c")["s"].transform("mean")
    return float(((between - d["s"].mean()) ** 2).sum() / total)


def position_text(risk: pd.DataFrame, city_id: int) -> str:
    """Say in one sentence where a city stands on the city risk index, with its caveats.

    Parameters
    ----------
    risk : pandas.DataFrame
        Result of :func:`city_risk_index` (any set of cities that includes ``city_id``).
    city_id : int
        GeoNames id of the city.

    Returns
    -------
    str
        Score, the three dimensions, global / in-country / in-subregion ranks, reliability,
        where the national context came from, and, for a hazard index of 0, what that 0 means
        (``frameworks/README.md``: no coastal-surge, sea-level, heat or drought component).

    Raises
    ------
    ParameterError
        If ``city_id`` is not a row of ``risk``.

    Examples
    --------
    >>> from resilience_analytics.composite import products
    >>> risk = products.city_risk_index(products.example_hazard_table(6))
    >>> text = products.position_text(risk, risk.index[0])
    >>> text.startswith("Example City") and "rank" in text
    True
    """
    if city_id not in risk.index:
        raise ParameterError(f"city {city_id!r} is not a row of the risk table "
                             f"({len(risk)} cities)")
    import pandas as pd

    r = risk.loc[city_id]
    n = int(risk["rank"].notna().sum())
    name = r.get("name", city_id)

    def rank(col: str) -> str:
        v = r.get(col)
        return "n/a" if v is None or pd.isna(v) else f"{int(v):,}"

    region = r.get("un_subregion")
    region = "its UN subregion" if region is None or pd.isna(region) else region
    text = (
        f"{name}: city risk index {r['risk']:.2f} of 10 (hazard {r['HE']:.2f}, vulnerability "
        f"{r['VU']:.2f}, lack of coping capacity {r['CC']:.2f}); rank {rank('rank')} of "
        f"{n:,} cities (1 = highest risk), {rank('rank_in_country')} in its country, "
        f"{rank('rank_in_subregion')} in {region}; reliability {r['reliability']:.2f}; "
        f"national context: {r['context_source']}."
    )
    if r["HE"] == 0:
        text += (" A hazard index of 0 means none of the modelled hazards (earthquake, "
                 "tropical cyclone, regional flood, tsunami, volcano) reaches its damaging "
                 "threshold there; coastal storm surge, sea-level rise, heat and drought are "
                 "not modelled, so 0 is not 'safe'.")
    return text
