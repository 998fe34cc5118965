"""Complementary peers: same hazards, stronger where the focal city is weak (with trade-offs).

Capacities (:func:`capacities`) come at two levels, kept apart in every output:

City level (where a city has a record)
    ``city_resilience_programme``: member of 100 Resilient Cities or the Resilient Cities
    Network (a resilience strategy and a Chief Resilience Officer were the programme's
    core; Rockefeller Foundation 2013–2019); ``city_c40``: C40 member;
    ``city_gcom_adaptation``: Global Covenant of Mayors signatory with an adaptation commitment
    (Mayors Adapt or CoM 2030, JRC MyCovenant codebook; the MyCovenant data cover the EU,
    EFTA and neighbouring covenants only, so outside the countries with a signatory in the data
    the Covenant columns are missing, not "no"); ``city_gcom_reporting``: 1 for a
    signatory in good standing, 0 for one "on hold" (suspended, the codebook says, for not
    complying notably with reporting), missing for non-signatories; ``city_exchanges``:
    recorded city-to-city exchanges taken part in
    (:func:`resilience_analytics.connections.exchange_participation`); ``city_self_assessment``:
    mean score (0–100) of a Scorecard / City Resilience Index self-assessment, only where the
    caller passes one (no score is invented for a real city).
National level (one value for all cities of a country, labelled "national")
    ND-GAIN readiness; INFORM lack of coping capacity, institutional, infrastructure;
    WorldRiskIndex lack of coping and of adaptive capacity (country-context columns).

Examples
--------
>>> from resilience_analytics.peers.complement import CAPACITY_LABELS
>>> CAPACITY_LABELS["city_c40"]
'C40 member'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import DataNotFoundError, ParameterError
from .similarity import MISSING, _order, _population, _result_frame, _search
from .tables import _check_k, _iso3_column, _table, locate

_SIMILAR_OPTIONS = ("features", "weights", "metric", "scaling", "params", "agglomeration",
                    "agglomeration_km", "within_network", "exclude_network", "country",
                    "exclude_own_country", "region", "exclude_region", "population_band",
                    "min_separation_km")

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CAPACITY_LABELS",
    "CITY_CAPACITIES",
    "DEFAULT_CAPACITIES",
    "all_complementary",
    "capacities",
    "complementary",
]

#: National capacities: column → direction (+1 higher is better, -1 lower is better).
DEFAULT_CAPACITIES = {
    "ndgain_readiness": 1,
    "inform_lack_of_coping_capacity": -1,
    "inform_institutional": -1,
    "inform_infrastructure": -1,
    "wri_lack_of_coping": -1,
    "wri_lack_of_adaptive": -1,
}

#: City-level capacities (all: higher is better).
CITY_CAPACITIES = (
    "city_resilience_programme",
    "city_c40",
    "city_gcom_adaptation",
    "city_gcom_reporting",
    "city_exchanges",
    "city_self_assessment",
)

_BINARY = {"city_resilience_programme", "city_c40", "city_gcom_adaptation",
           "city_gcom_reporting"}

CAPACITY_LABELS = {
    "city_resilience_programme": "resilience programme (100RC / Resilient Cities Network)",
    "city_c40": "C40 member",
    "city_gcom_adaptation": "Covenant of Mayors adaptation commitment",
    "city_gcom_reporting": "Covenant of Mayors reporting in good standing",
    "city_exchanges": "recorded city-to-city exchanges",
    "city_self_assessment": "self-assessment score (0-100)",
    "ndgain_readiness": "national readiness to adapt (ND-GAIN readiness)",
    "inform_lack_of_coping_capacity": "national coping capacity (INFORM lack of coping capacity)",
    "inform_institutional": "national institutions (INFORM institutional)",
    "inform_infrastructure": "national infrastructure (INFORM infrastructure)",
    "wri_lack_of_coping": "national coping capacity (WorldRiskIndex lack of coping)",
    "wri_lack_of_adaptive": "national adaptive capacity (WorldRiskIndex lack of adaptive "
                            "capacity)",
}


@lru_cache(maxsize=1)
def _city_level_default() -> pd.DataFrame:
    """City-level capacity columns for every city with a record (others: 0 / missing)."""
    import pandas as pd

    from .. import connections, networks

    try:
        m = networks.memberships()
    except DataNotFoundError:
        m = pd.DataFrame(columns=["city_id", "network", "status"])
    try:
        g = networks.gcom_signatories()
    except DataNotFoundError:
        g = None
    try:
        ex = connections.exchange_participation()
    except DataNotFoundError:
        ex = {}
    return _city_level(m, g, ex)


def _city_level(m: pd.DataFrame, g: pd.DataFrame | None, ex: Mapping[int, set]) -> pd.DataFrame:
    import pandas as pd

    m = m[~m["status"].astype("string").isin(["deselected", "applicant"]).fillna(False)]
    out: dict[str, pd.Series] = {}
    prog = set(m.loc[m["network"].isin(["100rc", "rcn"]), "city_id"].astype(int))
    c40 = set(m.loc[m["network"] == "c40", "city_id"].astype(int))
    out["city_resilience_programme"] = pd.Series(1.0, index=sorted(prog))
    out["city_c40"] = pd.Series(1.0, index=sorted(c40))
    covered: set[str] = set()
    if g is not None and len(g):
        covered = set(g["country_iso2"].dropna().astype(str))
        g = g[g["city_id"].notna()]
        g = g.assign(city_id=g["city_id"].astype(int))
        gb = g.groupby("city_id")
        out["city_gcom_adaptation"] = gb["adaptation_commitment"].max().astype(float)
        out["city_gcom_reporting"] = gb["signatory_status"].agg(
            lambda s: float((s == "published").any()))
    out["city_exchanges"] = pd.Series({int(c): float(len(s)) for c, s in ex.items()},
                                      dtype=float)
    df = pd.DataFrame(out)
    df.index.name = "city_id"
    df.attrs["gcom_countries_iso2"] = sorted(covered)
    df.attrs["gcom_reference_date"] = (str(g["adhesion_date"].max().date())
                                       if g is not None and len(g) else "")
    return df


def capacities(
    table: pd.DataFrame | None = None,
    *,
    self_assessments: Mapping[Any, float] | None = None,
    national: bool = True,
    city_level: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the capacity table: city-level columns first, then national ones.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Feature table indexed by ``city_id`` (default: the hazard table); national columns
        (:data:`DEFAULT_CAPACITIES`) are taken from it where present.
    self_assessments : dict, optional
        City (name or ``city_id``) → self-assessment score in [0, 100] (e.g. the mean of
        ``ra.assessment.profile(a)["score_pct"]``; peers sits below assessment in the layers, so
        it takes the number, not the Assessment).
    national : bool, default True
        Include the national columns.
    city_level : pandas.DataFrame, optional
        City-level columns indexed by ``city_id`` (default: from networks, GCoM and exchanges).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``table``; ``attrs["level"]`` maps each column to "city" or "national",
        ``attrs["directions"]`` to +1/-1.

    Raises
    ------
    ParameterError
        A self-assessment score outside [0, 100] or a city not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"name": ["Example City A", "Example City B"],
    ...                   "ndgain_readiness": [0.4, 0.6]},
    ...                  index=pd.Index([1, 2], name="city_id"))
    >>> lvl = pd.DataFrame({"city_c40": [1.0]}, index=pd.Index([2], name="city_id"))
    >>> c = capacities(t, city_level=lvl, self_assessments={"Example City A": 55.0})
    >>> c["city_c40"].tolist(), c["city_self_assessment"].tolist()
    ([0.0, 1.0], [55.0, nan])
    >>> c.attrs["level"]["ndgain_readiness"]
    'national'
    """
    import numpy as np
    import pandas as pd

    table = _table(table)
    lvl = _city_level_default() if city_level is None else city_level
    out = pd.DataFrame(index=table.index)
    gcom_cover = lvl.attrs.get("gcom_countries_iso2")
    in_gcom = None
    if gcom_cover and "country_iso3" in table.columns:
        from .. import cities

        iso3 = set()
        for c2 in gcom_cover:
            try:
                iso3.add(cities.country_iso3(c2))
            except Exception:  # noqa: BLE001 - a code the gazetteer does not know: not covered
                continue
        in_gcom = table["country_iso3"].isin(iso3).to_numpy(dtype=bool, na_value=False)
    for c in CITY_CAPACITIES:
        if c == "city_self_assessment":
            continue
        if c in lvl.columns:
            s = lvl[c].reindex(table.index)
            s = s if c == "city_gcom_reporting" else s.fillna(0.0)
            if c.startswith("city_gcom") and in_gcom is not None:
                s = s.where(in_gcom)  # outside the covenants in the data: unknown, not "no"
            out[c] = s
    sa = pd.Series(np.nan, index=table.index)
    for who, score in (self_assessments or {}).items():
        cid = locate(who, table)
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
            raise ParameterError(
                f"self_assessments[{who!r}] = {score!r}: give a score in [0, 100] (e.g. the mean "
                "of ra.assessment.profile(a)['score_pct'])"
            )
        sa.loc[cid] = float(score)
    if sa.notna().any():
        out["city_self_assessment"] = sa
    level = {c: "city" for c in out.columns}
    dirs = {c: 1 for c in out.columns}
    if national:
        for c, d in DEFAULT_CAPACITIES.items():
            if c in table.columns:
                out[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
                level[c] = "national"
                dirs[c] = d
    out = out.astype(float)
    out.attrs.update(level=level, directions=dirs)
    return out


def _fmt(v: float) -> str:
    if v != v:  # NaN
        return "n/a"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def _phrase(c: str, peer: float, focal: float, focal_name: str, d: int) -> str:
    lab = CAPACITY_LABELS.get(c, c)
    if c in _BINARY:
        return f"{lab}: {'yes' if peer else 'no'} ({focal_name}: {'yes' if focal else 'no'})"
    return (f"{lab} {_fmt(peer)} vs {_fmt(focal)}" + (" (lower is better)" if d < 0 else ""))


_COLUMNS = ["rank", "name", "country_iso3", "population", "latitude", "longitude", "distance",
            "gain", "score", "stronger_on", "weaker_on", "reason", "contact", "shared_networks",
            "shared_exchanges"]


def _empty(focal: int, note: str, reason: str, extra: dict | None = None) -> pd.DataFrame:
    import pandas as pd

    out = pd.DataFrame(columns=_COLUMNS, index=pd.Index([], name="city_id", dtype="int64"))
    out.attrs.update(focal_city_id=int(focal), note=note, empty_reason=reason, **(extra or {}))
    return out


def complementary(
    city: str | int,
    *,
    capacities: pd.DataFrame | Sequence[str] | None = None,
    directions: Mapping[str, int] | None = None,
    k: int = 10,
    n_weakest: int = 3,
    pool: int = 200,
    min_gap: float = 0.05,
    self_assessments: Mapping[Any, float] | None = None,
    missing: str = "empty",
    table: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    **similar_options: Any,
) -> pd.DataFrame:
    """Return peers with the focal city's hazards that are stronger where it is weakest.

    Method (stated): take the ``pool`` cities most similar on the hazard features (as
    :func:`similar`, same options); while fewer than ``k`` of them are stronger, widen to 5 ×
    ``pool`` and then to all candidates. Every capacity is expressed as a percentile over all cities
    with a value (ties share the mean rank), oriented so that higher is better; the focal city's
    *weakest* capacities are its ``n_weakest`` lowest percentiles. A candidate's ``gain`` is the
    mean, over those weak capacities, of the percentile points it is ahead (0 where it is not
    ahead); ``score = gain / (1 + distance / median pool distance)``. Candidates with no gain are
    dropped. ``weaker_on`` lists every capacity (weak or not) on which the peer is behind the focal
    city by more than ``min_gap`` (percentile share): the trade-offs.

    Parameters
    ----------
    city : str or int
        Focal city.
    capacities : DataFrame or list of str, optional
        Default: :func:`capacities` (city-level and national columns). A list names columns of
        ``table``; a DataFrame is indexed by ``city_id`` (or has a ``city_id`` column) or by
        ISO3 (country-level values attached to each city), numeric columns, higher = better
        unless ``directions`` says -1.
    directions : dict, optional
        Column → +1 (higher is better) or -1 (lower is better).
    k : int, default 10
    n_weakest : int, default 3
    pool : int, default 200
    min_gap : float, default 0.05
        Trade-offs smaller than this percentile share are not listed.
    self_assessments : dict, optional
        As in :func:`capacities` (default capacities only).
    missing : {"empty", "raise"}, default "empty"
        With no result: return an empty table whose ``attrs["empty_reason"]``
        ("no_capacity_values", "none_stronger", "no_candidates") and ``attrs["note"]`` explain
        why, or raise :class:`ParameterError` with the note.
    table, memberships
        As in :func:`similar`.
    **similar_options
        Passed to :func:`similar` (features, weights, metric, scaling, params, agglomeration,
        country, exclude_own_country, region, exclude_region, within_network, ...).

    Returns
    -------
    pandas.DataFrame
        Indexed by the peer's ``city_id``, best first: ``rank``, ``name``, ``country_iso3``,
        ``distance``, ``gain``, ``score``, ``stronger_on``, ``weaker_on``, ``reason`` (plain
        words with the numbers, strengths then trade-offs, city-level and national capacities
        named as such), ``contact``, ``shared_networks``, ``shared_exchanges``, and
        ``<capacity>`` / ``<capacity>_focal`` raw values for the weak capacities.
        ``attrs["weakest"]`` lists the focal city's weak capacities with their percentiles.

    Raises
    ------
    ParameterError
        Bad parameters (always); no result only with ``missing="raise"``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"fl_count": [5, 5, 6, 0, 0], "readiness": [0.2, 0.8, 0.3, 0.9, 0.1],
    ...                   "name": [f"Example City {c}" for c in "ABCDE"]},
    ...                  index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    >>> out = ra.peers.complementary("Example City A", capacities=["readiness"], k=2, table=t,
    ...     features=["fl_count"], memberships=pd.DataFrame(columns=["city_id", "network"]))
    >>> out["name"].iloc[0]
    'Example City B'
    >>> none = ra.peers.complementary("Example City D", capacities=["readiness"], table=t,
    ...     features=["fl_count"], memberships=pd.DataFrame(columns=["city_id", "network"]))
    >>> len(none), none.attrs["empty_reason"]
    (0, 'none_stronger')
    """
    import numpy as np
    import pandas as pd

    check_choice("missing", missing, MISSING)
    table = _table(table)
    focal = locate(city, table)
    k = _check_k(k)
    n_weakest = _check_k(n_weakest, "n_weakest")
    pool = _check_k(pool, "pool")
    if isinstance(min_gap, bool) or not isinstance(min_gap, int | float) or not 0 <= min_gap < 1:
        raise ParameterError(f"min_gap must be a number in [0, 1), got {min_gap!r}")
    caps, dirs, level = _capacity_table(table, capacities, directions, self_assessments,
                                        memberships)
    focal_name = str(table["name"].loc[focal]) if "name" in table.columns else str(city)

    def nothing(note: str, reason: str, extra: dict | None = None) -> pd.DataFrame:
        if missing == "raise":
            raise ParameterError(note)
        return _empty(focal, note, reason, extra)

    oriented = caps * pd.Series(dirs)
    pct = oriented.rank(pct=True)
    fp = pct.loc[focal].dropna()
    if fp.empty:
        return nothing(
            f"{focal_name} has no value for any capacity ({list(caps.columns)}): nothing to "
            "compare; pass capacities= with a value for it", "no_capacity_values")
    weak = fp.sort_values(kind="stable").index[:n_weakest].tolist()
    cand = None
    tried: list[int] = []
    sopts = dict(similar_options)
    unknown = sorted(set(sopts) - set(_SIMILAR_OPTIONS))
    if unknown:
        raise ParameterError(
            f"unknown option(s) {unknown} for complementary; accepted: {sorted(_SIMILAR_OPTIONS)}"
        )
    _, fs, i, d, avail, note = _search(focal, table, memberships, "empty", **sopts)
    if avail == 0 or not np.isfinite(d).any():
        return nothing(f"no candidate city is left after the filters for {focal_name}; "
                       "loosen them", "no_candidates")
    pop = _population(table)
    order = _order(fs, d, int(np.isfinite(d).sum()), pop)  # every candidate, nearest first
    pct_v = pct.to_numpy()
    fpw = fp[weak].to_numpy()
    wcol = [pct.columns.get_loc(w) for w in weak]
    for size in (pool, 5 * pool, None):
        n_pool = len(order) if size is None else min(size, len(order))
        if tried and n_pool <= tried[-1]:
            continue
        if cand is not None and len(cand) >= k:
            break
        tried.append(n_pool)
        rows = order[:n_pool]
        ahead_v = pct_v[np.ix_(rows, wcol)] - fpw
        gain = np.nan_to_num(np.clip(ahead_v, 0, None), nan=0.0).mean(axis=1)
        med = float(np.median(d[rows])) or 1.0
        score = gain / (1.0 + d[rows] / med)
        good = gain > 0
        if good.sum() > (0 if cand is None else len(cand)):
            sel = np.flatnonzero(good)
            sel = sel[np.lexsort((d[rows][sel], -score[sel]))][:k]
            idx = rows[sel]
            cand = _result_frame(table, fs, focal, i, idx, d, fs.contributions(i, idx),
                                 memberships, city, k)
            cand["gain"] = gain[sel]
            cand["score"] = score[sel]
            ahead = pd.DataFrame(ahead_v[sel], index=cand.index, columns=weak)
            used_pool = n_pool
    if cand is None:
        return nothing(
            f"none of the {tried[-1]} hazard-similar candidates is stronger than {focal_name} on "
            f"its weakest capacities ({', '.join(CAPACITY_LABELS.get(w, w) for w in weak)}): "
            f"{focal_name} is at or above every candidate there; look at similar peers or "
            "change capacities=", "none_stronger", {"weakest": {w: float(fp[w]) for w in weak}})
    stronger, weaker, reasons = [], [], []
    for cid, row in cand.iterrows():
        better = sorted((w for w in weak if ahead.loc[cid, w] > 0),
                        key=lambda w: -ahead.loc[cid, w])
        gap = (pct.loc[cid] - pct.loc[focal]).dropna()
        worse = gap[gap < -min_gap].sort_values().index.tolist()
        stronger.append(";".join(better))
        weaker.append(";".join(worse))

        def words(cols, cid=cid):
            return "; ".join(_phrase(c, caps.loc[cid, c], caps.loc[focal, c], focal_name, dirs[c])
                             for c in cols)

        parts = [f"similar hazards (alike on {row['alike_on']})"]
        for lv in ("city", "national"):
            cols = [c for c in better if level.get(c, "city") == lv]
            if cols:
                parts.append(f"stronger ({lv} level): {words(cols)}")
        if worse:
            more = f" and {len(worse) - 3} more (see weaker_on)" if len(worse) > 3 else ""
            parts.append(f"trade-offs, weaker on: {words(worse[:3])}{more}")
        else:
            parts.append("no trade-off: not weaker on any capacity")
        reasons.append(". ".join(parts))
    cand["stronger_on"] = stronger
    cand["weaker_on"] = weaker
    cand["reason"] = reasons
    cand["rank"] = range(1, len(cand) + 1)
    for c in weak:
        cand[c] = caps.loc[cand.index, c].to_numpy()
        cand[f"{c}_focal"] = float(caps.loc[focal, c])
    keep = [c for c in _COLUMNS if c in cand.columns] + [x for c in weak
                                                          for x in (c, f"{c}_focal")]
    out = cand[keep].copy()
    out.attrs.update(cand.attrs)
    out.attrs["weakest"] = {c: float(fp[c]) for c in weak}
    out.attrs["directions"] = dirs
    out.attrs["level"] = level
    out.attrs["pool"] = used_pool
    return out


def _capacity_table(table, capacities_, directions, self_assessments, memberships=None):
    """Return (values aligned to table.index, direction per column, level per column)."""
    import pandas as pd

    directions = dict(directions or {})
    if capacities_ is None:
        lvl = None
        if memberships is not None:  # the caller's memberships only (no GCoM, no exchanges)
            m = memberships if "status" in memberships.columns else memberships.assign(
                status="member")
            lvl = _city_level(m, None, {})
        caps = capacities(table, self_assessments=self_assessments, city_level=lvl)
        level = dict(caps.attrs["level"])
        dirs = {c: directions.get(c, caps.attrs["directions"][c]) for c in caps.columns}
        caps = caps.loc[:, caps.nunique() > 1]  # a capacity nobody differs on tells nothing
        if caps.shape[1] == 0:
            raise ParameterError("no capacity column has a value; pass capacities=")
        dirs = {c: dirs[c] for c in caps.columns}
    elif isinstance(capacities_, pd.DataFrame):
        caps = capacities_
        if "city_id" in caps.columns:
            caps = caps.set_index("city_id")
        num = [c for c in caps.columns if pd.api.types.is_numeric_dtype(caps[c])
               and not pd.api.types.is_bool_dtype(caps[c])]
        if not num:
            raise ParameterError("capacities has no numeric column (higher = better by default)")
        caps = caps[num]
        idx = caps.index
        level = {c: "city" for c in num}
        if (not pd.api.types.is_integer_dtype(idx) and len(idx)
                and all(isinstance(v, str) and len(v) == 3 for v in idx)):
            iso3 = _iso3_column(table, "a capacities table indexed by ISO3")
            caps = caps.reindex(iso3.to_numpy())
            caps.index = table.index
            level = {c: "national" for c in num}
        else:
            caps = caps.reindex(table.index)
        dirs = {c: directions.get(c, DEFAULT_CAPACITIES.get(c, 1)) for c in num}
    else:
        cols = [capacities_] if isinstance(capacities_, str) else list(capacities_)
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise ParameterError(
                f"capacity column(s) {missing} are not in the table; accepted: numeric columns "
                f"such as {list(DEFAULT_CAPACITIES)}"
            )
        caps = table[cols]
        dirs = {c: directions.get(c, DEFAULT_CAPACITIES.get(c, 1)) for c in cols}
        level = {c: ("national" if c in DEFAULT_CAPACITIES else "city") for c in cols}
    bad = {c: v for c, v in dirs.items() if v not in (1, -1)}
    if bad:
        raise ParameterError(f"directions must be +1 (higher is better) or -1; got {bad}")
    caps = caps.apply(pd.to_numeric, errors="coerce").astype(float)
    empty = [c for c in caps.columns if caps[c].notna().sum() == 0]
    if empty:
        raise ParameterError(f"capacity column(s) {empty} have no value for any city")
    return caps, dirs, level


def all_complementary(
    k: int = 10,
    *,
    n_weakest: int = 3,
    pool: int = 200,
    table: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    self_assessments: Mapping[Any, float] | None = None,
    block_size: int = 2048,
    **pair_options: Any,
) -> pd.DataFrame:
    """Return the top-``k`` complementary peers of every city at once (the fast path).

    The method of :func:`complementary` with the default capacities, vectorised: the ``pool``
    most similar candidates of every city come from :func:`all_pairs` (same agglomeration
    rule), gains and scores are computed block by block, and no reasons are written. It does
    not widen the pool: a city with no stronger candidate among its ``pool`` gets no row here
    and is listed in ``attrs["none_in_pool"]`` (:func:`complementary` widens the pool for it).

    Parameters
    ----------
    k, n_weakest, pool, table, memberships, self_assessments
        As in :func:`complementary`.
    block_size : int, default 2048
        Cities per block.
    **pair_options
        Passed to :func:`all_pairs` (features, weights, metric, scaling, params, agglomeration).

    Returns
    -------
    pandas.DataFrame
        Long table ``city_id, rank, peer_id, distance, gain, score``, best first per city.
        ``attrs``: ``none_in_pool`` (city_ids without a stronger candidate in the pool), split
        into ``wider_pool`` (a stronger candidate exists beyond the pool: :func:`complementary`
        widens the pool and finds it) and ``none_stronger`` (no candidate anywhere is
        stronger: :func:`complementary` returns an explained empty table); ``no_capacity``
        (city_ids without any capacity value); ``pool``.

    Raises
    ------
    ParameterError
        As :func:`all_pairs` and :func:`complementary`.

    Examples
    --------
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"fl_rate": [0.5, 0.5, 0.6, 0.0, 0.0],
    ...                   "ndgain_readiness": [0.2, 0.8, 0.3, 0.9, 0.1]},
    ...                  index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    >>> none = pd.DataFrame(columns=["city_id", "network"])
    >>> out = ra.peers.all_complementary(k=1, pool=3, table=t, memberships=none)
    >>> out.loc[out["city_id"] == 1, "peer_id"].tolist()
    [2]
    """
    import numpy as np
    import pandas as pd

    from .pairs import all_pairs

    table = _table(table)
    k = _check_k(k)
    n_weakest = _check_k(n_weakest, "n_weakest")
    pool = min(_check_k(pool, "pool"), len(table) - 1)
    caps, dirs, _ = _capacity_table(table, None, None, self_assessments, memberships)
    pct = (caps * pd.Series(dirs)).rank(pct=True).to_numpy()
    pairs = all_pairs(pool, table=table, **pair_options)
    n = len(table)
    peer_rows = table.index.get_indexer(pairs["peer_id"].to_numpy()).reshape(n, pool)
    dist = pairs["distance"].to_numpy().reshape(n, pool)
    nanfill = np.where(np.isnan(pct), np.inf, pct)
    weak = np.argsort(nanfill, axis=1, kind="stable")[:, :n_weakest]  # weakest first
    weak_ok = np.isfinite(np.take_along_axis(nanfill, weak, axis=1))
    none_cap = ~weak_ok.any(axis=1)
    ids = table.index.to_numpy()
    out_c, out_p, out_d, out_g, out_s, out_r = [], [], [], [], [], []
    empty = []
    for s in range(0, n, block_size):
        e = min(s + block_size, n)
        w = weak[s:e]
        fpw = np.take_along_axis(pct[s:e], w, axis=1)  # b × nw
        peers_w = pct[peer_rows[s:e][:, :, None], w[:, None, :]]  # b × pool × nw
        ahead = np.nan_to_num(np.clip(peers_w - fpw[:, None, :], 0, None), nan=0.0)
        ahead *= weak_ok[s:e, None, :]
        gain = ahead.sum(axis=2) / np.maximum(weak_ok[s:e].sum(axis=1), 1)[:, None]
        med = np.median(dist[s:e], axis=1, keepdims=True)
        med = np.where(med > 0, med, 1.0)
        score = gain / (1.0 + dist[s:e] / med)
        score_sort = np.where(gain > 0, score, -np.inf)
        order = np.argsort(-score_sort, axis=1, kind="stable")[:, :k]
        sel_s = np.take_along_axis(score_sort, order, axis=1)
        valid = np.isfinite(sel_s)
        rows = np.repeat(np.arange(s, e)[:, None], order.shape[1], axis=1)
        out_c.append(ids[rows[valid]])
        out_p.append(ids[np.take_along_axis(peer_rows[s:e], order, axis=1)[valid]])
        out_d.append(np.take_along_axis(dist[s:e], order, axis=1)[valid])
        out_g.append(np.take_along_axis(gain, order, axis=1)[valid])
        out_s.append(sel_s[valid])
        out_r.append((np.cumsum(valid, axis=1))[valid])
        empty.append(ids[s:e][~valid.any(axis=1)])
    out = pd.DataFrame({"city_id": np.concatenate(out_c), "rank": np.concatenate(out_r),
                        "peer_id": np.concatenate(out_p), "distance": np.concatenate(out_d),
                        "gain": np.concatenate(out_g), "score": np.concatenate(out_s)})
    no_cap = set(ids[none_cap].tolist())
    in_pool_none = sorted(set(np.concatenate(empty).tolist()) - no_cap)
    # beyond the pool: is any candidate (anywhere) stronger? (complementary widens to all)
    from .similarity import _agglo

    agglo, _ = _agglo(table, pair_options.get("agglomeration", "urban_area"),
                      pair_options.get("agglomeration_km", 25.0))
    if agglo is None:
        grp, cand_rows = np.arange(n), np.arange(n)
    else:
        grp = table.index.get_indexer(agglo["representative"].to_numpy())
        cand_rows = np.flatnonzero(agglo["is_representative"].to_numpy(dtype=bool))
    pc = pct[cand_rows]
    wider, nobody = [], []
    pos = table.index.get_indexer(in_pool_none)
    for s in range(0, len(pos), 64):
        r = pos[s:s + 64]
        w = weak[r]
        ahead = pc[:, w] - np.take_along_axis(pct[r], w, axis=1)[None, :, :]  # R × b × nw
        ahead = np.nan_to_num(ahead, nan=0.0) * weak_ok[r][None, :, :]
        stronger = (ahead > 0).any(axis=2) & (grp[cand_rows][:, None] != grp[r][None, :])
        has = stronger.any(axis=0)
        wider += ids[r[has]].tolist()
        nobody += ids[r[~has]].tolist()
    out.attrs.update(pool=pool, no_capacity=sorted(no_cap), none_in_pool=in_pool_none,
                     wider_pool=sorted(wider), none_stronger=sorted(nobody),
                     capacities=list(caps.columns))
    return out
